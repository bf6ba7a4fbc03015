"""A process killed outright (SIGKILL) in the middle of a large save, an upgrade, an
import or a backup leaves a store that opens, passes ``lt-desktop check``, and holds
either everything it held before or everything the work would have made: never a mix.

Each test first does the work once in this process, for the state it leads to and how
long it takes; then a child process (``child.py``) does it on fresh copies of the store
and is killed at moments spread over that time, each nudged at random. A kill counts as
caught when the child had not yet said it was done. After each kill the dead child's
lock file is still there, naming it; the store must open all the same, hold no
temporary file and nothing readable, and be in the old state or the new one.
"""

from __future__ import annotations

import hashlib
import random
import time
import uuid
from dataclasses import dataclass
from pathlib import Path

import pytest

from lt_desktop.core.sign_in import sign_in
from lt_desktop.core.stores import preview_backup
from lt_desktop.core.workspace import Workspace
from lt_desktop.domain.vocabulary import AttendanceStatus, SiteKind
from lt_desktop.storage.migrations import head_revision
from tests.cli.support import raw_database
from tests.faults.conftest import DEMO_PASSWORD, DEMO_USER, BigStore
from tests.faults.support import (
    Killed,
    assert_check_passes,
    assert_nothing_readable_left,
    copy_store,
    delays,
    lock_holder,
    run_and_kill,
    unfinished_files,
)
from tests.helpers.personal_data import PersonalData, personal_data
from tests.helpers.sites import (
    UNIVERSITY_ADMIN,
    UNIVERSITY_PASSWORD,
    Site,
    copy_site,
    new_site,
    pair,
)

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
#: Kills caught at work that are enough for one test; it stops trying after that.
ENOUGH = 2
SAMPLE = 15  # phrases searched for in every file, of each store's personal data


@dataclass
class Attempts:
    """The kills made so far in one test, and the copies caught at work."""

    caught: list[Path]
    tried: list[str]

    def record(self, killed: Killed, folder: Path) -> bool:
        """Note a kill; True once enough were caught at work."""
        self.tried.append(killed.describe())
        if killed.at_work:
            self.caught.append(folder)
        return len(self.caught) >= ENOUGH

    def first_caught(self, what: str) -> Path:
        assert self.caught, f"the child was never caught {what}: {self.tried}"
        return self.caught[0]


def _attempts() -> Attempts:
    return Attempts([], [])


def _counts(workspace: Workspace) -> dict[str, int]:
    counts = workspace.stats.counts()
    counts.pop("audit_entries")  # each sign-in adds one
    return counts


def _sound(workspace: Workspace, killed: Killed | None = None) -> None:
    report = workspace.maintenance.check()
    where = killed.describe() if killed else "after a whole run"
    assert report.sound, f"{where}: {report.problems}"


def _opened_after(killed: Killed, folder: Path, username: str, password: str) -> Workspace:
    """The store opens, though the dead child's lock file is still there, naming it; and
    opening it clears away whatever the kill left half-written."""
    assert lock_holder(folder) == killed.pid, f"{killed.describe()}: the lock file was not left"
    workspace = sign_in(folder, username, password)
    assert unfinished_files(folder) == [], killed.describe()
    return workspace


# -- a large save ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Register:
    counts: dict[str, int]
    marks: frozenset[tuple[uuid.UUID, AttendanceStatus]]


def _register(workspace: Workspace, session_id: uuid.UUID) -> Register:
    lines = workspace.register.register(session_id).lines
    marks = frozenset((line.person_id, line.mark.status) for line in lines if line.mark)
    return Register(_counts(workspace), marks)


def test_a_kill_during_a_large_save_leaves_all_of_it_or_none(
    big_store: BigStore, tmp_path: Path
) -> None:
    whole = copy_store(big_store.folder, tmp_path / "whole")
    with sign_in(whole, DEMO_USER, DEMO_PASSWORD) as workspace:
        before = _register(workspace, big_store.session_id)
        began = time.perf_counter()
        workspace.register.mark_everyone_present(big_store.session_id)
        seconds = time.perf_counter() - began
        after = _register(workspace, big_store.session_id)
    assert before.marks == frozenset() and len(after.marks) == big_store.expected

    attempts = _attempts()
    for attempt, delay in enumerate(delays(seconds, random.Random())):
        folder = copy_store(big_store.folder, tmp_path / f"attempt-{attempt}")
        killed = run_and_kill(
            "save", folder, DEMO_USER, DEMO_PASSWORD, str(big_store.session_id), delay=delay
        )
        with _opened_after(killed, folder, DEMO_USER, DEMO_PASSWORD) as workspace:
            state = _register(workspace, big_store.session_id)
            assert state in (before, after), (
                f"{killed.describe()}: {len(state.marks)} of {big_store.expected} marks saved"
            )
            _sound(workspace, killed)
        assert_nothing_readable_left(killed, big_store.personal.sample(SAMPLE), folder)
        if attempts.record(killed, folder):
            break
    assert_check_passes(attempts.first_caught("saving"), DEMO_USER, DEMO_PASSWORD)


