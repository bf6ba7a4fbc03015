"""LT Desktop benchmarks: speed and size figures, kept apart from the tests.

    .venv/bin/python benchmarks/run.py                 # every suite
    .venv/bin/python benchmarks/run.py storage --quick # one suite, at a tenth of the sizes
    .venv/bin/python benchmarks/run.py app
    .venv/bin/python benchmarks/run.py sync
    .venv/bin/python benchmarks/run.py assessment documents applications
    .venv/bin/python benchmarks/run.py network
    .venv/bin/python benchmarks/run.py rekey
    .venv/bin/python benchmarks/run.py rights
    .venv/bin/python benchmarks/run.py compare
    .venv/bin/python benchmarks/run.py startup [--against OLD/src]

Suites: storage (unlock, building a hub-sized store, SQLCipher against plain SQLite),
app (cold start, unlock to the main window, people search, register marks),
sync (writing and taking in bundles: a prison year, a hub snapshot, and the floor),
assessment (opening an essay with its scan, allocating markers, the research export),
documents (certificates, the cohort report, an attendance summary),
applications (the Applications screen with 2,000 applications; 60 offers in a row),
network (a university taking in a term's bundle from each of its 8 partner prisons),
rekey (re-encrypting the hub-sized store under a new key, every slot made again),
rights (erasing a person with a full course record),
compare (export and import side by side with sqlite3 | zstd | age, minisign),
startup (--version, a command's time before and beyond the key derivation, cold start).
Each suite prints a table and writes results/<suite>-latest.json.
"""

from __future__ import annotations

import sys

import app_bench
import applications_bench
import assessment_bench
import documents_bench
import network_bench
import pipeline_bench
import rekey_bench
import rights_bench
import startup_bench
import storage_bench
import sync_bench

SUITES = {
    "storage": storage_bench.main,
    "app": app_bench.main,
    "sync": sync_bench.main,
    "assessment": assessment_bench.main,
    "documents": documents_bench.main,
    "applications": applications_bench.main,
    "network": network_bench.main,
    "rekey": rekey_bench.main,
    "rights": rights_bench.main,
    "compare": pipeline_bench.main,
    "startup": startup_bench.main,
}


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
