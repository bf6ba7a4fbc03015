"""Locks the window after a spell with no keyboard or mouse activity."""

from __future__ import annotations

from lt_desktop.ui.qt import QEvent, QObject, QTimer, Signal

_ACTIVITY = {
    QEvent.Type.KeyPress,
    QEvent.Type.MouseButtonPress,
    QEvent.Type.MouseMove,
    QEvent.Type.Wheel,
    QEvent.Type.TouchBegin,
}


class IdleWatcher(QObject):
    idle = Signal()

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.timeout.connect(self.idle)

    def start(self, milliseconds: int) -> None:
        self._timer.start(milliseconds)

    def stop(self) -> None:
        self._timer.stop()

    @property
    def active(self) -> bool:
        return self._timer.isActive()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt API
        if event.type() in _ACTIVITY and self._timer.isActive():
            self._timer.start()  # restart with the same interval
        return False
