"""The diagnostics file for support: what is in it, and that nothing in it is personal.

It is plain text that anyone can read without the store's key, so every test searches
it for every name, prison number and opening of what anyone wrote in the demo store.
"""

from __future__ import annotations

import logging
from pathlib import Path

import pytest

from lt_desktop.core import diagnostics
from lt_desktop.core.diagnostics import report_without_signing_in
from lt_desktop.core.logs import configure_logging, log_refused, log_unexpected, stop_logging
from lt_desktop.core.sign_in import sign_in
from lt_desktop.core.workspace import Workspace
from lt_desktop.domain.errors import ConflictError, DiskFull
from lt_desktop.storage.migrations import head_revision
from tests.helpers.personal_data import PersonalData, personal_data

log = logging.getLogger("lt_desktop.tests.diagnostics")


def _problems_logged(folder: Path, workspace: Workspace) -> str:
    """Warnings and errors as the app logs them, and one line from elsewhere that
    names someone (as a library might); returns that person's name."""
    cohort = workspace.programme.list_cohorts()[0]
    member = workspace.memberships.list_members(cohort.id)[0]
    configure_logging(folder / "logs")
    log_refused(log, "The backup", DiskFull("The backup"))
    with pytest.raises(ConflictError) as enrolled_twice:
        workspace.memberships.enrol(cohort.id, member.person_id)
    assert member.display_name in str(enrolled_twice.value)
    log_unexpected(log, "Enrolling", enrolled_twice.value)
    logging.getLogger("somelibrary").warning("Could not index %s", member.display_name)
    log.info("Nothing wrong here")
    stop_logging()
    return member.display_name


def test_the_report_has_what_support_needs_and_no_personal_data(
    demo: Workspace, demo_dir: Path, tmp_path: Path
) -> None:
    named = _problems_logged(demo_dir, demo)
    target = tmp_path / "diagnostics.txt"
    report = demo.diagnostics.save(target)
    text = target.read_text(encoding="utf-8")
    assert text == report.to_text()

    for version in ("LT Desktop", "Python", "SQLCipher", "SQLAlchemy", "PySide6"):
        assert f"  {version} " in text, version
    assert report.versions["SQLCipher"].startswith("4.")
    assert f"Schema revision                   {head_revision()} (current)" in text
    assert "HMP Northfield (prison)" in text
    assert "Last backup                       never" in text
    assert report.settings["idle_lock_minutes"] == "5"
    assert report.settings["backup_folder"] == "not chosen"
    assert report.settings["retention: research-data"] == "5 years after the cohort ends"
    counts = demo.stats.counts()
    assert {k: v for k, v in report.counts.items() if k != "audit_entries"} == {
        k: v for k, v in counts.items() if k != "audit_entries"
    }
    assert f"  people                     {counts['people']}" in text
    # The log's warnings and errors, by kind and place; not the line that names someone.
    assert any("WARNING" in p and "The backup stopped: DiskFull" in p for p in report.problems)
    assert any("ERROR" in p and "Enrolling failed: ConflictError at" in p for p in report.problems)
    assert not any("Nothing wrong here" in p for p in report.problems)
    assert report.left_out == 1 and "1 more left out" in text
    assert named not in text

    _assert_nothing_personal(text, personal_data(demo))
    saved = demo.audit.entries(action="diagnostics.saved")
    assert len(saved) == 1


def test_a_role_that_does_not_see_the_counts_gets_the_rest(demo_dir: Path) -> None:
    with sign_in(demo_dir, "marker", "demo") as marker:
        report = marker.diagnostics.report()
    assert report.counts == {}
    assert "your role does not see what the store holds" in report.to_text()
    assert report.versions and report.settings
    with sign_in(demo_dir, "demo", "demo") as admin:
        _assert_nothing_personal(report.to_text(), personal_data(admin))


def test_without_signing_in_it_says_what_it_can(demo: Workspace, demo_dir: Path) -> None:
    _problems_logged(demo_dir, demo)
    personal = personal_data(demo)
    demo.close()
    report = report_without_signing_in(demo_dir)
    text = report.to_text()
    assert report.counts == {} and report.settings == {}
    assert "Settings and counts need someone signed in" in text
    assert "Database  " in text and "Key file  " in text
    # With no names to check against, the app's own lines are copied and no others.
    assert any("DiskFull" in problem for problem in report.problems)
    assert any("ConflictError at" in problem for problem in report.problems)
    assert report.left_out == 1
    _assert_nothing_personal(text, personal)


def test_only_the_newest_problems_are_kept_oldest_first(tmp_path: Path) -> None:
    logs = tmp_path / "logs"
    logs.mkdir()
    (logs / "lt-desktop.log.2").write_text(
        "2026-01-05 09:00:00,000 ERROR lt_desktop.x: oldest\n", encoding="utf-8"
    )
    (logs / "lt-desktop.log.1").write_text(
        "".join(
            f"2026-01-05 10:00:{n % 60:02d},000 WARNING lt_desktop.x: middle {n}\n"
            for n in range(diagnostics.RECENT_PROBLEMS)
        )
        + "a second line of a message, not copied\n",
        encoding="utf-8",
    )
    (logs / "lt-desktop.log").write_text(
        "2026-01-05 11:00:00,000 INFO lt_desktop.x: not a problem\n"
        "2026-01-05 11:00:01,000 ERROR lt_desktop.x: newest\n",
        encoding="utf-8",
    )
    problems, left_out = diagnostics.recent_problems(logs)
    assert len(problems) == diagnostics.RECENT_PROBLEMS and left_out == 0
    assert problems[-1] == "2026-01-05 11:00:01 ERROR lt_desktop.x: newest"
    assert problems[0].endswith("middle 1")
    assert not any("oldest" in p or "second line" in p or "INFO" in p for p in problems)


def _assert_nothing_personal(text: str, personal: PersonalData) -> None:
    found = personal.found_in_text(text)
    assert found == [], f"the diagnostics name {found}"
