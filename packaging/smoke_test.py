"""Check a built app: it starts without Python, shows its window, and its store works.

    .venv/bin/python packaging/smoke_test.py                 # the app in dist/lt-desktop/
    .venv/bin/python packaging/smoke_test.py --app PROGRAM   # any other build
    .venv/bin/python packaging/smoke_test.py --json FILE     # also write the timings
    .venv/bin/python packaging/smoke_test.py --starts 5      # time five starts, not one

Every step runs the built program in a fresh process, offscreen, on demo stores in
a temporary folder, with the real key derivation (no test settings):

1. ``--version`` prints the version of the source it was built from;
2. ``--smoke-test`` makes a demo store, opens the window, signs in and quits;
3. the command line makes a demo store, counts it (``stats``), checks it
   (``check``: SQLCipher, the migrations and the audit chain inside the app) and
   prints a register as a PDF with the app's own fonts;
4. the app is started once more on the store of step 2 (or ``--starts N`` times),
   timing how long its window takes to appear (the median of the starts).

Exit status 0 when every step passed.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import contents  # noqa: E402 - packaging/contents.py

#: What the app reads from the environment, cleared so the build is tested as shipped.
CLEARED = (
    "LT_DESKTOP_DATA",
    "LT_DESKTOP_USER",
    "LT_DESKTOP_SETTINGS",
    "LT_DESKTOP_TEST_KDF",
    "PYTHONPATH",
    "PYTHONHOME",
)
DEMO = "demo"  # the demo store's administrator, whose password is also "demo"
#: The day the demo's story is written for, so that its cohorts have the same names
#: (and the register printed below is found) whatever day the test runs.
DEMO_TODAY = ("LT_DESKTOP_DEMO_TODAY", "2026-11-23")
STEP_TIME_LIMIT = 300


class SmokeTestFailed(Exception):
    pass


@dataclass
class Report:
    program: str
    version: str = ""
    seconds: dict[str, float] = field(default_factory=dict)
    passed: list[str] = field(default_factory=list)


def environment() -> dict[str, str]:
    env = {key: value for key, value in os.environ.items() if key not in CLEARED}
    env["QT_QPA_PLATFORM"] = "offscreen"
    env[DEMO_TODAY[0]] = DEMO_TODAY[1]
    return env


def run(
    report: Report, step: str, program: Path, *args: str | Path, stdin: str = ""
) -> subprocess.CompletedProcess[str]:
    started = time.monotonic()
    result = subprocess.run(
        [str(program), *map(str, args)],
        input=stdin,
        capture_output=True,
        text=True,
        encoding="utf-8",
        env=environment(),
        timeout=STEP_TIME_LIMIT,
    )
    report.seconds[step] = round(time.monotonic() - started, 2)
    if result.returncode != 0:
        raise SmokeTestFailed(
            f"{step}: exit status {result.returncode}\n"
            f"--- stdout\n{result.stdout}--- stderr\n{result.stderr}"
        )
    print(f"  ok  {step} ({report.seconds[step]:.1f} s)", flush=True)
    report.passed.append(step)
    return result


def time_to_window(program: Path, store: Path) -> float:
    """Seconds from launching the app on an existing store to its window being shown."""
    started = time.monotonic()
    with subprocess.Popen(
        [str(program), "--smoke-test", "--data-dir", str(store)],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
        encoding="utf-8",
        env=environment(),
    ) as app:
        assert app.stdout is not None
        shown = None
        for line in app.stdout:
            if shown is None and line.startswith("the window is up"):
                shown = round(time.monotonic() - started, 2)
        code = app.wait(timeout=STEP_TIME_LIMIT)
    if shown is None or code != 0:
        raise SmokeTestFailed(f"starting again: exit status {code}, window shown: {shown}")
    return shown


def smoke_test(program: Path, scratch: Path, *, starts: int = 1) -> Report:
    report = Report(program=str(program))
    if not program.is_file():
        raise SmokeTestFailed(f"no built app at {program}: run packaging/build.py first")

    expected = f"LT Desktop {contents.app_version()}"
    shown = run(report, "version", program, "--version").stdout.strip()
    if shown != expected:
        raise SmokeTestFailed(f"--version printed {shown!r}, not {expected!r}")
    report.version = shown

    window = run(report, "window", program, "--smoke-test", "--data-dir", scratch / "window")
    for needed in ("the window is up", "signed in as the demo account", "closed cleanly"):
        if needed not in window.stdout:
            raise SmokeTestFailed(f"--smoke-test did not say {needed!r}:\n{window.stdout}")

    store = scratch / "store"
    signed_in = ("--data-dir", store, "--user", DEMO, "--password-stdin")
    run(report, "demo", program, "demo", "--data-dir", store)
    counted = run(report, "stats", program, "stats", "--json", *signed_in, stdin="demo\n")
    counts = json.loads(counted.stdout)
    if not any(isinstance(value, int) and value > 0 for value in counts.values()):
        raise SmokeTestFailed(f"stats found nothing in the demo store: {counts}")
    run(report, "check", program, "check", *signed_in, stdin="demo\n")
    pdf = scratch / "register.pdf"
    run(
        report,
        "print",
        program,
        "print",
        "register",
        "--cohort",
        "January-March 2026",
        "--week",
        "1",
        "--out",
        pdf,
        *signed_in,
        stdin="demo\n",
    )
    document = pdf.read_bytes()
    if not document.startswith(b"%PDF") or b"DejaVu" not in document:
        raise SmokeTestFailed("the printed register is not a PDF with the app's fonts")
    times = sorted(time_to_window(program, scratch / "window") for _ in range(starts))
    report.seconds["start"] = times[len(times) // 2]
    print(
        f"  ok  start: the window was up {report.seconds['start']:.2f} s after launch"
        + (f" (median of {starts}: {', '.join(f'{t:.2f}' for t in times)})" if starts > 1 else "")
    )
    report.passed.append("start")
    return report


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument(
        "--app",
        type=Path,
        default=contents.executable_path(contents.ROOT / "dist"),
        help="the built program (default: dist/lt-desktop/lt-desktop)",
    )
    parser.add_argument("--json", type=Path, metavar="FILE", help="write the timings here")
    parser.add_argument(
        "--starts", type=int, default=1, metavar="N", help="time N starts (the median is kept)"
    )
    args = parser.parse_args(argv)
    program = args.app.resolve()
    print(f"Smoke test of {program}", flush=True)
    with tempfile.TemporaryDirectory(prefix="lt-desktop-smoke-") as scratch:
        try:
            report = smoke_test(program, Path(scratch), starts=max(1, args.starts))
        except (SmokeTestFailed, subprocess.TimeoutExpired) as failure:
            print(f"FAILED {failure}", file=sys.stderr)
            return 1
    if args.json:
        args.json.write_text(json.dumps(report.__dict__, indent=2) + "\n", encoding="utf-8")
    internal = program.parent / "_internal"
    for plugin in contents.REQUIRED_QT_PLUGINS.get(sys.platform, []):
        if not any((internal / folder / plugin).exists() for folder in contents.QT_PLUGIN_FOLDERS):
            print(f"FAILED the Qt plugin {plugin} is not in the bundle", file=sys.stderr)
            return 1
    print(f"{report.version}: {len(report.passed)} steps passed")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
