"""Dialogs for recording essays, allocating markers, entering marks from paper mark
sheets and agreeing a mark."""

from __future__ import annotations

import uuid
from datetime import date
from typing import Any

from lt_desktop.core.services.essays import EssayRow
from lt_desktop.domain.errors import ValidationError
from lt_desktop.domain.vocabulary import MarkPosition
from lt_desktop.ui.controller import AppController
from lt_desktop.ui.qt import (
    QCheckBox,
    QComboBox,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    Qt,
    QWidget,
)
from lt_desktop.ui.screens.essays.parts import MarkField
from lt_desktop.ui.widgets import EnumCombo, FormDialog, Tone, date_field, date_of, muted


class RecordEssayDialog(FormDialog):
    def __init__(
        self, parent: QWidget, students: list[tuple[uuid.UUID, str]], essay: EssayRow | None
    ) -> None:
        super().__init__("Record an essay", parent=parent)
        self.student = QComboBox()
        for membership_id, name in students:
            self.student.addItem(name, membership_id)
        self.add_row("&Student", self.student)
        self.title_field = self.add_row("&Title", QLineEdit(essay.title if essay else ""))
        self.text = QPlainTextEdit()
        self.text.setTabChangesFocus(True)
        self.text.setPlaceholderText(
            "Type or paste the essay; leave empty for a handwritten one and attach its scan."
        )
        self.text.setMinimumHeight(200)
        self.add_row("&Essay", self.text)
        self.submitted = self.add_row(
            "&Handed in",
            date_field(essay.submitted_on if essay and essay.submitted_on else date.today()),
        )
        self.late = QCheckBox("Handed in late")
        self.late.setChecked(bool(essay and essay.late))
        self.add_row("", self.late)
        self.note = self.add_row(
            "E&xtension or lateness note", QLineEdit(essay.extension_note if essay else "")
        )

    def validate(self) -> None:
        if not self.title_field.text().strip():
            raise ValidationError("Give the essay's title (or 'Untitled').")

    def values(self) -> tuple[uuid.UUID, dict[str, Any]]:
        return self.student.currentData(), {
            "title": self.title_field.text(),
            "text": self.text.toPlainText(),
            "submitted_on": date_of(self.submitted),
            "late": self.late.isChecked(),
            "extension_note": self.note.text(),
        }


class AllocateMarkersDialog(FormDialog):
    def __init__(self, parent: QWidget, markers: list[tuple[uuid.UUID, str]]) -> None:
        super().__init__("Allocate markers", "Allocate", parent)
        self.form.addRow(
            muted(
                "Every essay without markers gets a first and a second marker, spreading the work "
                "evenly. Markers see candidate numbers only."
            )
        )
        self.markers = QListWidget()
        self.markers.setAccessibleName("Markers")
        for marker_id, name in markers:
            item = QListWidgetItem(name)
            item.setData(Qt.ItemDataRole.UserRole, marker_id)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Checked)
            self.markers.addItem(item)
        self.add_row("&Markers", self.markers)
        self.avoid = QCheckBox("A marker never marks students from a group they work with")
        self.avoid.setChecked(True)
        self.add_row("", self.avoid)

    def validate(self) -> None:
        if len(self.values()[0]) < 2:
            raise ValidationError("Choose at least two markers: each essay is marked twice.")

    def values(self) -> tuple[list[uuid.UUID], bool]:
        chosen = [
            self.markers.item(i).data(Qt.ItemDataRole.UserRole)
            for i in range(self.markers.count())
            if self.markers.item(i).checkState() == Qt.CheckState.Checked
        ]
        return chosen, self.avoid.isChecked()


class EnterMarksDialog(FormDialog):
    """Marks from paper mark sheets, one after another, by keyboard."""

    def __init__(self, parent: QWidget, controller: AppController) -> None:
        super().__init__("Enter marks from mark sheets", "Done", parent)
        self.buttons.button(self.buttons.StandardButton.Cancel).hide()
        self._controller = controller
        self.form.addRow(
            muted(
                "Type the candidate number, the mark and any comments as written on the sheet, "
                "then press Enter to save and start the next."
            )
        )
        self.candidate = self.add_row("&Candidate number", QLineEdit())
        self.position = EnumCombo([MarkPosition.FIRST, MarkPosition.SECOND])
        self.add_row("&Which mark", self.position)
        self.score = self.add_row("&Mark", MarkField())
        self.feedback = self.add_row("C&omments", QLineEdit())
        self.saved = muted()
        self.form.addRow(self.saved)
        for field in (self.candidate, self.feedback):
            field.returnPressed.connect(self._save)
        self.score.editingFinished.connect(lambda: self.feedback.setFocus())
        self.count = 0

    def _save(self) -> None:
        number = self.candidate.text().strip().upper()
        if not number:
            return
        score = self.score.mark_or_say_why(
            self.banner, "Type the mark from the sheet, from 0 to 100: nothing was saved."
        )
        if score is None:
            return
        position, feedback = self.position.value(), self.feedback.text()

        def saved(row: EssayRow) -> None:
            self.count += 1
            self.saved.setText(
                f"Saved {self.count}: {row.candidate_number} {position.label.lower()} "
                f"mark {score:g}. {row.status}."
            )
            self.banner.clear()
            self.candidate.clear()
            self.score.clear()
            self.feedback.clear()
            self.candidate.setFocus()

        self._controller.change(
            lambda ws: ws.essays.enter_mark(number, position, score, feedback),
            saved,
            lambda message: self.banner.show_message(message, Tone.ERROR),
        )

    def _on_ok(self) -> None:
        self.accept()


class AgreeDialog(FormDialog):
    def __init__(self, parent: QWidget, essay: EssayRow) -> None:
        super().__init__(f"Agree the mark: candidate {essay.candidate_number}", "Agree", parent)
        for position in (MarkPosition.FIRST, MarkPosition.SECOND):
            mark = essay.marks.get(position)
            text = (
                "not given"
                if mark is None or mark.score is None
                else (
                    f"{mark.score:g} ({mark.marker_name})"
                    + (f": {mark.feedback}" if mark.feedback else "")
                )
            )
            label = QLabel(text)
            label.setWordWrap(True)
            self.form.addRow(f"{position.label} mark", label)
        agreed = essay.marks.get(MarkPosition.AGREED)
        self.locked = agreed is not None and agreed.locked
        self.score = self.add_row("&Agreed mark", MarkField(agreed.score if agreed else None))
        self.feedback = QPlainTextEdit(agreed.feedback if agreed else "")
        self.feedback.setTabChangesFocus(True)
        self.feedback.setFixedHeight(90)
        self.add_row("&Feedback for the student", self.feedback)
        self.reason = QLineEdit()
        if self.locked:
            self.add_row("&Reason for the change", self.reason)
            self.form.addRow(
                muted(
                    "The agreed mark is locked; the change and its reason are "
                    "kept in the audit log."
                )
            )

    def validate(self) -> None:
        if self.score.mark() is None:
            raise ValidationError("Type the agreed mark, from 0 to 100.")
        if self.locked and not self.reason.text().strip():
            raise ValidationError("Give the reason for changing an agreed mark.")

    def values(self) -> tuple[float | None, str, str]:
        return self.score.mark(), self.feedback.toPlainText(), self.reason.text()
