"""Sessions and register: a cohort's weeks, and the register of the chosen one."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import replace
from datetime import date, time
from typing import Any

from lt_desktop.core.services.memberships import MemberInfo
from lt_desktop.core.services.people import names_told_apart
from lt_desktop.core.services.programme import CohortInfo, SessionInfo
from lt_desktop.core.services.register import RegisterDue
from lt_desktop.domain.changes import Change
from lt_desktop.domain.errors import ValidationError
from lt_desktop.domain.roles import Permission, Role
from lt_desktop.domain.vocabulary import (
    INDUCTION_WEEK,
    Cancellation,
    MembershipRole,
    SessionKind,
    week_in_words,
    week_name,
    week_number,
)
from lt_desktop.ui.controller import AppController
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
    QToolButton,
    QVBoxLayout,
    QWidget,
)
from lt_desktop.ui.screens.base import Screen, offer_only_if
from lt_desktop.ui.views.readings import ReadingsDialog
from lt_desktop.ui.views.register import RegisterView, describe_when
from lt_desktop.ui.widgets import (
    EmptyOr,
    EnumCombo,
    FormDialog,
    button,
    date_field,
    date_of,
    index_of,
    muted,
    time_of,
)


def register_state(session: SessionInfo, today: date | None = None) -> str:
    if session.is_cancelled:
        return "Cancelled"
    if session.marks_taken == 0:
        return "Not taken" if session.held_on <= (today or date.today()) else ""
    return f"{session.marks_taken} marked"


def describe_choice(session: SessionInfo) -> str:
    """How a session is named where it is chosen: week, day and what it is."""
    state = register_state(session)
    return (
        f"{week_name(session.week)} · {session.held_on:%a %d %b %Y} · "
        f"{session.title or session.kind.label}" + (f" · {state}" if state else "")
    )


def session_to_open(sessions: list[SessionInfo], today: date) -> int:
    """Where a register is opened: today's session, else the next one, else the last."""
    if not sessions:
        return -1
    return next((i for i, s in enumerate(sessions) if s.held_on >= today), len(sessions) - 1)


def cohort_to_open(cohorts: list[CohortInfo], today: date) -> int:
    """The cohort running today, else the one starting next, else the newest."""
    if not cohorts:
        return -1
    running = [i for i, c in enumerate(cohorts) if c.starts_on <= today <= c.ends_on]
    if running:
        return running[0]
    coming = [i for i, c in enumerate(cohorts) if c.starts_on > today]
    if coming:
        return min(coming, key=lambda i: cohorts[i].starts_on)
    return max(range(len(cohorts)), key=lambda i: cohorts[i].starts_on)


CANCEL_TEXT = "Ca&ncel session…"
REINSTATE_TEXT = "Rei&nstate session"

#: Wide enough for the list of sessions beside the register.
_ROOM_FOR_THE_LIST = 1000
#: Tall enough for the calendar under the list of sessions.
_ROOM_FOR_THE_CALENDAR = 640


