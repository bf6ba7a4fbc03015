"""LT Desktop's exchange side by side with a pipeline of standard tools.

What a sysadmin would script to carry a store on a stick: dump the database, compress
it, encrypt it and sign it, and the reverse to take it in::

    export: sqlite3 DB .dump | zstd -3 | age -r KEY > B;  minisign -S -m B
    import: minisign -V -m B;  age -d B | zstd -d | sqlite3 NEW.db

against LT Desktop's own ``lt-desktop export`` and ``lt-desktop import``, each run as a
fresh process through the command line's ``main`` (``_pipeline_child.py``, which also
times signing in, so the figure can be given with sign-in set apart). Accounts sign in
with a real Argon2id slot tuned for this machine, as a user's would. The pipeline is
given a plain SQLite file of the same data (the store decrypted with
``sqlcipher_export``, outside any timing), and every run of it starts new processes.

Three cases: the demo store (its first bundle, everything, to a paired university);
a weekly bundle (one prison week after the two sites have exchanged everything: one
session's register for each of the demo's two cohorts and three stories); and the
hub-sized snapshot (``hub_store.py``, sent whole to a second installation of the hub).
Each case runs LT Desktop's export, the pipeline's export, LT Desktop's import and the
pipeline's import in turn, five times over (``--runs``), and the medians are compared.

Nothing is installed: where ``sqlite3``, ``zstd``, ``age``, ``age-keygen`` or
``minisign`` is missing the comparison is skipped with a message.

    .venv/bin/python benchmarks/run.py compare [--quick] [--runs N] [--no-hub] [--before SRC]

``--before SRC`` also runs each ``lt-desktop`` command from another checkout's ``src``
folder (the code before a change), in turn with the others, so that a busy stretch of
a shared machine falls on both sides of a before-and-after comparison.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any
from unittest import mock

import sqlcipher3
from sqlalchemy import select

from hub_store import FULL, QUICK, build_hub_store
from lt_desktop.core.sign_in import sign_in
from lt_desktop.core.workspace import Workspace
from lt_desktop.domain.errors import LtError
from lt_desktop.domain.vocabulary import AttendanceStatus, SessionKind, SiteKind
from lt_desktop.storage import kdf
from lt_desktop.storage import models as m
from lt_desktop.storage.store import LockedStore
from sync_bench import SECOND_HUB, UNIVERSITY, Login, _pair, _university

HERE = Path(__file__).resolve().parent
SOURCE = HERE.parent / "src"
RESULTS = HERE / "results"
CHILD = HERE / "_pipeline_child.py"
TOOLS = ("sqlite3", "zstd", "age", "age-keygen", "minisign")
DEMO_TODAY = "2026-11-23"
#: The targets of issue 23 (seconds end to end, and ratios to the pipeline).
WEEKLY_SECONDS = 1.5
WEEKLY_RATIO = 3.0
HUB_EXPORT_RATIO = 2.0
HUB_IMPORT_RATIO = 2.5


@dataclass(frozen=True)
class Keys:
    age_identity: Path
    age_recipient: str
    minisign_public: Path
    minisign_secret: Path


@dataclass(frozen=True)
class Case:
    """One comparison: who exports to whom, and the plain database of the sender."""

    name: str
    sender: Login
    partner: str
    snapshot: bool
    receiver: Login
    plain: Path


def main(argv: list[str] | None = None) -> int:
    args = _arguments(argv)
    missing = [tool for tool in TOOLS if shutil.which(tool) is None]
    if missing:
        print(
            f"compare: skipped, {', '.join(missing)} not found on PATH "
            "(the comparison installs nothing)."
        )
        return 0
    runs = args.runs or (2 if args.quick else 5)
    results: dict[str, Any] = {
        "format": 1,
        "mode": "quick" if args.quick else "full",
        "recorded_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "runs": runs,
        "machine": {"python": sys.version.split()[0], "cpus": os.cpu_count()},
        "tools": {tool: _version(tool) for tool in TOOLS},
        "cases": {},
    }
    with tempfile.TemporaryDirectory(prefix="lt-compare-", dir=args.workdir) as scratch:
        work = Path(scratch)
        keys = _keys(work / "keys")
        params = kdf.params_for_new_slots()
        results["kdf"] = {"memory_kib": params.memory_kib, "iterations": params.iterations}
        _progress("the demo store and its first bundle")
        demo, weekly = _demo_cases(work / "demo", params)
        cases = [demo, weekly]
        if not args.no_hub:
            _progress("the hub-sized store")
            cases.append(_hub_case(work / "hub", QUICK if args.quick else FULL, params))
        for case in cases:
            _progress(f"{case.name}: {runs} interleaved runs")
            results["cases"][case.name] = _compare(
                work / f"runs-{case.name}", case, keys, runs, args.before
            )
    _print_table(results)
    output = args.output or RESULTS / "compare-latest.json"
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    print(f"\nwritten to {output}")
    return 0


def _arguments(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--quick", action="store_true", help="a tenth of the hub, two runs")
    parser.add_argument("--runs", type=int, help="interleaved runs of each side (5)")
    parser.add_argument("--no-hub", action="store_true", help="leave out the hub snapshot")
    parser.add_argument("--output", type=Path, help="where to write the JSON figures")
    parser.add_argument("--workdir", type=Path, help="where to build the stores")
    parser.add_argument("--before", type=Path, help="another checkout's src, run in turn")
    args, _ = parser.parse_known_args(argv)
    return args


# -- the cases --------------------------------------------------------------------------


def _demo_cases(work: Path, params: kdf.KdfParams) -> tuple[Case, Case]:
    work.mkdir()
    prison = Login(work / "prison", "demo", "demo")
    subprocess.run(
        [sys.executable, "-m", "lt_desktop", "demo", "--data-dir", str(prison.folder)],
        check=True,
        capture_output=True,
        env={**_env(), "LT_DESKTOP_TEST_KDF": "cheap", "LT_DESKTOP_DEMO_TODAY": DEMO_TODAY},
    )
    university = _university(work / "university")
    _pair(prison, university)
    for login in (prison, university):
        _real_slot(login, params)
    _decrypt(prison, work / "prison.db")
    demo = Case("demo", prison, UNIVERSITY, False, university, work / "prison.db")

    # A week later: everything has been exchanged both ways, then one week is recorded.
    week_prison = _copy(prison, work / "week-prison")
    week_university = _copy(university, work / "week-university")
    with sign_in(week_prison.folder, week_prison.username, week_prison.password) as workspace:
        workspace.sync.export(workspace.sync.partner_id(UNIVERSITY), work / "first.ltbundle")
    with sign_in(
        week_university.folder, week_university.username, week_university.password
    ) as workspace:
        workspace.sync.import_bundle(work / "first.ltbundle")
        prison_name = workspace.sync.partners()[0].name
        workspace.sync.export(workspace.sync.partner_id(prison_name), work / "reply.ltbundle")
    with sign_in(week_prison.folder, week_prison.username, week_prison.password) as workspace:
        workspace.sync.import_bundle(work / "reply.ltbundle")
        _record_a_week(workspace)
    _decrypt(week_prison, work / "week-prison.db")
    weekly = Case(
        "weekly", week_prison, UNIVERSITY, False, week_university, work / "week-prison.db"
    )
    return demo, weekly


def _record_a_week(workspace: Workspace) -> None:
    """One session's register for each of the two cohorts, and three stories."""
    today = date.fromisoformat(DEMO_TODAY)
    with workspace.store.read() as session:
        chosen = []
        for cohort_id in session.scalars(select(m.Cohort.id).order_by(m.Cohort.starts_on)):
            held = session.scalars(
                select(m.ClassSession.id)
                .where(
                    m.ClassSession.cohort_id == cohort_id,
                    m.ClassSession.held_on <= today,
                    m.ClassSession.kind.not_in([SessionKind.INDUCTION, SessionKind.GRADUATION]),
                )
                .order_by(m.ClassSession.held_on.desc())
            ).first()
            if held is not None:
                chosen.append(held)
    from lt_desktop.core.services.register import Mark

    for session_id in chosen:
        register = workspace.register.register(session_id)
        workspace.register.set_marks(
            session_id,
            {
                line.person_id: Mark(
                    AttendanceStatus.LATE
                    if line.mark is not None and line.mark.status is AttendanceStatus.PRESENT
                    else AttendanceStatus.PRESENT
                )
                for line in register.lines
            },
        )
    saved = 0
    week = workspace.stories.week(chosen[-1])
    for line in week.lines:
        if saved == 3 or line.consent_problem is not None:
            continue
        try:
            workspace.stories.save(
                week.session_id,
                line.person_id,
                text="This week we argued about what makes a place a home, and I "
                "said more than I meant to, and was glad I did.",
                answers={},
            )
        except LtError:
            continue
        saved += 1


