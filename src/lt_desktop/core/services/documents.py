"""What printed documents and everyday CSV lists are made from.

Each method gathers what one document shows and nothing more, so a renderer cannot
print what it was never given: certificates and registers carry names and roles but
never where a person is based; the graduation guest list names the student who
invited each guest but holds no prison number; the cohort report holds counts and
means only. Prison-only details are never read here.
"""

from __future__ import annotations

import hashlib
import re
import statistics
import uuid
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date, time
from enum import Enum
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from lt_desktop.core.services.base import Service, get_or_not_found
from lt_desktop.core.services.consent import has_consent
from lt_desktop.core.services.groups import GROUPED_ROLES
from lt_desktop.core.services.memberships import ROLE_ORDER, MemberInfo, member_infos
from lt_desktop.core.services.questionnaires import (
    ItemInfo,
    Summary,
    score,
    summarise,
    template_info,
)
from lt_desktop.core.spreadsheets import csv_bytes as spreadsheet_csv
from lt_desktop.domain.errors import ValidationError
from lt_desktop.domain.roles import Permission
from lt_desktop.domain.vocabulary import (
    ATTENDED_STATUSES,
    AttendanceStatus,
    ClearanceStatus,
    ConsentScope,
    GuestCategory,
    MarkPosition,
    MembershipRole,
    MembershipStatus,
    PersonBase,
    QuestionnairePhase,
    SessionKind,
)
from lt_desktop.storage.atomic import write_atomic
from lt_desktop.storage.database import INCLUDE_DELETED
from lt_desktop.storage.models import (
    AttendanceMark,
    Certificate,
    ClassSession,
    Cohort,
    Essay,
    EssayMark,
    GraduationCohort,
    GraduationEvent,
    GraduationGuest,
    Membership,
    Person,
    ProgrammeItem,
    QuestionnaireAnswer,
    QuestionnaireResponse,
    QuestionnaireTemplate,
    Site,
    SmallGroup,
)

#: Students who have earned a certificate.
CERTIFIED_STATUSES = frozenset({MembershipStatus.COMPLETED, MembershipStatus.GRADUATED})
#: Statuses of people who left before the end, for whatever reason.
LEFT_STATUSES = frozenset(
    {MembershipStatus.WITHDRAWN, MembershipStatus.TRANSFERRED, MembershipStatus.RELEASED}
)
#: Statuses of people who never started: they are on no register and in no count.
NOT_STARTED_STATUSES = frozenset({MembershipStatus.APPLIED, MembershipStatus.OFFERED})

SERIAL_PREFIX = "LT"
#: Crockford's base 32: no I, L, O or U, so a code read aloud or typed is not misread.
_CODE_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
SITE_CODE_LENGTH = 4
#: ``LT-2026-K7QD-0001``; serials issued before they named their site: ``LT-2026-0001``.
_SERIAL = re.compile(r"^LT-(\d{4})-(?:([0-9A-HJKMNP-TV-Z]{4})-)?(\d{4,})$")
_UNGROUPED = 10_000
NO_GROUP = "Not in a group"

#: Agreed essay marks are shown in the bands UK degree marking uses.
MARK_BANDS: tuple[tuple[str, float, float], ...] = (
    ("under 40", 0, 40),
    ("40–49", 40, 50),
    ("50–59", 50, 60),
    ("60–69", 60, 70),
    ("70–79", 70, 80),
    ("80 and over", 80, 1000),
)


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


# -- what the documents show ------------------------------------------------------------


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


@dataclass(frozen=True)
class CertificateInfo:
    serial: str
    issued_on: date
    student_name: str
    course_title: str
    partnership_name: str
    university_name: str
    prison_name: str
    starts_on: date
    ends_on: date
    credits: int | None
    level: str | None
    newly_issued: bool


@dataclass(frozen=True)
class CertificateBatch:
    heading: CohortHeading
    certificates: list[CertificateInfo]

    @property
    def newly_issued(self) -> list[CertificateInfo]:
        return [c for c in self.certificates if c.newly_issued]


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

    @property
    def marked(self) -> int:
        return sum(1 for mark in self.marks if mark is not None)

    @property
    def attended(self) -> int:
        return sum(1 for mark in self.marks if mark in ATTENDED_STATUSES)

    @property
    def rate(self) -> float | None:
        return rate(self.attended, self.marked)


