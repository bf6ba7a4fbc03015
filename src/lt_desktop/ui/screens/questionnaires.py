"""Questionnaires: entering paper forms in a keyboard-first grid, and the change from
before the course to after it, for each person and for the cohort."""

from __future__ import annotations

import uuid
from typing import Any

from lt_desktop.core.services.programme import CohortInfo
from lt_desktop.core.services.questionnaires import (
    Comparison,
    Grid,
    GridRow,
    ItemInfo,
    PersonChange,
    Summary,
    TemplateInfo,
)
from lt_desktop.domain.changes import Change
from lt_desktop.domain.errors import ValidationError
from lt_desktop.domain.roles import Permission
from lt_desktop.domain.vocabulary import ItemKind, QuestionnairePhase
from lt_desktop.ui.colours import bar_colours, muted_text
from lt_desktop.ui.controller import AppController
from lt_desktop.ui.fitting import VerticalScrollArea, at_least_rows
from lt_desktop.ui.models import Column, Index, RecordTableModel
from lt_desktop.ui.qt import (
    QAbstractItemView,
    QAbstractTableModel,
    QApplication,
    QBrush,
    QCheckBox,
    QComboBox,
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QKeyEvent,
    QLabel,
    QLineEdit,
    QModelIndex,
    QPainter,
    QPen,
    QPlainTextEdit,
    QSize,
    QSpinBox,
    Qt,
    QTableView,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
    Signal,
)
from lt_desktop.ui.screens.base import Screen, offer_only_if
from lt_desktop.ui.widgets import (
    Banner,
    EnumCombo,
    FormDialog,
    Tone,
    button,
    heading,
    index_of,
    muted,
)


