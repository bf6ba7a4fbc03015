"""Started as a fresh process by pipeline_bench: one ``lt-desktop`` command, run through
the command line's own ``main`` exactly as ``python -m lt_desktop`` runs it, with a
timer around signing in. Writes what it measured as JSON to the file named by
``LT_BENCH_TIMES``.

    _pipeline_child.py ARGS...   # the lt-desktop arguments, the password on stdin

Signing in is timed where the command line looks it up when it signs in:
``core.sign_in.sign_in``.
"""

from __future__ import annotations

import time

STARTED = time.perf_counter()

import json  # noqa: E402
import os  # noqa: E402
import sys  # noqa: E402
from typing import Any  # noqa: E402


def main(argv: list[str]) -> int:
    spent: dict[str, float] = {}

    def timed(original: Any) -> Any:
        def sign_in(*args: Any, **kwargs: Any) -> Any:
            began = time.perf_counter()
            try:
                return original(*args, **kwargs)
            finally:
                ended = time.perf_counter()
                spent["before_sign_in"] = began - STARTED
                spent["sign_in"] = ended - began
                spent["signed_in_at"] = ended

        sign_in._timed = True  # type: ignore[attr-defined]
        return sign_in

    # The command line imports ``sign_in`` from ``core.sign_in`` when it signs in.
    from lt_desktop.core import sign_in as signing

    signing.sign_in = timed(signing.sign_in)
    from lt_desktop.cli.main import main as cli

    status = cli(argv)
    ended = time.perf_counter()
    if "signed_in_at" in spent:
        spent["after_sign_in"] = ended - spent.pop("signed_in_at")
    spent["in_process"] = ended - STARTED
    with open(os.environ["LT_BENCH_TIMES"], "w", encoding="utf-8") as handle:
        json.dump(spent, handle)
    return status


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
