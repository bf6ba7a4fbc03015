"""Re-keying the hub-sized store: a new data key, the whole database exported under it,
checked, every slot made again, and swapped in.

The store has an administrator and eleven other accounts (one of them disabled), as a
hub's education department might. Slots are made with this machine's real Argon2id
settings, as in use: that part grows with the number of accounts, the rest with the
size of the database. Each run re-keys the same store again.

    .venv/bin/python benchmarks/run.py rekey [--quick] [--runs N]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from hub_store import FULL, QUICK, build_hub_store
from lt_desktop.domain.roles import Role
from lt_desktop.storage import kdf, rekey

RESULTS = Path(__file__).resolve().parent / "results"
OTHER_ACCOUNTS = 11
#: The steps timed on their own, by the function in ``rekey`` that does each.
STEPS = {
    "_export_database": "export under the new key",
    "_record_in_new_database": "audit entry and key binding",
    "_check_new_database": "check the new database",
    "_new_key_file": "new key slots (real key derivation)",
    "_swap": "swap in and reopen",
}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Re-keying the hub-sized store")
    parser.add_argument("--quick", action="store_true", help="a tenth of the hub store")
    parser.add_argument("--runs", type=int, default=3)
    args, _ = parser.parse_known_args(argv)
    size = QUICK if args.quick else FULL
    results: dict[str, Any] = {
        "format": 1,
        "mode": "quick" if args.quick else "full",
        "recorded_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "cpus": os.cpu_count(),
    }
    os.environ[kdf.TEST_KDF_SETTING] = "cheap"  # building is not what is measured
    with tempfile.TemporaryDirectory(prefix="lt-rekey-bench-") as scratch:
        folder = Path(scratch) / "hub"
        _progress(f"building the hub store ({size.people:,} people, {size.cohorts} cohorts)")
        built = build_hub_store(folder, size)
        with built.signed_in() as workspace:
            store = workspace.store
            for number in range(1, OTHER_ACCOUNTS + 1):
                workspace.accounts.add_account(
                    f"staff{number:02d}",
                    display_name=f"Staff member {number}",
                    role=Role.EDUCATION_STAFF if number % 3 else Role.FACILITATOR,
                    password=f"a password for staff {number}",
                )
            workspace.accounts.disable_account("staff01")
            store.checkpoint()
            results["database_bytes"] = store.folder.database.stat().st_size
            os.environ.pop(kdf.TEST_KDF_SETTING)
            _progress("tuning key derivation for this machine")
            kdf.params_for_new_slots()
            runs: list[dict[str, float]] = []
            for run in range(args.runs):
                _progress(f"re-keying, run {run + 1} of {args.runs}")
                with _step_timer() as steps:
                    started = time.perf_counter()
                    done = workspace.accounts.rekey_store(built.password)
                    steps["total"] = time.perf_counter() - started
                assert len(done.one_time_passwords) == OTHER_ACCOUNTS - 1
                runs.append(steps)
    results["accounts"] = {"with_slots": OTHER_ACCOUNTS, "disabled": 1}
    results["rekey"] = {
        name: statistics.median(timings[name] for timings in runs)
        for name in ["total", *STEPS]
        if name in runs[0]
    }
    results["rekey_runs"] = runs
    _print_table(results)
    RESULTS.mkdir(exist_ok=True)
    output = RESULTS / "rekey-latest.json"
    output.write_text(json.dumps(results, indent=2) + "\n")
    print(f"\nwrote {output}")
    return 0


@contextmanager
def _step_timer() -> Iterator[dict[str, float]]:
    timings: dict[str, float] = {}
    originals = {name: getattr(rekey, name) for name in STEPS}

    def timed(name: str, function: Callable[..., Any]) -> Callable[..., Any]:
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            started = time.perf_counter()
            try:
                return function(*args, **kwargs)
            finally:
                timings[name] = timings.get(name, 0.0) + time.perf_counter() - started

        return wrapper

    for name, function in originals.items():
        setattr(rekey, name, timed(name, function))
    try:
        yield timings
    finally:
        for name, function in originals.items():
            setattr(rekey, name, function)


def _print_table(results: dict[str, Any]) -> None:
    megabytes = results["database_bytes"] / (1024 * 1024)
    print(f"\nRe-keying a {megabytes:,.0f} MiB store ({results['mode']}), median of runs:")
    figures = results["rekey"]
    print(f"  {'whole re-key':<40} {figures['total']:8.2f} s")
    for name, label in STEPS.items():
        if name in figures:
            print(f"  {label:<40} {figures[name]:8.2f} s")


def _progress(message: str) -> None:
    print(f"... {message}", file=sys.stderr, flush=True)


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    raise SystemExit(main(sys.argv[1:]))
