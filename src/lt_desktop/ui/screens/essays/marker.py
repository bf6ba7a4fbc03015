"""A marker's own list: each essay known only by its candidate number."""

from __future__ import annotations

import uuid
from typing import TYPE_CHECKING, Any

from lt_desktop.core.services.marking import AnonymousEssay, MarkingTask
from lt_desktop.ui.drafts import RESTORED
from lt_desktop.ui.qt import (
    QHBoxLayout,
    QLabel,
    QPixmap,
    QPlainTextEdit,
    QScrollArea,
    QSplitter,
    Qt,
    QVBoxLayout,
    QWidget,
)
from lt_desktop.ui.screens.essays.model import tasks_model
from lt_desktop.ui.screens.essays.parts import MarkField, mark_text
from lt_desktop.ui.widgets import Banner, EmptyOr, Tone, button, heading, muted, record_table

if TYPE_CHECKING:
    from lt_desktop.ui.screens.essays.screen import EssaysScreen


class MarkerView(QWidget):
    """A marker's own list. Nothing here knows who wrote an essay."""

    def __init__(self, screen: EssaysScreen) -> None:
        super().__init__()
        self.controller = screen.controller
        self.tasks = tasks_model()
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
            ("mark", self.score, lambda: mark_text(self._essay.my_score if self._essay else None)),
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
