"""A facilitator's training: the list on a person's page, and the form that records or
corrects one session of it (also offered on the Groups screen, beside the warning
that a group's facilitator has none)."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import date
from typing import Any

from lt_desktop.core.services.facilitators import FacilitatorTrainingInfo
from lt_desktop.domain.errors import ValidationError
from lt_desktop.ui.controller import AppController
from lt_desktop.ui.fitting import fit_rows
from lt_desktop.ui.models import Column, RecordTableModel
from lt_desktop.ui.qt import (
    QCheckBox,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLineEdit,
    QPlainTextEdit,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)
from lt_desktop.ui.widgets import (
    Banner,
    FormDialog,
    Tone,
    button,
    confirm,
    date_field,
    date_of,
    muted,
    record_table,
)


class FacilitatorTrainingDialog(FormDialog):
    """One training session for one person: when, what, whether they came, notes."""

    def __init__(
        self, parent: QWidget, name: str, training: FacilitatorTrainingInfo | None = None
    ) -> None:
        super().__init__(
            "Record facilitator training" if training is None else "Edit facilitator training",
            "Record" if training is None else "Save",
            parent,
        )
        self.form.addRow(muted(f"Training {name} came to, or was expected at."))
        self.held_on = self.add_row(
            "&Date", date_field(training.held_on if training else date.today())
        )
        self.title_field = self.add_row("&Training", QLineEdit(training.title if training else ""))
        self.title_field.setPlaceholderText("e.g. Facilitating discussion across difference")
        self.attended = QCheckBox("Came to it")
        self.attended.setChecked(training.attended if training else True)
        self.add_row("", self.attended)
        self.attended.setAccessibleName("Came to it")
        self.notes = QPlainTextEdit(training.notes if training else "")
        self.notes.setTabChangesFocus(True)
        self.notes.setFixedHeight(60)
        self.add_row("&Notes", self.notes)

    def validate(self) -> None:
        if not self.title_field.text().strip():
            raise ValidationError("Give the training a title, such as what it covered.")

    def values(self) -> dict[str, Any]:
        return {
            "held_on": date_of(self.held_on),
            "title": self.title_field.text(),
            "attended": self.attended.isChecked(),
            "notes": self.notes.toPlainText(),
        }


def record_facilitator_training(
    parent: QWidget,
    controller: AppController,
    person_id: uuid.UUID,
    name: str,
    on_done: Callable[[Any], None] | None = None,
    on_error: Callable[[str], None] | None = None,
) -> None:
    """Ask for one training session of ``name``'s and record it."""
    dialog = FacilitatorTrainingDialog(parent, name)
    if dialog.exec():
        values = dialog.values()
        controller.change(
            lambda ws: ws.facilitators.record_training(person_id, **values), on_done, on_error
        )


class FacilitatorTrainingBox(QGroupBox):
    """A person's facilitator training, with Record, Edit and Remove for those who
    manage who teaches in a cohort."""

    def __init__(self, controller: AppController, may_edit: bool) -> None:
        super().__init__("Facilitator training")
        self.controller = controller
        self.training = RecordTableModel[FacilitatorTrainingInfo](
            [
                Column("Date", lambda t: f"{t.held_on:%d %b %Y}", sort_key=lambda t: t.held_on),
                Column("Training", lambda t: t.title, tooltip=lambda t: t.notes),
                Column("Came", lambda t: "Yes" if t.attended else "No"),
            ]
        )
        self.table = record_table(self.training, "Facilitator training")
        # The words take the room; the rest is as wide as it needs.
        self.table.horizontalHeader().setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        self.table.horizontalHeader().setStretchLastSection(False)
        self.training.modelReset.connect(lambda: fit_rows(self.table, 6))
        fit_rows(self.table, 6)
        self.banner = Banner()
        self.record_button = button("Record tra&ining…", self._record)
        self.edit_button = button("Edit trainin&g…", self._edit)
        self.remove_button = button("Remo&ve training…", self._remove)
        buttons = QHBoxLayout()
        for widget in (self.record_button, self.edit_button, self.remove_button):
            if not may_edit:
                widget.hide()  # only ever hidden: shown before it sits in a window, it is one
            buttons.addWidget(widget)
        buttons.addStretch(1)
        # No taller than its rows: the page's other lists take the room to spare.
        self.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Maximum)
        layout = QVBoxLayout(self)
        layout.addWidget(self.table)
        layout.addWidget(self.banner)
        layout.addLayout(buttons)
        self._person: tuple[uuid.UUID, str] | None = None
        self.table.selectionModel().currentRowChanged.connect(lambda *_: self._offer())
        self._offer()

    def show_person(
        self, person_id: uuid.UUID, name: str, training: list[FacilitatorTrainingInfo]
    ) -> None:
        """Show ``name``'s training, as the person's page fetched it with the rest."""
        if self._person is None or self._person[0] != person_id:
            self.banner.clear()
        self._person = (person_id, name)
        self.training.set_rows(training)
        self._offer()

    def clear(self) -> None:
        self._person = None
        self.banner.clear()
        self.training.clear()
        self._offer()

    def _chosen(self) -> FacilitatorTrainingInfo | None:
        return self.training.row_at(self.table.currentIndex())

    def _offer(self) -> None:
        chosen = self._chosen() is not None
        self.record_button.setEnabled(self._person is not None)
        self.edit_button.setEnabled(chosen)
        self.remove_button.setEnabled(chosen)

    def _failed(self, message: str) -> None:
        self.banner.show_message(message, Tone.ERROR)

    def _record(self) -> None:
        if self._person is not None:
            person_id, name = self._person
            record_facilitator_training(
                self, self.controller, person_id, name, on_error=self._failed
            )

    def _edit(self) -> None:
        training, person = self._chosen(), self._person
        if training is None or person is None:
            return
        dialog = FacilitatorTrainingDialog(self, person[1], training)
        if dialog.exec():
            values = dialog.values()
            self.controller.change(
                lambda ws: ws.facilitators.update_training(training.id, **values),
                on_error=self._failed,
            )

    def _remove(self) -> None:
        training = self._chosen()
        if training is None:
            return
        if confirm(self, f"Remove the training record “{training.describe()}”?", "Remove"):
            self.controller.change(
                lambda ws: ws.facilitators.remove_training(training.id), on_error=self._failed
            )