@dataclass(frozen=True)
class AttendanceSummary:
    """A cohort's register so far: everyone in a small group, week by week."""

    heading: CohortHeading
    weeks: list[WeekColumn]
    rows: list[AttendanceRow]  # by group, then role, then name

    def attended_in(self, index: int) -> tuple[int, int]:
        """(attended, marked) in the week at ``index``."""
        marks = [row.marks[index] for row in self.rows if row.marks[index] is not None]
        return sum(1 for m in marks if m in ATTENDED_STATUSES), len(marks)


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

    @property
    def marked(self) -> int:
        return sum(1 for line in self.lines if line.mark is not None)

    @property
    def attended(self) -> int:
        return sum(1 for line in self.lines if line.mark in ATTENDED_STATUSES)

    @property
    def rate(self) -> float | None:
        return rate(self.attended, self.marked)


@dataclass(frozen=True)
class PersonAttendance:
    person_name: str
    cohorts: list[PersonCohortAttendance]


@dataclass(frozen=True)
class EventInfo:
    id: uuid.UUID
    title: str
    held_on: date
    venue: str
    capacity: int
    guest_deadline: date | None
    cohorts: list[CohortHeading]

    @property
    def partnership_name(self) -> str:
        names = sorted({c.partnership_name for c in self.cohorts})
        return " · ".join(names)


@dataclass(frozen=True)
class GuestLine:
    name: str
    relationship: str
    category: GuestCategory
    clearance: ClearanceStatus
    submitted_on: date | None
    decided_on: date | None
    guest_of: str  # the student who invited them, if a student did


#: The order the gate reads the list in: who may come in first, who may not last.
CLEARANCE_ORDER = (
    ClearanceStatus.CLEARED,
    ClearanceStatus.SUBMITTED,
    ClearanceStatus.NOT_SUBMITTED,
    ClearanceStatus.REFUSED,
)


@dataclass(frozen=True)
class GuestList:
    event: EventInfo
    guests: list[GuestLine]  # by clearance (in CLEARANCE_ORDER), then family name

    def counts(self) -> Counter[ClearanceStatus]:
        return Counter(g.clearance for g in self.guests)


@dataclass(frozen=True)
class ProgrammeLine:
    starts_at: str
    title: str
    who: str


@dataclass(frozen=True)
class GraduationProgramme:
    event: EventInfo
    items: list[ProgrammeLine]
    graduates: list[str]  # names only, by family name


@dataclass(frozen=True)
class BaseCounts:
    prison: int = 0
    university: int = 0
    community: int = 0

    @property
    def total(self) -> int:
        return self.prison + self.university + self.community


@dataclass(frozen=True)
class WeekAttendance:
    week: int
    held_on: date
    kind: SessionKind
    marked: int
    attended: int

    @property
    def rate(self) -> float | None:
        return rate(self.attended, self.marked)


@dataclass(frozen=True)
class MarkBand:
    label: str
    count: int


@dataclass(frozen=True)
class EssayFigures:
    received: int
    agreed: int
    mean: float | None
    median: float | None
    lowest: float | None
    highest: float | None
    bands: list[MarkBand]


@dataclass(frozen=True)
class QuestionnaireFigures:
    name: str
    scale_points: int | None
    overall: Summary
    subscales: dict[str, Summary] = field(default_factory=dict)


@dataclass(frozen=True)
class CohortReport:
    """A cohort's figures for the partnership and its funders: counts and means only."""

    heading: CohortHeading
    accredited: bool
    credits: int | None
    started: BaseCounts  # students who began the course, by base
    completed: BaseCounts
    withdrew: int
    transferred: int
    released: int
    still_taking_part: int
    staff: dict[MembershipRole, int]
    weeks: list[WeekAttendance]  # students' attendance, weeks with a register taken
    essays: EssayFigures
    questionnaires: list[QuestionnaireFigures]

    @property
    def left(self) -> int:
        return self.withdrew + self.transferred + self.released

    @property
    def completion_rate(self) -> float | None:
        return rate(self.completed.total, self.started.total)

    @property
    def attendance_rate(self) -> float | None:
        return rate(sum(w.attended for w in self.weeks), sum(w.marked for w in self.weeks))


def numbers_by_base(report: CohortReport) -> tuple[list[str], list[int], list[int]]:
    """The column headings and the students started and completed by base, for the
    report's table (the PDF and the app show the same one). Community-based students
    get a column only when there are any."""
    with_community = bool(report.started.community or report.completed.community)
    header = ["", "Prison-based", "University-based"]
    if with_community:
        header.append("Community")
    header.append("All students")

    def cells(counts: BaseCounts) -> list[int]:
        values = [counts.prison, counts.university]
        if with_community:
            values.append(counts.community)
        return [*values, counts.total]

    return header, cells(report.started), cells(report.completed)


