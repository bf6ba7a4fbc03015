"""Attendance and engagement, worked out in one place and reported the same everywhere.

A term on a real store: one student with every kind of mark, others who join late, leave
early or come every week, staff on the register, a week cancelled for a lockdown (with a
laptop's mark arriving for it after), the sense-making meeting, and a register taken in
advance for a week still to come. The figures are counted by hand below and then read
from every place that reports them.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, date, datetime

import pytest

from lt_desktop.core.services.attendance import AttendanceFigures
from lt_desktop.core.services.programme import SessionInfo
from lt_desktop.core.services.register import Mark
from lt_desktop.core.workspace import Workspace
from lt_desktop.domain.vocabulary import (
    OUTSIDE_LEARNERS_CONTROL,
    AttendanceStatus,
    Cancellation,
    MarkReason,
    MembershipRole,
    MembershipStatus,
    PersonBase,
    SessionKind,
)
from lt_desktop.storage.models import AttendanceMark

TODAY = date(2026, 3, 10)  # the day after week 10
P, L, E, A, X = (
    AttendanceStatus.PRESENT,
    AttendanceStatus.LATE,
    AttendanceStatus.LEFT_EARLY,
    AttendanceStatus.ABSENT,
    AttendanceStatus.EXCUSED,
)


@dataclass
class Term:
    cohort_id: uuid.UUID
    weeks: dict[int, SessionInfo]  # 13: the sense-making meeting
    people: dict[str, uuid.UUID]


@pytest.fixture
def term(workspace: Workspace) -> Term:
    programme = workspace.programme
    partnership = programme.add_partnership(
        name="Testbridge LT", prison_name="HMP Testbridge", university_name="Testbridge"
    )
    course = programme.add_course(partnership_id=partnership.id, title="Ethics")
    cohort = programme.add_cohort(
        course_id=course.id,
        name="Spring 2026",
        starts_on=date(2026, 1, 5),
        ends_on=date(2026, 3, 23),
    )
    planned = programme.plan_weekly_sessions(cohort.id, weeks=12, first_on=date(2026, 1, 5))
    weeks = {s.week: s for s in planned}
    weeks[13] = programme.add_session(
        cohort_id=cohort.id, week=13, held_on=date(2026, 3, 30), kind=SessionKind.SENSE_MAKING
    )
    people: dict[str, uuid.UUID] = {}
    for name, role, joined in [
        ("Ana", MembershipRole.STUDENT, date(2026, 1, 5)),
        ("Ben", MembershipRole.STUDENT, date(2026, 1, 5)),
        ("Cal", MembershipRole.STUDENT, date(2026, 1, 19)),  # joins in week 3
        ("Dee", MembershipRole.STUDENT, date(2026, 1, 5)),  # leaves after week 5
        ("Eve", MembershipRole.MENTOR, date(2026, 1, 5)),
        ("Lou", MembershipRole.LECTURER, date(2026, 1, 5)),
    ]:
        person = workspace.people.add_person(
            given_name=name, family_name="Tester", base=PersonBase.PRISON
        )
        workspace.memberships.enrol(cohort.id, person.id, role=role, on=joined)
        people[name] = person.id
    ana = {
        1: Mark(P),
        2: Mark(L, MarkReason.REGIME_DELAY),
        3: Mark(E),
        4: Mark(A, MarkReason.ILLNESS),
        5: Mark(A, MarkReason.LOCKDOWN),
        6: Mark(X, MarkReason.HEALTHCARE),
        7: Mark(X),  # excused, no reason given: not engagement
        8: Mark(X, MarkReason.PERSONAL),
        # week 9: the register was taken without her
    }
    for week in range(1, 10):
        marks: dict[uuid.UUID, Mark | None] = {people["Ben"]: Mark(P), people["Eve"]: Mark(P)}
        if week in ana:
            marks[people["Ana"]] = ana[week]
        if week >= 3:
            cal = Mark(A, MarkReason.MOVEMENT) if week == 5 else Mark(P)
            marks[people["Cal"]] = cal
        if week <= 5:
            marks[people["Dee"]] = Mark(P)
        if week == 2:
            marks[people["Lou"]] = Mark(P)
        workspace.register.set_marks(weeks[week].id, marks)
    dee = next(
        m for m in workspace.memberships.list_members(cohort.id) if m.person_id == people["Dee"]
    )
    workspace.memberships.change_status(dee.id, MembershipStatus.WITHDRAWN, on=date(2026, 2, 4))
    # Week 10 was called off; a classroom laptop's mark for it arrived afterwards.
    workspace.programme.cancel_session(weeks[10].id, Cancellation.LOCKDOWN, note="a search")
    with workspace.store.write() as session:
        session.add(
            AttendanceMark(
                session_id=weeks[10].id,
                person_id=people["Ana"],
                status=AttendanceStatus.ABSENT,
                absence_reason=MarkReason.UNKNOWN,
                recorded_at=datetime(2026, 3, 9, 16, tzinfo=UTC),
            )
        )
    # Week 11 is still to come, but Ana's absence for court was recorded in advance.
    workspace.register.set_marks(weeks[11].id, {people["Ana"]: Mark(X, MarkReason.WORK_OR_COURT)})
    workspace.register.set_marks(weeks[13].id, {people["Ana"]: Mark(P), people["Ben"]: Mark(A)})
    return Term(cohort.id, weeks, people)


# Counted by hand: held, attended, missed for a reason outside the learner's control.
ANA = AttendanceFigures(held=9, attended=3, excused=2)  # weeks 1–9; lockdown, healthcare
BEN = AttendanceFigures(held=9, attended=9, excused=0)
CAL = AttendanceFigures(held=7, attended=6, excused=1)  # weeks 3–9; movements not called
DEE = AttendanceFigures(held=5, attended=5, excused=0)  # weeks 1–5, then withdrew
EVE = AttendanceFigures(held=9, attended=9, excused=0)
LOU = AttendanceFigures(held=1, attended=1, excused=0)  # only where marked
STUDENTS = ANA + BEN + CAL + DEE


def test_the_two_figures_are_counted_by_the_rules(workspace: Workspace, term: Term) -> None:
    figures = workspace.memberships.attendance(term.cohort_id, today=TODAY)
    who = {name: figures.by_person[person_id] for name, person_id in term.people.items()}
    assert who == {"Ana": ANA, "Ben": BEN, "Cal": CAL, "Dee": DEE, "Eve": EVE, "Lou": LOU}
    assert figures.students == STUDENTS == AttendanceFigures(held=30, attended=23, excused=3)
    assert ANA.attendance == pytest.approx(3 / 9) and ANA.engagement == pytest.approx(5 / 9)
    assert STUDENTS.engaged == 26


def test_every_place_that_reports_attendance_reports_the_same(
    workspace: Workspace, term: Term
) -> None:
    ana = term.people["Ana"]
    page = workspace.people.person_page(ana, today=TODAY)
    assert [m.attendance for m in page.memberships] == [ANA]

    report = workspace.documents.cohort_report(term.cohort_id, today=TODAY)
    assert report.attendance == STUDENTS
    assert [w.week for w in report.weeks] == list(range(1, 10))  # not 10, 11 or 13
    week_5 = report.weeks[4].figures
    assert week_5 == AttendanceFigures(held=4, attended=2, excused=2)
    assert sum((w.figures for w in report.weeks), AttendanceFigures()) == STUDENTS
    assert [(c.week, c.why) for c in report.cancelled] == [(10, "lockdown: a search")]

    summary = workspace.documents.attendance_summary(term.cohort_id, today=TODAY)
    rows = {row.name: row.figures for row in summary.rows}
    assert rows == {
        "Ana Tester": ANA,
        "Ben Tester": BEN,
        "Cal Tester": CAL,
        "Dee Tester": DEE,
        "Eve Tester": EVE,
        "Lou Tester": LOU,
    }
    assert [c.week for c in summary.weeks] == [1, 2, 3, 4, 5, 6, 7, 8, 9, 11, 12]
    assert summary.figures == sum(summary.by_week, AttendanceFigures())
    assert summary.by_week[9:] == [AttendanceFigures(), AttendanceFigures()]  # to come

    (part,) = workspace.documents.person_attendance(ana, today=TODAY).cohorts
    assert part.figures == ANA

    (partnership,) = workspace.overview.partnerships(today=TODAY)
    assert partnership.attendance == STUDENTS
    assert partnership.attendance_rate == pytest.approx(23 / 30)
    assert partnership.engagement_rate == pytest.approx(26 / 30)


def test_a_week_still_to_come_counts_once_it_is_held(workspace: Workspace, term: Term) -> None:
    later = workspace.memberships.attendance(term.cohort_id, today=date(2026, 3, 16))
    # Week 11's register holds Ana's absence for court only: the others were not marked.
    assert later.by_person[term.people["Ana"]] == AttendanceFigures(10, 3, 3)
    assert later.by_person[term.people["Ben"]] == AttendanceFigures(10, 9, 0)
    assert later.by_person[term.people["Dee"]] == DEE


def test_a_register_cleared_again_was_not_taken(workspace: Workspace, term: Term) -> None:
    week_9 = term.weeks[9].id
    marked = workspace.register.register(week_9).lines
    workspace.register.set_marks(week_9, {line.person_id: None for line in marked})
    figures = workspace.memberships.attendance(term.cohort_id, today=TODAY)
    assert figures.by_person[term.people["Ana"]] == AttendanceFigures(8, 3, 2)
    assert figures.students == AttendanceFigures(30 - 3, 23 - 2, 3)  # Ana, Ben and Cal


def test_a_cancelled_week_reinstated_and_excused_counts_against_attendance_only(
    workspace: Workspace, term: Term
) -> None:
    """What staff did before a week could be cancelled: excuse the whole class."""
    week_10 = term.weeks[10].id
    workspace.programme.reinstate_session(week_10)
    lockdown = Mark(X, MarkReason.LOCKDOWN)
    workspace.register.set_marks(
        week_10, {line.person_id: lockdown for line in workspace.register.register(week_10).lines}
    )
    figures = workspace.memberships.attendance(term.cohort_id, today=TODAY)
    students = figures.students
    assert students == AttendanceFigures(30 + 3, 23, 3 + 3)  # Ana, Ben and Cal
    assert students.attendance is not None and STUDENTS.attendance is not None
    assert students.attendance < STUDENTS.attendance
    assert students.engagement is not None and STUDENTS.engagement is not None
    assert students.engagement > STUDENTS.engagement


def test_only_reasons_outside_the_learners_control_count_as_engagement() -> None:
    assert {r.value for r in OUTSIDE_LEARNERS_CONTROL} == {
        "lockdown",
        "regime_delay",
        "movement",
        "legal_visit",
        "healthcare",
        "work_or_court",
        "transfer",
        "release",
    }
    for own in (MarkReason.ILLNESS, MarkReason.PERSONAL, MarkReason.UNKNOWN):
        assert own not in OUTSIDE_LEARNERS_CONTROL
    assert AttendanceFigures().attendance is None and AttendanceFigures().engagement is None
