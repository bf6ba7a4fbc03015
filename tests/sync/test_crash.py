"""A process killed outright (SIGKILL: no handler runs, nothing is flushed) in the
middle of an import or an export leaves the store exactly as it was.

The import or export runs in a child process on a real store; the parent kills it
part-way, then opens the store itself. An import is killed at fractions of the time
a whole one takes here; an attempt counts only if the child was still at work when
it died (it had not said it was done, and, where the system shows a process's open
files, it still had the bundle open). A test that never catches the child at work
fails. The import is a snapshot into a new site, which goes in bulk (``sync.bulk``,
in a savepoint the bulk path may roll back to), and the store's tables and indexes
are checked to be all there too. An export is stopped at each step that matters (its
pieces half written, its number reserved with the file not yet in place, the file
being read back, the file read back but not yet counted as sent) and killed there.
"""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import pytest

from lt_desktop.core.sign_in import sign_in
from lt_desktop.domain.vocabulary import SiteKind
from tests.helpers.sites import (
    UNIVERSITY_ADMIN,
    UNIVERSITY_PASSWORD,
    Site,
    copy_site,
    new_site,
    pair,
)
from tests.helpers.stores import copy_store

ROOT = Path(__file__).resolve().parents[2]
PRISON, UNIVERSITY = "HMP Northfield", "University of Eastbridge"
#: Where in a whole run each attempt kills the child, in order.
FRACTIONS = (0.5, 0.3, 0.7, 0.2, 0.6, 0.4, 0.8, 0.15, 0.9, 0.1)
#: Where an export is stopped and killed: what the child is about to do when it stops.
EXPORT_STEPS = ("writing", "putting in place", "reading back", "counting as sent")
SCAN_BYTES = 384 * 1024

CHILD = """
import os, sys, time
from pathlib import Path
from lt_desktop.core.sign_in import sign_in
from lt_desktop.sync import bundle, exchange

folder, username, password, action, target, partner, stop_at = sys.argv[1:]


def stopping_at(owner, name, *, after=0, when=lambda *args: True, once_done=False):
    # Calls go through until ``after`` have been made; at the next call that ``when``
    # picks (before it, or once it is done) the child says so and waits to be killed.
    real = getattr(owner, name)
    calls = 0

    def stopped(*args, **kwargs):
        nonlocal calls
        stopping = False
        if when(*args):
            calls += 1
            stopping = calls > after
        if stopping and not once_done:
            print("stopped", flush=True)
            time.sleep(600)
        result = real(*args, **kwargs)
        if stopping:
            print("stopped", flush=True)
            time.sleep(600)
        return result

    setattr(owner, name, stopped)


if stop_at == "writing":
    stopping_at(bundle._ChunkSealer, "_seal", after=3)
elif stop_at == "putting in place":
    stopping_at(os, "replace", when=lambda source, into: str(into) == target)
elif stop_at == "reading back":
    stopping_at(bundle, "_check_signature")
elif stop_at == "counting as sent":
    stopping_at(exchange, "write_bundle", once_done=True)

with sign_in(Path(folder), username, password) as workspace:
    if action == "export":
        partner_id = workspace.sync.partner_id(partner)
    print("started", flush=True)
    started = time.perf_counter()
    if action == "import":
        workspace.sync.import_bundle(Path(target))
    else:
        workspace.sync.export(partner_id, Path(target), snapshot=True)
    print(f"done {time.perf_counter() - started:.3f}", flush=True)
"""


@dataclass(frozen=True)
class Sites:
    prison: Site
    university: Site
    bundle: Path  # a snapshot of the prison, for the university


@pytest.fixture(scope="module")
def sites(_demo_template: Path, tmp_path_factory: pytest.TempPathFactory) -> Sites:
    """The demo prison with a scan of every essay (so a snapshot takes a while to
    write and to take in), paired with a new university site."""
    root = tmp_path_factory.mktemp("crash")
    copy_store(_demo_template, root / "prison")
    prison = Site(PRISON, root / "prison", "demo", "demo")
    noise = random.Random(9)
    with sign_in(prison.folder, prison.username, prison.password) as workspace:
        for cohort in workspace.programme.list_cohorts():
            for essay in workspace.essays.list_essays(cohort.id):
                scan = b"%PDF-1.4\n" + noise.randbytes(SCAN_BYTES)  # a scan does not compress
                workspace.essays.attach_scan(essay.id, f"{essay.candidate_number}.pdf", scan)
    university = new_site(
        root / "university", UNIVERSITY, SiteKind.UNIVERSITY, UNIVERSITY_ADMIN, UNIVERSITY_PASSWORD
    )
    pair(prison, university)
    bundle = prison.export_to(university, root / "snapshot.ltbundle", snapshot=True).info.path
    return Sites(prison, university, bundle)


