"""What needs doing before the day: guests late for clearance or still to be submitted,
and the count against capacity."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date

from lt_desktop.core.services.graduation.common import how_many
from lt_desktop.core.services.graduation.graduates import GraduateLine
from lt_desktop.core.services.graduation.guests import STUDENT_GUEST_CATEGORIES, GuestInfo
from lt_desktop.domain.vocabulary import ClearanceStatus
from lt_desktop.storage.models import GraduationEvent

#: Clearance still waiting on someone: the guest cannot be admitted yet.
PENDING_CLEARANCE = frozenset({ClearanceStatus.NOT_SUBMITTED, ClearanceStatus.SUBMITTED})
#: How many days before the guest deadline guests still to be submitted are pointed out.
DEADLINE_NOTICE_DAYS = 7


_NAMES_IN_A_WARNING = 5


@dataclass(frozen=True)
class LateGuest:
    guest_id: uuid.UUID
    name: str
    clearance: ClearanceStatus

    def describe(self) -> str:
        waiting = (
            "not submitted"
            if self.clearance is ClearanceStatus.NOT_SUBMITTED
            else "awaiting a decision"
        )
        return f"{self.name} ({waiting})"


@dataclass(frozen=True)
class HeadCount:
    """Everyone expected in the room against its capacity. Refused guests are not
    counted: they will not be admitted."""

    students: int
    guests: int  # family and friends of students
    officials: int  # officials, partners and offender managers
    capacity: int

    @property
    def total(self) -> int:
        return self.students + self.guests + self.officials

    @property
    def over(self) -> int:
        return max(0, self.total - self.capacity)

    def describe(self) -> str:
        parts = (
            f"{how_many(self.students, 'student')} graduating, "
            f"{how_many(self.guests, 'guest')} of students, "
            f"{how_many(self.officials, 'official or partner', 'officials and partners')}"
        )
        if self.over:
            return (
                f"Over capacity: {self.total} people for {self.capacity} places "
                f"({self.over} too many): {parts}."
            )
        return f"{self.total} of {self.capacity} places: {parts}."


@dataclass(frozen=True)
class GraduationWarnings:
    event_id: uuid.UUID
    today: date
    held_on: date
    deadline: date | None
    late: list[LateGuest]  # still pending after the deadline
    due: list[LateGuest]  # still to be submitted, with the deadline close
    count: HeadCount
    guests: int = 0

    @property
    def no_deadline(self) -> bool:
        return self.deadline is None and self.guests > 0 and self.today <= self.held_on

    @property
    def needs_attention(self) -> bool:
        return bool(self.late or self.due or self.no_deadline or self.count.over)

    def messages(self) -> list[str]:
        """What is late or close, in plain words, then the count against capacity."""
        lines = []
        if self.late and self.deadline is not None:
            lines.append(
                f"{how_many(len(self.late), 'guest is', 'guests are')} late for clearance "
                f"(the deadline was {self.deadline:%d %b %Y}): {_names(self.late)}."
            )
        if self.due and self.deadline is not None:
            days = (self.deadline - self.today).days
            when = "today" if days == 0 else f"in {how_many(days, 'day')}"
            lines.append(
                f"{how_many(len(self.due), 'guest is', 'guests are')} still to be submitted for "
                f"clearance before the deadline on {self.deadline:%d %b %Y} ({when}): "
                f"{_names(self.due)}."
            )
        if self.no_deadline:
            lines.append(
                "No deadline for guests is set: set one, so the prison has time to clear them."
            )
        lines.append(self.count.describe())
        return lines


def _names(guests: list[LateGuest]) -> str:
    shown = [g.describe() for g in guests[:_NAMES_IN_A_WARNING]]
    more = len(guests) - len(shown)
    return "; ".join(shown) + (f"; and {more} more" if more else "")


def warnings_of(
    event: GraduationEvent,
    guests: list[GuestInfo],
    graduates: list[GraduateLine],
    today: date,
) -> GraduationWarnings:
    expected = [g for g in guests if g.clearance is not ClearanceStatus.REFUSED]
    late: list[LateGuest] = []
    due: list[LateGuest] = []
    deadline = event.guest_deadline
    if deadline is not None and today <= event.held_on:
        for guest in expected:
            if guest.clearance not in PENDING_CLEARANCE:
                continue
            entry = LateGuest(guest.id, guest.name, guest.clearance)
            if today > deadline:
                late.append(entry)
            elif (
                guest.clearance is ClearanceStatus.NOT_SUBMITTED
                and (deadline - today).days <= DEADLINE_NOTICE_DAYS
            ):
                due.append(entry)
    from_students = sum(1 for g in expected if g.category in STUDENT_GUEST_CATEGORIES)
    count = HeadCount(
        students=len(graduates),
        guests=from_students,
        officials=len(expected) - from_students,
        capacity=event.capacity,
    )
    return GraduationWarnings(
        event.id, today, event.held_on, deadline, late, due, count, guests=len(guests)
    )
