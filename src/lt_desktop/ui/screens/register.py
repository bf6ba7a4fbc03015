"""The class register: fast, by keyboard or mouse, every mark saved as it is made.

Keys on a row: P present, L late, O left early, A absent (then the reason's
letter), E excused, Delete to clear. The next row is selected after each mark, so
a whole register is one key per person. Ctrl+Z undoes the last change.
"""

from __future__ import annotations

import uuid
from collections import Counter
from dataclasses import replace

from lt_desktop.core.roles import Permission
from lt_desktop.core.services.programme import SessionInfo
from lt_desktop.core.services.register import Mark, MarkChange, Register, RegisterLine
from lt_desktop.core.vocabulary import AbsenceReason, AttendanceStatus, MembershipRole
from lt_desktop.ui.controller import REGISTER, AppController
from lt_desktop.ui.models import Column, RecordTableModel
from lt_desktop.ui.qt import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QKeyEvent,
    QKeySequence,
    QLabel,
    QMenu,
    QShortcut,
    Qt,
    QTableView,
    QVBoxLayout,
    QWidget,
    Signal,
)
from lt_desktop.ui.widgets import Banner, EmptyOr, Tone, button, heading, muted

STATUS_KEYS = {
    Qt.Key.Key_P: AttendanceStatus.PRESENT,
    Qt.Key.Key_L: AttendanceStatus.LATE,
    Qt.Key.Key_O: AttendanceStatus.LEFT_EARLY,
    Qt.Key.Key_E: AttendanceStatus.EXCUSED,
}

#: Each reason's menu text, with the letter that picks it.
REASON_MENU = [
    (AbsenceReason.ILLNESS, "&Illness"),
    (AbsenceReason.LOCKDOWN, "Loc&kdown"),
    (AbsenceReason.LEGAL_VISIT, "&Legal visit"),
    (AbsenceReason.HEALTHCARE, "&Healthcare"),
    (AbsenceReason.WORK_OR_COURT, "&Work or court"),
    (AbsenceReason.TRANSFER, "&Transfer"),
    (AbsenceReason.RELEASE, "&Release"),
    (AbsenceReason.PERSONAL, "&Personal"),
    (AbsenceReason.UNKNOWN, "&Not known"),
]


def describe_mark(mark: Mark | None) -> str:
    if mark is None:
        return "—"
    return mark.status.label


def describe_reason(line: RegisterLine) -> str:
    if line.mark is None:
        return ""
    parts = []
    if line.mark.absence_reason is not None:
        parts.append(line.mark.absence_reason.label)
    if line.mark.note:
        parts.append(line.mark.note)
    return " · ".join(parts)


def count_summary(lines: list[RegisterLine]) -> str:
    counts = Counter(line.mark.status for line in lines if line.mark)
    unmarked = sum(1 for line in lines if line.mark is None)
    parts = [f"{status.label} {counts[status]}" for status in AttendanceStatus]
    return " · ".join(parts) + f" · Not yet marked {unmarked}"


class RegisterTable(QTableView):
    status_key = Signal(object)  # AttendanceStatus
    absent_key = Signal()
    clear_key = Signal()
    undo_key = Signal()

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802 - Qt API
        if event.matches(QKeySequence.StandardKey.Undo):
            self.undo_key.emit()
            return
        modifiers = event.modifiers() & ~Qt.KeyboardModifier.KeypadModifier
        if modifiers == Qt.KeyboardModifier.NoModifier:
            key = Qt.Key(event.key())
            if key in STATUS_KEYS:
                self.status_key.emit(STATUS_KEYS[key])
                return
            if key == Qt.Key.Key_A:
                self.absent_key.emit()
                return
            if key in (Qt.Key.Key_Delete, Qt.Key.Key_Backspace):
                self.clear_key.emit()
                return
        super().keyPressEvent(event)


