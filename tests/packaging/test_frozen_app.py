"""The packaged app: what the PyInstaller spec puts in, the offline wheelhouse and the
version people see. The built app itself is checked by ``packaging/smoke_test.py``
after ``packaging/build.py`` (a build takes minutes, so it is not part of the suite).
"""

from __future__ import annotations

import ast
import importlib.metadata
import importlib.util
import json
import os
import re
import shutil
import subprocess
import sys
import types
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from lt_desktop import __version__
from lt_desktop.resources import resources_folder, user_guide
from lt_desktop.storage import migrations
from tests.helpers.cli import run_cli, run_cli_process

ROOT = Path(__file__).resolve().parents[2]
PACKAGING = ROOT / "packaging"


def load(name: str) -> types.ModuleType:
    """A script from packaging/ (a folder of scripts, not a package)."""
    saved = list(sys.path)
    sys.path.insert(0, str(PACKAGING))
    try:
        spec = importlib.util.spec_from_file_location(
            f"_packaging_{name}", PACKAGING / f"{name}.py"
        )
        assert spec is not None and spec.loader is not None
        module = importlib.util.module_from_spec(spec)
        sys.modules[spec.name] = module  # dataclasses look their module up there
        spec.loader.exec_module(module)
        return module
    finally:
        sys.path[:] = saved


contents = load("contents")
wheelhouse = load("wheelhouse")


# -- the spec ------------------------------------------------------------------------------


