"""Scanned application forms, named by reference alone when assessment is blind."""

from __future__ import annotations

import uuid

from sqlalchemy.orm import Session

from lt_desktop.core.services.essays import ScanInfo, attached_scans, blind_scan_name
from lt_desktop.storage.models import Attachment

__all__ = ["blind_scan_name", "scans_of"]


def scans_of(
    session: Session, application_id: uuid.UUID, *, blind_as: str | None = None
) -> list[ScanInfo]:
    """The application's scans in the order attached; named by reference when `blind_as`."""
    return attached_scans(session, Attachment.application_id == application_id, blind_as=blind_as)