def describe_leavers(report: CohortReport) -> str:
    """Who left before the end, in words (the report and the app say it alike)."""
    if not report.left:
        text = "No student left before the end."
    else:
        parts = [
            f"{n} {what}"
            for n, what in (
                (report.withdrew, "withdrew"),
                (report.transferred, "transferred"),
                (report.released, "left on release"),
            )
            if n
        ]
        text = f"{report.left} left before the end: {_listed(parts)}."
    if report.still_taking_part:
        text += f" {report.still_taking_part} are still taking part."
    return text


def describe_staff(report: CohortReport) -> str:
    if not report.staff:
        return "No staff are recorded for this cohort."
    parts = [
        f"{count} {role.label.lower()}{'s' if count != 1 else ''}"
        for role, count in sorted(report.staff.items(), key=lambda item: _STAFF_ORDER[item[0]])
    ]
    return f"Staff: {_listed(parts)}."


_STAFF_ORDER = {
    MembershipRole.FACILITATOR: 0,
    MembershipRole.MENTOR: 1,
    MembershipRole.LECTURER: 2,
    MembershipRole.COORDINATOR: 3,
    MembershipRole.STUDENT: 4,
}


def _listed(parts: list[str]) -> str:
    return parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " and " + parts[-1]


class CsvKind(Enum):
    PEOPLE = "people"
    MEMBERSHIPS = "memberships"
    ATTENDANCE = "attendance"


@dataclass(frozen=True)
class CsvTable:
    kind: CsvKind
    header: list[str]
    rows: list[list[str]]


# -- the service ------------------------------------------------------------------------


