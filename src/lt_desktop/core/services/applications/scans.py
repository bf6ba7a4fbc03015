"""Scanned application forms, named by reference alone when assessment is blind."""

from __future__ import annotations

import uuid

from sqlalchemy import select
from sqlalchemy.orm import Session

from lt_desktop.core.services.essays import ScanInfo
from lt_desktop.storage.models import Attachment


def blind_scan_name(reference: str, number: int, media_type: str) -> str:
    suffix = {"application/pdf": ".pdf", "image/png": ".png", "image/jpeg": ".jpg"}
    return f"{reference}-scan-{number}{suffix.get(media_type, '')}"


def scans_of(
    session: Session, application_id: uuid.UUID, *, blind_as: str | None = None
) -> list[ScanInfo]:
    return [
        ScanInfo(
            a.id,
            a.filename if blind_as is None else blind_scan_name(blind_as, n, a.media_type),
            a.media_type,
            a.size,
        )
        for n, a in enumerate(
            session.scalars(
                select(Attachment)
                .where(Attachment.application_id == application_id)
                .order_by(Attachment.created_at)
            ),
            start=1,
        )
    ]
