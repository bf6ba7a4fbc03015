"""Screens never import one another: what two screens show alike lives in ``ui.views``.

A screen is a module ``ui/screens/NAME.py`` or a package ``ui/screens/NAME/``; ``base``
is what every screen is built on. A screen may import its own modules, ``base`` and
anything outside ``ui/screens``, never another screen.
"""

from __future__ import annotations

import ast
from pathlib import Path

import lt_desktop.ui.screens

SCREENS = Path(lt_desktop.ui.screens.__file__).parent
PREFIX = "lt_desktop.ui.screens"
SHARED = {"base"}


def _screen_of(module: str) -> str | None:
    """Which screen a dotted module name belongs to, or None outside the screens."""
    if not module.startswith(PREFIX + "."):
        return None
    return module[len(PREFIX) + 1 :].split(".")[0]


def _imported(path: Path, root: Path) -> list[tuple[int, str]]:
    """Every module a file under ``root`` imports, absolute or relative, with its line."""
    parts = [*PREFIX.split("."), *path.relative_to(root).with_suffix("").parts]
    package = parts[:-1]  # a module's package; for __init__ the package itself
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = ".".join(package[: len(package) - node.level + 1])
                base = f"{anchor}.{base}" if base else anchor
            found.append((node.lineno, base))
            # ``from lt_desktop.ui.screens import people`` names a screen too
            found += [(node.lineno, f"{base}.{alias.name}") for alias in node.names]
    return found


def crossings(root: Path) -> list[str]:
    """Each import, under ``root`` (the screens folder), of one screen by another."""
    found = []
    for path in sorted(root.rglob("*.py")):
        own = path.relative_to(root).with_suffix("").parts[0]
        for line, module in _imported(path, root):
            other = _screen_of(module)
            if other and other not in {own, "__init__", *SHARED}:
                found.append(f"{path.relative_to(root)}:{line} imports {module}")
    return sorted(set(found))


def test_no_screen_imports_another_screen() -> None:
    assert crossings(SCREENS) == []


def test_the_check_sees_one_screen_importing_another(tmp_path: Path) -> None:
    (tmp_path / "people").mkdir()
    (tmp_path / "people" / "__init__.py").write_text("from .panel import Panel\n")
    (tmp_path / "people" / "panel.py").write_text(
        "from lt_desktop.ui.screens.base import Screen\n"
        "from lt_desktop.ui.screens.people.list import Listing\n"
        "from lt_desktop.ui.views.journey import JourneyView\n"
        "from ..mentoring import Mentors\n"
    )
    (tmp_path / "cohorts.py").write_text(
        "from lt_desktop.ui.screens import people\n"
        "from lt_desktop.ui.screens.people.panel import Panel\n"
    )
    assert crossings(tmp_path) == [
        "cohorts.py:1 imports lt_desktop.ui.screens.people",
        "cohorts.py:2 imports lt_desktop.ui.screens.people.panel",
        "cohorts.py:2 imports lt_desktop.ui.screens.people.panel.Panel",
        "people/panel.py:4 imports lt_desktop.ui.screens.mentoring",
        "people/panel.py:4 imports lt_desktop.ui.screens.mentoring.Mentors",
    ]
