"""The guest list: who is invited, their security clearance, and who came."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import date
from typing import TYPE_CHECKING, Any

from lt_desktop.core.services.graduation import GraduationDetails, GuestInfo
from lt_desktop.core.workspace import Workspace
from lt_desktop.domain.errors import ValidationError
from lt_desktop.domain.roles import Permission
from lt_desktop.domain.vocabulary import ClearanceStatus, GuestCategory
from lt_desktop.ui.fitting import VerticalScrollArea, at_least_rows, flow
from lt_desktop.ui.models import Column
from lt_desktop.ui.qt import QCheckBox, QComboBox, QLabel, QLineEdit, QVBoxLayout, QWidget
from lt_desktop.ui.screens.base import offer_only_if
from lt_desktop.ui.screens.graduation.parts import (
    entry_row,
    long_date,
    on_enter,
    student_label,
)
from lt_desktop.ui.screens.graduation.printing import print_document
from lt_desktop.ui.screens.graduation.tick_table import TickTableModel, attended_text
from lt_desktop.ui.widgets import (
    EmptyOr,
    EnumCombo,
    FormDialog,
    button,
    confirm,
    date_field,
    date_of,
    index_of,
    muted,
    record_table,
)

if TYPE_CHECKING:
    from lt_desktop.ui.screens.graduation.screen import GraduationScreen


#: Guests who never come as a student's guest (an offender manager may).
OWN_ACCOUNT = frozenset({GuestCategory.OFFICIAL, GuestCategory.PARTNER})


NO_STUDENT = "(no student)"


class GuestsTab(QWidget):
    """Guests entered from the keyboard: name, relationship, who invited them, Enter;
    then the clearance steps with the date each happened."""

    def __init__(self, screen: GraduationScreen) -> None:
        super().__init__()
        self.owner = screen
        self.name = QLineEdit()
        self.name.setPlaceholderText("Whole name, as on their ID")
        self.relationship = QLineEdit()
        self.relationship.setPlaceholderText("e.g. Mother")
        self.category = EnumCombo(GuestCategory, GuestCategory.FAMILY)
        self.guest_of = QComboBox()
        self.category.currentIndexChanged.connect(self._category_chosen)
        self.add_button = button("Add gue&st", self.add_guest)
        for line in (self.name, self.relationship):
            line.returnPressed.connect(self.add_guest)
        for combo in (self.category, self.guest_of):
            on_enter(combo, self.add_guest)
        entry = entry_row(
            (
                ("Na&me", self.name, "Guest's name"),
                ("Re&lationship", self.relationship, "Relationship"),
                ("Ca&tegory", self.category, "Category"),
                ("Guest &of", self.guest_of, "Guest of"),
            ),
            self.add_button,
        )
        entry.setColumnStretch(0, 3)
        entry.setColumnStretch(1, 2)
        entry.setColumnStretch(3, 3)

        self.guests = TickTableModel[GuestInfo](
            [
                Column("Came", lambda g: attended_text(g.attended)),
                Column("Name", lambda g: g.name),
                Column("Relationship", lambda g: g.relationship),
                Column("Category", lambda g: g.category.label),
                Column("Guest of", lambda g: g.guest_of),
                Column("Clearance", lambda g: g.describe_clearance(), tooltip=_clearance_tip),
                Column("Photos", lambda g: "No photos" if g.no_photos else ""),
            ],
            ticked=lambda g: bool(g.attended),
            can_tick=self._may_tick,
            on_tick=self._tick,
        )
        self.table = record_table(self.guests, "Guests")
        self.table.selectionModel().currentRowChanged.connect(self._guest_chosen)
        self.table.doubleClicked.connect(lambda _: self.edit_guest())
        self.table_or_empty = EmptyOr(self.table, "")

        self.step_on = date_field(date.today())
        self.step_on.setAccessibleName("Date of the clearance step")
        self.submit_button = button("S&ubmitted", self.submit, accessible="Submitted for clearance")
        self.clear_button = button("&Cleared", self.clear)
        self.refuse_button = button("&Refused", self.refuse)
        self.reset_button = button("&Back to not submitted", self.reset)
        self.edit_button = button("&Edit guest…", self.edit_guest)
        self.remove_button = button("Remo&ve guest", self.remove_guest)
        self.print_button = button("&Print guest list…", self.print_list)
        offer_only_if(screen.may(Permission.PRINT_DOCUMENTS), self.print_button)
        on_label = QLabel("Clearance step on &date")
        on_label.setBuddy(self.step_on)
        steps = flow(
            (
                on_label,
                self.step_on,
                self.submit_button,
                self.clear_button,
                self.refuse_button,
                self.reset_button,
            )
        )
        actions = flow((self.edit_button, self.remove_button, self.print_button))

        page = QWidget()
        layout = QVBoxLayout(page)
        layout.addLayout(entry)
        layout.addWidget(self.table_or_empty, 1)
        layout.addLayout(steps)
        layout.addLayout(actions)
        layout.addWidget(
            muted(
                "Type a guest and press Enter; the next one can follow at once. Choose a guest, "
                "then record each clearance step with the day it happened. Tick who came on the "
                "day (Space)."
            )
        )
        # On a small laptop the page scrolls rather than squeeze the guests to a row or two.
        at_least_rows(self.table, 4)
        whole = QVBoxLayout(self)
        whole.setContentsMargins(0, 0, 0, 0)
        whole.addWidget(VerticalScrollArea(page, "Guests and clearance"))
        self._chosen: uuid.UUID | None = None
        self._students: list[tuple[str, uuid.UUID]] = []
        self._guest_chosen(None, None)

    def show_details(self, details: GraduationDetails) -> None:
        students = [(student_label(g), g.membership_id) for g in details.graduates]
        if students != self._students:
            self._students = students
            current = self.guest_of.currentData()
            self.guest_of.clear()
            self.guest_of.addItem(NO_STUDENT, None)
            for name, membership_id in students:
                self.guest_of.addItem(name, membership_id)
            self.guest_of.setCurrentIndex(max(0, index_of(self.guest_of, current)))
        chosen = self._chosen
        self.guests.set_rows(details.guests)
        self.table_or_empty.set_empty(
            not details.guests,
            "No guests yet. Type each student's guests above, and the officials and partners "
            "coming; the prison needs every visitor's name in advance.",
        )
        row = next((i for i, g in enumerate(details.guests) if g.id == chosen), -1)
        if row >= 0:
            self.table.selectRow(row)
        else:
            self._guest_chosen(None, None)

    def current(self) -> GuestInfo | None:
        return self.guests.row_at(self.table.currentIndex())

    def _category_chosen(self) -> None:
        if self.category.value() in OWN_ACCOUNT:
            self.guest_of.setCurrentIndex(0)

    def _guest_chosen(self, current: Any, _previous: Any) -> None:
        guest = self.guests.row_at(current) if current is not None else None
        self._chosen = guest.id if guest else None
        status = guest.clearance if guest else None
        self.submit_button.setEnabled(
            status in (ClearanceStatus.NOT_SUBMITTED, ClearanceStatus.REFUSED)
        )
        self.clear_button.setEnabled(status in (ClearanceStatus.SUBMITTED, ClearanceStatus.REFUSED))
        self.refuse_button.setEnabled(
            status in (ClearanceStatus.SUBMITTED, ClearanceStatus.CLEARED)
        )
        self.reset_button.setEnabled(
            status is not None and status is not ClearanceStatus.NOT_SUBMITTED
        )
        self.edit_button.setEnabled(guest is not None)
        self.remove_button.setEnabled(guest is not None)

    def _may_tick(self, guest: GuestInfo) -> bool:
        event = self.owner.current_event
        return (
            event is not None
            and event.held_on <= date.today()
            and guest.clearance is ClearanceStatus.CLEARED
        )

    def _tick(self, guest: GuestInfo, attended: bool) -> None:
        event = self.owner.current_event
        if event is None:
            return
        event_id, guest_id = event.id, guest.id
        self._chosen = guest_id
        self.owner.change(
            lambda ws: ws.graduation.record_attendance(event_id, guests={guest_id: attended}),
            f"{guest.name} {'attended' if attended else 'did not attend'}.",
        )

    # -- adding and editing ---------------------------------------------------------------

    def add_guest(self) -> None:
        event = self.owner.current_event
        if event is None:
            return
        event_id = event.id
        values = {
            "name": self.name.text(),
            "relationship": self.relationship.text(),
            "category": self.category.value(),
            "invited_by_id": self.guest_of.currentData(),
        }

        def added(guest: GuestInfo) -> None:
            self._chosen = guest.id
            self.name.clear()
            self.relationship.clear()
            self.name.setFocus()

        self.owner.change(
            lambda ws: ws.graduation.add_guest(event_id, **values),
            lambda g: (
                f"{g.name} is on the guest list"
                + (f" as {g.guest_of}'s guest." if g.guest_of else ".")
            ),
            then=added,
        )

    def edit_guest(self) -> None:
        guest = self.current()
        if guest is None:
            return
        dialog = GuestDialog(self, guest, self._students)
        if not dialog.exec():
            return
        values, guest_id = dialog.values(), guest.id
        self.owner.change(
            lambda ws: ws.graduation.update_guest(guest_id, **values),
            "The guest's details are saved.",
        )

    def remove_guest(self) -> None:
        guest = self.current()
        if guest is None:
            return
        if not confirm(
            self, f"Take {guest.name} off the guest list?", "Remove guest", "Remove a guest"
        ):
            return
        guest_id = guest.id
        self.owner.change(
            lambda ws: ws.graduation.remove_guest(guest_id),
            f"{guest.name} is off the guest list.",
        )

    # -- clearance ------------------------------------------------------------------------

    def _step(self, verb: str, work: Callable[[Workspace, uuid.UUID, date], GuestInfo]) -> None:
        guest = self.current()
        if guest is None:
            return
        try:
            guest_id, on = guest.id, date_of(self.step_on)
        except ValidationError as error:
            self.owner.show_error(str(error))
            return
        self._chosen = guest_id
        self.owner.change(
            lambda ws: work(ws, guest_id, on),
            lambda g: f"{g.name}: {verb} {on:%d %b %Y}.",
            then=lambda _: self.table.setFocus(),
        )

    def submit(self) -> None:
        self._step("submitted for clearance", lambda ws, g, on: ws.graduation.submit(g, on=on))

    def clear(self) -> None:
        self._step("cleared by the prison", lambda ws, g, on: ws.graduation.clear(g, on=on))

    def refuse(self) -> None:
        self._step("refused by the prison", lambda ws, g, on: ws.graduation.refuse(g, on=on))

    def reset(self) -> None:
        guest = self.current()
        if guest is None:
            return
        guest_id = guest.id
        self.owner.change(
            lambda ws: ws.graduation.reset_clearance(guest_id),
            lambda g: f"{g.name} is back to not submitted.",
        )

    def print_list(self) -> None:
        event = self.owner.current_event
        if event is not None:
            print_document(self.owner, event, "guest list")


def _clearance_tip(guest: GuestInfo) -> str:
    parts = []
    if guest.submitted_on:
        parts.append(f"Submitted {long_date(guest.submitted_on)}")
    if guest.decided_on:
        parts.append(f"{guest.clearance.label} {long_date(guest.decided_on)}")
    return "; ".join(parts)


class GuestDialog(FormDialog):
    def __init__(
        self, parent: QWidget, guest: GuestInfo, students: list[tuple[str, uuid.UUID]]
    ) -> None:
        super().__init__("Edit guest", "Save", parent)
        self.name = self.add_row("&Name", QLineEdit(guest.name))
        self.relationship = self.add_row("&Relationship", QLineEdit(guest.relationship))
        self.category = self.add_row("&Category", EnumCombo(GuestCategory, guest.category))
        self.guest_of = QComboBox()
        self.guest_of.addItem(NO_STUDENT, None)
        for name, membership_id in students:
            self.guest_of.addItem(name, membership_id)
        self.guest_of.setCurrentIndex(max(0, index_of(self.guest_of, guest.invited_by_id)))
        self.add_row("Guest &of", self.guest_of)
        self.notes = self.add_row("N&otes", QLineEdit(guest.notes))
        self.no_photos = QCheckBox("Asked not to be &photographed")
        self.no_photos.setChecked(guest.no_photos)
        self.form.addRow("", self.no_photos)

    def validate(self) -> None:
        if not self.name.text().strip():
            raise ValidationError("Give the guest's name.")

    def values(self) -> dict[str, Any]:
        return {
            "name": self.name.text(),
            "relationship": self.relationship.text(),
            "category": self.category.value(),
            "invited_by_id": self.guest_of.currentData(),
            "notes": self.notes.text(),
            "no_photos": self.no_photos.isChecked(),
        }
