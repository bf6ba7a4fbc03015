"""The Essays and marking screen: the coordinator's view, or a marker's own list."""

from __future__ import annotations

from lt_desktop.domain.changes import Change
from lt_desktop.domain.roles import Permission
from lt_desktop.ui.controller import AppController
from lt_desktop.ui.qt import QVBoxLayout, QWidget
from lt_desktop.ui.screens.base import Screen
from lt_desktop.ui.screens.essays.coordinator import CoordinatorView
from lt_desktop.ui.screens.essays.marker import MarkerView
from lt_desktop.ui.widgets import heading


class EssaysScreen(Screen):
    title = "Essays and marking"
    needs = frozenset({Permission.MANAGE_ESSAYS, Permission.MARK_ESSAYS})
    listens_to = frozenset({Change.ESSAYS, Change.ATTACHMENTS, Change.COHORTS, Change.MEMBERS})

    def __init__(self, controller: AppController, parent: QWidget | None = None) -> None:
        super().__init__(controller, parent)
        layout = QVBoxLayout(self)
        layout.addWidget(heading("Essays and marking"))
        self.coordinator = CoordinatorView(self) if self.may(Permission.MANAGE_ESSAYS) else None
        self.marker = MarkerView(self) if self.coordinator is None else None
        layout.addWidget(self.coordinator or self.marker, 1)  # type: ignore[arg-type]

    def reload(self) -> None:
        if self.coordinator is not None:
            self.coordinator.reload()
        elif self.marker is not None:
            self.marker.reload()
