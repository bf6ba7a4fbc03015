"""Render the app as people with a dark desktop or large text see it, into docs/screenshots/.

    QT_QPA_PLATFORM=offscreen .venv/bin/python scripts/screenshot_variants.py

dark.png is the Cohorts screen on a dark palette; large-font.png the same screen with the
desktop's text one and a half times its usual size; laptop.png a facilitator's register
on a 1366×768 laptop set to 150 % (made in a second process, since the scale is fixed
when Qt starts). Run it after changing colours, sizes
or a screen's layout, then look at the pictures.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from lt_desktop.core.demo import build_demo_store  # noqa: E402
from lt_desktop.ui.colours import dark_palette  # noqa: E402
from lt_desktop.ui.controller import AppController  # noqa: E402
from lt_desktop.ui.main_window import MainWindow  # noqa: E402
from lt_desktop.ui.qt import QApplication  # noqa: E402
from lt_desktop.ui.screens.cohorts import CohortsScreen  # noqa: E402
from lt_desktop.ui.style import app_icon, apply_style  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parent))
from screenshots import take_part_of_todays_register  # noqa: E402

OUT = Path(__file__).resolve().parent.parent / "docs" / "screenshots"


def settle(app: QApplication, controller: AppController, seconds: float = 0.4) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline or not controller.runner.idle:
        app.processEvents()
        time.sleep(0.01)


def picture(
    app: QApplication,
    store: Path,
    name: str,
    *,
    username: str = "demo",
    size: tuple[int, int] = (1366, 768),
    screen: type | None = CohortsScreen,
) -> None:
    """Sign in afresh, so every widget is made with the palette and font now in use."""
    controller = AppController(store)
    controller.open_store()
    window = MainWindow(controller)
    window.resize(*size)
    window.show()
    settle(app, controller)
    window.unlock_screen.username.setText(username)
    window.unlock_screen.password.setText("demo")
    window.unlock_screen.sign_in_button.click()
    settle(app, controller, 1.0)
    view = window.workspace_view
    assert view is not None
    if screen is not None:
        view.open(screen)
    settle(app, controller, 1.0)
    window.grab().save(str(OUT / name))
    print(f"saved {name}")
    controller.shutdown()
    window.close()
    window.deleteLater()
    settle(app, controller)


def laptop_picture(store: Path) -> None:
    """The register a facilitator lands on, at 150 % on a 1366×768 screen: 911×512 of
    Qt's own units, drawn 1.5 times over."""
    app = QApplication(sys.argv[:1])
    app.setWindowIcon(app_icon())
    apply_style(app)
    picture(app, store, "laptop.png", username="facilitator", size=(911, 512), screen=None)


def main() -> int:
    if len(sys.argv) == 3 and sys.argv[1] == "--laptop":
        laptop_picture(Path(sys.argv[2]))
        return 0
    app = QApplication(sys.argv)
    app.setWindowIcon(app_icon())
    apply_style(app)
    OUT.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as folder:
        os.environ.setdefault("LT_DESKTOP_TEST_KDF", "cheap")
        # The remembered user name goes here, not to the profile of whoever runs this.
        os.environ["LT_DESKTOP_SETTINGS"] = str(Path(folder) / "settings")
        store = Path(folder) / "store"
        build_demo_store(store)
        usual_palette, usual_font = app.palette(), app.font()

        app.setPalette(dark_palette())
        picture(app, store, "dark.png")

        app.setPalette(usual_palette)
        large = app.font()
        large.setPointSizeF(usual_font.pointSizeF() * 1.5)
        app.setFont(large)
        picture(app, store, "large-font.png")
        take_part_of_todays_register(store)
        subprocess.run(
            [sys.executable, __file__, "--laptop", str(store)],
            env={**os.environ, "QT_SCALE_FACTOR": "1.5"},
            check=True,
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