class SessionsScreen(Screen):
    title = "Sessions and register"
    needs = frozenset({Permission.TAKE_REGISTER})
    lands_for = frozenset({Role.FACILITATOR})
    listens_to = frozenset({Change.COHORTS, Change.MEMBERS, Change.GROUPS, Change.SESSIONS})

    def __init__(self, controller: AppController, parent: QWidget | None = None) -> None:
        super().__init__(controller, parent)
        self.cohort = QComboBox()
        self.cohort.setAccessibleName("Cohort")
        self.cohort.setSizeAdjustPolicy(
            QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon
        )
        self.cohort.setMinimumContentsLength(8)
        self.cohort.currentIndexChanged.connect(self._load_sessions)
        self.sessions = RecordTableModel[SessionInfo](
            [
                Column(
                    "Week",
                    lambda s: week_number(s.week),
                    align_right=True,
                    sort_key=lambda s: s.week,
                ),
                Column("Date", lambda s: f"{s.held_on:%a %d %b %Y}", sort_key=lambda s: s.held_on),
                Column("Session", lambda s: s.title or s.kind.label, tooltip=lambda s: s.title),
                Column("Register", register_state),
            ]
        )
        self.session_choice = QComboBox()
        self.session_choice.setAccessibleName("Session")
        self.session_choice.setSizeAdjustPolicy(
            QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon
        )
        self.session_choice.setMinimumContentsLength(14)
        self.session_choice.currentIndexChanged.connect(self._session_choice_changed)
        self.previous_button = _arrow("◀", "Previous session", lambda: self._step(-1))
        self.next_button = _arrow("▶", "Next session", lambda: self._step(1))
        self.list_button = QToolButton()
        self.list_button.setText("All sessions")
        self.list_button.setAccessibleName("Show all sessions beside the register")
        self.list_button.setToolTip("The list of sessions and a calendar, beside the register")
        self.list_button.setCheckable(True)
        self.list_button.toggled.connect(self._show_list)

        self.table = QTableView()
        self.table.setModel(self.sessions)
        self.table.setAccessibleName("Sessions")
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setTabKeyNavigation(False)
        self.table.setWordWrap(False)
        self.table.verticalHeader().hide()
        self.table.verticalHeader().setDefaultSectionSize(self.table.fontMetrics().height() + 5)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        self.table.selectionModel().currentRowChanged.connect(self._session_chosen)
        self.table_or_empty = EmptyOr(self.table, "No sessions yet.")
        may_edit = self.may(Permission.EDIT_PROGRAMME)
        self.plan_button = button("&Plan weekly sessions…", self._plan)
        self.add_button = button("Add &session…", self._add)
        self.edit_button = button("E&dit session…", self._edit)
        self.cancel_button = button(CANCEL_TEXT, self._cancel_or_reinstate)
        self.cancel_button.setToolTip(
            "A lockdown, a staff shortage or a change of regime: the session keeps its week, "
            "takes no register and counts in no attendance figure"
        )
        # Everyone who sees the session sees its readings (and saves a PDF to print).
        self.readings_button = button("&Readings…", lambda: self._readings())
        self.readings_button.setToolTip("What to read for the session, with author and pages")
        buttons = QHBoxLayout()
        buttons.setContentsMargins(0, 0, 0, 0)
        for widget in (self.plan_button, self.add_button, self.edit_button, self.cancel_button):
            offer_only_if(may_edit, widget)
            buttons.addWidget(widget)
        buttons.addWidget(self.readings_button)
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
        self.register.show_heading(False)
        self.register.marks_changed.connect(self._marks_changed)
        self.details = muted()
        self.details.setWordWrap(False)
        self.due = QToolButton()
        self.due.setAccessibleName("Registers not taken")
        self.due.clicked.connect(self._open_oldest_due)
        self.due.hide()
        self._due: list[RegisterDue] = []

        top = QHBoxLayout()
        top.setContentsMargins(0, 0, 0, 0)
        cohort_label = QLabel("&Cohort")
        cohort_label.setBuddy(self.cohort)
        top.addWidget(cohort_label)
        top.addWidget(self.cohort, 2)
        session_label = QLabel("S&ession")
        session_label.setBuddy(self.session_choice)
        top.addSpacing(8)
        top.addWidget(session_label)
        top.addWidget(self.previous_button)
        top.addWidget(self.session_choice, 3)
        top.addWidget(self.next_button)
        top.addWidget(self.due)
        top.addWidget(self.list_button)

        self.side = QWidget()
        side_layout = QVBoxLayout(self.side)
        side_layout.setContentsMargins(0, 0, 0, 0)
        side_layout.addWidget(self.table_or_empty, 1)
        side_layout.addLayout(buttons)
        side_layout.addWidget(self.calendar)
        self.splitter = QSplitter()
        self.splitter.setChildrenCollapsible(False)
        self.splitter.addWidget(self.side)
        self.splitter.addWidget(self.register)
        self.splitter.setStretchFactor(1, 3)
        self.side.hide()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 4, 6, 4)
        layout.setSpacing(4)
        layout.addLayout(top)
        layout.addWidget(self.details)
        layout.addWidget(self.splitter, 1)
        self._current_session: uuid.UUID | None = None
        self._wanted_cohort: uuid.UUID | None = None
        self._list_chosen: bool | None = None  # None: as the room allows

    def reload(self) -> None:
        self.controller.load(lambda ws: ws.programme.list_cohorts(), self._show_cohorts)
        self.controller.load(lambda ws: ws.register.registers_not_taken(), self._show_due)

    def _show_cohorts(self, cohorts: list[CohortInfo]) -> None:
        current = self.cohort.currentData()
        self.cohort.blockSignals(True)
        self.cohort.clear()
        for cohort in cohorts:
            self.cohort.addItem(cohort.title, cohort.id)
        wanted = self._wanted_cohort or current
        self._wanted_cohort = None
        index = index_of(self.cohort, wanted) if wanted else -1
        if index < 0:
            index = cohort_to_open(cohorts, date.today())
        self.cohort.setCurrentIndex(index)
        self.cohort.blockSignals(False)
        self._load_sessions()

    def open_session(self, cohort_id: uuid.UUID, session_id: uuid.UUID) -> None:
        """Show one session's register, whichever cohort is chosen now."""
        self._current_session = session_id
        index = index_of(self.cohort, cohort_id)
        if index < 0:  # the cohorts are still loading: chosen when they come
            self._wanted_cohort = cohort_id
            return
        if index == self.cohort.currentIndex():
            self._load_sessions()
        else:
            self.cohort.setCurrentIndex(index)

    def _load_sessions(self) -> None:
        cohort_id = self.cohort.currentData()
        if cohort_id is None:
            self._show_sessions([])
            return
        self.controller.load(lambda ws: ws.programme.list_sessions(cohort_id), self._show_sessions)

    def _show_sessions(self, sessions: list[SessionInfo]) -> None:
        self.sessions.set_rows(sessions)
        self.table.resizeColumnsToContents()  # once: not again for every mark taken
        self._mark_calendar(sessions)
        self.session_choice.blockSignals(True)
        self.session_choice.clear()
        for session in sessions:
            self.session_choice.addItem(describe_choice(session), session.id)
        self.session_choice.blockSignals(False)
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
        if wanted < 0:
            wanted = session_to_open(sessions, date.today())
        if wanted >= 0:
            self._choose_row(wanted)
        else:
            self._current_session = None
            self.details.setText("")
            self.register.show_session(None)
        self._update_arrows()

    def _choose_row(self, row: int) -> None:
        self.table.selectRow(row)
        if self.table.currentIndex().row() != row:  # the selection model may be unchanged
            self._session_chosen(self.sessions.index(row, 0), None)

    def _step(self, by: int) -> None:
        row = self.session_choice.currentIndex() + by
        if 0 <= row < self.session_choice.count():
            self._choose_row(row)

    def _update_arrows(self) -> None:
        row, count = self.session_choice.currentIndex(), self.session_choice.count()
        self.previous_button.setEnabled(row > 0)
        self.next_button.setEnabled(0 <= row < count - 1)

    def _session_choice_changed(self, row: int) -> None:
        if 0 <= row < self.sessions.rowCount():
            self._choose_row(row)

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
            self._choose_row(row)

    def _session_chosen(self, current: Any, _previous: Any) -> None:
        session = self.sessions.row_at(current)
        if session is not None:
            held = session.held_on
            self.calendar.setSelectedDate(QDate(held.year, held.month, held.day))
            self.session_choice.blockSignals(True)
            self.session_choice.setCurrentIndex(current.row())
            self.session_choice.blockSignals(False)
            self.details.setText(describe_when(session))
            self.session_choice.setToolTip(describe_when(session))
        self._offer_cancel_or_reinstate(session)
        self.readings_button.setEnabled(session is not None)
        self._update_arrows()
        same = session is not None and session.id == self._current_session
        self._current_session = session.id if session else None
        shown = self.register.session
        if (
            not same
            or shown is None
            or (session is not None and session.cancelled != shown.cancelled)
        ):
            self.register.show_session(session)  # cancelled or reinstated: its register changed

    def _offer_cancel_or_reinstate(self, session: SessionInfo | None) -> None:
        """One button: it cancels the chosen session, or reinstates it if it was."""
        cancelled = session is not None and session.is_cancelled
        self.cancel_button.setText(REINSTATE_TEXT if cancelled else CANCEL_TEXT)
        self.cancel_button.setAccessibleName("Reinstate session" if cancelled else "Cancel session")
        self.cancel_button.setEnabled(
            session is not None and (cancelled or not session.marks_taken)
        )

    def _marks_changed(self, session_id: uuid.UUID, marked: int, _expected: int) -> None:
        if marked and any(d.session_id == session_id for d in self._due):
            self._show_due([d for d in self._due if d.session_id != session_id])
        for position, session in enumerate(self.sessions.rows):
            if session.id == session_id and session.marks_taken != marked:
                changed = replace(session, marks_taken=marked)
                self.sessions.replace_row(position, changed)
                self.session_choice.setItemText(position, describe_choice(changed))

    # -- registers not taken -----------------------------------------------------------

    def _show_due(self, due: list[RegisterDue]) -> None:
        """Registers held but not taken, flagged beside the session chooser: one press
        takes the oldest."""
        self._due = due
        self.due.setVisible(bool(due))
        if not due:
            return
        oldest = due[0]
        more = f", and {len(due) - 1} more" if len(due) > 1 else ""
        self.due.setText(f"⚠ {len(due)} not taken")
        description = f"Not taken yet: the register of {oldest.describe()}{more}."
        self.due.setToolTip(f"{description} Press to take the oldest.")
        self.due.setAccessibleDescription(description)

    def _open_oldest_due(self) -> None:
        if self._due:
            oldest = self._due[0]
            self.open_session(oldest.cohort_id, oldest.session_id)

    # -- room ------------------------------------------------------------------------------

    def _show_list(self, shown: bool) -> None:
        self._list_chosen = shown
        self._fit_to_room()

    def resizeEvent(self, event: Any) -> None:  # noqa: N802 - Qt API
        super().resizeEvent(event)
        self._fit_to_room()

    def _fit_to_room(self) -> None:
        """The register first: the list of sessions and the calendar only where they fit."""
        wide = self.width() >= _ROOM_FOR_THE_LIST
        shown = wide if self._list_chosen is None else self._list_chosen
        self.list_button.blockSignals(True)
        self.list_button.setChecked(shown)
        self.list_button.blockSignals(False)
        if shown != self.side.isVisibleTo(self):
            self.side.setVisible(shown)
            if shown:
                self.splitter.setSizes([360, max(1, self.splitter.width() - 360)])
        tall = self.height() >= _ROOM_FOR_THE_CALENDAR
        self.calendar.setVisible(tall)
        self.details.setVisible(tall)

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
            )

    def _add(self) -> None:
        self._open_session_dialog(None)

    def _edit(self) -> None:
        session = self.sessions.row_at(self.table.currentIndex())
        if session is not None:
            self._open_session_dialog(session)

    def _cancel_or_reinstate(self) -> None:
        session = self.sessions.row_at(self.table.currentIndex())
        if session is None:
            return
        session_id = session.id
        if session.is_cancelled:
            self.controller.change(lambda ws: ws.programme.reinstate_session(session_id))
            return
        dialog = CancelDialog(self, session)
        if dialog.exec():
            reason, note = dialog.values()
            self.controller.change(
                lambda ws: ws.programme.cancel_session(session_id, reason, note=note)
            )

    def _readings(self, session: SessionInfo | None = None, parent: QWidget | None = None) -> None:
        session = session or self.sessions.row_at(self.table.currentIndex())
        if session is not None:
            may_edit = self.may(Permission.EDIT_PROGRAMME)
            ReadingsDialog(parent or self, self.controller, session, may_edit=may_edit).exec()

    def _open_session_dialog(self, session: SessionInfo | None) -> None:
        cohort_id = self.cohort.currentData()
        if cohort_id is None:
            return
        next_week = max((s.week for s in self.sessions.rows), default=0) + 1

        def open_dialog(members: list[MemberInfo]) -> None:
            lecturers = [m for m in members if m.role is MembershipRole.LECTURER]
            dialog = SessionDialog(self, session, lecturers, next_week, readings=self._readings)
            if not dialog.exec():
                return
            values = dialog.values()
            if session is None:
                self.controller.change(
                    lambda ws: ws.programme.add_session(cohort_id=cohort_id, **values),
                )
            else:
                session_id = session.id
                self.controller.change(lambda ws: ws.programme.update_session(session_id, **values))

        self.controller.load(lambda ws: ws.memberships.list_members(cohort_id), open_dialog)


