"""Graduation: the event and its cohorts, the programme, each student's guests and the
officials coming, the prison's clearance of every visitor, who attended, and the
certificates presented on the day.

The strip above the tabs always says what needs doing: guests late for clearance,
guests still to be submitted as the deadline nears, and the count against capacity.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Sequence
from datetime import date, timedelta
from pathlib import Path
from typing import Any, Generic

from lt_desktop.core.services.graduation import (
    PROGRAMME_KINDS,
    EventSummary,
    GraduateLine,
    GraduationDetails,
    GuestInfo,
    IssuedCertificates,
    ProgrammeItemInfo,
)
from lt_desktop.core.services.people import person_label, place_words, short_reference
from lt_desktop.core.services.programme import CohortInfo
from lt_desktop.core.workspace import Workspace
from lt_desktop.domain.errors import ValidationError
from lt_desktop.domain.roles import Permission
from lt_desktop.domain.vocabulary import ClearanceStatus, GuestCategory, MembershipRole
from lt_desktop.ui.controller import COHORTS, MEMBERS, REGISTER, SESSIONS, AppController
from lt_desktop.ui.drafts import RESTORED
from lt_desktop.ui.fitting import VerticalScrollArea, at_least_rows, flow
from lt_desktop.ui.models import Column, Index, RecordTableModel, Row
from lt_desktop.ui.qt import (
    QCheckBox,
    QComboBox,
    QFormLayout,
    QGridLayout,
    QHBoxLayout,
    QKeySequence,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QShortcut,
    QSpinBox,
    QSplitter,
    Qt,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)
from lt_desktop.ui.screens.base import Screen, offer_only_if
from lt_desktop.ui.widgets import (
    Banner,
    EmptyOr,
    EnumCombo,
    FormDialog,
    PaperCombo,
    SavePathField,
    Tone,
    button,
    confirm,
    date_field,
    date_of,
    heading,
    muted,
    record_table,
)

#: The kind of change this screen's saves announce (and reload on).
GRADUATION = "graduation"
#: Guests who never come as a student's guest (an offender manager may).
OWN_ACCOUNT = frozenset({GuestCategory.OFFICIAL, GuestCategory.PARTNER})
NO_STUDENT = "(no student)"


def _day(value: date | None) -> str:
    return f"{value:%d %b %Y}" if value else ""


class TickTableModel(RecordTableModel[Row], Generic[Row]):
    """Records with a tick box in the first column (say, who attended). Ticking asks
    ``on_tick``; the box changes when the store says it has."""

    def __init__(
        self,
        columns: Sequence[Column[Row]],
        *,
        ticked: Callable[[Row], bool | None],
        can_tick: Callable[[Row], bool],
        on_tick: Callable[[Row, bool], None],
    ) -> None:
        super().__init__(columns)
        self._ticked, self._can_tick, self._on_tick = ticked, can_tick, on_tick

    def flags(self, index: Index) -> Qt.ItemFlag:
        flags = super().flags(index)
        row = self.row_at(index)
        if index.column() == 0 and row is not None and self._can_tick(row):
            flags |= Qt.ItemFlag.ItemIsUserCheckable
        return flags

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        row = self.row_at(index)
        if index.column() == 0 and row is not None and self._can_tick(row):
            # The box says it; the words are for rows that cannot be ticked.
            if role == Qt.ItemDataRole.CheckStateRole:
                return Qt.CheckState.Checked if self._ticked(row) else Qt.CheckState.Unchecked
            if role == Qt.ItemDataRole.DisplayRole:
                return ""
        return super().data(index, role)

    def setData(self, index: Index, value: Any, role: int = Qt.ItemDataRole.EditRole) -> bool:  # noqa: N802
        row = self.row_at(index)
        if role != Qt.ItemDataRole.CheckStateRole or index.column() != 0 or row is None:
            return False
        checked = value in (Qt.CheckState.Checked, Qt.CheckState.Checked.value)
        self._on_tick(row, checked)
        return True


def _attended_text(attended: bool | None) -> str:
    return {True: "Attended", False: "Did not attend", None: ""}[attended]


class GraduationScreen(Screen):
    title = "Graduation"
    needs = frozenset({Permission.MANAGE_GRADUATION})
    listens_to = frozenset({GRADUATION, COHORTS, MEMBERS})

    def __init__(self, controller: AppController, parent: QWidget | None = None) -> None:
        super().__init__(controller, parent)
        self.details: GraduationDetails | None = None
        self._event_id: uuid.UUID | None = None
        self._form_event_id: uuid.UUID | None = None

        self.events = RecordTableModel[EventSummary](
            [
                Column("Date", lambda e: _day(e.held_on), lambda e: e.held_on),
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
        changed: Sequence[str] = (GRADUATION,),
        then: Callable[[Any], None] | None = None,
    ) -> None:
        """Make a change, say what was done, and show the event again from the store."""

        def done(value: Any) -> None:
            self.banner.show_message(message(value) if callable(message) else message, Tone.GOOD)
            if then is not None:
                then(value)

        self.controller.change(work, set(changed), done, self.show_error)

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


# -- the event's details ---------------------------------------------------------------------


class DetailsTab(QWidget):
    def __init__(self, screen: GraduationScreen) -> None:
        super().__init__()
        self.owner = screen
        self.title_field = QLineEdit()
        self.held_on = date_field(date.today())
        self.venue = QLineEdit()
        self.capacity = QSpinBox()
        self.capacity.setRange(1, 10_000)
        self.held_on.setMaximumWidth(180)
        self.capacity.setMaximumWidth(180)
        self.has_deadline = QCheckBox("Guests must be submitted &by")
        self.deadline = date_field(date.today())
        self.has_deadline.toggled.connect(self.deadline.setEnabled)
        self.notes = QPlainTextEdit()
        self.notes.setTabChangesFocus(True)
        self.notes.setMaximumHeight(90)
        self.cohorts = QLabel()
        self.cohorts.setWordWrap(True)
        self.cohorts.setAccessibleName("Cohorts graduating")
        self.save_button = button("&Save details", self.save)
        screen.typing.add(
            "event notes",
            self.notes,
            record=lambda: str(event.id) if (event := screen.current_event) else None,
            saved=lambda: event.notes if (event := screen.current_event) else "",
            restored=lambda: screen.banner.show_message(RESTORED, Tone.INFO),
        )
        self.add_cohort_button = button("Add a &cohort…", self.add_cohort)
        self.remove_cohort_button = button("&Remove a cohort…", self.remove_cohort)

        form = QFormLayout()
        for text, field, name in (
            ("&Title", self.title_field, "Title"),
            ("&Date", self.held_on, "Date"),
            ("&Venue", self.venue, "Venue"),
            ("Ca&pacity", self.capacity, "Capacity"),
            ("N&otes", self.notes, "Notes"),
        ):
            label = QLabel(text)
            label.setBuddy(field)
            field.setAccessibleName(name)
            form.addRow(label, field)
        deadline_row = QHBoxLayout()
        deadline_row.addWidget(self.has_deadline)
        deadline_row.addWidget(self.deadline)
        deadline_row.addStretch(1)
        self.deadline.setAccessibleName("Deadline for guests")
        form.insertRow(4, "Deadline", deadline_row)
        cohort_buttons = QHBoxLayout()
        cohort_buttons.addWidget(self.add_cohort_button)
        cohort_buttons.addWidget(self.remove_cohort_button)
        cohort_buttons.addStretch(1)
        form.addRow("Cohorts", self.cohorts)
        form.addRow("", cohort_buttons)
        row = QHBoxLayout()
        row.addWidget(self.save_button)
        row.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addLayout(row)
        layout.addWidget(
            muted(
                "Visitors to a prison must be cleared in advance: set the deadline early enough "
                "for the prison to clear everyone before the day."
            )
        )
        layout.addStretch(1)

    def show_event(self, event: EventSummary, *, refill: bool) -> None:
        self.cohorts.setText(
            "\n".join(c.title for c in event.cohorts) or "None yet: add the cohort that graduates."
        )
        self.remove_cohort_button.setEnabled(bool(event.cohorts))
        if not refill:
            return  # keep what is being typed
        self.title_field.setText(event.title)
        self.held_on.set_value(event.held_on)
        self.venue.setText(event.venue)
        self.capacity.setValue(event.capacity)
        self.has_deadline.setChecked(event.guest_deadline is not None)
        self.deadline.setEnabled(event.guest_deadline is not None)
        self.deadline.set_value(event.guest_deadline or event.held_on - timedelta(days=21))
        self.notes.setPlainText(event.notes)
        self.owner.typing.put_back()

    def save(self) -> None:
        event = self.owner.current_event
        if event is None:
            return
        try:
            values: dict[str, Any] = {
                "title": self.title_field.text(),
                "held_on": date_of(self.held_on),
                "venue": self.venue.text(),
                "capacity": self.capacity.value(),
                "guest_deadline": date_of(self.deadline) if self.has_deadline.isChecked() else None,
                "notes": self.notes.toPlainText(),
            }
        except ValidationError as error:
            self.owner.show_error(str(error))
            return
        event_id = event.id
        self.owner.change(
            lambda ws: ws.graduation.update_event(event_id, **values),
            "The graduation's details are saved.",
        )

    def add_cohort(self) -> None:
        event = self.owner.current_event
        if event is None:
            return
        event_id = event.id

        def choose(cohorts_and_events: tuple[list[CohortInfo], list[EventSummary]]) -> None:
            cohorts, events = cohorts_and_events
            taken = {c.cohort_id for e in events for c in e.cohorts}
            free = [c for c in cohorts if c.id not in taken]
            if not free:
                self.owner.show_error("Every cohort already graduates at an event.")
                return
            dialog = CohortDialog(self, "Add a cohort", "Add", [(c.title, c.id) for c in free])
            if dialog.exec():
                cohort_id = dialog.value()
                self.owner.change(
                    lambda ws: ws.graduation.attach_cohort(event_id, cohort_id),
                    "The cohort graduates at this event too.",
                )

        self.owner.controller.load(
            lambda ws: (ws.programme.list_cohorts(), ws.graduation.list_events()),
            choose,
            self.owner.show_error,
        )

    def remove_cohort(self) -> None:
        event = self.owner.current_event
        if event is None or not event.cohorts:
            return
        dialog = CohortDialog(
            self, "Remove a cohort", "Remove", [(c.title, c.cohort_id) for c in event.cohorts]
        )
        if dialog.exec():
            cohort_id, event_id = dialog.value(), event.id
            self.owner.change(
                lambda ws: ws.graduation.detach_cohort(event_id, cohort_id),
                "The cohort no longer graduates at this event.",
            )


# -- guests and their clearance -----------------------------------------------------------------


class GuestsTab(QWidget):
    """Guests entered from the keyboard: name, relationship, who invited them, Enter;
    then the clearance steps with the date each happened."""

    def __init__(self, screen: GraduationScreen) -> None:
        super().__init__()
        self.owner = screen
        self.name = QLineEdit()
        self.name.setPlaceholderText("Whole name, as on their ID")
        self.relationship = QLineEdit()
        self.relationship.setPlaceholderText("e.g. Mother")
        self.category = EnumCombo(GuestCategory, GuestCategory.FAMILY)
        self.guest_of = QComboBox()
        self.category.currentIndexChanged.connect(self._category_chosen)
        self.add_button = button("Add gue&st", self.add_guest)
        for line in (self.name, self.relationship):
            line.returnPressed.connect(self.add_guest)
        for combo in (self.category, self.guest_of):
            _on_enter(combo, self.add_guest)
        entry = _entry_row(
            (
                ("Na&me", self.name, "Guest's name"),
                ("Re&lationship", self.relationship, "Relationship"),
                ("Ca&tegory", self.category, "Category"),
                ("Guest &of", self.guest_of, "Guest of"),
            ),
            self.add_button,
        )
        entry.setColumnStretch(0, 3)
        entry.setColumnStretch(1, 2)
        entry.setColumnStretch(3, 3)

        self.guests = TickTableModel[GuestInfo](
            [
                Column("Came", lambda g: _attended_text(g.attended)),
                Column("Name", lambda g: g.name),
                Column("Relationship", lambda g: g.relationship),
                Column("Category", lambda g: g.category.label),
                Column("Guest of", lambda g: g.guest_of),
                Column("Clearance", lambda g: g.describe_clearance(), tooltip=_clearance_tip),
            ],
            ticked=lambda g: bool(g.attended),
            can_tick=self._may_tick,
            on_tick=self._tick,
        )
        self.table = record_table(self.guests, "Guests")
        self.table.selectionModel().currentRowChanged.connect(self._guest_chosen)
        self.table.doubleClicked.connect(lambda _: self.edit_guest())
        self.table_or_empty = EmptyOr(self.table, "")

        self.step_on = date_field(date.today())
        self.step_on.setAccessibleName("Date of the clearance step")
        self.submit_button = button("S&ubmitted", self.submit, accessible="Submitted for clearance")
        self.clear_button = button("&Cleared", self.clear)
        self.refuse_button = button("&Refused", self.refuse)
        self.reset_button = button("&Back to not submitted", self.reset)
        self.edit_button = button("&Edit guest…", self.edit_guest)
        self.remove_button = button("Remo&ve guest", self.remove_guest)
        self.print_button = button("&Print guest list…", self.print_list)
        offer_only_if(screen.may(Permission.PRINT_DOCUMENTS), self.print_button)
        on_label = QLabel("Clearance step on &date")
        on_label.setBuddy(self.step_on)
        steps = flow(
            (
                on_label,
                self.step_on,
                self.submit_button,
                self.clear_button,
                self.refuse_button,
                self.reset_button,
            )
        )
        actions = flow((self.edit_button, self.remove_button, self.print_button))

        page = QWidget()
        layout = QVBoxLayout(page)
        layout.addLayout(entry)
        layout.addWidget(self.table_or_empty, 1)
        layout.addLayout(steps)
        layout.addLayout(actions)
        layout.addWidget(
            muted(
                "Type a guest and press Enter; the next one can follow at once. Choose a guest, "
                "then record each clearance step with the day it happened. Tick who came on the "
                "day (Space)."
            )
        )
        # On a small laptop the page scrolls rather than squeeze the guests to a row or two.
        at_least_rows(self.table, 4)
        whole = QVBoxLayout(self)
        whole.setContentsMargins(0, 0, 0, 0)
        whole.addWidget(VerticalScrollArea(page, "Guests and clearance"))
        self._chosen: uuid.UUID | None = None
        self._students: list[tuple[str, uuid.UUID]] = []
        self._guest_chosen(None, None)

    def show_details(self, details: GraduationDetails) -> None:
        students = [(_student_label(g), g.membership_id) for g in details.graduates]
        if students != self._students:
            self._students = students
            current = self.guest_of.currentData()
            self.guest_of.clear()
            self.guest_of.addItem(NO_STUDENT, None)
            for name, membership_id in students:
                self.guest_of.addItem(name, membership_id)
            self.guest_of.setCurrentIndex(max(0, _index_of(self.guest_of, current)))
        chosen = self._chosen
        self.guests.set_rows(details.guests)
        self.table_or_empty.set_empty(
            not details.guests,
            "No guests yet. Type each student's guests above, and the officials and partners "
            "coming; the prison needs every visitor's name in advance.",
        )
        row = next((i for i, g in enumerate(details.guests) if g.id == chosen), -1)
        if row >= 0:
            self.table.selectRow(row)
        else:
            self._guest_chosen(None, None)

    def current(self) -> GuestInfo | None:
        return self.guests.row_at(self.table.currentIndex())

    def _category_chosen(self) -> None:
        if self.category.value() in OWN_ACCOUNT:
            self.guest_of.setCurrentIndex(0)

    def _guest_chosen(self, current: Any, _previous: Any) -> None:
        guest = self.guests.row_at(current) if current is not None else None
        self._chosen = guest.id if guest else None
        status = guest.clearance if guest else None
        self.submit_button.setEnabled(
            status in (ClearanceStatus.NOT_SUBMITTED, ClearanceStatus.REFUSED)
        )
        self.clear_button.setEnabled(status in (ClearanceStatus.SUBMITTED, ClearanceStatus.REFUSED))
        self.refuse_button.setEnabled(
            status in (ClearanceStatus.SUBMITTED, ClearanceStatus.CLEARED)
        )
        self.reset_button.setEnabled(
            status is not None and status is not ClearanceStatus.NOT_SUBMITTED
        )
        self.edit_button.setEnabled(guest is not None)
        self.remove_button.setEnabled(guest is not None)

    def _may_tick(self, guest: GuestInfo) -> bool:
        event = self.owner.current_event
        return (
            event is not None
            and event.held_on <= date.today()
            and guest.clearance is ClearanceStatus.CLEARED
        )

    def _tick(self, guest: GuestInfo, attended: bool) -> None:
        event = self.owner.current_event
        if event is None:
            return
        event_id, guest_id = event.id, guest.id
        self._chosen = guest_id
        self.owner.change(
            lambda ws: ws.graduation.record_attendance(event_id, guests={guest_id: attended}),
            f"{guest.name} {'attended' if attended else 'did not attend'}.",
        )

    # -- adding and editing ---------------------------------------------------------------

    def add_guest(self) -> None:
        event = self.owner.current_event
        if event is None:
            return
        event_id = event.id
        values = {
            "name": self.name.text(),
            "relationship": self.relationship.text(),
            "category": self.category.value(),
            "invited_by_id": self.guest_of.currentData(),
        }

        def added(guest: GuestInfo) -> None:
            self._chosen = guest.id
            self.name.clear()
            self.relationship.clear()
            self.name.setFocus()

        self.owner.change(
            lambda ws: ws.graduation.add_guest(event_id, **values),
            lambda g: (
                f"{g.name} is on the guest list"
                + (f" as {g.guest_of}'s guest." if g.guest_of else ".")
            ),
            then=added,
        )

    def edit_guest(self) -> None:
        guest = self.current()
        if guest is None:
            return
        dialog = GuestDialog(self, guest, self._students)
        if not dialog.exec():
            return
        values, guest_id = dialog.values(), guest.id
        self.owner.change(
            lambda ws: ws.graduation.update_guest(guest_id, **values),
            "The guest's details are saved.",
        )

    def remove_guest(self) -> None:
        guest = self.current()
        if guest is None:
            return
        if not confirm(
            self, f"Take {guest.name} off the guest list?", "Remove guest", "Remove a guest"
        ):
            return
        guest_id = guest.id
        self.owner.change(
            lambda ws: ws.graduation.remove_guest(guest_id),
            f"{guest.name} is off the guest list.",
        )

    # -- clearance ------------------------------------------------------------------------

    def _step(self, verb: str, work: Callable[[Workspace, uuid.UUID, date], GuestInfo]) -> None:
        guest = self.current()
        if guest is None:
            return
        try:
            guest_id, on = guest.id, date_of(self.step_on)
        except ValidationError as error:
            self.owner.show_error(str(error))
            return
        self._chosen = guest_id
        self.owner.change(
            lambda ws: work(ws, guest_id, on),
            lambda g: f"{g.name}: {verb} {on:%d %b %Y}.",
            then=lambda _: self.table.setFocus(),
        )

    def submit(self) -> None:
        self._step("submitted for clearance", lambda ws, g, on: ws.graduation.submit(g, on=on))

    def clear(self) -> None:
        self._step("cleared by the prison", lambda ws, g, on: ws.graduation.clear(g, on=on))

    def refuse(self) -> None:
        self._step("refused by the prison", lambda ws, g, on: ws.graduation.refuse(g, on=on))

    def reset(self) -> None:
        guest = self.current()
        if guest is None:
            return
        guest_id = guest.id
        self.owner.change(
            lambda ws: ws.graduation.reset_clearance(guest_id),
            lambda g: f"{g.name} is back to not submitted.",
        )

    def print_list(self) -> None:
        event = self.owner.current_event
        if event is not None:
            print_document(self.owner, event, "guest list")


def _clearance_tip(guest: GuestInfo) -> str:
    parts = []
    if guest.submitted_on:
        parts.append(f"Submitted {_day(guest.submitted_on)}")
    if guest.decided_on:
        parts.append(f"{guest.clearance.label} {_day(guest.decided_on)}")
    return "; ".join(parts)


class GuestDialog(FormDialog):
    def __init__(
        self, parent: QWidget, guest: GuestInfo, students: list[tuple[str, uuid.UUID]]
    ) -> None:
        super().__init__("Edit guest", "Save", parent)
        self.name = self.add_row("&Name", QLineEdit(guest.name))
        self.relationship = self.add_row("&Relationship", QLineEdit(guest.relationship))
        self.category = self.add_row("&Category", EnumCombo(GuestCategory, guest.category))
        self.guest_of = QComboBox()
        self.guest_of.addItem(NO_STUDENT, None)
        for name, membership_id in students:
            self.guest_of.addItem(name, membership_id)
        self.guest_of.setCurrentIndex(max(0, _index_of(self.guest_of, guest.invited_by_id)))
        self.add_row("Guest &of", self.guest_of)
        self.notes = self.add_row("N&otes", QLineEdit(guest.notes))

    def validate(self) -> None:
        if not self.name.text().strip():
            raise ValidationError("Give the guest's name.")

    def values(self) -> dict[str, Any]:
        return {
            "name": self.name.text(),
            "relationship": self.relationship.text(),
            "category": self.category.value(),
            "invited_by_id": self.guest_of.currentData(),
            "notes": self.notes.text(),
        }


# -- the programme ---------------------------------------------------------------------------


class ProgrammeTab(QWidget):
    def __init__(self, screen: GraduationScreen) -> None:
        super().__init__()
        self.owner = screen
        self.starts_at = QLineEdit()
        self.starts_at.setPlaceholderText("14:00")
        self.starts_at.setMaximumWidth(80)
        self.item_title = QLineEdit()
        self.item_title.setPlaceholderText("e.g. Welcome")
        self.kind = _kind_combo()
        self.who = QLineEdit()
        self.who.setPlaceholderText("Who gives it")
        self.add_button = button("Add i&tem", self.add_item)
        for line in (self.starts_at, self.item_title, self.who):
            line.returnPressed.connect(self.add_item)
        kind_editor = self.kind.lineEdit()
        if kind_editor is not None:
            kind_editor.returnPressed.connect(self.add_item)
        entry = _entry_row(
            (
                ("T&ime", self.starts_at, "Time"),
                ("Ite&m", self.item_title, "Item"),
                ("&Kind", self.kind, "Kind"),
                ("&Who", self.who, "Who"),
            ),
            self.add_button,
        )
        entry.setColumnStretch(1, 3)
        entry.setColumnStretch(3, 2)

        self.items = RecordTableModel[ProgrammeItemInfo](
            [
                Column("Time", lambda i: i.starts_at),
                Column("Item", lambda i: i.title),
                Column("Kind", lambda i: i.kind.capitalize()),
                Column("Who", lambda i: i.who),
            ]
        )
        self.table = record_table(self.items, "Programme")
        self.table.doubleClicked.connect(lambda _: self.edit_item())
        self.table.selectionModel().currentRowChanged.connect(lambda *_: self._enable())
        self.table_or_empty = EmptyOr(self.table, "")
        self.edit_button = button("&Edit item…", self.edit_item)
        self.up_button = button("Move &up", lambda: self.move_item(-1))
        self.down_button = button("Move &down", lambda: self.move_item(1))
        self.remove_button = button("&Remove item", self.remove_item)
        self.print_button = button("&Print programme…", self.print_programme)
        offer_only_if(screen.may(Permission.PRINT_DOCUMENTS), self.print_button)
        actions = flow(
            (
                self.edit_button,
                self.up_button,
                self.down_button,
                self.remove_button,
                self.print_button,
            )
        )
        layout = QVBoxLayout(self)
        layout.addLayout(entry)
        layout.addWidget(self.table_or_empty, 1)
        layout.addLayout(actions)
        layout.addWidget(
            muted("The programme booklet lists these in order, then the graduates by name.")
        )
        self._chosen: uuid.UUID | None = None
        self._enable()

    def show_programme(self, items: list[ProgrammeItemInfo]) -> None:
        chosen = self._chosen
        self.items.set_rows(items)
        self.table_or_empty.set_empty(
            not items, "No programme yet: add the welcome, speeches, music and refreshments."
        )
        row = next((i for i, item in enumerate(items) if item.id == chosen), -1)
        if row >= 0:
            self.table.selectRow(row)
        self._enable()

    def current(self) -> ProgrammeItemInfo | None:
        return self.items.row_at(self.table.currentIndex())

    def _enable(self) -> None:
        item = self.current()
        self._chosen = item.id if item else self._chosen
        count = len(self.items.rows)
        for widget in (self.edit_button, self.remove_button):
            widget.setEnabled(item is not None)
        self.up_button.setEnabled(item is not None and item.position > 0)
        self.down_button.setEnabled(item is not None and item.position < count - 1)

    def add_item(self) -> None:
        event = self.owner.current_event
        if event is None:
            return
        event_id = event.id
        values = {
            "starts_at": self.starts_at.text(),
            "title": self.item_title.text(),
            "kind": self.kind.currentText(),
            "who": self.who.text(),
        }

        def added(items: list[ProgrammeItemInfo]) -> None:
            self._chosen = items[-1].id if items else None
            for field in (self.starts_at, self.item_title, self.who):
                field.clear()
            self.starts_at.setFocus()

        self.owner.change(
            lambda ws: ws.graduation.add_item(event_id, **values),
            "The item is added to the programme.",
            then=added,
        )

    def edit_item(self) -> None:
        item = self.current()
        if item is None:
            return
        dialog = ItemDialog(self, item)
        if not dialog.exec():
            return
        values, item_id = dialog.values(), item.id
        self.owner.change(
            lambda ws: ws.graduation.update_item(item_id, **values),
            "The programme item is saved.",
        )

    def move_item(self, by: int) -> None:
        item = self.current()
        if item is None:
            return
        item_id = item.id
        self._chosen = item_id
        self.owner.change(
            lambda ws: ws.graduation.move_item(item_id, by),
            f"{item.title} moved {'up' if by < 0 else 'down'}.",
            then=lambda _: self.table.setFocus(),
        )

    def remove_item(self) -> None:
        item = self.current()
        if item is None:
            return
        item_id = item.id
        self._chosen = None
        self.owner.change(
            lambda ws: ws.graduation.remove_item(item_id),
            f"{item.title} is off the programme.",
        )

    def print_programme(self) -> None:
        event = self.owner.current_event
        if event is not None:
            print_document(self.owner, event, "programme")


def _kind_combo(current: str = "") -> QComboBox:
    combo = QComboBox()
    combo.setEditable(True)
    combo.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
    for kind in PROGRAMME_KINDS:
        combo.addItem(kind.capitalize())
    combo.setCurrentText(current.capitalize() if current else PROGRAMME_KINDS[0].capitalize())
    return combo


class ItemDialog(FormDialog):
    def __init__(self, parent: QWidget, item: ProgrammeItemInfo) -> None:
        super().__init__("Edit programme item", "Save", parent)
        self.starts_at = self.add_row("T&ime", QLineEdit(item.starts_at))
        self.item_title = self.add_row("&Item", QLineEdit(item.title))
        self.kind = self.add_row("&Kind", _kind_combo(item.kind))
        self.who = self.add_row("&Who", QLineEdit(item.who))

    def values(self) -> dict[str, str]:
        return {
            "starts_at": self.starts_at.text(),
            "title": self.item_title.text(),
            "kind": self.kind.currentText(),
            "who": self.who.text(),
        }


# -- students, attendance and certificates ----------------------------------------------------


class StudentsTab(QWidget):
    def __init__(self, screen: GraduationScreen) -> None:
        super().__init__()
        self.owner = screen
        self.graduates = TickTableModel[GraduateLine](
            [
                Column("Came", lambda g: _attended_text(g.attended)),
                Column("Name", lambda g: g.name),
                Column("Cohort", lambda g: g.cohort_title),
                Column("Status", lambda g: g.status.label),
                Column("Certificate", lambda g: g.certificate_serial),
            ],
            ticked=lambda g: bool(g.attended),
            can_tick=lambda g: self._on_or_after_the_day(),
            on_tick=self._tick,
        )
        self.table = record_table(self.graduates, "Students graduating")
        self.table_or_empty = EmptyOr(self.table, "")
        self.summary = muted()
        self.issue_button = button("&Issue certificates…", self.issue)
        row = QHBoxLayout()
        row.addWidget(self.issue_button)
        row.addWidget(self.summary, 1)
        layout = QVBoxLayout(self)
        layout.addWidget(self.table_or_empty, 1)
        layout.addLayout(row)
        layout.addWidget(
            muted(
                "Tick who came on the day (Space); it is kept in the cohort's register. Each "
                "student who completed the course gets a certificate with a serial number of "
                "its own, recorded as presented at this graduation; issuing again keeps them."
            )
        )

    def _on_or_after_the_day(self) -> bool:
        event = self.owner.current_event
        return event is not None and event.held_on <= date.today()

    def show_details(self, details: GraduationDetails) -> None:
        current = self.graduates.row_at(self.table.currentIndex())
        self.graduates.set_rows(details.graduates)
        self.table.setColumnHidden(2, len(details.event.cohorts) < 2)
        self.table_or_empty.set_empty(
            not details.graduates,
            "No students graduate at this event yet: add their cohort under Event details.",
        )
        if current is not None:
            row = next(
                (
                    i
                    for i, g in enumerate(details.graduates)
                    if g.membership_id == current.membership_id
                ),
                -1,
            )
            if row >= 0:
                self.table.selectRow(row)
        completed = sum(1 for g in details.graduates if g.completed)
        issued = sum(1 for g in details.graduates if g.certificate_serial)
        came = sum(1 for g in details.graduates if g.attended)
        self.summary.setText(
            f"Completed the course: {completed} of {len(details.graduates)} · "
            f"certificates issued: {issued} · came on the day: {came}"
        )

    def _tick(self, graduate: GraduateLine, attended: bool) -> None:
        event = self.owner.current_event
        if event is None:
            return
        event_id, membership_id = event.id, graduate.membership_id
        self.owner.change(
            lambda ws: ws.graduation.record_attendance(
                event_id, students={membership_id: attended}
            ),
            f"{graduate.name} {'attended' if attended else 'did not attend'}.",
            changed=(GRADUATION, REGISTER, SESSIONS),
        )

    def issue(self) -> None:
        details = self.owner.details
        if details is None:
            return
        dialog = IssueDialog(self, details, may_print=self.owner.may(Permission.PRINT_DOCUMENTS))
        if not dialog.exec():
            return
        event_id = details.event.id
        target, paper = dialog.pdf()

        def work(ws: Workspace) -> IssuedCertificates:
            issued = ws.graduation.issue_certificates(event_id)
            if target is not None:
                from lt_desktop.documents.certificates import write_certificates

                write_certificates(target, issued.certificates, paper=paper)
            return issued

        def said(issued: IssuedCertificates) -> str:
            text = issued.describe()
            if issued.skipped_cohorts:
                text += f" None yet for {', '.join(issued.skipped_cohorts)}."
            if target is not None:
                text += f" Saved to {target}."
            return text

        self.owner.change(work, said)


class IssueDialog(FormDialog):
    def __init__(self, parent: QWidget, details: GraduationDetails, *, may_print: bool) -> None:
        super().__init__("Issue certificates", "Issue", parent)
        completed = [g for g in details.graduates if g.completed]
        new = sum(1 for g in completed if not g.certificate_serial)
        event = details.event
        self.form.addRow(
            muted(
                f"{len(completed)} students graduating at {event.title} completed the course: "
                f"{new} get a new certificate, awarded on {_day(event.held_on)}; "
                f"{len(completed) - new} already have one and keep its serial number. Each is "
                "recorded as presented at this graduation."
            )
        )
        self.save_pdf = QCheckBox("Also save the certificates as a PDF to print")
        self.save_pdf.setChecked(may_print)
        offer_only_if(may_print, self.save_pdf)
        self.form.addRow(self.save_pdf)
        self.paper = self.add_row("&Paper", PaperCombo())
        self.target = SavePathField(
            f"Certificates {event.title}.pdf", "Save the certificates", "PDF documents (*.pdf)"
        )
        self.add_row("&Save as", self.target)
        for widget in (self.paper, self.target):
            widget.setVisible(may_print)
            self.form.labelForField(widget).setVisible(may_print)
            self.save_pdf.toggled.connect(widget.setEnabled)

    def validate(self) -> None:
        if self.save_pdf.isChecked():
            self.target.path()

    def pdf(self) -> tuple[Path | None, Any]:
        if not self.save_pdf.isChecked():
            return None, None
        return self.target.path(), self.paper.value()


# -- dialogs ----------------------------------------------------------------------------------


class NewEventDialog(FormDialog):
    def __init__(self, parent: QWidget, cohorts: list[CohortInfo]) -> None:
        super().__init__("New graduation", "Arrange", parent)
        self._cohorts = cohorts
        self.cohort = QComboBox()
        for cohort in cohorts:
            self.cohort.addItem(cohort.title, cohort.id)
        self.add_row("&Cohort", self.cohort)
        self.title_field = self.add_row("&Title", QLineEdit())
        self.held_on = self.add_row("&Date", date_field(date.today()))
        self.venue = self.add_row("&Venue", QLineEdit())
        self.capacity = QSpinBox()
        self.capacity.setRange(1, 10_000)
        self.capacity.setValue(100)
        self.add_row("Ca&pacity", self.capacity)
        self.deadline = self.add_row("Guests &submitted by", date_field(date.today()))
        self.form.addRow(
            muted("Another cohort can graduate at the same event: add it under Event details.")
        )
        self.cohort.currentIndexChanged.connect(self._cohort_chosen)
        self._cohort_chosen()

    def _cohort_chosen(self) -> None:
        index = self.cohort.currentIndex()
        if not 0 <= index < len(self._cohorts):
            return
        cohort = self._cohorts[index]
        held_on = cohort.ends_on
        self.title_field.setText(f"{cohort.name} graduation")
        self.held_on.set_value(held_on)
        self.deadline.set_value(held_on - timedelta(days=21))

    def validate(self) -> None:
        if not self.title_field.text().strip():
            raise ValidationError("Give the graduation a title.")
        if date_of(self.deadline) >= date_of(self.held_on):
            raise ValidationError("Guests must be submitted before the day of the graduation.")

    def values(self) -> dict[str, Any]:
        return {
            "title": self.title_field.text(),
            "held_on": date_of(self.held_on),
            "venue": self.venue.text(),
            "capacity": self.capacity.value(),
            "guest_deadline": date_of(self.deadline),
            "cohort_ids": [self.cohort.currentData()],
        }


class CohortDialog(FormDialog):
    def __init__(
        self, parent: QWidget, title: str, ok_text: str, cohorts: list[tuple[str, uuid.UUID]]
    ) -> None:
        super().__init__(title, ok_text, parent)
        self.cohort = QComboBox()
        for cohort_title, cohort_id in cohorts:
            self.cohort.addItem(cohort_title, cohort_id)
        self.add_row("&Cohort", self.cohort)

    def value(self) -> uuid.UUID:
        return self.cohort.currentData()


class PrintDialog(FormDialog):
    def __init__(self, parent: QWidget, event: EventSummary, what: str) -> None:
        super().__init__(f"Print the {what}", "Save PDF", parent)
        words = {
            "guest list": "Every visitor for the prison gate: cleared first, by family name, with "
            "the student who invited them and a box to tick on arrival.",
            "programme": "The booklet for every guest: the programme in order, then the "
            "graduates by name.",
        }
        self.form.addRow(muted(words[what]))
        self.paper = self.add_row("&Paper", PaperCombo())
        self.target = SavePathField(
            f"{what.capitalize()} {event.title}.pdf",
            f"Save the {what}",
            "PDF documents (*.pdf)",
        )
        self.add_row("&Save as", self.target)

    def validate(self) -> None:
        self.target.path()

    def values(self) -> tuple[Path, Any]:
        return self.target.path(), self.paper.value()


def print_document(screen: GraduationScreen, event: EventSummary, what: str) -> None:
    """The guest list or the programme, from the documents the Documents layer makes."""
    dialog = PrintDialog(screen, event, what)
    if not dialog.exec():
        return
    target, paper = dialog.values()
    event_id = event.id

    def write(ws: Workspace) -> Path:
        from lt_desktop.documents.graduation import write_guest_list, write_programme

        if what == "guest list":
            write_guest_list(target, ws.documents.guest_list(event_id), paper=paper)
        else:
            write_programme(target, ws.documents.graduation_programme(event_id), paper=paper)
        return target

    screen.controller.load(
        write,
        lambda path: screen.banner.show_message(f"The {what} is saved to {path}.", Tone.GOOD),
        screen.show_error,
    )


def _on_enter(widget: QWidget, handler: Callable[[], None]) -> None:
    """Enter on a choice in an entry row saves the row, as it does in its text boxes."""
    for key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
        shortcut = QShortcut(QKeySequence(key), widget)
        shortcut.setContext(Qt.ShortcutContext.WidgetShortcut)
        shortcut.activated.connect(handler)


def _student_label(graduate: GraduateLine) -> str:
    """A graduating student as the guest list's "guest of" offers them: two students of
    the same name are told apart by cohort and reference."""
    return person_label(
        graduate.name,
        [place_words(MembershipRole.STUDENT, graduate.cohort_title)],
        short_reference(graduate.person_id),
    )


def _index_of(combo: QComboBox, value: object) -> int:
    """The row holding ``value``; Qt's findData misses equal ids that are not the same object."""
    return next((i for i in range(combo.count()) if combo.itemData(i) == value), -1)


__all__ = ["GRADUATION", "GraduationScreen", "TickTableModel"]


def _entry_row(fields: tuple[tuple[str, QWidget, str], ...], add: QPushButton) -> QGridLayout:
    """Labels over the fields of a keyboard-first entry line, with its Add button last."""
    entry = QGridLayout()
    for column, (text, field, name) in enumerate(fields):
        label = QLabel(text)
        label.setBuddy(field)
        field.setAccessibleName(name)
        entry.addWidget(label, 0, column)
        entry.addWidget(field, 1, column)
    entry.addWidget(add, 1, len(fields))
    return entry
