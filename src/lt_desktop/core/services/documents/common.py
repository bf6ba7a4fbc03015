"""What every document about a cohort shares: its heading, the course's weeks, and
membership statuses in the words a document may use.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from lt_desktop.core.services.attendance import COUNTED_SESSION
from lt_desktop.core.services.base import get_or_not_found
from lt_desktop.domain.vocabulary import (
    MembershipStatus,
    SessionKind,
    cancellation_in_words,
)
from lt_desktop.storage.models import (
    ClassSession,
    Cohort,
)

#: Students who have earned a certificate.
CERTIFIED_STATUSES = frozenset({MembershipStatus.COMPLETED, MembershipStatus.GRADUATED})

#: Statuses of people who left before the end, for whatever reason.
LEFT_STATUSES = frozenset(
    {MembershipStatus.WITHDRAWN, MembershipStatus.TRANSFERRED, MembershipStatus.RELEASED}
)

#: Statuses of people who never started: they are on no register and in no count.
NOT_STARTED_STATUSES = frozenset({MembershipStatus.APPLIED, MembershipStatus.OFFERED})


def status_wording(status: MembershipStatus) -> str:
    """A membership status in words that say nothing about why someone left: "released"
    or "transferred" would tell a reader where the person is based."""
    if status in LEFT_STATUSES:
        return "Left the course"
    if status in NOT_STARTED_STATUSES:
        return "Not started"
    if status is MembershipStatus.ACTIVE:
        return "Taking part"
    return status.label


def rate(part: int, whole: int) -> float | None:
    return part / whole if whole else None


@dataclass(frozen=True)
class CohortHeading:
    """What every document about one cohort is headed with."""

    cohort_id: uuid.UUID
    partnership_name: str
    prison_name: str
    university_name: str
    course_title: str
    cohort_name: str
    starts_on: date
    ends_on: date

    @property
    def title(self) -> str:
        return f"{self.course_title}: {self.cohort_name}"


def cohort_heading(session: Session, cohort_id: uuid.UUID) -> CohortHeading:
    cohort = get_or_not_found(session, Cohort, cohort_id, "cohort")
    partnership = cohort.course.partnership
    return CohortHeading(
        cohort_id=cohort.id,
        partnership_name=partnership.name,
        prison_name=partnership.prison_name,
        university_name=partnership.university_name,
        course_title=cohort.course.title,
        cohort_name=cohort.name,
        starts_on=cohort.starts_on,
        ends_on=cohort.ends_on,
    )


def course_sessions(session: Session, cohort_id: uuid.UUID) -> list[ClassSession]:
    """The course's weeks that count for attendance (``services/attendance.py``): not
    the sense-making meeting, nor a week cancelled."""
    return list(
        session.scalars(
            select(ClassSession)
            .where(ClassSession.cohort_id == cohort_id, COUNTED_SESSION)
            .order_by(ClassSession.held_on, ClassSession.week)
        )
    )


@dataclass(frozen=True)
class CancelledWeek:
    """A week called off: it keeps its place in the programme and counts in no figure."""

    week: int
    held_on: date
    why: str  # "lockdown: a search of the wing"


def cancelled_weeks(session: Session, cohort_id: uuid.UUID) -> list[CancelledWeek]:
    """The cohort's weeks that were called off, in order (an induction called off is
    not one of the course's weeks)."""
    return [
        CancelledWeek(s.week, s.held_on, cancellation_in_words(s.cancelled, s.cancelled_note))
        for s in session.scalars(
            select(ClassSession)
            .where(
                ClassSession.cohort_id == cohort_id,
                ClassSession.cancelled.is_not(None),
                ClassSession.kind != SessionKind.INDUCTION,
            )
            .order_by(ClassSession.held_on, ClassSession.week)
        )
    ]


def cancelled_in_words(weeks: list[CancelledWeek]) -> str:
    """Which weeks were called off, as a sentence: "Week 7 (Mon 26 Oct, lockdown) was
    cancelled and is not counted."; "" when none was."""
    if not weeks:
        return ""
    listed = [f"{w.week} ({w.held_on:%a} {w.held_on.day} {w.held_on:%b}, {w.why})" for w in weeks]
    if len(listed) == 1:
        return f"Week {listed[0]} was cancelled and is not counted."
    return f"Weeks {', '.join(listed[:-1])} and {listed[-1]} were cancelled and are not counted."


def find_graduation_session(
    session: Session, cohort_id: uuid.UUID, held_on: date
) -> ClassSession | None:
    """The cohort's graduation session in its register: the one nearest ``held_on``."""
    found = sorted(
        session.scalars(
            select(ClassSession).where(
                ClassSession.cohort_id == cohort_id, ClassSession.kind == SessionKind.GRADUATION
            )
        ),
        key=lambda s: (abs((s.held_on - held_on).days), -s.week),
    )
    return found[0] if found else None
