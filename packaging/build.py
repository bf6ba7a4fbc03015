"""Build the one-folder app into dist/lt-desktop/ with PyInstaller.

    .venv/bin/python packaging/build.py          # Linux
    .venv\\Scripts\\python packaging\\build.py     # Windows (build there: no cross-building)

Installs PyInstaller into the running environment first if it is missing (the
project's ``packaging`` extra), then prints where the app is, its size and how
long the build took. Run packaging/smoke_test.py on the result.
"""

from __future__ import annotations

import argparse
import importlib.util
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import contents  # noqa: E402 - packaging/contents.py

SPEC = HERE / "lt_desktop.spec"


def ensure_pyinstaller() -> None:
    if importlib.util.find_spec("PyInstaller") is not None:
        return
    print("Installing PyInstaller (the project's packaging extra) ...", flush=True)
    subprocess.run(
        [sys.executable, "-m", "pip", "install", "--quiet", "pyinstaller>=6.10"], check=True
    )


def _files(folder: Path) -> list[Path]:
    """Each file once (links to a library are not counted again)."""
    return [path for path in folder.rglob("*") if path.is_file() and not path.is_symlink()]


def folder_size(folder: Path) -> int:
    """Bytes on disk."""
    return sum(path.stat().st_size for path in _files(folder))


def megabytes(size: int) -> str:
    return f"{size / 1_000_000:.0f} MB"


def build(dist: Path, work: Path) -> Path:
    """Build into ``dist``; returns the app's folder."""
    ensure_pyinstaller()
    command = [
        sys.executable,
        "-m",
        "PyInstaller",
        "--noconfirm",
        "--clean",
        "--log-level",
        "WARN",
        "--distpath",
        str(dist),
        "--workpath",
        str(work),
        str(SPEC),
    ]
    subprocess.run(command, cwd=contents.ROOT, check=True)
    return dist / contents.APP_NAME


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument(
        "--dist", type=Path, default=contents.ROOT / "dist", help="where the app goes"
    )
    parser.add_argument(
        "--work", type=Path, default=contents.ROOT / "build", help="PyInstaller's scratch folder"
    )
    args = parser.parse_args(argv)
    started = time.monotonic()
    app = build(args.dist.resolve(), args.work.resolve())
    took = time.monotonic() - started
    program = contents.executable_path(args.dist.resolve())
    if not program.is_file():
        print(f"The build finished but {program} is missing.", file=sys.stderr)
        return 1
    print(f"LT Desktop {contents.app_version()} built in {took:.0f} s")
    print(f"  folder:  {app}")
    print(f"  program: {program}")
    qt = app / "_internal" / "PySide6"
    qt_part = f", of which Qt {megabytes(folder_size(qt))}" if qt.is_dir() else ""
    print(f"  size:    {megabytes(folder_size(app))} in {len(_files(app))} files{qt_part}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
