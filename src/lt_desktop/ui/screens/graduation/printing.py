"""Printing a ceremony's guest list or programme."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from lt_desktop.core.services.graduation import EventSummary
from lt_desktop.core.workspace import Workspace
from lt_desktop.ui.qt import QWidget
from lt_desktop.ui.widgets import FormDialog, PaperCombo, SavePathField, Tone, muted

if TYPE_CHECKING:
    from lt_desktop.ui.screens.graduation.screen import GraduationScreen


class PrintDialog(FormDialog):
    def __init__(self, parent: QWidget, event: EventSummary, what: str) -> None:
        super().__init__(f"Print the {what}", "Save PDF", parent)
        words = {
            "guest list": "Every visitor for the prison gate: cleared first, by family name, with "
            "the student who invited them and a box to tick on arrival.",
            "programme": "The booklet for every guest: the programme in order, then the "
            "graduates by name.",
        }
        self.form.addRow(muted(words[what]))
        self.paper = self.add_row("&Paper", PaperCombo())
        self.target = SavePathField(
            f"{what.capitalize()} {event.title}.pdf",
            f"Save the {what}",
            "PDF documents (*.pdf)",
        )
        self.add_row("&Save as", self.target)

    def validate(self) -> None:
        self.target.path()

    def values(self) -> tuple[Path, Any]:
        return self.target.path(), self.paper.value()


def print_document(screen: GraduationScreen, event: EventSummary, what: str) -> None:
    """The guest list or the programme, from the documents the Documents layer makes."""
    dialog = PrintDialog(screen, event, what)
    if not dialog.exec():
        return
    target, paper = dialog.values()
    event_id = event.id

    def write(ws: Workspace) -> Path:
        from lt_desktop.documents.graduation import write_guest_list, write_programme

        if what == "guest list":
            write_guest_list(target, ws.documents.guest_list(event_id), paper=paper)
        else:
            write_programme(target, ws.documents.graduation_programme(event_id), paper=paper)
        return target

    screen.controller.load(
        write,
        lambda path: screen.banner.show_message(f"The {what} is saved to {path}.", Tone.GOOD),
        screen.show_error,
    )
