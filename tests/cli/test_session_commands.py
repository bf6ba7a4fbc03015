"""`lt-desktop session`: a cohort's weeks listed, one cancelled for a lockdown and
reinstated, one moved, and what is refused said in one line."""

from __future__ import annotations

from datetime import date, time
from pathlib import Path

from lt_desktop.core.sign_in import sign_in
from tests.helpers.cli import Result, assert_one_line_error, run_cli

COHORT = "September–December 2026"


def _session(demo_dir: Path, *args: str) -> Result:
    return run_cli(
        "session", *args, "--data-dir", demo_dir, "--user", "demo", "--password-stdin",
        stdin="demo\n",
    )  # fmt: skip


def _week(demo_dir: Path, week: int) -> tuple[date, time | None, str]:
    with sign_in(demo_dir, "demo", "demo") as workspace:
        cohort = next(c for c in workspace.programme.list_cohorts() if c.name == COHORT)
        found = next(s for s in workspace.programme.list_sessions(cohort.id) if s.week == week)
        return found.held_on, found.starts_at, found.cancellation()


def test_a_lockdown_cancels_a_week_which_is_listed_so_and_reinstated(demo_dir: Path) -> None:
    done = _session(
        demo_dir, "cancel", "--cohort", "September", "--week", "11", "--reason", "lockdown",
        "--note", "a search of the wing",
    )  # fmt: skip
    assert done.code == 0, done.err
    assert done.lines == [
        "Cancelled week 11 of Crime, Justice and Society: September–December 2026 "
        "(lockdown: a search of the wing). It takes no register and counts in no "
        "attendance figure."
    ]
    assert _week(demo_dir, 11)[2] == "lockdown: a search of the wing"

    listed = _session(demo_dir, "list", "--cohort", "September")
    assert listed.code == 0, listed.err
    assert len(listed.lines) == 13  # the induction, then twelve weeks
    assert listed.lines[11].endswith("CANCELLED: lockdown: a search of the wing")
    assert "register: 32 marks" in listed.lines[1] and "CANCELLED" not in listed.lines[10]

    back = _session(demo_dir, "reinstate", "--cohort", "September", "--week", "11")
    assert back.code == 0, back.err
    assert "runs again" in back.out
    assert _week(demo_dir, 11)[2] == ""


def test_a_week_is_moved_to_another_day_and_time(demo_dir: Path) -> None:
    moved = _session(
        demo_dir, "move", "--cohort", "September", "--week", "12", "--to", "2026-12-07T10:00"
    )
    assert moved.code == 0, moved.err
    assert moved.lines == [
        "Moved week 12 of Crime, Justice and Society: September–December 2026 to "
        "Mon 07 Dec 2026 10:00-12:30."
    ]
    assert _week(demo_dir, 12)[:2] == (date(2026, 12, 7), time(10, 0))


def test_the_induction_is_week_0_listed_first_and_moved_like_any_week(demo_dir: Path) -> None:
    listed = _session(demo_dir, "list", "--cohort", "September")
    assert listed.lines[0] == (
        "induction  Wed 09 Sep 2026 13:30-15:30  The course, the prison and each other  "
        "register: 32 marks"
    )
    moved = _session(
        demo_dir, "move", "--cohort", "September", "--week", "0", "--to", "2026-09-10T10:00"
    )
    assert moved.code == 0, moved.err
    assert moved.lines == [
        "Moved the induction of Crime, Justice and Society: September–December 2026 to "
        "Thu 10 Sep 2026 10:00-12:00."
    ]
    assert _week(demo_dir, 0)[:2] == (date(2026, 9, 10), time(10, 0))
    taken = _session(
        demo_dir, "cancel", "--cohort", "September", "--week", "0", "--reason", "regime"
    )
    assert "The induction already has 32 register marks" in assert_one_line_error(taken)
    spring = _session(demo_dir, "move", "--cohort", "January", "--week", "0", "--to", "2026-01-07")
    assert spring.code == 0, spring.err
    helped = run_cli("session", "move", "--help")
    assert "0 for the induction" in " ".join(helped.out.split())


def _autumn_week(demo_dir: Path, action: str, week: int, *rest: str) -> Result:
    return _session(demo_dir, action, "--cohort", "September", "--week", str(week), *rest)


def test_what_is_refused_is_said_in_one_line_and_changes_nothing(demo_dir: Path) -> None:
    held = _autumn_week(demo_dir, "cancel", 3, "--reason", "staff")
    assert "a session that took place cannot be cancelled" in assert_one_line_error(held)
    other = _autumn_week(demo_dir, "cancel", 12, "--reason", "other")
    assert "say in a note why" in assert_one_line_error(other)
    missing = _autumn_week(demo_dir, "move", 13, "--to", "2026-12-07")
    assert "has no session in week 13 (weeks: induction, 1, 2" in assert_one_line_error(missing)
    unknown = _autumn_week(demo_dir, "cancel", 12, "--reason", "rain")
    assert unknown.code == 2 and "invalid choice: 'rain'" in unknown.err
    not_a_day = _autumn_week(demo_dir, "move", 12, "--to", "soon")
    assert not_a_day.code == 2 and "is not a day like 2026-03-16" in not_a_day.err
    assert _week(demo_dir, 3)[2] == _week(demo_dir, 12)[2] == ""
    assert _week(demo_dir, 12)[0] == date(2026, 11, 30)
