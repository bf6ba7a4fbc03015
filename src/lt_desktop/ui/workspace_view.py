"""What a signed-in person works in: the navigation on the left, the chosen screen on
the right, and the backup reminder above it. Imported at sign-in, not before: the
sign-in window is shown without the screens (and what they import) loaded.
"""

from __future__ import annotations

from lt_desktop.core.services.drafts import Draft
from lt_desktop.core.services.maintenance import BackupStatus
from lt_desktop.domain.changes import Change
from lt_desktop.domain.roles import Permission, Role
from lt_desktop.ui.controller import AppController
from lt_desktop.ui.qt import (
    QHBoxLayout,
    QKeySequence,
    QListWidgetItem,
    QShortcut,
    QVBoxLayout,
    QWidget,
)
from lt_desktop.ui.screens.administration import AdministrationScreen
from lt_desktop.ui.screens.applications import ApplicationsScreen
from lt_desktop.ui.screens.backups import BackupsScreen
from lt_desktop.ui.screens.base import Screen, ScreenStack, SectionList
from lt_desktop.ui.screens.cohorts import CohortsScreen
from lt_desktop.ui.screens.documents import DocumentsScreen
from lt_desktop.ui.screens.essays import EssaysScreen
from lt_desktop.ui.screens.graduation import GraduationScreen
from lt_desktop.ui.screens.groups import GroupsScreen
from lt_desktop.ui.screens.interviews import InterviewsScreen
from lt_desktop.ui.screens.laptops import LaptopsScreen
from lt_desktop.ui.screens.mentoring import MentorsScreen
from lt_desktop.ui.screens.overview import OverviewScreen
from lt_desktop.ui.screens.people import PeopleScreen
from lt_desktop.ui.screens.questionnaires import QuestionnairesScreen
from lt_desktop.ui.screens.research_export import ResearchExportScreen
from lt_desktop.ui.screens.retention import RetentionScreen
from lt_desktop.ui.screens.sessions import SessionsScreen
from lt_desktop.ui.screens.stories import StoriesScreen
from lt_desktop.ui.screens.sync import SyncScreen
from lt_desktop.ui.views.register import RegisterView
from lt_desktop.ui.widgets import Banner, Tone, button

#: The navigation, in order. Each role sees the screens its permissions allow.
SCREENS: list[type[Screen]] = [
    OverviewScreen,
    CohortsScreen,
    ApplicationsScreen,
    PeopleScreen,
    GroupsScreen,
    SessionsScreen,
    MentorsScreen,
    InterviewsScreen,
    GraduationScreen,
    EssaysScreen,
    StoriesScreen,
    QuestionnairesScreen,
    ResearchExportScreen,
    SyncScreen,
    LaptopsScreen,
    DocumentsScreen,
    BackupsScreen,
    RetentionScreen,
    AdministrationScreen,
]


def screens_for(may: set[Permission]) -> list[type[Screen]]:
    return [screen for screen in SCREENS if screen.needs & may]


def landing_row(screens: list[type[Screen]], role: Role) -> int:
    """The screen a role starts on: its day's work (a facilitator's register), else
    the first it is offered."""
    return next((row for row, screen in enumerate(screens) if role in screen.lands_for), 0)


