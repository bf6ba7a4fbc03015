"""Dialogs for printing: a marker's marking pack and the students' feedback sheets."""

from __future__ import annotations

import uuid
from pathlib import Path
from typing import Any

from lt_desktop.core.services.essays import EssayRow
from lt_desktop.ui.qt import QComboBox, QWidget
from lt_desktop.ui.widgets import FormDialog, PaperCombo, SavePathField, muted


class MarkingPackDialog(FormDialog):
    EVERY_ESSAY = "Every essay in the cohort"

    def __init__(
        self, parent: QWidget, markers: list[tuple[uuid.UUID, str]], cohort_title: str
    ) -> None:
        super().__init__("Print a marking pack", "Save PDF", parent)
        self.form.addRow(
            muted(
                "A PDF for a marker who marks on paper: the essays under candidate numbers, "
                "then a mark sheet. Enter the marks from the sheet with Enter marks from sheets."
            )
        )
        self.marker = QComboBox()
        self.marker.addItem(self.EVERY_ESSAY, None)
        for marker_id, name in markers:
            self.marker.addItem(f"{name}'s essays", marker_id)
        self.add_row("&For", self.marker)
        self.paper = self.add_row("&Paper", PaperCombo())
        self.target = SavePathField(
            f"Marking pack {cohort_title}.pdf", "Save the marking pack", "PDF documents (*.pdf)"
        )
        self.add_row("&Save as", self.target)
        self.marker.currentIndexChanged.connect(self._suggest_name)

    def _suggest_name(self) -> None:
        current = Path(self.target.line.text())
        who = "" if self.marker.currentData() is None else f" for {self.marker.currentText()}"
        stem = current.stem.split(" for ")[0]
        self.target.line.setText(str(current.with_name(f"{stem}{who}.pdf")))

    def validate(self) -> None:
        self.target.path()

    def values(self) -> tuple[uuid.UUID | None, Path, Any]:
        return self.marker.currentData(), self.target.path(), self.paper.value()


class FeedbackSheetsDialog(FormDialog):
    def __init__(self, parent: QWidget, cohort_title: str, selected: EssayRow | None) -> None:
        super().__init__("Print feedback sheets", "Save PDF", parent)
        self.form.addRow(
            muted(
                "One page per student with their agreed mark and feedback, for essays whose "
                "writers have been revealed."
            )
        )
        self.which = QComboBox()
        self.which.addItem("Every revealed essay in the cohort", None)
        if selected is not None and selected.identities_revealed:
            self.which.addItem(f"{selected.student_name} only", selected)
        self.add_row("S&heets", self.which)
        self.paper = self.add_row("&Paper", PaperCombo())
        self.target = SavePathField(
            f"Feedback {cohort_title}.pdf", "Save the feedback sheets", "PDF documents (*.pdf)"
        )
        self.add_row("&Save as", self.target)

    def validate(self) -> None:
        self.target.path()

    def values(self) -> tuple[EssayRow | None, Path, Any]:
        return self.which.currentData(), self.target.path(), self.paper.value()
