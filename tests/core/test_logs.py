"""The log: as detailed as it gets, through a whole working day on the demo store, it
names no one and quotes nothing anyone wrote; and it rotates, so it never grows past a
few megabytes."""

from __future__ import annotations

import logging
from collections import Counter
from pathlib import Path

import pytest

from lt_desktop.core import logs
from lt_desktop.core.demo import build_demo_store
from lt_desktop.core.logs import configure_logging, log_refused, log_unexpected, stop_logging
from lt_desktop.core.services.register import Mark
from lt_desktop.core.sign_in import sign_in
from lt_desktop.domain.errors import ConflictError, WrongCredentials
from lt_desktop.domain.vocabulary import AttendanceStatus, MarkReason, SiteKind
from tests.helpers.cli import run_cli_process
from tests.helpers.personal_data import SNIPPET, personal_data
from tests.helpers.sites import UNIVERSITY_ADMIN, UNIVERSITY_PASSWORD, Site, new_site, pair

PRISON = "HMP Northfield"
ABSENCE_NOTE = "Called to a visit with her solicitor about the appeal"
ESSAY = (
    "Reading Baldwin beside the others in my group, I noticed how differently we heard "
    "the same sentence about hope."
)
log = logging.getLogger("lt_desktop.tests.day")


def _working_day(prison: Site, university: Site, stick: Path) -> None:
    """What a day at the prison's education department does, through the services."""
    with pytest.raises(WrongCredentials):
        sign_in(prison.folder, prison.username, "not the password")
    with prison.open() as workspace:
        cohort, session = next(
            (cohort, session)
            for cohort in workspace.programme.list_cohorts()
            for session in workspace.programme.list_sessions(cohort.id)
            if not session.is_cancelled and not workspace.register.register(session.id).counts()
        )
        register = workspace.register.register(session.id)
        workspace.register.mark_everyone_present(session.id)
        absent = register.lines[0]
        workspace.register.mark(
            session.id,
            absent.person_id,
            Mark(AttendanceStatus.ABSENT, MarkReason.LEGAL_VISIT, ABSENCE_NOTE),
        )
        membership_id, _ = workspace.essays.students_without_essay(cohort.id)[0]
        workspace.essays.record_essay(membership_id, title="Hearing hope", text=ESSAY)
        # A refusal whose message names a person, logged both ways the app logs failures.
        try:
            workspace.memberships.enrol(cohort.id, absent.person_id)
        except ConflictError as error:
            assert absent.display_name in str(error)
            log_refused(log, "Enrolling", error)
            log_unexpected(log, "Enrolling", error)
            log.exception("Enrolling failed")
        workspace.maintenance.back_up_now(stick)
        assert workspace.maintenance.check().sound
    pair(prison, university)
    bundle = prison.export_to(university, stick / "to-university.ltbundle", snapshot=True)
    university.take_in(bundle.info.path)


def test_the_most_detailed_log_of_a_working_day_names_no_one(tmp_path: Path) -> None:
    folder = tmp_path / "prison"
    folder.mkdir()
    configure_logging(folder / "logs", level=logging.DEBUG)
    build_demo_store(folder)
    prison = Site(PRISON, folder, "demo", "demo")
    university = new_site(
        tmp_path / "university",
        "University of Eastbridge",
        SiteKind.UNIVERSITY,
        UNIVERSITY_ADMIN,
        UNIVERSITY_PASSWORD,
    )
    (tmp_path / "stick").mkdir()
    _working_day(prison, university, tmp_path / "stick")
    stop_logging()
    with prison.open() as workspace:
        personal = personal_data(workspace)
        families = Counter(p.sort_name.split(",")[0] for p in workspace.people.list_people())
    assert {ABSENCE_NOTE[:SNIPPET], ESSAY[:SNIPPET]} <= personal.phrases
    # The command line, as detailed: a report, and a refusal that names people back.
    shared = next(family for family, count in families.most_common() if count > 1)
    for command in (
        ["stats"],
        ["print", "person-attendance", "--person", shared, "--out", tmp_path / "a.pdf"],
    ):
        run_cli_process(
            *command,
            *("--data-dir", folder, "--user", "demo", "--password-stdin"),
            stdin="demo\n",
            env={"LT_DESKTOP_LOG_LEVEL": "debug"},
        )

    log_files = sorted((folder / "logs").iterdir())
    text = "\n".join(path.read_text(encoding="utf-8") for path in log_files)
    levels = {line.split()[2] for line in text.splitlines() if line[:2] == "20"}
    assert {"DEBUG", "INFO", "ERROR"} <= levels, levels
    for said in ("Saved", "Backed up", "Exported bundle", "Imported bundle", "ConflictError"):
        assert said in text, f"the log does not say {said!r}"
    assert personal.found_in_text(text) == []


def test_the_log_rotates_and_keeps_a_few_files(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(logs, "MAX_BYTES", 20_000)
    log_file = configure_logging(tmp_path / "logs")
    assert log_file == tmp_path / "logs" / logs.LOG_NAME
    for number in range(2_000):
        log.info("Line %d of a long day, padded to make the log grow: %s", number, "x" * 40)
    stop_logging()
    files = sorted(path.name for path in (tmp_path / "logs").iterdir())
    assert files == [logs.LOG_NAME] + [
        f"{logs.LOG_NAME}.{n}" for n in range(1, logs.KEPT_FILES + 1)
    ]
    assert all((tmp_path / "logs" / name).stat().st_size <= 20_000 for name in files)
    assert "Line 1999 " in (tmp_path / "logs" / logs.LOG_NAME).read_text(encoding="utf-8")


def test_the_log_level_can_be_raised_for_support(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(logs.LOG_LEVEL_SETTING, "debug")
    configure_logging(tmp_path / "logs")
    assert logging.getLogger().level == logging.DEBUG
    assert logging.getLogger("sqlalchemy").level == logging.WARNING
    monkeypatch.setenv(logs.LOG_LEVEL_SETTING, "chatty")
    configure_logging(tmp_path / "logs")
    assert logging.getLogger().level == logging.INFO
