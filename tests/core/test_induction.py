"""The induction, through the services: a session of its own kind held before week 1
(week 0), with a register like any session, no story, and no part in any attendance
figure."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

import pytest

from lt_desktop.core.services.programme import CohortInfo, SessionInfo
from lt_desktop.core.services.register import Mark
from lt_desktop.core.sign_in import sign_in
from lt_desktop.core.workspace import Workspace
from lt_desktop.domain.errors import PermissionDenied, ValidationError
from lt_desktop.domain.vocabulary import (
    AttendanceStatus,
    Cancellation,
    MarkReason,
    MembershipRole,
    SessionKind,
    week_in_words,
    week_name,
)


def _autumn(workspace: Workspace) -> CohortInfo:
    return next(c for c in workspace.programme.list_cohorts() if c.name.startswith("September"))


def _induction(workspace: Workspace, cohort: CohortInfo) -> SessionInfo:
    (induction,) = [
        s for s in workspace.programme.list_sessions(cohort.id) if s.kind is SessionKind.INDUCTION
    ]
    return induction


def test_an_induction_is_held_in_week_0_and_every_other_session_from_week_1(
    demo: Workspace,
) -> None:
    cohort = demo.programme.add_cohort(
        course_id=demo.programme.list_courses()[0].id,
        name="January–April 2027",
        starts_on=date(2027, 1, 11),
        ends_on=date(2027, 4, 12),
    )
    induction = demo.programme.add_session(
        cohort_id=cohort.id,
        week=0,
        held_on=date(2027, 1, 6),
        kind=SessionKind.INDUCTION,
        title="Induction",
    )
    first = demo.programme.add_session(cohort_id=cohort.id, week=1, held_on=date(2027, 1, 11))
    assert [s.id for s in demo.programme.list_sessions(cohort.id)] == [induction.id, first.id]
    assert (week_name(induction.week), week_in_words(induction.week)) == (
        "Induction",
        "the induction",
    )
    with pytest.raises(ValidationError, match="An induction is held before week 1"):
        demo.programme.add_session(
            cohort_id=cohort.id, week=1, held_on=date(2027, 1, 6), kind=SessionKind.INDUCTION
        )
    with pytest.raises(ValidationError, match="Week 0 is the induction's"):
        demo.programme.add_session(cohort_id=cohort.id, week=0, held_on=date(2027, 1, 6))
    with pytest.raises(ValidationError, match="numbered from 1"):
        demo.programme.add_session(cohort_id=cohort.id, week=-1, held_on=date(2027, 1, 6))
    with pytest.raises(ValidationError, match="An induction is held before week 1"):
        demo.programme.update_session(
            first.id,
            week=1,
            held_on=first.held_on,
            kind=SessionKind.INDUCTION,
            title="",
            starts_at=None,
            ends_at=None,
            lecturer_id=None,
            reading_1="",
            reading_2="",
            location="",
        )


def test_a_facilitator_may_not_add_an_induction(demo_dir: Path) -> None:
    with sign_in(demo_dir, "facilitator", "demo") as facilitator:
        cohort = _autumn(facilitator)
        with pytest.raises(PermissionDenied):
            facilitator.programme.add_session(
                cohort_id=cohort.id, week=0, held_on=date(2026, 9, 9), kind=SessionKind.INDUCTION
            )


def test_the_induction_keeps_a_register_that_counts_in_no_attendance_figure(
    demo: Workspace,
) -> None:
    cohort = _autumn(demo)
    induction = _induction(demo, cohort)
    register = demo.register.register(induction.id)
    assert register.lines and register.unmarked == 0
    student = next(line for line in register.lines if line.role is MembershipRole.STUDENT)
    page = demo.people.person_page(student.person_id)
    report = demo.documents.cohort_report(cohort.id)
    assert 0 not in [w.week for w in report.weeks]
    # Everyone marked absent at the induction: no figure anywhere moves.
    absent = Mark(AttendanceStatus.ABSENT, MarkReason.PERSONAL)
    demo.register.set_marks(induction.id, {line.person_id: absent for line in register.lines})
    assert demo.register.register(induction.id).attended == 0
    assert demo.people.person_page(student.person_id).memberships == page.memberships
    assert [a.week for a in demo.people.person_page(student.person_id).attendance] == [
        a.week for a in page.attendance
    ]
    after = demo.documents.cohort_report(cohort.id)
    assert after.attendance_rate == report.attendance_rate
    assert after.weeks == report.weeks
    summary = demo.documents.attendance_summary(cohort.id)
    assert 0 not in [w.week for w in summary.weeks]


def test_an_induction_register_not_taken_is_said_to_be_the_inductions(demo: Workspace) -> None:
    cohort = _autumn(demo)
    induction = _induction(demo, cohort)
    lines = demo.register.register(induction.id).lines
    demo.register.set_marks(induction.id, {line.person_id: None for line in lines})
    due = demo.register.registers_not_taken(now=datetime(2026, 11, 23, 12, 0))
    assert due[0].session_id == induction.id
    assert due[0].describe() == (
        "the induction of Crime, Justice and Society: September–December 2026 (Wed 09 Sep)"
    )


def test_no_story_is_kept_for_the_induction(demo: Workspace) -> None:
    induction = _induction(demo, _autumn(demo))
    with pytest.raises(ValidationError, match="no story is kept for it"):
        demo.stories.week(induction.id)
    person = demo.register.register(induction.id).lines[0].person_id
    with pytest.raises(ValidationError, match="no story is kept for it"):
        demo.stories.save(induction.id, person, text="My first day.", answers={})


def test_a_cancelled_induction_is_called_the_induction(demo: Workspace) -> None:
    cohort = demo.programme.add_cohort(
        course_id=demo.programme.list_courses()[0].id,
        name="Summer 2027",
        starts_on=date(2027, 6, 7),
        ends_on=date(2027, 8, 9),
    )
    induction = demo.programme.add_session(
        cohort_id=cohort.id, week=0, held_on=date(2027, 6, 2), kind=SessionKind.INDUCTION
    )
    cancelled = demo.programme.cancel_session(induction.id, Cancellation.STAFF)
    assert cancelled.cancellation() == "staff shortage"
    with pytest.raises(ValidationError, match="The induction was cancelled"):
        demo.register.mark(
            induction.id,
            demo.memberships.list_members(_autumn(demo).id)[0].person_id,
            Mark(AttendanceStatus.PRESENT),
        )
    demo.programme.reinstate_session(induction.id)
    with pytest.raises(ValidationError, match="The induction was not cancelled"):
        demo.programme.reinstate_session(induction.id)