def _hub_case(work: Path, size: Any, params: kdf.KdfParams) -> Case:
    work.mkdir()
    built = build_hub_store(work / "hub", size, site_kind=SiteKind.UNIVERSITY)
    hub = Login(built.folder, built.username, built.password)
    second = _university(work / "second", name=SECOND_HUB)
    _pair(hub, second)
    for login in (hub, second):
        _real_slot(login, params)
    _decrypt(hub, work / "hub.db")
    return Case("hub", hub, SECOND_HUB, True, second, work / "hub.db")


# -- one comparison --------------------------------------------------------------------------


def _compare(
    work: Path, case: Case, keys: Keys, runs: int, before: Path | None = None
) -> dict[str, Any]:
    work.mkdir()
    bundle = work / "lt-0.ltbundle"
    lt_export: list[dict[str, float]] = []
    lt_import: list[dict[str, float]] = []
    was_export: list[dict[str, float]] = []
    was_import: list[dict[str, float]] = []
    tools_export: list[float] = []
    tools_import: list[float] = []
    flags = ["--snapshot"] if case.snapshot else []

    def export(out: Path, source: Path = SOURCE) -> dict[str, float]:
        command = ["export", "--to", case.partner, "--out", str(out), *flags]
        return _lt(work, case.sender, command, source)

    for n in range(runs):
        out = work / f"lt-{n}.ltbundle"
        lt_export.append(export(out))
        if n:
            out.unlink()
        if before is not None:
            was_export.append(export(work / "before.ltbundle", before))
            (work / "before.ltbundle").unlink()
        tools_export.append(_tools_export(case.plain, work / "dump.age", keys))
        lt_import.append(_lt(work, case.receiver, ["import", str(bundle)]))
        if before is not None:
            was_import.append(_lt(work, case.receiver, ["import", str(bundle)], before))
        tools_import.append(_tools_import(work / "dump.age", work / "new.db", keys))
    figures: dict[str, Any] = {
        "bundle_bytes": bundle.stat().st_size,
        "pipeline_bytes": (work / "dump.age").stat().st_size,
        "plain_db_bytes": case.plain.stat().st_size,
        "export": _side(lt_export, tools_export),
        "import": _side(lt_import, tools_import),
    }
    if before is not None:
        figures["export"]["before"] = _side(was_export, tools_export)
        figures["import"]["before"] = _side(was_import, tools_import)
    return figures


