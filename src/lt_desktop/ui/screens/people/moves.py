"""People who move: the forms for a transfer, a release, taking on a learner who
arrived by transfer, and merging two records of one person.

The services decide who may do each; these forms only ask for what they need.
"""

from __future__ import annotations

import uuid
from datetime import date
from typing import Any

from lt_desktop.core.services.movement import Holdings, MergePreview, TransferInfo
from lt_desktop.core.services.people import PersonListing
from lt_desktop.core.services.programme import CohortInfo
from lt_desktop.domain.errors import ValidationError
from lt_desktop.ui.controller import AppController
from lt_desktop.ui.qt import (
    QComboBox,
    QCompleter,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    Qt,
    QVBoxLayout,
    QWidget,
)
from lt_desktop.ui.widgets import FormDialog, date_field, date_of, muted


def _note_field(height: int = 60) -> QPlainTextEdit:
    note = QPlainTextEdit()
    note.setTabChangesFocus(True)
    note.setFixedHeight(height)
    return note


class TransferDialog(FormDialog):
    """Where a learner went: a paired prison chosen from the list, or any prison typed."""

    def __init__(self, parent: QWidget, name: str, prisons: list[str]) -> None:
        super().__init__(f"Transfer {name}", "Transfer", parent)
        self.to = QComboBox()
        self.to.setEditable(True)
        self.to.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        self.to.addItems(prisons)
        self.to.setCurrentIndex(-1)
        line = self.to.lineEdit()
        assert line is not None
        line.setPlaceholderText("Choose a paired prison, or type its name")
        self.add_row("&To prison", self.to)
        self.on = self.add_row("&Date", date_field(date.today()))
        self.reason = self.add_row("&Reason", _note_field())
        self.form.addRow(
            "",
            muted(
                "Their current places here end as transferred; their course record stays "
                "and goes to that prison with the next exchange, so it can take them on."
            ),
        )

    def validate(self) -> None:
        if not self.to.currentText().strip():
            raise ValidationError("Choose or type the prison the learner was transferred to.")

    def values(self) -> dict[str, Any]:
        return {
            "to": self.to.currentText().strip(),
            "on": date_of(self.on),
            "reason": self.reason.toPlainText(),
        }


class ReleaseDialog(FormDialog):
    def __init__(self, parent: QWidget, name: str) -> None:
        super().__init__(f"Release {name}", "Record release", parent)
        self.on = self.add_row("&Date", date_field(date.today()))
        self.note = self.add_row("&Note", _note_field())
        self.form.addRow(
            "",
            muted(
                "Their current places end as released; their course record stays. Keeping "
                "in touch afterwards needs their consent to it, recorded like any other."
            ),
        )

    def values(self) -> dict[str, Any]:
        return {"on": date_of(self.on), "reason": self.note.toPlainText()}


class TakeOnDialog(FormDialog):
    """Enrol a learner who arrived by transfer in one of this prison's cohorts."""

    def __init__(self, parent: QWidget, transfer: TransferInfo, cohorts: list[CohortInfo]) -> None:
        super().__init__(f"Take on {transfer.person_name}", "Take on", parent)
        self.transfer = transfer
        self.cohort = QComboBox()
        for cohort in cohorts:
            # Ids go in as text: a combo finds text by value, but a UUID only by identity.
            self.cohort.addItem(f"{cohort.course_title}: {cohort.name}", str(cohort.id))
        self.add_row("&Cohort", self.cohort)
        self.on = self.add_row("&Date", date_field(max(date.today(), transfer.transferred_on)))
        self.form.addRow(
            "",
            muted(
                f"Transferred here on {transfer.transferred_on:%d %b %Y}. They are enrolled "
                "as the same person, with the course record they bring."
            ),
        )

    def validate(self) -> None:
        if self.cohort.currentIndex() < 0:
            raise ValidationError("There is no cohort here to take them on into yet.")

    def values(self) -> tuple[uuid.UUID, date]:
        return uuid.UUID(self.cohort.currentData()), date_of(self.on)


def _holdings_text(holdings: Holdings | None) -> str:
    return "\n".join(holdings.describe()) if holdings is not None else ""


class MergeDialog(FormDialog):
    """Choose the other record of the same person, see what each holds side by side,
    then merge. The name and details kept are this person's."""

    def __init__(
        self,
        parent: QWidget,
        controller: AppController,
        keep: uuid.UUID,
        keep_name: str,
        others: list[PersonListing],
    ) -> None:
        super().__init__(f"Merge with {keep_name}", "Merge", parent)
        self.controller = controller
        self.keep = keep
        self.preview: MergePreview | None = None
        # Typed into, not scrolled: a store holds hundreds of people. Any part of the
        # name, cohort or number finds the record.
        self.other = QComboBox()
        self.other.setEditable(True)
        self.other.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        for person in others:
            self.other.addItem(person.label, str(person.id))
        self.other.setCurrentIndex(-1)
        line = self.other.lineEdit()
        assert line is not None
        line.setPlaceholderText("Type part of the other record's name")
        finder = self.other.completer()
        assert finder is not None
        finder.setFilterMode(Qt.MatchFlag.MatchContains)
        finder.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        finder.setCompletionMode(QCompleter.CompletionMode.PopupCompletion)
        self.add_row("&Other record", self.other)
        self.keep_box, self.keep_text = _side("Keep (its name and details stay)")
        self.merge_box, self.merge_text = _side("Merge into it")
        sides = QHBoxLayout()
        sides.addWidget(self.keep_box)
        sides.addWidget(self.merge_box)
        self.form.addRow(sides)
        self.shared = muted()
        self.shared.setWordWrap(True)
        self.form.addRow(self.shared)
        self.form.addRow(
            muted(
                "Everything either record holds becomes one person's. Every site makes the "
                "same one record when the merge reaches it; it cannot be undone."
            )
        )
        self.setMinimumWidth(640)
        self.other.currentIndexChanged.connect(self._chosen)

    def _chosen(self) -> None:
        self.preview = None
        self.keep_text.setText("")
        self.merge_text.setText("")
        self.shared.setText("")
        if self.other.currentData() is None:
            return
        keep, other = self.keep, self.merge_id()
        self.controller.load(
            lambda ws: ws.people.preview_merge(keep, other),
            self._show_preview,
            lambda message: self.banner.show_message(message),
        )

    def _show_preview(self, preview: MergePreview) -> None:
        if self.other.currentData() != str(preview.merge.person_id):
            return  # another record was chosen meanwhile
        self.banner.clear()
        self.preview = preview
        self.keep_text.setText(_holdings_text(preview.keep))
        self.merge_text.setText(_holdings_text(preview.merge))
        self.shared.setText(
            "Both are in " + ", ".join(preview.shared_cohorts) + ": the two places become one."
            if preview.shared_cohorts
            else ""
        )

    def validate(self) -> None:
        if self.other.currentData() is None or self.other.currentText() != self.other.itemText(
            self.other.currentIndex()
        ):
            self.other.setFocus()  # so typing goes on where the choice is made
            raise ValidationError("Choose the other record of this person from the list.")
        if self.preview is None:
            raise ValidationError("Wait for what each record holds to show, then merge.")

    def merge_id(self) -> uuid.UUID:
        return uuid.UUID(self.other.currentData())


def _side(title: str) -> tuple[QGroupBox, QLabel]:
    box = QGroupBox(title)
    text = QLabel()
    text.setWordWrap(True)
    text.setTextFormat(Qt.TextFormat.PlainText)
    text.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
    text.setMinimumHeight(90)
    text.setAccessibleName(title)
    layout = QVBoxLayout(box)
    layout.addWidget(text)
    return box, text
