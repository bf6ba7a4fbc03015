"""Sessions and register: a cohort's weeks, and the register of the chosen one."""

from __future__ import annotations

import uuid
from dataclasses import replace
from datetime import date, time
from typing import Any

from lt_desktop.core.errors import ValidationError
from lt_desktop.core.roles import Permission
from lt_desktop.core.services.memberships import MemberInfo
from lt_desktop.core.services.programme import CohortInfo, SessionInfo
from lt_desktop.core.vocabulary import MembershipRole, SessionKind
from lt_desktop.ui.controller import COHORTS, GROUPS, MEMBERS, SESSIONS, AppController
from lt_desktop.ui.models import Column, RecordTableModel
from lt_desktop.ui.qt import (
    QAbstractItemView,
    QCalendarWidget,
    QCheckBox,
    QComboBox,
    QDate,
    QFont,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QSpinBox,
    QSplitter,
    QTableView,
    QTextCharFormat,
    QTime,
    QTimeEdit,
    QVBoxLayout,
    QWidget,
)
from lt_desktop.ui.screens.base import Screen
from lt_desktop.ui.screens.register import RegisterView
from lt_desktop.ui.widgets import (
    EmptyOr,
    EnumCombo,
    FormDialog,
    button,
    date_field,
    date_of,
    heading,
    muted,
    time_of,
)


def register_state(session: SessionInfo) -> str:
    if session.marks_taken == 0:
        return "Not taken" if session.held_on <= date.today() else ""
    return f"{session.marks_taken} marked"


