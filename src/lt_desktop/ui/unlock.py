"""The sign-in screen, shown at start and whenever the window is locked.

It shows nothing from the store. The one thing it may show is a user name the person
chose to have remembered on this computer (ticked by default, untick on a shared PC):
kept in their own settings on the computer, never in the store, and never the
password. With a name filled in, the keyboard starts in the password.

It says when Caps Lock seems to be on (judged from the letters typed, as Qt cannot
ask the keyboard) and can show the password as typed.
"""

from __future__ import annotations

from lt_desktop.core.passwords import check_password
from lt_desktop.ui.controller import AppController
from lt_desktop.ui.qt import (
    QCheckBox,
    QEvent,
    QFormLayout,
    QFrame,
    QKeyEvent,
    QLabel,
    QLineEdit,
    QObject,
    QPushButton,
    Qt,
    QVBoxLayout,
    QWidget,
)
from lt_desktop.ui.remembered import RememberedName
from lt_desktop.ui.widgets import Banner, FormDialog, Tone, heading, muted


class UnlockScreen(QWidget):
    def __init__(
        self,
        controller: AppController,
        parent: QWidget | None = None,
        *,
        remembered: RememberedName | None = None,
    ) -> None:
        super().__init__(parent)
        self._controller = controller
        self._remembered = remembered or RememberedName(controller.data_dir)
        self._signing_in_as: str | None = None
        self._caps_lock: bool | None = None  # None: no letter typed yet to tell by
        self.title = heading("Sign in to LT Desktop")
        self.subtitle = muted("")
        self.username = QLineEdit()
        self.username.setAccessibleName("User name")
        self.password = QLineEdit()
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.password.setAccessibleName("Password")
        self.password.installEventFilter(self)
        self.caps_lock_warning = QLabel("⚠ Caps Lock is on")
        self.caps_lock_warning.setAccessibleName("Caps Lock is on")
        self.caps_lock_warning.hide()
        self.show_password = QCheckBox("&Show password")
        self.show_password.toggled.connect(self._show_password)
        self.remember = QCheckBox("&Remember my user name on this computer")
        self.remember.setToolTip(
            "Kept in your own settings on this computer, never in the store. "
            "Untick it on a computer that others use."
        )
        self.remember.toggled.connect(self._remembered.set_wanted)
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
        controller.signed_in.connect(self._signed_in)

        form = QFormLayout()
        form.addRow("&User name", self.username)
        form.addRow("&Password", self.password)
        form.addRow("", self.caps_lock_warning)
        form.addRow("", self.show_password)
        form.addRow("", self.remember)
        card = QFrame()
        card.setObjectName("card")
        card.setMinimumWidth(460)  # and wider when larger text needs it
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
        self.username.setText(self._remembered.name)
        self.password.clear()
        self.show_password.setChecked(False)
        self._set_caps_lock(None)
        self.remember.blockSignals(True)
        self.remember.setChecked(self._remembered.wanted)
        self.remember.blockSignals(False)
        self.banner.clear()
        self.restore_button.hide()
        self._set_busy(False)
        self.subtitle.setText(
            "The window was locked, and nothing from the store is shown. Sign in to carry on."
            if locked
            else "Sign in with your user name and password."
        )
        (self.password if self.username.text() else self.username).setFocus()

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
        for widget in (
            self.username,
            self.password,
            self.show_password,
            self.remember,
            self.sign_in_button,
            self.forgot_button,
        ):
            widget.setEnabled(not busy)
        self.sign_in_button.setText("Signing in…" if busy else "Sign in")

    def _sign_in(self) -> None:
        if not self.username.text().strip() or not self.password.text():
            self.banner.show_message("Type your user name and password.", Tone.WARNING)
            return
        self._set_busy(True)
        self.banner.clear()
        self._signing_in_as = self.username.text().strip()
        self._controller.sign_in(self.username.text(), self.password.text(), self._failed)

    def _signed_in(self) -> None:
        """Keep the name that worked, if the person wants it kept; never the password,
        which leaves the (now hidden) field at once."""
        name, self._signing_in_as = self._signing_in_as, None
        self.password.clear()
        self.show_password.setChecked(False)
        if name and self.remember.isChecked():
            self._remembered.remember(name)

    def _show_password(self, shown: bool) -> None:
        self.password.setEchoMode(
            QLineEdit.EchoMode.Normal if shown else QLineEdit.EchoMode.Password
        )

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt API
        if watched is self.password and event.type() == QEvent.Type.KeyPress:
            assert isinstance(event, QKeyEvent)
            self._judge_caps_lock(event)
        return super().eventFilter(watched, event)

    def _judge_caps_lock(self, event: QKeyEvent) -> None:
        """A letter typed in capitals without Shift, or small with it, means Caps Lock
        is on; the other way round, that it is off. Pressing Caps Lock turns it over."""
        if event.key() == Qt.Key.Key_CapsLock:
            if self._caps_lock is not None:
                self._set_caps_lock(not self._caps_lock)
            return
        letter = event.text()
        if len(letter) != 1 or not (letter.isupper() or letter.islower()):
            return
        shift = bool(event.modifiers() & Qt.KeyboardModifier.ShiftModifier)
        self._set_caps_lock(letter.isupper() != shift)

    def _set_caps_lock(self, on: bool | None) -> None:
        self._caps_lock = on
        self.caps_lock_warning.setVisible(bool(on))
        self.password.setAccessibleDescription("Caps Lock is on" if on else "")

    def _failed(self, message: str) -> None:
        self._signing_in_as = None
        self._set_busy(False)
        self.password.clear()
        self.banner.show_message(message, Tone.ERROR)
        self.password.setFocus()

    def _recover(self) -> None:
        dialog = RecoveryDialog(self)
        if dialog.exec():
            self._set_busy(True)
            self._signing_in_as = dialog.username.text().strip()
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
        from lt_desktop.core.front_door import RecoveryKey
        from lt_desktop.domain.errors import ValidationError

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