# -- a child to kill ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Run:
    seconds: float | None  # how long the work took, when the child got to say so
    killed: bool
    open_at_kill: frozenset[Path] | None  # None where the system does not show them

    @property
    def at_work_when_killed(self) -> bool:
        return self.killed and self.seconds is None


def _run(
    site: Site,
    action: str,
    bundle: Path,
    *,
    partner: str = "",
    kill_after: float | None = None,
    stop_at: str = "",
) -> Run:
    """Run ``action`` in a child; kill it ``kill_after`` seconds after it starts work,
    or once it says it has stopped at ``stop_at`` (one of ``EXPORT_STEPS``)."""
    child = subprocess.Popen(
        [sys.executable, "-c", CHILD, str(site.folder), site.username, site.password]
        + [action, str(bundle), partner, stop_at],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        cwd=ROOT,
        env={**os.environ, "LT_DESKTOP_TEST_KDF": "cheap"},
    )
    try:
        assert child.stdout is not None and child.stderr is not None
        first = child.stdout.readline()
        if first.strip() != "started":
            child.wait(timeout=60)
            raise AssertionError(f"the child did not start: {child.stderr.read()}")
        open_at_kill = None
        if stop_at:
            said = child.stdout.readline().strip()
            if said != "stopped":
                child.wait(timeout=60)
                raise AssertionError(
                    f"the child did not stop {stop_at}: it said {said!r}; {child.stderr.read()}"
                )
        elif kill_after is not None:
            time.sleep(kill_after)
        if stop_at or kill_after is not None:
            open_at_kill = _open_files(child.pid)
            child.kill()
        out, err = child.communicate(timeout=120)
    finally:
        if child.poll() is None:
            child.kill()
            child.wait()
    done = [line for line in out.splitlines() if line.startswith("done ")]
    if kill_after is None and not stop_at:
        assert child.returncode == 0 and done, err
    return Run(
        seconds=float(done[0].split()[1]) if done else None,
        killed=child.returncode == -signal.SIGKILL,
        open_at_kill=open_at_kill,
    )


def _open_files(pid: int) -> frozenset[Path] | None:
    folder = Path(f"/proc/{pid}/fd")
    if not folder.is_dir():
        return None
    files = set()
    for entry in folder.iterdir():
        try:
            files.add(Path(os.readlink(entry)))
        except OSError:  # closed in between
            continue
    return frozenset(files)


# -- what a store holds -------------------------------------------------------------------------


@dataclass(frozen=True)
class State:
    sound: bool
    problems: tuple[str, ...]
    counts: dict[str, int]  # every kind of record but audit entries (each sign-in adds one)
    sync_actions: tuple[str, ...]
    sent: int
    received: int
    schema: tuple[str, ...]  # every table and index


def _state(site: Site, partner: str) -> State:
    with sign_in(site.folder, site.username, site.password) as workspace:
        report = workspace.maintenance.check()
        counts = workspace.stats.counts()
        counts.pop("audit_entries")
        info = workspace.sync.find_partner(partner)
        actions = tuple(
            entry.action
            for entry in workspace.audit.entries(action="sync")
            if entry.action != "sync.paired"
        )
        with workspace.store.read() as session:
            schema = tuple(
                session.connection()
                .exec_driver_sql("SELECT type || ' ' || name FROM sqlite_master ORDER BY name")
                .scalars()
            )
        return State(
            report.sound,
            tuple(report.problems),
            counts,
            actions,
            info.last_sent_sequence,
            info.last_received_sequence,
            schema,
        )


# -- the tests -------------------------------------------------------------------------------------


