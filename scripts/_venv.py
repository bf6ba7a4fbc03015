"""Shared by run.py and test.py: a project virtual environment kept up to date."""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
VENV = ROOT / ".venv"


def venv_python() -> Path:
    if os.name == "nt":
        return VENV / "Scripts" / "python.exe"
    return VENV / "bin" / "python"


def ensure_environment(extra: str = "") -> Path:
    """Create .venv if needed and install the project (with ``extra``) when it changed."""
    if sys.version_info < (3, 11):  # noqa: UP036 - run by whatever python3 is installed
        sys.exit(f"LT Desktop needs Python 3.11 or newer; this is {sys.version.split()[0]}.")
    python = venv_python()
    if not python.exists():
        print("Creating the project environment in .venv ...", flush=True)
        venv.EnvBuilder(with_pip=True).create(VENV)
    target = f".[{extra}]" if extra else "."
    fingerprint = hashlib.sha256(
        (ROOT / "pyproject.toml").read_bytes() + target.encode()
    ).hexdigest()
    stamp = VENV / f".installed-{extra or 'app'}"
    if not stamp.exists() or stamp.read_text() != fingerprint:
        print(f"Installing LT Desktop {target} into .venv ...", flush=True)
        subprocess.run(
            [
                str(python),
                "-m",
                "pip",
                "install",
                "--quiet",
                "--disable-pip-version-check",
                "--editable",
                target,
            ],
            cwd=ROOT,
            check=True,
        )
        stamp.write_text(fingerprint)
    return python
