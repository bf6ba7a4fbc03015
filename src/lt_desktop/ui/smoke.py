"""``lt-desktop --smoke-test``: start the app for real, then quit.

For checking an installation or a built app without anyone at the keyboard: on
``--data-dir`` (else a temporary folder) it makes a demo store if there is none,
opens the window on it, signs in as the demo account when the store has one, lets
the first screen load, and closes the window. Exit status 0 means all of that
worked. Nothing it prints comes from the store.
"""

from __future__ import annotations

import logging
import sys
import tempfile
import time
from pathlib import Path
from types import TracebackType

from lt_desktop import __version__
from lt_desktop.core.logs import log_unexpected
from lt_desktop.domain.errors import LtError
from lt_desktop.ui.qt import QApplication, QGuiApplication, QTimer

log = logging.getLogger(__name__)

#: Give up (exit 1) if the app has not signed in and settled by then.
TIME_LIMIT_MS = 120_000


def run_smoke_test(data_dir: Path | None) -> int:
    """Run on ``data_dir``, or on a temporary folder removed afterwards, so that a
    smoke test never puts a demo store where a real one is expected."""
    if data_dir is not None:
        return _run(data_dir)
    with tempfile.TemporaryDirectory(
        prefix="lt-desktop-smoke-", ignore_cleanup_errors=True
    ) as folder:
        return _run(Path(folder) / "store")


def _run(data_dir: Path) -> int:
    started = time.monotonic()
    say(f"LT Desktop {__version__}: smoke test on {data_dir}")
    from lt_desktop.core.front_door import has_store

    if not has_store(data_dir):
        from lt_desktop.core.demo import build_demo_store

        data_dir.mkdir(parents=True, exist_ok=True)
        build_demo_store(data_dir)
        say("made a demo store of made-up people")

    app = QApplication.instance() or QApplication(sys.argv)
    assert isinstance(app, QApplication)
    app.setApplicationName("LT Desktop")
    app.setOrganizationName("Learning Together")

    from lt_desktop.ui.app import start
    from lt_desktop.ui.controller import AppController
    from lt_desktop.ui.style import apply_style

    apply_style(app)
    controller = AppController(data_dir)
    try:
        controller.open_store()  # here, so a refusal is printed rather than shown in a dialog
    except LtError as error:
        say(f"failed: the store did not open: {error}")
        return 1
    window = start(controller)
    if window is None:
        say("failed: the window did not open")
        controller.shutdown()
        return 1
    say(f"the window is up ({QGuiApplication.platformName()} platform)")

    outcome = _Outcome(app)
    sys.excepthook = outcome.unexpected

    def settle() -> None:
        if not controller.runner.idle:
            QTimer.singleShot(50, settle)
            return
        view = window.workspace_view
        screens = len(view.screen_classes) if view is not None else 0
        say(f"signed in as the demo account: {screens} screens, the first one loaded")
        window.close()
        outcome.finish(0)

    def begin() -> None:
        door = controller.door
        if door is None or door.key_file.slot_for_user("demo") is None:
            say("the store has no demo account: the sign-in screen was shown, nothing more")
            window.close()
            outcome.finish(0)
            return
        from lt_desktop.core.demo import DEMO_PASSWORD

        controller.signed_in.connect(lambda: QTimer.singleShot(0, settle))
        controller.sign_in(
            "demo", DEMO_PASSWORD, lambda message: outcome.fail(f"sign-in failed: {message}")
        )

    QTimer.singleShot(0, begin)  # runs once the event loop has started
    QTimer.singleShot(TIME_LIMIT_MS, lambda: outcome.fail("timed out"))
    try:
        code = app.exec()
    finally:
        controller.shutdown()
    say(f"{'closed cleanly' if code == 0 else 'failed'} after {time.monotonic() - started:.1f} s")
    return code


class _Outcome:
    def __init__(self, app: QApplication) -> None:
        self._app = app
        self._done = False

    def finish(self, code: int) -> None:
        if not self._done:
            self._done = True
            self._app.exit(code)

    def fail(self, why: str) -> None:
        say(f"failed: {why}")
        self.finish(1)

    def unexpected(
        self, kind: type[BaseException], error: BaseException, tb: TracebackType | None
    ) -> None:
        log_unexpected(log, "The smoke test", error)
        self.fail(f"unexpected {kind.__name__} (where is in the log)")


def say(line: str) -> None:
    # A windowed build on Windows has no console: print() then does nothing.
    print(line, flush=True)