class AnswerGridModel(QAbstractTableModel):
    """Rows are students, columns the template's items; answers are edited in place and
    kept per row until the row is saved."""

    row_edited = Signal(int)

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self.grid: Grid | None = None
        self.answers: list[dict[uuid.UUID, int | str]] = []
        self.dirty: set[int] = set()

    def set_grid(self, grid: Grid) -> None:
        self.beginResetModel()
        self.grid = grid
        self.answers = [dict(row.answers) for row in grid.rows]
        self.dirty = set()
        self.endResetModel()

    @property
    def items(self) -> list[ItemInfo]:
        return self.grid.template.items if self.grid else []

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: N802, B008
        return 0 if parent.isValid() or self.grid is None else len(self.grid.rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: N802, B008
        return 0 if parent.isValid() else 1 + len(self.items)

    def row(self, index: int) -> GridRow:
        assert self.grid is not None
        return self.grid.rows[index]

    def item_at(self, column: int) -> ItemInfo | None:
        return self.items[column - 1] if column >= 1 else None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or self.grid is None:
            return None
        row = self.grid.rows[index.row()]
        item = self.item_at(index.column())
        if role in (
            Qt.ItemDataRole.DisplayRole,
            Qt.ItemDataRole.EditRole,
            Qt.ItemDataRole.AccessibleTextRole,
        ):
            if item is None:
                return row.display_name
            assert item.id is not None
            value = self.answers[index.row()].get(item.id)
            return "" if value is None else str(value)
        if role == Qt.ItemDataRole.ToolTipRole:
            return row.consent_problem or (item.text if item else None)
        if role == Qt.ItemDataRole.ForegroundRole and row.consent_problem:
            return QBrush(muted_text(QApplication.palette()))
        if role == Qt.ItemDataRole.TextAlignmentRole and item is not None:
            return int(Qt.AlignmentFlag.AlignCenter)
        return None

    def flags(self, index: Index) -> Qt.ItemFlag:
        base = super().flags(index)
        if (
            self.grid is not None
            and index.column() >= 1
            and self.grid.rows[index.row()].consent_problem is None
        ):
            return base | Qt.ItemFlag.ItemIsEditable
        return base

    def setData(self, index: Index, value: Any, role: int = Qt.ItemDataRole.EditRole) -> bool:  # noqa: N802
        item = self.item_at(index.column())
        if item is None or item.id is None or role != Qt.ItemDataRole.EditRole:
            return False
        text = str(value).strip()
        answers = self.answers[index.row()]
        if not text:
            answers.pop(item.id, None)
        elif item.kind is ItemKind.LIKERT:
            if not text.isdigit() or not 1 <= int(text) <= (item.scale_points or 0):
                return False
            answers[item.id] = int(text)
        else:
            answers[item.id] = text
        self.dirty.add(index.row())
        self.dataChanged.emit(index, index)
        self.row_edited.emit(index.row())
        return True

    def headerData(  # noqa: N802
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation != Qt.Orientation.Horizontal:
            return None
        item = self.item_at(section)
        if role == Qt.ItemDataRole.DisplayRole:
            if item is None:
                return "Name"
            return (
                f"{item.position + 1}"
                + (" (r)" if item.reverse_scored else "")
                + (" text" if item.kind is ItemKind.FREE_TEXT else "")
            )
        if role == Qt.ItemDataRole.ToolTipRole and item is not None:
            scale = f" (1 to {item.scale_points})" if item.kind is ItemKind.LIKERT else ""
            return item.text + scale + (" — reverse-scored" if item.reverse_scored else "")
        return None


class AnswerGrid(QTableView):
    """Typing a digit answers the current item and moves on, so a paper form is one key
    per answer."""

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802 - Qt API
        model = self.model()
        index = self.currentIndex()
        if isinstance(model, AnswerGridModel) and index.isValid():
            item = model.item_at(index.column())
            text = event.text()
            if item is not None and item.kind is ItemKind.LIKERT and text.isdigit():
                if model.setData(index, text):
                    self._advance(index)
                return
            if item is not None and event.key() in (Qt.Key.Key_Delete, Qt.Key.Key_Backspace):
                model.setData(index, "")
                return
        super().keyPressEvent(event)

    def _advance(self, index: QModelIndex) -> None:
        model = self.model()
        column = index.column() + 1
        row = index.row()
        if column >= model.columnCount():
            column, row = 1, row + 1
        if row < model.rowCount():
            self.setCurrentIndex(model.index(row, column))


class ChangeChart(QWidget):
    """Mean score before and after, overall and per subscale. Before is outlined, after
    filled, and every bar carries its number, so it reads in black and white."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.groups: list[tuple[str, Summary]] = []
        self.scale = 5
        self.setMinimumHeight(220)
        self.setAccessibleName("Change from before to after the course")

    def set_comparison(self, comparison: Comparison) -> None:
        self.groups = [("Overall", comparison.overall), *comparison.subscales.items()]
        points = {i.scale_points for i in comparison.template.likert_items if i.scale_points}
        self.scale = max(points) if points else 5
        self.setAccessibleDescription(
            "; ".join(
                f"{name}: before {s.mean_pre:.2f}, after {s.mean_post:.2f}"
                for name, s in self.groups
                if s.mean_pre is not None and s.mean_post is not None
            )
        )
        self.update()

    def sizeHint(self) -> QSize:  # noqa: N802 - Qt API
        return QSize(520, 240)

    def paintEvent(self, _event: Any) -> None:  # noqa: N802 - Qt API
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        ink = self.palette().color(self.palette().ColorRole.WindowText)
        filled_colour = bar_colours(self.palette())[0]
        width, height = self.width(), self.height()
        left, bottom, top = 40, height - 40, 16
        painter.setPen(QPen(ink, 1))
        painter.drawLine(left, bottom, width - 10, bottom)
        for tick in range(1, self.scale + 1):
            y = bottom - (bottom - top) * (tick - 1) / max(self.scale - 1, 1)
            painter.drawText(8, int(y) + 4, str(tick))
        if not self.groups:
            painter.drawText(left + 10, top + 20, "No scores yet.")
            painter.end()
            return
        slot = (width - left - 20) / len(self.groups)
        bar = min(36.0, slot / 3)
        for n, (name, summary) in enumerate(self.groups):
            x = left + 10 + n * slot
            bars: list[tuple[float, float | None, bool]] = [
                (0.0, summary.mean_pre, False),
                (bar + 4, summary.mean_post, True),
            ]
            for offset, value, filled in bars:
                if value is None:
                    continue
                h = (bottom - top) * (value - 1) / max(self.scale - 1, 1)
                rect_x, rect_y = int(x + offset), int(bottom - h)
                if filled:
                    painter.fillRect(rect_x, rect_y, int(bar), int(h), filled_colour)
                painter.drawRect(rect_x, rect_y, int(bar), int(h))
                painter.drawText(rect_x, rect_y - 4, f"{value:.2f}")
            painter.drawText(int(x), bottom + 16, name)
            painter.drawText(int(x), bottom + 30, f"n = {summary.pairs}")
        painter.drawText(width - 190, top + 4, "outlined: before · filled: after")
        painter.end()


def describe_summary(summary: Summary) -> str:
    if summary.pairs == 0 or summary.mean_change is None:
        return "No one has both a before and an after score yet."
    text = (
        f"{summary.pairs} people with both scores: mean {summary.mean_pre:.2f} before, "
        f"{summary.mean_post:.2f} after, a change of {summary.mean_change:+.2f}"
    )
    if summary.ci_low is not None and summary.ci_high is not None:
        text += f" (95% interval {summary.ci_low:+.2f} to {summary.ci_high:+.2f})"
    return text + "."


class QuestionnairesScreen(Screen):
    title = "Questionnaires"
    needs = frozenset({Permission.ENTER_RESEARCH_DATA})
    # Templates changed reload every view of them; not Change.ANSWERS, which entering
    # answers here writes: reloading would reset the row being typed.
    listens_to = frozenset({Change.QUESTIONNAIRES, Change.CONSENT, Change.COHORTS, Change.MEMBERS})

    def __init__(self, controller: AppController, parent: QWidget | None = None) -> None:
        super().__init__(controller, parent)
        self.template = QComboBox()
        self.template.setAccessibleName("Questionnaire")
        self.cohort = QComboBox()
        self.cohort.setAccessibleName("Cohort")
        self.phase = EnumCombo(QuestionnairePhase)
        self.phase.setAccessibleName("Before or after")
        for combo in (self.template, self.cohort, self.phase):
            combo.currentIndexChanged.connect(self._load)
        self.edit_button = button("&Edit questionnaire…", self._edit_template)
        offer_only_if(self.may(Permission.SET_RESEARCH_QUESTIONS), self.edit_button)
        # Two lines, so long questionnaire and cohort names fit a small laptop.
        top = QGridLayout()
        for place, (text, combo) in enumerate(
            (("&Questionnaire", self.template), ("&Cohort", self.cohort), ("&When", self.phase))
        ):
            label = QLabel(text)
            label.setBuddy(combo)
            top.addWidget(label, place // 2, place % 2 * 2)
            top.addWidget(combo, place // 2, place % 2 * 2 + 1)
        top.addWidget(self.edit_button, 1, 2, 1, 2, Qt.AlignmentFlag.AlignLeft)
        top.setColumnStretch(1, 1)
        top.setColumnStretch(3, 2)  # cohort names are the longer

        self.save_button = button("&Save answers", self.save_dirty_rows)
        self.save_button.setEnabled(False)
        self.model = AnswerGridModel(self)
        self.model.row_edited.connect(lambda _row: self.save_button.setEnabled(True))
        self.grid = AnswerGrid()
        self.grid.setModel(self.model)
        self.grid.setAccessibleName("Answers")
        self.grid.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.grid.setEditTriggers(
            QAbstractItemView.EditTrigger.DoubleClicked
            | QAbstractItemView.EditTrigger.EditKeyPressed
        )
        self.grid.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.grid.verticalHeader().hide()
        self.grid.selectionModel().currentRowChanged.connect(self._row_left)
        self.banner = Banner()
        entry = QWidget()
        entry_layout = QVBoxLayout(entry)
        entry_layout.addWidget(
            muted(
                "Type each answer's number: the next item is selected at once. Each row is saved "
                "when you move to another person. Greyed rows have no consent for questionnaires."
            )
        )
        entry_layout.addWidget(self.grid, 1)
        entry_layout.addWidget(self.save_button, 0, Qt.AlignmentFlag.AlignLeft)

        self.chart = ChangeChart()
        self.summary = QLabel()
        self.summary.setWordWrap(True)
        self.people = RecordTableModel[PersonChange](
            [
                Column("Name", lambda p: p.display_name),
                Column(
                    "Before", lambda p: "—" if p.pre is None else f"{p.pre:.2f}", align_right=True
                ),
                Column(
                    "After", lambda p: "—" if p.post is None else f"{p.post:.2f}", align_right=True
                ),
                Column(
                    "Change",
                    lambda p: "—" if p.change is None else f"{p.change:+.2f}",
                    align_right=True,
                ),
            ]
        )
        people_view = QTableView()
        people_view.setModel(self.people)
        people_view.setAccessibleName("Change for each person")
        people_view.verticalHeader().hide()
        people_view.horizontalHeader().setStretchLastSection(True)
        at_least_rows(people_view, 6)
        change = QWidget()
        change_layout = QVBoxLayout(change)
        change_layout.addWidget(self.summary)
        change_layout.addWidget(self.chart, 1)
        change_layout.addWidget(people_view, 1)

        self.tabs = QTabWidget()
        self.tabs.addTab(entry, "Entry from &paper")
        # The chart keeps its height on a small laptop; the page scrolls instead.
        self.tabs.addTab(
            VerticalScrollArea(change, "Change over the course"), "Chan&ge over the course"
        )
        layout = QVBoxLayout(self)
        layout.addWidget(heading("Questionnaires"))
        layout.addLayout(top)
        layout.addWidget(self.banner)
        layout.addWidget(self.tabs, 1)
        self._templates: list[TemplateInfo] = []

    # -- loading -------------------------------------------------------------------------

    def reload(self) -> None:
        def fetch(ws: Any) -> tuple[list[TemplateInfo], list[CohortInfo]]:
            return ws.questionnaires.templates(), ws.programme.list_cohorts()

        self.controller.load(fetch, self._show_choices)

    def _show_choices(self, result: tuple[list[TemplateInfo], list[CohortInfo]]) -> None:
        templates, cohorts = result
        self._templates = templates
        for combo, entries in (
            (self.template, [(t.name, t.id) for t in templates]),
            (self.cohort, [(c.title, c.id) for c in cohorts]),
        ):
            current = combo.currentData()
            combo.blockSignals(True)
            combo.clear()
            for text, value in entries:
                combo.addItem(text, value)
            combo.setCurrentIndex(max(index_of(combo, current), 0) if current else 0)
            combo.blockSignals(False)
        self._load()

    def _load(self) -> None:
        self.save_dirty_rows()
        template_id, cohort_id = self.template.currentData(), self.cohort.currentData()
        if template_id is None or cohort_id is None:
            self.banner.show_message("There is no questionnaire or cohort yet.", Tone.INFO)
            return
        phase = self.phase.value()

        def fetch(ws: Any) -> tuple[Grid, Comparison]:
            return (
                ws.questionnaires.grid(template_id, cohort_id, phase),
                ws.questionnaires.comparison(template_id, cohort_id),
            )

        self.controller.load(fetch, self._show)

    def _show(self, result: tuple[Grid, Comparison]) -> None:
        grid, comparison = result
        self.model.set_grid(grid)
        self.save_button.setEnabled(False)
        self._show_comparison(comparison)
        if grid.rows:
            self.grid.setCurrentIndex(self.model.index(0, 1))

    # -- saving -------------------------------------------------------------------------

    def _row_left(self, current: QModelIndex, previous: QModelIndex) -> None:
        if previous.isValid() and previous.row() != current.row():
            self._save_row(previous.row())

    def save_dirty_rows(self) -> None:
        for row in sorted(self.model.dirty):
            self._save_row(row)

    def _save_row(self, row: int) -> None:
        grid = self.model.grid
        if grid is None or row not in self.model.dirty:
            return
        self.model.dirty.discard(row)
        person = grid.rows[row]
        answers: dict[uuid.UUID, int | str | None] = {
            item.id: self.model.answers[row].get(item.id)
            for item in grid.template.items
            if item.id is not None
        }
        template_id, cohort_id, phase = grid.template.id, grid.cohort_id, grid.phase
        self.controller.change(
            lambda ws: ws.questionnaires.save_response(
                template_id, cohort_id, person.person_id, phase, answers
            ),
            lambda _: self._saved(person.display_name),
            lambda message: self.banner.show_message(message, Tone.ERROR),
        )
        self.save_button.setEnabled(bool(self.model.dirty))

    def _saved(self, name: str) -> None:
        self.banner.show_message(f"Saved {name}'s answers.", Tone.GOOD)
        grid = self.model.grid
        if grid is not None:
            template_id, cohort_id = grid.template.id, grid.cohort_id
            self.controller.load(
                lambda ws: ws.questionnaires.comparison(template_id, cohort_id),
                self._show_comparison,
            )

    def _show_comparison(self, comparison: Comparison) -> None:
        self.chart.set_comparison(comparison)
        self.summary.setText(describe_summary(comparison.overall))
        self.people.set_rows(comparison.people)

    # -- the template ---------------------------------------------------------------------

    def _edit_template(self) -> None:
        template = next((t for t in self._templates if t.id == self.template.currentData()), None)
        dialog = TemplateDialog(self, template)
        if dialog.exec():
            name, description, items = dialog.values()
            template_id = template.id if template else None
            self.controller.change(
                lambda ws: ws.questionnaires.save_template(
                    template_id, name=name, description=description, items=items
                ),
                lambda saved: self.banner.show_message(f"Saved “{saved.name}”.", Tone.GOOD),
                lambda message: self.banner.show_message(message, Tone.ERROR),
            )


class TemplateDialog(FormDialog):
    COLUMNS = ["Wording", "Answer", "Points", "Reverse-scored", "Subscale"]

    def __init__(self, parent: QWidget, template: TemplateInfo | None) -> None:
        super().__init__("Edit questionnaire" if template else "New questionnaire", parent=parent)
        self.setMinimumWidth(820)
        self.name = self.add_row("&Name", QLineEdit(template.name if template else ""))
        self.description = QPlainTextEdit(template.description if template else "")
        self.description.setTabChangesFocus(True)
        self.description.setFixedHeight(60)
        self.add_row("&Description", self.description)
        self.table = QTableWidget(0, len(self.COLUMNS))
        self.table.setHorizontalHeaderLabels(self.COLUMNS)
        self.table.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.table.setMinimumHeight(280)
        self.add_row("&Items", self.table)
        self._ids: list[uuid.UUID | None] = []
        for item in template.items if template else []:
            self._add(item)
        row = QHBoxLayout()
        row.addWidget(button("&Add item", lambda: self._add(None)))
        row.addWidget(button("&Remove item", self._remove))
        row.addStretch(1)
        holder = QWidget()
        holder.setLayout(row)
        self.form.addRow("", holder)

    def _add(self, item: ItemInfo | None) -> None:
        row = self.table.rowCount()
        self.table.insertRow(row)
        self._ids.append(item.id if item else None)
        self.table.setItem(row, 0, QTableWidgetItem(item.text if item else ""))
        kind = EnumCombo(ItemKind, item.kind if item else ItemKind.LIKERT)
        self.table.setCellWidget(row, 1, kind)
        points = QSpinBox()
        points.setRange(5, 7)
        points.setSingleStep(2)
        points.setValue(item.scale_points or 5 if item else 5)
        self.table.setCellWidget(row, 2, points)
        reverse = QCheckBox()
        reverse.setChecked(bool(item and item.reverse_scored))
        self.table.setCellWidget(row, 3, reverse)
        self.table.setItem(row, 4, QTableWidgetItem(item.subscale if item else ""))

    def _remove(self) -> None:
        row = self.table.currentRow()
        if row >= 0:
            self.table.removeRow(row)
            del self._ids[row]

    def validate(self) -> None:
        if not self.name.text().strip():
            raise ValidationError("Give the questionnaire a name.")
        if self.table.rowCount() == 0:
            raise ValidationError("Add at least one item.")

    def values(self) -> tuple[str, str, list[ItemInfo]]:
        items = []
        for row in range(self.table.rowCount()):
            text_item, subscale_item = self.table.item(row, 0), self.table.item(row, 4)
            kind = self.table.cellWidget(row, 1)
            points = self.table.cellWidget(row, 2)
            reverse = self.table.cellWidget(row, 3)
            assert isinstance(kind, EnumCombo) and isinstance(points, QSpinBox)
            assert isinstance(reverse, QCheckBox)
            items.append(
                ItemInfo(
                    self._ids[row],
                    row,
                    text_item.text() if text_item else "",
                    kind.value(),
                    points.value(),
                    reverse.isChecked(),
                    subscale_item.text() if subscale_item else "",
                )
            )
        return self.name.text(), self.description.toPlainText(), items
