"""The People screen: the list of everyone on the left, the chosen person on the right."""

from __future__ import annotations

import uuid
from typing import Any

from lt_desktop.core.services.movement import TransferInfo
from lt_desktop.core.services.people import PersonInfo, PersonListing
from lt_desktop.domain.changes import Change
from lt_desktop.domain.roles import Permission
from lt_desktop.domain.vocabulary import SiteKind
from lt_desktop.ui.controller import AppController
from lt_desktop.ui.qt import (
    QAbstractItemView,
    QGroupBox,
    QLineEdit,
    QListView,
    QListWidget,
    QListWidgetItem,
    QModelIndex,
    QSplitter,
    Qt,
    QVBoxLayout,
    QWidget,
)
from lt_desktop.ui.screens.base import Screen, offer_only_if
from lt_desktop.ui.screens.people.forms import PersonDialog, check_for_likely_duplicates
from lt_desktop.ui.screens.people.moves import TakeOnDialog
from lt_desktop.ui.screens.people.panel import PersonPanel
from lt_desktop.ui.views.people_list import ID_ROLE, PeopleListModel
from lt_desktop.ui.widgets import EmptyOr, button, heading, muted


class PeopleScreen(Screen):
    title = "People"
    needs = frozenset({Permission.VIEW_PEOPLE})
    listens_to = frozenset(
        {
            Change.PEOPLE,
            Change.MEMBERS,
            Change.SESSIONS,
            Change.REGISTER,
            Change.CONSENT,
            Change.MENTORING,
        }
    )

    def __init__(self, controller: AppController, parent: QWidget | None = None) -> None:
        super().__init__(controller, parent)
        self.search = QLineEdit()
        self.search.setPlaceholderText("Search: type part of a name")
        self.search.setAccessibleName("Search people")
        self.search.setClearButtonEnabled(True)
        self.model = PeopleListModel(self)
        self.list = QListView()
        self.list.setModel(self.model)
        self.list.setAccessibleName("People")
        self.list.setUniformItemSizes(True)
        self.list.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.count = muted()
        self.list_or_empty = EmptyOr(self.list, "No people yet.")
        self.search.textChanged.connect(self._filter)
        self.search.returnPressed.connect(self._open_first)
        self.list.selectionModel().currentChanged.connect(self._person_chosen)
        self.add_button = button("A&dd person…", self._add)
        offer_only_if(self.may(Permission.EDIT_PEOPLE), self.add_button)
        self.arrivals_box = QGroupBox("Arriving by transfer")
        self.arrivals = QListWidget()
        self.arrivals.setAccessibleName("Learners arriving by transfer")
        self.arrivals.setMaximumHeight(110)
        self.take_on_button = button("Ta&ke on…", self._take_on)
        arrivals_layout = QVBoxLayout(self.arrivals_box)
        arrivals_layout.addWidget(self.arrivals)
        arrivals_layout.addWidget(self.take_on_button, 0, Qt.AlignmentFlag.AlignLeft)
        self.arrivals_box.hide()

        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.addWidget(heading("People"))
        left_layout.addWidget(self.search)
        left_layout.addWidget(self.list_or_empty, 1)
        left_layout.addWidget(self.count)
        left_layout.addWidget(self.add_button)
        left_layout.addWidget(self.arrivals_box)
        self.page = PersonPanel(self)
        splitter = QSplitter()
        splitter.addWidget(left)
        splitter.addWidget(self.page)
        splitter.setStretchFactor(1, 2)
        splitter.setSizes([320, 700])
        layout = QVBoxLayout(self)
        layout.addWidget(splitter)
        self._current: uuid.UUID | None = None

    def reload(self) -> None:
        self.controller.load(lambda ws: ws.people.list_people(), self._show_people)
        if self.may_move_people:
            self.controller.load(
                lambda ws: ws.people.transfers(arriving_only=True), self._show_arrivals
            )
        if self._current is not None:
            self.page.load(self._current)

    def _show_people(self, people: list[PersonListing]) -> None:
        self.model.set_people(people)
        self.list_or_empty.set_empty(
            not people,
            "No people yet. Add the first with Add person."
            if self.may(Permission.EDIT_PEOPLE)
            else "There is nobody in your cohorts yet.",
        )
        self._update_count()
        if self._current is not None:
            row = self.model.row_of(self._current)
            if row >= 0:
                self.list.setCurrentIndex(self.model.index(row))

    @property
    def may_move_people(self) -> bool:
        """Transfers, releases and taking on are recorded by staff at a prison."""
        return self.controller.site_kind is SiteKind.PRISON and self.may(
            Permission.MANAGE_MEMBERSHIPS
        )

    def _show_arrivals(self, arriving: list[TransferInfo]) -> None:
        self.arrivals.clear()
        for transfer in arriving:
            item = QListWidgetItem(
                f"{transfer.person_name}, transferred {transfer.transferred_on:%d %b %Y}"
            )
            item.setData(ID_ROLE, transfer)
            self.arrivals.addItem(item)
        if arriving:
            self.arrivals.setCurrentRow(0)
        self.arrivals_box.setVisible(bool(arriving))

    def _take_on(self) -> None:
        item = self.arrivals.currentItem()
        if item is None:
            return
        transfer: TransferInfo = item.data(ID_ROLE)

        def ask(cohorts: list[Any]) -> None:
            dialog = TakeOnDialog(self, transfer, cohorts)
            if not dialog.exec():
                return
            cohort_id, on = dialog.values()
            self._current = transfer.person_id
            self.controller.change(
                lambda ws: ws.people.take_on(transfer.person_id, cohort_id, on=on),
            )

        self.controller.load(lambda ws: ws.programme.list_cohorts(), ask)

    def _filter(self, text: str) -> None:
        self.model.set_filter(text)
        self._update_count()

    def _update_count(self) -> None:
        shown, total = self.model.rowCount(), self.model.total
        self.count.setText(
            f"{total:,} people" if shown == total else f"{shown:,} of {total:,} people match"
        )

    def _open_first(self) -> None:
        if self.model.rowCount():
            self.list.setCurrentIndex(self.model.index(0))
            self.list.setFocus()

    def _person_chosen(self, current: QModelIndex, _previous: QModelIndex) -> None:
        person_id = current.data(ID_ROLE) if current.isValid() else None
        self._current = person_id
        if person_id is not None:
            self.page.load(person_id)

    def show_person(self, person_id: uuid.UUID) -> None:
        self._current = person_id
        self.search.clear()
        row = self.model.row_of(person_id)
        if row >= 0:
            self.list.setCurrentIndex(self.model.index(row))
        self.page.load(person_id)

    def forget_person(self) -> None:
        """The person shown is gone (erased): show no one."""
        self._current = None
        self.list.clearSelection()

    def _add(self) -> None:
        self._add_person(None)

    def _add_person(self, typed: dict[str, Any] | None) -> None:
        may_set_prison_details = self.controller.site_kind is SiteKind.PRISON and self.may(
            Permission.EDIT_PRISON_DETAILS
        )
        dialog = PersonDialog(self, None, may_set_prison_details=may_set_prison_details)
        if typed is not None:
            dialog.fill(typed)
        if not dialog.exec():
            return
        values = dialog.values()
        check_for_likely_duplicates(
            self,
            self.controller,
            values,
            None,
            lambda: self.controller.change(lambda ws: ws.people.add_person(**values), self._added),
            lambda: self._add_person(values),
        )

    def _added(self, person: PersonInfo) -> None:
        self._current = person.id
