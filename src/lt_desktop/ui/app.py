"""Starting the desktop app."""

from __future__ import annotations

import sys
from pathlib import Path

from lt_desktop import __version__
from lt_desktop.core.errors import LtError
from lt_desktop.core.logs import configure_logging
from lt_desktop.core.sign_in import sign_in_at
from lt_desktop.core.workspace import Workspace
from lt_desktop.storage.store import LockedStore
from lt_desktop.ui.qt import (
    QApplication,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QMainWindow,
    QMessageBox,
    QVBoxLayout,
    QWidget,
)


class UnlockDialog(QDialog):
    def __init__(self, door: LockedStore) -> None:
        super().__init__()
        self.setWindowTitle("LT Desktop: sign in")
        self._door = door
        self.workspace: Workspace | None = None
        self.username = QLineEdit()
        self.username.setAccessibleName("User name")
        self.password = QLineEdit()
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.password.setAccessibleName("Password")
        self.message = QLabel()
        self.message.setWordWrap(True)
        form = QFormLayout()
        form.addRow("&User name", self.username)
        form.addRow("&Password", self.password)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText("Sign in")
        buttons.accepted.connect(self._try_sign_in)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.message)
        layout.addWidget(buttons)

    def _try_sign_in(self) -> None:
        try:
            self.workspace = sign_in_at(self._door, self.username.text(), self.password.text())
        except LtError as error:
            self.message.setText(str(error))
            self.password.clear()
            self.password.setFocus()
            return
        self.accept()


class MainWindow(QMainWindow):
    def __init__(self, workspace: Workspace) -> None:
        super().__init__()
        self.workspace = workspace
        self.setWindowTitle(f"LT Desktop {__version__}: {workspace.store.site.name}")
        body = QWidget()
        layout = QVBoxLayout(body)
        layout.addWidget(QLabel(f"Signed in as {workspace.actor.display_name}."))
        self.setCentralWidget(body)


def run_app(data_dir: Path) -> int:
    app = QApplication.instance() or QApplication(sys.argv)
    app.setApplicationName("LT Desktop")
    try:
        door = LockedStore(data_dir)
    except LtError as error:
        QMessageBox.critical(None, "LT Desktop", str(error))
        return 1
    configure_logging(door.folder.logs)
    dialog = UnlockDialog(door)
    if dialog.exec() != QDialog.DialogCode.Accepted or dialog.workspace is None:
        door.release()
        return 0
    window = MainWindow(dialog.workspace)
    window.show()
    try:
        return app.exec()
    finally:
        dialog.workspace.close()