class DocumentService(Service):
    def require_printing(self) -> None:
        """Refuse now if this account may not print, for callers that look a cohort or a
        person up first: the refusal is then the one thing said."""
        self._require(Permission.PRINT_DOCUMENTS)

    # -- certificates -------------------------------------------------------------------

    def issue_certificates(
        self, cohort_id: uuid.UUID, *, issued_on: date | None = None
    ) -> CertificateBatch:
        """A certificate for every student who completed the cohort.

        A student who already has one keeps its serial number and date, so a re-print
        is the same certificate; the others get the next free numbers of the year. All
        of it is one transaction, recorded in the audit log.
        """
        self._require(Permission.PRINT_DOCUMENTS)
        # Issuing makes records (the serials), which a classroom laptop would never send.
        self._require(Permission.MANAGE_GRADUATION)
        with self._store.write() as session:
            self._require_cohort_visible(session, cohort_id)
            event_id = session.scalars(
                select(GraduationCohort.event_id).where(GraduationCohort.cohort_id == cohort_id)
            ).first()
            batch = issue_cohort_certificates(
                session, cohort_id, issued_on=issued_on or date.today(), event_id=event_id
            )
            self._audit(
                session,
                "certificates.printed",
                "cohort",
                cohort_id,
                issued=len(batch.newly_issued),
                reprinted=len(batch.certificates) - len(batch.newly_issued),
            )
            return batch

    # -- registers ----------------------------------------------------------------------

    def register_sheet(self, session_id: uuid.UUID) -> RegisterSheet:
        """Everyone expected at a session, by small group, for a register on paper."""
        self._require(Permission.PRINT_DOCUMENTS)
        with self._store.read() as session:
            class_session = get_or_not_found(session, ClassSession, session_id, "session")
            self._require_cohort_visible(session, class_session.cohort_id)
            heading = _heading(session, class_session.cohort_id)
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
            )

    def attendance_summary(self, cohort_id: uuid.UUID) -> AttendanceSummary:
        self._require(Permission.PRINT_DOCUMENTS)
        with self._store.read() as session:
            self._require_cohort_visible(session, cohort_id)
            heading = _heading(session, cohort_id)
            sessions = _sessions(session, cohort_id)
            index = {s.id: n for n, s in enumerate(sessions)}
            marks: dict[uuid.UUID, list[AttendanceStatus | None]] = {}
            for person_id, session_id, status in session.execute(
                select(AttendanceMark.person_id, AttendanceMark.session_id, AttendanceMark.status)
                .join(ClassSession, ClassSession.id == AttendanceMark.session_id)
                .where(ClassSession.cohort_id == cohort_id, _COURSE_SESSION)
            ):
                marks.setdefault(person_id, [None] * len(sessions))[index[session_id]] = status
            members = [
                m
                for m in member_infos(session, cohort_id)
                if (m.role in GROUPED_ROLES and m.status not in NOT_STARTED_STATUSES)
                or m.person_id in marks
            ]
            rows = [
                AttendanceRow(
                    name=m.display_name,
                    role=m.role,
                    group_name=m.group_name or NO_GROUP,
                    left_course=m.status in LEFT_STATUSES,
                    marks=marks.get(m.person_id, [None] * len(sessions)),
                )
                for m in _in_register_order(members, _group_positions(session, cohort_id))
            ]
            return AttendanceSummary(
                heading, [WeekColumn(s.week, s.held_on, s.kind) for s in sessions], rows
            )

    def person_attendance(
        self, person_id: uuid.UUID, cohort_id: uuid.UUID | None = None
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
            result = []
            for membership in memberships:
                sessions = _sessions(session, membership.cohort_id)
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
                        heading=_heading(session, membership.cohort_id),
                        role=membership.role,
                        status=status_wording(membership.status),
                        lines=[
                            PersonSessionLine(s.week, s.held_on, s.title, s.kind, mine.get(s.id))
                            for s in sessions[: last + 1]
                        ],
                    )
                )
            return PersonAttendance(person.display_name, result)

    # -- graduation ---------------------------------------------------------------------

    def list_events(self) -> list[EventInfo]:
        self._require(Permission.PRINT_DOCUMENTS)
        with self._store.read() as session:
            visible = self._visible_cohort_ids(session)
            events = []
            for event in session.scalars(
                select(GraduationEvent).order_by(GraduationEvent.held_on.desc())
            ):
                info = _event_info(session, event)
                if visible is None or any(c.cohort_id in visible for c in info.cohorts):
                    events.append(info)
            return events

    def guest_list(self, event_id: uuid.UUID) -> GuestList:
        """Everyone invited to a graduation, for the prison gate."""
        self._require(Permission.PRINT_DOCUMENTS)
        with self._store.read() as session:
            event = self._event(session, event_id)
            inviters = {
                m.id: m.person.display_name
                for m in session.scalars(
                    select(Membership).where(
                        Membership.id.in_(
                            select(GraduationGuest.invited_by_id).where(
                                GraduationGuest.event_id == event_id
                            )
                        )
                    )
                )
            }
            guests = [
                GuestLine(
                    name=g.name,
                    relationship=g.relationship_to_student,
                    category=g.category,
                    clearance=g.clearance,
                    submitted_on=g.submitted_on,
                    decided_on=g.decided_on,
                    guest_of=inviters.get(g.invited_by_id, "") if g.invited_by_id else "",
                )
                for g in session.scalars(
                    select(GraduationGuest).where(GraduationGuest.event_id == event_id)
                )
            ]
            guests.sort(
                key=lambda g: (
                    CLEARANCE_ORDER.index(g.clearance),
                    _family_first(g.name).casefold(),
                )
            )
            return GuestList(_event_info(session, event), guests)

    def graduation_programme(self, event_id: uuid.UUID) -> GraduationProgramme:
        self._require(Permission.PRINT_DOCUMENTS)
        with self._store.read() as session:
            event = self._event(session, event_id)
            info = _event_info(session, event)
            items = [
                ProgrammeLine(i.starts_at, i.title, i.who)
                for i in session.scalars(
                    select(ProgrammeItem)
                    .where(ProgrammeItem.event_id == event_id)
                    .order_by(ProgrammeItem.position, ProgrammeItem.starts_at)
                )
            ]
            graduates = sorted(
                (
                    m.person
                    for m in session.scalars(
                        select(Membership).where(
                            Membership.cohort_id.in_([c.cohort_id for c in info.cohorts]),
                            Membership.role == MembershipRole.STUDENT,
                            Membership.status.in_(CERTIFIED_STATUSES),
                        )
                    )
                ),
                key=lambda p: (p.sort_name.casefold(), p.display_name),
            )
            return GraduationProgramme(info, items, [p.display_name for p in graduates])

    def _event(self, session: Session, event_id: uuid.UUID) -> GraduationEvent:
        event = get_or_not_found(session, GraduationEvent, event_id, "graduation")
        for cohort_id in session.scalars(
            select(GraduationCohort.cohort_id).where(GraduationCohort.event_id == event_id)
        ):
            self._require_cohort_visible(session, cohort_id)
        return event

    # -- the cohort report ----------------------------------------------------------------

    def cohort_report(self, cohort_id: uuid.UUID) -> CohortReport:
        """The cohort's figures: counts, rates and means, never a person's own data."""
        self._require(Permission.PRINT_DOCUMENTS)
        with self._store.read() as session:
            self._require_cohort_visible(session, cohort_id)
            heading = _heading(session, cohort_id)
            cohort = get_or_not_found(session, Cohort, cohort_id, "cohort")
            started = [
                (role, status, base)
                for role, status, base in session.execute(
                    select(Membership.role, Membership.status, Person.base)
                    .join(Person, Person.id == Membership.person_id)
                    .where(Membership.cohort_id == cohort_id)
                )
                if status not in NOT_STARTED_STATUSES
            ]
            students = [(s, b) for r, s, b in started if r is MembershipRole.STUDENT]
            statuses = Counter(status for status, _ in students)
            staff: Counter[MembershipRole] = Counter(
                role for role, _, _ in started if role is not MembershipRole.STUDENT
            )
            return CohortReport(
                heading=heading,
                accredited=cohort.course.accredited,
                credits=cohort.course.credits if cohort.course.accredited else None,
                started=_by_base(base for _, base in students),
                completed=_by_base(b for s, b in students if s in CERTIFIED_STATUSES),
                withdrew=statuses[MembershipStatus.WITHDRAWN],
                transferred=statuses[MembershipStatus.TRANSFERRED],
                released=statuses[MembershipStatus.RELEASED],
                still_taking_part=statuses[MembershipStatus.ACTIVE],
                staff={role: staff[role] for role in MembershipRole if staff[role]},
                weeks=_weekly_attendance(session, cohort_id),
                essays=_essay_figures(session, cohort_id),
                questionnaires=_questionnaire_figures(session, cohort_id),
            )

    # -- everyday lists as CSV ------------------------------------------------------------

    def csv_table(self, kind: CsvKind, cohort_id: uuid.UUID | None = None) -> CsvTable:
        """People, memberships or register marks as a table, for the cohorts this account
        sees (or one of them). Where people are based and prison-only details are not
        part of any of these lists."""
        self._require(Permission.PRINT_DOCUMENTS)
        self._require(Permission.VIEW_PEOPLE)
        with self._store.read() as session:
            cohort_ids = self._cohort_scope(session, cohort_id)
            if kind is CsvKind.PEOPLE:
                return _people_table(session, cohort_ids)
            if kind is CsvKind.MEMBERSHIPS:
                return _memberships_table(session, cohort_ids)
            return _attendance_table(session, cohort_ids)

    def export_csv(
        self,
        kind: CsvKind,
        target: Path,
        cohort_id: uuid.UUID | None = None,
        *,
        force: bool = False,
    ) -> CsvTable:
        """Write the list as CSV that Excel opens as it is (UTF-8 with a byte-order mark),
        atomically, and record in the audit log that it left the store. An existing
        file is replaced only with ``force``; see ``check_output_path``."""
        target = self.output_path(target, force=force)
        table = self.csv_table(kind, cohort_id)
        write_atomic(target, csv_bytes(table), what="The list")
        with self._store.write() as session:
            self._audit(
                session,
                "list.exported",
                "cohort" if cohort_id else None,
                cohort_id,
                kind=kind.value,
                rows=len(table.rows),
            )
        return table

    def _cohort_scope(self, session: Session, cohort_id: uuid.UUID | None) -> list[uuid.UUID]:
        if cohort_id is not None:
            self._require_cohort_visible(session, cohort_id)
            get_or_not_found(session, Cohort, cohort_id, "cohort")
            return [cohort_id]
        visible = self._visible_cohort_ids(session)
        query = select(Cohort.id)
        if visible is not None:
            query = query.where(Cohort.id.in_(visible))
        return list(session.scalars(query))


