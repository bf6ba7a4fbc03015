"""The ceremony itself: its day, place and capacity, and the cohorts graduating."""

from __future__ import annotations

import uuid
from datetime import date, timedelta
from typing import TYPE_CHECKING, Any

from lt_desktop.core.services.graduation import EventSummary
from lt_desktop.core.services.programme import CohortInfo
from lt_desktop.domain.errors import ValidationError
from lt_desktop.ui.drafts import RESTORED
from lt_desktop.ui.qt import (
    QCheckBox,
    QComboBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)
from lt_desktop.ui.widgets import FormDialog, Tone, button, date_field, date_of, muted

if TYPE_CHECKING:
    from lt_desktop.ui.screens.graduation.screen import GraduationScreen


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
