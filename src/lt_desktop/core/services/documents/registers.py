"""Registers and attendance: a blank register for one session, a cohort's attendance so
far, and one person's attendance. Names and roles only, never where anyone is based.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import date, time

from sqlalchemy import select
from sqlalchemy.orm import Session

from lt_desktop.core.services.attendance import (
    COUNTED_SESSION,
    AttendanceFigures,
    figures_by_person,
    figures_by_session,
)
from lt_desktop.core.services.base import Service, get_or_not_found
from lt_desktop.core.services.documents.common import (
    LEFT_STATUSES,
    NOT_STARTED_STATUSES,
    CancelledWeek,
    CohortHeading,
    cancelled_weeks,
    cohort_heading,
    course_sessions,
    status_wording,
)
from lt_desktop.core.services.groups import GROUPED_ROLES
from lt_desktop.core.services.memberships import ROLE_ORDER, MemberInfo, member_infos
from lt_desktop.core.services.readings import ReadingInfo, readings_of
from lt_desktop.domain.errors import ValidationError
from lt_desktop.domain.roles import Permission
from lt_desktop.domain.vocabulary import (
    AttendanceStatus,
    MembershipRole,
    MembershipStatus,
    SessionKind,
    cancellation_in_words,
)
from lt_desktop.storage.models import (
    AttendanceMark,
    ClassSession,
    Cohort,
    Membership,
    Person,
    SmallGroup,
)

_UNGROUPED = 10_000

NO_GROUP = "Not in a group"


@dataclass(frozen=True)
class SheetPerson:
    name: str
    role: MembershipRole


@dataclass(frozen=True)
class SheetGroup:
    name: str
    people: list[SheetPerson]


@dataclass(frozen=True)
class RegisterSheet:
    """A blank register for one session: who is expected, by small group."""

    heading: CohortHeading
    week: int
    held_on: date
    starts_at: time | None
    ends_at: time | None
    kind: SessionKind
    title: str
    location: str
    lecturer_name: str
    groups: list[SheetGroup]
    #: Why the session was called off, in words; "" for a session that runs.
    cancelled: str = ""
    #: What to read for the session, as its reading list gives it.
    readings: list[ReadingInfo] = field(default_factory=list)

    @property
    def expected(self) -> int:
        return sum(len(g.people) for g in self.groups)


@dataclass(frozen=True)
class WeekColumn:
    week: int
    held_on: date
    kind: SessionKind


@dataclass(frozen=True)
class AttendanceRow:
    name: str
    role: MembershipRole
    group_name: str
    left_course: bool
    marks: list[AttendanceStatus | None]  # one per week column
    #: Their attendance and engagement so far (``services/attendance.py``).
    figures: AttendanceFigures = AttendanceFigures()


@dataclass(frozen=True)
class AttendanceSummary:
    """A cohort's register so far: everyone in a small group, week by week."""

    heading: CohortHeading
    weeks: list[WeekColumn]
    rows: list[AttendanceRow]  # by group, then role, then name
    #: Everyone's figures week by week, one per week column (nothing held: all zero).
    by_week: list[AttendanceFigures] = field(default_factory=list)
    #: Weeks called off: they are in no column and count in no figure.
    cancelled: list[CancelledWeek] = field(default_factory=list)

    @property
    def figures(self) -> AttendanceFigures:
        """Everyone's figures together."""
        return sum((row.figures for row in self.rows), AttendanceFigures())


@dataclass(frozen=True)
class PersonSessionLine:
    week: int
    held_on: date
    title: str
    kind: SessionKind
    mark: AttendanceStatus | None


@dataclass(frozen=True)
class PersonCohortAttendance:
    heading: CohortHeading
    role: MembershipRole
    status: str  # in words that do not say why someone left
    lines: list[PersonSessionLine]
    #: Their attendance and engagement in the cohort (``services/attendance.py``).
    figures: AttendanceFigures = AttendanceFigures()
    cancelled: list[CancelledWeek] = field(default_factory=list)


@dataclass(frozen=True)
class PersonAttendance:
    person_name: str
    cohorts: list[PersonCohortAttendance]


