"""Driving the real app window on a real encrypted store, as a person would."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TypeVar

import pytest
import shiboken6
from pytestqt.qtbot import QtBot

from lt_desktop.ui.controller import AppController
from lt_desktop.ui.main_window import MainWindow
from lt_desktop.ui.qt import QApplication, QEvent, QMenu, Qt, QTimer, QWidget
from lt_desktop.ui.screens.base import Screen
from lt_desktop.ui.screens.sessions import SessionsScreen
from lt_desktop.ui.style import apply_style
from lt_desktop.ui.views.register import RegisterView

ScreenT = TypeVar("ScreenT", bound=Screen)

#: The controllers of the windows a test opened, deleted after it.
_controllers_opened: list[AppController] = []


@pytest.fixture(autouse=True)
def _windows_and_controllers_deleted(qapp: QApplication) -> Iterator[None]:
    """After each test, once pytest-qt has closed its windows: delete them, and the
    controllers behind them.

    With no event loop running between tests, Qt never gets round to a window's
    ``deleteLater``. And a controller's signals hold lambdas that hold screens or the
    window, which hold the controller: a loop through Qt's own memory that Python's
    cycle collector cannot see. Left, every window a test opened stayed for the rest
    of the run with its screens and models, and a process running hundreds of tests
    grew by gigabytes, each cycle collection slower than the last."""
    yield
    QApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
    while _controllers_opened:
        controller = _controllers_opened.pop()
        if shiboken6.isValid(controller):
            shiboken6.delete(controller)


class Driver:
    """What the tests do with the window: sign in, open screens, answer dialogs."""

    def __init__(self, qtbot: QtBot, controller: AppController, window: MainWindow) -> None:
        self.qtbot, self.controller, self.window = qtbot, controller, window

    def settle(self) -> None:
        """Wait until the window has nothing left to do: no work running, and no
        register marks waiting to be saved."""

        def quiet() -> bool:
            registers = self.window.findChildren(RegisterView)
            return self.controller.runner.idle and not any(
                register.has_unsaved_marks for register in registers
            )

        self.qtbot.waitUntil(quiet, timeout=20_000)
        QApplication.processEvents()

    def sign_in(self, username: str, password: str) -> None:
        screen = self.window.unlock_screen
        screen.username.clear()  # it may hold the name remembered from the last sign-in
        self.qtbot.keyClicks(screen.username, username)
        self.qtbot.keyClicks(screen.password, password)
        self.qtbot.mouseClick(screen.sign_in_button, Qt.MouseButton.LeftButton)
        self.settle()

    def open(self, screen_class: type[ScreenT]) -> ScreenT:
        view = self.window.workspace_view
        assert view is not None, "not signed in"
        screen = view.open(screen_class)
        assert isinstance(screen, screen_class), f"{screen_class.__name__} is not offered"
        self.settle()
        return screen

    def nav_titles(self) -> list[str]:
        view = self.window.workspace_view
        assert view is not None
        return [view.nav.item(row).text() for row in range(view.nav.count())]

    def answer_next_dialog(self, handler: Callable[[QWidget], object]) -> None:
        """Run ``handler`` on the next modal dialog, inside its own event loop."""
        when_shown(QWidget, handler)


def when_shown(kind: type[QWidget], handler: Callable[[QWidget], object]) -> None:
    """Run ``handler`` on the next modal window of ``kind``, inside its own event loop."""

    def poll() -> None:
        dialog = QApplication.activeModalWidget()
        if not isinstance(dialog, kind) or not dialog.isVisible():
            QTimer.singleShot(20, poll)
            return
        try:
            handler(dialog)
        except BaseException:
            dialog.close()  # a failed step must not leave the test waiting on a dialog
            raise

    QTimer.singleShot(0, poll)


def answer_next_menu(qtbot: QtBot, *keys: Qt.Key) -> None:
    """Press ``keys`` in the next popup menu, once it is open."""

    def press() -> None:
        menu = QApplication.activePopupWidget()
        if not isinstance(menu, QMenu):
            QTimer.singleShot(10, press)
            return
        for key in keys:
            qtbot.keyClick(menu, key)

    QTimer.singleShot(0, press)


def open_upcoming_register(driver: Driver) -> SessionsScreen:
    """The autumn cohort's first register not yet taken, opened on the Sessions screen."""
    screen = driver.open(SessionsScreen)
    assert isinstance(screen, SessionsScreen)
    index = next(
        i for i in range(screen.cohort.count()) if "September" in screen.cohort.itemText(i)
    )
    screen.cohort.setCurrentIndex(index)
    driver.settle()
    row = next(
        i for i, s in enumerate(screen.sessions.rows) if s.marks_taken == 0 and not s.is_cancelled
    )
    screen.table.selectRow(row)
    driver.settle()
    return screen


@pytest.fixture
def driver(qtbot: QtBot, demo_dir: Path) -> Iterator[Driver]:
    with window_on(qtbot, demo_dir) as opened:
        yield opened


@contextmanager
def window_on(qtbot: QtBot, folder: Path) -> Iterator[Driver]:
    """The app's window on the store in ``folder``, closed (and the store with it) after."""
    app = QApplication.instance()
    assert isinstance(app, QApplication)
    apply_style(app)
    controller = AppController(folder)
    _controllers_opened.append(controller)
    if controller.has_store():
        controller.open_store()
    window = MainWindow(controller)
    qtbot.addWidget(window)
    window.show()
    try:
        yield Driver(qtbot, controller, window)
    finally:
        controller.shutdown()
        app.removeEventFilter(controller.idle)


@pytest.fixture
def empty_driver(qtbot: QtBot, store_dir: Path) -> Iterator[Driver]:
    with window_on(qtbot, store_dir) as opened:
        yield opened


def all_visible_text() -> str:
    """Every piece of text any widget of the app shows or holds right now."""
    from lt_desktop.ui.qt import (
        QAbstractItemView,
        QAbstractListModel,
        QLabel,
        QLineEdit,
        QModelIndex,
        QPlainTextEdit,
    )

    parts: list[str] = []
    for widget in QApplication.allWidgets():
        parts.append(widget.windowTitle())
        if isinstance(widget, QLabel):
            parts.append(widget.text())
        elif isinstance(widget, QLineEdit):
            parts.append(widget.text())
        elif isinstance(widget, QPlainTextEdit):
            parts.append(widget.toPlainText())
        elif isinstance(widget, QAbstractItemView) and widget.model() is not None:
            model = widget.model()
            columns = (
                1 if isinstance(model, QAbstractListModel) else model.columnCount(QModelIndex())
            )
            for row in range(model.rowCount(QModelIndex())):
                for column in range(columns):
                    value = model.index(row, column).data()
                    if value is not None:
                        parts.append(str(value))
    return "\n".join(parts)
