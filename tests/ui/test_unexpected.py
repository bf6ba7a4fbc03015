"""An unexpected error is logged and told once, calmly, however often it happens."""

from __future__ import annotations

import sys

import pytest
from pytestqt.qtbot import QtBot

from lt_desktop.ui.qt import QApplication, QEventLoop, QTimer, QWidget
from lt_desktop.ui.unexpected import MESSAGE, UnexpectedErrors


class BrokenPainting(QWidget):
    """A widget that fails every time it is painted, as the register once did."""

    def paintEvent(self, event: object) -> None:  # noqa: N802 - Qt API
        raise AttributeError("'str' object has no attribute 'label'")


@pytest.mark.qt_no_exception_capture
def test_an_error_while_painting_opens_one_box_not_one_per_paint(
    qtbot: QtBot, monkeypatch: pytest.MonkeyPatch
) -> None:
    widget = BrokenPainting()
    qtbot.addWidget(widget)
    told: list[str] = []

    def tell(_parent: QWidget | None, text: str) -> None:
        told.append(text)
        # A box opening over the window has it painted again: the same error, again.
        widget.update()
        run_the_event_loop(50)

    reporter = UnexpectedErrors(tell=tell)
    monkeypatch.setattr(sys, "excepthook", reporter)
    widget.show()
    for _ in range(5):
        widget.update()
        run_the_event_loop(20)
    widget.update()
    run_the_event_loop(100)
    assert told == [MESSAGE]


def run_the_event_loop(milliseconds: int) -> None:
    """Spin an event loop as the app's own does, where errors reach the hook."""
    loop = QEventLoop()
    QTimer.singleShot(milliseconds, loop.quit)
    loop.exec()


def test_a_different_error_is_told_once_the_first_box_is_closed(qtbot: QtBot) -> None:
    told: list[str] = []
    reporter = UnexpectedErrors(tell=lambda _parent, text: told.append(text))

    def fail(error: BaseException) -> None:
        try:
            raise error
        except BaseException as caught:  # noqa: BLE001 - handed to the hook as Qt would
            reporter(type(caught), caught, caught.__traceback__)

    fail(ValueError("first"))
    fail(ValueError("first"))
    qtbot.waitUntil(lambda: len(told) == 1)
    fail(KeyError("second"))
    qtbot.waitUntil(lambda: len(told) == 2)
    QApplication.processEvents()
    assert len(told) == 2
