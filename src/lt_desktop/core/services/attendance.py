"""Attendance and engagement: the one place every attendance figure is worked out.

Two figures, always shown side by side (``FOOTNOTE`` says what they mean wherever
they are shown):

* **attendance**: sessions attended (present, late or left early) out of sessions held;
* **engagement**: attendance plus sessions missed for a reason outside the learner's
  control (``OUTSIDE_LEARNERS_CONTROL``: a lockdown, a legal visit, court...), out of
  sessions held. Funders read attendance; engagement shows how much of what a learner
  missed was never theirs to choose.

Which sessions count: the sense-making meeting is left out: it is part of the (opt-in)
evaluation and keeps its own register, so it never counts for or against anyone's
attendance on the course. So is the induction, held before week 1: its register says
who has been inducted, but it is not a teaching session. A cancelled session (a
lockdown, a staff shortage) took place for no one, so it counts neither: it takes no
register, and a mark a classroom laptop sent for it before it was cancelled is not
counted either.

A session is **held** for a person when it counts, its register has been taken (anyone
has a mark for it), it fell on or before today, and the person was in the cohort that
day: they had joined, and had not yet left (withdrawn, transferred or released). A
session they have a mark for is held for them whatever the dates say. Someone not
expected on the register (a lecturer, the coordinator) is counted only where marked.
"""

from __future__ import annotations

import uuid
from collections.abc import Collection
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import ColumnElement, and_, case, exists, func, or_, select
from sqlalchemy.orm import Session

from lt_desktop.domain.vocabulary import (
    ATTENDED_STATUSES,
    OUTSIDE_LEARNERS_CONTROL,
    AttendanceStatus,
    MarkReason,
    MembershipRole,
    MembershipStatus,
    SessionKind,
)
from lt_desktop.storage.models import AttendanceMark, ClassSession, Cohort, Membership

COUNTED_SESSION = and_(
    ClassSession.kind.not_in([SessionKind.SENSE_MAKING, SessionKind.INDUCTION]),
    ClassSession.cancelled.is_(None),
)

#: What the two figures mean, in the same words wherever they are shown.
FOOTNOTE = (
    "Attendance: sessions attended (present, late or left early) out of sessions held. "
    "Engagement: attendance plus absences for reasons outside the learner's control "
    "(lockdown, regime delays, movements not called, healthcare, legal visits, work or "
    "court, transfer, release) out of sessions held. Cancelled sessions are not counted."
)

#: Roles expected on the register, held to every session of their time in the cohort.
_ON_THE_REGISTER = frozenset(
    {MembershipRole.STUDENT, MembershipRole.MENTOR, MembershipRole.FACILITATOR}
)
_LEFT = frozenset(
    {MembershipStatus.WITHDRAWN, MembershipStatus.TRANSFERRED, MembershipStatus.RELEASED}
)
_MISSED = (AttendanceStatus.ABSENT, AttendanceStatus.EXCUSED)
_NOT_STARTED = frozenset({MembershipStatus.APPLIED, MembershipStatus.OFFERED})
STUDENTS = frozenset({MembershipRole.STUDENT})


def rate(part: int, whole: int) -> float | None:
    return part / whole if whole else None


@dataclass(frozen=True)
class AttendanceFigures:
    """Sessions held, attended, and missed for a reason outside the learner's control."""

    held: int = 0
    attended: int = 0
    excused: int = 0

    @property
    def engaged(self) -> int:
        return self.attended + self.excused

    @property
    def attendance(self) -> float | None:
        return rate(self.attended, self.held)

    @property
    def engagement(self) -> float | None:
        return rate(self.engaged, self.held)

    def __add__(self, other: AttendanceFigures) -> AttendanceFigures:
        return AttendanceFigures(
            self.held + other.held, self.attended + other.attended, self.excused + other.excused
        )


def excused_for_outside_reasons(status: AttendanceStatus | None, reason: MarkReason | None) -> bool:
    """A session missed (absent or excused) for a reason outside the learner's control."""
    return status in _MISSED and reason in OUTSIDE_LEARNERS_CONTROL


def figures_by_cohort(
    session: Session,
    *,
    today: date | None = None,
    cohort_ids: Collection[uuid.UUID] | None = None,
    roles: Collection[MembershipRole] | None = STUDENTS,
) -> dict[uuid.UUID, AttendanceFigures]:
    """Each cohort's figures: every session held for every one of its students (or
    members in other ``roles``; None: everyone)."""
    figures = _figures(
        session, (Membership.cohort_id,), today=today, cohort_ids=cohort_ids, roles=roles
    )
    return {cohort_id: f for (cohort_id,), f in figures.items()}


