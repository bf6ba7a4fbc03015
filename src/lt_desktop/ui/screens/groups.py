"""Small groups: allocate members by drag and drop, by keyboard, or automatically; and
a warning on each group whose facilitator has no training recorded."""

from __future__ import annotations

import uuid
from typing import Any

from lt_desktop.core.services.facilitators import UntrainedFacilitator
from lt_desktop.core.services.groups import GroupInfo, GroupPlan
from lt_desktop.core.services.memberships import MemberInfo
from lt_desktop.core.services.people import person_label, short_reference
from lt_desktop.core.services.programme import CohortInfo
from lt_desktop.domain.changes import Change
from lt_desktop.domain.errors import ValidationError
from lt_desktop.domain.roles import Permission
from lt_desktop.domain.vocabulary import MembershipRole, PersonBase
from lt_desktop.ui.controller import AppController
from lt_desktop.ui.fitting import TileLayout, VerticalScrollArea
from lt_desktop.ui.qt import (
    QAbstractItemView,
    QComboBox,
    QGroupBox,
    QHBoxLayout,
    QKeyEvent,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QMenu,
    QSpinBox,
    Qt,
    QVBoxLayout,
    QWidget,
    Signal,
)
from lt_desktop.ui.screens.base import Screen, offer_only_if
from lt_desktop.ui.views.facilitator_training import record_facilitator_training
from lt_desktop.ui.widgets import (
    Banner,
    FormDialog,
    Tone,
    button,
    confirm,
    heading,
    index_of,
    muted,
)

MEMBER_ROLE = Qt.ItemDataRole.UserRole + 20
NO_COHORTS = "There are no cohorts to arrange yet."


class GroupList(QListWidget):
    """The members of one group (or of no group). Dropping members here, or pressing a
    group's number on a selected member, asks for them to be moved."""

    move_requested = Signal(list, object)  # membership ids, group id (None: no group)

    def __init__(self, group_id: uuid.UUID | None, name: str, editable: bool) -> None:
        super().__init__()
        self.group_id = group_id
        self.setAccessibleName(f"Members of {name}")
        self.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.targets: list[uuid.UUID | None] = []
        self.editable = editable
        if editable:
            self.setDragDropMode(QAbstractItemView.DragDropMode.DragDrop)
            self.setDefaultDropAction(Qt.DropAction.MoveAction)
        self.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.customContextMenuRequested.connect(self._menu)
        self.setMinimumWidth(190)

    def selected_ids(self) -> list[uuid.UUID]:
        return [item.data(MEMBER_ROLE) for item in self.selectedItems()]

    def dropEvent(self, event: Any) -> None:  # noqa: N802 - Qt API
        source = event.source()
        if not self.editable or not isinstance(source, GroupList) or source is self:
            event.ignore()
            return
        ids = source.selected_ids()
        event.setDropAction(Qt.DropAction.IgnoreAction)  # the store decides; we reload
        event.accept()
        if ids:
            self.move_requested.emit(ids, self.group_id)

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802 - Qt API
        text = event.text()
        if self.editable and text.isdigit() and self.selectedItems():
            number = int(text)
            if number == 0:
                self.move_requested.emit(self.selected_ids(), None)
                return
            if number <= len(self.targets):
                self.move_requested.emit(self.selected_ids(), self.targets[number - 1])
                return
        super().keyPressEvent(event)

    def _menu(self, position: Any) -> None:
        if not self.editable or not self.selectedItems():
            return
        menu = QMenu(self)
        for number, target in enumerate(self.targets, start=1):
            if target != self.group_id:
                action = menu.addAction(f"Move to group &{number}")
                action.triggered.connect(
                    lambda _=False, t=target: self.move_requested.emit(self.selected_ids(), t)
                )
        if self.group_id is not None:
            action = menu.addAction("Take out of the group (&0)")
            action.triggered.connect(lambda: self.move_requested.emit(self.selected_ids(), None))
        menu.exec(self.viewport().mapToGlobal(position))


def group_summary(members: list[MemberInfo]) -> str:
    students = [m for m in members if m.role is MembershipRole.STUDENT]
    prison = sum(1 for m in students if m.base is PersonBase.PRISON)
    university = sum(1 for m in students if m.base is PersonBase.UNIVERSITY)
    staff = len(members) - len(students)
    return (
        f"{len(students)} students ({prison} prison-, {university} university-based)"
        f" · {staff} staff"
    )


