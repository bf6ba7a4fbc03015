"""The coordinator's view: a cohort's essays, their markers, moderation and printing."""

from __future__ import annotations

import uuid
from pathlib import Path
from typing import TYPE_CHECKING, Any

from lt_desktop.core.services.essays import EssayRow
from lt_desktop.core.services.programme import CohortInfo
from lt_desktop.domain.vocabulary import MarkPosition
from lt_desktop.ui.fitting import flow
from lt_desktop.ui.qt import QComboBox, QHBoxLayout, QLabel, QVBoxLayout, QWidget
from lt_desktop.ui.screens.essays.dialogs import (
    AgreeDialog,
    AllocateMarkersDialog,
    EnterMarksDialog,
    RecordEssayDialog,
)
from lt_desktop.ui.screens.essays.model import essays_model
from lt_desktop.ui.screens.essays.printing import FeedbackSheetsDialog, MarkingPackDialog
from lt_desktop.ui.views.scans import choose_scan
from lt_desktop.ui.widgets import (
    Banner,
    EmptyOr,
    Tone,
    button,
    confirm,
    index_of,
    muted,
    record_table,
)

if TYPE_CHECKING:
    from lt_desktop.ui.screens.essays.screen import EssaysScreen


class CoordinatorView(QWidget):
    def __init__(self, screen: EssaysScreen) -> None:
        super().__init__()
        self.controller = screen.controller
        self.cohort = QComboBox()
        self.cohort.setAccessibleName("Cohort")
        self.cohort.currentIndexChanged.connect(self._load_essays)
        self.model = essays_model()
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
        self.cohort.setCurrentIndex(max(index_of(self.cohort, current), 0) if current else 0)
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
        chosen = choose_scan(
            self, f"Scan or photo of candidate {essay.candidate_number}'s essay", self._error
        )
        if chosen is None:
            return
        filename, data = chosen
        self.controller.change(
            lambda ws: ws.essays.attach_scan(essay.id, filename, data),
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
