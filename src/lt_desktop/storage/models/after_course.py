"""After the course: what a person goes on to do, followed with their consent."""

from __future__ import annotations

import uuid
from datetime import date

from sqlalchemy import ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from lt_desktop.domain.vocabulary import ProgressionKind
from lt_desktop.storage.models.base import SyncedRecord, enum_column


class Progression(SyncedRecord):
    """A step a person took after a cohort: further study, mentoring or facilitating a
    later cohort, work, or keeping in touch after release.

    Kept only while the person's consent to be followed stands; it travels, like
    research data, only to partners while that consent stands, and a withdrawal
    blanks the copies elsewhere. Figures about it name no one.
    """

    __tablename__ = "progressions"

    person_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("people.id"), index=True)
    #: The cohort it follows, where there is one.
    cohort_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("cohorts.id"), index=True, default=None
    )
    kind: Mapped[ProgressionKind] = enum_column(ProgressionKind)
    started_on: Mapped[date]
    ended_on: Mapped[date | None] = mapped_column(default=None)
    notes: Mapped[str] = mapped_column(Text, default="")
    recorded_by_name: Mapped[str] = mapped_column(String(200), default="")