class GroupsScreen(Screen):
    title = "Groups"
    needs = frozenset({Permission.VIEW_PEOPLE})
    # Training is recorded with the mentors' (``Change.MENTORING``): the warnings follow it.
    listens_to = frozenset({Change.COHORTS, Change.MEMBERS, Change.GROUPS, Change.MENTORING})

    def __init__(self, controller: AppController, parent: QWidget | None = None) -> None:
        super().__init__(controller, parent)
        self.editable = self.may(Permission.MANAGE_GROUPS)
        self.may_record_training = self.may(Permission.MANAGE_MEMBERSHIPS)
        self.cohort = QComboBox()
        self.cohort.setAccessibleName("Cohort")
        self.cohort.currentIndexChanged.connect(self._load_plan)
        self.auto_button = button("A&uto-allocate…", self._auto_allocate)
        self.add_button = button("Add &group", self._add_group)
        self.rename_button = button("R&ename group…", self._rename_group)
        self.remove_button = button("&Remove group…", self._remove_group)
        top = QHBoxLayout()
        top.addWidget(QLabel("&Cohort"))
        top.itemAt(0).widget().setBuddy(self.cohort)  # type: ignore[union-attr]
        top.addWidget(self.cohort, 1)
        for widget in (self.auto_button, self.add_button, self.rename_button, self.remove_button):
            offer_only_if(self.editable, widget)
            top.addWidget(widget)
        self.hint = muted(
            "Drag people between groups, or select someone and press a group's number to move "
            "them (0 takes them out of any group)."
            if self.editable
            else "Small groups are arranged by education staff."
        )
        self.banner = Banner()
        # The groups whose facilitator has no training recorded: said above the groups
        # (and in each such group), with a button to record it for the first of them.
        self.training_warning = Banner()
        self.training_button = button("Record &training…", self._record_training)
        self.training_button.hide()
        self.untrained: list[UntrainedFacilitator] = []
        self.columns = QWidget()
        # Side by side when there is room, else in rows that scroll up and down.
        self.columns_layout = TileLayout(26 * self.fontMetrics().averageCharWidth(), self.columns)
        scroll = VerticalScrollArea(self.columns, "Groups", framed=True)
        layout = QVBoxLayout(self)
        layout.addWidget(heading("Small groups"))
        layout.addLayout(top)
        layout.addWidget(self.hint)
        layout.addWidget(self.banner)
        warning_row = QHBoxLayout()
        warning_row.addWidget(self.training_warning, 1)
        warning_row.addWidget(self.training_button, 0, Qt.AlignmentFlag.AlignTop)
        layout.addLayout(warning_row)
        layout.addWidget(scroll, 1)
        self.lists: list[GroupList] = []
        self.plan: GroupPlan | None = None

    def reload(self) -> None:
        self.controller.load(lambda ws: ws.programme.list_cohorts(), self._show_cohorts)

    def _show_cohorts(self, cohorts: list[CohortInfo]) -> None:
        current = self.cohort.currentData()
        self.cohort.blockSignals(True)
        self.cohort.clear()
        for cohort in cohorts:
            self.cohort.addItem(cohort.title, cohort.id)
        index = index_of(self.cohort, current) if current else 0
        self.cohort.setCurrentIndex(max(index, 0))
        self.cohort.blockSignals(False)
        if not cohorts:
            self._show_plan(GroupPlan([], []))
            self.banner.show_message(NO_COHORTS, Tone.INFO)
            return
        if self.banner.text() == NO_COHORTS:
            self.banner.clear()
        self._load_plan()

    def _load_plan(self) -> None:
        cohort_id = self.cohort.currentData()
        if cohort_id is not None:
            self.controller.load(
                lambda ws: (ws.groups.plan(cohort_id), ws.facilitators.untrained(cohort_id)),
                lambda loaded: self._show_plan(*loaded),
            )

    def _show_plan(
        self, plan: GroupPlan, untrained: list[UntrainedFacilitator] | None = None
    ) -> None:
        self.plan = plan
        self._show_untrained(untrained or [])
        while self.columns_layout.count():
            old = self.columns_layout.takeAt(0)
            widget = old.widget() if old is not None else None
            if widget is not None:
                widget.deleteLater()
        self.lists = []
        targets: list[uuid.UUID | None] = [g.id for g in plan.groups]
        columns: list[tuple[str, uuid.UUID | None, list[MemberInfo]]] = [
            ("Not in a group", None, plan.unallocated)
        ] + [(f"{n}. {g.name}", g.id, g.members) for n, g in enumerate(plan.groups, start=1)]
        for title, group_id, members in columns:
            box = QGroupBox(title)
            box.setAccessibleName(title)
            inner = QVBoxLayout(box)
            summary = [group_summary(members)] + [
                f"⚠ {u.describe()}" for u in self.untrained if u.group_id == group_id
            ]
            inner.addWidget(muted("\n".join(summary)))
            group_list = GroupList(group_id, title, self.editable)
            group_list.targets = targets
            for member in members:
                item = QListWidgetItem(
                    person_label(
                        member.display_name,
                        [member.role.label],
                        short_reference(member.person_id),
                    )
                )
                item.setData(MEMBER_ROLE, member.id)
                group_list.addItem(item)
            group_list.move_requested.connect(self._move)
            inner.addWidget(group_list)
            self.columns_layout.addWidget(box)
            self.lists.append(group_list)
        for widget in (self.rename_button, self.remove_button):
            widget.setEnabled(bool(plan.groups))

    def _show_untrained(self, untrained: list[UntrainedFacilitator]) -> None:
        self.untrained = untrained
        if not untrained:
            self.training_warning.clear()
            self.training_button.hide()
            return
        groups = "; ".join(f"{u.display_name} ({u.group_name})" for u in untrained)
        self.training_warning.show_message(
            f"No facilitator training recorded for {groups}. Record the training they "
            "came to, at either site, before they facilitate.",
            Tone.WARNING,
        )
        first = untrained[0]
        self.training_button.setText(f"Record &training for {first.display_name}…")
        self.training_button.setAccessibleName(f"Record training for {first.display_name}")
        if self.may_record_training:
            self.training_button.show()

    def _record_training(self) -> None:
        if not self.untrained:
            return
        first = self.untrained[0]
        record_facilitator_training(
            self,
            self.controller,
            first.person_id,
            first.display_name,
            lambda _: self.banner.show_message(
                f"Training recorded for {first.display_name}.", Tone.GOOD
            ),
            lambda message: self.banner.show_message(message, Tone.ERROR),
        )

    def _move(self, membership_ids: list[uuid.UUID], group_id: uuid.UUID | None) -> None:
        def work(ws: Any) -> None:
            for membership_id in membership_ids:
                ws.groups.assign(membership_id, group_id)

        self.controller.change(
            work, on_error=lambda message: self.banner.show_message(message, Tone.ERROR)
        )

    def _auto_allocate(self) -> None:
        cohort_id = self.cohort.currentData()
        if cohort_id is None or self.plan is None:
            return
        dialog = AllocateDialog(self, len(self.plan.groups))
        if not dialog.exec():
            return
        count = dialog.count.value()
        self.controller.change(
            lambda ws: ws.groups.auto_allocate(cohort_id, group_count=count),
            lambda plan: self.banner.show_message(
                f"Everyone is in one of {len(plan.groups)} groups, balanced as evenly as the "
                "numbers allow. Move anyone you like.",
                Tone.GOOD,
            ),
        )

    def _add_group(self) -> None:
        cohort_id = self.cohort.currentData()
        if cohort_id is not None:
            self.controller.change(lambda ws: ws.groups.add_group(cohort_id))

    def _rename_group(self) -> None:
        if self.plan is None or not self.plan.groups:
            return
        dialog = GroupChoiceDialog(self, self.plan.groups, "Rename group", ask_name=True)
        if dialog.exec():
            group, name = dialog.values()
            self.controller.change(lambda ws: ws.groups.rename_group(group.id, name))

    def _remove_group(self) -> None:
        if self.plan is None or not self.plan.groups:
            return
        dialog = GroupChoiceDialog(self, self.plan.groups, "Remove group")
        if not dialog.exec():
            return
        group, _ = dialog.values()
        if group.members and not confirm(
            self,
            f"Remove {group.name}? Its {len(group.members)} members will be in no group.",
            "Remove group",
        ):
            return
        self.controller.change(lambda ws: ws.groups.remove_group(group.id))


