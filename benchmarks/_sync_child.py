"""Started as a fresh process by sync_bench: one export or import on a store, then a line
of JSON with what it took.

    _sync_child.py export FOLDER USER PASSWORD TARGET PARTNER [--snapshot] [--trace|--phases]
    _sync_child.py import FOLDER USER PASSWORD BUNDLE [--trace|--phases]

``--trace`` records the peak of Python allocations during the work (tracemalloc, which
slows it); ``--phases`` times the parts of the work (the timers cost little, but a run
that reports them is not the one whose total is quoted). Every run reports the resident
memory once signed in and its peak during the work: on Linux the kernel's high-water
mark is reset when the work begins (a child's ru_maxrss would include the parent it was
forked from); elsewhere ru_maxrss is all there is.
"""

from __future__ import annotations

import contextlib
import json
import os
import resource
import sys
import time
import tracemalloc
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any
from unittest import mock


def main(argv: list[str]) -> int:
    flags = {a for a in argv if a.startswith("--")}
    action, folder, username, password, *rest = [a for a in argv if not a.startswith("--")]
    from lt_desktop.core.sign_in import sign_in

    phases: dict[str, float] = {}
    result: dict[str, Any] = {"action": action}
    with sign_in(Path(folder), username, password) as workspace:
        timers = _phase_timers(phases) if "--phases" in flags else contextlib.nullcontext()
        partner_id = workspace.sync.partner_id(rest[1]) if action == "export" else None
        result["rss_signed_in_bytes"] = _status("VmRSS")
        peak_reset = _reset_peak_rss()
        if "--trace" in flags:
            tracemalloc.start()
        started = time.perf_counter()
        with timers:
            if action == "export":
                assert partner_id is not None
                target = Path(rest[0])
                exported = workspace.sync.export(partner_id, target, snapshot="--snapshot" in flags)
                result["records"] = exported.total
                result["redactions"] = exported.redactions
                result["bundle_bytes"] = exported.info.size
                result["plaintext_bytes"] = exported.info.plaintext_bytes
            elif action == "import":
                taken = workspace.sync.import_bundle(Path(rest[0]))
                result["records"] = taken.summary.records
                result["added"] = sum(taken.summary.added.values())
                result["missing_links"] = sum(taken.summary.missing_links.values())
        result["seconds"] = time.perf_counter() - started
        if "--trace" in flags:
            result["tracemalloc_peak_bytes"] = tracemalloc.get_traced_memory()[1]
            tracemalloc.stop()
        result["peak_rss_bytes"] = _status("VmHWM") if peak_reset else _maxrss_bytes()
        result["peak_rss_is_of_the_work"] = peak_reset
    if phases:
        result["phases"] = phases
    print(json.dumps(result), flush=True)
    return 0


def _reset_peak_rss() -> bool:
    try:
        Path("/proc/self/clear_refs").write_text("5")
    except OSError:
        return False
    return _status("VmHWM") is not None


def _status(field: str) -> int | None:
    with contextlib.suppress(OSError):
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith(field + ":"):
                return int(line.split()[1]) * 1024
    return None


def _maxrss_bytes() -> int:
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak if sys.platform == "darwin" else peak * 1024  # Linux reports KiB


@contextlib.contextmanager
def _phase_timers(spent: dict[str, float]) -> Iterator[None]:
    """Time, without changing, the parts an export or import is made of."""
    from lt_desktop.sync import bundle, exchange
    from lt_desktop.sync.incoming import Merger

    def call(name: str, function: Callable[..., Any]) -> Callable[..., Any]:
        def timed(*args: Any, **kwargs: Any) -> Any:
            started = time.perf_counter()
            try:
                return function(*args, **kwargs)
            finally:
                spent[name] = spent.get(name, 0.0) + time.perf_counter() - started

        return timed

    def generator(name: str, function: Callable[..., Iterator[Any]]) -> Callable[..., Any]:
        def timed(*args: Any, **kwargs: Any) -> Iterator[Any]:
            items = function(*args, **kwargs)
            while True:
                started = time.perf_counter()
                try:
                    item = next(items)
                except StopIteration:
                    return
                finally:
                    spent[name] = spent.get(name, 0.0) + time.perf_counter() - started
                yield item

        return timed

    with contextlib.ExitStack() as stack:
        for target, name, wrapped in (
            (exchange, "outgoing_lines", generator("records_to_lines", exchange.outgoing_lines)),
            (exchange, "write_bundle", call("write_bundle", exchange.write_bundle)),
            (bundle, "_verify_written", call("read_back", bundle._verify_written)),
            (exchange, "open_incoming", call("open_and_check_signature", exchange.open_incoming)),
            (bundle, "_plaintext", generator("decrypt_and_inflate", bundle._plaintext)),
            (exchange, "decode_lines", generator("lines_to_records", exchange.decode_lines)),
            (Merger, "apply_all", call("merge", Merger.apply_all)),
            (os, "fsync", call("fsync", os.fsync)),
        ):
            stack.enter_context(mock.patch.object(target, name, wrapped))
        yield


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
