"""Cohorts: the runs of each course, who is in them, the balance of students, and
their group projects."""

from __future__ import annotations

import uuid
from datetime import date
from typing import Any

from lt_desktop.core.services.attendance import FOOTNOTE, AttendanceFigures
from lt_desktop.core.services.memberships import CohortAttendance, MemberInfo
from lt_desktop.core.services.people import PersonListing
from lt_desktop.core.services.programme import Balance, CohortInfo, CourseInfo, PartnershipInfo
from lt_desktop.core.services.stationery import Logo, StationeryInfo
from lt_desktop.core.workspace import Workspace
from lt_desktop.domain.changes import Change
from lt_desktop.domain.errors import ValidationError
from lt_desktop.domain.roles import Permission
from lt_desktop.domain.vocabulary import MembershipRole, MembershipStatus
from lt_desktop.domain.wording import percent
from lt_desktop.ui.controller import AppController
from lt_desktop.ui.models import Column, RecordTableModel
from lt_desktop.ui.qt import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QEvent,
    QHBoxLayout,
    QItemSelectionModel,
    QKeyEvent,
    QLabel,
    QLineEdit,
    QListView,
    QObject,
    QPlainTextEdit,
    QSpinBox,
    QSplitter,
    Qt,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)
from lt_desktop.ui.screens.base import Screen, offer_only_if
from lt_desktop.ui.views.balance_bar import BalanceBar, describe_balance
from lt_desktop.ui.views.people_list import PeopleListModel
from lt_desktop.ui.views.projects import ProjectsBox
from lt_desktop.ui.views.stationery import StationeryDialog
from lt_desktop.ui.widgets import (
    Banner,
    EmptyOr,
    EnumCombo,
    FormDialog,
    Tone,
    button,
    date_field,
    date_of,
    heading,
    index_of,
    muted,
    record_table,
)


