"""Storage benchmarks: unlocking a store, and building a hub-sized store with and without
encryption. Not part of the test suite: figures depend on the machine and its load.

    .venv/bin/python benchmarks/run.py storage             # full sizes: a minute or two
    .venv/bin/python benchmarks/run.py storage --quick     # a tenth of the sizes
    .venv/bin/python benchmarks/run.py storage --baseline  # also kept as the baseline

Prints a table and writes the figures to ``benchmarks/results/storage-latest.json``; a
full run also shows the change from ``results/storage-baseline.json`` when there is one.
Key derivation uses the parameters tuned on this machine (``LT_DESKTOP_TEST_KDF`` is
ignored here); stores built only to be filled use cheap ones, since filling is what is
timed there.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import platform
import secrets
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from dataclasses import asdict, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from unittest import mock

import sqlalchemy
import sqlcipher3
from sqlalchemy import Engine, event

from hub_store import (
    DEFAULT_SEED,
    FULL,
    QUICK,
    BuiltPlainStore,
    BuiltStore,
    HubSize,
    build_hub_store,
    build_plain_hub_store,
    count_rows,
    plain_sqlite_engine,
)
from lt_desktop import __version__
from lt_desktop.core.stores import create_store
from lt_desktop.domain.vocabulary import SiteKind
from lt_desktop.storage.kdf import (
    CHEAP_TEST_PARAMS,
    TEST_KDF_SETTING,
    KdfParams,
    params_for_new_slots,
    tune,
)
from lt_desktop.storage.keyslots import password_bytes
from lt_desktop.storage.store import LockedStore

RESULTS = Path(__file__).resolve().parent / "results"
TARGET_RATIO = 1.5
PASSWORD = "correct horse battery staple"
# A few hundred rows, so the first timed build does not also pay for warming up
# SQLAlchemy's statement caches and the ORM's mappers.
WARM_UP = HubSize(
    partnerships=1,
    cohorts=2,
    people=100,
    attendance_marks=500,
    essays=10,
    stories=100,
)


def main(argv: list[str] | None = None) -> int:
    args = _arguments(argv)
    test_setting = os.environ.pop(TEST_KDF_SETTING, None)
    if test_setting is not None:
        print(f"note: {TEST_KDF_SETTING}={test_setting} ignored; measuring real key derivation")
    size = QUICK if args.quick else FULL
    runs = args.runs or (3 if args.quick else 7)
    results: dict[str, Any] = {
        "format": 1,
        "mode": "quick" if args.quick else "full",
        "recorded_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "seed": args.seed,
        "machine": _machine(),
    }
    with tempfile.TemporaryDirectory(prefix="lt-benchmarks-", dir=args.workdir) as scratch:
        work = Path(scratch)
        _progress("tuning Argon2id and timing one derivation")
        results["kdf"], params = _key_derivation(runs)
        _progress("unlocking a small store")
        small = _small_store(work / "small", params)
        results["unlock"] = {"small_store": _unlock(small, PASSWORD, runs)}
        build_plain_hub_store(work / "warm-up.db", WARM_UP, seed=args.seed)
        results["build"], hub = _builds(work, size, args.seed)
        _progress("unlocking the hub store")
        hub_counts = _give_real_slot(hub.folder, hub.username, hub.password, params)
        results["unlock"]["hub_store"] = _unlock(hub.folder, hub.password, runs, hub.username)
        results["hub"] = {
            "size": asdict(size),
            "site_kind": SiteKind.PRISON.value,
            "today": hub.summary.today.isoformat(),
            "rows": dict(sorted(hub.summary.rows.items())),
            "total_rows": hub.summary.total_rows,
            "rows_read_back_match": hub_counts == dict(sorted(hub.summary.rows.items())),
        }
    results["machine"]["load_average_after"] = _load_average()
    baseline = _baseline(results)
    _print_table(results, baseline)
    output = args.output or RESULTS / "storage-latest.json"
    _write_json(output, results)
    if args.baseline:
        _write_json(RESULTS / "storage-baseline.json", results)
    print(
        f"\nwritten to {output}" + (" and results/storage-baseline.json" if args.baseline else "")
    )
    return 0


def _arguments(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--quick", action="store_true", help="a tenth of the sizes")
    parser.add_argument("--baseline", action="store_true", help="also write results/baseline.json")
    parser.add_argument("--runs", type=int, help="repetitions of each unlock timing")
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED)
    parser.add_argument("--output", type=Path, help="where to write the JSON figures")
    parser.add_argument("--workdir", type=Path, help="where to build the stores (a disk to test)")
    args = parser.parse_args(argv)
    if args.baseline and args.quick:
        parser.error("a baseline comes from a full run")
    return args


# -- key derivation and unlocking -------------------------------------------------------


def _key_derivation(runs: int) -> tuple[dict[str, Any], KdfParams]:
    """Tune as the app does, then time derivations with the typical choice.

    Each new slot (a new store, account or password) is tuned once, in whichever
    process makes it, from two single timings; one tuning can be far off when the
    machine is busy, so figures use the median of several tunings and the app's
    own choice this time is reported beside it.
    """
    started = time.perf_counter()
    chosen = params_for_new_slots()
    first_tune_seconds = time.perf_counter() - started
    if chosen == CHEAP_TEST_PARAMS:
        raise SystemExit("refusing to measure the cheap test parameters")
    tunings = [chosen.iterations] + [tune().iterations for _ in range(max(runs, 3) - 1)]
    params = replace(chosen, iterations=statistics.median_low(tunings))
    secret = password_bytes(PASSWORD)
    times = [_timed(lambda: params.derive(secret, secrets.token_bytes(16))) for _ in range(runs)]
    return {
        "algorithm": "argon2id",
        "memory_kib": params.memory_kib,
        "iterations": params.iterations,
        "lanes": params.lanes,
        "iterations_tuned": tunings,
        "iterations_chosen_by_params_for_new_slots": chosen.iterations,
        "first_tune_seconds": first_tune_seconds,
        "derive_seconds": _spread(times),
        "seconds_per_iteration": statistics.median(times) / params.iterations,
    }, params


def _small_store(folder: Path, params: KdfParams) -> Path:
    created = create_store(
        folder,
        site_name="HMP Northfield",
        site_kind=SiteKind.PRISON,
        admin_username="admin",
        admin_display_name="Administrator",
        admin_password=PASSWORD,
        kdf=params,
    )
    created.store.close()
    return folder


def _give_real_slot(
    folder: Path, username: str, password: str, params: KdfParams
) -> dict[str, int]:
    """Replace the cheap slot the build used by one made with the measured parameters."""
    door = LockedStore(folder)
    store, user_id = door.unlock(username, password)
    try:
        counts = count_rows(store.engine)
        with mock.patch("lt_desktop.storage.store.params_for_new_slots", return_value=params):
            store.set_password(user_id, username, password)
    finally:
        store.close()
    return counts


def _unlock(folder: Path, password: str, runs: int, username: str = "admin") -> dict[str, Any]:
    """Open the held folder, then unlock: the work between a password and a usable store."""
    totals, kdf, door = [], [], []
    slot_params: dict[str, Any] = {}
    for _ in range(runs):
        with _kdf_timer() as derivations:
            started = time.perf_counter()
            locked = LockedStore(folder)
            held = time.perf_counter()
            store, _ = locked.unlock(username, password)
            finished = time.perf_counter()
        slot = locked.key_file.slot_for_user(username)
        slot_params = slot.kdf.to_json() if slot else {}
        store.close()
        totals.append(finished - started)
        door.append(held - started)
        kdf.append(sum(derivations))
    return {
        "total_seconds": _spread(totals),
        "kdf_seconds": _spread(kdf),
        "without_kdf_seconds": _spread([t - k for t, k in zip(totals, kdf, strict=True)]),
        "folder_and_key_file_seconds": _spread(door),
        "slot_kdf": slot_params,
    }


@contextlib.contextmanager
def _kdf_timer() -> Iterator[list[float]]:
    """Time every Argon2id derivation made inside the block."""
    spent: list[float] = []
    derive = KdfParams.derive

    def timed(params: KdfParams, secret: bytes, salt: bytes) -> bytes:
        started = time.perf_counter()
        try:
            return derive(params, secret, salt)
        finally:
            spent.append(time.perf_counter() - started)

    with mock.patch.object(KdfParams, "derive", timed):
        yield spent


# -- building the hub store -----------------------------------------------------------------


def _builds(work: Path, size: HubSize, seed: int) -> tuple[dict[str, Any], BuiltStore]:
    figures: dict[str, Any] = {}
    _progress(f"building the hub store on plain SQLite (sqlite3 {_sqlite3_version()})")
    with _database_timer() as in_database:
        plain = build_plain_hub_store(work / "plain" / "store.db", size, seed=seed)
    figures["sqlite"] = _build_figures(plain, plain.db_path.parent, in_database[0])
    _check_counts(plain, None)
    _progress(f"building it again with sqlcipher3's SQLite {sqlcipher3.sqlite_version}, no key")
    with _database_timer() as in_database:
        unkeyed = build_plain_hub_store(
            work / "unkeyed" / "store.db", size, seed=seed, module=sqlcipher3
        )
    figures["no_key"] = _build_figures(unkeyed, unkeyed.db_path.parent, in_database[0])
    _check_counts(unkeyed, sqlcipher3)
    _progress("building it as an encrypted store (SQLCipher)")
    with _database_timer() as in_database:
        hub = build_hub_store(work / "hub", size, seed=seed)
    figures["sqlcipher"] = _build_figures(hub, hub.folder, in_database[0])
    figures["ratio"] = {
        f"sqlcipher_vs_{name}": {
            key: figures["sqlcipher"][key] / figures[name][key]
            for key in ("fill_seconds", "build_seconds", "database_bytes")
        }
        for name in ("sqlite", "no_key")
    }
    figures["target_ratio"] = TARGET_RATIO
    figures["within_target"] = figures["ratio"]["sqlcipher_vs_sqlite"]["fill_seconds"] <= (
        TARGET_RATIO
    )
    return figures, hub


def _build_figures(
    built: BuiltStore | BuiltPlainStore, folder: Path, database_seconds: float
) -> dict[str, Any]:
    summary = built.summary
    database_files = [p for p in folder.iterdir() if p.name.startswith("store.db")]
    return {
        "create_seconds": built.create_seconds,
        "fill_seconds": summary.fill_seconds,
        "close_seconds": built.close_seconds,
        "build_seconds": built.build_seconds,
        "in_database_driver_seconds": database_seconds,
        "rows_per_second": summary.total_rows / summary.fill_seconds,
        "phase_seconds": summary.phase_seconds,
        "plan_seconds": summary.plan_seconds,
        "database_bytes": sum(p.stat().st_size for p in database_files),
        "folder_bytes": sum(p.stat().st_size for p in folder.iterdir() if p.is_file()),
    }


def _check_counts(built: BuiltPlainStore, module: Any) -> None:
    engine = plain_sqlite_engine(built.db_path, module=module)
    try:
        if count_rows(engine) != dict(sorted(built.summary.rows.items())):
            raise SystemExit(f"{built.db_path} does not hold the rows that were written")
    finally:
        engine.dispose()


@contextlib.contextmanager
def _database_timer() -> Iterator[list[float]]:
    """Time spent inside the database driver's execute calls, for every engine."""
    spent = [0.0]
    started: list[float] = []

    def before(*_: Any) -> None:
        started.append(time.perf_counter())

    def after(*_: Any) -> None:
        spent[0] += time.perf_counter() - started.pop()

    event.listen(Engine, "before_cursor_execute", before)
    event.listen(Engine, "after_cursor_execute", after)
    try:
        yield spent
    finally:
        event.remove(Engine, "before_cursor_execute", before)
        event.remove(Engine, "after_cursor_execute", after)


