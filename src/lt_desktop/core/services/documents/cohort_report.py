"""The cohort report: a cohort's figures for the partnership and its funders, counts and
means only, never a person's own data.

It opens with a short summary in plain words (``plain_summary``), sets the cohort beside
the partnership's earlier ones, and quotes a few words from the weekly stories of those
who agreed to be quoted, never with a name (``cohort_comparison``). Each part is
gathered by a function of its own, so a new part is one more function and one more field.
"""

from __future__ import annotations

import statistics
import uuid
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from lt_desktop.core.services.attendance import (
    AttendanceFigures,
    figures_by_cohort,
    figures_by_session,
)
from lt_desktop.core.services.base import Service, get_or_not_found
from lt_desktop.core.services.consent import has_consent
from lt_desktop.core.services.documents.cohort_comparison import (
    CohortFiguresLine,
    Quote,
    earlier_cohorts,
    quotes,
)
from lt_desktop.core.services.documents.common import (
    CERTIFIED_STATUSES,
    NOT_STARTED_STATUSES,
    CancelledWeek,
    CohortHeading,
    cancelled_weeks,
    cohort_heading,
    course_sessions,
    rate,
)
from lt_desktop.core.services.progression import progression_counts
from lt_desktop.core.services.projects import ProjectInfo, project_infos
from lt_desktop.core.services.questionnaires import (
    ItemInfo,
    Summary,
    score,
    summarise,
    template_info,
)
from lt_desktop.domain.roles import Permission
from lt_desktop.domain.vocabulary import (
    ConsentScope,
    MarkPosition,
    MembershipRole,
    MembershipStatus,
    PersonBase,
    QuestionnairePhase,
    SessionKind,
)
from lt_desktop.storage.models import (
    Cohort,
    Essay,
    EssayMark,
    Membership,
    Person,
    QuestionnaireAnswer,
    QuestionnaireResponse,
    QuestionnaireTemplate,
)

#: Agreed essay marks are shown in the bands UK degree marking uses.
MARK_BANDS: tuple[tuple[str, float, float], ...] = (
    ("under 40", 0, 40),
    ("40–49", 40, 50),
    ("50–59", 50, 60),
    ("60–69", 60, 70),
    ("70–79", 70, 80),
    ("80 and over", 80, 1000),
)


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
    """Students' attendance and engagement in one week whose register was taken."""

    week: int
    held_on: date
    kind: SessionKind
    figures: AttendanceFigures

    @property
    def rate(self) -> float | None:
        return self.figures.attendance

    @property
    def engagement(self) -> float | None:
        return self.figures.engagement


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
    weeks: list[WeekAttendance]  # students' attendance, weeks held (register taken)
    essays: EssayFigures
    questionnaires: list[QuestionnaireFigures]
    #: Students' attendance and engagement over every session held.
    attendance: AttendanceFigures = AttendanceFigures()
    #: Weeks called off: in no figure, and said so.
    cancelled: list[CancelledWeek] = field(default_factory=list)
    #: The partnership's cohorts that ended before this one began, oldest first.
    earlier: list[CohortFiguresLine] = field(default_factory=list)
    #: Where the cohort's students went next, as (what, how many): shown only when
    #: there are figures (``services.progression.progression_counts``).
    progression: list[tuple[str, int]] = field(default_factory=list)
    #: A few words from weekly stories, quoted with their authors' consent, unnamed.
    quotes: list[Quote] = field(default_factory=list)
    #: The cohort's group projects: topics and the small groups by name, no one's own data.
    projects: list[ProjectInfo] = field(default_factory=list)

    @property
    def left(self) -> int:
        return self.withdrew + self.transferred + self.released

    @property
    def completion_rate(self) -> float | None:
        return rate(self.completed.total, self.started.total)

    @property
    def attendance_rate(self) -> float | None:
        return self.attendance.attendance

    @property
    def engagement_rate(self) -> float | None:
        return self.attendance.engagement

    def as_line(self) -> CohortFiguresLine:
        """This cohort's main figures, as a line beside its earlier cohorts."""
        return CohortFiguresLine(
            cohort_id=self.heading.cohort_id,
            title=self.heading.cohort_name,
            starts_on=self.heading.starts_on,
            ends_on=self.heading.ends_on,
            started=self.started.total,
            completed=self.completed.total,
            taking_part=self.still_taking_part,
            attendance=self.attendance,
            mean_mark=self.essays.mean,
        )


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


class CohortReports(Service):
    """A cohort's figures, for the report and the app."""

    def cohort_report(self, cohort_id: uuid.UUID, *, today: date | None = None) -> CohortReport:
        """The cohort's figures: counts, rates and means, never a person's own data."""
        self._require(Permission.PRINT_DOCUMENTS)
        with self._store.read() as session:
            self._require_cohort_visible(session, cohort_id)
            visible = self._visible_cohort_ids(session)
            heading = cohort_heading(session, cohort_id)
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
                weeks=_weekly_attendance(session, cohort_id, today),
                essays=_essay_figures(session, cohort_id),
                questionnaires=_questionnaire_figures(session, cohort_id),
                attendance=figures_by_cohort(session, today=today, cohort_ids=[cohort_id]).get(
                    cohort_id, AttendanceFigures()
                ),
                cancelled=cancelled_weeks(session, cohort_id),
                earlier=earlier_cohorts(session, cohort, today=today, visible=visible),
                progression=progression_counts(session, [cohort_id]),
                quotes=quotes(session, cohort_id),
                projects=project_infos(session, cohort_id),
            )


def _by_base(bases: Iterable[PersonBase]) -> BaseCounts:
    counts = Counter(bases)
    return BaseCounts(
        counts[PersonBase.PRISON], counts[PersonBase.UNIVERSITY], counts[PersonBase.COMMUNITY]
    )


def _weekly_attendance(
    session: Session, cohort_id: uuid.UUID, today: date | None
) -> list[WeekAttendance]:
    by_session = figures_by_session(session, cohort_id, today=today)
    return [
        WeekAttendance(s.week, s.held_on, s.kind, by_session[s.id])
        for s in course_sessions(session, cohort_id)
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