def figures_by_person(
    session: Session,
    *,
    today: date | None = None,
    cohort_ids: Collection[uuid.UUID] | None = None,
    person_id: uuid.UUID | None = None,
    roles: Collection[MembershipRole] | None = None,
) -> dict[tuple[uuid.UUID, uuid.UUID], AttendanceFigures]:
    """Each member's figures, by (cohort, person); everyone's unless ``roles`` are given."""
    figures = _figures(
        session,
        (Membership.cohort_id, Membership.person_id),
        today=today,
        cohort_ids=cohort_ids,
        person_id=person_id,
        roles=roles,
    )
    return {(cohort_id, who): f for (cohort_id, who), f in figures.items()}


def figures_by_session(
    session: Session,
    cohort_id: uuid.UUID,
    *,
    today: date | None = None,
    roles: Collection[MembershipRole] | None = STUDENTS,
) -> dict[uuid.UUID, AttendanceFigures]:
    """One cohort's figures week by week, by session id, of its students (or members in
    other ``roles``; None: everyone). A session not held is not in it."""
    figures = _figures(
        session, (ClassSession.id,), today=today, cohort_ids=[cohort_id], roles=roles
    )
    return {session_id: f for (session_id,), f in figures.items()}


def _figures(
    session: Session,
    keys: tuple[Any, ...],
    *,
    today: date | None,
    cohort_ids: Collection[uuid.UUID] | None = None,
    person_id: uuid.UUID | None = None,
    roles: Collection[MembershipRole] | None = None,
) -> dict[tuple[Any, ...], AttendanceFigures]:
    """The figures of every (membership, session held) pair, added up by ``keys``.

    Worked out in two aggregates, so that a hub with years of registers is not read
    mark by mark: the pairs where the person was expected (on the register, in the
    cohort that day), and the marks (every mark counts as held). A session is held for
    a person if either says so: held = expected + marked − marked and expected.
    """
    today = today or date.today()
    in_cohort = and_(
        func.coalesce(Membership.joined_on, Cohort.starts_on) <= ClassSession.held_on,
        or_(
            Membership.status.not_in(_LEFT),
            Membership.left_on.is_(None),
            ClassSession.held_on < Membership.left_on,
        ),
    )
    expected = and_(Membership.role.in_(_ON_THE_REGISTER), in_cohort)
    counted = and_(
        COUNTED_SESSION,
        ClassSession.held_on <= today,
        Membership.status.not_in(_NOT_STARTED),
    )
    narrowing: list[ColumnElement[bool]] = []
    if cohort_ids is not None:
        narrowing.append(Membership.cohort_id.in_(cohort_ids))
        narrowing.append(ClassSession.cohort_id.in_(cohort_ids))
    if person_id is not None:
        narrowing.append(Membership.person_id == person_id)
    if roles is not None:
        narrowing.append(Membership.role.in_(roles))

    marks = (
        select(
            *keys,
            func.count(),
            func.sum(case((AttendanceMark.status.in_(ATTENDED_STATUSES), 1), else_=0)),
            func.sum(
                case(
                    (
                        and_(
                            AttendanceMark.status.in_(_MISSED),
                            AttendanceMark.absence_reason.in_(OUTSIDE_LEARNERS_CONTROL),
                        ),
                        1,
                    ),
                    else_=0,
                )
            ),
            func.sum(case((expected, 1), else_=0)),
        )
        .select_from(AttendanceMark)
        .join(ClassSession, ClassSession.id == AttendanceMark.session_id)
        .join(
            Membership,
            and_(
                Membership.cohort_id == ClassSession.cohort_id,
                Membership.person_id == AttendanceMark.person_id,
            ),
        )
        .join(Cohort, Cohort.id == Membership.cohort_id)
        .where(counted, *narrowing)
        .group_by(*keys)
    )
    taken = exists().where(AttendanceMark.session_id == ClassSession.id)
    pairs = (
        select(*keys, func.count())
        .select_from(Membership)
        .join(Cohort, Cohort.id == Membership.cohort_id)
        .join(ClassSession, ClassSession.cohort_id == Membership.cohort_id)
        .where(counted, expected, taken, *narrowing)
        .group_by(*keys)
    )
    held: dict[tuple[Any, ...], int] = {}
    attended: dict[tuple[Any, ...], int] = {}
    excused: dict[tuple[Any, ...], int] = {}
    for *key, count in session.execute(pairs):
        held[tuple(key)] = count
    for *key, marked, came, missed_through_no_choice, also_expected in session.execute(marks):
        at = tuple(key)
        held[at] = held.get(at, 0) + marked - also_expected
        attended[at] = came
        excused[at] = missed_through_no_choice
    return {
        key: AttendanceFigures(n, attended.get(key, 0), excused.get(key, 0))
        for key, n in held.items()
    }
