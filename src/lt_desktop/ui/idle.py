"""Locks the window after a spell with no keyboard or mouse activity, and warns a
minute before, so whoever is at the keyboard can stay signed in with a key press."""

from __future__ import annotations

import math
import time

from lt_desktop.ui.qt import QEvent, QObject, QTimer, Signal

#: How long before the lock the warning shows (at most half the idle time).
WARNING_MS = 60_000

_ACTIVITY = {
    QEvent.Type.KeyPress,
    QEvent.Type.MouseButtonPress,
    QEvent.Type.MouseMove,
    QEvent.Type.Wheel,
    QEvent.Type.TouchBegin,
}


def warning_text(seconds: int) -> str:
    unit = "second" if seconds == 1 else "seconds"
    return f"Locking in {seconds} {unit}: move the mouse or press a key to stay signed in."


class IdleWatcher(QObject):
    idle = Signal()
    #: The lock is near: whole seconds left. Sent when the warning starts, then each second.
    warning = Signal(int)
    #: Someone moved the mouse or pressed a key in time, or the watch stopped.
    warning_over = Signal()

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._quiet = QTimer(self)  # until the warning
        self._quiet.setSingleShot(True)
        self._quiet.timeout.connect(self._start_warning)
        self._tick = QTimer(self)  # the countdown, then the lock
        self._tick.setSingleShot(True)
        self._tick.timeout.connect(self._count_down)
        self._warning_ms = 0
        self._deadline = 0.0

    def start(self, milliseconds: int) -> None:
        self._end_warning()
        self._warning_ms = min(WARNING_MS, milliseconds // 2)
        self._quiet.start(milliseconds - self._warning_ms)

    def stop(self) -> None:
        self._quiet.stop()
        self._end_warning()

    @property
    def active(self) -> bool:
        return self._quiet.isActive() or self._tick.isActive()

    def _start_warning(self) -> None:
        self._deadline = time.monotonic() + self._warning_ms / 1000
        self._count_down()

    def _count_down(self) -> None:
        left_ms = (self._deadline - time.monotonic()) * 1000
        if left_ms <= 0:
            self._tick.stop()
            self.idle.emit()
            return
        seconds = math.ceil(left_ms / 1000)
        self.warning.emit(seconds)
        # Next when the whole seconds shown change.
        self._tick.start(max(1, math.ceil(left_ms - (seconds - 1) * 1000)))

    def _end_warning(self) -> None:
        if self._tick.isActive():
            self._tick.stop()
            self.warning_over.emit()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt API
        if event.type() in _ACTIVITY:
            if self._tick.isActive():
                self._end_warning()
                self._quiet.start()  # the same quiet spell again, then the warning
            elif self._quiet.isActive():
                self._quiet.start()
        return False
