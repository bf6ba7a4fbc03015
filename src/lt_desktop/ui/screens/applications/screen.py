"""The Applications screen: a cohort chosen at the top, deciding and assessing below."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any

from lt_desktop.core.services.programme import CohortInfo
from lt_desktop.core.workspace import Workspace
from lt_desktop.domain.changes import Change
from lt_desktop.domain.roles import Permission
from lt_desktop.ui.controller import AppController
from lt_desktop.ui.qt import QComboBox, QHBoxLayout, QLabel, QTabWidget, QVBoxLayout, QWidget
from lt_desktop.ui.screens.applications.assess import AssessView
from lt_desktop.ui.screens.applications.decisions import DecisionsView
from lt_desktop.ui.screens.base import Screen
from lt_desktop.ui.widgets import heading, index_of


class ApplicationsScreen(Screen):
    title = "Applications"
    needs = frozenset({Permission.MANAGE_APPLICATIONS, Permission.ASSESS_APPLICATIONS})
    # Its own changes are shown in place (see ``change``); these come from elsewhere.
    listens_to = frozenset(
        {Change.APPLICATIONS, Change.COHORTS, Change.MEMBERS, Change.PEOPLE, Change.SETTINGS}
    )

    def __init__(self, controller: AppController, parent: QWidget | None = None) -> None:
        super().__init__(controller, parent)
        self.cohort = QComboBox()
        self.cohort.setAccessibleName("Cohort")
        self.cohort.currentIndexChanged.connect(self._cohort_chosen)
        top = QHBoxLayout()
        label = QLabel("&Cohort")
        label.setBuddy(self.cohort)
        top.addWidget(label)
        top.addWidget(self.cohort, 1)
        self.tabs = QTabWidget()
        self.tabs.setAccessibleName("Applications and assessing")
        self.decisions = DecisionsView(self) if self.may(Permission.MANAGE_APPLICATIONS) else None
        self.assessing = AssessView(self) if self.may(Permission.ASSESS_APPLICATIONS) else None
        if self.decisions is not None:
            self.tabs.addTab(self.decisions, "App&lications and decisions")
        if self.assessing is not None:
            self.tabs.addTab(self.assessing, "Assess s&tatements")
        self.tabs.currentChanged.connect(lambda _index: self._cohort_chosen())
        layout = QVBoxLayout(self)
        layout.addWidget(heading("Applications"))
        layout.addLayout(top)
        layout.addWidget(self.tabs, 1)

    # -- loading -----------------------------------------------------------------------

    def reload(self) -> None:
        self.controller.load(lambda ws: ws.programme.list_cohorts(), self._show_cohorts)

    def _show_cohorts(self, cohorts: list[CohortInfo]) -> None:
        current = self.cohort.currentData()
        self.cohort.blockSignals(True)
        self.cohort.clear()
        for cohort in sorted(cohorts, key=lambda c: c.starts_on, reverse=True):
            self.cohort.addItem(cohort.title, cohort.id)
        index = index_of(self.cohort, current) if current is not None else -1
        self.cohort.setCurrentIndex(max(index, 0))
        self.cohort.blockSignals(False)
        self._cohort_chosen()

    def cohort_id(self) -> uuid.UUID | None:
        value = self.cohort.currentData()
        return value if isinstance(value, uuid.UUID) else None

    def _cohort_chosen(self) -> None:
        view = self.tabs.currentWidget()
        if isinstance(view, DecisionsView | AssessView):
            view.load(self.cohort_id())

    # -- changes made here ---------------------------------------------------------------

    def change(
        self,
        work: Callable[[Workspace], Any],
        on_done: Callable[[Any], None],
        on_error: Callable[[str], None],
    ) -> None:
        """Make a change whose result this screen shows in place, so the change it
        announces does not reload the screen (and lose what is being typed)."""
        self.controller.change(work, on_done, on_error, source=self)

    def _on_data_changed(self, changed: frozenset[Change]) -> None:
        if self.controller.change_source is self:
            return
        super()._on_data_changed(changed)