# -- an upgrade --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Schema:
    revision: str
    tables: dict[str, tuple[str, ...]]
    data: str  # a digest of the records the old schema held, in its columns


def _schema(folder: Path, old_tables: dict[str, tuple[str, ...]] | None = None) -> Schema:
    """What the database holds, read past the app (which would upgrade it on opening)."""
    with raw_database(folder) as db:
        (revision,) = db.execute("SELECT version_num FROM alembic_version").fetchone()
        names = [
            row[0] for row in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
        ]
        tables = {
            name: tuple(row[1] for row in db.execute(f'PRAGMA table_info("{name}")'))
            for name in sorted(names)
        }
        digest = hashlib.sha256()
        # Signing in touches the audit log, the account, and the settings that record
        # the key file and the record of failed sign-ins it found; every other record
        # is as it was.
        for name, columns in sorted((old_tables or tables).items()):
            if name in ("alembic_version", "audit_log", "users"):
                continue
            listed = ", ".join(f'"{column}"' for column in columns)
            where = (
                " WHERE key NOT IN ('key_file_digest', 'sign_in_record')"
                if name == "settings"
                else ""
            )
            rows = sorted(repr(row) for row in db.execute(f'SELECT {listed} FROM "{name}"{where}'))
            digest.update(f"{name}:{len(rows)}:".encode() + "\n".join(rows).encode())
    return Schema(revision, tables, digest.hexdigest())


def test_a_kill_during_an_upgrade_leaves_the_old_schema_or_the_new(tmp_path: Path) -> None:
    fixture = FIXTURES / "store-0002-demo"
    whole = copy_store(fixture, tmp_path / "whole")
    before = _schema(whole)
    began = time.perf_counter()
    with sign_in(whole, DEMO_USER, DEMO_PASSWORD) as workspace:
        seconds = time.perf_counter() - began
        personal = personal_data(workspace).sample(SAMPLE)
        upgraded_counts = _counts(workspace)
    after = _schema(whole, before.tables)
    assert (before.revision, after.revision) == ("0002", head_revision())
    assert after.data == before.data and after.tables != before.tables

    attempts = _attempts()
    for attempt, delay in enumerate(delays(seconds, random.Random())):
        folder = copy_store(fixture, tmp_path / f"attempt-{attempt}")
        killed = run_and_kill("migrate", folder, DEMO_USER, DEMO_PASSWORD, delay=delay)
        state = _schema(folder, before.tables)
        assert state in (before, after), (
            f"{killed.describe()}: schema {state.revision} with "
            f"{'the same' if state.data == before.data else 'changed'} records"
        )
        # Opening it again finishes the upgrade, or finds it done.
        with sign_in(folder, DEMO_USER, DEMO_PASSWORD) as workspace:
            assert unfinished_files(folder) == [], killed.describe()
            assert workspace.store.schema_revision == head_revision()
            assert _counts(workspace) == upgraded_counts
            _sound(workspace, killed)
        _assert_backups_whole(folder / "backups", killed)
        assert_nothing_readable_left(killed, personal, folder)
        if attempts.record(killed, folder):
            break
    assert_check_passes(attempts.first_caught("upgrading"), DEMO_USER, DEMO_PASSWORD)


def _assert_backups_whole(folder: Path, killed: Killed) -> None:
    """Each backup there under its own name is complete and verifies; whatever the kill
    cut short is a hidden partial file, never a backup's name."""
    for path in sorted(folder.iterdir()) if folder.is_dir() else []:
        if path.name.startswith(".") and ".partial" in path.name:
            continue  # the hidden file being written (or the snapshot's journal)
        preview = preview_backup(path, username=DEMO_USER, password=DEMO_PASSWORD)
        assert preview.counts["people"] > 0, f"{killed.describe()}: {path.name} is empty"


# -- an import ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Exchange:
    prison: Site
    university: Site
    bundle: Path
    personal: PersonalData