# -- gathering helpers -------------------------------------------------------------------


def _heading(session: Session, cohort_id: uuid.UUID) -> CohortHeading:
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


def issue_cohort_certificates(
    session: Session,
    cohort_id: uuid.UUID,
    *,
    issued_on: date,
    event_id: uuid.UUID | None,
    at_event: bool = False,
) -> CertificateBatch:
    """Certificates for the students who completed a cohort, inside the caller's
    transaction (the caller checks permissions and writes the audit entry).

    A student who already has a certificate keeps its serial number and date; the
    others get the next free numbers of the year, recorded against ``event_id``. With
    ``at_event``, a certificate issued before the graduation was arranged is recorded
    against it too, as the one presented there.
    """
    heading = _heading(session, cohort_id)
    cohort = get_or_not_found(session, Cohort, cohort_id, "cohort")
    students = list(
        session.scalars(
            select(Membership).where(
                Membership.cohort_id == cohort_id,
                Membership.role == MembershipRole.STUDENT,
                Membership.status.in_(CERTIFIED_STATUSES),
            )
        )
    )
    if not students:
        raise ValidationError(
            f"No student of {heading.title} has completed it yet, so there are no "
            "certificates to print. Mark students as completed or graduated first."
        )
    students.sort(key=lambda m: (m.person.sort_name.casefold(), m.person.display_name))
    existing = certificates_of(session, [m.id for m in students])
    serials = _free_serials(session, issued_on.year)
    course = cohort.course
    certificates = []
    for membership in students:
        row = existing.get(membership.id)
        new = row is None
        if row is None:
            row = Certificate(
                membership_id=membership.id,
                serial=next(serials),
                issued_on=issued_on,
                event_id=event_id,
            )
            session.add(row)
        elif at_event and row.event_id is None:
            row.event_id = event_id
        certificates.append(
            CertificateInfo(
                serial=row.serial,
                issued_on=row.issued_on,
                student_name=membership.person.display_name,
                course_title=heading.course_title,
                partnership_name=heading.partnership_name,
                university_name=heading.university_name,
                prison_name=heading.prison_name,
                starts_on=heading.starts_on,
                ends_on=heading.ends_on,
                credits=course.credits if course.accredited else None,
                level=course.level if course.accredited else None,
                newly_issued=new,
            )
        )
    session.flush()
    return CertificateBatch(heading, certificates)