class CohortsScreen(Screen):
    title = "Cohorts"
    needs = frozenset({Permission.VIEW_ALL_COHORTS, Permission.VIEW_OWN_COHORTS})
    listens_to = frozenset(
        {
            Change.COHORTS,
            Change.MEMBERS,
            Change.PEOPLE,
            Change.GROUPS,
            Change.SESSIONS,
            Change.REGISTER,
        }
    )

    def __init__(self, controller: AppController, parent: QWidget | None = None) -> None:
        super().__init__(controller, parent)
        self.cohorts = RecordTableModel[CohortInfo](
            [
                Column("Cohort", lambda c: c.name, tooltip=lambda c: c.title),
                Column("Students", lambda c: f"{c.balance.total} / {c.capacity}", align_right=True),
                Column("Course", lambda c: c.course_title),
            ]
        )
        self.cohort_table = record_table(self.cohorts, "Cohorts")
        self.cohort_table.selectionModel().currentRowChanged.connect(self._cohort_chosen)
        self.cohorts_or_empty = EmptyOr(self.cohort_table, "No cohorts yet.")
        may_edit = self.may(Permission.EDIT_PROGRAMME)
        self.new_button = button("New &cohort…", self._new_cohort)
        self.edit_button = button("&Edit cohort…", self._edit_cohort)
        # How the chosen cohort's partnership signs its certificates and heads its letters.
        self.stationery_button = button("Certificates and &letters…", self._stationery)
        offer_only_if(may_edit, self.new_button, self.edit_button, self.stationery_button)

        self.title_label = heading("", 2)
        self.summary = muted()
        self.balance_bar = BalanceBar()
        self.balance_text = QLabel()
        self.balance_text.setAccessibleName("Balance")
        self.members = RecordTableModel[MemberInfo](
            [
                Column("Name", lambda m: m.display_name, sort_key=lambda m: m.sort_name.casefold()),
                Column("Role", lambda m: m.role.label),
                Column("Status", lambda m: m.status.label),
                Column("Since", lambda m: f"{m.status_since:%d %b %Y}"),
                Column("Group", lambda m: m.group_name),
                Column(
                    "Attendance",
                    lambda m: percent(self._figures_of(m).attendance),
                    tooltip=lambda m: _sessions_in_words(self._figures_of(m)),
                    align_right=True,
                ),
                Column(
                    "Engagement",
                    lambda m: percent(self._figures_of(m).engagement),
                    tooltip=lambda m: _sessions_in_words(self._figures_of(m)),
                    align_right=True,
                ),
            ]
        )
        self._attendance = CohortAttendance(AttendanceFigures(), {})
        self.attendance_text = QLabel()
        self.attendance_text.setAccessibleName("Attendance and engagement")
        self.attendance_text.setWordWrap(True)
        self.attendance_note = muted(FOOTNOTE)
        self.attendance_note.setAccessibleName("What attendance and engagement mean")
        self.member_table = record_table(self.members, "Members of the cohort")
        self.members_or_empty = EmptyOr(self.member_table, "Nobody is enrolled yet.")
        self.banner = Banner()
        may_manage = self.may(Permission.MANAGE_MEMBERSHIPS)
        self.enrol_button = button("En&rol…", self._enrol, accessible="Enrol a person")
        self.status_button = button("Change &status…", self._change_status)
        self.role_button = button("Change r&ole…", self._change_role)
        self.withdraw_button = button("&Withdraw…", self._withdraw)
        member_buttons = QHBoxLayout()
        for widget in (
            self.enrol_button,
            self.status_button,
            self.role_button,
            self.withdraw_button,
        ):
            offer_only_if(may_manage, widget)
            member_buttons.addWidget(widget)
        member_buttons.addStretch(1)
        self.projects_box = ProjectsBox(controller, may_edit)

        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.addWidget(heading("Cohorts"))
        left_layout.addWidget(self.cohorts_or_empty, 1)
        row = QHBoxLayout()
        row.addWidget(self.new_button)
        row.addWidget(self.edit_button)
        row.addStretch(1)
        left_layout.addLayout(row)
        left_layout.addWidget(self.stationery_button, 0, Qt.AlignmentFlag.AlignLeft)
        right = QWidget()
        right_layout = QVBoxLayout(right)
        right_layout.addWidget(self.title_label)
        right_layout.addWidget(self.summary)
        right_layout.addWidget(self.balance_bar)
        right_layout.addWidget(self.balance_text)
        right_layout.addWidget(self.attendance_text)
        right_layout.addWidget(self.banner)
        # Its members, and its group projects on a page of their own: both at once would
        # leave a small laptop too little room for either.
        members_page = QWidget()
        members_layout = QVBoxLayout(members_page)
        members_layout.setContentsMargins(0, 4, 0, 0)
        members_layout.addWidget(self.members_or_empty, 1)
        members_layout.addLayout(member_buttons)
        members_layout.addWidget(self.attendance_note)
        projects_page = QWidget()
        projects_layout = QVBoxLayout(projects_page)
        projects_layout.setContentsMargins(0, 4, 0, 0)
        self.projects_box.setTitle("")
        self.projects_box.setFlat(True)
        projects_layout.addWidget(self.projects_box)
        projects_layout.addStretch(1)
        self.detail_tabs = QTabWidget()
        self.detail_tabs.addTab(members_page, "Mem&bers")
        self.detail_tabs.addTab(projects_page, "Group &projects")
        workspace = controller.workspace
        if workspace is not None and workspace.actor.on_laptop:
            # A classroom laptop holds the register, not the cohort's projects.
            self.detail_tabs.setTabVisible(1, False)
        right_layout.addWidget(self.detail_tabs, 1)
        self.detail = right
        splitter = QSplitter()
        splitter.addWidget(left)
        splitter.addWidget(right)
        splitter.setStretchFactor(1, 2)
        splitter.setSizes([420, 640])
        layout = QVBoxLayout(self)
        layout.addWidget(splitter)
        self._current: uuid.UUID | None = None
        self._show_cohort(None)

    # -- loading -------------------------------------------------------------------------

    def reload(self) -> None:
        self.controller.load(lambda ws: ws.programme.list_cohorts(), self._show_cohorts)

    def _show_cohorts(self, cohorts: list[CohortInfo]) -> None:
        self.cohorts.set_rows(cohorts)
        self.cohorts_or_empty.set_empty(
            not cohorts,
            "No cohorts yet. Create the first with New cohort."
            if self.may(Permission.EDIT_PROGRAMME)
            else "You are not in any cohort yet.",
        )
        wanted = next(
            (i for i, c in enumerate(cohorts) if c.id == self._current), 0 if cohorts else -1
        )
        if wanted >= 0:
            self.cohort_table.selectRow(wanted)
            self._show_cohort(cohorts[wanted])
        else:
            self._show_cohort(None)

    def _cohort_chosen(self, current: Any, _previous: Any) -> None:
        self._show_cohort(self.cohorts.row_at(current))

    def current_cohort(self) -> CohortInfo | None:
        return next((c for c in self.cohorts.rows if c.id == self._current), None)

    def _show_cohort(self, cohort: CohortInfo | None) -> None:
        self.banner.clear()
        if cohort is None:
            self._current = None
            self.title_label.setText("No cohort chosen")
            self.summary.setText("")
            self.balance_bar.set_balance(Balance(), 0)
            self.balance_text.setText("")
            self.attendance_text.setText("")
            self.members.clear()
            self.projects_box.show_cohort(None)
            self.edit_button.setEnabled(False)
            self.stationery_button.setEnabled(False)
            self.detail.setEnabled(False)
            return
        self._current = cohort.id
        self.detail.setEnabled(True)
        self.edit_button.setEnabled(True)
        self.stationery_button.setEnabled(True)
        self.title_label.setText(cohort.title)
        self.summary.setText(
            f"{cohort.partnership_name} · {cohort.starts_on:%d %b %Y} to {cohort.ends_on:%d %b %Y}"
            f" · {cohort.session_count} sessions · {cohort.staff_count} staff and mentors"
        )
        self.balance_bar.set_balance(cohort.balance, cohort.capacity)
        self.balance_text.setText(describe_balance(cohort.balance, cohort.capacity))
        cohort_id = cohort.id
        self.controller.load(
            lambda ws: (
                cohort_id,
                ws.memberships.list_members(cohort_id),
                ws.memberships.attendance(cohort_id),
            ),
            self._show_members,
        )
        self.projects_box.show_cohort(cohort_id)

    def _show_members(self, loaded: tuple[uuid.UUID, list[MemberInfo], CohortAttendance]) -> None:
        cohort_id, members, attendance = loaded
        if cohort_id != self._current:
            return
        self._attendance = attendance
        students = attendance.students
        self.attendance_text.setText(
            f"Students: attendance {percent(students.attendance)} · engagement "
            f"{percent(students.engagement)} (attended {students.attended} of the "
            f"{students.held} sessions held for them)"
            if students.held
            else "Students: no register taken yet, so no attendance or engagement."
        )
        self.members.set_rows(members)
        self.members_or_empty.set_empty(
            not members, "Nobody is enrolled yet. Use Enrol to add students and staff."
        )

    def _figures_of(self, member: MemberInfo) -> AttendanceFigures:
        return self._attendance.by_person.get(member.person_id, AttendanceFigures())

    def selected_member(self) -> MemberInfo | None:
        member = self.members.row_at(self.member_table.currentIndex())
        if member is None:
            self.banner.show_message("Choose someone in the list first.", Tone.WARNING)
        return member

    # -- actions -------------------------------------------------------------------------

    def _new_cohort(self) -> None:
        self.controller.load(_programme_choices, lambda c: self._open_cohort_dialog(None, c))

    def _edit_cohort(self) -> None:
        cohort = self.current_cohort()
        if cohort is not None:
            self.controller.load(_programme_choices, lambda c: self._open_cohort_dialog(cohort, c))

    def _stationery(self) -> None:
        cohort = self.current_cohort()
        if cohort is None:
            return
        partnership_id = cohort.partnership_id
        self.controller.load(
            lambda ws: ws.stationery.stationery(partnership_id), self._open_stationery
        )

    def _open_stationery(self, stationery: StationeryInfo) -> None:
        dialog = StationeryDialog(self, stationery)
        if not dialog.exec():
            return
        values, logo, partnership_id = dialog.values(), dialog.logo, stationery.partnership_id

        def save(ws: Workspace) -> StationeryInfo:
            saved = ws.stationery.set_stationery(partnership_id, **values)
            if isinstance(logo, Logo):
                saved = ws.stationery.set_logo(partnership_id, logo.data)
            elif logo is None:
                saved = ws.stationery.remove_logo(partnership_id)
            return saved

        self.controller.change(
            save, on_error=lambda message: self.banner.show_message(message, Tone.ERROR)
        )

    def _open_cohort_dialog(
        self, cohort: CohortInfo | None, choices: tuple[list[PartnershipInfo], list[CourseInfo]]
    ) -> None:
        dialog = CohortDialog(self, self.controller, cohort, *choices)
        if not dialog.exec():
            return
        values = dialog.values()
        if cohort is None:
            self.controller.change(lambda ws: ws.programme.add_cohort(**values), self._remember)
        else:
            cohort_id = cohort.id
            self.controller.change(lambda ws: ws.programme.update_cohort(cohort_id, **values))

    def _remember(self, cohort: CohortInfo) -> None:
        self._current = cohort.id

    def _enrol(self) -> None:
        cohort = self.current_cohort()
        if cohort is None:
            return
        already = {m.person_id for m in self.members.rows}
        cohort_id = cohort.id

        def open_dialog(people: list[PersonListing]) -> None:
            dialog = EnrolDialog(self, [p for p in people if p.id not in already], cohort.title)
            if dialog.exec():
                person_id, role, on = dialog.values()
                self.controller.change(
                    lambda ws: ws.memberships.enrol(cohort_id, person_id, role=role, on=on),
                    on_error=lambda message: self.banner.show_message(message, Tone.ERROR),
                )

        self.controller.load(lambda ws: ws.people.list_people(), open_dialog)

    def _change_status(self, status: MembershipStatus | None = None) -> None:
        member = self.selected_member()
        if member is None:
            return
        dialog = StatusDialog(self, member, status)
        if dialog.exec():
            new_status, on, reason = dialog.values()
            self.controller.change(
                lambda ws: ws.memberships.change_status(
                    member.id, new_status, on=on, reason=reason
                ),
                on_error=lambda message: self.banner.show_message(message, Tone.ERROR),
            )

    def _withdraw(self) -> None:
        self._change_status(MembershipStatus.WITHDRAWN)

    def _change_role(self) -> None:
        member = self.selected_member()
        if member is None:
            return
        dialog = RoleDialog(self, member)
        if dialog.exec():
            role = dialog.role.value()
            self.controller.change(lambda ws: ws.memberships.change_role(member.id, role))


