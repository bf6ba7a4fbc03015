"""Backup and restore: one click to back up onto the removable media, the backups
kept there, and restoring one after checking what it holds."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from lt_desktop.core.front_door import BackupFile, BackupPreview
from lt_desktop.core.services.maintenance import (
    RESTORE_BRINGS_BACK,
    BackupDone,
    BackupStatus,
    ErasedSince,
)
from lt_desktop.core.services.settings import BACKUP_GENERATIONS, BACKUP_REMINDER_DAYS
from lt_desktop.domain.changes import Change
from lt_desktop.domain.errors import ValidationError
from lt_desktop.domain.roles import Permission
from lt_desktop.ui.controller import AppController
from lt_desktop.ui.fitting import flow
from lt_desktop.ui.models import Column, RecordTableModel
from lt_desktop.ui.qt import (
    QCheckBox,
    QFileDialog,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    Qt,
    QVBoxLayout,
    QWidget,
)
from lt_desktop.ui.runner import describe_error
from lt_desktop.ui.screens.base import Screen
from lt_desktop.ui.widgets import (
    Banner,
    EmptyOr,
    FormDialog,
    Tone,
    button,
    confirm,
    heading,
    muted,
    record_table,
)


def _size(size: int) -> str:
    return f"{size / 1_048_576:,.1f} MB" if size >= 1_048_576 else f"{size / 1024:,.0f} KB"


class BackupsScreen(Screen):
    title = "Backup and restore"
    needs = frozenset({Permission.BACKUP})
    listens_to = frozenset({Change.BACKUPS, Change.SETTINGS})

    def __init__(self, controller: AppController, parent: QWidget | None = None) -> None:
        super().__init__(controller, parent)
        self.status_label = QLabel()
        self.status_label.setWordWrap(True)
        self.status_label.setAccessibleName("Last backup")
        self.banner = Banner()
        self.back_up_button = button("&Back up now", self._back_up)
        self.back_up_button.setDefault(True)

        self.folder = QLineEdit()
        self.folder.setAccessibleName("Backup folder")
        self.folder.setPlaceholderText("The folder on the approved removable media")
        folder_row = QHBoxLayout()
        folder_label = QLabel("Backup fol&der")
        folder_label.setBuddy(self.folder)
        folder_row.addWidget(folder_label)
        folder_row.addWidget(self.folder, 1)
        folder_row.addWidget(button("Ch&oose…", self._choose_folder))
        folder_row.addWidget(button("&Use this folder", self._use_folder))

        self.generations = QSpinBox()
        self.generations.setRange(1, 100)
        self.generations.setAccessibleName("Backups to keep")
        self.reminder_days = QSpinBox()
        self.reminder_days.setRange(1, 90)
        self.reminder_days.setSuffix(" days")
        self.reminder_days.setAccessibleName("Remind after days without a backup")
        self.save_settings_button = button("Sa&ve", self._save_settings)
        rules = QGroupBox("Keeping backups")
        keep_label = QLabel("&Keep the newest")
        keep_label.setBuddy(self.generations)
        remind_label = QLabel("backups of this store there; re&mind everyone after")
        remind_label.setBuddy(self.reminder_days)
        # One sentence, read left to right, that wraps when the window is narrow.
        rules.setLayout(
            flow(
                (
                    keep_label,
                    self.generations,
                    remind_label,
                    self.reminder_days,
                    self.save_settings_button,
                )
            )
        )
        may_set = controller.workspace is not None and controller.workspace.actor.may(
            Permission.MANAGE_SETTINGS
        )
        rules.setEnabled(may_set)
        if not may_set:
            rules.setToolTip("An administrator sets how many backups are kept.")

        self._held: dict[Path, ErasedSince] = {}
        self.model = RecordTableModel[BackupFile](
            [
                Column("Made", lambda b: f"{b.made_at.astimezone():%a %d %b %Y, %H:%M}"),
                Column("Size", lambda b: _size(b.size), align_right=True),
                Column("By version", lambda b: b.header.app_version),
                Column("File", lambda b: b.path.name),
                Column("Erased since", self._erased_words),
            ]
        )
        self.erased_note = QLabel()
        self.erased_note.setWordWrap(True)
        self.erased_note.setAccessibleName("Backups holding erased people")
        self.erased_note.hide()
        self.table = record_table(self.model, "Backups in the folder")
        self.table_or_empty = EmptyOr(self.table, "")
        restore_row = flow(
            (
                button("&Restore the chosen backup…", self._restore_chosen),
                button("Restore from another f&ile…", self._restore_other),
            )
        )

        layout = QVBoxLayout(self)
        layout.addWidget(heading("Backup and restore"))
        layout.addWidget(
            muted(
                "A backup is one encrypted file holding the whole store. It is read back and "
                "checked after writing. Keep it on the approved removable media, away from "
                "this computer."
            )
        )
        layout.addWidget(self.status_label)
        layout.addWidget(self.back_up_button, 0, Qt.AlignmentFlag.AlignLeft)
        layout.addWidget(self.banner)
        layout.addLayout(folder_row)
        layout.addWidget(rules)
        layout.addWidget(self.table_or_empty, 1)
        layout.addWidget(self.erased_note)
        layout.addLayout(restore_row)

    def reload(self) -> None:
        self.controller.load(
            _listing,
            self._show,
        )

    def _erased_words(self, backup: BackupFile) -> str:
        held = self._held.get(backup.path)
        if held is None:
            return ""
        words = held.describe()
        return words[0].upper() + words[1:]

    def _show(self, result: tuple[BackupStatus, list[BackupFile], dict[Path, ErasedSince]]) -> None:
        status, backups, held = result
        self._status = status
        self._held = held
        self.erased_note.setText(
            f"{len(held)} of these backups {'was' if len(held) == 1 else 'were'} made before "
            "people were erased here, and still hold them (as the Erased since column says). "
            f"{RESTORE_BRINGS_BACK}"
            if held
            else ""
        )
        self.erased_note.setVisible(bool(held))
        overdue = status.overdue()
        self.status_label.setText(
            status.describe()
            + (
                f" Back up at least every {status.reminder_days} days."
                if overdue
                else f" The next is due within {status.reminder_days} days of it."
            )
        )
        if not self.folder.hasFocus():
            self.folder.setText(str(status.folder) if status.folder else "")
        self.generations.setValue(status.generations)
        self.reminder_days.setValue(status.reminder_days)
        self.model.set_rows(backups)
        if status.folder is None:
            message = "Choose the backup folder first: where the removable media appears."
        elif not status.folder.is_dir():
            message = f"{status.folder} cannot be found. Plug in the backup media."
        else:
            message = "There are no backups of this store in the folder yet."
        self.table_or_empty.set_empty(not backups, message)

    def _error(self, message: str) -> None:
        self.banner.show_message(message, Tone.ERROR)

    # -- backing up -----------------------------------------------------------------------

    def _choose_folder(self) -> None:
        folder = QFileDialog.getExistingDirectory(
            self, "Where backups go", self.folder.text() or str(Path.home())
        )
        if folder:
            self.folder.setText(folder)
            self._use_folder()

    def _use_folder(self) -> None:
        text = self.folder.text().strip()
        if not text:
            self._error("Type or choose the folder backups go to.")
            return
        folder = Path(text).expanduser()
        self.controller.change(
            lambda ws: ws.maintenance.set_backup_folder(folder),
            lambda _: self.banner.show_message(f"Backups now go to {folder}.", Tone.GOOD),
            self._error,
        )

    def _back_up(self) -> None:
        self.back_up_button.setEnabled(False)
        self.banner.show_message("Backing up and checking the backup…")

        def done(result: BackupDone) -> None:
            self.back_up_button.setEnabled(True)
            removed = (
                f" The {len(result.removed)} oldest were removed, keeping the newest "
                f"{self.generations.value()}."
                if result.removed
                else ""
            )
            self.banner.show_message(
                f"Backed up and checked: {result.path.name} ({_size(result.size)}).{removed}",
                Tone.GOOD,
            )

        def failed(message: str) -> None:
            self.back_up_button.setEnabled(True)
            self._error(message)

        self.controller.change(lambda ws: ws.maintenance.back_up_now(), done, failed)

    def _save_settings(self) -> None:
        keep, days = self.generations.value(), self.reminder_days.value()

        def save(ws: Any) -> None:
            ws.settings.set_number(BACKUP_GENERATIONS, keep)
            ws.settings.set_number(BACKUP_REMINDER_DAYS, days)

        self.controller.change(
            save,
            lambda _: self.banner.show_message(
                f"Keeping the newest {keep} backups; reminding after {days} days.", Tone.GOOD
            ),
            self._error,
        )

    # -- restoring --------------------------------------------------------------------------

    def _restore_chosen(self) -> None:
        chosen = self.model.row_at(self.table.currentIndex())
        if chosen is None:
            self.banner.show_message("Choose a backup in the list first.", Tone.WARNING)
            return
        self._restore(chosen.path)

    def _restore_other(self) -> None:
        path, _ = QFileDialog.getOpenFileName(
            self,
            "Restore from a backup",
            self.folder.text() or str(Path.home()),
            "LT Desktop backups (*.ltbackup)",
        )
        if path:
            self._restore(Path(path))

    def _restore(self, backup: Path) -> None:
        username = self.controller.workspace.actor.username if self.controller.workspace else ""
        run_restore(self, self.controller, backup, username=username)


def _listing(ws: Any) -> tuple[BackupStatus, list[BackupFile], dict[Path, ErasedSince]]:
    backups = ws.maintenance.list_backups()
    return ws.maintenance.backup_status(), backups, ws.maintenance.erased_since(backups)


def run_restore(
    parent: QWidget, controller: AppController, backup: Path | None, *, username: str = ""
) -> None:
    """Check a backup, show what it holds, and restore it once confirmed. The controller
    reports the outcome (``restored`` or ``restore_failed``) to the main window."""
    dialog = RestoreDialog(parent, controller, backup, username)
    if not dialog.exec() or dialog.preview is None:
        return
    again = dialog.erased.references if dialog.erased and dialog.erase_again.isChecked() else ()
    controller.restore(
        dialog.preview.path, dialog.username.text().strip(), dialog.password.text(), again
    )


class RestoreDialog(FormDialog):
    """Choose a backup, sign in as an account in it, see what it holds, then restore."""

    def __init__(
        self, parent: QWidget, controller: AppController, backup: Path | None, username: str
    ) -> None:
        super().__init__("Restore from a backup", "Restore", parent)
        self.controller = controller
        self.preview: BackupPreview | None = None
        #: What the store here says the backup still holds of people erased since.
        self.erased_warning = ""
        self.erased: ErasedSince | None = None
        self.form.addRow(
            muted(
                "Restoring replaces everything in the store on this computer with the backup. "
                "Sign in as an account in the backup that may restore it; the backup is checked "
                "before anything changes, and the store is kept until the restore is complete."
            )
        )
        self.path = QLineEdit(str(backup) if backup else "")
        path_row = QWidget()
        row = QHBoxLayout(path_row)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.path, 1)
        row.addWidget(button("C&hoose…", self._choose))
        self.path.setAccessibleName("Backup file")
        self.form.addRow("&Backup file", path_row)
        self.username = self.add_row("&User name", QLineEdit(username))
        self.password = self.add_row("&Password", QLineEdit())
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.check_button = QPushButton("&Check the backup")
        self.check_button.clicked.connect(self._check)
        self.form.addRow("", self.check_button)
        self.summary = QLabel()
        self.summary.setWordWrap(True)
        self.summary.setAccessibleName("What the backup holds")
        self.form.addRow(self.summary)
        self.erase_again = QCheckBox("&Erase them again once restored")
        self.erase_again.setChecked(True)
        self.erase_again.setToolTip(
            "The people erased here since the backup was made, found by their research ids"
        )
        self.erase_again.hide()
        self.form.addRow(self.erase_again)
        self.ok_button.setEnabled(False)
        for field in (self.path, self.username, self.password):
            field.textChanged.connect(self._forget_preview)
        self.password.returnPressed.connect(self._check)
        (self.password if username else self.username).setFocus()

    def _choose(self) -> None:
        path, _ = QFileDialog.getOpenFileName(
            self, "Restore from a backup", self.path.text(), "LT Desktop backups (*.ltbackup)"
        )
        if path:
            self.path.setText(path)

    def _forget_preview(self) -> None:
        self.preview = None
        self.erased_warning = ""
        self.erased = None
        self.erase_again.hide()
        self.summary.clear()
        self.ok_button.setEnabled(False)

    def _check(self) -> None:
        from lt_desktop.core.front_door import preview_backup

        backup = Path(self.path.text().strip()).expanduser()
        username, password = self.username.text().strip(), self.password.text()
        if not self.path.text().strip() or not backup.is_file():
            self.banner.show_message("Choose a backup file that exists.", Tone.ERROR)
            return
        if not username or not password:
            self.banner.show_message("Type the user name and password.", Tone.ERROR)
            return
        self.check_button.setEnabled(False)
        self.banner.show_message("Checking every byte of the backup…")

        def done(preview: BackupPreview) -> None:
            self.check_button.setEnabled(True)
            self.banner.clear()
            self.preview = preview
            made = preview.made_at.astimezone()
            counts = ", ".join(f"{count:,} {label}" for label, count in preview.counts.items())
            self.summary.setText(
                f"✔ The backup is sound.\n{preview.site_name or 'A store'}, made "
                f"{made:%A %d %B %Y at %H:%M} by LT Desktop {preview.app_version}.\n"
                f"It holds {counts}.\nAnything entered since then will be lost."
            )
            self.ok_button.setEnabled(True)
            self.ok_button.setFocus()
            if self.controller.workspace is not None:
                self.controller.load(
                    lambda ws: ws.maintenance.erased_after(preview.made_at),
                    lambda held: self._erased(preview, held),
                )

        def failed(error: BaseException) -> None:
            self.check_button.setEnabled(True)
            self.banner.show_message(describe_error(error), Tone.ERROR)

        self.controller.runner.submit(
            lambda: preview_backup(backup, username=username, password=password), done, failed
        )

    def _erased(self, preview: BackupPreview, held: ErasedSince) -> None:
        if self.preview is not preview or not held.count:
            return
        self.erased = held
        self.erased_warning = f"This backup {held.describe()}. {RESTORE_BRINGS_BACK}"
        self.summary.setText(f"{self.summary.text()}\n{self.erased_warning}")
        workspace = self.controller.workspace
        if workspace is not None and workspace.actor.may(Permission.ERASE_PEOPLE):
            self.erase_again.show()

    def validate(self) -> None:
        if self.preview is None:
            raise ValidationError("Check the backup first.")
        made = self.preview.made_at.astimezone()
        erased = f" {self.erased_warning}" if self.erased_warning else ""
        if self.erased is not None and not self.erase_again.isHidden():
            erased = (
                f" This backup {self.erased.describe()}: they will be erased again once "
                "it is restored."
                if self.erase_again.isChecked()
                else erased
            )
        if not confirm(
            self,
            f"Replace the store on this computer with the backup made {made:%d %b %Y at %H:%M}? "
            f"Anything entered since then will be lost.{erased}",
            "Restore",
        ):
            raise ValidationError("Nothing was changed.")
