"""Essays and marking: the coordinator's essays and moderation, and each marker's own
list, known only by candidate numbers."""

from __future__ import annotations

import math
import uuid
from datetime import date
from pathlib import Path
from typing import Any

from lt_desktop.core.services.essays import MAX_SCAN_BYTES, EssayRow
from lt_desktop.core.services.marking import AnonymousEssay, MarkingTask
from lt_desktop.core.services.programme import CohortInfo
from lt_desktop.domain.changes import Change
from lt_desktop.domain.errors import LtError, ValidationError
from lt_desktop.domain.roles import Permission
from lt_desktop.domain.vocabulary import MarkPosition
from lt_desktop.ui.controller import AppController
from lt_desktop.ui.drafts import RESTORED
from lt_desktop.ui.fitting import flow
from lt_desktop.ui.models import Column, RecordTableModel
from lt_desktop.ui.qt import (
    QCheckBox,
    QComboBox,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPixmap,
    QPlainTextEdit,
    QScrollArea,
    QSplitter,
    Qt,
    QVBoxLayout,
    QWidget,
)
from lt_desktop.ui.screens.base import Screen
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


def _score_text(score: float | None) -> str:
    return "—" if score is None else f"{score:g}"


class EssaysScreen(Screen):
    title = "Essays and marking"
    needs = frozenset({Permission.MANAGE_ESSAYS, Permission.MARK_ESSAYS})
    listens_to = frozenset({Change.ESSAYS, Change.ATTACHMENTS, Change.COHORTS, Change.MEMBERS})

    def __init__(self, controller: AppController, parent: QWidget | None = None) -> None:
        super().__init__(controller, parent)
        layout = QVBoxLayout(self)
        layout.addWidget(heading("Essays and marking"))
        self.coordinator = CoordinatorView(self) if self.may(Permission.MANAGE_ESSAYS) else None
        self.marker = MarkerView(self) if self.coordinator is None else None
        layout.addWidget(self.coordinator or self.marker, 1)  # type: ignore[arg-type]

    def reload(self) -> None:
        if self.coordinator is not None:
            self.coordinator.reload()
        elif self.marker is not None:
            self.marker.reload()


# -- the coordinator ----------------------------------------------------------------------