@pytest.fixture(scope="module")
def exchange(_demo_template: Path, tmp_path_factory: pytest.TempPathFactory) -> Exchange:
    """The demo prison paired with a new university, and a snapshot of the prison."""
    root = tmp_path_factory.mktemp("exchange")
    copy_store(_demo_template, root / "prison")
    prison = Site("HMP Northfield", root / "prison", DEMO_USER, DEMO_PASSWORD)
    university = new_site(
        root / "university",
        "University of Eastbridge",
        SiteKind.UNIVERSITY,
        UNIVERSITY_ADMIN,
        UNIVERSITY_PASSWORD,
    )
    pair(prison, university)
    bundle = prison.export_to(university, root / "snapshot.ltbundle", snapshot=True).info.path
    with prison.open() as workspace:
        personal = personal_data(workspace).sample(SAMPLE)
    return Exchange(prison, university, bundle, personal)


@dataclass(frozen=True)
class Received:
    counts: dict[str, int]
    sequence: int


def _received(workspace: Workspace, prison: Site) -> Received:
    return Received(
        _counts(workspace), workspace.sync.find_partner(prison.name).last_received_sequence
    )


def test_a_kill_during_an_import_takes_in_the_whole_bundle_or_none_of_it(
    exchange: Exchange, tmp_path: Path
) -> None:
    whole = copy_site(exchange.university, tmp_path / "whole")
    with whole.open() as workspace:
        before = _received(workspace, exchange.prison)
        began = time.perf_counter()
        workspace.sync.import_bundle(exchange.bundle)
        seconds = time.perf_counter() - began
        after = _received(workspace, exchange.prison)
    assert after.sequence == before.sequence + 1 and after.counts["people"] > 0

    attempts = _attempts()
    for attempt, delay in enumerate(delays(seconds, random.Random())):
        site = copy_site(exchange.university, tmp_path / f"attempt-{attempt}")
        killed = run_and_kill(
            "import", site.folder, site.username, site.password, str(exchange.bundle), delay=delay
        )
        with _opened_after(killed, site.folder, site.username, site.password) as workspace:
            state = _received(workspace, exchange.prison)
            assert state in (before, after), (
                f"{killed.describe()}: {state.counts['people']} people and sequence "
                f"{state.sequence}, from {before} or {after}"
            )
            _sound(workspace, killed)
        assert_nothing_readable_left(killed, exchange.personal, site.folder)
        if attempts.record(killed, site.folder):
            break
    assert_check_passes(attempts.first_caught("importing"), UNIVERSITY_ADMIN, UNIVERSITY_PASSWORD)


# -- a backup ----------------------------------------------------------------------------------


def test_a_kill_during_a_backup_leaves_a_whole_backup_or_none_under_its_name(
    big_store: BigStore, tmp_path: Path
) -> None:
    whole = copy_store(big_store.folder, tmp_path / "whole")
    (tmp_path / "whole-stick").mkdir()
    with sign_in(whole, DEMO_USER, DEMO_PASSWORD) as workspace:
        counts = _counts(workspace)
        assert workspace.maintenance.backup_status().last_at is None
        began = time.perf_counter()
        workspace.maintenance.back_up_now(tmp_path / "whole-stick")
        seconds = time.perf_counter() - began

    attempts = _attempts()
    for attempt, delay in enumerate(delays(seconds, random.Random())):
        folder = copy_store(big_store.folder, tmp_path / f"attempt-{attempt}")
        stick = tmp_path / f"stick-{attempt}"
        stick.mkdir()
        killed = run_and_kill("backup", folder, DEMO_USER, DEMO_PASSWORD, str(stick), delay=delay)
        with _opened_after(killed, folder, DEMO_USER, DEMO_PASSWORD) as workspace:
            assert _counts(workspace) == counts, killed.describe()
            recorded = workspace.maintenance.backup_status().last_at is not None
            _sound(workspace, killed)
        _assert_backups_whole(stick, killed)
        backups = [p for p in stick.iterdir() if not p.name.startswith(".")]
        assert len(backups) <= 1, f"{killed.describe()}: {backups}"
        if recorded:
            assert backups, f"{killed.describe()}: a backup is recorded that is not there"
        assert_nothing_readable_left(killed, big_store.personal.sample(SAMPLE), folder, stick)
        if attempts.record(killed, folder):
            break
    assert_check_passes(attempts.first_caught("backing up"), DEMO_USER, DEMO_PASSWORD)
