"""Files shipped with the app (fonts, icons, the user guide), wherever it was installed
from."""

from __future__ import annotations

import sys
from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent


def resources_folder() -> Path:
    candidates = [
        _PACKAGE / "_resources",  # installed wheel
        Path(getattr(sys, "_MEIPASS", _PACKAGE)) / "resources",  # frozen app
        _PACKAGE.parent.parent / "resources",  # source checkout
    ]
    for candidate in candidates:
        if (candidate / "fonts").is_dir():
            return candidate
    raise RuntimeError("LT Desktop is incomplete: its resources folder is missing")


def resource(*parts: str) -> Path:
    return resources_folder().joinpath(*parts)


def user_guide() -> Path | None:
    """The user guide (Markdown, its pictures beside it), or None if not shipped."""
    candidates = [
        _PACKAGE / "_docs",  # installed wheel
        Path(getattr(sys, "_MEIPASS", _PACKAGE)) / "docs",  # frozen app
        _PACKAGE.parent.parent / "docs",  # source checkout
    ]
    for candidate in candidates:
        if (candidate / "user-guide.md").is_file():
            return candidate / "user-guide.md"
    return None
