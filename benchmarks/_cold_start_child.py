"""Started as a fresh process by app_bench and startup_bench: opens the app's window on a
store and prints when the sign-in window is on screen, then quits.

    _cold_start_child.py FOLDER [USER PASSWORD [SECONDS]]

With a user and password it also signs in, as the first sign-in of a fresh app, SECONDS
after the window is shown (default 0; a person takes a few to type), and prints how long it
took from pressing Sign in to the first screen shown.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path


def main() -> int:
    from lt_desktop.ui.app import start
    from lt_desktop.ui.controller import AppController
    from lt_desktop.ui.qt import QApplication, QTimer
    from lt_desktop.ui.style import apply_style

    app = QApplication(sys.argv[:1])
    apply_style(app)
    controller = AppController(Path(sys.argv[1]))
    window = start(controller)
    assert window is not None
    signing_in = sys.argv[2:4]
    typing = float(sys.argv[4]) if len(sys.argv) > 4 else 0.0

    def shown() -> None:
        print(f"shown {time.time():.6f}", flush=True)
        if signing_in:
            QTimer.singleShot(round(typing * 1000), sign_in)
        else:
            finish()

    def sign_in() -> None:
        screen = window.unlock_screen
        screen.username.setText(signing_in[0])
        screen.password.setText(signing_in[1])
        started = time.perf_counter()
        screen.sign_in_button.click()

        def signed_in() -> None:
            if window.workspace_view is None or not controller.runner.idle:
                QTimer.singleShot(1, signed_in)
                return
            app.processEvents()
            print(f"signed_in {time.perf_counter() - started:.6f}", flush=True)
            finish()

        QTimer.singleShot(1, signed_in)

    def finish() -> None:
        controller.shutdown()
        app.quit()

    QTimer.singleShot(0, shown)
    return app.exec()


if __name__ == "__main__":
    raise SystemExit(main())