# -- reporting ------------------------------------------------------------------------------


def _machine() -> dict[str, Any]:
    connection = sqlcipher3.connect(":memory:")
    try:
        cipher_version = connection.execute("PRAGMA cipher_version").fetchone()[0]
    finally:
        connection.close()
    return {
        "cpu_count": os.cpu_count(),
        "usable_cpus": len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else None,
        "platform": platform.platform(),
        "machine": platform.machine(),
        "python": platform.python_version(),
        "lt_desktop": __version__,
        "sqlalchemy": sqlalchemy.__version__,
        "sqlcipher_version": cipher_version,
        "sqlite_in_sqlcipher_build": sqlcipher3.sqlite_version,
        "sqlite_in_python": _sqlite3_version(),
        "load_average_before": _load_average(),
    }


def _sqlite3_version() -> str:
    import sqlite3

    return sqlite3.sqlite_version


def _load_average() -> list[float] | None:
    with contextlib.suppress(OSError, AttributeError):
        return [round(x, 2) for x in os.getloadavg()]
    return None


def _baseline(results: dict[str, Any]) -> dict[str, Any] | None:
    path = RESULTS / "storage-baseline.json"
    if results["mode"] != "full" or not path.exists():
        return None
    with contextlib.suppress(OSError, ValueError):
        baseline = json.loads(path.read_text())
        if isinstance(baseline, dict) and baseline.get("mode") == "full":
            return baseline
    return None