def _side(lt: list[dict[str, float]], tools: list[float]) -> dict[str, Any]:
    def median(key: str) -> float:
        return statistics.median(run[key] for run in lt)

    wall = median("wall")
    set_apart = statistics.median(run["wall"] - run.get("sign_in", 0.0) for run in lt)
    pipeline = statistics.median(tools)
    return {
        "lt_desktop": wall,
        "lt_desktop_runs": [run["wall"] for run in lt],
        "sign_in": median("sign_in"),
        "before_sign_in": median("before_sign_in"),
        "after_sign_in": median("after_sign_in"),
        "lt_desktop_sign_in_apart": set_apart,
        "pipeline": pipeline,
        "pipeline_runs": tools,
        "ratio": wall / pipeline,
        "ratio_sign_in_apart": set_apart / pipeline,
    }


def _lt(work: Path, login: Login, command: list[str], source: Path = SOURCE) -> dict[str, float]:
    """One ``lt-desktop`` command on a fresh copy of ``login``'s store (copied outside
    the timing), in a fresh process, running the code in ``source``."""
    copy = _copy(login, work / f"store-{uuid.uuid4().hex[:8]}")
    times = work / "times.json"
    try:
        argv = [
            sys.executable,
            str(CHILD),
            command[0],
            "--data-dir",
            str(copy.folder),
            "--user",
            login.username,
            "--password-stdin",
            *command[1:],
        ]
        started = time.perf_counter()
        completed = subprocess.run(
            argv,
            input=login.password + "\n",
            capture_output=True,
            text=True,
            env={**_env(source), "LT_BENCH_TIMES": str(times)},
        )
        wall = time.perf_counter() - started
        if completed.returncode != 0:
            raise SystemExit(f"lt-desktop {command[0]} failed:\n{completed.stderr}")
        spent: dict[str, float] = json.loads(times.read_text(encoding="utf-8"))
    finally:
        shutil.rmtree(copy.folder, ignore_errors=True)
    return {"wall": wall, **spent}


