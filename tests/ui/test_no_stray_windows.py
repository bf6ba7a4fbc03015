"""Signing in opens no window but the main one, and leaves the keyboard somewhere useful.

A control told to show before it sits in a window becomes a window of its own: it
flashes on screen, takes the keyboard focus with it, and leaves the main window
with none.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from pytestqt.qtbot import QtBot

from lt_desktop.ui.main_window import MainWindow
from lt_desktop.ui.qt import QApplication, QEvent, QMenu, QObject, Qt, QWidget
from tests.ui.conftest import window_on

ROLES = ["demo", "staff", "facilitator", "marker", "researcher"]


class _WindowsShown(QObject):
    """Every window shown while installed, apart from the main window, menus and tooltips."""

    def __init__(self) -> None:
        super().__init__()
        self.shown: list[str] = []

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt API
        if (
            event.type() == QEvent.Type.Show
            and isinstance(watched, QWidget)
            and watched.isWindow()
            and not isinstance(watched, MainWindow)
            and not isinstance(watched, QMenu)
            and watched.windowType() not in (Qt.WindowType.ToolTip, Qt.WindowType.Popup)
        ):
            self.shown.append(f"{type(watched).__name__} {watched.accessibleName()!r}")
        return False


@contextmanager
def _watching_windows() -> Iterator[_WindowsShown]:
    app = QApplication.instance()
    assert app is not None
    watcher = _WindowsShown()
    app.installEventFilter(watcher)
    try:
        yield watcher
    finally:
        app.removeEventFilter(watcher)


def test_no_window_but_the_main_one_opens_while_building_and_signing_in_as_each_role(
    qtbot: QtBot, demo_dir: Path
) -> None:
    with _watching_windows() as watcher:
        with window_on(qtbot, demo_dir) as driver:
            for username in ROLES:
                driver.sign_in(username, "demo")
                assert driver.window.workspace_view is not None, username
                assert watcher.shown == [], f"signing in as {username}"
                driver.controller.lock()
                driver.settle()
        assert watcher.shown == []


def test_after_signing_in_the_keyboard_is_in_the_main_window(qtbot: QtBot, demo_dir: Path) -> None:
    """The section list has it, to choose where to go with the arrow keys, unless the
    screen shown first puts it straight on its own work (the register, once loaded).
    Never on a screen out of sight."""
    with window_on(qtbot, demo_dir) as driver:
        for username in ROLES:
            driver.sign_in(username, "demo")
            view = driver.window.workspace_view
            assert view is not None
            focused = QApplication.focusWidget()
            assert focused is not None, f"no keyboard focus after signing in as {username}"
            assert focused.window() is driver.window, username
            shown = view.screens[view.nav.currentRow()]
            assert focused is view.nav or shown.isAncestorOf(focused), username
            assert focused.isVisible(), username
            if username == "demo":
                assert focused is view.nav
            driver.controller.lock()
            driver.settle()
