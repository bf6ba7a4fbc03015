"""Administration: accounts and roles, security settings, and the audit log."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from lt_desktop.core.front_door import RecoveryKey
from lt_desktop.core.passwords import check_password, check_username
from lt_desktop.core.services.accounts import Account, RekeyResult
from lt_desktop.core.services.audit import AuditLine, AuditVerification
from lt_desktop.core.services.maintenance import CheckReport
from lt_desktop.core.services.settings import IDLE_LOCK_MINUTES
from lt_desktop.documents.recovery_sheet import write_recovery_sheet
from lt_desktop.domain.changes import Change
from lt_desktop.domain.errors import LtError, ValidationError
from lt_desktop.domain.roles import Permission, Role
from lt_desktop.ui.controller import AppController
from lt_desktop.ui.models import Column, Index, RecordTableModel
from lt_desktop.ui.qt import (
    QComboBox,
    QFileDialog,
    QFontDatabase,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QModelIndex,
    QSpinBox,
    Qt,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)
from lt_desktop.ui.screens.base import Screen
from lt_desktop.ui.widgets import (
    Banner,
    EnumCombo,
    FormDialog,
    Tone,
    button,
    confirm,
    heading,
    muted,
    record_table,
)

AUDIT_PAGE = 200

AUDIT_FILTERS = [
    ("Everything", ""),
    ("Sign-ins", "sign_in"),
    ("Accounts", "user."),
    ("Consent", "consent."),
    ("Memberships", "membership."),
    ("Store and backups", "store."),
    ("Settings", "setting."),
]


class AuditLogModel(RecordTableModel[AuditLine]):
    """The audit log, newest first, fetched a page at a time as the view scrolls."""

    def __init__(self, controller: AppController) -> None:
        super().__init__(
            [
                Column("#", lambda e: str(e.sequence), align_right=True),
                Column("When", lambda e: f"{e.at.astimezone():%d %b %Y %H:%M:%S}"),
                Column("Who", lambda e: e.actor_name or "—"),
                Column("What", lambda e: e.action),
                Column("Details", lambda e: ", ".join(f"{k}: {v}" for k, v in e.details.items())),
            ]
        )
        self._controller = controller
        self._action = ""
        self._exhausted = True

    def restart(self, action: str = "") -> None:
        self._action = action
        first = self._page(0)
        self._exhausted = len(first) < AUDIT_PAGE
        self.set_rows(first)

    def _page(self, offset: int) -> list[AuditLine]:
        workspace = self._controller.workspace
        if workspace is None:
            return []
        return workspace.audit.entries(offset=offset, limit=AUDIT_PAGE, action=self._action)

    def canFetchMore(self, parent: Index = QModelIndex()) -> bool:  # noqa: N802, B008
        return not parent.isValid() and not self._exhausted

    def fetchMore(self, parent: Index = QModelIndex()) -> None:  # noqa: N802, B008
        if parent.isValid() or self._exhausted:
            return
        more = self._page(len(self.rows))
        self._exhausted = len(more) < AUDIT_PAGE
        if more:
            start = len(self.rows)
            self.beginInsertRows(QModelIndex(), start, start + len(more) - 1)
            self.rows.extend(more)
            self.endInsertRows()


class AdministrationScreen(Screen):
    title = "Administration"
    needs = frozenset({Permission.MANAGE_USERS, Permission.VIEW_AUDIT, Permission.MANAGE_SETTINGS})
    listens_to = frozenset({Change.ACCOUNTS, Change.SETTINGS, Change.AUDIT})

    def __init__(self, controller: AppController, parent: QWidget | None = None) -> None:
        super().__init__(controller, parent)
        self.tabs = QTabWidget()
        self.tabs.setAccessibleName("Administration")
        self.accounts_tab = AccountsTab(self)
        self.security_tab = SecurityTab(self)
        self.audit_tab = AuditTab(self)
        if self.may(Permission.MANAGE_USERS):
            self.tabs.addTab(self.accounts_tab, "Acc&ounts")
        if self.may(Permission.MANAGE_SETTINGS):
            self.tabs.addTab(self.security_tab, "&Security")
        if self.may(Permission.VIEW_AUDIT):
            self.tabs.addTab(self.audit_tab, "Audit &log")
        layout = QVBoxLayout(self)
        layout.addWidget(heading("Administration"))
        layout.addWidget(self.tabs)

    def reload(self) -> None:
        if self.may(Permission.MANAGE_USERS):
            self.accounts_tab.reload()
        if self.may(Permission.MANAGE_SETTINGS):
            self.security_tab.reload()
        if self.may(Permission.VIEW_AUDIT):
            self.audit_tab.reload()


class AccountsTab(QWidget):
    def __init__(self, screen: AdministrationScreen) -> None:
        super().__init__()
        self.controller = screen.controller
        self.model = RecordTableModel[Account](
            [
                Column("User name", lambda a: a.username),
                Column("Name", lambda a: a.display_name),
                Column("Role", lambda a: a.role.label),
                Column("State", lambda a: "Disabled" if a.disabled else "Active"),
                Column(
                    "Last signed in",
                    lambda a: (
                        f"{a.last_sign_in_at.astimezone():%d %b %Y %H:%M}"
                        if a.last_sign_in_at
                        else "Never"
                    ),
                ),
            ]
        )
        self.table = record_table(self.model, "Accounts")
        self.banner = Banner()
        buttons = QHBoxLayout()
        for text, handler in [
            ("Add a&ccount…", self._add),
            ("Change &role…", self._change_role),
            ("Reset &password…", self._reset_password),
            ("&Disable…", self._disable),
            ("&Enable…", self._enable),
        ]:
            buttons.addWidget(button(text, handler))
        self.rekey_button = button("Re-&key the store…", self._rekey)
        buttons.addWidget(self.rekey_button)
        buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addWidget(
            muted(
                "Each person who uses LT Desktop has their own account. A disabled account can no "
                "longer unlock the store; re-key the store so that no copy of an old key file "
                "opens it either."
            )
        )
        layout.addWidget(self.table, 1)
        layout.addWidget(self.banner)
        layout.addLayout(buttons)

    def reload(self) -> None:
        self.controller.load(lambda ws: ws.accounts.list_accounts(), self.model.set_rows)

    def _selected(self) -> Account | None:
        account = self.model.row_at(self.table.currentIndex())
        if account is None:
            self.banner.show_message("Choose an account in the list first.", Tone.WARNING)
        return account

    def _report(self, message: str) -> None:
        self.banner.show_message(message, Tone.ERROR)

    def _done(self, message: str) -> Any:
        return lambda _result: self.banner.show_message(message, Tone.GOOD)

    def _add(self) -> None:
        dialog = AccountDialog(self)
        if dialog.exec():
            username, name, role, password = dialog.values()
            self.controller.change(
                lambda ws: ws.accounts.add_account(
                    username, display_name=name, role=role, password=password
                ),
                self._done(f"Added {username}."),
                self._report,
            )

    def _change_role(self) -> None:
        account = self._selected()
        if account is None:
            return
        dialog = FormDialog(f"Change role: {account.username}", "Change", self)
        roles = EnumCombo(Role, account.role)
        dialog.add_row("&Role", roles)
        if dialog.exec():
            role = roles.value()
            self.controller.change(
                lambda ws: ws.accounts.change_role(account.username, role),
                self._done(f"{account.username} is now {role.label.lower()}."),
                self._report,
            )

    def _reset_password(self) -> None:
        account = self._selected()
        if account is None:
            return
        dialog = PasswordDialog(self, f"New password for {account.username}", account.username)
        if dialog.exec():
            password = dialog.password.text()
            self.controller.change(
                lambda ws: ws.accounts.reset_password(account.username, password),
                self._done(f"{account.username} has a new password. Tell them in person."),
                self._report,
            )

    def _disable(self) -> None:
        account = self._selected()
        if account is None or not confirm(
            self,
            f"Disable {account.username}? They will no longer be able to sign in.",
            "Disable account",
        ):
            return
        self.controller.change(
            lambda ws: ws.accounts.disable_account(account.username),
            self._done(
                f"{account.username} is disabled. A copy of the old key file still opens the "
                "store with that account's old password until you re-key it: Re-key the store."
            ),
            self._report,
        )

    def _rekey(self) -> None:
        dialog = RekeyDialog(self)
        if dialog.exec():
            password = dialog.password.text()
            self.banner.show_message("Re-encrypting the store under a new key…")
            self.controller.change(
                lambda ws: ws.accounts.rekey_store(password),
                self._rekeyed,
                self._report,
            )

    def _rekeyed(self, result: RekeyResult) -> None:
        self.banner.show_message(
            "The store is re-encrypted under a new key: no earlier key file opens it now.",
            Tone.GOOD,
        )
        RekeyedDialog(self, result, self.controller.site_name).exec()

    def _enable(self) -> None:
        account = self._selected()
        if account is None:
            return
        dialog = PasswordDialog(
            self, f"Enable {account.username} with a new password", account.username
        )
        if dialog.exec():
            password = dialog.password.text()
            self.controller.change(
                lambda ws: ws.accounts.enable_account(account.username, password),
                self._done(f"{account.username} can sign in again."),
                self._report,
            )


class SecurityTab(QWidget):
    def __init__(self, screen: AdministrationScreen) -> None:
        super().__init__()
        self.controller = screen.controller
        self.idle_minutes = QSpinBox()
        self.idle_minutes.setRange(1, 120)
        self.idle_minutes.setSuffix(" minutes")
        self.idle_minutes.setAccessibleName("Lock after minutes without use")
        lock_box = QGroupBox("Locking")
        lock_layout = QHBoxLayout(lock_box)
        label = QLabel("Lock the window after")
        label.setBuddy(self.idle_minutes)
        lock_layout.addWidget(label)
        lock_layout.addWidget(self.idle_minutes)
        lock_layout.addWidget(button("Sa&ve", self._save_idle))
        lock_layout.addStretch(1)
        key_box = QGroupBox("Recovery key")
        key_layout = QVBoxLayout(key_box)
        key_layout.addWidget(
            muted(
                "The recovery key sets a new password when every administrator has forgotten "
                "theirs. If the printed key is lost or was seen by someone else, replace it: the "
                "old one stops working at once."
            )
        )
        key_layout.addWidget(
            button("Replace the recovery &key…", self._replace_key), 0, Qt.AlignmentFlag.AlignLeft
        )
        check_box = QGroupBox("Checking the store")
        check_layout = QVBoxLayout(check_box)
        check_layout.addWidget(
            muted(
                "Checks every encrypted page, the database's structure, the links between records "
                "and the audit log."
            )
        )
        check_layout.addWidget(
            button("&Check the store now", self._check), 0, Qt.AlignmentFlag.AlignLeft
        )
        self.banner = Banner()
        layout = QVBoxLayout(self)
        layout.addWidget(lock_box)
        layout.addWidget(key_box)
        layout.addWidget(check_box)
        layout.addWidget(self.banner)
        layout.addStretch(1)

    def reload(self) -> None:
        self.controller.load(
            lambda ws: ws.settings.get(IDLE_LOCK_MINUTES), self.idle_minutes.setValue
        )

    def _save_idle(self) -> None:
        minutes = self.idle_minutes.value()

        def saved(_: object) -> None:
            self.controller.restart_idle_timer()
            self.banner.show_message(
                f"The window now locks after {minutes} minutes without use.", Tone.GOOD
            )

        self.controller.change(
            lambda ws: ws.settings.set_number(IDLE_LOCK_MINUTES, minutes),
            saved,
            lambda m: self.banner.show_message(m, Tone.ERROR),
        )

    def _replace_key(self) -> None:
        if not confirm(
            self, "Make a new recovery key? The old key stops working at once.", "Replace key"
        ):
            return
        self.controller.change(
            lambda ws: ws.accounts.replace_recovery_key(),
            self._show_key,
            lambda m: self.banner.show_message(m, Tone.ERROR),
        )

    def _show_key(self, key: RecoveryKey) -> None:
        NewKeyDialog(self, key, self.controller.site_name).exec()

    def _check(self) -> None:
        self.banner.show_message("Checking the store…")
        self.controller.load(
            lambda ws: ws.maintenance.check(),
            self._checked,
            lambda m: self.banner.show_message(m, Tone.ERROR),
        )

    def _checked(self, report: CheckReport) -> None:
        notes = "".join(f"\nNote: {note}" for note in report.notices)
        if report.sound:
            self.banner.show_message(
                f"The store is sound: every check passed, and the audit log's "
                f"{report.audit_entries:,} entries are all in place and unaltered.{notes}",
                Tone.WARNING if notes else Tone.GOOD,
            )
        else:
            self.banner.show_message(
                "Problems found:\n"
                + "\n".join(f"• {p}" for p in report.problems)
                + "\nRestore the newest good backup, or ask for support."
                + notes,
                Tone.ERROR,
            )


class AuditTab(QWidget):
    def __init__(self, screen: AdministrationScreen) -> None:
        super().__init__()
        self.controller = screen.controller
        self.model = AuditLogModel(screen.controller)
        self.table = record_table(self.model, "Audit log")
        self.filter = QComboBox()
        self.filter.setAccessibleName("Show")
        for text, prefix in AUDIT_FILTERS:
            self.filter.addItem(text, prefix)
        self.filter.currentIndexChanged.connect(self.reload)
        self.banner = Banner()
        row = QHBoxLayout()
        label = QLabel("Sho&w")
        label.setBuddy(self.filter)
        row.addWidget(label)
        row.addWidget(self.filter)
        row.addStretch(1)
        row.addWidget(button("&Verify the log", self._verify))
        layout = QVBoxLayout(self)
        layout.addWidget(
            muted(
                "Every sign-in, account change, export, import, consent change and mark change is "
                "written here. Each entry is chained to the one before it, so any entry altered or "
                "removed afterwards is detected by Verify."
            )
        )
        layout.addLayout(row)
        layout.addWidget(self.banner)
        layout.addWidget(self.table, 1)

    def reload(self) -> None:
        self.model.restart(self.filter.currentData() or "")

    def _verify(self) -> None:
        self.controller.load(lambda ws: ws.audit.verify(), self._verified)

    def _verified(self, result: AuditVerification) -> None:
        if result.sound:
            self.banner.show_message(
                f"Verified: all {result.entries:,} entries are in place and unaltered.", Tone.GOOD
            )
        else:
            self.banner.show_message(
                "The audit log has been tampered with:\n"
                + "\n".join(f"• {p}" for p in result.problems),
                Tone.ERROR,
            )


class AccountDialog(FormDialog):
    def __init__(self, parent: QWidget) -> None:
        super().__init__("Add an account", "Add", parent)
        self.username = self.add_row("&User name", QLineEdit())
        self.name = self.add_row("&Full name", QLineEdit())
        self.role = EnumCombo(Role, Role.EDUCATION_STAFF)
        self.add_row("&Role", self.role)
        self.password = self.add_row("&Password", _password())
        self.repeat = self.add_row("Password &again", _password())

    def validate(self) -> None:
        username = check_username(self.username.text())
        check_password(self.password.text(), username)
        if self.password.text() != self.repeat.text():
            raise ValidationError("The two passwords are not the same.")

    def values(self) -> tuple[str, str, Role, str]:
        return (
            self.username.text(),
            self.name.text(),
            self.role.value(),
            self.password.text(),
        )


class PasswordDialog(FormDialog):
    def __init__(self, parent: QWidget, title: str, username: str) -> None:
        super().__init__(title, "Set password", parent)
        self._username = username
        self.password = self.add_row("&New password", _password())
        self.repeat = self.add_row("Password &again", _password())

    def validate(self) -> None:
        check_password(self.password.text(), self._username)
        if self.password.text() != self.repeat.text():
            raise ValidationError("The two passwords are not the same.")


class NewKeyDialog(FormDialog):
    def __init__(self, parent: QWidget, key: RecoveryKey, site_name: str) -> None:
        super().__init__("The new recovery key", "Done", parent)
        self.buttons.button(self.buttons.StandardButton.Cancel).hide()
        self._key, self._site = key, site_name
        label = QLabel("  ".join(key.groups()[:4]) + "\n" + "  ".join(key.groups()[4:]))
        font = QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont)
        font.setPointSizeF(font.pointSizeF() * 1.5)
        label.setFont(font)
        label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        label.setAccessibleName("Recovery key")
        self.form.addRow(muted("Shown only now. Print it or write it down, then lock it away."))
        self.form.addRow(label)
        self.form.addRow(button("&Print recovery sheet…", self._print))

    def _print(self) -> None:
        path, _ = QFileDialog.getSaveFileName(
            self,
            "Save the recovery sheet",
            str(Path.home() / "LT Desktop recovery key.pdf"),
            "PDF documents (*.pdf)",
        )
        if not path:
            return
        try:
            write_recovery_sheet(Path(path), site_name=self._site, recovery_key=str(self._key))
        except LtError as error:
            self.banner.show_message(str(error), Tone.ERROR)
            return
        self.banner.show_message(
            f"Saved {Path(path).name}. Print it, then delete the file.", Tone.GOOD
        )


class RekeyDialog(FormDialog):
    def __init__(self, parent: QWidget) -> None:
        super().__init__("Re-key the store", "Re-key", parent)
        explanation = muted(
            "Re-keying encrypts the whole store again under a new key, and makes a new key "
            "file. No copy of an old key file opens it afterwards, whoever's password is "
            "tried with it. Your own password stays as it is. Every other account gets a "
            "one-time password, shown to you once, to hand over in person; the recovery key "
            "is replaced, so the old recovery sheet stops working. Disabled accounts get "
            "no way in at all. Nobody else can use the store until it is done."
        )
        explanation.setWordWrap(True)
        self.form.addRow(explanation)
        self.password = self.add_row("Your &password", _password())

    def validate(self) -> None:
        if not self.password.text():
            raise ValidationError("Type your password to confirm.")


class RekeyedDialog(NewKeyDialog):
    """The one-time passwords and the new recovery key, shown once."""

    def __init__(self, parent: QWidget, result: RekeyResult, site_name: str) -> None:
        super().__init__(parent, result.recovery_key, site_name)
        self.setWindowTitle("The store is re-keyed")
        font = QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont)
        if result.one_time_passwords:
            self.form.insertRow(
                0,
                muted(
                    "One-time passwords, shown only now. Hand each to its person yourself; "
                    "they sign in with it, then choose their own (Account › Change my password)."
                ),
            )
            for row, (username, password) in enumerate(result.one_time_passwords.items(), 1):
                shown = QLabel(password)
                shown.setFont(font)
                shown.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
                shown.setAccessibleName(f"One-time password for {username}")
                self.form.insertRow(row, username, shown)


def _password() -> QLineEdit:
    field = QLineEdit()
    field.setEchoMode(QLineEdit.EchoMode.Password)
    return field
