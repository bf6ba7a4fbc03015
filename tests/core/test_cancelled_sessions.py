"""A whole session called off (a lockdown, a staff shortage, a change of regime) or moved,
on the demo store: it keeps its week, takes no register and counts in no figure."""

from __future__ import annotations

from datetime import date, datetime, time
from pathlib import Path

import pytest
from sqlalchemy import select

from lt_desktop.core.services.attendance import AttendanceFigures
from lt_desktop.core.services.programme import CohortInfo, SessionInfo
from lt_desktop.core.services.register import Mark
from lt_desktop.core.sign_in import sign_in
from lt_desktop.core.workspace import Workspace
from lt_desktop.domain.errors import PermissionDenied, ValidationError
from lt_desktop.domain.vocabulary import AttendanceStatus, Cancellation, MarkReason
from lt_desktop.storage.database import INCLUDE_DELETED
from lt_desktop.storage.models import AttendanceMark, AuditEntry, User

AUTUMN = "September–December 2026"
#: The demo's day: the autumn cohort's week 11 is held that afternoon, its register not taken.
DEMO_TODAY = date(2026, 11, 23)


def _autumn(workspace: Workspace) -> CohortInfo:
    return next(c for c in workspace.programme.list_cohorts() if c.name == AUTUMN)


def _week(workspace: Workspace, number: int) -> SessionInfo:
    sessions = workspace.programme.list_sessions(_autumn(workspace).id)
    return next(s for s in sessions if s.week == number)


def _figures(workspace: Workspace) -> tuple[object, ...]:
    """Every attendance figure the app reports for the autumn cohort, as of the demo's day."""
    cohort = _autumn(workspace)
    report = workspace.documents.cohort_report(cohort.id, today=DEMO_TODAY)
    summary = workspace.documents.attendance_summary(cohort.id, today=DEMO_TODAY)
    overview = next(p for p in workspace.overview.partnerships(today=DEMO_TODAY) if p.cohorts == 2)
    someone = workspace.register.register(_week(workspace, 10).id).lines[0].person_id
    page = workspace.people.person_page(someone, today=DEMO_TODAY)
    line = next(m for m in page.memberships if m.cohort_id == cohort.id)
    return (
        report.attendance,
        [(w.week, w.figures) for w in report.weeks],
        [(row.name, row.figures) for row in summary.rows],
        [week for week in summary.by_week if week.held],  # a cancelled week has no column
        overview.attendance,
        line.attendance,
        workspace.memberships.attendance(cohort.id, today=DEMO_TODAY),
    )


def test_a_lockdown_week_cancelled_leaves_every_attendance_figure_as_it_was(
    demo: Workspace,
) -> None:
    week_11 = _week(demo, 11)
    before = _figures(demo)

    # What staff had to do before: excuse the whole class, which counted against everyone.
    register = demo.register.register(week_11.id)
    excused = Mark(AttendanceStatus.EXCUSED, MarkReason.LOCKDOWN)
    demo.register.set_marks(week_11.id, {line.person_id: excused for line in register.lines})
    with_excuses, figures_before = _figures(demo)[0], before[0]
    assert isinstance(with_excuses, AttendanceFigures)
    assert isinstance(figures_before, AttendanceFigures)
    assert with_excuses.held == figures_before.held + 23  # the students taking part
    # It counted against everyone's attendance, though not against their engagement.
    assert with_excuses.attendance is not None and figures_before.attendance is not None
    assert with_excuses.attendance < figures_before.attendance
    assert with_excuses.engaged == figures_before.engaged + 23

    demo.register.set_marks(week_11.id, {line.person_id: None for line in register.lines})
    cancelled = demo.programme.cancel_session(week_11.id, Cancellation.LOCKDOWN)
    assert cancelled.is_cancelled and cancelled.cancellation() == "lockdown"
    assert _figures(demo) == before

    # A classroom laptop's marks for it, taken before it was called off and arriving
    # after, count neither.
    with demo.store.write() as session:
        cleared = session.scalars(
            select(AttendanceMark)
            .where(AttendanceMark.session_id == week_11.id)
            .execution_options(**{INCLUDE_DELETED: True})
        ).all()
        assert len(cleared) == len(register.lines)
        for mark in cleared:
            mark.deleted_at, mark.status = None, AttendanceStatus.ABSENT
            mark.absence_reason = MarkReason.LOCKDOWN
    assert _figures(demo) == before