def _tools_export(plain: Path, out: Path, keys: Keys) -> float:
    for leftover in (out, out.with_name(out.name + ".minisig")):
        leftover.unlink(missing_ok=True)
    return _shell(
        'sqlite3 "$DB" .dump | zstd -3 -q -c | age -r "$RECIPIENT" -o "$OUT" '
        '&& minisign -S -s "$SECRET" -m "$OUT" -x "$OUT.minisig" >/dev/null',
        DB=str(plain),
        OUT=str(out),
        RECIPIENT=keys.age_recipient,
        SECRET=str(keys.minisign_secret),
    )


def _tools_import(bundle: Path, new: Path, keys: Keys) -> float:
    new.unlink(missing_ok=True)
    return _shell(
        'minisign -V -q -p "$PUBLIC" -m "$IN" -x "$IN.minisig" '
        '&& age -d -i "$IDENTITY" "$IN" | zstd -d -q -c | sqlite3 "$NEW"',
        IN=str(bundle),
        NEW=str(new),
        PUBLIC=str(keys.minisign_public),
        IDENTITY=str(keys.age_identity),
    )


def _shell(script: str, **values: str) -> float:
    started = time.perf_counter()
    completed = subprocess.run(
        ["bash", "-c", "set -eo pipefail; " + script],
        env={**os.environ, **values},
        capture_output=True,
        text=True,
    )
    seconds = time.perf_counter() - started
    if completed.returncode != 0:
        raise SystemExit(f"the pipeline failed:\n{completed.stderr}")
    return seconds


# -- helpers --------------------------------------------------------------------------


def _keys(folder: Path) -> Keys:
    folder.mkdir()
    identity = folder / "age.key"
    subprocess.run(["age-keygen", "-o", str(identity)], check=True, capture_output=True)
    recipient = next(
        line.split(":", 1)[1].strip()
        for line in identity.read_text(encoding="utf-8").splitlines()
        if line.startswith("# public key:")
    )
    public, secret = folder / "minisign.pub", folder / "minisign.key"
    subprocess.run(
        ["minisign", "-G", "-W", "-p", str(public), "-s", str(secret)],
        check=True,
        capture_output=True,
    )
    return Keys(identity, recipient, public, secret)


def _env(source: Path = SOURCE) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k != "LT_DESKTOP_TEST_KDF"}
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(source), env.get("PYTHONPATH")]))
    return env