class RegisterDocuments(Service):
    """What registers and attendance sheets show."""

    def register_sheet(self, session_id: uuid.UUID) -> RegisterSheet:
        """Everyone expected at a session, by small group, for a register on paper."""
        self._require(Permission.PRINT_DOCUMENTS)
        with self._store.read() as session:
            class_session = get_or_not_found(session, ClassSession, session_id, "session")
            self._require_cohort_visible(session, class_session.cohort_id)
            heading = cohort_heading(session, class_session.cohort_id)
            positions = _group_positions(session, class_session.cohort_id)
            expected = [
                m
                for m in member_infos(session, class_session.cohort_id)
                if m.role in GROUPED_ROLES and m.status is MembershipStatus.ACTIVE
            ]
            groups: dict[str, list[SheetPerson]] = {}
            for member in _in_register_order(expected, positions):
                groups.setdefault(member.group_name or NO_GROUP, []).append(
                    SheetPerson(member.display_name, member.role)
                )
            lecturer = (
                session.get(Person, class_session.lecturer_id)
                if class_session.lecturer_id
                else None
            )
            return RegisterSheet(
                heading=heading,
                week=class_session.week,
                held_on=class_session.held_on,
                starts_at=class_session.starts_at,
                ends_at=class_session.ends_at,
                kind=class_session.kind,
                title=class_session.title,
                location=class_session.location,
                lecturer_name=lecturer.display_name if lecturer else "",
                groups=[SheetGroup(name, people) for name, people in groups.items()],
                cancelled=cancellation_in_words(
                    class_session.cancelled, class_session.cancelled_note
                ),
                readings=readings_of(session, class_session.id),
            )

    def attendance_summary(
        self, cohort_id: uuid.UUID, *, today: date | None = None
    ) -> AttendanceSummary:
        self._require(Permission.PRINT_DOCUMENTS)
        with self._store.read() as session:
            self._require_cohort_visible(session, cohort_id)
            heading = cohort_heading(session, cohort_id)
            sessions = course_sessions(session, cohort_id)
            index = {s.id: n for n, s in enumerate(sessions)}
            marks: dict[uuid.UUID, list[AttendanceStatus | None]] = {}
            for person_id, session_id, status in session.execute(
                select(AttendanceMark.person_id, AttendanceMark.session_id, AttendanceMark.status)
                .join(ClassSession, ClassSession.id == AttendanceMark.session_id)
                .where(ClassSession.cohort_id == cohort_id, COUNTED_SESSION)
            ):
                marks.setdefault(person_id, [None] * len(sessions))[index[session_id]] = status
            members = [
                m
                for m in member_infos(session, cohort_id)
                if (m.role in GROUPED_ROLES and m.status not in NOT_STARTED_STATUSES)
                or m.person_id in marks
            ]
            figures = figures_by_person(session, today=today, cohort_ids=[cohort_id])
            weekly = figures_by_session(session, cohort_id, today=today, roles=None)
            rows = [
                AttendanceRow(
                    name=m.display_name,
                    role=m.role,
                    group_name=m.group_name or NO_GROUP,
                    left_course=m.status in LEFT_STATUSES,
                    marks=marks.get(m.person_id, [None] * len(sessions)),
                    figures=figures.get((cohort_id, m.person_id), AttendanceFigures()),
                )
                for m in _in_register_order(members, _group_positions(session, cohort_id))
            ]
            return AttendanceSummary(
                heading,
                [WeekColumn(s.week, s.held_on, s.kind) for s in sessions],
                rows,
                [weekly.get(s.id, AttendanceFigures()) for s in sessions],
                cancelled_weeks(session, cohort_id),
            )

    def person_attendance(
        self,
        person_id: uuid.UUID,
        cohort_id: uuid.UUID | None = None,
        *,
        today: date | None = None,
    ) -> PersonAttendance:
        """One person's sessions and marks, cohort by cohort (those this account sees)."""
        self._require(Permission.PRINT_DOCUMENTS)
        with self._store.read() as session:
            person = get_or_not_found(session, Person, person_id, "person")
            visible = self._visible_cohort_ids(session)
            query = (
                select(Membership)
                .join(Cohort, Cohort.id == Membership.cohort_id)
                .where(Membership.person_id == person_id)
                .order_by(Cohort.starts_on, Cohort.name)
            )
            if cohort_id is not None:
                self._require_cohort_visible(session, cohort_id)
                query = query.where(Membership.cohort_id == cohort_id)
            memberships = [
                m for m in session.scalars(query) if visible is None or m.cohort_id in visible
            ]
            if not memberships:
                raise ValidationError(
                    f"{person.display_name} is not in that cohort."
                    if cohort_id is not None
                    else f"{person.display_name} is in no cohort you can see."
                )
            figures = figures_by_person(
                session,
                today=today,
                cohort_ids=[m.cohort_id for m in memberships],
                person_id=person_id,
            )
            result = []
            for membership in memberships:
                sessions = course_sessions(session, membership.cohort_id)
                mine = dict(
                    session.execute(
                        select(AttendanceMark.session_id, AttendanceMark.status).where(
                            AttendanceMark.person_id == person_id,
                            AttendanceMark.session_id.in_([s.id for s in sessions]),
                        )
                    ).all()
                )
                # The register has been taken up to the last week anyone was marked; later
                # weeks have not happened yet and are left off.
                taken = {
                    s
                    for (s,) in session.execute(
                        select(AttendanceMark.session_id)
                        .where(AttendanceMark.session_id.in_([s.id for s in sessions]))
                        .distinct()
                    )
                }
                last = max((n for n, s in enumerate(sessions) if s.id in taken), default=-1)
                result.append(
                    PersonCohortAttendance(
                        heading=cohort_heading(session, membership.cohort_id),
                        role=membership.role,
                        status=status_wording(membership.status),
                        lines=[
                            PersonSessionLine(s.week, s.held_on, s.title, s.kind, mine.get(s.id))
                            for s in sessions[: last + 1]
                        ],
                        figures=figures.get((membership.cohort_id, person_id), AttendanceFigures()),
                        cancelled=cancelled_weeks(session, membership.cohort_id),
                    )
                )
            return PersonAttendance(person.display_name, result)


def _group_positions(session: Session, cohort_id: uuid.UUID) -> dict[str, int]:
    return {
        name: position
        for name, position in session.execute(
            select(SmallGroup.name, SmallGroup.position).where(SmallGroup.cohort_id == cohort_id)
        )
    }


def _in_register_order(members: list[MemberInfo], positions: dict[str, int]) -> list[MemberInfo]:
    """The register's order: by small group, then facilitator, mentor, students, by name."""
    return sorted(
        members,
        key=lambda m: (
            positions.get(m.group_name, _UNGROUPED) if m.group_name else _UNGROUPED,
            m.group_name,
            ROLE_ORDER[m.role],
            m.sort_name.casefold(),
        ),
    )
