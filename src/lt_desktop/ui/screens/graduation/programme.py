"""The running order of the ceremony: speeches, music, presentations."""

from __future__ import annotations

import uuid
from typing import TYPE_CHECKING

from lt_desktop.core.services.graduation import PROGRAMME_KINDS, ProgrammeItemInfo
from lt_desktop.domain.roles import Permission
from lt_desktop.ui.fitting import flow
from lt_desktop.ui.models import Column, RecordTableModel
from lt_desktop.ui.qt import QComboBox, QLineEdit, QVBoxLayout, QWidget
from lt_desktop.ui.screens.base import offer_only_if
from lt_desktop.ui.screens.graduation.parts import entry_row
from lt_desktop.ui.screens.graduation.printing import print_document
from lt_desktop.ui.widgets import EmptyOr, FormDialog, button, muted, record_table

if TYPE_CHECKING:
    from lt_desktop.ui.screens.graduation.screen import GraduationScreen


class ProgrammeTab(QWidget):
    def __init__(self, screen: GraduationScreen) -> None:
        super().__init__()
        self.owner = screen
        self.starts_at = QLineEdit()
        self.starts_at.setPlaceholderText("14:00")
        self.starts_at.setMaximumWidth(80)
        self.item_title = QLineEdit()
        self.item_title.setPlaceholderText("e.g. Welcome")
        self.kind = _kind_combo()
        self.who = QLineEdit()
        self.who.setPlaceholderText("Who gives it")
        self.add_button = button("Add i&tem", self.add_item)
        for line in (self.starts_at, self.item_title, self.who):
            line.returnPressed.connect(self.add_item)
        kind_editor = self.kind.lineEdit()
        if kind_editor is not None:
            kind_editor.returnPressed.connect(self.add_item)
        entry = entry_row(
            (
                ("T&ime", self.starts_at, "Time"),
                ("Ite&m", self.item_title, "Item"),
                ("&Kind", self.kind, "Kind"),
                ("&Who", self.who, "Who"),
            ),
            self.add_button,
        )
        entry.setColumnStretch(1, 3)
        entry.setColumnStretch(3, 2)

        self.items = RecordTableModel[ProgrammeItemInfo](
            [
                Column("Time", lambda i: i.starts_at),
                Column("Item", lambda i: i.title),
                Column("Kind", lambda i: i.kind.capitalize()),
                Column("Who", lambda i: i.who),
            ]
        )
        self.table = record_table(self.items, "Programme")
        self.table.doubleClicked.connect(lambda _: self.edit_item())
        self.table.selectionModel().currentRowChanged.connect(lambda *_: self._enable())
        self.table_or_empty = EmptyOr(self.table, "")
        self.edit_button = button("&Edit item…", self.edit_item)
        self.up_button = button("Move &up", lambda: self.move_item(-1))
        self.down_button = button("Move &down", lambda: self.move_item(1))
        self.remove_button = button("&Remove item", self.remove_item)
        self.print_button = button("&Print programme…", self.print_programme)
        offer_only_if(screen.may(Permission.PRINT_DOCUMENTS), self.print_button)
        actions = flow(
            (
                self.edit_button,
                self.up_button,
                self.down_button,
                self.remove_button,
                self.print_button,
            )
        )
        layout = QVBoxLayout(self)
        layout.addLayout(entry)
        layout.addWidget(self.table_or_empty, 1)
        layout.addLayout(actions)
        layout.addWidget(
            muted("The programme booklet lists these in order, then the graduates by name.")
        )
        self._chosen: uuid.UUID | None = None
        self._enable()

    def show_programme(self, items: list[ProgrammeItemInfo]) -> None:
        chosen = self._chosen
        self.items.set_rows(items)
        self.table_or_empty.set_empty(
            not items, "No programme yet: add the welcome, speeches, music and refreshments."
        )
        row = next((i for i, item in enumerate(items) if item.id == chosen), -1)
        if row >= 0:
            self.table.selectRow(row)
        self._enable()

    def current(self) -> ProgrammeItemInfo | None:
        return self.items.row_at(self.table.currentIndex())

    def _enable(self) -> None:
        item = self.current()
        self._chosen = item.id if item else self._chosen
        count = len(self.items.rows)
        for widget in (self.edit_button, self.remove_button):
            widget.setEnabled(item is not None)
        self.up_button.setEnabled(item is not None and item.position > 0)
        self.down_button.setEnabled(item is not None and item.position < count - 1)

    def add_item(self) -> None:
        event = self.owner.current_event
        if event is None:
            return
        event_id = event.id
        values = {
            "starts_at": self.starts_at.text(),
            "title": self.item_title.text(),
            "kind": self.kind.currentText(),
            "who": self.who.text(),
        }

        def added(items: list[ProgrammeItemInfo]) -> None:
            self._chosen = items[-1].id if items else None
            for field in (self.starts_at, self.item_title, self.who):
                field.clear()
            self.starts_at.setFocus()

        self.owner.change(
            lambda ws: ws.graduation.add_item(event_id, **values),
            "The item is added to the programme.",
            then=added,
        )

    def edit_item(self) -> None:
        item = self.current()
        if item is None:
            return
        dialog = ItemDialog(self, item)
        if not dialog.exec():
            return
        values, item_id = dialog.values(), item.id
        self.owner.change(
            lambda ws: ws.graduation.update_item(item_id, **values),
            "The programme item is saved.",
        )

    def move_item(self, by: int) -> None:
        item = self.current()
        if item is None:
            return
        item_id = item.id
        self._chosen = item_id
        self.owner.change(
            lambda ws: ws.graduation.move_item(item_id, by),
            f"{item.title} moved {'up' if by < 0 else 'down'}.",
            then=lambda _: self.table.setFocus(),
        )

    def remove_item(self) -> None:
        item = self.current()
        if item is None:
            return
        item_id = item.id
        self._chosen = None
        self.owner.change(
            lambda ws: ws.graduation.remove_item(item_id),
            f"{item.title} is off the programme.",
        )

    def print_programme(self) -> None:
        event = self.owner.current_event
        if event is not None:
            print_document(self.owner, event, "programme")


def _kind_combo(current: str = "") -> QComboBox:
    combo = QComboBox()
    combo.setEditable(True)
    combo.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
    for kind in PROGRAMME_KINDS:
        combo.addItem(kind.capitalize())
    combo.setCurrentText(current.capitalize() if current else PROGRAMME_KINDS[0].capitalize())
    return combo


class ItemDialog(FormDialog):
    def __init__(self, parent: QWidget, item: ProgrammeItemInfo) -> None:
        super().__init__("Edit programme item", "Save", parent)
        self.starts_at = self.add_row("T&ime", QLineEdit(item.starts_at))
        self.item_title = self.add_row("&Item", QLineEdit(item.title))
        self.kind = self.add_row("&Kind", _kind_combo(item.kind))
        self.who = self.add_row("&Who", QLineEdit(item.who))

    def values(self) -> dict[str, str]:
        return {
            "starts_at": self.starts_at.text(),
            "title": self.item_title.text(),
            "kind": self.kind.currentText(),
            "who": self.who.text(),
        }