class _Recorded:
    """Stands in for one of PyInstaller's build steps, keeping what it was given."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        self.args, self.kwargs = args, kwargs
        self.binaries: list[tuple[str, str, str]] = []
        self.datas = list(kwargs.get("datas", []))
        self.pure: list[Any] = []
        self.scripts: list[Any] = []


@pytest.fixture
def spec(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> dict[str, Any]:
    """The spec run as PyInstaller runs it, with its build steps recorded instead.

    PyInstaller's helpers are stood in for too: the real ones (which inspect the
    installed packages for minutes) are proven by the frozen-app test below.
    """
    hooks = types.ModuleType("PyInstaller.utils.hooks")
    hooks.collect_data_files = lambda package: []  # type: ignore[attr-defined]
    hooks.collect_submodules = lambda package: [f"{package}.everything"]  # type: ignore[attr-defined]
    bindepend = types.ModuleType("PyInstaller.depend.bindepend")
    bindepend.get_imports = lambda filename: set()  # type: ignore[attr-defined]
    versioninfo = types.ModuleType("PyInstaller.utils.win32.versioninfo")
    versioninfo.__getattr__ = lambda name: _Recorded  # type: ignore[method-assign]
    monkeypatch.setitem(sys.modules, "PyInstaller.utils.win32.versioninfo", versioninfo)
    for name in (
        "PyInstaller",
        "PyInstaller.utils",
        "PyInstaller.utils.win32",
        "PyInstaller.depend",
    ):
        monkeypatch.setitem(sys.modules, name, types.ModuleType(name))
    monkeypatch.setitem(sys.modules, "PyInstaller.utils.hooks", hooks)
    monkeypatch.setitem(sys.modules, "PyInstaller.depend.bindepend", bindepend)
    monkeypatch.setattr(sys, "path", list(sys.path))  # the spec puts packaging/ on it
    monkeypatch.delitem(sys.modules, "contents", raising=False)
    monkeypatch.delitem(sys.modules, "icu_data", raising=False)
    namespace: dict[str, Any] = {
        "SPECPATH": str(PACKAGING),
        "workpath": str(tmp_path / "build"),
        "__file__": str(PACKAGING / "lt_desktop.spec"),
        **{step: type(step, (_Recorded,), {}) for step in ("Analysis", "PYZ", "EXE", "COLLECT")},
    }
    source = (PACKAGING / "lt_desktop.spec").read_text(encoding="utf-8")
    exec(compile(source, "lt_desktop.spec", "exec"), namespace)
    return namespace


def test_the_spec_builds_the_app_from_its_entry_point(spec: dict[str, Any]) -> None:
    analysis = spec["a"]
    (script,) = analysis.args[0]
    assert Path(script) == ROOT / "src" / "lt_desktop" / "__main__.py"
    assert "from lt_desktop.cli.main import main" in Path(script).read_text(encoding="utf-8")
    assert analysis.kwargs["pathex"] == [str(ROOT / "src")]
    hidden = analysis.kwargs["hiddenimports"]
    assert {"sqlcipher3", "sqlalchemy.dialects.sqlite.pysqlcipher", "alembic.op"} <= set(hidden)
    assert "reportlab.everything" in hidden
    # Commands and screens imported when first used are bundled all the same.
    assert "lt_desktop.everything" in hidden
    collected = spec["coll"]
    assert collected.kwargs["name"] == "lt-desktop"
    programs = [step for step in collected.args if type(step).__name__ == "EXE"]
    assert programs[0].kwargs["name"] == "lt-desktop" and programs[0].kwargs["console"]
    assert all(not program.kwargs["uac_admin"] for program in programs)
    if sys.platform == "win32":
        assert programs[1].kwargs["name"] == "LT Desktop" and not programs[1].kwargs["console"]
    else:
        assert len(programs) == 1


def test_the_spec_leaves_out_qt_modules_the_app_does_not_use(spec: dict[str, Any]) -> None:
    excluded = set(spec["a"].kwargs["excludes"])
    for unused in (
        "QtWebEngineCore",
        "QtWebEngineWidgets",
        "QtWebEngineQuick",
        "QtQml",
        "QtQuick",
        "QtQuickWidgets",
        "Qt3DCore",
        "QtMultimedia",
        "QtNetwork",
        "QtPdf",
    ):
        assert f"PySide6.{unused}" in excluded
    used = {
        node.module
        for path in (ROOT / "src").rglob("*.py")
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
        if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("PySide6")
    }
    assert used and not used & excluded


def test_nothing_the_app_imports_is_left_out(spec: dict[str, Any]) -> None:
    excluded = set(spec["a"].kwargs["excludes"])
    assert {"tkinter", "unittest", "pydoc", "sqlite3", "pygments", "PIL._avif"} <= excluded
    imported = _imported_modules(ROOT / "src")
    for name in excluded:
        assert not {m for m in imported if m == name or m.startswith(name + ".")}, name


def _imported_modules(folder: Path) -> set[str]:
    names: set[str] = set()
    for path in folder.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                names |= {alias.name for alias in node.names}
            elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
                names.add(node.module)
                names |= {f"{node.module}.{alias.name}" for alias in node.names}
    return names


def test_the_libraries_are_stripped_on_linux_only(spec: dict[str, Any]) -> None:
    collected = spec["coll"]
    programs = [step for step in collected.args if type(step).__name__ == "EXE"]
    linux = sys.platform == "linux"
    assert collected.kwargs["strip"] is linux
    assert all(program.kwargs["strip"] is linux for program in programs)


def test_the_spec_uses_its_own_hook_that_loads_qt_when_the_app_does(spec: dict[str, Any]) -> None:
    (hooks,) = spec["a"].kwargs["hookspath"]
    table = ast.literal_eval((Path(hooks) / "rthooks.dat").read_text(encoding="utf-8"))
    (hook,) = table["PySide6"]
    assert (Path(hooks) / "rthooks" / hook).is_file()


def test_every_file_the_spec_ships_exists(spec: dict[str, Any]) -> None:
    shipped = spec["a"].datas
    assert shipped
    for source, _ in shipped:
        assert Path(source).is_file(), source
    targets = {(Path(source).name, target) for source, target in shipped}
    for font in (ROOT / "resources" / "fonts").iterdir():
        assert (font.name, "resources/fonts") in targets
    for icon in (ROOT / "resources" / "icons").iterdir():
        assert (icon.name, "resources/icons") in targets
    for revision in (ROOT / "migrations" / "versions").glob("*.py"):
        assert (revision.name, "migrations/versions") in targets
    assert ("env.py", "migrations") in targets
    assert ("user-guide.md", "docs") in targets
    assert not any("__pycache__" in source or source.endswith(".pyc") for source, _ in shipped)


@pytest.fixture
def frozen_layout(
    spec: dict[str, Any], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Iterator[Path]:
    """The spec's files laid out as in the built app's folder, which the app finds as
    ``sys._MEIPASS``."""
    internal = tmp_path / "_internal"
    for source, target in spec["a"].datas:
        (internal / target).mkdir(parents=True, exist_ok=True)
        shutil.copy2(source, internal / target)
    monkeypatch.setattr(sys, "_MEIPASS", str(internal), raising=False)
    yield internal


def test_the_frozen_app_finds_what_the_spec_ships(frozen_layout: Path) -> None:
    assert resources_folder() == frozen_layout / "resources"
    assert migrations.migrations_folder() == frozen_layout / "migrations"
    guide = user_guide()
    assert guide == frozen_layout / "docs" / "user-guide.md"
    pictures = re.findall(r"\]\((screenshots/[^)]+)\)", guide.read_text(encoding="utf-8"))
    assert pictures, "the user guide shows no screenshots"
    for picture in pictures:
        assert (guide.parent / picture).is_file(), picture
    head = migrations.head_revision()
    assert list((frozen_layout / "migrations" / "versions").glob(f"{head}_*.py"))


def test_qt_translations_are_left_out_on_either_system() -> None:
    for name in ("PySide6/Qt/translations/qtbase_de.qm", "PySide6\\translations\\qtbase_de.qm"):
        assert not contents.keep_data((name, "/src/qtbase_de.qm", "DATA"))
    assert contents.keep_data(("resources/fonts/DejaVuSans.ttf", "/src/DejaVuSans.ttf", "DATA"))


def test_unused_qt_plugins_are_left_out_on_either_system() -> None:
    def kept(*names: str) -> list[str]:
        entries = [(name, f"/src/{Path(name).name}", "BINARY") for name in names]
        return [entry[0] for entry in contents.prune_binaries(entries, lambda source: set())]

    assert kept(
        "PySide6/Qt/plugins/imageformats/libqjpeg.so",
        "PySide6/Qt/plugins/imageformats/libqsvg.so",
        "PySide6/Qt/plugins/imageformats/libqtiff.so",
        "PySide6/Qt/plugins/imageformats/libqwebp.so",
        "PySide6/Qt/plugins/platforms/libqminimal.so",
        "PySide6/Qt/plugins/platforms/libqxcb.so",
        "PySide6/Qt/plugins/platforms/libqoffscreen.so",
    ) == [
        "PySide6/Qt/plugins/imageformats/libqjpeg.so",
        "PySide6/Qt/plugins/imageformats/libqsvg.so",
        "PySide6/Qt/plugins/platforms/libqxcb.so",
        "PySide6/Qt/plugins/platforms/libqoffscreen.so",
    ]
    assert kept(
        "PySide6\\plugins\\imageformats\\qjpeg.dll",
        "PySide6\\plugins\\imageformats\\qgif.dll",
        "PySide6\\plugins\\imageformats\\qico.dll",
        "PySide6\\plugins\\platforms\\qminimal.dll",
        "PySide6\\plugins\\platforms\\qwindows.dll",
        "PySide6\\plugins\\platforms\\qvnc.dll",
    ) == [
        "PySide6\\plugins\\imageformats\\qjpeg.dll",
        "PySide6\\plugins\\platforms\\qwindows.dll",
    ]


def test_links_to_libraries_left_out_are_left_out_too() -> None:
    binaries = [("PySide6/Qt/lib/libQt6Core.so.6", "/src/libQt6Core.so.6", "BINARY")]
    datas = [
        ("libQt6Core.so.6", "PySide6/Qt/lib/libQt6Core.so.6", "SYMLINK"),
        ("libQt6Network.so.6", "PySide6/Qt/lib/libQt6Network.so.6", "SYMLINK"),
        ("docs/user-guide.md", "/src/user-guide.md", "DATA"),
    ]
    assert contents.without_dangling_links(datas, binaries) == [datas[0], datas[2]]


def test_leaving_out_a_qt_plugin_leaves_out_what_only_it_needed() -> None:
    plugins = "PySide6/Qt/plugins"
    binaries = [
        ("PySide6/plugins/generic/qtuiotouchplugin.dll", "/src/qtuiotouchplugin.dll", "BINARY"),
        (f"{plugins}/platforms/libqxcb.so", "/src/libqxcb.so", "BINARY"),
        (f"{plugins}/platforms/libqvnc.so", "/src/libqvnc.so", "BINARY"),
        (f"{plugins}/platformthemes/libqgtk3.so", "/src/libqgtk3.so", "BINARY"),
        ("libgtk-3.so.0", "/src/libgtk-3.so.0", "BINARY"),
        ("libcairo.so.2", "/src/libcairo.so.2", "BINARY"),
        ("libX11.so.6", "/src/libX11.so.6", "BINARY"),
        ("libloaded-by-name.so", "/src/libloaded-by-name.so", "BINARY"),
    ]
    links = {
        "/src/libqxcb.so": ["libX11.so.6"],
        "/src/libqvnc.so": [],
        "/src/libqgtk3.so": ["libgtk-3.so.0", "libX11.so.6"],
        "/src/libgtk-3.so.0": ["libcairo.so.2"],
        "/src/libcairo.so.2": ["libX11.so.6"],
    }
    kept = contents.prune_binaries(
        binaries, lambda source: {(name, None) for name in links.get(source, [])}
    )
    assert [entry[0] for entry in kept] == [
        f"{plugins}/platforms/libqxcb.so",
        "libX11.so.6",
        "libloaded-by-name.so",
    ]


# -- the wheelhouse ------------------------------------------------------------------------


def test_the_wheelhouse_asks_for_every_dependency_of_the_app() -> None:
    asked = {wheelhouse.requirement_name(r) for r in wheelhouse.project_requirements()}
    installed = importlib.metadata.requires("lt-desktop") or []
    needed = {wheelhouse.requirement_name(r) for r in installed if "extra ==" not in r}
    assert asked == needed, "pyproject.toml and the installed app disagree: reinstall"
    # Every library the app's code imports is one of them (or comes with one).
    distributions = importlib.metadata.packages_distributions()
    imported = _top_level_imports(ROOT / "src")
    third_party = {name for name in imported if name in distributions and name != "lt_desktop"}
    assert {"PySide6", "sqlcipher3", "alembic", "reportlab"} <= third_party
    declared = needed | {
        wheelhouse.requirement_name(r)
        for name in needed
        for r in importlib.metadata.requires(name) or []
        if "extra ==" not in r
    }
    for module in third_party:
        providers = {wheelhouse.normalise(d) for d in distributions[module]}
        assert providers & declared, f"{module} is imported but not declared in pyproject.toml"


def _top_level_imports(folder: Path) -> set[str]:
    names: set[str] = set()
    for path in folder.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                names |= {alias.name.split(".")[0] for alias in node.names}
            elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
                names.add(node.module.split(".")[0])
    return names


def test_the_wheelhouse_pins_each_wheel_by_its_file_name(tmp_path: Path) -> None:
    for name in (
        "lt_desktop-0.1.0-py3-none-any.whl",
        "pyside6_essentials-6.12.0-cp310-abi3-win_amd64.whl",
        "SQLAlchemy-2.1.9-cp311-cp311-win_amd64.whl",
    ):
        (tmp_path / name).touch()
    assert wheelhouse.wheel_pins(tmp_path) == {
        "lt-desktop": "0.1.0",
        "pyside6-essentials": "6.12.0",
        "sqlalchemy": "2.1.9",
    }


def test_the_wheelhouse_only_verifies_what_it_can_install_here() -> None:
    with pytest.raises(SystemExit) as refused:
        wheelhouse.main(["--platform", "windows", "--verify"])
    assert refused.value.code == 2


# -- the version, and the app's own smoke test ---------------------------------------------


def test_the_installed_command_prints_the_version() -> None:
    program = shutil.which("lt-desktop", path=str(Path(sys.executable).parent))
    assert program is not None, "lt-desktop is not installed beside this Python"
    result = subprocess.run([program, "--version"], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == f"LT Desktop {__version__}"
    assert contents.app_version() == __version__


def test_the_smoke_test_makes_a_demo_store_opens_the_window_on_it_and_quits(
    tmp_path: Path,
) -> None:
    folder = tmp_path / "new"
    result = run_cli_process(
        "--smoke-test", "--data-dir", folder, env={"QT_QPA_PLATFORM": "offscreen"}
    )
    assert result.code == 0, (result.out, result.err)
    started, made, shown, signed_in, closed = result.lines
    assert started == f"LT Desktop {__version__}: smoke test on {folder}"
    assert made == "made a demo store of made-up people"
    assert shown == "the window is up (offscreen platform)"
    assert re.fullmatch(
        r"signed in as the demo account: \d+ screens, the first one loaded", signed_in
    )
    assert closed.startswith("closed cleanly after ")
    # The store was closed behind it: it opens again at once, and it is sound.
    checked = run_cli(
        "check", "--data-dir", folder, "--user", "demo", "--password-stdin", stdin="demo\n"
    )
    assert checked.code == 0, checked.err


def test_the_smoke_test_goes_without_a_command() -> None:
    result = run_cli("--smoke-test", "stats")
    assert result.code == 2
    assert result.err.strip().endswith("--smoke-test goes without a command")


# -- PySide6's run-time hook ---------------------------------------------------------------

#: PyInstaller's helpers for the hook, recording what they are asked to do.
_FAKE_HELPERS = {
    "__init__.py": "def prepend_path_to_environment_variable(path, name):\n    pass\n",
    "qt.py": (
        "import sys\n"
        "calls = []\n"
        "def ensure_single_qt_bindings_package(name):\n"
        "    calls.append(('single', name))\n"
        "def create_embedded_qt_conf(name, prefix):\n"
        "    calls.append(('qt.conf', name, prefix, 'PySide6.QtCore' in sys.modules))\n"
    ),
}

_RUN_THE_HOOK = """
import json, runpy, sys
sys._MEIPASS = sys.argv[2]
runpy.run_path(sys.argv[1])
from _pyi_rth_utils import qt
before = "PySide6.QtCore" in sys.modules
calls_before_qt = list(qt.calls)
from PySide6.QtCore import QCoreApplication
import PySide6.QtGui
print(json.dumps({
    "before": before,
    "calls_before_qt": calls_before_qt,
    "calls": qt.calls,
}))
"""


def test_the_qt_hook_leaves_qt_unloaded_until_the_app_imports_it(tmp_path: Path) -> None:
    helpers = tmp_path / "helpers" / "_pyi_rth_utils"
    helpers.mkdir(parents=True)
    for name, text in _FAKE_HELPERS.items():
        (helpers / name).write_text(text, encoding="utf-8")
    (hook,) = (PACKAGING / "hooks" / "rthooks").glob("*.py")
    meipass = tmp_path / "_internal"
    env = {"PYTHONPATH": str(tmp_path / "helpers"), "QT_QPA_PLATFORM": "offscreen"}
    result = subprocess.run(
        [sys.executable, "-c", _RUN_THE_HOOK, str(hook), str(meipass)],
        capture_output=True,
        text=True,
        env={**os.environ, **env},
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    seen = json.loads(result.stdout)
    assert seen["before"] is False
    assert seen["calls_before_qt"] == [["single", "PySide6"]]
    qt_path = str(meipass / ("PySide6" if sys.platform == "win32" else "PySide6/Qt"))
    # qt.conf is seen to after QtCore is loaded, once.
    assert seen["calls"] == [["single", "PySide6"], ["qt.conf", "PySide6", qt_path, True]]