def _print_table(results: dict[str, Any], baseline: dict[str, Any] | None) -> None:
    machine, kdf, unlock, build = (
        results["machine"],
        results["kdf"],
        results["unlock"],
        results["build"],
    )
    hub = results["hub"]

    def was(*keys: str) -> str:
        value: Any = baseline
        for key in keys:
            value = value.get(key) if isinstance(value, dict) else None
        return "" if not isinstance(value, int | float) else _seconds(value)

    compare = baseline is not None
    print()
    print(
        f"LT Desktop storage benchmarks, {results['mode']} sizes: {machine['cpu_count']} CPUs, "
        f"Python {machine['python']}, SQLCipher {machine['sqlcipher_version']} "
        f"(SQLite {machine['sqlite_in_sqlcipher_build']}), load {machine['load_average_before']}"
    )
    print(
        f"\nArgon2id as tuned here: {kdf['memory_kib'] // 1024} MiB, "
        f"{kdf['iterations']} iterations, {kdf['lanes']} lanes "
        f"({kdf['seconds_per_iteration'] * 1000:.1f} ms an iteration); iterations chosen by "
        f"{len(kdf['iterations_tuned'])} tunings: {', '.join(map(str, kdf['iterations_tuned']))}"
    )
    app_choice = kdf["iterations_chosen_by_params_for_new_slots"]
    if abs(app_choice - kdf["iterations"]) > 0.25 * kdf["iterations"]:
        print(
            f"  note: a slot made now would get {app_choice} iterations, about "
            f"{_seconds(app_choice * kdf['seconds_per_iteration'])} a derivation"
        )
    rows: list[list[str]] = [
        ["", "median", "min", "max"] + (["baseline"] if compare else []),
        _row("tuning (first slot of a process)", {"median": kdf["first_tune_seconds"]})
        + ([was("kdf", "first_tune_seconds")] if compare else []),
        _row("one key derivation", kdf["derive_seconds"])
        + ([was("kdf", "derive_seconds", "median")] if compare else []),
    ]
    for name, label in (("small_store", "small store"), ("hub_store", "hub store")):
        figures = unlock[name]
        for key, what in (
            ("total_seconds", "unlock"),
            ("kdf_seconds", "  of which key derivation"),
            ("without_kdf_seconds", "  of which everything else"),
        ):
            rows.append(
                _row(f"{label}: {what}", figures[key])
                + ([was("unlock", name, key, "median")] if compare else [])
            )
    _print_rows(rows)

    print(f"\nHub store: {hub['total_rows']:,} rows written, 'today' is {hub['today']}")
    header = ["", "create", "fill", "close", "total", "in driver", "rows/s", "size"]
    rows = [header + (["base total"] if compare else [])]
    for name, label in (
        ("sqlcipher", "SQLCipher (encrypted store)"),
        ("sqlite", f"plain SQLite {machine['sqlite_in_python']}"),
        ("no_key", f"SQLite {machine['sqlite_in_sqlcipher_build']}, no key"),
    ):
        figures = build[name]
        rows.append(
            [
                label,
                _seconds(figures["create_seconds"]),
                _seconds(figures["fill_seconds"]),
                _seconds(figures["close_seconds"]),
                _seconds(figures["build_seconds"]),
                _seconds(figures["in_database_driver_seconds"]),
                f"{figures['rows_per_second']:,.0f}",
                f"{figures['database_bytes'] / 2**20:.1f} MiB",
            ]
            + ([was("build", name, "build_seconds")] if compare else [])
        )
    _print_rows(rows)
    print("\nfill time by part (seconds):")
    parts = list(build["sqlcipher"]["phase_seconds"])
    rows = [["", *parts]]
    for name in ("sqlcipher", "sqlite", "no_key"):
        rows.append([name, *(f"{build[name]['phase_seconds'][p]:.2f}" for p in parts)])
    _print_rows(rows)
    for name, label in (
        ("sqlcipher_vs_sqlite", "plain SQLite"),
        ("sqlcipher_vs_no_key", "the same SQLite with no key"),
    ):
        ratio = build["ratio"][name]
        print(
            f"SQLCipher / {label}: fill {ratio['fill_seconds']:.2f}x, "
            f"build {ratio['build_seconds']:.2f}x, size {ratio['database_bytes']:.3f}x"
        )
    verdict = "within" if build["within_target"] else "OVER"
    print(f"target: SQLCipher fill at most {TARGET_RATIO}x plain SQLite: {verdict}")


