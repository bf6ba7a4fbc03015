"""Started as a fresh process by network_bench: a university coordinator signs in once
and takes in a term's bundles from each partner prison, one after another, then prints
a line of JSON with what each took.

    _network_child.py FOLDER USER PASSWORD BUNDLE... [--trace]

Each bundle is one import, and so one transaction. ``--trace`` records the peak of
Python allocations over all the imports (tracemalloc, which slows them). Every run
reports the resident memory once signed in and its peak over the imports (the kernel's
high-water mark, reset when the first import begins; see _sync_child.py).
"""

from __future__ import annotations

import json
import sys
import time
import tracemalloc
from pathlib import Path
from typing import Any

from _sync_child import _maxrss_bytes, _reset_peak_rss, _status


def main(argv: list[str]) -> int:
    flags = {a for a in argv if a.startswith("--")}
    folder, username, password, *bundles = [a for a in argv if not a.startswith("--")]
    from lt_desktop.core.sign_in import sign_in

    result: dict[str, Any] = {"bundles": []}
    with sign_in(Path(folder), username, password) as workspace:
        result["rss_signed_in_bytes"] = _status("VmRSS")
        peak_reset = _reset_peak_rss()
        if "--trace" in flags:
            tracemalloc.start()
        started = time.perf_counter()
        for bundle in bundles:
            began = time.perf_counter()
            taken = workspace.sync.import_bundle(Path(bundle))
            seconds = time.perf_counter() - began
            summary = taken.summary
            result["bundles"].append(
                {
                    "bundle": Path(bundle).name,
                    "sender": taken.sender,
                    "seconds": seconds,
                    "records": summary.records,
                    "added": dict(summary.added),
                    "updated": sum(summary.updated.values()),
                    "unchanged": summary.unchanged,
                    "kept_ours": summary.kept_ours,
                    "missing_links": sum(summary.missing_links.values()),
                    "still_waiting": summary.still_waiting,
                    "conflicts": len(summary.conflicts),
                    "already_imported": taken.already_imported,
                }
            )
        result["seconds"] = time.perf_counter() - started
        if "--trace" in flags:
            result["tracemalloc_peak_bytes"] = tracemalloc.get_traced_memory()[1]
            tracemalloc.stop()
        result["peak_rss_bytes"] = _status("VmHWM") if peak_reset else _maxrss_bytes()
        result["peak_rss_is_of_the_work"] = peak_reset
    print(json.dumps(result), flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
