"""The core must work with no Qt at all (tests, the CLI, a server one day)."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path


def test_the_core_imports_and_runs_with_qt_blocked(tmp_path: Path) -> None:
    script = textwrap.dedent(
        f"""
        import importlib, importlib.abc, pathlib, pkgutil, sys

        class BlockQt(importlib.abc.MetaPathFinder):
            def find_spec(self, name, path, target=None):
                if name.split(".")[0] == "PySide6":
                    raise ImportError("Qt is not allowed in the core: " + name)
                return None

        sys.meta_path.insert(0, BlockQt())
        import lt_desktop
        for info in pkgutil.walk_packages(lt_desktop.__path__, "lt_desktop."):
            if not info.name.startswith(("lt_desktop.ui", "lt_desktop.__main__")):
                importlib.import_module(info.name)
        from lt_desktop.core.demo import build_demo_store
        build_demo_store(pathlib.Path({str(tmp_path / "s")!r}))
        assert not any(name.startswith("PySide6") for name in sys.modules)
        print("headless ok")
        """
    )
    result = subprocess.run(
        [sys.executable, "-c", script],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "headless ok"