def certificates_of(
    session: Session, membership_ids: Iterable[uuid.UUID]
) -> dict[uuid.UUID, Certificate]:
    """The certificate of each of these places in a cohort that has one.

    Two sites may each have issued one (the education department and a laptop): the
    first issued is the one shown and printed again, the same one at every site.
    """
    found: dict[uuid.UUID, Certificate] = {}
    for certificate in session.scalars(
        select(Certificate)
        .where(Certificate.membership_id.in_(list(membership_ids)))
        .order_by(Certificate.issued_on, Certificate.created_at, Certificate.id)
    ):
        found.setdefault(certificate.membership_id, certificate)
    return found


_COURSE_SESSION = ClassSession.kind != SessionKind.SENSE_MAKING


def _sessions(session: Session, cohort_id: uuid.UUID) -> list[ClassSession]:
    """The course's weeks. The sense-making meeting is left out: it is part of the
    (opt-in) evaluation and keeps its own register, so it never counts for or against
    anyone's attendance on the course."""
    return list(
        session.scalars(
            select(ClassSession)
            .where(ClassSession.cohort_id == cohort_id, _COURSE_SESSION)
            .order_by(ClassSession.held_on, ClassSession.week)
        )
    )


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


def site_code(site_id: uuid.UUID) -> str:
    """Four characters that stand for a site in the serial numbers it issues, taken from
    its id: two sites number their certificates independently, and the code keeps their
    serials apart without their ever agreeing on numbers."""
    value = int.from_bytes(hashlib.sha256(site_id.bytes).digest()[:4], "big")
    return "".join(_CODE_ALPHABET[(value >> (27 - 5 * n)) & 31] for n in range(SITE_CODE_LENGTH))


def serial_number(site_id: uuid.UUID, year: int, number: int) -> str:
    """The serial of a certificate ``site_id`` issues: ``LT-2026-K7QD-0001``."""
    return f"{SERIAL_PREFIX}-{year}-{site_code(site_id)}-{number:04d}"


def _free_serials(session: Session, year: int) -> Iterator[str]:
    """Serial numbers this site has not yet used in ``year``, in order. Removed
    certificates keep theirs, and numbering carries on from the serials it issued before
    they named the site, so a number is never given twice."""
    site_id = session.scalar(select(Site.id).where(Site.is_local.is_(True)))
    assert site_id is not None  # every store knows its own site
    code = site_code(site_id)
    used = session.execute(
        select(Certificate.serial, Certificate.origin_site_id)
        .where(Certificate.serial.like(f"{SERIAL_PREFIX}-{year}-%"))
        .execution_options(**{INCLUDE_DELETED: True})
    )
    highest = 0
    for serial, origin in used:
        match = _SERIAL.match(serial)
        if match and (match.group(2) == code or (match.group(2) is None and origin == site_id)):
            highest = max(highest, int(match.group(3)))
    number = highest
    while True:
        number += 1
        yield serial_number(site_id, year, number)


def _event_info(session: Session, event: GraduationEvent) -> EventInfo:
    cohort_ids = list(
        session.scalars(
            select(GraduationCohort.cohort_id).where(GraduationCohort.event_id == event.id)
        )
    )
    headings = sorted(
        (_heading(session, cohort_id) for cohort_id in cohort_ids),
        key=lambda h: (h.starts_on, h.title),
    )
    return EventInfo(
        event.id,
        event.title,
        event.held_on,
        event.venue,
        event.capacity,
        event.guest_deadline,
        headings,
    )


def _family_first(name: str) -> str:
    """A whole name as the gate looks it up: family name (the last word) first."""
    words = name.split()
    return " ".join(words[-1:] + words[:-1])


def _by_base(bases: Iterable[PersonBase]) -> BaseCounts:
    counts = Counter(bases)
    return BaseCounts(
        counts[PersonBase.PRISON], counts[PersonBase.UNIVERSITY], counts[PersonBase.COMMUNITY]
    )


