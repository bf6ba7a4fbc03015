"""Reflective essays, their scans, and double-blind marks."""

from __future__ import annotations

import uuid
from datetime import date, datetime

from sqlalchemy import ForeignKey, LargeBinary, Numeric, String, Text
from sqlalchemy.orm import Mapped, deferred, mapped_column

from lt_desktop.domain.vocabulary import AttachmentKind, MarkPosition
from lt_desktop.storage.models.base import SyncedRecord, enum_column, same_thing, site_code_column


class Essay(SyncedRecord):
    """One reflective essay per student per cohort, known to markers only by its
    candidate number."""

    __tablename__ = "essays"
    __table_args__ = (same_thing("membership_id"),)

    membership_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("memberships.id"))
    # Random, so it says nothing of the writer; made where the essay is first entered.
    candidate_number: Mapped[str] = site_code_column(16)
    title: Mapped[str] = mapped_column(String(300), default="")
    text: Mapped[str] = mapped_column(Text, default="")
    word_count: Mapped[int] = mapped_column(default=0)
    submitted_on: Mapped[date | None] = mapped_column(default=None)
    late: Mapped[bool] = mapped_column(default=False)
    extension_note: Mapped[str] = mapped_column(Text, default="")
    moderation_needed: Mapped[bool] = mapped_column(default=False)
    identities_revealed: Mapped[bool] = mapped_column(default=False)


class EssayMark(SyncedRecord):
    """A first, second or agreed mark. An allocation is a mark row with no score yet."""

    __tablename__ = "essay_marks"
    __table_args__ = (same_thing("essay_id", "position"),)

    essay_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("essays.id"), index=True)
    position: Mapped[MarkPosition] = enum_column(MarkPosition)
    # Markers' accounts live on the university site; kept as an id and a name.
    marker_id: Mapped[uuid.UUID | None] = mapped_column(index=True, default=None)
    marker_name: Mapped[str] = mapped_column(String(200), default="")
    score: Mapped[float | None] = mapped_column(Numeric(5, 1, asdecimal=False), default=None)
    feedback: Mapped[str] = mapped_column(Text, default="")
    submitted_at: Mapped[datetime | None] = mapped_column(default=None)
    locked: Mapped[bool] = mapped_column(default=False)


class Attachment(SyncedRecord):
    """A scan, photo or file kept inside the encrypted store."""

    __tablename__ = "attachments"

    kind: Mapped[AttachmentKind] = enum_column(AttachmentKind)
    filename: Mapped[str] = mapped_column(String(255))
    media_type: Mapped[str] = mapped_column(String(100))
    size: Mapped[int]
    sha256: Mapped[str] = mapped_column(String(64))
    data: Mapped[bytes] = deferred(mapped_column(LargeBinary))
    essay_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("essays.id"), index=True, default=None
    )
    application_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("applications.id"), index=True, default=None
    )
    interview_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("interviews.id"), index=True, default=None
    )
