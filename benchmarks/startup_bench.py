"""Start-up benchmarks: what a person waits for before LT Desktop does anything.

- ``lt-desktop --version``: a fresh process, from launch to exit;
- a signed-in command (``lt-desktop user list`` on the demo store, with a real Argon2id
  slot): the time from launch to the start of the key derivation; the derivation alone (in
  this process, nothing beside it) and in the command (where imports run beside it on
  another core, and can slow it); and the command's fixed cost: the whole command less the
  derivation alone (and, for comparison, less its own derivation);
- cold start of the app: a fresh process, from launch to the sign-in window on screen;
  then, in the same process, its first sign-in, two seconds later (a person typing): from
  pressing Sign in to the first screen shown (the derivation included).

Each figure is the median of fresh processes, run after one warm-up run so that Python's
bytecode is cached (as it is for an installed app). ``--against SRC`` also times another
checkout's ``src`` folder on the same store, each of its runs interleaved with one of this
code's, so the two are compared on the same (shared, noisy) machine at the same moments.

    .venv/bin/python benchmarks/run.py startup [--runs N] [--against /path/to/old/src]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from unittest import mock

HERE = Path(__file__).resolve().parent
SOURCE = HERE.parent / "src"
RESULTS = HERE / "results"
USER, PASSWORD = "demo", "demo"
#: How long after the sign-in window is shown Sign in is pressed: a person typing.
TYPING_SECONDS = 2.0

FIGURES = [
    ("version", "lt-desktop --version", 0.3),
    ("before_kdf", "a command, launch to key derivation", 0.3),
    ("kdf_alone", "  the key derivation alone", None),
    ("kdf", "  the key derivation in the command", None),
    ("beyond_kdf", "  the command less the derivation alone", 0.4),
    ("beyond_kdf_inside", "  the command less its derivation", None),
    ("command", "  the whole command", None),
    ("cold_start", "cold start to the sign-in window", 1.0),
    ("first_sign_in", "its first sign-in, Sign in to the first screen", None),
]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Start-up benchmarks")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--quick", action="store_true", help="three runs of each")
    parser.add_argument(
        "--against", type=Path, metavar="SRC", help="another checkout's src folder, timed too"
    )
    args, _ = parser.parse_known_args(argv)
    runs = 3 if args.quick else args.runs
    sources = {"now": SOURCE}
    if args.against is not None:
        sources["before"] = args.against.resolve()
    results: dict[str, Any] = {
        "format": 1,
        "recorded_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "cpus": os.cpu_count(),
        "runs": runs,
    }
    with tempfile.TemporaryDirectory(prefix="lt-startup-bench-") as scratch:
        folder = Path(scratch) / "demo"
        _progress("making the demo store with a real key slot")
        results["kdf_params"] = _demo_store(folder)
        times: dict[str, dict[str, list[float]]] = {
            name: {key: [] for key, _, _ in FIGURES} for name in sources
        }
        for src in sources.values():  # warm-up: bytecode written, disk cache filled
            _command(src, folder, Path(scratch) / "report.json", ["--version"])
            _command(src, folder, Path(scratch) / "report.json", _signed_in_command(folder))
            _cold_start(src, folder, signing_in=True)
        for run in range(runs):
            _progress(f"run {run + 1} of {runs}")
            for name, src in sources.items():
                _one_round(src, folder, Path(scratch), times[name])
    for name, measured in times.items():
        results[name] = {key: _spread(values) for key, values in measured.items()}
    _print(results, list(sources))
    output = RESULTS / "startup-latest.json"
    RESULTS.mkdir(exist_ok=True)
    output.write_text(json.dumps(results, indent=2) + "\n")
    print(f"\nwritten to {output}")
    return 0


def _demo_store(folder: Path) -> dict[str, int]:
    """The demo store, its demo account given a slot with this machine's real parameters."""
    subprocess.run(
        [sys.executable, "-m", "lt_desktop", "demo", "--data-dir", str(folder)],
        check=True,
        capture_output=True,
        env={**_env(SOURCE), "LT_DESKTOP_TEST_KDF": "cheap"},
    )
    sys.path.insert(0, str(SOURCE))
    from lt_desktop.storage import kdf
    from lt_desktop.storage.store import LockedStore

    params = kdf.tune()
    store, user_id = LockedStore(folder).unlock(USER, PASSWORD)
    try:
        with mock.patch("lt_desktop.storage.store.params_for_new_slots", return_value=params):
            store.set_password(user_id, USER, PASSWORD)
    finally:
        store.close()
    return {"memory_kib": params.memory_kib, "iterations": params.iterations}