def _weekly_attendance(session: Session, cohort_id: uuid.UUID) -> list[WeekAttendance]:
    students = select(Membership.person_id).where(
        Membership.cohort_id == cohort_id, Membership.role == MembershipRole.STUDENT
    )
    by_session: dict[uuid.UUID, Counter[bool]] = {}
    for session_id, status in session.execute(
        select(AttendanceMark.session_id, AttendanceMark.status)
        .join(ClassSession, ClassSession.id == AttendanceMark.session_id)
        .where(ClassSession.cohort_id == cohort_id, AttendanceMark.person_id.in_(students))
    ):
        by_session.setdefault(session_id, Counter())[status in ATTENDED_STATUSES] += 1
    return [
        WeekAttendance(
            s.week,
            s.held_on,
            s.kind,
            by_session[s.id].total(),
            by_session[s.id][True],
        )
        for s in _sessions(session, cohort_id)
        if s.id in by_session
    ]


def _essay_figures(session: Session, cohort_id: uuid.UUID) -> EssayFigures:
    essays = select(Essay.id).join(Membership, Membership.id == Essay.membership_id)
    essays = essays.where(Membership.cohort_id == cohort_id)
    received = len(session.scalars(essays).all())
    scores = [
        float(s)
        for s in session.scalars(
            select(EssayMark.score).where(
                EssayMark.essay_id.in_(essays),
                EssayMark.position == MarkPosition.AGREED,
                EssayMark.score.is_not(None),
            )
        )
        if s is not None
    ]
    bands = [
        MarkBand(label, sum(1 for s in scores if low <= s < high))
        for label, low, high in MARK_BANDS
    ]
    return EssayFigures(
        received=received,
        agreed=len(scores),
        mean=statistics.fmean(scores) if scores else None,
        median=statistics.median(scores) if scores else None,
        lowest=min(scores, default=None),
        highest=max(scores, default=None),
        bands=bands,
    )


def _questionnaire_figures(session: Session, cohort_id: uuid.UUID) -> list[QuestionnaireFigures]:
    """The paired change over the course, worked out as ``QuestionnaireService.comparison``
    does, from the answers of people whose consent to questionnaires stands today: a
    withdrawal takes a person out of every report made from then on."""
    responses = list(
        session.scalars(
            select(QuestionnaireResponse).where(QuestionnaireResponse.cohort_id == cohort_id)
        )
    )
    consenting: dict[uuid.UUID, bool] = {}
    by_template: dict[
        uuid.UUID, dict[uuid.UUID, dict[QuestionnairePhase, dict[uuid.UUID, int | str]]]
    ] = {}
    for response in responses:
        if response.person_id not in consenting:
            consenting[response.person_id] = has_consent(
                session, response.person_id, ConsentScope.QUESTIONNAIRES
            )
        if not consenting[response.person_id]:
            continue
        answers: dict[uuid.UUID, int | str] = {}
        for answer in session.scalars(
            select(QuestionnaireAnswer).where(QuestionnaireAnswer.response_id == response.id)
        ):
            if answer.value is not None:
                answers[answer.item_id] = answer.value
            elif answer.text:
                answers[answer.item_id] = answer.text
        by_template.setdefault(response.template_id, {}).setdefault(response.person_id, {})[
            response.phase
        ] = answers
    figures = []
    for template_id, by_person in by_template.items():
        template = template_info(
            session, get_or_not_found(session, QuestionnaireTemplate, template_id, "questionnaire")
        )
        scales = {i.scale_points for i in template.likert_items}
        figures.append(
            QuestionnaireFigures(
                name=template.name,
                scale_points=scales.pop() if len(scales) == 1 else None,
                overall=_paired(template.items, by_person),
                subscales={
                    subscale: _paired(
                        [i for i in template.items if i.subscale == subscale], by_person
                    )
                    for subscale in sorted(
                        {i.subscale for i in template.likert_items if i.subscale}
                    )
                },
            )
        )
    figures.sort(key=lambda f: f.name.casefold())
    return figures


def _paired(
    items: list[ItemInfo],
    by_person: dict[uuid.UUID, dict[QuestionnairePhase, dict[uuid.UUID, int | str]]],
) -> Summary:
    return summarise(
        [
            (
                score(items, phases.get(QuestionnairePhase.PRE, {})),
                score(items, phases.get(QuestionnairePhase.POST, {})),
            )
            for phases in by_person.values()
        ]
    )


# -- CSV --------------------------------------------------------------------------------