class CoordinatorView(QWidget):
    def __init__(self, screen: EssaysScreen) -> None:
        super().__init__()
        self.controller = screen.controller
        self.cohort = QComboBox()
        self.cohort.setAccessibleName("Cohort")
        self.cohort.currentIndexChanged.connect(self._load_essays)
        self.model = RecordTableModel[EssayRow](
            [
                Column("Candidate", lambda e: e.candidate_number),
                Column("Student", lambda e: e.student_name),
                Column("Title", lambda e: e.title),
                Column("Words", lambda e: f"{e.word_count:,}", align_right=True),
                Column(
                    "Handed in",
                    lambda e: f"{e.submitted_on:%d %b}" if e.submitted_on else "",
                ),
                Column("Scans", lambda e: str(e.scans) if e.scans else "", align_right=True),
                Column("First", lambda e: _score_text(_mark(e, MarkPosition.FIRST))),
                Column("Second", lambda e: _score_text(_mark(e, MarkPosition.SECOND))),
                Column("Status", lambda e: e.status),
            ]
        )
        self.table = record_table(self.model, "Essays")
        self.table_or_empty = EmptyOr(self.table, "No essays handed in yet.")
        self.missing = muted()
        self.banner = Banner()
        buttons = flow(
            button(text, handler)
            for text, handler in [
                ("&Record essay…", self._record),
                ("Attach &scan…", self._attach),
                ("Allocate &markers…", self._allocate),
                ("&Enter marks from sheets…", self._enter_marks),
                ("A&gree mark…", self._agree),
                ("Re&veal identities…", self._reveal),
            ]
        )
        printing = flow(
            (
                button("Print marking &pack…", self._print_pack),
                button("Print feed&back sheets…", self._print_feedback),
            )
        )
        top = QHBoxLayout()
        label = QLabel("&Cohort")
        label.setBuddy(self.cohort)
        top.addWidget(label)
        top.addWidget(self.cohort, 1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(top)
        layout.addWidget(self.banner)
        layout.addWidget(self.table_or_empty, 1)
        layout.addWidget(self.missing)
        layout.addLayout(buttons)
        layout.addLayout(printing)

    def reload(self) -> None:
        self.controller.load(lambda ws: ws.programme.list_cohorts(), self._show_cohorts)

    def _show_cohorts(self, cohorts: list[CohortInfo]) -> None:
        current = self.cohort.currentData()
        self.cohort.blockSignals(True)
        self.cohort.clear()
        for cohort in cohorts:
            self.cohort.addItem(cohort.title, cohort.id)
        self.cohort.setCurrentIndex(max(self.cohort.findData(current), 0) if current else 0)
        self.cohort.blockSignals(False)
        self._load_essays()

    def _load_essays(self) -> None:
        cohort_id = self.cohort.currentData()
        if cohort_id is None:
            self.model.clear()
            self.table_or_empty.set_empty(True, "There are no cohorts yet.")
            return

        def fetch(ws: Any) -> tuple[list[EssayRow], list[tuple[uuid.UUID, str]]]:
            return ws.essays.list_essays(cohort_id), ws.essays.students_without_essay(cohort_id)

        self.controller.load(fetch, self._show_essays)

    def _show_essays(self, result: tuple[list[EssayRow], list[tuple[uuid.UUID, str]]]) -> None:
        essays, missing = result
        self.model.set_rows(essays)
        self.table_or_empty.set_empty(
            not essays, "No essays handed in yet: record them with Record essay."
        )
        self._missing = missing
        self.missing.setText(
            f"Still to hand in: {', '.join(name for _, name in missing)}."
            if missing
            else "Every student's essay is in."
        )

    def _selected(self) -> EssayRow | None:
        essay = self.model.row_at(self.table.currentIndex())
        if essay is None:
            self.banner.show_message("Choose an essay in the list first.", Tone.WARNING)
        return essay

    def _error(self, message: str) -> None:
        self.banner.show_message(message, Tone.ERROR)

    def _record(self) -> None:
        essay = self.model.row_at(self.table.currentIndex())
        choices = [(e.membership_id, e.student_name) for e in ([essay] if essay else [])]
        choices += getattr(self, "_missing", [])
        if not choices:
            self.banner.show_message("Every student's essay is recorded.", Tone.INFO)
            return
        dialog = RecordEssayDialog(self, choices, essay)
        if dialog.exec():
            membership_id, values = dialog.values()
            self.controller.change(
                lambda ws: ws.essays.record_essay(membership_id, **values),
                lambda row: self.banner.show_message(
                    f"Recorded as candidate {row.candidate_number} ({row.word_count:,} words).",
                    Tone.GOOD,
                ),
                self._error,
            )

    def _attach(self) -> None:
        essay = self._selected()
        if essay is None:
            return
        path, _ = QFileDialog.getOpenFileName(
            self,
            f"Scan or photo of candidate {essay.candidate_number}'s essay",
            str(Path.home()),
            "Scans (*.png *.jpg *.jpeg *.pdf)",
        )
        if not path:
            return
        source = Path(path)
        try:
            if source.stat().st_size > MAX_SCAN_BYTES:
                raise ValidationError("That scan is larger than 25 MB; scan at a lower resolution.")
            data = source.read_bytes()
        except (OSError, LtError) as error:
            self._error(str(error))
            return
        self.controller.change(
            lambda ws: ws.essays.attach_scan(essay.id, source.name, data),
            lambda scan: self.banner.show_message(
                f"Kept {scan.filename} in the store with candidate {essay.candidate_number}'s "
                "essay. You can delete the file now.",
                Tone.GOOD,
            ),
            self._error,
        )

    def _allocate(self) -> None:
        cohort_id = self.cohort.currentData()
        if cohort_id is None:
            return

        def open_dialog(markers: list[tuple[uuid.UUID, str]]) -> None:
            if len(markers) < 2:
                self.banner.show_message(
                    "Add at least two marker accounts (Administration) first.", Tone.WARNING
                )
                return
            dialog = AllocateMarkersDialog(self, markers)
            if not dialog.exec():
                return
            chosen, avoid = dialog.values()
            self.controller.change(
                lambda ws: ws.essays.allocate_markers(cohort_id, chosen, avoid_own_groups=avoid),
                lambda result: self.banner.show_message(
                    f"Allocated {result.allocated} marks: "
                    + ", ".join(f"{name} {count}" for name, count in result.per_marker.items())
                    + (
                        f". No marker could take {', '.join(result.not_allocated)}."
                        if result.not_allocated
                        else "."
                    ),
                    Tone.WARNING if result.not_allocated else Tone.GOOD,
                ),
                self._error,
            )

        self.controller.load(lambda ws: ws.essays.markers(), open_dialog)

    def _enter_marks(self) -> None:
        dialog = EnterMarksDialog(self, self.controller)
        dialog.exec()
        self._load_essays()

    def _agree(self) -> None:
        essay = self._selected()
        if essay is None:
            return
        dialog = AgreeDialog(self, essay)
        if dialog.exec():
            score, feedback, reason = dialog.values()
            self.controller.change(
                lambda ws: ws.essays.enter_mark(
                    essay.candidate_number, MarkPosition.AGREED, score, feedback, reason=reason
                ),
                lambda row: self.banner.show_message(
                    f"Candidate {row.candidate_number}: {row.status}.", Tone.GOOD
                ),
                self._error,
            )

    def _print_pack(self) -> None:
        cohort_id = self.cohort.currentData()
        if cohort_id is None:
            return
        cohort_title = self.cohort.currentText()

        def open_dialog(markers: list[tuple[uuid.UUID, str]]) -> None:
            dialog = MarkingPackDialog(self, markers, cohort_title)
            if not dialog.exec():
                return
            marker_id, target, paper = dialog.values()

            def write(ws: Any) -> tuple[int, list[Path]]:
                from lt_desktop.documents.marking_pack import (
                    write_marking_pack,
                    write_pack_scans,
                )

                pack = ws.essays.marking_pack(cohort_id, marker_id)
                write_marking_pack(target, pack, paper=paper)
                return len(pack.essays), write_pack_scans(target.parent, pack)

            def written(result: tuple[int, list[Path]]) -> None:
                count, scans = result
                also = (
                    f" Print these scans with it: {', '.join(p.name for p in scans)}."
                    if scans
                    else ""
                )
                self.banner.show_message(
                    f"Saved the marking pack ({count} essays) as {target.name}.{also}",
                    Tone.GOOD,
                )

            self.controller.load(write, written, self._error)

        self.controller.load(lambda ws: ws.essays.markers(), open_dialog)

    def _print_feedback(self) -> None:
        cohort_id = self.cohort.currentData()
        if cohort_id is None:
            return
        dialog = FeedbackSheetsDialog(self, self.cohort.currentText(), self._selected_quietly())
        if not dialog.exec():
            return
        essay, target, paper = dialog.values()

        def write(ws: Any) -> int:
            from lt_desktop.documents.feedback_sheet import write_feedback_sheets

            sheets = (
                [ws.essays.feedback_sheet(essay.id)]
                if essay is not None
                else ws.essays.feedback_sheets(cohort_id)
            )
            write_feedback_sheets(target, sheets, paper=paper)
            return len(sheets)

        self.controller.load(
            write,
            lambda count: self.banner.show_message(
                f"Saved {count} feedback {'sheet' if count == 1 else 'sheets'} as {target.name}.",
                Tone.GOOD,
            ),
            self._error,
        )

    def _selected_quietly(self) -> EssayRow | None:
        return self.model.row_at(self.table.currentIndex())

    def _reveal(self) -> None:
        cohort_id = self.cohort.currentData()
        if cohort_id is None or not confirm(
            self,
            "Reveal who wrote each essay whose mark is agreed? Markers still see "
            "candidate numbers only.",
            "Reveal",
        ):
            return
        self.controller.change(
            lambda ws: ws.essays.reveal_identities(cohort_id),
            lambda count: self.banner.show_message(f"Revealed {count} essays' writers.", Tone.GOOD),
        )


def _mark(essay: EssayRow, position: MarkPosition) -> float | None:
    mark = essay.marks.get(position)
    return None if mark is None else mark.score


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


def _mark_text(score: float | None) -> str:
    return "" if score is None else f"{score:g}"


class MarkField(QLineEdit):
    """A mark out of 100, as typed. It stays empty until a mark is typed, since an
    empty mark is no mark at all: never 0."""

    def __init__(self, score: float | None = None) -> None:
        super().__init__(_mark_text(score))
        self.setPlaceholderText("0 to 100")
        self.setMaxLength(6)
        self.setMaximumWidth(120)

    def set_mark(self, score: float | None) -> None:
        self.setText(_mark_text(score))
        self.setModified(False)

    def mark(self) -> float | None:
        """The mark typed, or None when the field is empty."""
        text = self.text().strip().replace(",", ".")
        if not text:
            return None
        try:
            value = float(text)
        except ValueError:
            value = math.nan
        if not math.isfinite(value):
            raise ValidationError(
                f"“{self.text().strip()}” is not a mark: type a number from 0 to 100."
            )
        return value

    def mark_or_say_why(self, banner: Banner, missing: str) -> float | None:
        """The mark typed; or, when there is none or it is not a mark, None, with the
        reason shown on ``banner`` and the cursor back in this field."""
        try:
            score = self.mark()
        except ValidationError as error:
            message = str(error)
        else:
            if score is not None:
                return score
            message = missing
        banner.show_message(message, Tone.ERROR)
        self.setFocus()
        return None


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


# -- the marker -----------------------------------------------------------------------------


class MarkerView(QWidget):
    """A marker's own list. Nothing here knows who wrote an essay."""

    def __init__(self, screen: EssaysScreen) -> None:
        super().__init__()
        self.controller = screen.controller
        self.tasks = RecordTableModel[MarkingTask](
            [
                Column("Candidate", lambda t: t.candidate_number),
                Column("Your mark", lambda t: _score_text(t.my_score), align_right=True),
                Column("Words", lambda t: f"{t.word_count:,}", align_right=True),
                Column("Title", lambda t: t.title),
            ]
        )
        self.list = record_table(self.tasks, "Essays to mark")
        self.list.selectionModel().currentRowChanged.connect(self._chosen)
        self.list_or_empty = EmptyOr(self.list, "No essays are allocated to you yet.")
        self.candidate = heading("", 2)
        self.text = QPlainTextEdit()
        self.text.setReadOnly(True)
        self.text.setAccessibleName("Essay")
        self.scans = QVBoxLayout()
        scans_holder = QWidget()
        scans_holder.setLayout(self.scans)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setWidget(scans_holder)
        scroll.setAccessibleName("Scans")
        self.other = muted()
        self.score = MarkField()
        self.score.setAccessibleName("Your mark")
        self.feedback = QPlainTextEdit()
        self.feedback.setTabChangesFocus(True)
        self.feedback.setFixedHeight(80)
        self.feedback.setAccessibleName("Your feedback")
        self.submit_button = button("&Submit mark", self._submit)
        self.banner = Banner()
        right = QWidget()
        right_layout = QVBoxLayout(right)
        right_layout.addWidget(self.candidate)
        right_layout.addWidget(self.text, 2)
        right_layout.addWidget(scroll, 1)
        mark_row = QHBoxLayout()
        label = QLabel("&Mark (out of 100)")
        label.setBuddy(self.score)
        mark_row.addWidget(label)
        mark_row.addWidget(self.score)
        mark_row.addWidget(self.other, 1)
        right_layout.addLayout(mark_row)
        feedback_label = QLabel("F&eedback")
        feedback_label.setBuddy(self.feedback)
        right_layout.addWidget(feedback_label)
        right_layout.addWidget(self.feedback)
        right_layout.addWidget(self.banner)
        right_layout.addWidget(self.submit_button, 0, Qt.AlignmentFlag.AlignLeft)
        self.detail = right
        splitter = QSplitter()
        splitter.addWidget(self.list_or_empty)
        splitter.addWidget(right)
        splitter.setSizes([360, 700])
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(
            muted(
                "You see each essay by its candidate number only, and the other marker's mark "
                "only once the mark is agreed. Until then you can correct your mark and feedback."
            )
        )
        layout.addWidget(splitter, 1)
        self._essay: AnonymousEssay | None = None
        self.detail.setEnabled(False)
        self.typing = screen.typing
        for name, field, saved in (
            ("mark", self.score, lambda: _mark_text(self._essay.my_score if self._essay else None)),
            ("feedback", self.feedback, lambda: self._essay.my_feedback if self._essay else ""),
        ):
            self.typing.add(
                name, field, record=self._typing_record, saved=saved, restored=self._restored
            )

    def _typing_record(self) -> str | None:
        essay = self._essay
        return essay.candidate_number if essay is not None and not essay.locked else None

    def _restored(self) -> None:
        self.banner.show_message(RESTORED, Tone.INFO)

    def reload(self) -> None:
        self.controller.load(lambda ws: ws.marking.tasks(), self._show_tasks)

    def _show_tasks(self, tasks: list[MarkingTask]) -> None:
        current = self._essay.candidate_number if self._essay else None
        self.tasks.set_rows(tasks)
        self.list_or_empty.set_empty(not tasks)
        typed = self.typing.waiting_records()
        row = next(
            (i for i, t in enumerate(tasks) if t.candidate_number == current),
            next((i for i, t in enumerate(tasks) if t.candidate_number in typed), 0),
        )
        if tasks:
            self.list.selectRow(row)

    def _chosen(self, current: Any, _previous: Any) -> None:
        task = self.tasks.row_at(current)
        if task is not None:
            number = task.candidate_number
            self.controller.load(lambda ws: ws.marking.open_essay(number), self._show_essay)

    def _show_essay(self, essay: AnonymousEssay) -> None:
        if self._essay is None or self._essay.candidate_number != essay.candidate_number:
            self.banner.clear()
        self._essay = essay
        self.detail.setEnabled(True)
        self.candidate.setText(
            f"Candidate {essay.candidate_number}: {essay.title} "
            f"({essay.word_count:,} words; you give the {essay.position.label.lower()} mark)"
        )
        self.text.setPlainText(essay.text or "This essay is handwritten: see its scans below.")
        while self.scans.count():
            old = self.scans.takeAt(0)
            widget = old.widget() if old is not None else None
            if widget is not None:
                widget.deleteLater()
        for scan in essay.scans:
            self._show_scan(essay.candidate_number, scan.id, scan.filename, scan.media_type)
        self.score.set_mark(essay.my_score)
        self.feedback.setPlainText(essay.my_feedback)
        self.other.setText(
            f"The other marker gave {essay.other_score:g}."
            if essay.other_score is not None
            else "The other mark stays hidden until the mark is agreed."
        )
        for widget in (self.score, self.feedback, self.submit_button):
            widget.setEnabled(not essay.locked)
        if essay.locked and essay.agreed_score is not None:
            self.banner.show_message(
                f"The mark for this essay is agreed at {essay.agreed_score:g}, so your mark and "
                "feedback are locked. Ask the coordinator if something in them needs changing.",
                Tone.INFO,
            )
        self.typing.put_back()

    def _show_scan(self, number: str, scan_id: uuid.UUID, filename: str, media_type: str) -> None:
        if media_type == "application/pdf":
            self.scans.addWidget(
                QLabel(f"{filename}: a PDF scan. Ask the coordinator for a printed copy.")
            )
            return

        def show(data: bytes) -> None:
            picture = QPixmap()
            picture.loadFromData(data)
            label = QLabel()
            label.setAccessibleName(f"Scan {filename}")
            label.setPixmap(
                picture.scaledToWidth(
                    min(picture.width(), 900), Qt.TransformationMode.SmoothTransformation
                )
            )
            self.scans.addWidget(label)

        self.controller.load(lambda ws: ws.marking.scan_data(number, scan_id), show)

    def _submit(self) -> None:
        if self._essay is None:
            return
        number = self._essay.candidate_number
        score = self.score.mark_or_say_why(
            self.banner, "Type your mark, from 0 to 100, before submitting: nothing was saved."
        )
        if score is None:
            return
        feedback = self.feedback.toPlainText()

        def done(essay: AnonymousEssay) -> None:
            self._show_essay(essay)
            self.banner.show_message(
                f"Your mark of {score:g} for {number} is saved. You can correct it until the "
                "mark is agreed.",
                Tone.GOOD,
            )

        self.controller.change(
            lambda ws: ws.marking.submit_mark(number, score, feedback),
            done,
            lambda message: self.banner.show_message(message, Tone.ERROR),
        )