def _sessions_in_words(figures: AttendanceFigures) -> str:
    if not figures.held:
        return "no session held yet"
    return (
        f"attended {figures.attended} of {figures.held} "
        f"session{'s' if figures.held != 1 else ''} held"
    )


def _programme_choices(ws: Workspace) -> tuple[list[PartnershipInfo], list[CourseInfo]]:
    return ws.programme.list_partnerships(), ws.programme.list_courses()


class CohortDialog(FormDialog):
    def __init__(
        self,
        parent: QWidget,
        controller: AppController,
        cohort: CohortInfo | None,
        partnerships: list[PartnershipInfo],
        courses: list[CourseInfo],
    ) -> None:
        super().__init__("New cohort" if cohort is None else "Edit cohort", parent=parent)
        self._controller = controller
        self._partnerships = partnerships
        self.course = QComboBox()
        for course in courses:
            self.course.addItem(f"{course.title} ({course.partnership_name})", course.id)
        if cohort is not None:
            self.course.setCurrentIndex(max(0, index_of(self.course, cohort.course_id)))
        course_row = QHBoxLayout()
        course_row.addWidget(self.course, 1)
        course_row.addWidget(button("New c&ourse…", self._new_course))
        holder = QWidget()
        holder.setLayout(course_row)
        course_row.setContentsMargins(0, 0, 0, 0)
        self.course.setAccessibleName("Course")
        self.form.addRow("&Course", holder)
        self.name = self.add_row("&Name", QLineEdit(cohort.name if cohort else ""))
        self.name.setPlaceholderText("For example: January to May 2027")
        today = date.today()
        self.starts = self.add_row("&Starts", date_field(cohort.starts_on if cohort else today))
        self.ends = self.add_row("&Ends", date_field(cohort.ends_on if cohort else today))
        self.capacity = QSpinBox()
        self.capacity.setRange(2, 200)
        self.capacity.setValue(cohort.capacity if cohort else 24)
        self.add_row("&Places", self.capacity)

    def _new_course(self) -> None:
        dialog = CourseDialog(self, self._controller, self._partnerships)
        if not dialog.exec():
            return
        values = dialog.values()

        def added(course: CourseInfo) -> None:
            self.course.addItem(f"{course.title} ({course.partnership_name})", course.id)
            self.course.setCurrentIndex(self.course.count() - 1)

        self._controller.change(
            lambda ws: add_course(ws, values),
            added,
            lambda message: self.banner.show_message(message, Tone.ERROR),
        )

    def validate(self) -> None:
        if self.course.currentData() is None:
            raise ValidationError("Choose the course, or make a new one with New course.")
        if not self.name.text().strip():
            raise ValidationError("Give the cohort a name, such as its months and year.")
        if date_of(self.ends) < date_of(self.starts):
            raise ValidationError("A cohort cannot end before it starts.")

    def values(self) -> dict[str, Any]:
        return {
            "course_id": self.course.currentData(),
            "name": self.name.text(),
            "starts_on": date_of(self.starts),
            "ends_on": date_of(self.ends),
            "capacity": self.capacity.value(),
        }


