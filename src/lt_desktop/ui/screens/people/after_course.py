"""After the course, on a person's page: what they went on to do, kept with their
consent to being followed (``services.progression``), and the form to record it."""

from __future__ import annotations

import uuid
from datetime import date
from typing import TYPE_CHECKING, Any

from lt_desktop.core.services.progression import FollowedCohort, ProgressionInfo
from lt_desktop.domain.errors import ValidationError
from lt_desktop.domain.vocabulary import ProgressionKind
from lt_desktop.ui.models import Column, RecordTableModel
from lt_desktop.ui.qt import (
    QAbstractItemView,
    QComboBox,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QPlainTextEdit,
    QTableView,
    QVBoxLayout,
    QWidget,
)
from lt_desktop.ui.widgets import (
    DateField,
    EnumCombo,
    FormDialog,
    button,
    confirm,
    date_field,
    date_of,
    index_of,
    muted,
)

if TYPE_CHECKING:
    from lt_desktop.ui.controller import AppController

#: What the cohort picker says for a step that follows no cohort in particular.
NO_COHORT = "No cohort in particular"


class AfterCourseBox(QGroupBox):
    """The person's steps after the course, with Add, Edit and Remove."""

    def __init__(self, controller: AppController) -> None:
        super().__init__("After the course")
        self.controller = controller
        self.person_id: uuid.UUID | None = None
        self.person_name = ""
        self.steps = RecordTableModel[ProgressionInfo](
            [
                Column("What", lambda p: p.kind.label),
                Column("When", lambda p: p.describe_dates()),
                Column("Follows", lambda p: p.cohort_title),
                Column("Notes", lambda p: p.notes, tooltip=lambda p: p.notes),
            ]
        )
        self.table = QTableView()
        self.table.setModel(self.steps)
        self.table.setAccessibleName("After the course")
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().hide()
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.table.setFixedHeight(130)
        self.table.activated.connect(lambda _index: self.edit())
        self.consent_note = muted()
        self.consent_note.setWordWrap(True)
        self.add_button = button("Add &step…", self.add, accessible="Add a step after the course")
        self.edit_button = button("Ed&it step…", self.edit, accessible="Edit the chosen step")
        self.remove_button = button(
            "Remo&ve step…", self.remove, accessible="Remove the chosen step"
        )
        buttons = QHBoxLayout()
        for widget in (self.add_button, self.edit_button, self.remove_button):
            buttons.addWidget(widget)
        buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addWidget(
            muted(
                "What they went on to do: further study, mentoring, facilitating, work, or "
                "keeping in touch after release. Kept only with their consent to being "
                "followed; figures count people, never names."
            )
        )
        layout.addWidget(self.table)
        layout.addWidget(self.consent_note)
        layout.addLayout(buttons)

    def show_steps(
        self, person_id: uuid.UUID, name: str, steps: list[ProgressionInfo], consented: bool
    ) -> None:
        self.person_id, self.person_name = person_id, name
        self.steps.set_rows(steps)
        if steps:
            self.table.selectRow(0)
        self.consent_note.setText(
            ""
            if consented
            else f"{name} has no consent to being followed recorded now: nothing more can be "
            "added, and what is here is counted nowhere and sent nowhere. Record their "
            "consent under Consent to add steps."
        )
        self.consent_note.setVisible(not consented)
        self.add_button.setEnabled(consented)
        self.edit_button.setEnabled(consented and bool(steps))
        self.remove_button.setEnabled(bool(steps))

    def chosen(self) -> ProgressionInfo | None:
        return self.steps.row_at(self.table.currentIndex())

    def add(self) -> None:
        person_id = self.person_id
        if person_id is None:
            return
        self.controller.load(
            lambda ws: ws.progression.cohorts_for(person_id),
            lambda cohorts: self._ask(person_id, None, cohorts),
        )

    def edit(self) -> None:
        step = self.chosen()
        if step is None or self.person_id is None or not self.edit_button.isEnabled():
            return
        person_id = self.person_id
        self.controller.load(
            lambda ws: ws.progression.cohorts_for(person_id),
            lambda cohorts: self._ask(person_id, step, cohorts),
        )

    def _ask(
        self,
        person_id: uuid.UUID,
        step: ProgressionInfo | None,
        cohorts: list[FollowedCohort],
    ) -> None:
        dialog = ProgressionDialog(self, self.person_name, step, cohorts)
        if not dialog.exec():
            return
        values = dialog.values()
        if step is None:
            self.controller.change(lambda ws: ws.progression.record(person_id, **values))
        else:
            step_id = step.id
            self.controller.change(lambda ws: ws.progression.edit(step_id, **values))

    def remove(self) -> None:
        step = self.chosen()
        if step is None:
            return
        if not confirm(
            self,
            f"Remove “{step.kind.label}” ({step.describe_dates()}) from {self.person_name}'s "
            "record? It is removed at every site that holds it.",
            "Remove",
        ):
            return
        step_id = step.id
        self.controller.change(lambda ws: ws.progression.remove(step_id))


class ProgressionDialog(FormDialog):
    """A step after the course: what, from when (and until when), which cohort it
    follows, and a note. Every field is reached by Tab, and Enter saves."""

    def __init__(
        self,
        parent: QWidget,
        name: str,
        step: ProgressionInfo | None,
        cohorts: list[FollowedCohort],
    ) -> None:
        super().__init__(
            f"{'Edit a step' if step else 'A step'} after the course: {name}",
            "Save",
            parent,
        )
        self.kind = self.add_row(
            "&What", EnumCombo(ProgressionKind, step.kind if step else ProgressionKind.MENTORING)
        )
        self.started = self.add_row("&From", date_field(step.started_on if step else date.today()))
        self.ended = self.add_row(
            "&Until",
            DateField(step.ended_on if step else None, optional=True, empty_text="Still going on"),
        )
        self.cohort = QComboBox()
        for cohort in cohorts:
            self.cohort.addItem(cohort.title, str(cohort.id))
        self.cohort.addItem(NO_COHORT, None)
        if step is not None:
            wanted = index_of(self.cohort, str(step.cohort_id) if step.cohort_id else None)
            self.cohort.setCurrentIndex(max(0, wanted))
        self.add_row("&Cohort it follows", self.cohort)
        self.notes = QPlainTextEdit(step.notes if step else "")
        self.notes.setTabChangesFocus(True)
        self.notes.setFixedHeight(70)
        self.add_row("&Notes", self.notes)

    def validate(self) -> None:
        ended = self.ended.maybe_value()
        if ended is not None and ended < self.started.value():
            raise ValidationError("It cannot end before it started.")

    def values(self) -> dict[str, Any]:
        chosen = self.cohort.currentData()
        return {
            "kind": self.kind.value(),
            "started_on": date_of(self.started),
            "ended_on": self.ended.maybe_value(),
            "cohort_id": uuid.UUID(chosen) if chosen else None,
            "notes": self.notes.toPlainText(),
        }