def test_a_cancelled_session_takes_no_register_and_is_not_overdue(demo: Workspace) -> None:
    week_11 = _week(demo, 11)
    after_class = datetime.combine(DEMO_TODAY, time(17, 0))
    overdue = [due.week for due in demo.register.registers_not_taken(now=after_class)]
    assert 11 in overdue

    demo.programme.cancel_session(week_11.id, Cancellation.STAFF, note="  two officers   off sick ")
    register = demo.register.register(week_11.id)
    assert register.cancelled == "staff shortage: two officers off sick"
    with pytest.raises(ValidationError, match="Week 11 was cancelled .staff shortage"):
        demo.register.mark(week_11.id, register.lines[0].person_id, Mark(AttendanceStatus.PRESENT))
    with pytest.raises(ValidationError, match="takes no register"):
        demo.register.mark_everyone_present(week_11.id)
    assert demo.register.register(week_11.id).unmarked == len(register.lines)
    overdue = [due.week for due in demo.register.registers_not_taken(now=after_class)]
    assert 11 not in overdue

    demo.programme.reinstate_session(week_11.id)
    assert demo.register.mark_everyone_present(week_11.id)
    assert not _week(demo, 11).is_cancelled


def test_a_session_that_was_held_is_not_cancelled(demo: Workspace) -> None:
    week_3 = _week(demo, 3)
    assert week_3.marks_taken > 0
    with pytest.raises(ValidationError, match=f"already has {week_3.marks_taken} register marks"):
        demo.programme.cancel_session(week_3.id, Cancellation.LOCKDOWN)
    assert not _week(demo, 3).is_cancelled
    with pytest.raises(ValidationError, match="say in a note why"):
        demo.programme.cancel_session(_week(demo, 12).id, Cancellation.OTHER, note="   ")
    with pytest.raises(ValidationError, match="was not cancelled"):
        demo.programme.reinstate_session(_week(demo, 12).id)


def test_a_moved_session_keeps_its_week_length_and_register(demo: Workspace) -> None:
    week_10 = _week(demo, 10)
    moved = demo.programme.move_session(week_10.id, date(2026, 11, 19), starts_at=time(9, 30))
    assert (moved.week, moved.held_on, moved.starts_at) == (10, date(2026, 11, 19), time(9, 30))
    assert moved.ends_at == time(12, 0)  # two and a half hours, as before
    assert moved.marks_taken == week_10.marks_taken
    just_the_day = demo.programme.move_session(week_10.id, date(2026, 11, 20))
    assert (just_the_day.starts_at, just_the_day.ends_at) == (time(9, 30), time(12, 0))
    with demo.store.read() as session:
        actions = list(
            session.scalars(
                select(AuditEntry.action).where(AuditEntry.subject_id == str(week_10.id))
            )
        )
    assert actions.count("session.moved") == 2


def test_only_those_who_plan_the_programme_cancel_or_move_a_session(demo_dir: Path) -> None:
    with sign_in(demo_dir, "facilitator", "demo") as facilitator:
        week_12 = _week(facilitator, 12)
        with pytest.raises(PermissionDenied):
            facilitator.programme.cancel_session(week_12.id, Cancellation.LOCKDOWN)
        with pytest.raises(PermissionDenied):
            facilitator.programme.move_session(week_12.id, date(2026, 12, 1))
        assert not _week(facilitator, 12).is_cancelled


def test_a_cancelled_session_is_reinstated_before_it_is_moved(demo: Workspace) -> None:
    week = _week(demo, 12)
    demo.programme.cancel_session(week.id, Cancellation.STAFF)
    with pytest.raises(ValidationError, match="Week 12 is cancelled: reinstate it before moving"):
        demo.programme.move_session(week.id, date(2026, 12, 1))
    assert _week(demo, 12).held_on == week.held_on
    demo.programme.reinstate_session(week.id)
    assert demo.programme.move_session(week.id, date(2026, 12, 1)).held_on == date(2026, 12, 1)


def test_a_mark_left_by_someone_removed_does_not_keep_a_week_from_being_cancelled(
    demo: Workspace,
) -> None:
    week = _week(demo, 10)
    register = demo.register.register(week.id)
    with demo.store.read() as session:
        signing_in = set(session.scalars(select(User.person_id)))
    # Someone without an account here (one who signs in is removed once it is closed).
    leaving = next(line.person_id for line in register.lines if line.person_id not in signing_in)
    demo.people.remove_person(leaving)
    # Everyone still on the register is cleared; the removed person's mark cannot be.
    demo.register.set_marks(
        week.id, {line.person_id: None for line in demo.register.register(week.id).lines}
    )
    cancelled = demo.programme.cancel_session(week.id, Cancellation.LOCKDOWN)
    assert cancelled.is_cancelled


def test_no_story_is_kept_for_a_cancelled_week(demo: Workspace) -> None:
    week = _week(demo, 7)
    assert week.is_cancelled
    sheet_week = _week(demo, 6)
    writer = next(
        line.person_id for line in demo.stories.week(sheet_week.id).lines if line.may_have_story
    )
    with pytest.raises(ValidationError, match="Week 7 was cancelled: no story is kept"):
        demo.stories.save(week.id, writer, text="We read about legitimacy.", answers={})
    assert all(s.week != 7 for s in demo.stories.by_person(writer))
