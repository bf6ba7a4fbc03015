"""Partnerships, courses, cohorts, memberships, small groups and class sessions."""

from __future__ import annotations

import uuid
from datetime import date, time

from sqlalchemy import ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from lt_desktop.domain.vocabulary import Cancellation, MembershipRole, MembershipStatus, SessionKind
from lt_desktop.storage.models.base import SyncedRecord, enum_column, same_thing
from lt_desktop.storage.models.people import Person


class Partnership(SyncedRecord):
    """One prison and one university running courses together."""

    __tablename__ = "partnerships"

    name: Mapped[str] = mapped_column(String(200))
    prison_name: Mapped[str] = mapped_column(String(200))
    university_name: Mapped[str] = mapped_column(String(200))
    region: Mapped[str | None] = mapped_column(String(200), default=None)
    started_on: Mapped[date | None] = mapped_column(default=None)
    notes: Mapped[str] = mapped_column(Text, default="")


class Course(SyncedRecord):
    __tablename__ = "courses"

    partnership_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("partnerships.id"), index=True)
    title: Mapped[str] = mapped_column(String(200))
    subject: Mapped[str] = mapped_column(String(200), default="")
    accredited: Mapped[bool] = mapped_column(default=False)
    credits: Mapped[int | None] = mapped_column(default=None)
    level: Mapped[str | None] = mapped_column(String(50), default=None)
    description: Mapped[str] = mapped_column(Text, default="")

    partnership: Mapped[Partnership] = relationship(lazy="joined")


class Cohort(SyncedRecord):
    """One run of a course, e.g. January to May 2015."""

    __tablename__ = "cohorts"

    course_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("courses.id"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    starts_on: Mapped[date]
    ends_on: Mapped[date]
    capacity: Mapped[int] = mapped_column(Integer, default=24)
    notes: Mapped[str] = mapped_column(Text, default="")

    course: Mapped[Course] = relationship(lazy="joined")


class Membership(SyncedRecord):
    """A person's place in a cohort: their role and where they are in it."""

    __tablename__ = "memberships"
    __table_args__ = (same_thing("cohort_id", "person_id"),)

    cohort_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("cohorts.id"), index=True)
    person_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("people.id"), index=True)
    role: Mapped[MembershipRole] = enum_column(MembershipRole)
    status: Mapped[MembershipStatus] = enum_column(MembershipStatus)
    status_since: Mapped[date]
    joined_on: Mapped[date | None] = mapped_column(default=None)
    left_on: Mapped[date | None] = mapped_column(default=None)
    notes: Mapped[str] = mapped_column(Text, default="")

    person: Mapped[Person] = relationship(lazy="joined")
    cohort: Mapped[Cohort] = relationship()


class MembershipStatusChange(SyncedRecord):
    """The history behind a membership's current status."""

    __tablename__ = "membership_status_changes"

    membership_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("memberships.id"), index=True)
    status: Mapped[MembershipStatus] = enum_column(MembershipStatus)
    effective_on: Mapped[date]
    reason: Mapped[str] = mapped_column(Text, default="")
    recorded_by_name: Mapped[str] = mapped_column(String(200), default="")


class SmallGroup(SyncedRecord):
    __tablename__ = "small_groups"

    cohort_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("cohorts.id"), index=True)
    name: Mapped[str] = mapped_column(String(100))
    position: Mapped[int] = mapped_column(default=0)


class GroupMember(SyncedRecord):
    __tablename__ = "group_members"
    __table_args__ = (same_thing("group_id", "membership_id"),)

    group_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("small_groups.id"), index=True)
    membership_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("memberships.id"), index=True)

    membership: Mapped[Membership] = relationship(lazy="joined")


class ClassSession(SyncedRecord):
    """A weekly session of a cohort (what staff call a session or a week)."""

    __tablename__ = "class_sessions"

    cohort_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("cohorts.id"), index=True)
    week: Mapped[int]
    held_on: Mapped[date]
    starts_at: Mapped[time | None] = mapped_column(default=None)
    ends_at: Mapped[time | None] = mapped_column(default=None)
    kind: Mapped[SessionKind] = enum_column(SessionKind)
    title: Mapped[str] = mapped_column(String(300), default="")
    lecturer_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("people.id"), default=None)
    #: Superseded by ``readings`` (one record per reading, with author, pages and a
    #: PDF): kept so records from older versions still read. Nothing shows them, and a
    #: store upgraded to revision 0014 made a reading of each line it held.
    reading_1: Mapped[str] = mapped_column(Text, default="")
    reading_2: Mapped[str] = mapped_column(Text, default="")
    location: Mapped[str] = mapped_column(String(200), default="")
    notes: Mapped[str] = mapped_column(Text, default="")
    #: Set when the whole session was called off; it then takes no register.
    cancelled: Mapped[Cancellation | None] = enum_column(Cancellation, default=None)
    cancelled_note: Mapped[str] = mapped_column(Text, default="")

    cohort: Mapped[Cohort] = relationship()