class SessionsScreen(Screen):
    title = "Sessions and register"
    needs = frozenset({Permission.TAKE_REGISTER})
    listens_to = frozenset({COHORTS, MEMBERS, GROUPS, SESSIONS})

    def __init__(self, controller: AppController, parent: QWidget | None = None) -> None:
        super().__init__(controller, parent)
        self.cohort = QComboBox()
        self.cohort.setAccessibleName("Cohort")
        self.cohort.currentIndexChanged.connect(self._load_sessions)
        self.sessions = RecordTableModel[SessionInfo](
            [
                Column("Week", lambda s: str(s.week), align_right=True, sort_key=lambda s: s.week),
                Column("Date", lambda s: f"{s.held_on:%a %d %b %Y}", sort_key=lambda s: s.held_on),
                Column("Session", lambda s: s.title or s.kind.label, tooltip=lambda s: s.title),
                Column("Register", register_state),
            ]
        )
        self.table = QTableView()
        self.table.setModel(self.sessions)
        self.table.setAccessibleName("Sessions")
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setTabKeyNavigation(False)
        self.table.verticalHeader().hide()
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        self.table.selectionModel().currentRowChanged.connect(self._session_chosen)
        self.table_or_empty = EmptyOr(self.table, "No sessions yet.")
        may_edit = self.may(Permission.EDIT_PROGRAMME)
        self.plan_button = button("&Plan weekly sessions…", self._plan)
        self.add_button = button("Add &session…", self._add)
        self.edit_button = button("E&dit session…", self._edit)
        buttons = QHBoxLayout()
        for widget in (self.plan_button, self.add_button, self.edit_button):
            widget.setVisible(may_edit)
            buttons.addWidget(widget)
        buttons.addStretch(1)
        self.calendar = QCalendarWidget()
        self.calendar.setAccessibleName("Sessions by date")
        self.calendar.setGridVisible(False)
        self.calendar.setVerticalHeaderFormat(QCalendarWidget.VerticalHeaderFormat.NoVerticalHeader)
        self.calendar.clicked.connect(self._date_chosen)
        for name, accessible in [
            ("qt_calendar_prevmonth", "Previous month"),
            ("qt_calendar_nextmonth", "Next month"),
            ("qt_calendar_calendarview", "Days of the month"),
            ("qt_calendar_monthbutton", "Month"),
            ("qt_calendar_yearbutton", "Year"),
        ]:
            part = self.calendar.findChild(QWidget, name)
            if part is not None:
                part.setAccessibleName(accessible)
        self.register = RegisterView(controller)
        self.register.marks_changed.connect(self._marks_changed)

        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.addWidget(heading("Sessions"))
        row = QHBoxLayout()
        label = QLabel("&Cohort")
        label.setBuddy(self.cohort)
        row.addWidget(label)
        row.addWidget(self.cohort, 1)
        left_layout.addLayout(row)
        left_layout.addWidget(self.table_or_empty, 1)
        left_layout.addLayout(buttons)
        left_layout.addWidget(self.calendar)
        splitter = QSplitter()
        splitter.addWidget(left)
        splitter.addWidget(self.register)
        splitter.setStretchFactor(1, 3)
        splitter.setSizes([380, 720])
        layout = QVBoxLayout(self)
        layout.addWidget(splitter)
        self._current_session: uuid.UUID | None = None

    def reload(self) -> None:
        self.controller.load(lambda ws: ws.programme.list_cohorts(), self._show_cohorts)

    def _show_cohorts(self, cohorts: list[CohortInfo]) -> None:
        current = self.cohort.currentData()
        self.cohort.blockSignals(True)
        self.cohort.clear()
        for cohort in cohorts:
            self.cohort.addItem(cohort.title, cohort.id)
        index = self.cohort.findData(current) if current else -1
        if index < 0:  # the cohort running now, else the newest
            today = date.today()
            running = [i for i, c in enumerate(cohorts) if c.starts_on <= today <= c.ends_on]
            index = running[0] if running else 0
        self.cohort.setCurrentIndex(index)
        self.cohort.blockSignals(False)
        self._load_sessions()

    def select_cohort(self, cohort_id: uuid.UUID) -> None:
        index = self.cohort.findData(cohort_id)
        if index >= 0:
            self.cohort.setCurrentIndex(index)

    def _load_sessions(self) -> None:
        cohort_id = self.cohort.currentData()
        if cohort_id is None:
            self._show_sessions([])
            return
        self.controller.load(lambda ws: ws.programme.list_sessions(cohort_id), self._show_sessions)

    def _show_sessions(self, sessions: list[SessionInfo]) -> None:
        self.sessions.set_rows(sessions)
        self._mark_calendar(sessions)
        may_edit = self.may(Permission.EDIT_PROGRAMME)
        self.table_or_empty.set_empty(
            not sessions,
            "No sessions yet. Plan the weeks with Plan weekly sessions."
            if may_edit
            else "This cohort has no sessions yet.",
        )
        self.plan_button.setEnabled(not sessions and self.cohort.currentData() is not None)
        self.add_button.setEnabled(self.cohort.currentData() is not None)
        self.edit_button.setEnabled(bool(sessions))
        wanted = next((i for i, s in enumerate(sessions) if s.id == self._current_session), -1)
        if wanted < 0 and sessions:  # today's session, else the next, else the last
            today = date.today()
            wanted = next(
                (i for i, s in enumerate(sessions) if s.held_on >= today), len(sessions) - 1
            )
        if wanted >= 0:
            self.table.selectRow(wanted)
        else:
            self.register.show_session(None)

    def _mark_calendar(self, sessions: list[SessionInfo]) -> None:
        self.calendar.setDateTextFormat(QDate(), QTextCharFormat())  # clears every date
        marked = QTextCharFormat()
        marked.setFontWeight(QFont.Weight.Bold)
        marked.setFontUnderline(True)
        for session in sessions:
            held = session.held_on
            self.calendar.setDateTextFormat(QDate(held.year, held.month, held.day), marked)

    def _date_chosen(self, chosen: QDate) -> None:
        day = date(chosen.year(), chosen.month(), chosen.day())
        row = next((i for i, s in enumerate(self.sessions.rows) if s.held_on == day), -1)
        if row >= 0:
            self.table.selectRow(row)

    def _session_chosen(self, current: Any, _previous: Any) -> None:
        session = self.sessions.row_at(current)
        if session is not None:
            held = session.held_on
            self.calendar.setSelectedDate(QDate(held.year, held.month, held.day))
        same = session is not None and session.id == self._current_session
        self._current_session = session.id if session else None
        if not same or self.register.session is None:
            self.register.show_session(session)

    def select_session(self, session_id: uuid.UUID) -> None:
        row = next((i for i, s in enumerate(self.sessions.rows) if s.id == session_id), -1)
        if row >= 0:
            self.table.selectRow(row)

    def _marks_changed(self, session_id: uuid.UUID, marked: int, _expected: int) -> None:
        for position, session in enumerate(self.sessions.rows):
            if session.id == session_id and session.marks_taken != marked:
                self.sessions.replace_row(position, replace(session, marks_taken=marked))

    # -- planning --------------------------------------------------------------------------

    def _plan(self) -> None:
        cohort_id = self.cohort.currentData()
        if cohort_id is None:
            return
        dialog = PlanDialog(self)
        if dialog.exec():
            weeks, first_on, starts_at = dialog.values()
            self.controller.change(
                lambda ws: ws.programme.plan_weekly_sessions(
                    cohort_id, weeks=weeks, first_on=first_on, starts_at=starts_at
                ),
                {SESSIONS, COHORTS},
            )

    def _add(self) -> None:
        self._open_session_dialog(None)

    def _edit(self) -> None:
        session = self.sessions.row_at(self.table.currentIndex())
        if session is not None:
            self._open_session_dialog(session)

    def _open_session_dialog(self, session: SessionInfo | None) -> None:
        cohort_id = self.cohort.currentData()
        if cohort_id is None:
            return
        next_week = max((s.week for s in self.sessions.rows), default=0) + 1

        def open_dialog(members: list[MemberInfo]) -> None:
            lecturers = [m for m in members if m.role is MembershipRole.LECTURER]
            dialog = SessionDialog(self, session, lecturers, next_week)
            if not dialog.exec():
                return
            values = dialog.values()
            if session is None:
                self.controller.change(
                    lambda ws: ws.programme.add_session(cohort_id=cohort_id, **values),
                    {SESSIONS, COHORTS},
                )
            else:
                session_id = session.id
                self.controller.change(
                    lambda ws: ws.programme.update_session(session_id, **values), {SESSIONS}
                )

        self.controller.load(lambda ws: ws.memberships.list_members(cohort_id), open_dialog)