class CourseDialog(FormDialog):
    def __init__(
        self, parent: QWidget, controller: AppController, partnerships: list[PartnershipInfo]
    ) -> None:
        super().__init__("New course", "Add course", parent)
        self.partnership = QComboBox()
        self.partnership.addItem("A new partnership…", None)
        for partnership in partnerships:
            self.partnership.addItem(partnership.name, partnership.id)
        if partnerships:
            self.partnership.setCurrentIndex(1)
        self.add_row("&Partnership", self.partnership)
        self.partnership_name = self.add_row("Partnership &name", QLineEdit())
        self.prison_name = self.add_row("&Prison", QLineEdit())
        self.university_name = self.add_row("&University", QLineEdit())
        self.partnership.currentIndexChanged.connect(self._show_new_partnership)
        self.title = self.add_row("Course &title", QLineEdit())
        self.subject = self.add_row("&Subject", QLineEdit())
        self.accredited = QCheckBox("Accredited (credit-bearing and marked)")
        self.add_row("", self.accredited)
        self.credits = QSpinBox()
        self.credits.setRange(0, 120)
        self.credits.setEnabled(False)
        self.accredited.toggled.connect(self.credits.setEnabled)
        self.add_row("C&redits", self.credits)
        self._show_new_partnership()

    def _show_new_partnership(self) -> None:
        new = self.partnership.currentData() is None
        for field in (self.partnership_name, self.prison_name, self.university_name):
            field.setVisible(new)
            label = self.form.labelForField(field)
            if label is not None:
                label.setVisible(new)

    def validate(self) -> None:
        if self.partnership.currentData() is None and not all(
            f.text().strip()
            for f in (self.partnership_name, self.prison_name, self.university_name)
        ):
            raise ValidationError("Name the new partnership, its prison and its university.")
        if not self.title.text().strip():
            raise ValidationError("Give the course a title.")
        if self.accredited.isChecked() and self.credits.value() == 0:
            raise ValidationError("An accredited course needs its number of credits.")

    def values(self) -> dict[str, Any]:
        return {
            "partnership_id": self.partnership.currentData(),
            "partnership": (
                self.partnership_name.text(),
                self.prison_name.text(),
                self.university_name.text(),
            ),
            "title": self.title.text(),
            "subject": self.subject.text(),
            "accredited": self.accredited.isChecked(),
            "credits": self.credits.value() or None,
        }


