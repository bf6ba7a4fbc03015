"""Started as a fresh process by app_bench: opens the app's window on a store and
prints when the sign-in window is on screen, then quits."""

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

    def shown() -> None:
        print(f"shown {time.time():.6f}", flush=True)
        controller.shutdown()
        app.quit()

    QTimer.singleShot(0, shown)
    return app.exec()


if __name__ == "__main__":
    raise SystemExit(main())