def _time_field(value: time | None, default: time) -> QTimeEdit:
    chosen = value or default
    field = QTimeEdit(QTime(chosen.hour, chosen.minute))
    field.setDisplayFormat("HH:mm")
    return field


class PlanDialog(FormDialog):
    def __init__(self, parent: QWidget) -> None:
        super().__init__("Plan weekly sessions", "Plan", parent)
        self.form.addRow(
            muted(
                "One session a week from the first date. The middle week is a writing workshop, "
                "the week before the last a group project, and the last is graduation. Each can "
                "be changed afterwards."
            )
        )
        self.weeks = QSpinBox()
        self.weeks.setRange(3, 52)
        self.weeks.setValue(10)
        self.add_row("&Weeks", self.weeks)
        self.first_on = self.add_row("&First session", date_field(date.today()))
        self.starts_at = self.add_row("&Starts at", _time_field(None, time(13, 30)))

    def values(self) -> tuple[int, date, time]:
        return self.weeks.value(), date_of(self.first_on), time_of(self.starts_at)


class SessionDialog(FormDialog):
    def __init__(
        self,
        parent: QWidget,
        session: SessionInfo | None,
        lecturers: list[MemberInfo],
        next_week: int,
    ) -> None:
        super().__init__("Add a session" if session is None else "Edit session", parent=parent)
        self.week = QSpinBox()
        self.week.setRange(1, 60)
        self.week.setValue(session.week if session else next_week)
        self.add_row("&Week", self.week)
        self.held_on = self.add_row(
            "&Date", date_field(session.held_on if session else date.today())
        )
        self.kind = EnumCombo(SessionKind, session.kind if session else None)
        self.add_row("&Kind", self.kind)
        self.title_field = self.add_row("&Title", QLineEdit(session.title if session else ""))
        self.has_time = QCheckBox("Set the times")
        self.has_time.setChecked(session is None or session.starts_at is not None)
        self.add_row("", self.has_time)
        self.starts_at = self.add_row(
            "&Starts", _time_field(session.starts_at if session else None, time(13, 30))
        )
        self.ends_at = self.add_row(
            "E&nds", _time_field(session.ends_at if session else None, time(16, 0))
        )
        self.has_time.toggled.connect(self.starts_at.setEnabled)
        self.has_time.toggled.connect(self.ends_at.setEnabled)
        self.lecturer = QComboBox()
        self.lecturer.addItem("No lecturer named", None)
        for member in lecturers:
            self.lecturer.addItem(member.display_name, member.person_id)
        if session is not None and session.lecturer_id is not None:
            self.lecturer.setCurrentIndex(max(0, self.lecturer.findData(session.lecturer_id)))
        self.add_row("&Lecturer", self.lecturer)
        self.reading_1 = self.add_row("Reading &1", QLineEdit(session.reading_1 if session else ""))
        self.reading_2 = self.add_row("Reading &2", QLineEdit(session.reading_2 if session else ""))
        self.location = self.add_row("&Room", QLineEdit(session.location if session else ""))

    def validate(self) -> None:
        if self.has_time.isChecked() and self.ends_at.time() <= self.starts_at.time():
            raise ValidationError("A session must end after it starts.")

    def values(self) -> dict[str, Any]:
        timed = self.has_time.isChecked()
        return {
            "week": self.week.value(),
            "held_on": date_of(self.held_on),
            "kind": self.kind.value(),
            "title": self.title_field.text(),
            "starts_at": time_of(self.starts_at) if timed else None,
            "ends_at": time_of(self.ends_at) if timed else None,
            "lecturer_id": self.lecturer.currentData(),
            "reading_1": self.reading_1.text(),
            "reading_2": self.reading_2.text(),
            "location": self.location.text(),
        }
