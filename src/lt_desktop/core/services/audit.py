"""Reading and verifying the audit log."""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import func, select

from lt_desktop.core.services.base import Service
from lt_desktop.domain.roles import Permission
from lt_desktop.storage.audit_chain import AuditVerification
from lt_desktop.storage.models import AuditEntry


@dataclass(frozen=True)
class AuditLine:
    sequence: int
    at: datetime
    actor_id: uuid.UUID | None
    actor_name: str
    action: str
    subject_type: str | None
    subject_id: str | None
    details: dict[str, Any]


class AuditService(Service):
    def count(self) -> int:
        self._require(Permission.VIEW_AUDIT)
        with self._store.read() as session:
            return session.scalar(select(func.count()).select_from(AuditEntry)) or 0

    def entries(
        self, *, newest_first: bool = True, offset: int = 0, limit: int = 200, action: str = ""
    ) -> list[AuditLine]:
        self._require(Permission.VIEW_AUDIT)
        order = AuditEntry.sequence.desc() if newest_first else AuditEntry.sequence
        query = select(AuditEntry).order_by(order).offset(offset).limit(limit)
        if action:
            query = query.where(AuditEntry.action.startswith(action))
        with self._store.read() as session:
            return [
                AuditLine(
                    e.sequence,
                    e.at,
                    e.actor_id,
                    e.actor_name,
                    e.action,
                    e.subject_type,
                    e.subject_id,
                    json.loads(e.details),
                )
                for e in session.scalars(query)
            ]

    def verify(self) -> AuditVerification:
        self._require(Permission.VIEW_AUDIT)
        return self._store.verify_audit_log()