class RegisterView(QWidget):
    """One session's register."""

    marks_changed = Signal(object, int, int)  # session id, marked, expected

    def __init__(self, controller: AppController, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.controller = controller
        self.session: SessionInfo | None = None
        self.title = heading("", 2)
        self.subtitle = muted()
        self.counts = QLabel()
        self.counts.setAccessibleName("Running count")
        self.counts.setWordWrap(True)
        self.banner = Banner()
        self.model = RecordTableModel[RegisterLine](
            [
                Column("Group", lambda line: line.group_name or "No group"),
                Column("Name", lambda line: line.display_name),
                Column(
                    "Role",
                    lambda line: "" if line.role is MembershipRole.STUDENT else line.role.label,
                ),
                Column("Attendance", lambda line: describe_mark(line.mark)),
                Column("Reason or note", describe_reason),
            ]
        )
        self.table = RegisterTable()
        self.table.setModel(self.model)
        self.table.setAccessibleName("Register")
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setTabKeyNavigation(False)
        self.table.verticalHeader().hide()
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setStretchLastSection(True)
        self.table.status_key.connect(self.mark_current)
        self.table.absent_key.connect(self.ask_absence_reason)
        self.table.clear_key.connect(lambda: self._set_current(None))
        self.table.undo_key.connect(self.undo)
        self.table_or_empty = EmptyOr(self.table, "Choose a session to take its register.")

        self.everyone_button = button("&Everyone present", self.everyone_present)
        self.everyone_button.setToolTip("Marks present everyone not yet marked (Ctrl+Shift+P)")
        self.undo_button = button("&Undo", self.undo)
        self.undo_button.setToolTip("Undo the last change (Ctrl+Z)")
        marks = QHBoxLayout()
        for text, handler in [
            ("Present (P)", lambda: self.mark_current(AttendanceStatus.PRESENT)),
            ("Late (L)", lambda: self.mark_current(AttendanceStatus.LATE)),
            ("Left early (O)", lambda: self.mark_current(AttendanceStatus.LEFT_EARLY)),
            ("Absent… (A)", self.ask_absence_reason),
            ("Excused (E)", lambda: self.mark_current(AttendanceStatus.EXCUSED)),
            ("Clear (Del)", lambda: self._set_current(None)),
        ]:
            marks.addWidget(button(text, handler))
        marks.addStretch(1)
        top = QHBoxLayout()
        top.addWidget(self.everyone_button)
        top.addWidget(self.undo_button)
        top.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addWidget(self.title)
        layout.addWidget(self.subtitle)
        layout.addLayout(top)
        layout.addWidget(self.counts)
        layout.addWidget(self.banner)
        layout.addWidget(self.table_or_empty, 1)
        layout.addLayout(marks)
        QShortcut(QKeySequence("Ctrl+Z"), self, self.undo)
        QShortcut(QKeySequence("Ctrl+Shift+P"), self, self.everyone_present)
        self._undo: list[list[MarkChange]] = []
        self.setEnabled(
            controller.workspace is not None
            and controller.workspace.actor.may(Permission.TAKE_REGISTER)
        )
        self.show_session(None)

    # -- loading -------------------------------------------------------------------------

    def show_session(self, session: SessionInfo | None) -> None:
        self.session = session
        self._undo.clear()
        self.undo_button.setEnabled(False)
        self.banner.clear()
        if session is None:
            self.title.setText("Register")
            self.subtitle.setText("Choose a session on the left.")
            self.counts.setText("")
            self.model.clear()
            self.table_or_empty.set_empty(True)
            self.everyone_button.setEnabled(False)
            return
        when = f"{session.held_on:%A %d %B %Y}"
        if session.starts_at:
            when += f", {session.starts_at:%H:%M}"
        self.title.setText(f"Week {session.week}: {session.title or session.kind.label}")
        self.subtitle.setText(
            f"{when} · {session.kind.label}"
            + (f" · {session.location}" if session.location else "")
        )
        session_id = session.id
        self.controller.load(lambda ws: ws.register.register(session_id), self._show_register)

    def _show_register(self, register: Register) -> None:
        if self.session is None or register.session_id != self.session.id:
            return
        self.model.set_rows(register.lines)
        self.table_or_empty.set_empty(
            not register.lines, "Nobody is expected at this session: enrol people in the cohort."
        )
        self.everyone_button.setEnabled(bool(register.lines))
        self._update_counts()
        if register.lines:
            first_unmarked = next(
                (i for i, line in enumerate(register.lines) if line.mark is None), 0
            )
            self.table.setCurrentIndex(self.model.index(first_unmarked, 3))
            self.table.setFocus()

    def _update_counts(self) -> None:
        lines = self.model.rows
        self.counts.setText(count_summary(lines))
        if self.session is not None:
            marked = sum(1 for line in lines if line.mark is not None)
            self.marks_changed.emit(self.session.id, marked, len(lines))

    # -- marking -------------------------------------------------------------------------

    def mark_current(self, status: AttendanceStatus) -> None:
        self._set_current(Mark(status))

    def ask_absence_reason(self) -> None:
        index = self.table.currentIndex()
        if not index.isValid():
            return
        menu = QMenu(self)
        menu.setAccessibleName("Reason for absence")
        for reason, text in REASON_MENU:
            action = menu.addAction(text)
            action.setData(reason)
        rect = self.table.visualRect(self.model.index(index.row(), 3))
        chosen = menu.exec(self.table.viewport().mapToGlobal(rect.bottomLeft()))
        if chosen is not None:
            self._set_current(Mark(AttendanceStatus.ABSENT, chosen.data()))

    def _set_current(self, mark: Mark | None) -> None:
        index = self.table.currentIndex()
        line = self.model.row_at(index)
        if line is None or self.session is None:
            return
        change = MarkChange(line.person_id, line.mark, mark)
        self._apply([change], advance_from=index.row())

    def everyone_present(self) -> None:
        present = Mark(AttendanceStatus.PRESENT)
        changes = [
            MarkChange(line.person_id, None, present)
            for line in self.model.rows
            if line.mark is None
        ]
        if changes:
            self._apply(changes)

    def undo(self) -> None:
        if not self._undo or self.session is None:
            return
        last = self._undo.pop()
        reverse = [MarkChange(c.person_id, c.after, c.before) for c in last]
        self._apply(reverse, remember=False)
        self.undo_button.setEnabled(bool(self._undo))

    def _apply(
        self, changes: list[MarkChange], *, advance_from: int | None = None, remember: bool = True
    ) -> None:
        """Show the marks at once, then save them; put them back if saving fails."""
        assert self.session is not None
        session_id = self.session.id
        self._show_marks({c.person_id: c.after for c in changes})
        if remember:
            self._undo.append(changes)
            self.undo_button.setEnabled(True)
        if advance_from is not None and advance_from + 1 < self.model.rowCount():
            self.table.setCurrentIndex(self.model.index(advance_from + 1, 3))
        wanted = {c.person_id: c.after for c in changes}

        def failed(message: str) -> None:
            if self.session is not None and self.session.id == session_id:
                self._show_marks({c.person_id: c.before for c in changes})
                if remember and self._undo and self._undo[-1] is changes:
                    self._undo.pop()
                self.banner.show_message(f"That mark was not saved: {message}", Tone.ERROR)

        self.controller.change(
            lambda ws: ws.register.set_marks(session_id, wanted), {REGISTER}, on_error=failed
        )

    def _show_marks(self, marks: dict[uuid.UUID, Mark | None]) -> None:
        actor = self.controller.workspace.actor.display_name if self.controller.workspace else ""
        for position, line in enumerate(self.model.rows):
            if line.person_id in marks:
                mark = marks[line.person_id]
                self.model.replace_row(
                    position, replace(line, mark=mark, recorded_by=actor if mark else "")
                )
        self._update_counts()

    def current_line(self) -> RegisterLine | None:
        return self.model.row_at(self.table.currentIndex())