def test_a_kill_during_an_import_leaves_the_store_as_it_was(sites: Sites, tmp_path: Path) -> None:
    whole = copy_site(sites.university, tmp_path / "whole")
    before = _state(whole, PRISON)
    timing = _run(whole, "import", sites.bundle)
    assert timing.seconds is not None
    imported = _state(whole, PRISON)
    assert imported.counts != before.counts and imported.sync_actions == ("sync.imported",)

    caught: Site | None = None
    tried = []
    for attempt, fraction in enumerate(FRACTIONS):
        site = copy_site(sites.university, tmp_path / f"attempt-{attempt}")
        run = _run(site, "import", sites.bundle, kill_after=timing.seconds * fraction)
        after = _state(site, PRISON)
        # Whenever the kill landed, the store is either as before or wholly imported.
        assert after.sound, after.problems
        assert after.schema == before.schema
        assert after.counts in (before.counts, imported.counts), (
            f"killed at {fraction:.0%} of an import, the store holds neither what it held "
            f"nor the whole bundle: {_changed(before.counts, after.counts)}"
        )
        tried.append((fraction, run, after.counts == before.counts))
        reading = run.open_at_kill is None or sites.bundle.resolve() in run.open_at_kill
        if run.at_work_when_killed and reading:
            assert after.counts == before.counts, "the import was cut short but left records"
            assert after.sync_actions == () and after.received == before.received
            caught = site
            break
    assert caught is not None, (
        f"the child was never caught while importing ({timing.seconds:.2f} s a whole import); "
        f"attempts (fraction, run, store untouched): {tried}"
    )

    with sign_in(caught.folder, caught.username, caught.password) as workspace:
        taken = workspace.sync.import_bundle(sites.bundle)
        assert not taken.already_imported and not taken.summary.missing_links
    again = _state(caught, PRISON)
    assert again.sound, again.problems
    assert again.schema == before.schema
    assert again.counts == imported.counts
    assert again.sync_actions == ("sync.imported",) and again.received == imported.received


@pytest.mark.parametrize("step", EXPORT_STEPS)
def test_a_kill_during_an_export_leaves_no_bundle_or_a_whole_one(
    sites: Sites, tmp_path: Path, step: str
) -> None:
    inspector = copy_site(sites.university, tmp_path / "inspector")
    site = copy_site(sites.prison, tmp_path / "prison")
    stick = tmp_path / "stick"
    stick.mkdir()
    target = stick / "to-university.ltbundle"
    before = _state(site, UNIVERSITY)

    run = _run(site, "export", target, partner=UNIVERSITY, stop_at=step)
    assert run.at_work_when_killed, run
    if run.open_at_kill is not None:
        assert (
            _export_phase(run, stick, target)
            == {
                "writing": "writing",
                "putting in place": "neither",  # the hidden file complete and closed
                "reading back": "reading back",
                "counting as sent": "neither",
            }[step]
        )

    after = _state(site, UNIVERSITY)
    assert after.sound, after.problems
    assert after.counts == before.counts, _changed(before.counts, after.counts)
    if step in ("writing", "putting in place"):
        assert not target.exists()
        assert after.sent == before.sent, "no bundle was written, yet its number is used up"
        # What the kill left behind is the writer's hidden temporary file, nothing a
        # person would carry across as the bundle.
        leftovers = [path.name for path in stick.iterdir()]
        assert leftovers and all(n.startswith(".") and n.endswith(".partial") for n in leftovers), (
            leftovers
        )
    else:
        # In place: it is whole, and the next one in sequence, whether or not the
        # site got as far as counting it as sent.
        with sign_in(inspector.folder, inspector.username, inspector.password) as workspace:
            info = workspace.sync.inspect(target)
        assert info.header.sequence == before.sent + 1
        assert after.sent in (before.sent, before.sent + 1)

    # The site carries on: the next export is whole, and the university takes it in.
    result = site.export_to(inspector, stick / "again.ltbundle", snapshot=True)
    if step in ("writing", "putting in place"):
        # The number the killed export reserved is free again: its file never got
        # into place.
        assert result.sequence == before.sent + 1
    taken = inspector.take_in(result.info.path)
    assert not taken.summary.missing_links
    assert sum(taken.summary.added.values()) == sum(result.records.values())


def _export_phase(run: Run, stick: Path, target: Path) -> str:
    """What the killed export had open on the removable media."""
    assert run.open_at_kill is not None
    on_stick = {path for path in run.open_at_kill if path.parent == stick.resolve()}
    if target.resolve() in on_stick:
        return "reading back"
    if any(path.name.endswith(".partial") for path in on_stick):
        return "writing"
    return "neither"


def _changed(before: dict[str, int], after: dict[str, int]) -> dict[str, tuple[int, int]]:
    return {k: (before[k], after.get(k, 0)) for k in before if before[k] != after.get(k, 0)}
