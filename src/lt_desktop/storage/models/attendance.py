"""The register: one mark per person per session."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from lt_desktop.domain.vocabulary import AttendanceStatus, MarkReason
from lt_desktop.storage.models.base import SyncedRecord, enum_column, same_thing


class AttendanceMark(SyncedRecord):
    __tablename__ = "attendance"
    __table_args__ = (same_thing("session_id", "person_id"),)

    session_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("class_sessions.id"), index=True)
    person_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("people.id"), index=True)
    status: Mapped[AttendanceStatus] = enum_column(AttendanceStatus)
    absence_reason: Mapped[MarkReason | None] = enum_column(MarkReason, default=None)
    note: Mapped[str] = mapped_column(Text, default="")
    # Accounts are per site, so the marker of record is kept as an id and a name.
    recorded_by_id: Mapped[uuid.UUID | None] = mapped_column(default=None)
    recorded_by_name: Mapped[str] = mapped_column(String(200), default="")
    recorded_at: Mapped[datetime]