def _copy(login: Login, folder: Path) -> Login:
    shutil.copytree(login.folder, folder, ignore=shutil.ignore_patterns("store.lock"))
    return Login(folder, login.username, login.password)


def _real_slot(login: Login, params: kdf.KdfParams) -> None:
    """The account signs in through a slot made with this machine's real settings."""
    store, user_id = LockedStore(login.folder).unlock(login.username, login.password)
    try:
        with mock.patch("lt_desktop.storage.store.params_for_new_slots", return_value=params):
            store.set_password(user_id, login.username, login.password)
    finally:
        store.close()


def _decrypt(login: Login, target: Path) -> None:
    """A plain SQLite copy of the store, for the pipeline (``sqlcipher_export``)."""
    store, _ = LockedStore(login.folder).unlock(login.username, login.password)
    try:
        store.checkpoint()
        key = store._data_key.hex()
        database = store.folder.database
    finally:
        store.close()
    connection = sqlcipher3.connect(str(database), isolation_level=None)
    try:
        connection.execute(f"PRAGMA key = \"x'{key}'\"")
        connection.execute("SELECT count(*) FROM sqlite_master").fetchone()
        connection.execute("ATTACH DATABASE ? AS plain KEY ''", (str(target),))
        connection.execute("SELECT sqlcipher_export('plain')").fetchone()
        connection.execute("DETACH DATABASE plain")
    finally:
        connection.close()


def _version(tool: str) -> str:
    flag = "-v" if tool == "minisign" else "--version"
    try:
        completed = subprocess.run([tool, flag], capture_output=True, text=True, timeout=10)
    except (OSError, subprocess.TimeoutExpired):
        return "?"
    return (completed.stdout or completed.stderr).strip().splitlines()[0] if completed else "?"


_STARTED = time.perf_counter()


def _progress(message: str) -> None:
    print(f"[{time.perf_counter() - _STARTED:7.1f}s] {message}", file=sys.stderr, flush=True)


# -- the table --------------------------------------------------------------------------

_TITLES = {
    "demo": "demo store",
    "weekly": "weekly bundle",
    "hub": "hub-sized snapshot",
}


def _target(case: str, action: str) -> str:
    if case == "weekly":
        return f"< {WEEKLY_SECONDS:g} s; < {WEEKLY_RATIO:g}x apart"
    if case == "hub":
        return f"<= {HUB_EXPORT_RATIO if action == 'export' else HUB_IMPORT_RATIO:g}x"
    return ""


def _print_table(results: dict[str, Any]) -> None:
    print(f"\nMedians of {results['runs']} interleaved runs, each a fresh process.\n")
    before = any("before" in f["export"] for f in results["cases"].values())
    header = [
        "",
        *(["before", "before, sign-in apart"] if before else []),
        "LT Desktop",
        "of which sign-in",
        "sign-in set apart",
        "standard tools",
        "ratio",
        "ratio, sign-in apart",
        "target",
    ]
    rows = [header, ["---", *["---:"] * (len(header) - 2), "---"]]
    for case, figures in results["cases"].items():
        for action in ("export", "import"):
            side = figures[action]
            rows.append(
                [
                    f"{_TITLES.get(case, case)}, {action}",
                    *(
                        [
                            f"{side['before']['lt_desktop']:.2f} s",
                            f"{side['before']['lt_desktop_sign_in_apart']:.2f} s",
                        ]
                        if before
                        else []
                    ),
                    f"{side['lt_desktop']:.2f} s",
                    f"{side['sign_in']:.2f} s",
                    f"{side['lt_desktop_sign_in_apart']:.2f} s",
                    f"{side['pipeline']:.2f} s",
                    f"{side['ratio']:.1f}x",
                    f"{side['ratio_sign_in_apart']:.1f}x",
                    _target(case, action),
                ]
            )
    for row in rows:
        print("| " + " | ".join(row) + " |")


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
