"""The research export, for researchers: pseudonymised data of consenting people."""

from __future__ import annotations

import uuid
from pathlib import Path

from lt_desktop.core.services.research import BASE_REASON, ResearchExport
from lt_desktop.domain.changes import Change
from lt_desktop.domain.roles import Permission
from lt_desktop.domain.wording import counted
from lt_desktop.ui.controller import AppController
from lt_desktop.ui.qt import (
    QCheckBox,
    QComboBox,
    QFileDialog,
    QFormLayout,
    Qt,
    QVBoxLayout,
    QWidget,
)
from lt_desktop.ui.screens.base import Screen
from lt_desktop.ui.widgets import Banner, Tone, button, heading, muted

ALL_COHORTS = "Every cohort"


class ResearchExportScreen(Screen):
    title = "Research export"
    needs = frozenset({Permission.EXPORT_RESEARCH})
    listens_to = frozenset({Change.COHORTS})

    def __init__(self, controller: AppController, parent: QWidget | None = None) -> None:
        super().__init__(controller, parent)
        self.banner = Banner()
        self.cohort = QComboBox()
        self.cohort.setAccessibleName("Cohorts to export")
        self.cohort.addItem(ALL_COHORTS, None)
        self.shift_dates = QCheckBox(
            "&Shift dates: move each person's dates back by their own days"
        )
        self.shift_dates.setAccessibleName("Shift dates")
        self.export_button = button("&Export research data…", self._export)
        layout = QVBoxLayout(self)
        layout.addWidget(heading("Research export"))
        layout.addWidget(
            muted(
                "Weekly stories, questionnaires (with each person's before and after side by "
                "side), interviews and their transcripts, the group sense-making notes, and "
                "essays once their mark is agreed: CSV files for R, SPSS or NVivo, with a "
                "codebook describing every column. Each person appears under a research id, "
                "never by name, and every name the app knows is taken out of the text. Only "
                "people whose consent covers the kind of data and sharing it with the "
                "university research team are included; anyone who withdraws is left out of "
                "every export from then on."
            )
        )
        self.base_note = muted(BASE_REASON + " The audit log records that the export carries it.")
        layout.addWidget(self.base_note)
        form = QFormLayout()
        form.addRow("&Cohorts:", self.cohort)
        form.addRow(self.shift_dates)
        layout.addLayout(form)
        self.shift_note = muted(
            "With dates shifted, each person's dates (questionnaires, interview, essay) move "
            "back by their own number of days, 0 to 364, the same in every file and every "
            "export, so time between them stays true but no date is the real one. "
            "Sense-making meetings move by their cohort's own number of days. "
            "Without it the dates are the real ones."
        )
        layout.addWidget(self.shift_note)
        layout.addWidget(self.export_button, 0, Qt.AlignmentFlag.AlignLeft)
        layout.addWidget(self.banner)
        layout.addStretch(1)

    def reload(self) -> None:
        self.controller.load(
            lambda ws: ws.research.cohorts(),
            self._show_cohorts,
            lambda message: self.banner.show_message(message, Tone.ERROR),
        )

    def _show_cohorts(self, cohorts: list[tuple[uuid.UUID, str]]) -> None:
        chosen = self.cohort.currentData()
        self.cohort.clear()
        self.cohort.addItem(ALL_COHORTS, None)
        for cohort_id, label in cohorts:
            self.cohort.addItem(label, cohort_id)
        found = self.cohort.findData(chosen)
        self.cohort.setCurrentIndex(max(found, 0))

    def _export(self) -> None:
        folder = QFileDialog.getExistingDirectory(
            self, "Export into which folder?", str(Path.home())
        )
        if folder:
            self.export_to(Path(folder))

    def export_to(self, folder: Path) -> None:
        self.banner.show_message("Exporting…")
        chosen = self.cohort.currentData()
        cohort_ids = None if chosen is None else [chosen]
        shift = self.shift_dates.isChecked()
        self.controller.change(
            lambda ws: ws.research.export(folder, cohort_ids=cohort_ids, shift_dates=shift),
            self._exported,
            lambda message: self.banner.show_message(message, Tone.ERROR),
        )

    def _exported(self, result: ResearchExport) -> None:
        files = ", ".join(f"{name} ({counted(rows, 'row')})" for name, rows in result.files.items())
        transcripts = (
            f" and {counted(result.transcripts, 'interview transcript')}"
            if result.transcripts
            else ""
        )
        dates = "dates shifted" if result.dates_shifted else "dates not shifted"
        self.banner.show_message(
            f"Exported data of {result.people} people to {result.folder} ({dates}): "
            f"{files}{transcripts}.",
            Tone.GOOD,
        )