class WorkspaceView(QWidget):
    """Navigation on the left, the chosen screen on the right. Built at sign-in."""

    def __init__(self, controller: AppController) -> None:
        super().__init__()
        assert controller.workspace is not None
        actor = controller.workspace.actor
        allowed = {p for p in Permission if actor.may(p)}
        self.nav = SectionList()
        self.nav.setAccessibleName("Sections")
        self.stack = ScreenStack()
        self._controller = controller
        #: The screens this account may use, in order; each is built when first shown
        #: (most sign-ins use two or three), in the stack in place of a blank page.
        self.screen_classes = screens_for(allowed)
        self._built: dict[int, Screen] = {}
        for position, screen_class in enumerate(self.screen_classes, start=1):
            self.stack.addWidget(QWidget())
            item = QListWidgetItem(screen_class.title)
            if position <= 9:
                item.setToolTip(f"Ctrl+{position}")
                QShortcut(
                    QKeySequence(f"Ctrl+{position}"),
                    self,
                    lambda p=position: self.nav.setCurrentRow(p - 1),
                )
            self.nav.addItem(item)
        self.nav.currentRowChanged.connect(self._show)
        self.reminder = BackupReminder(self)
        self.lock_warning = Banner()
        self.lock_warning.setAccessibleName("Locking soon")
        content = QWidget()
        column = QVBoxLayout(content)
        column.setContentsMargins(0, 0, 0, 0)
        column.addWidget(self.lock_warning)
        column.addWidget(self.reminder)
        column.addWidget(self.stack, 1)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.nav)
        layout.addWidget(content, 1)
        if self.screen_classes:
            self.nav.setCurrentRow(landing_row(self.screen_classes, actor.role))
        if actor.may(Permission.BACKUP):
            self.reminder.check(controller)
        controller.open_register.connect(self._open_register)

    def screen_at(self, row: int) -> Screen:
        """The screen at ``row`` of the navigation, built now if it was not yet."""
        screen = self._built.get(row)
        if screen is None:
            screen = self._built[row] = self.screen_classes[row](self._controller)
            blank = self.stack.widget(row)
            assert blank is not None
            current = self.stack.currentIndex()
            self.stack.insertWidget(row, screen)
            self.stack.removeWidget(blank)
            blank.deleteLater()
            if current == row:
                self.stack.setCurrentIndex(row)
        return screen

    @property
    def screens(self) -> list[Screen]:
        """Every screen this account may use (building those not yet shown)."""
        return [self.screen_at(row) for row in range(len(self.screen_classes))]

    def unsaved_typing(self) -> list[Draft]:
        typed = [draft for screen in self._built.values() for draft in screen.drafts()]
        for register in self.findChildren(RegisterView):
            typed.extend(register.drafts())
        return typed

    def _show(self, row: int) -> None:
        if 0 <= row < len(self.screen_classes):
            screen = self.screen_at(row)
            self.stack.setCurrentIndex(row)
            screen.activate()

    def _open_register(self, cohort_id: object, session_id: object) -> None:
        screen = self.open(SessionsScreen)
        if isinstance(screen, SessionsScreen):
            screen.open_session(cohort_id, session_id)  # type: ignore[arg-type]

    def open(self, screen_class: type[Screen]) -> Screen | None:
        for row, each in enumerate(self.screen_classes):
            if issubclass(each, screen_class):
                self.nav.setCurrentRow(row)
                return self.screen_at(row)
        return None


class BackupReminder(QWidget):
    """Shown above every screen while a backup is overdue, with the way to make one."""

    def __init__(self, view: WorkspaceView) -> None:
        super().__init__()
        self._view = view
        self.banner = Banner()
        self.back_up_button = button("Back up &now…", self._open_backups)
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 4)
        row.addWidget(self.banner, 1)
        row.addWidget(self.back_up_button)
        self.hide()

    def check(self, controller: AppController) -> None:
        controller.data_changed.connect(self._on_change)
        self._controller = controller
        self._refresh()

    def _on_change(self, changed: frozenset[Change]) -> None:
        if changed & {Change.BACKUPS, Change.SETTINGS}:
            self._refresh()

    def _refresh(self) -> None:
        self._controller.load(lambda ws: ws.maintenance.backup_status(), self._show_status)

    def _show_status(self, status: BackupStatus) -> None:
        if status.overdue():
            self.banner.show_message(
                f"{status.describe()} Back up at least every {status.reminder_days} days, "
                "so a broken or lost computer costs no one their work.",
                Tone.WARNING,
            )
            self.show()
        else:
            self.hide()

    def _open_backups(self) -> None:
        self._view.open(BackupsScreen)
