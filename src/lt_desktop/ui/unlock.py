"""The sign-in screen, shown at start and whenever the window is locked.

It shows nothing from the store: no names, not even who was signed in before.
"""

from __future__ import annotations

from lt_desktop.core.passwords import check_password
from lt_desktop.ui.controller import AppController
from lt_desktop.ui.qt import (
    QFormLayout,
    QFrame,
    QLineEdit,
    QPushButton,
    Qt,
    QVBoxLayout,
    QWidget,
)
from lt_desktop.ui.widgets import Banner, FormDialog, Tone, heading, muted


class UnlockScreen(QWidget):
    def __init__(self, controller: AppController, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._controller = controller
        self.title = heading("Sign in to LT Desktop")
        self.subtitle = muted("")
        self.username = QLineEdit()
        self.username.setAccessibleName("User name")
        self.password = QLineEdit()
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.password.setAccessibleName("Password")
        self.sign_in_button = QPushButton("Sign in")
        self.sign_in_button.setAccessibleName("Sign in")
        self.sign_in_button.setDefault(True)
        self.sign_in_button.clicked.connect(self._sign_in)
        self.password.returnPressed.connect(self._sign_in)
        self.username.returnPressed.connect(self.password.setFocus)
        self.forgot_button = QPushButton("Forgot your password?")
        self.forgot_button.setFlat(True)
        self.forgot_button.setAccessibleName("Forgot your password: use the recovery key")
        self.forgot_button.clicked.connect(self._recover)
        self.banner = Banner()
        self.restore_button = QPushButton("Restore from a backup…")
        self.restore_button.setAccessibleName("Restore the store from a backup")
        self.restore_button.clicked.connect(self._restore)
        self.restore_button.hide()
        controller.store_damaged.connect(self.offer_restore)

        form = QFormLayout()
        form.addRow("&User name", self.username)
        form.addRow("&Password", self.password)
        card = QFrame()
        card.setObjectName("card")
        card.setFixedWidth(460)
        inner = QVBoxLayout(card)
        inner.setContentsMargins(28, 24, 28, 24)
        inner.setSpacing(12)
        inner.addWidget(self.title)
        inner.addWidget(self.subtitle)
        inner.addLayout(form)
        inner.addWidget(self.banner)
        inner.addWidget(self.sign_in_button)
        inner.addWidget(self.forgot_button, 0, Qt.AlignmentFlag.AlignLeft)
        inner.addWidget(self.restore_button)
        outer = QVBoxLayout(self)
        outer.addStretch(1)
        outer.addWidget(card, 0, Qt.AlignmentFlag.AlignHCenter)
        outer.addStretch(2)

    def reset(self, *, locked: bool) -> None:
        self.username.clear()
        self.password.clear()
        self.banner.clear()
        self.restore_button.hide()
        self._set_busy(False)
        self.subtitle.setText(
            "The window was locked, and nothing from the store is shown. Sign in to carry on."
            if locked
            else "Sign in with your user name and password."
        )
        self.username.setFocus()

    def offer_restore(self, message: str = "") -> None:
        """The store cannot be used as it is: say so, and offer the newest backup."""
        if message:
            self.banner.show_message(message, Tone.ERROR)
        self.restore_button.show()
        self.restore_button.setDefault(True)
        self.restore_button.setFocus()

    def _restore(self) -> None:
        from lt_desktop.ui.screens.backups import run_restore

        newest = self._controller.newest_backup()
        run_restore(self, self._controller, newest, username=self.username.text().strip())

    def _set_busy(self, busy: bool) -> None:
        for widget in (self.username, self.password, self.sign_in_button, self.forgot_button):
            widget.setEnabled(not busy)
        self.sign_in_button.setText("Signing in…" if busy else "Sign in")

    def _sign_in(self) -> None:
        if not self.username.text().strip() or not self.password.text():
            self.banner.show_message("Type your user name and password.", Tone.WARNING)
            return
        self._set_busy(True)
        self.banner.clear()
        self._controller.sign_in(self.username.text(), self.password.text(), self._failed)

    def _failed(self, message: str) -> None:
        self._set_busy(False)
        self.password.clear()
        self.banner.show_message(message, Tone.ERROR)
        self.password.setFocus()

    def _recover(self) -> None:
        dialog = RecoveryDialog(self)
        if dialog.exec():
            self._set_busy(True)
            self._controller.recover(
                dialog.recovery_key.text(),
                dialog.username.text(),
                dialog.new_password.text(),
                self._failed,
            )


class RecoveryDialog(FormDialog):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__("Set a new password with the recovery key", "Set password", parent)
        self.form.addRow(
            muted(
                "Type the recovery key from the printed sheet (eight groups), the account that "
                "forgot its password, and a new password for it."
            )
        )
        self.recovery_key = self.add_row("&Recovery key", QLineEdit())
        self.recovery_key.setPlaceholderText("XXXXX-XXXXX-XXXXX-XXXXX-XXXXX-XXXXX-XXXXX-XXXXX")
        self.username = self.add_row("&User name", QLineEdit())
        self.new_password = self.add_row("&New password", _password_field())
        self.repeat = self.add_row("Type it &again", _password_field())

    def validate(self) -> None:
        from lt_desktop.core.errors import ValidationError
        from lt_desktop.storage.recovery_key import RecoveryKey

        RecoveryKey.parse(self.recovery_key.text())
        if not self.username.text().strip():
            raise ValidationError("Type the user name of the account to recover.")
        check_password(self.new_password.text(), self.username.text())
        if self.new_password.text() != self.repeat.text():
            raise ValidationError("The two passwords are not the same.")


def _password_field() -> QLineEdit:
    field = QLineEdit()
    field.setEchoMode(QLineEdit.EchoMode.Password)
    return field
