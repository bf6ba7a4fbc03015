"""What the person is told when something goes wrong that the app did not expect.

Every such error is logged. The person is told once per kind of error, in one box at
a time, and never from inside the call that failed: an error while a table is being
painted would otherwise open a box, whose opening paints the table again, which
fails again, and so on until the window stops answering.
"""

from __future__ import annotations

import logging
import traceback
from collections.abc import Callable
from types import TracebackType

from lt_desktop.core.logs import log_unexpected
from lt_desktop.ui.qt import QMessageBox, QTimer, QWidget

log = logging.getLogger(__name__)

MESSAGE = (
    "Something went wrong that LT Desktop did not expect. Nothing was half-saved. "
    "If it happens again, tell your administrator (details are in the log)."
)


def _where(error: BaseException, tb: TracebackType | None) -> tuple[str, str, int]:
    """The kind of error and the line it came from: the same fault painting every
    row is one fault."""
    frames = traceback.extract_tb(tb) if tb is not None else []
    last = frames[-1] if frames else None
    return (
        type(error).__qualname__,
        last.filename if last else "",
        last.lineno or 0 if last else 0,
    )


class UnexpectedErrors:
    """An ``excepthook`` that logs every unexpected error and tells the person calmly."""

    def __init__(
        self,
        parent: Callable[[], QWidget | None] = lambda: None,
        tell: Callable[[QWidget | None, str], object] | None = None,
    ) -> None:
        self._parent = parent
        self._tell = tell or (lambda widget, text: QMessageBox.critical(widget, "LT Desktop", text))
        self._told: set[tuple[str, str, int]] = set()
        self._waiting = False
        self._showing = False

    def __call__(
        self,
        kind: type[BaseException],
        error: BaseException,
        tb: TracebackType | None,
    ) -> None:
        log_unexpected(log, "The app", error)
        where = _where(error, tb)
        if where in self._told:
            return
        self._told.add(where)
        if self._showing or self._waiting:
            return
        self._waiting = True
        QTimer.singleShot(0, self._show)

    def _show(self) -> None:
        self._waiting = False
        self._showing = True
        try:
            self._tell(self._parent(), MESSAGE)
        finally:
            self._showing = False
