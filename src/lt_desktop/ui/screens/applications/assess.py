"""Assessing: each application an assessor is to score, one at a time."""

from __future__ import annotations

import uuid
from typing import TYPE_CHECKING

from lt_desktop.core.services.applications import (
    ASSESSMENT_NOTE,
    ApplicationToAssess,
    AssessmentItem,
)
from lt_desktop.core.services.essays import ScanInfo
from lt_desktop.core.workspace import Workspace
from lt_desktop.ui.fitting import VerticalScrollArea
from lt_desktop.ui.models import Column, Index, RecordTableModel
from lt_desktop.ui.qt import (
    QGridLayout,
    QHBoxLayout,
    QKeySequence,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QShortcut,
    QSpinBox,
    QSplitter,
    Qt,
    QVBoxLayout,
    QWidget,
)
from lt_desktop.ui.screens.applications.parts import read_only_text, row_table
from lt_desktop.ui.screens.applications.scans import show_scan
from lt_desktop.ui.widgets import Banner, EmptyOr, Tone, button, heading, muted

if TYPE_CHECKING:
    from lt_desktop.ui.screens.applications.screen import ApplicationsScreen


class AssessView(QWidget):
    """Statements to score against the rubric, by keyboard: a digit for each score, Tab
    to the notes and the next criterion, Ctrl+Enter to save and open the next."""

    def __init__(self, screen: ApplicationsScreen) -> None:
        super().__init__()
        self.owner = screen
        self.controller = screen.controller
        self._cohort_id: uuid.UUID | None = None
        self._open: ApplicationToAssess | None = None
        # Saving moves on to the next statement; its message stays in view there.
        self._saved_just_now = False
        self.items = RecordTableModel[AssessmentItem](
            [
                Column("Reference", lambda i: i.reference),
                Column("Name", lambda i: i.name or ""),
                Column("Your score", lambda i: "—" if i.my_total is None else str(i.my_total)),
                Column("Assessors", lambda i: f"{i.assessors} of 2"),
            ]
        )
        self.table = row_table(self.items, "Statements to assess")
        self.table.selectionModel().currentRowChanged.connect(self._chosen)
        self.table_or_empty = EmptyOr(self.table, "No statements are waiting to be assessed.")
        self.note = muted()
        self.title = heading("", 2)
        self.facts = QLabel()
        self.facts.setWordWrap(True)
        self.statement = read_only_text("Statement")
        self.scans = QListWidget()
        self.scans.setAccessibleName("Scans of the form")
        self.scans.setMaximumHeight(56)
        self.view_scan_button = button("&View scan", self._view_scan)
        self.scores_grid = QGridLayout()
        self.score_fields: dict[uuid.UUID, QSpinBox] = {}
        self.note_fields: dict[uuid.UUID, QLineEdit] = {}
        self.state = muted()
        self.save_button = button("Save scores and ne&xt (Ctrl+Enter)", self.save_and_next)
        self.banner = Banner()
        right = QWidget()
        right_layout = QVBoxLayout(right)
        right_layout.addWidget(self.title)
        right_layout.addWidget(self.facts)
        statement_label = QLabel("State&ment")
        statement_label.setBuddy(self.statement)
        right_layout.addWidget(statement_label)
        right_layout.addWidget(self.statement, 2)
        scans_row = QHBoxLayout()
        scans_row.addWidget(self.scans, 1)
        scans_row.addWidget(self.view_scan_button, 0, Qt.AlignmentFlag.AlignTop)
        right_layout.addLayout(scans_row)
        scores = QWidget()
        scores.setLayout(self.scores_grid)
        right_layout.addWidget(VerticalScrollArea(scores, "Rubric", framed=True), 3)
        right_layout.addWidget(self.state)
        right_layout.addWidget(self.banner)
        right_layout.addWidget(self.save_button, 0, Qt.AlignmentFlag.AlignLeft)
        self.detail = right
        right.setEnabled(False)
        self.scans.hide()
        self.view_scan_button.hide()
        splitter = QSplitter()
        splitter.addWidget(self.table_or_empty)
        splitter.addWidget(right)
        splitter.setSizes([380, 720])
        layout = QVBoxLayout(self)
        layout.addWidget(self.note)
        layout.addWidget(splitter, 1)
        for keys in ("Ctrl+Return", "Ctrl+Enter"):
            QShortcut(QKeySequence(keys), self, self.save_and_next)

    def load(self, cohort_id: uuid.UUID | None) -> None:
        if cohort_id != self._cohort_id:
            self.banner.clear()
        self._cohort_id = cohort_id
        if cohort_id is None:
            self.items.clear()
            self.table_or_empty.set_empty(True, "There are no cohorts yet.")
            return

        def fetch(ws: Workspace) -> tuple[list[AssessmentItem], bool]:
            return ws.applications.assessment_list(cohort_id), ws.applications.blind_assessment()

        self.controller.load(fetch, self._show_items)

    def _show_items(self, result: tuple[list[AssessmentItem], bool]) -> None:
        items, blind = result
        chosen = self._open.id if self._open else None
        self.items.set_rows(items)
        self.table.setColumnHidden(1, blind)
        self.note.setText(
            ASSESSMENT_NOTE
            + (
                " Assessment is blind: you see each statement by its reference only."
                if blind
                else ""
            )
        )
        self.table_or_empty.set_empty(not items)
        self.detail.setVisible(bool(items))
        if not items:
            self._open = None
            self.detail.setEnabled(False)
            return
        row = next((i for i, item in enumerate(items) if item.id == chosen), 0)
        self.table.selectRow(row)

    def _chosen(self, current: Index, _previous: Index) -> None:
        item = self.items.row_at(current)
        if item is None:
            return
        application_id = item.id
        self.controller.load(
            lambda ws: ws.applications.open_for_assessment(application_id), self._show
        )

    def _show(self, opened: ApplicationToAssess) -> None:
        current = self.items.row_at(self.table.currentIndex())
        if current is None or current.id != opened.id:
            return
        if (self._open is None or self._open.id != opened.id) and not self._saved_just_now:
            self.banner.clear()
        self._saved_just_now = False
        self._open = opened
        self.detail.setEnabled(True)
        self.title.setText(
            f"Application {opened.reference}" + (f": {opened.name}" if opened.name else "")
        )
        facts = []
        for label, value in (
            ("Heard about the course from", opened.heard_about),
            ("Free to attend", opened.availability),
            ("Adjustments", opened.adjustments),
        ):
            if value:
                facts.append(f"{label}: {value}.")
        self.facts.setText(" ".join(facts))
        self.facts.setVisible(bool(facts))
        self.statement.setPlainText(
            opened.motivation_statement or "The statement is handwritten: see the scans."
        )
        self.scans.clear()
        for scan in opened.scans:
            item = QListWidgetItem(scan.filename)
            item.setData(Qt.ItemDataRole.UserRole, scan)
            self.scans.addItem(item)
        self.scans.setVisible(bool(opened.scans))
        self.view_scan_button.setVisible(bool(opened.scans))
        self._build_rubric(opened)
        if not opened.open:
            self.state.setText("A decision has been made, so these scores are final.")
        elif not opened.may_score:
            self.state.setText("Two people have assessed this statement already.")
        elif opened.mine is not None:
            self.state.setText(
                f"You gave {opened.mine.total}. You can change your scores until a decision "
                "is made."
            )
        else:
            self.state.setText(
                "Give each criterion a score from 1 to 5. The other assessor's scores stay "
                "hidden from you."
            )
        self.save_button.setEnabled(opened.may_score)
        first = next(iter(self.score_fields.values()), None)
        if first is not None and opened.may_score:
            first.setFocus()
            first.selectAll()

    def _build_rubric(self, opened: ApplicationToAssess) -> None:
        while self.scores_grid.count():
            taken = self.scores_grid.takeAt(0)
            widget = taken.widget() if taken is not None else None
            if widget is not None:
                widget.deleteLater()
        self.score_fields, self.note_fields = {}, {}
        mine = opened.mine
        for row, criterion in enumerate(opened.criteria):
            name = QLabel(f"&{row + 1}. {criterion.name}")
            name.setWordWrap(True)
            guidance = muted(criterion.guidance)
            score = QSpinBox()
            score.setRange(0, 5)
            score.setSpecialValueText("–")
            score.setAccessibleName(f"Score for {criterion.name}, 1 to 5")
            score.setValue(mine.scores.get(criterion.id, 0) if mine else 0)
            score.setEnabled(opened.may_score)
            name.setBuddy(score)
            note = QLineEdit(mine.notes.get(criterion.id, "") if mine else "")
            note.setPlaceholderText("Note (optional)")
            note.setAccessibleName(f"Note on {criterion.name}")
            note.setEnabled(opened.may_score)
            note.returnPressed.connect(self.save_and_next)
            self.scores_grid.addWidget(name, row * 2, 0)
            self.scores_grid.addWidget(score, row * 2, 1)
            self.scores_grid.addWidget(note, row * 2, 2)
            self.scores_grid.addWidget(guidance, row * 2 + 1, 0, 1, 3)
            self.score_fields[criterion.id] = score
            self.note_fields[criterion.id] = note
        self.scores_grid.setColumnStretch(2, 1)

    def save_and_next(self) -> None:
        opened = self._open
        if opened is None or not opened.may_score:
            self.next_statement()
            return
        scores = {cid: field.value() for cid, field in self.score_fields.items()}
        if not any(scores.values()):
            self.next_statement()
            return
        notes = {cid: field.text() for cid, field in self.note_fields.items()}
        application_id, reference = opened.id, opened.reference

        def saved(result: ApplicationToAssess) -> None:
            total = result.mine.total if result.mine else 0
            for position, item in enumerate(self.items.rows):
                if item.id == result.id:
                    self.items.replace_row(
                        position,
                        AssessmentItem(
                            item.id,
                            item.reference,
                            item.name,
                            item.received_on,
                            total,
                            result.other_assessors + 1,
                        ),
                    )
            self.banner.show_message(f"Saved your scores for {reference}: {total}.", Tone.GOOD)

        def failed(message: str) -> None:
            self.banner.show_message(f"{reference} is not saved: {message}", Tone.ERROR)

        missing = [c.name for c in opened.criteria if not scores.get(c.id)]
        if missing:
            self.banner.show_message(
                f"Give a score from 1 to 5 for {', '.join(missing)}.", Tone.WARNING
            )
            return
        self._saved_just_now = True
        self.owner.change(
            lambda ws: ws.applications.score(application_id, scores, notes),
            saved,
            failed,
        )
        self.next_statement()

    def next_statement(self) -> None:
        row = self.table.currentIndex().row()
        if row + 1 < self.items.rowCount():
            self.table.selectRow(row + 1)

    def _view_scan(self) -> None:
        opened = self._open
        item = self.scans.currentItem() or (self.scans.item(0) if self.scans.count() else None)
        if opened is None or item is None:
            return
        scan: ScanInfo = item.data(Qt.ItemDataRole.UserRole)
        application_id, scan_id = opened.id, scan.id
        self.controller.load(
            lambda ws: ws.applications.assessment_scan(application_id, scan_id),
            lambda data: show_scan(self, scan, data),
            lambda message: self.banner.show_message(message, Tone.ERROR),
        )
