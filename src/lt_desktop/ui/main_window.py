"""The main window: sign-in when locked; otherwise navigation and the screens
(``workspace_view``, imported at the first sign-in).

Everything shown from the store lives in one widget that is destroyed when the
window locks, so nothing personal stays on screen, in the title, or in a dialog.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from lt_desktop import __version__
from lt_desktop.core.passwords import check_password
from lt_desktop.domain.errors import ValidationError
from lt_desktop.ui.controller import AppController
from lt_desktop.ui.idle import warning_text
from lt_desktop.ui.qt import (
    QAction,
    QApplication,
    QDialog,
    QFileDialog,
    QKeySequence,
    QLabel,
    QLineEdit,
    QMainWindow,
    QMenu,
    QMessageBox,
    QStackedWidget,
    Qt,
    QWidget,
)
from lt_desktop.ui.runner import describe_error
from lt_desktop.ui.style import app_icon
from lt_desktop.ui.unlock import UnlockScreen
from lt_desktop.ui.widgets import FormDialog, Tone, show_error

if TYPE_CHECKING:
    from lt_desktop.core.services.drafts import Draft
    from lt_desktop.ui.workspace_view import WorkspaceView

LOCKED_TITLE = "LT Desktop (locked)"


class MainWindow(QMainWindow):
    def __init__(self, controller: AppController) -> None:
        super().__init__()
        self.controller = controller
        self.unlock_screen = UnlockScreen(controller)
        self.pages = QStackedWidget()
        self.pages.addWidget(self.unlock_screen)
        self.setCentralWidget(self.pages)
        self.workspace_view: WorkspaceView | None = None
        self._guide: QWidget | None = None
        self._store_problem = ""  # why the store would not open, for the diagnostics
        self.status = QLabel()
        self.status.setAccessibleName("Status")
        self.busy = QLabel()
        # As wide as its word whether shown or not, so the status bar is not laid out
        # again each time work starts and stops (on every register mark).
        self.busy.setMinimumWidth(self.busy.fontMetrics().horizontalAdvance("Working…") + 8)
        self.statusBar().addWidget(self.status, 1)
        self.statusBar().addPermanentWidget(self.busy)
        self._build_menus()
        controller.signed_in.connect(self._signed_in)
        controller.locked.connect(self._locked)
        controller.restored.connect(self._restored)
        controller.restore_failed.connect(self._restore_failed)
        controller.failed.connect(lambda message: show_error(self, message))
        controller.unsaved_typing = self._unsaved_typing
        controller.idle.warning.connect(self._warn_of_lock)
        controller.idle.warning_over.connect(self._end_lock_warning)
        controller.runner.busy_changed.connect(
            lambda busy: self.busy.setText("Working…" if busy else "")
        )
        self.setWindowIcon(app_icon())
        self.resize(1200, 760)
        self._show_unlock(locked=False)

    def _build_menus(self) -> None:
        file_menu = self.menuBar().addMenu("&File")
        self.lock_action = QAction("&Lock", self)
        self.lock_action.setShortcut(QKeySequence("Ctrl+L"))
        self.lock_action.setShortcutContext(Qt.ShortcutContext.ApplicationShortcut)
        self.lock_action.triggered.connect(self.controller.lock)
        file_menu.addAction(self.lock_action)
        # On a small laptop the title bar and the taskbar cost a register four rows.
        self.full_screen_action = QAction("&Full screen", self)
        self.full_screen_action.setCheckable(True)
        self.full_screen_action.setShortcut(QKeySequence("F11"))
        self.full_screen_action.toggled.connect(self._full_screen)
        file_menu.addAction(self.full_screen_action)
        quit_action = QAction("&Quit", self)
        quit_action.setShortcut(QKeySequence.StandardKey.Quit)
        quit_action.triggered.connect(self.close)
        file_menu.addAction(quit_action)
        self.account_menu = self.menuBar().addMenu("&Account")
        password_action = QAction("Change my &password…", self)
        password_action.triggered.connect(self._change_password)
        self.account_menu.addAction(password_action)
        help_menu = self.menuBar().addMenu("&Help")
        guide = QAction("&User guide", self)
        guide.setShortcut(QKeySequence.StandardKey.HelpContents)
        guide.triggered.connect(self.show_guide)
        help_menu.addAction(guide)
        self.diagnostics_action = QAction("Save &diagnostics for support…", self)
        self.diagnostics_action.triggered.connect(self.save_diagnostics)
        help_menu.addAction(self.diagnostics_action)
        about = QAction("&About LT Desktop", self)
        about.triggered.connect(self._about)
        help_menu.addAction(about)
        self._add_keyboard_actions(file_menu, help_menu)

    # -- locked and unlocked -------------------------------------------------------------

    def _show_unlock(self, *, locked: bool) -> None:
        self.setWindowTitle(LOCKED_TITLE if locked else "LT Desktop")
        self.status.setText("Locked: nothing from the store is shown." if locked else "")
        self.lock_action.setEnabled(False)
        self.account_menu.setEnabled(False)
        self.unlock_screen.reset(locked=locked)
        self.pages.setCurrentWidget(self.unlock_screen)

    def _signed_in(self) -> None:
        workspace = self.controller.workspace
        assert workspace is not None
        self._drop_workspace_view()
        from lt_desktop.ui.workspace_view import WorkspaceView

        self.workspace_view = WorkspaceView(self.controller)
        self.pages.addWidget(self.workspace_view)
        self.pages.setCurrentWidget(self.workspace_view)
        self.setWindowTitle(f"LT Desktop: {workspace.store.site.name}")
        actor = workspace.actor
        self.status.setText(
            f"Signed in as {actor.display_name} ({actor.role.label.lower()}) · Ctrl+L locks"
        )
        self.lock_action.setEnabled(True)
        self.account_menu.setEnabled(True)
        self.workspace_view.nav.setFocus()

    def _unsaved_typing(self) -> list[Draft]:
        return self.workspace_view.unsaved_typing() if self.workspace_view is not None else []

    def _warn_of_lock(self, seconds: int) -> None:
        """Shown above the screen, and in any form open over it, since a dialog
        closed by the lock loses what was typed in it."""
        text = warning_text(seconds)
        if self.workspace_view is not None:
            self.workspace_view.lock_warning.show_message(text, Tone.WARNING)
        for dialog in _open_forms():
            dialog.banner.show_message(text, Tone.WARNING)

    def _end_lock_warning(self) -> None:
        if self.workspace_view is not None:
            self.workspace_view.lock_warning.clear()
        for dialog in _open_forms():
            if dialog.banner.text().startswith("Locking in"):
                dialog.banner.clear()

    def _locked(self) -> None:
        # A menu left open (a register's reasons) closes first: its own event loop
        # would otherwise outlive the screen it belongs to.
        for _ in range(8):  # a submenu's parents close in turn
            popup = QApplication.activePopupWidget()
            if popup is None:
                break
            popup.close()
        for widget in QApplication.topLevelWidgets():
            if isinstance(widget, (QDialog, QMessageBox)) and widget is not self:
                # Closed and destroyed, not hidden: a dialog keeps what was typed in it.
                widget.reject()
                widget.deleteLater()
        self._drop_workspace_view()
        self._show_unlock(locked=True)

    def _restored(self, site_name: str) -> None:
        self.status.setText(
            f"Restored {site_name or 'the store'} from the backup. " + self.status.text()
        )

    def _restore_failed(self, message: str) -> None:
        self._show_unlock(locked=False)
        self.unlock_screen.offer_restore(
            f"The restore did not happen: {message} The store is as it was before."
        )

    def show_damaged_store(self, message: str) -> None:
        """The store could not be opened at all: say why and offer its newest backup."""
        self._store_problem = message
        self._show_unlock(locked=False)
        self.unlock_screen.offer_restore(message)

    def _drop_workspace_view(self) -> None:
        if self.workspace_view is not None:
            self.pages.removeWidget(self.workspace_view)
            self.workspace_view.setParent(None)
            self.workspace_view.deleteLater()
            self.workspace_view = None

    # -- menus ------------------------------------------------------------------------------

    def _full_screen(self, wanted: bool) -> None:
        if wanted:
            self.showFullScreen()
        else:
            self.showNormal()

    def _change_password(self) -> None:
        dialog = ChangePasswordDialog(self, self.controller)
        if dialog.exec():
            current, new = dialog.current.text(), dialog.new.text()
            self.controller.change(
                lambda ws: ws.accounts.change_own_password(current, new),
                lambda _: self.status.setText("Your password is changed."),
            )

    def show_guide(self) -> None:
        from lt_desktop.ui.guide import GuideWindow

        if self._guide is None:
            self._guide = GuideWindow(self)
            # Locking closes and destroys every dialog, this one included.
            self._guide.destroyed.connect(lambda: setattr(self, "_guide", None))
        self._guide.show()
        self._guide.raise_()

    def _add_keyboard_actions(self, file_menu: QMenu, help_menu: QMenu) -> None:
        """Go to section (Ctrl+K) in the File menu, where it is found, and the list of
        keys under Help. Going somewhere needs a signed-in window, as Lock does."""
        self.go_to_action = QAction("&Go to section…", self)
        self.go_to_action.setShortcut(QKeySequence("Ctrl+K"))
        self.go_to_action.triggered.connect(self.go_to_section)
        self.go_to_action.setEnabled(self.lock_action.isEnabled())
        self.lock_action.enabledChanged.connect(self.go_to_action.setEnabled)
        file_menu.insertAction(self.lock_action, self.go_to_action)
        file_menu.insertSeparator(self.lock_action)
        self.shortcuts_action = QAction("&Keyboard shortcuts", self)
        self.shortcuts_action.triggered.connect(self.show_shortcuts)
        help_menu.insertAction(self.diagnostics_action, self.shortcuts_action)

    def go_to_section(self) -> None:
        """Any section the role sees, by typing part of its name: Ctrl+1 to Ctrl+9
        reach only the first nine."""
        from lt_desktop.ui.keyboard import SectionJump

        view = self.workspace_view
        if view is None:
            return
        jump = SectionJump([screen.title for screen in view.screen_classes], self)
        jump.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        jump.section_chosen.connect(lambda row: self._open_section(view, row))
        jump.open()

    def _open_section(self, view: WorkspaceView, row: int) -> None:
        if view is self.workspace_view:
            view.nav.setCurrentRow(row)
            view.nav.setFocus()

    def show_shortcuts(self) -> None:
        from lt_desktop.ui.keyboard import ShortcutsWindow

        window = self.findChild(ShortcutsWindow)
        if window is None:
            window = ShortcutsWindow(self)
            window.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        window.show()
        window.raise_()

    def save_diagnostics(self) -> None:
        """A file for support: versions, settings, counts and recent errors, and no
        personal data. Before anyone signs in (or when the store will not open), what
        can be known without the store's key."""
        suggested = Path.home() / f"LT Desktop diagnostics {date.today():%Y-%m-%d}.txt"
        path, _ = QFileDialog.getSaveFileName(
            self, "Save diagnostics for support", str(suggested), "Text files (*.txt)"
        )
        if not path:
            return
        target = Path(path)

        def saved(_: object) -> None:
            self.status.setText(
                f"Saved the diagnostics as {target.name}. They hold no personal data: send "
                "them to whoever supports LT Desktop for you."
            )

        if self.controller.workspace is not None:
            # The Save dialog asked before replacing a file.
            self.controller.change(lambda ws: ws.diagnostics.save(target, force=True), saved)
            return
        from lt_desktop.core.diagnostics import report_without_signing_in, save_diagnostics

        data_dir, why = self.controller.data_dir, self._store_problem
        self.controller.runner.submit(
            lambda: save_diagnostics(
                target,
                report_without_signing_in(data_dir, why),
                store_root=data_dir,
                force=True,
            ),
            saved,
            lambda error: show_error(self, describe_error(error)),
        )

    def _about(self) -> None:
        QMessageBox.about(
            self,
            "About LT Desktop",
            f"LT Desktop {__version__}\n\nRuns Learning Together prison–university partnerships. "
            "Everything is kept in an encrypted store on this computer.",
        )

    def closeEvent(self, event: object) -> None:  # noqa: N802 - Qt API
        self.controller.shutdown()
        super().closeEvent(event)  # type: ignore[arg-type]


class ChangePasswordDialog(FormDialog):
    def __init__(self, parent: QWidget, controller: AppController) -> None:
        super().__init__("Change my password", "Change", parent)
        self._username = controller.workspace.actor.username if controller.workspace else ""
        self.current = self.add_row("&Current password", _password())
        self.new = self.add_row("&New password", _password())
        self.repeat = self.add_row("New password &again", _password())

    def validate(self) -> None:
        check_password(self.new.text(), self._username)
        if self.new.text() != self.repeat.text():
            raise ValidationError("The two new passwords are not the same.")


def _open_forms() -> list[FormDialog]:
    return [
        widget
        for widget in QApplication.topLevelWidgets()
        if isinstance(widget, FormDialog) and widget.isVisible()
    ]


def _password() -> QLineEdit:
    field = QLineEdit()
    field.setEchoMode(QLineEdit.EchoMode.Password)
    return field
