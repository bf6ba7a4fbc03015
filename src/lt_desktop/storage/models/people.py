"""People (one kind for everyone) and the prison-only details kept apart from them."""

from __future__ import annotations

import uuid
from datetime import date

from sqlalchemy import ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from lt_desktop.domain.vocabulary import ClearanceStatus, PersonBase
from lt_desktop.storage.models.base import SyncedRecord, enum_column, same_thing, site_code_column


class Person(SyncedRecord):
    """Anyone taking part: students, mentors, facilitators, lecturers, coordinators.

    ``base`` is recorded because the programme balances cohorts by it; screens
    never use it as a label.
    """

    __tablename__ = "people"

    given_name: Mapped[str] = mapped_column(String(100))
    family_name: Mapped[str] = mapped_column(String(100))
    preferred_name: Mapped[str] = mapped_column(String(100), default="")
    base: Mapped[PersonBase] = enum_column(PersonBase)
    email: Mapped[str] = mapped_column(String(200), default="")
    notes: Mapped[str] = mapped_column(Text, default="")
    # A stable pseudonym for research exports, random so it carries no identity (nor
    # which site made it).
    research_id: Mapped[str] = site_code_column(16)

    @property
    def display_name(self) -> str:
        first = self.preferred_name or self.given_name
        return f"{first} {self.family_name}".strip()

    @property
    def sort_name(self) -> str:
        return f"{self.family_name}, {self.preferred_name or self.given_name}"


class PrisonDetails(SyncedRecord):
    """What only the prison needs. Never leaves a prison site; never printed."""

    __tablename__ = "prison_details"
    __table_args__ = (same_thing("person_id"),)

    person_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("people.id"))
    prison_number: Mapped[str] = mapped_column(String(20), default="")
    location: Mapped[str] = mapped_column(String(100), default="")
    release_date: Mapped[date | None] = mapped_column(default=None)
    security_notes: Mapped[str] = mapped_column(Text, default="")
    clearance: Mapped[ClearanceStatus] = enum_column(
        ClearanceStatus, default=ClearanceStatus.NOT_SUBMITTED
    )
    clearance_on: Mapped[date | None] = mapped_column(default=None)
