"""The students graduating: who came, and their certificates."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from lt_desktop.core.services.graduation import GraduateLine, GraduationDetails, IssuedCertificates
from lt_desktop.core.workspace import Workspace
from lt_desktop.domain.roles import Permission
from lt_desktop.ui.models import Column
from lt_desktop.ui.qt import QCheckBox, QHBoxLayout, QVBoxLayout, QWidget
from lt_desktop.ui.screens.base import offer_only_if
from lt_desktop.ui.screens.graduation.parts import long_date
from lt_desktop.ui.screens.graduation.tick_table import TickTableModel, attended_text
from lt_desktop.ui.widgets import (
    EmptyOr,
    FormDialog,
    PaperCombo,
    SavePathField,
    button,
    muted,
    record_table,
)

if TYPE_CHECKING:
    from lt_desktop.ui.screens.graduation.screen import GraduationScreen


class StudentsTab(QWidget):
    def __init__(self, screen: GraduationScreen) -> None:
        super().__init__()
        self.owner = screen
        self.graduates = TickTableModel[GraduateLine](
            [
                Column("Came", lambda g: attended_text(g.attended)),
                Column("Name", lambda g: g.name),
                Column("Cohort", lambda g: g.cohort_title),
                Column("Status", lambda g: g.status.label),
                Column("Certificate", lambda g: g.certificate_serial),
                Column("Photos", lambda g: "No photos" if g.no_photos else ""),
            ],
            ticked=lambda g: bool(g.attended),
            can_tick=lambda g: self._on_or_after_the_day(),
            on_tick=self._tick,
        )
        self.table = record_table(self.graduates, "Students graduating")
        self.table_or_empty = EmptyOr(self.table, "")
        self.summary = muted()
        self.issue_button = button("&Issue certificates…", self.issue)
        row = QHBoxLayout()
        row.addWidget(self.issue_button)
        row.addWidget(self.summary, 1)
        layout = QVBoxLayout(self)
        layout.addWidget(self.table_or_empty, 1)
        layout.addLayout(row)
        layout.addWidget(
            muted(
                "Tick who came on the day (Space); it is kept in the cohort's register. Each "
                "student who completed the course gets a certificate with a serial number of "
                "its own, recorded as presented at this graduation; issuing again keeps them. "
                "No photos: they have not consented to being photographed."
            )
        )

    def _on_or_after_the_day(self) -> bool:
        event = self.owner.current_event
        return event is not None and event.held_on <= date.today()

    def show_details(self, details: GraduationDetails) -> None:
        current = self.graduates.row_at(self.table.currentIndex())
        self.graduates.set_rows(details.graduates)
        self.table.setColumnHidden(2, len(details.event.cohorts) < 2)
        self.table_or_empty.set_empty(
            not details.graduates,
            "No students graduate at this event yet: add their cohort under Event details.",
        )
        if current is not None:
            row = next(
                (
                    i
                    for i, g in enumerate(details.graduates)
                    if g.membership_id == current.membership_id
                ),
                -1,
            )
            if row >= 0:
                self.table.selectRow(row)
        completed = sum(1 for g in details.graduates if g.completed)
        issued = sum(1 for g in details.graduates if g.certificate_serial)
        came = sum(1 for g in details.graduates if g.attended)
        self.summary.setText(
            f"Completed the course: {completed} of {len(details.graduates)} · "
            f"certificates issued: {issued} · came on the day: {came}"
        )

    def _tick(self, graduate: GraduateLine, attended: bool) -> None:
        event = self.owner.current_event
        if event is None:
            return
        event_id, membership_id = event.id, graduate.membership_id
        self.owner.change(
            lambda ws: ws.graduation.record_attendance(
                event_id, students={membership_id: attended}
            ),
            f"{graduate.name} {'attended' if attended else 'did not attend'}.",
        )

    def issue(self) -> None:
        details = self.owner.details
        if details is None:
            return
        dialog = IssueDialog(self, details, may_print=self.owner.may(Permission.PRINT_DOCUMENTS))
        if not dialog.exec():
            return
        event_id = details.event.id
        target, paper = dialog.pdf()
        only_present = dialog.only_present.isChecked()

        def work(ws: Workspace) -> IssuedCertificates:
            issued = ws.graduation.issue_certificates(event_id, only_present=only_present)
            if target is not None:
                from lt_desktop.documents.certificates import write_certificates

                write_certificates(target, issued.certificates, paper=paper)
            return issued

        def said(issued: IssuedCertificates) -> str:
            text = issued.describe()
            if issued.skipped_cohorts:
                text += f" None yet for {', '.join(issued.skipped_cohorts)}."
            if target is not None:
                text += f" Saved to {target}."
            return text

        self.owner.change(work, said)


class IssueDialog(FormDialog):
    def __init__(self, parent: QWidget, details: GraduationDetails, *, may_print: bool) -> None:
        super().__init__("Issue certificates", "Issue", parent)
        completed = [g for g in details.graduates if g.completed]
        new = sum(1 for g in completed if not g.certificate_serial)
        event = details.event
        self.form.addRow(
            muted(
                f"{len(completed)} students graduating at {event.title} completed the course: "
                f"{new} get a new certificate, awarded on {long_date(event.held_on)}; "
                f"{len(completed) - new} already have one and keep its serial number. Each is "
                "recorded as presented at this graduation."
            )
        )
        came = sum(1 for g in completed if g.attended)
        self.only_present = QCheckBox(
            f"Only for those &ticked as having come ({came} of {len(completed)})"
        )
        self.only_present.setToolTip(
            "Those who could not come get theirs later: issue again without this."
        )
        self.form.addRow(self.only_present)
        self.save_pdf = QCheckBox("Also save the certificates as a PDF to print")
        self.save_pdf.setChecked(may_print)
        offer_only_if(may_print, self.save_pdf)
        self.form.addRow(self.save_pdf)
        self.paper = self.add_row("&Paper", PaperCombo())
        self.target = SavePathField(
            f"Certificates {event.title}.pdf", "Save the certificates", "PDF documents (*.pdf)"
        )
        self.add_row("&Save as", self.target)
        for widget in (self.paper, self.target):
            widget.setVisible(may_print)
            self.form.labelForField(widget).setVisible(may_print)
            self.save_pdf.toggled.connect(widget.setEnabled)

    def validate(self) -> None:
        if self.save_pdf.isChecked():
            self.target.path()

    def pdf(self) -> tuple[Path | None, Any]:
        if not self.save_pdf.isChecked():
            return None, None
        return self.target.path(), self.paper.value()