def _arrow(text: str, name: str, handler: Any) -> QToolButton:
    arrow = QToolButton()
    arrow.setText(text)
    arrow.setAccessibleName(name)
    arrow.setToolTip(name)
    arrow.clicked.connect(handler)
    return arrow


def _time_field(value: time | None, default: time) -> QTimeEdit:
    chosen = value or default
    field = QTimeEdit(QTime(chosen.hour, chosen.minute))
    field.setDisplayFormat("HH:mm")
    return field


class CancelDialog(FormDialog):
    def __init__(self, parent: QWidget, session: SessionInfo) -> None:
        super().__init__(f"Cancel {week_in_words(session.week)}", "Cancel the session", parent)
        self.form.addRow(
            muted(
                f"{session.title or session.kind.label}, {session.held_on:%A %d %B}. A cancelled "
                "session keeps its week in the programme, takes no register and counts in no "
                "attendance figure. It can be reinstated if it goes ahead after all."
            )
        )
        self.reason = self.add_row("&Why", EnumCombo(Cancellation))
        self.note = self.add_row("&Note", QLineEdit())
        self.note.setPlaceholderText("What happened, in a few words")

    def validate(self) -> None:
        if self.reason.value() is Cancellation.OTHER and not self.note.text().strip():
            raise ValidationError("Say in the note why the session was cancelled.")

    def values(self) -> tuple[Cancellation, str]:
        return self.reason.value(), self.note.text()


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
        *,
        readings: Callable[[SessionInfo, QWidget], None] | None = None,
    ) -> None:
        super().__init__("Add a session" if session is None else "Edit session", parent=parent)
        self._next_week = max(next_week, 1)
        self.week = QSpinBox()
        # Week 0 is the induction's, held before the course: chosen by its kind.
        self.week.setRange(INDUCTION_WEEK, 60)
        self.week.setSpecialValueText("Induction")
        self.week.setValue(session.week if session else self._next_week)
        self.add_row("&Week", self.week)
        self.held_on = self.add_row(
            "&Date", date_field(session.held_on if session else date.today())
        )
        self.kind = EnumCombo(SessionKind, session.kind if session else None)
        self.add_row("&Kind", self.kind)
        self.kind.currentIndexChanged.connect(self._kind_chosen)
        self._kind_chosen()
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
        names = names_told_apart((m.person_id, m.display_name) for m in lecturers)
        for member in lecturers:
            self.lecturer.addItem(names[member.person_id], member.person_id)
        if session is not None and session.lecturer_id is not None:
            self.lecturer.setCurrentIndex(max(0, index_of(self.lecturer, session.lecturer_id)))
        self.add_row("&Lecturer", self.lecturer)
        self.location = self.add_row("&Room", QLineEdit(session.location if session else ""))
        # The readings are a list of their own, with author, pages and a PDF each.
        if session is not None and readings is not None:
            shown = session
            self.readings_button = button("Readin&gs…", lambda: readings(shown, self))
            self.add_row("Readings", self.readings_button)
        else:
            self.form.addRow(muted("Add the readings once the session is saved: Readings…"))

    def _kind_chosen(self) -> None:
        """An induction is held in week 0, before the course; any other session in a
        week of the course, from 1."""
        induction = self.kind.value() is SessionKind.INDUCTION
        if induction:
            self.week.setValue(INDUCTION_WEEK)
        elif self.week.value() == INDUCTION_WEEK:
            self.week.setValue(self._next_week)
        self.week.setEnabled(not induction)

    def validate(self) -> None:
        if self.week.value() == INDUCTION_WEEK and self.kind.value() is not SessionKind.INDUCTION:
            raise ValidationError(
                "Week 0 is the induction's: choose the kind Induction, or a week from 1."
            )
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
            "location": self.location.text(),
        }
