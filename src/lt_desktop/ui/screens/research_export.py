"""The research export, for researchers: pseudonymised data of consenting people."""

from __future__ import annotations

from pathlib import Path

from lt_desktop.core.services.research import BASE_REASON, ResearchExport
from lt_desktop.domain.roles import Permission
from lt_desktop.ui.controller import AppController
from lt_desktop.ui.qt import QFileDialog, Qt, QVBoxLayout, QWidget
from lt_desktop.ui.screens.base import Screen
from lt_desktop.ui.widgets import Banner, Tone, button, heading, muted


class ResearchExportScreen(Screen):
    title = "Research export"
    needs = frozenset({Permission.EXPORT_RESEARCH})

    def __init__(self, controller: AppController, parent: QWidget | None = None) -> None:
        super().__init__(controller, parent)
        self.banner = Banner()
        self.export_button = button("&Export research data…", self._export)
        layout = QVBoxLayout(self)
        layout.addWidget(heading("Research export"))
        layout.addWidget(
            muted(
                "Weekly stories and questionnaire answers, as CSV files for R, SPSS or NVivo. "
                "Each person appears under a research id, never by name; there are no dates, "
                "only session weeks, and no prison details. Only people whose consent covers the "
                "kind of data and sharing it with the university research team are included; "
                "anyone who withdraws is left out of every export from then on."
            )
        )
        self.base_note = muted(BASE_REASON + " The audit log records that the export carries it.")
        layout.addWidget(self.base_note)
        layout.addWidget(self.export_button, 0, Qt.AlignmentFlag.AlignLeft)
        layout.addWidget(self.banner)
        layout.addStretch(1)

    def _export(self) -> None:
        folder = QFileDialog.getExistingDirectory(
            self, "Export into which folder?", str(Path.home())
        )
        if folder:
            self.export_to(Path(folder))

    def export_to(self, folder: Path) -> None:
        self.banner.show_message("Exporting…")
        self.controller.change(
            lambda ws: ws.research.export(folder),
            self._exported,
            lambda message: self.banner.show_message(message, Tone.ERROR),
        )

    def _exported(self, result: ResearchExport) -> None:
        files = ", ".join(f"{name} ({rows:,} rows)" for name, rows in result.files.items())
        self.banner.show_message(
            f"Exported data of {result.people} people to {result.folder}: {files}.", Tone.GOOD
        )
