"""Install what the tests need into .venv, then run every check: lint, types, tests.

python3 scripts/test.py             # everything, as CI runs it
python3 scripts/test.py -k register # extra arguments go to pytest
"""

from __future__ import annotations

import os
import subprocess
import sys

from _venv import ROOT, ensure_environment


def main() -> int:
    python = ensure_environment("test")
    environment = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    steps = [
        ("lint", [str(python), "-m", "ruff", "check", "--output-format", "concise", "."]),
        ("types", [str(python), "-m", "mypy", "src", "tests", "benchmarks"]),
        # Apart: scripts/ and benchmarks/ each run from their own folder, and both hold a run.py.
        ("script types", [str(python), "-m", "mypy", "scripts"]),
        # Three test processes on a two-core machine: a test often waits on the disk
        # (every commit is synced) or a child process, and a third worker fills that
        # time. Each takes the next test when it is free, so none idles at the end.
        ("tests", [str(python), "-m", "pytest", "-n", "3", "--dist", "worksteal", *sys.argv[1:]]),
    ]
    for name, command in steps:
        print(f"== {name}: {' '.join(command[2:])}", flush=True)
        result = subprocess.run(command, cwd=ROOT, env=environment)
        if result.returncode != 0:
            print(f"== {name} failed", flush=True)
            return result.returncode
    print("== all checks passed", flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
