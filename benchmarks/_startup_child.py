"""Started as a fresh process by startup_bench: runs ``lt-desktop`` as its console
script does (``main``, then ``leaving``), and writes to the file named first when each
key derivation began and ended, so the time before it and beyond it can be told apart.

    _startup_child.py REPORT [lt-desktop arguments...]

The derivation is watched from outside the app: when ``lt_desktop.storage.kdf`` is
imported, its ``KdfParams.derive`` is wrapped; nothing else is imported early.
"""

from __future__ import annotations

import importlib.abc
import importlib.machinery
import importlib.util
import json
import sys
import time
from collections.abc import Sequence
from types import ModuleType
from typing import Any

KDF_MODULE = "lt_desktop.storage.kdf"
derivations: list[tuple[float, float]] = []


class _WatchKdf(importlib.abc.MetaPathFinder, importlib.abc.Loader):
    """Finds nothing itself; wraps the real loader of the kdf module."""

    def find_spec(
        self, fullname: str, path: Sequence[str] | None, target: ModuleType | None = None
    ) -> importlib.machinery.ModuleSpec | None:
        if fullname != KDF_MODULE:
            return None
        sys.meta_path.remove(self)
        spec = importlib.util.find_spec(fullname)
        assert spec is not None and spec.loader is not None
        real_exec = spec.loader.exec_module

        def exec_module(module: ModuleType) -> None:
            real_exec(module)
            derive = module.KdfParams.derive

            def timed(params: Any, secret: bytes, salt: bytes) -> bytes:
                began = time.time()
                try:
                    return derive(params, secret, salt)
                finally:
                    derivations.append((began, time.time()))

            module.KdfParams.derive = timed

        spec.loader.exec_module = exec_module  # type: ignore[method-assign]
        return spec


def main() -> int:
    report, argv = sys.argv[1], sys.argv[2:]
    sys.meta_path.insert(0, _WatchKdf())
    from lt_desktop.cli import main as cli

    try:
        status = cli.main(argv)
    except SystemExit as stop:  # --version, --help
        status = stop.code if isinstance(stop.code, int) else 0
    with open(report, "w", encoding="utf-8") as handle:
        json.dump({"derivations": derivations, "ended": time.time()}, handle)
    # As the installed command ends (code from before ``leaving`` had none).
    leaving = getattr(cli, "leaving", None)
    return leaving(status) if leaving is not None else status


if __name__ == "__main__":
    raise SystemExit(main())
