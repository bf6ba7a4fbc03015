"""The app shows its sign-in window first and gets the screens ready behind it."""

from __future__ import annotations

import threading
from pathlib import Path

from pytestqt.qtbot import QtBot

from lt_desktop.ui.app import start
from lt_desktop.ui.controller import AppController
from lt_desktop.ui.qt import QApplication, Qt
from lt_desktop.ui.runner import Runner
from lt_desktop.ui.screens.overview import OverviewScreen
from tests.cli.support import DEMO_PASSWORD, DEMO_USER
from tests.ui.conftest import Driver


def test_the_sign_in_window_gets_ready_quietly_and_signs_in(qtbot: QtBot, demo_dir: Path) -> None:
    controller = AppController(demo_dir)
    window = start(controller)
    assert window is not None
    qtbot.addWidget(window)
    try:
        assert window.isVisible() and window.workspace_view is None
        assert window.busy.text() == ""  # getting ready shows nothing
        assert controller.runner.idle
        driver = Driver(qtbot, controller, window)
        screen = window.unlock_screen
        screen.username.clear()
        qtbot.keyClicks(screen.username, DEMO_USER)
        qtbot.keyClicks(screen.password, DEMO_PASSWORD)
        qtbot.mouseClick(screen.sign_in_button, Qt.MouseButton.LeftButton)
        driver.settle()
        view = window.workspace_view
        assert view is not None
        assert isinstance(view.stack.currentWidget(), OverviewScreen)
    finally:
        controller.shutdown()
        app = QApplication.instance()
        assert app is not None
        app.removeEventFilter(controller.idle)


def test_what_is_prepared_runs_first_on_the_one_worker(qtbot: QtBot) -> None:
    runner = Runner()
    order: list[str] = []
    threads: set[int] = set()
    release = threading.Event()
    busy: list[bool] = []
    runner.busy_changed.connect(busy.append)

    def prepare() -> None:
        release.wait(5)
        threads.add(threading.get_ident())
        order.append("prepared")

    def job() -> str:
        threads.add(threading.get_ident())
        order.append("job")
        return "done"

    done: list[str] = []
    runner.prepare(prepare)
    assert runner.idle and busy == []  # nothing shown for getting ready
    runner.submit(job, done.append)
    release.set()
    qtbot.waitUntil(lambda: done == ["done"], timeout=10_000)
    assert order == ["prepared", "job"]
    assert len(threads) == 1 and threading.get_ident() not in threads
    assert busy == [True, False]  # for the job only
    runner.wait_for_done()


def test_a_failure_while_getting_ready_is_left_to_the_work_itself(qtbot: QtBot) -> None:
    runner = Runner()
    failed: list[str] = []
    runner.failed.connect(failed.append)

    def broken() -> None:
        raise RuntimeError("not ready")

    runner.prepare(broken)
    done: list[int] = []
    runner.submit(lambda: 1, done.append)
    qtbot.waitUntil(lambda: done == [1], timeout=10_000)
    assert failed == []
    runner.wait_for_done()
