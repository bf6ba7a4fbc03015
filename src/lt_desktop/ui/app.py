"""Starting the desktop app."""

from __future__ import annotations

import logging
import sys
from pathlib import Path

from lt_desktop.core.front_door import use_private_umask
from lt_desktop.core.logs import configure_logging
from lt_desktop.domain.errors import LtError, StoreCorrupt
from lt_desktop.ui.controller import AppController
from lt_desktop.ui.main_window import MainWindow
from lt_desktop.ui.qt import QApplication, QMessageBox, QWizard
from lt_desktop.ui.style import app_icon, apply_style
from lt_desktop.ui.unexpected import UnexpectedErrors

log = logging.getLogger(__name__)


def start(controller: AppController) -> MainWindow | None:
    """Show the first window: set-up on a first run, otherwise sign-in.

    Returns the main window, or None when the person closed set-up or the store
    could not be opened (they have been told why).
    """
    if not controller.has_store():
        from lt_desktop.ui.setup_wizard import SetupWizard

        wizard = SetupWizard(controller)
        window = MainWindow(controller)
        if wizard.exec() != QWizard.DialogCode.Accepted or controller.workspace is None:
            controller.shutdown()
            return None
        window.show()
        return window
    damaged = ""
    try:
        controller.open_store()
    except StoreCorrupt as error:
        damaged = str(error)  # offered a restore below, rather than turned away
    except LtError as error:
        QMessageBox.critical(None, "LT Desktop", str(error))
        return None
    configure_logging(controller.data_dir / "logs")
    window = MainWindow(controller)
    if damaged:
        window.show_damaged_store(damaged)
    window.show()
    controller.prepare_sign_in()
    return window


def run_app(data_dir: Path) -> int:
    use_private_umask()
    app = QApplication.instance() or QApplication(sys.argv)
    assert isinstance(app, QApplication)
    app.setApplicationName("LT Desktop")
    app.setOrganizationName("Learning Together")
    app.setWindowIcon(app_icon())
    apply_style(app)
    controller = AppController(data_dir)
    sys.excepthook = UnexpectedErrors(QApplication.activeWindow)
    window = start(controller)
    if window is None:
        return 1 if controller.has_store() and controller.door is None else 0
    try:
        return app.exec()
    finally:
        controller.shutdown()