class AllocateDialog(FormDialog):
    def __init__(self, parent: QWidget, current_groups: int) -> None:
        super().__init__("Allocate groups automatically", "Allocate", parent)
        self.form.addRow(
            muted(
                "Everyone active in the cohort is placed in a group: prison- and university-based "
                "students mixed as evenly as the numbers allow, one facilitator and one mentor per "
                "group where there are enough. This replaces the current groups' membership."
            )
        )
        self.count = QSpinBox()
        self.count.setRange(1, 20)
        self.count.setValue(current_groups or 4)
        self.add_row("&Number of groups", self.count)


class GroupChoiceDialog(FormDialog):
    def __init__(
        self, parent: QWidget, groups: list[GroupInfo], title: str, *, ask_name: bool = False
    ) -> None:
        super().__init__(title, title.split()[0], parent)
        self._groups = groups
        self.which = QComboBox()
        self.which.addItems([g.name for g in groups])
        self.add_row("&Group", self.which)
        self.name = QLineEdit()
        if ask_name:
            self.add_row("&New name", self.name)
        self._ask_name = ask_name

    def validate(self) -> None:
        if self._ask_name and not self.name.text().strip():
            raise ValidationError("Type the group's new name.")

    def values(self) -> tuple[GroupInfo, str]:
        return self._groups[self.which.currentIndex()], self.name.text()
