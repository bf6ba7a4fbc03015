"""The layers import only downwards (docs/architecture.md, "Layers").

Every import in the package is read with ``ast``, those inside functions and under
``if TYPE_CHECKING`` too, so a late import cannot slip past.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

import lt_desktop

PACKAGE = Path(lt_desktop.__file__).parent

#: layer -> the layers of the app it must not import.
FORBIDDEN = {
    # The bottom: every layer may use it, and it uses none.
    "domain": {"storage", "sync", "documents", "core", "cli", "ui", "resources"},
    "storage": {"sync", "documents", "core", "cli", "ui"},
    "sync": {"documents", "core", "cli", "ui"},
    "core": {"documents", "cli", "ui"},
    # Screens reach the store through the core: the front door before sign-in, the
    # services after.
    "ui": {"storage", "sync"},
}


def imported_modules(source: str, module: str, *, is_package: bool = False) -> set[str]:
    """Every module ``module`` (whose source is ``source``) imports, anywhere in it,
    relative imports made absolute."""
    found: set[str] = set()
    package = module if is_package else module.rpartition(".")[0]
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[: len(base) - (node.level - 1)]
                origin = ".".join([*base, node.module] if node.module else base)
            else:
                origin = node.module or ""
            found.add(origin)
            if layer_of(origin) is None:
                # ``from lt_desktop import storage`` imports the layer ``lt_desktop.storage``.
                found.update(f"{origin}.{alias.name}" for alias in node.names)
    return found


def layer_of(module: str) -> str | None:
    parts = module.split(".")
    if parts[0] != "lt_desktop" or len(parts) < 2:
        return None
    return parts[1]


def modules() -> list[tuple[str, Path]]:
    found = []
    for path in sorted(PACKAGE.rglob("*.py")):
        parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts.pop()
        found.append((".".join(parts), path))
    return found


def crossings(layer: str) -> list[str]:
    """Each import by a module of ``layer`` of a layer it must not import."""
    wrong = []
    for module, path in modules():
        if layer_of(module) != layer:
            continue
        imported = imported_modules(
            path.read_text(encoding="utf-8"), module, is_package=path.name == "__init__.py"
        )
        for target in sorted(imported):
            if layer_of(target) in FORBIDDEN[layer]:
                wrong.append(f"{module} imports {target}")
    return wrong


def test_the_layers_are_all_found() -> None:
    layers = {layer_of(module) for module, _ in modules()}
    assert set(FORBIDDEN) <= layers


@pytest.mark.parametrize("layer", sorted(FORBIDDEN))
def test_a_layer_imports_only_what_is_below_it(layer: str) -> None:
    assert crossings(layer) == []


def test_imports_inside_functions_and_relative_ones_are_seen() -> None:
    source = (
        "from __future__ import annotations\n"
        "from typing import TYPE_CHECKING\n"
        "if TYPE_CHECKING:\n"
        "    from lt_desktop.sync.identity import PeerKeys\n"
        "def late():\n"
        "    import lt_desktop.storage.folder\n"
        "    from lt_desktop import cli\n"
        "    from ..core import names\n"
        "    from . import qt\n"
    )
    found = imported_modules(source, "lt_desktop.ui.example")
    assert {
        "lt_desktop.sync.identity",
        "lt_desktop.storage.folder",
        "lt_desktop.cli",
        "lt_desktop.core",
        "lt_desktop.ui",
    } <= found