def _row(label: str, spread: dict[str, float]) -> list[str]:
    return [label] + [_seconds(spread[k]) if k in spread else "" for k in ("median", "min", "max")]


def _print_rows(rows: list[list[str]]) -> None:
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    for row in rows:
        cells = [row[0].ljust(widths[0])]
        cells += [cell.rjust(width) for cell, width in zip(row[1:], widths[1:], strict=True)]
        print("  " + "  ".join(cells).rstrip())


def _seconds(value: float) -> str:
    return f"{value * 1000:.1f} ms" if value < 1 else f"{value:.2f} s"


def _spread(values: list[float]) -> dict[str, Any]:
    return {
        "median": statistics.median(values),
        "min": min(values),
        "max": max(values),
        "runs": values,
    }


def _timed(action: Callable[[], object]) -> float:
    started = time.perf_counter()
    action()
    return time.perf_counter() - started


_STARTED = time.perf_counter()


def _progress(message: str) -> None:
    print(f"{time.perf_counter() - _STARTED:6.1f} s  {message}", file=sys.stderr, flush=True)


def _write_json(path: Path, results: dict[str, Any]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(path.name + ".tmp")
    temporary.write_text(json.dumps(results, indent=2, default=str) + "\n")
    os.replace(temporary, path)


if __name__ == "__main__":
    raise SystemExit(main())
