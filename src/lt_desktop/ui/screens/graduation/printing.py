"""Printing a ceremony's guest list or programme."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from lt_desktop.core.services.graduation import EventSummary
from lt_desktop.core.workspace import Workspace
from lt_desktop.ui.qt import QComboBox, QWidget
from lt_desktop.ui.widgets import FormDialog, PaperCombo, SavePathField, Tone, muted

if TYPE_CHECKING:
    from lt_desktop.ui.screens.graduation.screen import GraduationScreen


class PrintDialog(FormDialog):
    def __init__(self, parent: QWidget, event: EventSummary, what: str) -> None:
        super().__init__(f"Print the {what}", "Save PDF", parent)
        words = {
            "guest list": "Every visitor for the prison gate: cleared first, by family name, with "
            "the student who invited them and a box to tick on arrival. NO PHOTOS marks anyone "
            "not to be photographed.",
            "programme": "The programme in order, then the graduates. The copy for guests "
            "names them only; the copy for staff marks NO PHOTOS beside each graduate who has "
            "not consented to being photographed.",
        }
        self.form.addRow(muted(words[what]))
        self.copy = QComboBox()
        self.copy.addItem("Guests (names only)", False)
        self.copy.addItem("Staff (marks who may not be photographed)", True)
        self.add_row("&For", self.copy)
        self.form.setRowVisible(self.copy, what == "programme")
        self.paper = self.add_row("&Paper", PaperCombo())
        self.target = SavePathField(
            f"{what.capitalize()} {event.title}.pdf",
            f"Save the {what}",
            "PDF documents (*.pdf)",
        )
        self.add_row("&Save as", self.target)
        self.copy.currentIndexChanged.connect(
            lambda _: self.target.suggest(
                f"Programme{' for staff' if self.for_staff else ''} {event.title}.pdf"
            )
        )

    @property
    def for_staff(self) -> bool:
        return bool(self.copy.currentData())

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
    event_id, for_staff = event.id, dialog.for_staff
    named = what
    if what == "programme":
        named = "staff's programme" if for_staff else "guests' programme"

    def write(ws: Workspace) -> Path:
        from lt_desktop.documents.graduation import write_guest_list, write_programme

        if what == "guest list":
            write_guest_list(target, ws.documents.guest_list(event_id), paper=paper)
        else:
            programme = ws.documents.graduation_programme(event_id, for_staff=for_staff)
            write_programme(target, programme, paper=paper)
        return target

    screen.controller.load(
        write,
        lambda path: screen.banner.show_message(f"The {named} is saved to {path}.", Tone.GOOD),
        screen.show_error,
    )
