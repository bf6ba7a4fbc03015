"""Work off the GUI thread, results back on it.

Every call into the store runs on one worker thread, in the order submitted, so
the window never freezes on disk or key derivation and writes never race. The
result (or the error) comes back to the GUI thread through a queued signal.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from typing import Any

from lt_desktop.core.logs import log_refused, log_unexpected
from lt_desktop.domain.errors import LtError
from lt_desktop.ui.qt import QObject, QRunnable, QThreadPool, Signal, Slot

log = logging.getLogger(__name__)

Done = Callable[[Any], None]
Failed = Callable[[BaseException], None]


class _Relay(QObject):
    finished = Signal(object, object, object)  # callback, value, error


class _Job(QRunnable):
    def __init__(self, work: Callable[[], Any], relay: _Relay, callbacks: _Callbacks) -> None:
        super().__init__()
        self._work: Callable[[], Any] | None = work
        self._relay: _Relay | None = relay
        self._callbacks: _Callbacks | None = callbacks

    def run(self) -> None:
        # Taken out of the job as it starts: the pool may keep the job's Python object
        # after it has run, and with it whatever the work named (a workspace, its open
        # store and its key) long after a lock or a sign-out.
        work, relay, callbacks = self._work, self._relay, self._callbacks
        self._work = self._relay = self._callbacks = None
        assert work is not None and relay is not None, "a job runs once"
        try:
            value = work()
        except BaseException as error:  # noqa: BLE001 - handed to the GUI thread
            relay.finished.emit(callbacks, None, error)
        else:
            relay.finished.emit(callbacks, value, None)


class Runner(QObject):
    """Runs work in the background, one job at a time."""

    busy_changed = Signal(bool)
    failed = Signal(str)  # a message fit to show the user

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._pool = QThreadPool(self)
        self._pool.setMaxThreadCount(1)
        self._pending = 0
        self._lock = threading.Lock()
        self._relay = _Relay()
        self._relay.finished.connect(self._deliver)
        self._error_handlers: dict[int, Failed] = {}

    @property
    def idle(self) -> bool:
        return self._pending == 0

    def submit(
        self, work: Callable[[], Any], on_done: Done | None = None, on_error: Failed | None = None
    ) -> None:
        self._pending += 1
        if self._pending == 1:
            self.busy_changed.emit(True)
        self._pool.start(_Job(work, self._relay, _Callbacks(on_done, on_error)))

    @Slot(object, object, object)
    def _deliver(self, callbacks: _Callbacks, value: Any, error: BaseException | None) -> None:
        self._pending -= 1
        try:
            if error is None:
                if callbacks.on_done is not None:
                    callbacks.on_done(value)
            elif callbacks.on_error is not None:
                callbacks.on_error(error)
            else:
                self.failed.emit(describe_error(error))
        finally:
            if self._pending == 0:
                self.busy_changed.emit(False)

    def prepare(self, work: Callable[[], object]) -> None:
        """Run ``work`` on the worker, before any job submitted after it, without showing
        the app busy or reporting back: getting ready for what is likely to come (the
        screens imported while the sign-in window waits for a password). A sign-in asked
        for meanwhile waits for it, on the one worker, so no two threads import at once."""
        self._pool.start(_Quietly(work))

    def wait_for_done(self, milliseconds: int = 30_000) -> bool:
        """Block until queued jobs have run (for shutdown; results are still delivered
        through the event loop)."""
        return self._pool.waitForDone(milliseconds)


class _Quietly(QRunnable):
    """Work that shows nothing and reports nothing (see ``Runner.prepare``)."""

    def __init__(self, work: Callable[[], object]) -> None:
        super().__init__()
        self._work: Callable[[], object] | None = work

    def run(self) -> None:
        work, self._work = self._work, None
        assert work is not None, "a job runs once"
        try:
            work()
        except Exception as error:  # noqa: BLE001 - the work it prepared will fail and say so
            log_unexpected(log, "Getting ready in the background", error)


class _Callbacks:
    __slots__ = ("on_done", "on_error")

    def __init__(self, on_done: Done | None, on_error: Failed | None) -> None:
        self.on_done, self.on_error = on_done, on_error


def describe_error(error: BaseException) -> str:
    """What to tell the user about a failure."""
    if isinstance(error, LtError):
        log_refused(log, "A task in the app", error)
        return str(error)
    log_unexpected(log, "A background task", error)
    return (
        "Something went wrong that LT Desktop did not expect. Nothing was half-saved; "
        "try again, and if it happens again, tell your administrator (details are in the log)."
    )
