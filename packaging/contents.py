"""What goes into the built app besides the Python code PyInstaller finds by itself.

Read by ``lt_desktop.spec`` and by the packaging tests, so the list of files the
app needs at run time is written down once. The folders land where the app looks
for them when frozen (``sys._MEIPASS``): see ``lt_desktop.resources`` and
``lt_desktop.storage.migrations``.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Callable, Iterable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
APP_NAME = "lt-desktop"
#: The windowed program on Windows: started from a shortcut, it opens no console.
WINDOWED_NAME = "LT Desktop"

#: The entry point: ``python -m lt_desktop``, the same ``main`` as the ``lt-desktop`` script.
ENTRY_SCRIPT = ROOT / "src" / "lt_desktop" / "__main__.py"

#: Imported by name at run time, so PyInstaller cannot see them.
HIDDEN_IMPORTS = [
    # SQLAlchemy picks the driver from the URL "sqlite+pysqlcipher".
    "sqlalchemy.dialects.sqlite",
    "sqlalchemy.dialects.sqlite.pysqlcipher",
    "sqlcipher3",
    "sqlcipher3.dbapi2",
    # Alembic runs migrations/env.py and the revisions from files, which import these.
    "alembic.context",
    "alembic.op",
    "alembic.ddl.sqlite",
    "lt_desktop.storage.models",
    "lt_desktop.storage.models.base",
    # Opened from the menu and by ``--smoke-test``, imported inside functions.
    "lt_desktop.ui.app",
    "lt_desktop.ui.guide",
    "lt_desktop.ui.smoke",
    "lt_desktop.core.demo",
]

#: Packages that import their own modules by name (reportlab's barcodes and font
#: tables; the command modules, imported when their command is chosen): every module
#: of theirs is bundled.
ALL_SUBMODULES = ["reportlab", "lt_desktop.cli.commands"]

#: Packages whose data files (not code) the app needs.
DATA_PACKAGES = [
    "reportlab",  # its standard font metrics and fonts
    "tzdata",  # time zones where the system has none (Windows)
]

#: Never needed: Qt modules the app does not use, and development tools.
EXCLUDES = [
    "tkinter",
    "PySide6.Qt3DAnimation",
    "PySide6.Qt3DCore",
    "PySide6.Qt3DExtras",
    "PySide6.Qt3DInput",
    "PySide6.Qt3DLogic",
    "PySide6.Qt3DRender",
    "PySide6.QtBluetooth",
    "PySide6.QtCharts",
    "PySide6.QtConcurrent",
    "PySide6.QtDataVisualization",
    "PySide6.QtDBus",
    "PySide6.QtDesigner",
    "PySide6.QtHelp",
    "PySide6.QtLabsStyleKit",
    "PySide6.QtLocation",
    "PySide6.QtMultimedia",
    "PySide6.QtMultimediaWidgets",
    "PySide6.QtNetwork",
    "PySide6.QtNetworkAuth",
    "PySide6.QtNfc",
    "PySide6.QtOpenGL",
    "PySide6.QtOpenGLWidgets",
    "PySide6.QtPdf",
    "PySide6.QtPdfWidgets",
    "PySide6.QtPositioning",
    "PySide6.QtPrintSupport",
    "PySide6.QtQml",
    "PySide6.QtQmlFeatures",
    "PySide6.QtQuick",
    "PySide6.QtQuick3D",
    "PySide6.QtQuickControls2",
    "PySide6.QtQuickTest",
    "PySide6.QtQuickWidgets",
    "PySide6.QtRemoteObjects",
    "PySide6.QtScxml",
    "PySide6.QtSensors",
    "PySide6.QtSerialBus",
    "PySide6.QtSerialPort",
    "PySide6.QtSpatialAudio",
    "PySide6.QtSql",
    "PySide6.QtStateMachine",
    "PySide6.QtSvgWidgets",
    "PySide6.QtTest",
    "PySide6.QtTextToSpeech",
    "PySide6.QtUiTools",
    "PySide6.QtWebChannel",
    "PySide6.QtWebEngineCore",
    "PySide6.QtWebEngineQuick",
    "PySide6.QtWebEngineWidgets",
    "PySide6.QtWebSockets",
    "PySide6.QtXml",
    "pytest",
    "hypothesis",
    "mypy",
    "pypdf",
]

#: Bundled files dropped by destination prefix: Qt's own translations (the app is in
#: English) would add megabytes for nothing.
DROPPED_DATA_PREFIXES = [
    "PySide6/Qt/translations/",  # Linux
    "PySide6/translations/",  # Windows
]

#: Qt plugins for set-ups the app never runs on (embedded framebuffers, VNC, touch
#: devices without a desktop), and GTK's theme, which would bring the build machine's
#: GTK and its graphics libraries along. Qt falls back to its own look without it.
DROPPED_QT_PLUGINS = [
    "egldeviceintegrations/",
    "generic/",
    "platforms/libqeglfs",
    "platforms/libqlinuxfb",
    "platforms/libqminimalegl",
    "platforms/libqvkkhrdisplay",
    "platforms/libqvnc",
    "platformthemes/libqgtk3",
]

#: Qt plugin folders the app cannot start without, checked in the built app.
REQUIRED_QT_PLUGINS = {
    "linux": ["platforms/libqxcb.so", "platforms/libqoffscreen.so", "imageformats"],
    "win32": ["platforms/qwindows.dll", "platforms/qoffscreen.dll", "imageformats"],
}


Entry = tuple[str, str, str]  # PyInstaller's (name in the app, source, kind)


def keep_data(entry: Entry) -> bool:
    name = entry[0].replace("\\", "/")
    return not any(name.startswith(prefix) for prefix in DROPPED_DATA_PREFIXES)


#: Where PySide6 keeps Qt's plugins: Linux wheels under Qt/, Windows wheels not.
QT_PLUGIN_FOLDERS = ["PySide6/Qt/plugins/", "PySide6/plugins/"]


def _dropped_plugin(name: str) -> bool:
    name = name.replace("\\", "/")
    return any(
        name.startswith(plugins + prefix)
        for plugins in QT_PLUGIN_FOLDERS
        for prefix in DROPPED_QT_PLUGINS
    )


def prune_binaries(
    binaries: list[Entry], imports_of: Callable[[str], Iterable[tuple[str, str | None]]]
) -> list[Entry]:
    """Leave out the dropped Qt plugins, then every library that only they needed.

    ``imports_of`` names the libraries a binary links to (PyInstaller's
    ``bindepend.get_imports``). A library nothing links to is kept: it may be loaded
    by name at run time.
    """

    def key(name: str) -> str:
        return Path(name.replace("\\", "/")).name.lower()

    needs = {
        entry[0]: {key(name) for name, _ in imports_of(entry[1])}
        for entry in binaries
        if entry[2] in ("BINARY", "EXTENSION")
    }
    removed = {entry[0] for entry in binaries if _dropped_plugin(entry[0])}
    while True:
        orphans = set()
        for entry in binaries:
            if entry[0] in removed:
                continue
            users = [other for other, wanted in needs.items() if key(entry[0]) in wanted]
            if users and all(user in removed for user in users):
                orphans.add(entry[0])
        if not orphans:
            break
        removed |= orphans
    return [entry for entry in binaries if entry[0] not in removed]


def app_version() -> str:
    """The version in ``lt_desktop/__init__.py``, read without importing the app."""
    text = (ROOT / "src" / "lt_desktop" / "__init__.py").read_text(encoding="utf-8")
    found = re.search(r'^__version__ = "([^"]+)"', text, re.MULTILINE)
    if found is None:
        raise RuntimeError("no __version__ in src/lt_desktop/__init__.py")
    return found.group(1)


def _files(folder: Path) -> list[Path]:
    return sorted(
        path
        for path in folder.rglob("*")
        if path.is_file() and "__pycache__" not in path.parts and path.suffix != ".pyc"
    )


def data_files() -> list[tuple[str, str]]:
    """(source file, folder inside the app) for the app's own files."""
    shipped = [
        (ROOT / "resources", "resources"),
        (ROOT / "migrations", "migrations"),
        (ROOT / "docs" / "screenshots", "docs/screenshots"),
    ]
    pairs: list[tuple[str, str]] = []
    for folder, target in shipped:
        for path in _files(folder):
            inside = Path(target) / path.relative_to(folder).parent
            pairs.append((str(path), inside.as_posix()))
    pairs.append((str(ROOT / "docs" / "user-guide.md"), "docs"))
    return pairs


def executable_path(dist: Path, *, windowed: bool = False) -> Path:
    """The built program inside ``dist``."""
    name = WINDOWED_NAME if windowed else APP_NAME
    suffix = ".exe" if sys.platform == "win32" else ""
    return dist / APP_NAME / f"{name}{suffix}"
