"""Partnerships, courses, cohorts and their weekly sessions."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from lt_desktop.core.services.base import Service, get_or_not_found
from lt_desktop.domain.errors import PermissionDenied, ValidationError
from lt_desktop.domain.roles import Permission
from lt_desktop.domain.vocabulary import (
    INDUCTION_WEEK,
    Cancellation,
    MembershipRole,
    MembershipStatus,
    PersonBase,
    SessionKind,
    cancellation_in_words,
    week_in_words,
)
from lt_desktop.storage.models import (
    AttendanceMark,
    ClassSession,
    Cohort,
    Course,
    Membership,
    Partnership,
    Person,
)

#: Student statuses that count towards a cohort's numbers and balance.
ENROLLED_STATUSES = frozenset(
    {MembershipStatus.ACTIVE, MembershipStatus.COMPLETED, MembershipStatus.GRADUATED}
)


@dataclass(frozen=True)
class PartnershipInfo:
    id: uuid.UUID
    name: str
    prison_name: str
    university_name: str
    region: str | None


@dataclass(frozen=True)
class CourseInfo:
    id: uuid.UUID
    partnership_id: uuid.UUID
    partnership_name: str
    title: str
    subject: str
    accredited: bool
    credits: int | None
    level: str | None


@dataclass(frozen=True)
class Balance:
    """Enrolled students by base: the programme aims for equal prison and university numbers."""

    prison: int = 0
    university: int = 0
    community: int = 0

    @property
    def total(self) -> int:
        return self.prison + self.university + self.community

    @property
    def difference(self) -> int:
        return self.prison - self.university

    @property
    def is_balanced(self) -> bool:
        return abs(self.difference) <= 1

    def describe(self) -> str:
        text = f"{self.prison} prison-based, {self.university} university-based"
        if self.community:
            text += f", {self.community} community"
        return text


@dataclass(frozen=True)
class CohortInfo:
    id: uuid.UUID
    course_id: uuid.UUID
    course_title: str
    partnership_id: uuid.UUID
    partnership_name: str
    name: str
    starts_on: date
    ends_on: date
    capacity: int
    balance: Balance
    staff_count: int
    session_count: int

    @property
    def title(self) -> str:
        return f"{self.course_title}: {self.name}"


@dataclass(frozen=True)
class SessionInfo:
    id: uuid.UUID
    cohort_id: uuid.UUID
    week: int
    held_on: date
    starts_at: time | None
    ends_at: time | None
    kind: SessionKind
    title: str
    lecturer_id: uuid.UUID | None
    lecturer_name: str
    reading_1: str
    reading_2: str
    location: str
    notes: str
    marks_taken: int
    cancelled: Cancellation | None = None
    cancelled_note: str = ""

    @property
    def is_cancelled(self) -> bool:
        return self.cancelled is not None

    def cancellation(self) -> str:
        """Why the session was cancelled, as a phrase ("" if it was not)."""
        return cancellation_in_words(self.cancelled, self.cancelled_note)


def balances(
    session: Session, cohort_ids: list[uuid.UUID] | None = None
) -> dict[uuid.UUID, Balance]:
    query = (
        select(Membership.cohort_id, Person.base, func.count())
        .join(Person, Person.id == Membership.person_id)
        .where(
            Membership.role == MembershipRole.STUDENT,
            Membership.status.in_(ENROLLED_STATUSES),
        )
        .group_by(Membership.cohort_id, Person.base)
    )
    if cohort_ids is not None:
        query = query.where(Membership.cohort_id.in_(cohort_ids))
    counts: dict[uuid.UUID, dict[str, int]] = {}
    for cohort_id, base, count in session.execute(query):
        counts.setdefault(cohort_id, {})[PersonBase(base).value] = count
    return {cohort_id: Balance(**by_base) for cohort_id, by_base in counts.items()}


class ProgrammeService(Service):
    # -- partnerships and courses -------------------------------------------------

    def list_partnerships(self) -> list[PartnershipInfo]:
        with self._store.read() as session:
            visible = self._visible_cohort_ids(session)
            query = select(Partnership).order_by(Partnership.name)
            if visible is not None:
                query = query.where(
                    Partnership.id.in_(
                        select(Course.partnership_id)
                        .join(Cohort, Cohort.course_id == Course.id)
                        .where(Cohort.id.in_(visible))
                    )
                )
            return [_partnership_info(p) for p in session.scalars(query)]

    def add_partnership(
        self, *, name: str, prison_name: str, university_name: str, region: str | None = None
    ) -> PartnershipInfo:
        self._require(Permission.EDIT_PROGRAMME)
        _required(name=name, prison_name=prison_name, university_name=university_name)
        with self._store.write() as session:
            partnership = Partnership(
                name=name.strip(),
                prison_name=prison_name.strip(),
                university_name=university_name.strip(),
                region=(region or "").strip() or None,
            )
            session.add(partnership)
            session.flush()
            return _partnership_info(partnership)

    def list_courses(self, partnership_id: uuid.UUID | None = None) -> list[CourseInfo]:
        with self._store.read() as session:
            visible = self._visible_cohort_ids(session)
            query = select(Course).order_by(Course.title)
            if partnership_id is not None:
                query = query.where(Course.partnership_id == partnership_id)
            if partnership_id is not None and visible is not None:
                reaches = session.scalar(
                    select(Cohort.id)
                    .join(Course, Course.id == Cohort.course_id)
                    .where(Course.partnership_id == partnership_id, Cohort.id.in_(visible))
                    .limit(1)
                )
                if reaches is None:
                    raise PermissionDenied("That partnership is not one of yours.")
            if visible is not None:
                query = query.where(
                    Course.id.in_(select(Cohort.course_id).where(Cohort.id.in_(visible)))
                )
            return [_course_info(c) for c in session.scalars(query)]

    def add_course(
        self,
        *,
        partnership_id: uuid.UUID,
        title: str,
        subject: str = "",
        accredited: bool = False,
        credits: int | None = None,
        level: str | None = None,
    ) -> CourseInfo:
        self._require(Permission.EDIT_PROGRAMME)
        _required(title=title)
        if accredited and not credits:
            raise ValidationError("An accredited course needs its number of credits.")
        with self._store.write() as session:
            get_or_not_found(session, Partnership, partnership_id, "partnership")
            course = Course(
                partnership_id=partnership_id,
                title=title.strip(),
                subject=subject.strip(),
                accredited=accredited,
                credits=credits if accredited else None,
                level=level,
            )
            session.add(course)
            session.flush()
            session.refresh(course)
            return _course_info(course)

    # -- cohorts ----------------------------------------------------------------------

    def list_cohorts(self) -> list[CohortInfo]:
        with self._store.read() as session:
            visible = self._visible_cohort_ids(session)
            query = select(Cohort).order_by(Cohort.starts_on.desc(), Cohort.name)
            if visible is not None:
                query = query.where(Cohort.id.in_(visible))
            cohorts = list(session.scalars(query))
            return self._cohort_infos(session, cohorts)

    def get_cohort(self, cohort_id: uuid.UUID) -> CohortInfo:
        with self._store.read() as session:
            self._require_cohort_visible(session, cohort_id)
            cohort = get_or_not_found(session, Cohort, cohort_id, "cohort")
            return self._cohort_infos(session, [cohort])[0]

    def add_cohort(
        self,
        *,
        course_id: uuid.UUID,
        name: str,
        starts_on: date,
        ends_on: date,
        capacity: int = 24,
    ) -> CohortInfo:
        self._require(Permission.EDIT_PROGRAMME)
        _required(name=name)
        _check_dates(starts_on, ends_on, capacity)
        with self._store.write() as session:
            get_or_not_found(session, Course, course_id, "course")
            cohort = Cohort(
                course_id=course_id,
                name=name.strip(),
                starts_on=starts_on,
                ends_on=ends_on,
                capacity=capacity,
            )
            session.add(cohort)
            session.flush()
            session.refresh(cohort)
            return self._cohort_infos(session, [cohort])[0]

    def update_cohort(
        self,
        cohort_id: uuid.UUID,
        *,
        name: str,
        course_id: uuid.UUID,
        starts_on: date,
        ends_on: date,
        capacity: int,
    ) -> CohortInfo:
        self._require(Permission.EDIT_PROGRAMME)
        _required(name=name)
        _check_dates(starts_on, ends_on, capacity)
        with self._store.write() as session:
            cohort = get_or_not_found(session, Cohort, cohort_id, "cohort")
            get_or_not_found(session, Course, course_id, "course")
            cohort.name = name.strip()
            cohort.course_id = course_id
            cohort.starts_on, cohort.ends_on, cohort.capacity = starts_on, ends_on, capacity
            session.flush()
            session.refresh(cohort)
            return self._cohort_infos(session, [cohort])[0]

    def _cohort_infos(self, session: Session, cohorts: list[Cohort]) -> list[CohortInfo]:
        ids = [c.id for c in cohorts]
        by_cohort = balances(session, ids)
        staff = dict(
            session.execute(
                select(Membership.cohort_id, func.count())
                .where(
                    Membership.cohort_id.in_(ids),
                    Membership.role != MembershipRole.STUDENT,
                    Membership.status == MembershipStatus.ACTIVE,
                )
                .group_by(Membership.cohort_id)
            ).all()
        )
        sessions = dict(
            session.execute(
                select(ClassSession.cohort_id, func.count())
                .where(ClassSession.cohort_id.in_(ids))
                .group_by(ClassSession.cohort_id)
            ).all()
        )
        return [
            CohortInfo(
                id=c.id,
                course_id=c.course_id,
                course_title=c.course.title,
                partnership_id=c.course.partnership_id,
                partnership_name=c.course.partnership.name,
                name=c.name,
                starts_on=c.starts_on,
                ends_on=c.ends_on,
                capacity=c.capacity,
                balance=by_cohort.get(c.id, Balance()),
                staff_count=staff.get(c.id, 0),
                session_count=sessions.get(c.id, 0),
            )
            for c in cohorts
        ]

    # -- sessions ---------------------------------------------------------------------

    def list_sessions(self, cohort_id: uuid.UUID) -> list[SessionInfo]:
        with self._store.read() as session:
            self._require_cohort_visible(session, cohort_id)
            rows = session.scalars(
                select(ClassSession)
                .where(ClassSession.cohort_id == cohort_id)
                .order_by(ClassSession.held_on, ClassSession.week)
            ).all()
            return self._session_infos(session, list(rows))

    def get_session(self, session_id: uuid.UUID) -> SessionInfo:
        with self._store.read() as session:
            row = self._visible_session(session, session_id)
            return self._session_infos(session, [row])[0]

    def add_session(
        self,
        *,
        cohort_id: uuid.UUID,
        week: int,
        held_on: date,
        kind: SessionKind = SessionKind.LECTURE_AND_DISCUSSION,
        title: str = "",
        starts_at: time | None = None,
        ends_at: time | None = None,
        lecturer_id: uuid.UUID | None = None,
        reading_1: str = "",
        reading_2: str = "",
        location: str = "",
    ) -> SessionInfo:
        self._require(Permission.EDIT_PROGRAMME)
        _check_week(week, kind)
        with self._store.write() as session:
            get_or_not_found(session, Cohort, cohort_id, "cohort")
            if lecturer_id is not None:
                get_or_not_found(session, Person, lecturer_id, "lecturer")
            row = ClassSession(
                cohort_id=cohort_id,
                week=week,
                held_on=held_on,
                kind=kind,
                title=title.strip(),
                starts_at=starts_at,
                ends_at=ends_at,
                lecturer_id=lecturer_id,
                reading_1=reading_1.strip(),
                reading_2=reading_2.strip(),
                location=location.strip(),
            )
            session.add(row)
            session.flush()
            return self._session_infos(session, [row])[0]

    def update_session(
        self,
        session_id: uuid.UUID,
        *,
        week: int,
        held_on: date,
        kind: SessionKind,
        title: str,
        starts_at: time | None,
        ends_at: time | None,
        lecturer_id: uuid.UUID | None,
        location: str,
        reading_1: str | None = None,
        reading_2: str | None = None,
    ) -> SessionInfo:
        """Change a session's details. Its readings are kept apart (``workspace.readings``);
        the two reading lines of older versions change only when given."""
        self._require(Permission.EDIT_PROGRAMME)
        _check_week(week, kind)
        with self._store.write() as session:
            row = get_or_not_found(session, ClassSession, session_id, "session")
            row.week, row.held_on, row.kind, row.title = week, held_on, kind, title.strip()
            row.starts_at, row.ends_at, row.lecturer_id = starts_at, ends_at, lecturer_id
            if reading_1 is not None:
                row.reading_1 = reading_1.strip()
            if reading_2 is not None:
                row.reading_2 = reading_2.strip()
            row.location = location.strip()
            session.flush()
            return self._session_infos(session, [row])[0]

    def cancel_session(
        self, session_id: uuid.UUID, reason: Cancellation, *, note: str = ""
    ) -> SessionInfo:
        """Call a whole session off: it keeps its week in the programme, takes no
        register, and counts in no attendance figure."""
        self._require(Permission.EDIT_PROGRAMME)
        note = " ".join(note.split())
        if reason is Cancellation.OTHER and not note:
            raise ValidationError(
                "With the reason 'other', say in a note why the session was cancelled."
            )
        with self._store.write() as session:
            row = self._visible_session(session, session_id)
            # Only the marks of people still on the register: a mark of someone removed
            # since could never be cleared, and would keep the week from being cancelled.
            marks = session.scalar(
                select(func.count()).where(
                    AttendanceMark.session_id == row.id,
                    AttendanceMark.person_id.in_(
                        select(Membership.person_id).where(Membership.cohort_id == row.cohort_id)
                    ),
                )
            )
            if marks:
                raise ValidationError(
                    f"{week_in_words(row.week).capitalize()} already has {marks} register "
                    f"mark{'s' if marks != 1 else ''}: a session that took place cannot be "
                    "cancelled. Clear its register first if it did not."
                )
            row.cancelled, row.cancelled_note = reason, note
            session.flush()
            self._audit(
                session, "session.cancelled", "session", row.id, week=row.week, reason=reason
            )
            return self._session_infos(session, [row])[0]

    def reinstate_session(self, session_id: uuid.UUID) -> SessionInfo:
        """Undo a cancellation: the session takes its register again."""
        self._require(Permission.EDIT_PROGRAMME)
        with self._store.write() as session:
            row = self._visible_session(session, session_id)
            if row.cancelled is None:
                raise ValidationError(f"{week_in_words(row.week).capitalize()} was not cancelled.")
            row.cancelled, row.cancelled_note = None, ""
            session.flush()
            self._audit(session, "session.reinstated", "session", row.id, week=row.week)
            return self._session_infos(session, [row])[0]

    def move_session(
        self, session_id: uuid.UUID, held_on: date, *, starts_at: time | None = None
    ) -> SessionInfo:
        """Reschedule a session to another day (and, if given, time); it keeps its
        week, its register and everything else. Its length is kept."""
        self._require(Permission.EDIT_PROGRAMME)
        with self._store.write() as session:
            row = self._visible_session(session, session_id)
            if row.cancelled is not None:
                raise ValidationError(
                    f"{week_in_words(row.week).capitalize()} is cancelled: reinstate it "
                    "before moving it to another day."
                )
            moved_from = row.held_on
            if starts_at is not None:
                if row.starts_at is not None and row.ends_at is not None:
                    length = datetime.combine(held_on, row.ends_at) - datetime.combine(
                        held_on, row.starts_at
                    )
                    ends = datetime.combine(held_on, starts_at) + length
                    row.ends_at = ends.time() if ends.date() == held_on else time(23, 59)
                row.starts_at = starts_at
            row.held_on = held_on
            session.flush()
            self._audit(
                session,
                "session.moved",
                "session",
                row.id,
                week=row.week,
                moved_from=moved_from.isoformat(),
                moved_to=held_on.isoformat(),
            )
            return self._session_infos(session, [row])[0]

    def plan_weekly_sessions(
        self, cohort_id: uuid.UUID, *, weeks: int, first_on: date, starts_at: time | None = None
    ) -> list[SessionInfo]:
        """A session every week from ``first_on``: a writing workshop in the middle,
        a group project near the end, then graduation."""
        self._require(Permission.EDIT_PROGRAMME)
        if not 3 <= weeks <= 52:
            raise ValidationError("Plan between 3 and 52 weeks.")
        kinds = {
            weeks // 2: SessionKind.WRITING_WORKSHOP,
            weeks - 1: SessionKind.GROUP_PROJECT,
            weeks: SessionKind.GRADUATION,
        }
        with self._store.write() as session:
            get_or_not_found(session, Cohort, cohort_id, "cohort")
            rows = [
                ClassSession(
                    cohort_id=cohort_id,
                    week=week,
                    held_on=first_on + timedelta(weeks=week - 1),
                    starts_at=starts_at,
                    kind=kinds.get(week, SessionKind.LECTURE_AND_DISCUSSION),
                )
                for week in range(1, weeks + 1)
            ]
            session.add_all(rows)
            session.flush()
            return self._session_infos(session, rows)

    def _visible_session(self, session: Session, session_id: uuid.UUID) -> ClassSession:
        row = get_or_not_found(session, ClassSession, session_id, "session")
        self._require_cohort_visible(session, row.cohort_id)
        return row

    def _session_infos(self, session: Session, rows: list[ClassSession]) -> list[SessionInfo]:
        ids = [r.id for r in rows]
        marks = dict(
            session.execute(
                select(AttendanceMark.session_id, func.count())
                .where(AttendanceMark.session_id.in_(ids))
                .group_by(AttendanceMark.session_id)
            ).all()
        )
        lecturer_ids = {r.lecturer_id for r in rows if r.lecturer_id}
        lecturers = {
            p.id: p.display_name
            for p in session.scalars(select(Person).where(Person.id.in_(lecturer_ids)))
        }
        return [
            SessionInfo(
                id=r.id,
                cohort_id=r.cohort_id,
                week=r.week,
                held_on=r.held_on,
                starts_at=r.starts_at,
                ends_at=r.ends_at,
                kind=r.kind,
                title=r.title,
                lecturer_id=r.lecturer_id,
                lecturer_name=lecturers.get(r.lecturer_id, "") if r.lecturer_id else "",
                reading_1=r.reading_1,
                reading_2=r.reading_2,
                location=r.location,
                notes=r.notes,
                marks_taken=marks.get(r.id, 0),
                cancelled=r.cancelled,
                cancelled_note=r.cancelled_note,
            )
            for r in rows
        ]


def _partnership_info(p: Partnership) -> PartnershipInfo:
    return PartnershipInfo(p.id, p.name, p.prison_name, p.university_name, p.region)


def _course_info(c: Course) -> CourseInfo:
    return CourseInfo(
        c.id,
        c.partnership_id,
        c.partnership.name,
        c.title,
        c.subject,
        c.accredited,
        c.credits,
        c.level,
    )


def _required(**fields: str) -> None:
    for name, value in fields.items():
        if not value or not value.strip():
            raise ValidationError(f"Fill in the {name.replace('_', ' ')}.")


def _check_week(week: int, kind: SessionKind) -> None:
    """An induction is held before the course, in week 0; the course's own weeks are
    numbered from 1."""
    if kind is SessionKind.INDUCTION:
        if week != INDUCTION_WEEK:
            raise ValidationError(
                f"An induction is held before week 1: its week is {INDUCTION_WEEK}."
            )
    elif week == INDUCTION_WEEK:
        raise ValidationError(
            f"Week {INDUCTION_WEEK} is the induction's: choose the kind Induction, or "
            "number the week from 1."
        )
    elif week < 1:
        raise ValidationError("Weeks are numbered from 1.")


def _check_dates(starts_on: date, ends_on: date, capacity: int) -> None:
    if ends_on < starts_on:
        raise ValidationError("A cohort cannot end before it starts.")
    if not 2 <= capacity <= 200:
        raise ValidationError("A cohort's capacity is between 2 and 200 students.")
