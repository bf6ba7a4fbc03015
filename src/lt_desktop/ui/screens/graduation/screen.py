"""The Graduation screen: the ceremonies on the left, the chosen one's tabs on the right."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import date
from typing import Any

from lt_desktop.core.services.graduation import EventSummary, GraduationDetails
from lt_desktop.core.services.programme import CohortInfo
from lt_desktop.core.workspace import Workspace
from lt_desktop.domain.changes import Change
from lt_desktop.domain.roles import Permission
from lt_desktop.ui.controller import AppController
from lt_desktop.ui.models import Column, RecordTableModel
from lt_desktop.ui.qt import QSplitter, QTabWidget, QVBoxLayout, QWidget
from lt_desktop.ui.screens.base import Screen
from lt_desktop.ui.screens.graduation.details import DetailsTab, NewEventDialog
from lt_desktop.ui.screens.graduation.guests import GuestsTab
from lt_desktop.ui.screens.graduation.parts import long_date
from lt_desktop.ui.screens.graduation.programme import ProgrammeTab
from lt_desktop.ui.screens.graduation.students import StudentsTab
from lt_desktop.ui.widgets import Banner, EmptyOr, Tone, button, heading, record_table


class GraduationScreen(Screen):
    title = "Graduation"
    needs = frozenset({Permission.MANAGE_GRADUATION})
    # Who came is kept in the graduation session's register.
    listens_to = frozenset(
        {
            Change.GRADUATION,
            Change.COHORTS,
            Change.MEMBERS,
            Change.SESSIONS,
            Change.REGISTER,
            Change.CONSENT,  # who may not be photographed
        }
    )

    def __init__(self, controller: AppController, parent: QWidget | None = None) -> None:
        super().__init__(controller, parent)
        self.details: GraduationDetails | None = None
        self._event_id: uuid.UUID | None = None
        self._form_event_id: uuid.UUID | None = None

        self.events = RecordTableModel[EventSummary](
            [
                Column("Date", lambda e: long_date(e.held_on), lambda e: e.held_on),
                Column("Graduation", lambda e: e.title, tooltip=lambda e: e.cohort_titles),
            ]
        )
        self.event_table = record_table(self.events, "Graduations")
        self.event_table.selectionModel().currentRowChanged.connect(self._event_chosen)
        self.new_button = button("New &graduation…", self.new_event)
        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        left_layout.addWidget(self.event_table, 1)
        left_layout.addWidget(self.new_button)

        self.warnings = Banner()
        self.warnings.setAccessibleName("Warnings")
        self.details_tab = DetailsTab(self)
        self.guests_tab = GuestsTab(self)
        self.programme_tab = ProgrammeTab(self)
        self.students_tab = StudentsTab(self)
        self.tabs = QTabWidget()
        self.tabs.setAccessibleName("Graduation")
        self.tabs.addTab(self.guests_tab, "Guests and clearance")
        self.tabs.addTab(self.programme_tab, "Programme")
        self.tabs.addTab(self.students_tab, "Students and certificates")
        self.tabs.addTab(self.details_tab, "Event details")
        self.banner = Banner()
        right = QWidget()
        right_layout = QVBoxLayout(right)
        right_layout.setContentsMargins(0, 0, 0, 0)
        right_layout.addWidget(self.warnings)
        right_layout.addWidget(self.tabs, 1)
        right_layout.addWidget(self.banner)
        self.body = EmptyOr(
            right,
            "No graduation is arranged yet. New graduation… arranges one for a cohort; its "
            "guests, programme and certificates are kept here.",
        )

        splitter = QSplitter()
        splitter.addWidget(left)
        splitter.addWidget(self.body)
        splitter.setSizes([280, 920])
        layout = QVBoxLayout(self)
        layout.addWidget(heading("Graduation"))
        layout.addWidget(splitter, 1)
        self.body.set_empty(True)

    # -- loading -------------------------------------------------------------------------

    def reload(self) -> None:
        chosen = self._event_id

        def fetch(ws: Workspace) -> tuple[list[EventSummary], GraduationDetails | None]:
            events = ws.graduation.list_events()
            pick = chosen if any(e.id == chosen for e in events) else _default_event(events)
            return events, ws.graduation.details(pick) if pick else None

        self.controller.load(fetch, self._show, self.show_error)

    def _show(self, result: tuple[list[EventSummary], GraduationDetails | None]) -> None:
        events, details = result
        self.events.set_rows(events)
        self.body.set_empty(details is None)
        if details is None:
            self._event_id = self.details = None
            return
        self._event_id = details.event.id
        row = next(i for i, e in enumerate(events) if e.id == details.event.id)
        self.event_table.selectionModel().blockSignals(True)
        self.event_table.selectRow(row)
        self.event_table.selectionModel().blockSignals(False)
        self._show_details(details)

    def _event_chosen(self, current: Any, _previous: Any) -> None:
        event = self.events.row_at(current)
        if event is None or event.id == self._event_id:
            return
        self._event_id = event.id
        self.banner.clear()
        event_id = event.id
        self.controller.load(
            lambda ws: ws.graduation.details(event_id), self._show_details, self.show_error
        )

    def _show_details(self, details: GraduationDetails) -> None:
        if self._event_id is not None and details.event.id != self._event_id:
            return  # another event was chosen while this one loaded
        self._event_id = details.event.id
        self.details = details
        self.show_warnings(details)
        fresh = self._form_event_id != details.event.id
        self._form_event_id = details.event.id
        self.details_tab.show_event(details.event, refill=fresh)
        self.guests_tab.show_details(details)
        self.programme_tab.show_programme(details.programme)
        self.students_tab.show_details(details)

    def show_warnings(self, details: GraduationDetails) -> None:
        warnings = details.warnings
        self.warnings.show_message(
            "\n".join(warnings.messages()),
            Tone.WARNING if warnings.needs_attention else Tone.INFO,
        )

    # -- changing ------------------------------------------------------------------------

    def change(
        self,
        work: Callable[[Workspace], Any],
        message: Callable[[Any], str] | str,
        *,
        then: Callable[[Any], None] | None = None,
    ) -> None:
        """Make a change, say what was done, and show the event again from the store."""

        def done(value: Any) -> None:
            self.banner.show_message(message(value) if callable(message) else message, Tone.GOOD)
            if then is not None:
                then(value)

        self.controller.change(work, done, self.show_error)

    def show_error(self, message: str) -> None:
        self.banner.show_message(message, Tone.ERROR)

    @property
    def current_event(self) -> EventSummary | None:
        return self.details.event if self.details else None

    def new_event(self) -> None:
        def choose(cohorts_and_events: tuple[list[CohortInfo], list[EventSummary]]) -> None:
            cohorts, events = cohorts_and_events
            taken = {c.cohort_id for e in events for c in e.cohorts}
            free = [c for c in cohorts if c.id not in taken]
            if not free:
                self.show_error(
                    "Every cohort already has a graduation. Add a cohort first, or add it to an "
                    "existing graduation (Event details)."
                )
                return
            dialog = NewEventDialog(self, free)
            if not dialog.exec():
                return
            values = dialog.values()

            def created(event: EventSummary) -> None:
                self._event_id = event.id
                self.tabs.setCurrentWidget(self.guests_tab)
                self.guests_tab.name.setFocus()

            self.change(
                lambda ws: ws.graduation.create_event(**values),
                lambda e: f"{e.title} is arranged. Add its guests and programme.",
                then=created,
            )

        self.controller.load(
            lambda ws: (ws.programme.list_cohorts(), ws.graduation.list_events()),
            choose,
            self.show_error,
        )


def _default_event(events: list[EventSummary]) -> uuid.UUID | None:
    """The next graduation to come, else the latest held."""
    today = date.today()
    coming = [e for e in events if e.held_on >= today]
    if coming:
        return min(coming, key=lambda e: e.held_on).id
    return events[0].id if events else None