def _members_of(session: Session, cohort_ids: list[uuid.UUID]) -> list[Membership]:
    return list(
        session.scalars(
            select(Membership)
            .join(Cohort, Cohort.id == Membership.cohort_id)
            .join(Person, Person.id == Membership.person_id)
            .where(Membership.cohort_id.in_(cohort_ids))
            .order_by(Cohort.starts_on, Cohort.name, Person.family_name, Person.given_name)
        )
    )


def _cohort_titles(session: Session, cohort_ids: list[uuid.UUID]) -> dict[uuid.UUID, str]:
    return {
        c.id: f"{c.course.title}: {c.name}"
        for c in session.scalars(select(Cohort).where(Cohort.id.in_(cohort_ids)))
    }


def _people_table(session: Session, cohort_ids: list[uuid.UUID]) -> CsvTable:
    titles = _cohort_titles(session, cohort_ids)
    cohorts: dict[uuid.UUID, list[str]] = {}
    for m in _members_of(session, cohort_ids):
        cohorts.setdefault(m.person_id, []).append(f"{titles[m.cohort_id]} ({m.role.label})")
    people = session.scalars(
        select(Person)
        .where(Person.id.in_(list(cohorts)))
        .order_by(Person.family_name, Person.given_name, Person.preferred_name)
    )
    return CsvTable(
        CsvKind.PEOPLE,
        ["Family name", "Given name", "Preferred name", "Email", "Cohorts"],
        [
            [p.family_name, p.given_name, p.preferred_name, p.email, "; ".join(cohorts[p.id])]
            for p in people
        ],
    )


def _memberships_table(session: Session, cohort_ids: list[uuid.UUID]) -> CsvTable:
    titles = _cohort_titles(session, cohort_ids)
    groups = {
        membership_id: name
        for cohort_id in cohort_ids
        for membership_id, name in _group_names(session, cohort_id).items()
    }
    rows = [
        [
            titles[m.cohort_id],
            m.person.family_name,
            m.person.preferred_name or m.person.given_name,
            m.role.label,
            m.status.label,
            _iso(m.status_since),
            _iso(m.joined_on),
            _iso(m.left_on),
            groups.get(m.id, ""),
        ]
        for m in _members_of(session, cohort_ids)
    ]
    return CsvTable(
        CsvKind.MEMBERSHIPS,
        [
            "Cohort",
            "Family name",
            "Name",
            "Role",
            "Status",
            "Status since",
            "Joined",
            "Left",
            "Small group",
        ],
        rows,
    )


def _group_names(session: Session, cohort_id: uuid.UUID) -> dict[uuid.UUID, str]:
    return {m.id: m.group_name for m in member_infos(session, cohort_id) if m.group_name}


def _attendance_table(session: Session, cohort_ids: list[uuid.UUID]) -> CsvTable:
    titles = _cohort_titles(session, cohort_ids)
    roles = {
        (cohort_id, person_id): role
        for cohort_id, person_id, role in session.execute(
            select(Membership.cohort_id, Membership.person_id, Membership.role).where(
                Membership.cohort_id.in_(cohort_ids)
            )
        )
    }
    query = (
        select(
            ClassSession.cohort_id,
            ClassSession.week,
            ClassSession.held_on,
            ClassSession.title,
            AttendanceMark.person_id,
            Person.family_name,
            Person.given_name,
            Person.preferred_name,
            AttendanceMark.status,
            AttendanceMark.absence_reason,
        )
        .join(ClassSession, ClassSession.id == AttendanceMark.session_id)
        .join(Person, Person.id == AttendanceMark.person_id)
        .where(ClassSession.cohort_id.in_(cohort_ids))
        .order_by(ClassSession.held_on, ClassSession.week, Person.family_name, Person.given_name)
    )
    rows = []
    for (
        cohort_id,
        week,
        held_on,
        title,
        person_id,
        family,
        given,
        preferred,
        status,
        reason,
    ) in session.execute(query):
        role = roles.get((cohort_id, person_id))
        rows.append(
            [
                titles[cohort_id],
                str(week),
                _iso(held_on),
                title,
                family,
                preferred or given,
                role.label if role else "",
                status.label,
                reason.label if reason else "",
            ]
        )
    return CsvTable(
        CsvKind.ATTENDANCE,
        [
            "Cohort",
            "Week",
            "Date",
            "Session",
            "Family name",
            "Name",
            "Role",
            "Mark",
            "Reason",
        ],
        rows,
    )


def _iso(day: date | None) -> str:
    return day.isoformat() if day else ""


def csv_bytes(table: CsvTable) -> bytes:
    """The table as CSV for Excel (see ``spreadsheets.csv_bytes``): UTF-8 with a
    byte-order mark, and any cell a spreadsheet would take for a formula made plain text."""
    return spreadsheet_csv([table.header, *table.rows], for_excel=True)
