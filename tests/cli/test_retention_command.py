"""`lt-desktop retention`: each kind with its period and what is due, counted; `--apply`
erases it once "erase" is typed (or with --yes); `--set` and `--study-ends` change the
schedule."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import select

from lt_desktop.core.sign_in import sign_in
from lt_desktop.storage.models import Application, AuditEntry
from tests.cli.support import DEMO_PASSWORD, DEMO_USER, assert_failure, run_as

#: What the demo has due under the defaults: two applicants to its first cohort who
#: were given no place, and hold nothing else.
APPLICATIONS_DUE = """\
Applications not offered a place (applications): 6 months after the decision
  Due: 5 records about 2 people
    person record: 2
    prison-only details: 1
    applications: 2
"""


def _living_applicants(folder: Path) -> int:
    with sign_in(folder, DEMO_USER, DEMO_PASSWORD) as workspace:
        with workspace.store.read() as session:
            return len(list(session.scalars(select(Application.id))))


def test_lists_each_kind_with_its_period_and_what_is_due(demo_dir: Path) -> None:
    result = run_as(demo_dir, DEMO_USER, "retention")

    assert result.code == 0, result.err
    assert "Research data (research-data): 5 years after the cohort ends\n  Nothing is due." in (
        result.out
    )
    assert (
        "Interview transcripts and notes (interviews): Until the study ends (no end date set "
        "yet)\n  Nothing is due until the study's end date is set." in result.out
    )
    assert APPLICATIONS_DUE in result.out
    assert "Course records (course-records): 6 years after their last cohort ends" in result.out
    assert "Erased" not in result.out


def test_apply_asks_and_erases_nothing_unless_erase_is_typed(demo_dir: Path) -> None:
    before = _living_applicants(demo_dir)

    refused = run_as(
        demo_dir, DEMO_USER, "retention", "--apply", secrets=(DEMO_PASSWORD, "yes please")
    )

    assert refused.code == 1
    assert APPLICATIONS_DUE in refused.out
    assert "Nothing was erased." in refused.out
    assert _living_applicants(demo_dir) == before

    done = run_as(demo_dir, DEMO_USER, "retention", "--apply", secrets=(DEMO_PASSWORD, "Erase"))

    assert done.code == 0, done.err
    assert "Erased: 5 records about 2 people" in done.out
    assert "based here goes to the other sites with the next exchange" in done.out
    assert _living_applicants(demo_dir) == before - 2


def test_apply_with_yes_erases_without_asking_and_is_audited(demo_dir: Path) -> None:
    result = run_as(demo_dir, DEMO_USER, "retention", "--apply", "--yes", "--kind", "applications")

    assert result.code == 0, result.err
    assert "Research data" not in result.out
    assert "Erased: 5 records about 2 people" in result.out
    with sign_in(demo_dir, DEMO_USER, DEMO_PASSWORD) as workspace:
        with workspace.store.read() as session:
            entry = session.scalars(
                select(AuditEntry).where(AuditEntry.action == "retention.applied")
            ).one()
            assert entry.subject_id == "applications"
    again = run_as(demo_dir, DEMO_USER, "retention", "--apply", "--yes")
    assert "Nothing is due: nothing was erased." in again.out


def test_staff_see_what_is_due_but_may_not_erase_it(demo_dir: Path) -> None:
    seen = run_as(demo_dir, "staff", "retention")
    assert seen.code == 0 and APPLICATIONS_DUE in seen.out

    refused = run_as(demo_dir, "staff", "retention", "--apply", "--yes")
    assert "does not allow you to change the retention schedule" in assert_failure(refused)
    facilitator = assert_failure(run_as(demo_dir, "facilitator", "retention"))
    assert "does not allow you to see what the retention schedule says is due" in facilitator


def test_set_changes_a_period_and_the_study_end(demo_dir: Path) -> None:
    result = run_as(
        demo_dir,
        DEMO_USER,
        "retention",
        "--set",
        "applications",
        "2 years",
        "--study-ends",
        "2026-01-31",
        "--kind",
        "applications",
        "--kind",
        "interviews",
    )

    assert result.code == 0, result.err
    assert "Applications not offered a place: 2 years after the decision." in result.out
    assert "Interview transcripts and notes: Until the study ends on 31 Jan 2026." in result.out
    # Decided a month before the first cohort began, in Dec 2025: not two years ago.
    assert "(applications): 2 years after the decision\n  Nothing is due." in result.out
    assert "(interviews): Until the study ends on 31 Jan 2026\n  Due: " in result.out

    off = run_as(demo_dir, DEMO_USER, "retention", "--set", "interviews", "off")
    assert "Interview transcripts and notes: Off: never due." in off.out
    wrong = run_as(demo_dir, DEMO_USER, "retention", "--set", "applications", "soon")
    assert wrong.code == 2 and "is not a period" in wrong.err
