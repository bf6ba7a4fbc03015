"""LT Desktop benchmarks: speed and size figures, kept apart from the tests.

    .venv/bin/python benchmarks/run.py                 # every suite
    .venv/bin/python benchmarks/run.py storage --quick # one suite, at a tenth of the sizes
    .venv/bin/python benchmarks/run.py app

Suites: storage (unlock, building a hub-sized store, SQLCipher against plain SQLite),
app (cold start, unlock to the main window, people search, register marks).
Each suite prints a table and writes results/<suite>-latest.json.
"""

from __future__ import annotations

import sys

import app_bench
import storage_bench

SUITES = {"storage": storage_bench.main, "app": app_bench.main}


def main(argv: list[str]) -> int:
    chosen = [a for a in argv if a in SUITES] or list(SUITES)
    options = [a for a in argv if a not in SUITES]
    if "-h" in options or "--help" in options:
        print(__doc__)
        return 0
    status = 0
    for name in chosen:
        print(f"== {name}", flush=True)
        status = SUITES[name](options) or status
    return status


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