def _signed_in_command(folder: Path) -> list[str]:
    return ["user", "list", "--data-dir", str(folder), "--user", USER, "--password-stdin"]


def _one_round(src: Path, folder: Path, scratch: Path, into: dict[str, list[float]]) -> None:
    report = scratch / "report.json"
    version, _ = _command(src, folder, report, ["--version"])
    whole, derivations = _command(src, folder, report, _signed_in_command(folder))
    kdf = sum(end - began for began, end in derivations)
    alone = _derivation_alone(folder)
    into["version"].append(version)
    into["before_kdf"].append(derivations[0][0])
    into["kdf_alone"].append(alone)
    into["kdf"].append(kdf)
    into["beyond_kdf"].append(whole - alone)
    into["beyond_kdf_inside"].append(whole - kdf)
    into["command"].append(whole)
    shown, signed_in = _cold_start(src, folder, signing_in=True)
    into["cold_start"].append(shown)
    into["first_sign_in"].append(signed_in)


def _derivation_alone(folder: Path) -> float:
    """The demo account's key derivation with nothing else running in this process: the
    command runs it beside its imports, on another core, which can slow it down."""
    from lt_desktop.storage.keyslots import KeyFile, password_bytes

    slot = KeyFile.load(folder / "keys.json").slot_for_user(USER)
    assert slot is not None
    started = time.perf_counter()
    slot.kdf.derive(password_bytes(PASSWORD), slot.salt)
    return time.perf_counter() - started


def _command(
    src: Path, folder: Path, report: Path, argv: list[str]
) -> tuple[float, list[tuple[float, float]]]:
    """The whole time of one command, and when each key derivation in it began and
    ended, counted from the launch."""
    started = time.time()
    subprocess.run(
        [sys.executable, str(HERE / "_startup_child.py"), str(report), *argv],
        input=f"{PASSWORD}\n",
        capture_output=True,
        text=True,
        check=True,
        env=_env(src),
    )
    whole = time.time() - started
    found = json.loads(report.read_text(encoding="utf-8"))
    return whole, [(began - started, end - started) for began, end in found["derivations"]]


def _cold_start(src: Path, folder: Path, *, signing_in: bool = False) -> tuple[float, float]:
    """Launch to the sign-in window; and, signing in, pressing Sign in to the first screen."""
    started = time.time()
    child = subprocess.run(
        [
            sys.executable,
            str(HERE / "_cold_start_child.py"),
            str(folder),
            *([USER, PASSWORD, str(TYPING_SECONDS)] if signing_in else []),
        ],
        capture_output=True,
        text=True,
        check=True,
        env={**_env(src), "QT_QPA_PLATFORM": "offscreen"},
    )
    said = dict(line.split(" ", 1) for line in child.stdout.splitlines() if " " in line)
    return float(said["shown"]) - started, float(said.get("signed_in", "nan"))


def _env(src: Path) -> dict[str, str]:
    """The code in ``src``, with its bytecode cached as an installed app's is."""
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONDONTWRITEBYTECODE",)}
    env.pop("LT_DESKTOP_TEST_KDF", None)
    env["PYTHONPATH"] = str(src)
    return env


def _spread(values: list[float]) -> dict[str, float]:
    ordered = sorted(values)
    return {
        "median": statistics.median(ordered),
        "best": ordered[0],
        "worst": ordered[-1],
        "runs": len(ordered),
    }


def _print(results: dict[str, Any], names: list[str]) -> None:
    header = "".join(f"{name + ' median':>16}" for name in names)
    print(f"\n{'':42}{header}{'target':>10}")
    for key, label, target in FIGURES:
        cells = "".join(f"{results[name][key]['median'] * 1000:13.0f} ms" for name in names)
        goal = f"{target * 1000:7.0f} ms" if target else ""
        print(f"{label:42}{cells}{goal:>10}")


def _progress(message: str) -> None:
    print(f"... {message}", flush=True)


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