def add_course(ws: Workspace, values: dict[str, Any]) -> CourseInfo:
    """The course from a CourseDialog, with its new partnership if one was asked for."""
    partnership_id = values["partnership_id"]
    if partnership_id is None:
        name, prison, university = values["partnership"]
        partnership_id = ws.programme.add_partnership(
            name=name, prison_name=prison, university_name=university
        ).id
    return ws.programme.add_course(
        partnership_id=partnership_id,
        title=values["title"],
        subject=values["subject"],
        accredited=values["accredited"],
        credits=values["credits"],
    )


NOBODY_CHOSEN = (
    "Nobody is chosen yet. Type part of their name under Find, then press Down to choose "
    "them in the list."
)


class EnrolDialog(FormDialog):
    """Who to enrol, chosen on purpose.

    Nobody is chosen when it opens, nor after the search changes: a list that chose its
    first row once let a single Enter enrol the wrong person. Down from the search
    chooses in the list; Enter there with exactly one match chooses that one. Either
    way the choice is shown, and a further Enter enrols.
    """

    def __init__(self, parent: QWidget, people: list[PersonListing], cohort_title: str) -> None:
        super().__init__(f"Enrol in {cohort_title}", "Enrol", parent)
        self.search = QLineEdit()
        self.search.setPlaceholderText("Type part of a name, then press Down to choose")
        self.add_row("&Find", self.search)
        self.model = PeopleListModel(self)
        self.model.set_people(people)
        self.list = QListView()
        self.list.setModel(self.model)
        self.list.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.list.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.list.setMinimumHeight(200)
        self.add_row("&Person", self.list)
        self.choice = muted()
        self.choice.setAccessibleName("Person chosen")
        self.form.addRow("", self.choice)
        self.search.textChanged.connect(self._filter)
        self.list.selectionModel().selectionChanged.connect(self._show_choice)
        self.search.installEventFilter(self)
        self.list.installEventFilter(self)
        self.role = EnumCombo(MembershipRole)
        self.add_row("&Role", self.role)
        self.on = self.add_row("Fr&om", date_field(date.today()))
        self._show_choice()
        self.search.setFocus()

    def chosen(self) -> PersonListing | None:
        rows = self.list.selectionModel().selectedRows()
        return self.model.person_at(rows[0].row()) if rows else None

    def _choose(self, row: int) -> None:
        index = self.model.index(row)
        self.list.selectionModel().setCurrentIndex(
            index, QItemSelectionModel.SelectionFlag.ClearAndSelect
        )
        self.list.scrollTo(index)
        self.list.setFocus()

    def _filter(self, text: str) -> None:
        self.model.set_filter(text)  # a new search forgets the choice with the old rows
        self._show_choice()

    def _show_choice(self) -> None:
        person = self.chosen()
        if person is None:
            self.choice.setText("Nobody chosen yet.")
            return
        self.choice.setText(f"Enrols {person.label}")
        self.banner.clear()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt API
        if event.type() != QEvent.Type.KeyPress or not isinstance(event, QKeyEvent):
            return super().eventFilter(watched, event)
        key = event.key()
        nobody = self.chosen() is None
        if watched is self.search and key == Qt.Key.Key_Down and self.model.rowCount():
            if nobody:
                self._choose(0)
            else:
                self.list.setFocus()
            return True
        if watched is self.search and key in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and nobody:
            if self.model.rowCount() == 1:
                self._choose(0)
            elif self.model.rowCount():
                self.banner.show_message(
                    f"{self.model.rowCount()} people are listed: press Down to choose one, "
                    "then Enter to enrol them.",
                    Tone.WARNING,
                )
            else:
                self.banner.show_message(
                    "No one listed matches what you typed. Check the spelling, or add them "
                    "under People first.",
                    Tone.WARNING,
                )
            return True
        if watched is self.list and key in (Qt.Key.Key_Down, Qt.Key.Key_Up) and nobody:
            # The first arrow chooses the row the list shows as current (Qt makes one
            # current on Tab without choosing it), rather than skipping past it.
            current = self.list.currentIndex()
            if self.model.rowCount():
                self._choose(current.row() if current.isValid() else 0)
            return True
        return super().eventFilter(watched, event)

    def validate(self) -> None:
        if self.chosen() is None:
            raise ValidationError(NOBODY_CHOSEN)

    def values(self) -> tuple[uuid.UUID, MembershipRole, date]:
        person = self.chosen()
        if person is None:
            raise ValidationError(NOBODY_CHOSEN)
        return person.id, self.role.value(), date_of(self.on)


class StatusDialog(FormDialog):
    def __init__(
        self, parent: QWidget, member: MemberInfo, status: MembershipStatus | None
    ) -> None:
        title = "Withdraw" if status is MembershipStatus.WITHDRAWN else "Change status"
        super().__init__(f"{title}: {member.display_name}", title, parent)
        self.status = EnumCombo(MembershipStatus, status or member.status)
        self.add_row("&Status", self.status)
        self.on = self.add_row("&From", date_field(date.today()))
        self.reason = QPlainTextEdit()
        self.reason.setTabChangesFocus(True)
        self.reason.setFixedHeight(60)
        self.add_row("&Reason", self.reason)
        self.form.addRow(
            "",
            muted(f"Currently {member.status.label.lower()} since {member.status_since:%d %b %Y}."),
        )

    def values(self) -> tuple[MembershipStatus, date, str]:
        return self.status.value(), date_of(self.on), self.reason.toPlainText()


class RoleDialog(FormDialog):
    def __init__(self, parent: QWidget, member: MemberInfo) -> None:
        super().__init__(f"Change role: {member.display_name}", "Change", parent)
        self.role = EnumCombo(MembershipRole, member.role)
        self.add_row("&Role", self.role)
