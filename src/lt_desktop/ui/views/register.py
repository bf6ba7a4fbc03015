"""The class register: fast, by keyboard or mouse, every mark saved as it is made.

Keys on a row: P present, L late, O left early, E excused, A absent (then the
reason's letter). Shift with L, O or E asks for a reason as well; R gives or changes
the reason of a mark already made; N types a note; Delete clears. The next row is
chosen after each mark, so a whole register is one key per person. Ctrl+Z undoes
the last change.
"""

from __future__ import annotations

import uuid
from collections import Counter
from dataclasses import replace

from lt_desktop.core.services.drafts import Draft
from lt_desktop.core.services.people import names_told_apart
from lt_desktop.core.services.programme import SessionInfo
from lt_desktop.core.services.register import (
    NOTE_LIMIT,
    Mark,
    MarkChange,
    Register,
    RegisterLine,
)
from lt_desktop.core.workspace import Workspace
from lt_desktop.domain.errors import ValidationError
from lt_desktop.domain.roles import Permission
from lt_desktop.domain.vocabulary import (
    REASONS_FOR,
    AttendanceStatus,
    MarkReason,
    MembershipRole,
    week_name,
)
from lt_desktop.ui.controller import AppController
from lt_desktop.ui.models import Column, RecordTableModel
from lt_desktop.ui.qt import (
    QAbstractItemView,
    QAction,
    QColor,
    QFont,
    QFontMetrics,
    QHBoxLayout,
    QHeaderView,
    QKeyEvent,
    QKeySequence,
    QLabel,
    QLineEdit,
    QMenu,
    QShortcut,
    QSizePolicy,
    QStyle,
    Qt,
    QTableView,
    QTimer,
    QToolBar,
    QToolButton,
    QVBoxLayout,
    QWidget,
    Signal,
    is_alive,
)
from lt_desktop.ui.widgets import Banner, EmptyOr, FormDialog, Tone, heading, muted

STATUS_KEYS = {
    Qt.Key.Key_P: AttendanceStatus.PRESENT,
    Qt.Key.Key_L: AttendanceStatus.LATE,
    Qt.Key.Key_O: AttendanceStatus.LEFT_EARLY,
    Qt.Key.Key_E: AttendanceStatus.EXCUSED,
    Qt.Key.Key_A: AttendanceStatus.ABSENT,
}

#: Each reason's menu text. The letters are unique across every menu, so a reason
#: is always the same key whichever mark it explains.
REASON_TEXT = {
    MarkReason.ILLNESS: "&Illness",
    MarkReason.LOCKDOWN: "Loc&kdown",
    MarkReason.REGIME_DELAY: "Regime &delay",
    MarkReason.MOVEMENT: "&Movements",
    MarkReason.LEGAL_VISIT: "&Legal visit",
    MarkReason.HEALTHCARE: "&Healthcare",
    MarkReason.WORK_OR_COURT: "&Work or court",
    MarkReason.TRANSFER: "&Transfer",
    MarkReason.RELEASE: "&Release",
    MarkReason.PERSONAL: "&Personal",
    MarkReason.UNKNOWN: "&Not known",
}
NO_REASON_TEXT = "No reason &given"

#: A sign for each mark, so that marks differ in shape as well as in colour.
SYMBOL = {
    AttendanceStatus.PRESENT: "✓",
    AttendanceStatus.LATE: "◷",
    AttendanceStatus.LEFT_EARLY: "⇤",
    AttendanceStatus.ABSENT: "✗",
    AttendanceStatus.EXCUSED: "○",
}

#: Tints that read on a light or a dark palette alike (they are see-through).
_TINT = {
    AttendanceStatus.LATE: QColor(230, 160, 0, 55),
    AttendanceStatus.LEFT_EARLY: QColor(230, 160, 0, 55),
    AttendanceStatus.ABSENT: QColor(220, 50, 50, 60),
    AttendanceStatus.EXCUSED: QColor(60, 120, 220, 50),
}

ATTENDANCE_COLUMN = 3
#: Where notes for people not yet marked are kept when the window locks.
NOTE_DRAFTS = "register"
#: How long after a mark it is saved: long enough for the row to be drawn first.
SAVE_AFTER_MS = 30


def describe_mark(mark: Mark | None) -> str:
    if mark is None:
        return "—"
    return f"{SYMBOL[mark.status]} {mark.status.label}"


def describe_reason(mark: Mark | None, pending_note: str = "") -> str:
    if mark is None:
        return f"Note, kept for their mark: {pending_note}" if pending_note else ""
    parts = []
    if mark.reason is not None:
        parts.append(mark.reason.label)
    if mark.note:
        parts.append(mark.note)
    return " · ".join(parts)


def _tally(lines: list[RegisterLine]) -> tuple[list[tuple[AttendanceStatus, int]], int]:
    """Each status with its count (present always, the others when any), and how many
    are not yet marked."""
    counts = Counter(line.mark.status for line in lines if line.mark)
    shown = [
        (status, counts[status])
        for status in AttendanceStatus
        if counts[status] or status is AttendanceStatus.PRESENT
    ]
    return shown, sum(1 for line in lines if line.mark is None)


def count_summary(lines: list[RegisterLine]) -> str:
    shown, unmarked = _tally(lines)
    return " · ".join(f"{status.label} {n}" for status, n in shown) + (
        f" · Not yet marked {unmarked}"
    )


def count_signs(lines: list[RegisterLine]) -> str:
    """The running count in the signs the rows show, short enough to sit beside the
    register's buttons on a laptop; ``count_summary`` says it in words."""
    shown, unmarked = _tally(lines)
    signs = " ".join(f"{SYMBOL[status]} {n}" for status, n in shown)
    return f"{unmarked} to mark · {signs}" if unmarked else f"All marked · {signs}"


def _tint(line: RegisterLine) -> QColor | None:
    return _TINT.get(line.mark.status) if line.mark else None


def _bold_when_missed(line: RegisterLine, font: QFont) -> QFont | None:
    if line.mark is None or line.mark.status is not AttendanceStatus.ABSENT:
        return None
    font.setBold(True)
    return font


class RegisterTable(QTableView):
    status_key = Signal(object, bool)  # AttendanceStatus, whether to ask for a reason
    reason_key = Signal()
    note_key = Signal()
    clear_key = Signal()
    undo_key = Signal()

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802 - Qt API
        if event.matches(QKeySequence.StandardKey.Undo):
            self.undo_key.emit()
            return
        modifiers = event.modifiers() & ~Qt.KeyboardModifier.KeypadModifier
        shifted = modifiers == Qt.KeyboardModifier.ShiftModifier
        if modifiers == Qt.KeyboardModifier.NoModifier or shifted:
            key = Qt.Key(event.key())
            if key in STATUS_KEYS:
                status = STATUS_KEYS[key]
                if not shifted or status is not AttendanceStatus.PRESENT:
                    self.status_key.emit(status, shifted or status is AttendanceStatus.ABSENT)
                    return
            if not shifted:
                if key == Qt.Key.Key_R:
                    self.reason_key.emit()
                    return
                if key == Qt.Key.Key_N:
                    self.note_key.emit()
                    return
                if key in (Qt.Key.Key_Delete, Qt.Key.Key_Backspace):
                    self.clear_key.emit()
                    return
        super().keyPressEvent(event)


class NoteDialog(FormDialog):
    """A line about one person's mark: why they were late, what they missed."""

    def __init__(self, parent: QWidget, name: str, note: str, *, marked: bool) -> None:
        super().__init__(f"Note for {name}", "Save note", parent)
        if not marked:
            self.form.addRow(
                muted(f"{name} is not marked yet: the note is saved with the mark you give next.")
            )
        self.note = self.add_row("&Note", QLineEdit(note))
        self.note.setMaxLength(NOTE_LIMIT)
        self.note.setPlaceholderText("For example: held at the gate, back from healthcare at 3")
        self.note.setFocus()

    def validate(self) -> None:
        if len(self.note.text()) > NOTE_LIMIT:
            raise ValidationError(f"A register note is at most {NOTE_LIMIT} characters.")


class RegisterView(QWidget):
    """One session's register."""

    marks_changed = Signal(object, int, int)  # session id, marked, expected

    def __init__(self, controller: AppController, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.controller = controller
        self.session: SessionInfo | None = None
        self._pending_notes: dict[tuple[uuid.UUID, uuid.UUID], str] = {}
        self._names: dict[uuid.UUID, str] = {}  # two of the same name, told apart
        self.title = heading("", 2)
        self.subtitle = muted()
        self.counts = QLabel()
        self.counts.setAccessibleName("Running count")
        self.banner = Banner()
        self.model = RecordTableModel[RegisterLine](
            [
                Column("Group", lambda line: line.group_name or "No group", background=_tint),
                Column(
                    "Name",
                    lambda line: self._names.get(line.person_id, line.display_name),
                    background=_tint,
                ),
                Column(
                    "Role",
                    lambda line: "" if line.role is MembershipRole.STUDENT else line.role.label,
                    background=_tint,
                ),
                Column(
                    "Attendance",
                    lambda line: describe_mark(line.mark),
                    background=_tint,
                    font=_bold_when_missed,
                ),
                Column(
                    "Reason or note",
                    lambda line: describe_reason(line.mark, self._pending_note(line.person_id)),
                    background=_tint,
                    tooltip=lambda line: describe_reason(
                        line.mark, self._pending_note(line.person_id)
                    ),
                ),
            ]
        )
        self.table = RegisterTable()
        self.table.setModel(self.model)
        self.table.setAccessibleName("Register")
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setTabKeyNavigation(False)
        self.table.setWordWrap(False)
        rows = self.table.verticalHeader()
        rows.hide()
        # Rows as tall as the text needs, so a laptop shows a whole small group at once.
        rows.setMinimumSectionSize(1)
        rows.setDefaultSectionSize(self.table.fontMetrics().height() + 5)
        # Columns are fitted once, when a register loads: fitting them again on every
        # mark would read every cell again on every key press.
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setStretchLastSection(True)
        self.table.status_key.connect(self._status_key)
        self.table.reason_key.connect(self.ask_reason)
        self.table.note_key.connect(self.ask_note)
        self.table.clear_key.connect(lambda: self._set_current(None))
        self.table.undo_key.connect(self.undo)
        self.table_or_empty = EmptyOr(self.table, "Choose a session to take its register.")

        self.toolbar = QToolBar("Register")
        self.toolbar.setAccessibleName("Register actions")
        self.toolbar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
        self.everyone_action = self._action(
            "Everyone present",
            "Marks present everyone not yet marked (Ctrl+Shift+P)",
            self.everyone_present,
        )
        self.undo_action = self._action("Undo", "Undo the last change (Ctrl+Z)", self.undo)
        self.toolbar.addSeparator()
        for text, tip, handler in [
            ("Present", "P", lambda: self.mark_current(AttendanceStatus.PRESENT)),
            ("Late", "L; with a reason, Shift+L", lambda: self.mark_current(AttendanceStatus.LATE)),
            (
                "Left early",
                "O; with a reason, Shift+O",
                lambda: self.mark_current(AttendanceStatus.LEFT_EARLY),
            ),
            ("Absent…", "A, then the reason's letter", self.ask_absence_reason),
            (
                "Excused",
                "E; with a reason, Shift+E",
                lambda: self.mark_current(AttendanceStatus.EXCUSED),
            ),
            ("Reason…", "R: the reason for the mark chosen", self.ask_reason),
            ("Note…", "N: a note on the mark chosen", self.ask_note),
            ("Clear", "Delete", lambda: self._set_current(None)),
        ]:
            self._action(text, f"{text.rstrip('…')} ({tip})", handler)
        self.everyone_button = self._button_for(self.everyone_action)
        self.undo_button = self._button_for(self.undo_action)

        self.heading_row = QWidget()
        title_row = QHBoxLayout(self.heading_row)
        title_row.setContentsMargins(0, 0, 0, 0)
        title_row.addWidget(self.title)
        title_row.addWidget(self.subtitle, 1)
        self.subtitle.setWordWrap(False)
        self.title.setWordWrap(False)
        actions_row = QHBoxLayout()
        actions_row.setContentsMargins(0, 0, 0, 0)
        actions_row.addWidget(self.toolbar, 1)
        actions_row.addWidget(self.counts)
        self.counts.setSizePolicy(QSizePolicy.Policy.Maximum, QSizePolicy.Policy.Preferred)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(4)
        layout.addWidget(self.heading_row)
        layout.addLayout(actions_row)
        layout.addWidget(self.banner)
        layout.addWidget(self.table_or_empty, 1)
        QShortcut(QKeySequence("Ctrl+Z"), self, self.undo)
        QShortcut(QKeySequence("Ctrl+Shift+P"), self, self.everyone_present)
        self._undo: list[list[MarkChange]] = []
        self._unsaved_session: uuid.UUID | None = None
        self._unsaved: dict[uuid.UUID, Mark | None] = {}
        self._save_soon = QTimer(self)
        self._save_soon.setSingleShot(True)
        self._save_soon.setInterval(SAVE_AFTER_MS)
        self._save_soon.timeout.connect(self.save_now)
        controller.closing.connect(self.save_now)
        controller.load(lambda ws: ws.drafts.waiting(NOTE_DRAFTS), self._notes_kept)
        self.setEnabled(
            controller.workspace is not None
            and controller.workspace.actor.may(Permission.TAKE_REGISTER)
        )
        self.show_session(None)

    def _action(self, text: str, tip: str, handler: object) -> QAction:
        action = QAction(text, self)
        action.setToolTip(tip)
        action.triggered.connect(handler)
        self.toolbar.addAction(action)
        widget = self.toolbar.widgetForAction(action)
        if widget is not None:
            widget.setAccessibleName(text.rstrip("…"))
        return action

    def _button_for(self, action: QAction) -> QToolButton:
        widget = self.toolbar.widgetForAction(action)
        assert isinstance(widget, QToolButton)
        return widget

    def show_heading(self, shown: bool) -> None:
        """Show the session's name above the register, where nothing else names it."""
        self.heading_row.setVisible(shown)

    # -- loading -------------------------------------------------------------------------

    def show_session(self, session: SessionInfo | None) -> None:
        # Marks waiting to be saved go first: the worker runs jobs in order, so coming
        # back to this session later reads them from the store.
        self.save_now()
        self.session = session
        self._undo.clear()
        self.undo_action.setEnabled(False)
        self.banner.clear()
        if session is None:
            self.title.setText("Register")
            self.subtitle.setText("Choose a session.")
            self.counts.setText("")
            self.model.clear()
            self.table_or_empty.set_empty(True)
            self.everyone_action.setEnabled(False)
            return
        self.title.setText(f"{week_name(session.week)}: {session.title or session.kind.label}")
        self.subtitle.setText(describe_when(session))
        session_id = session.id
        self.controller.load(lambda ws: ws.register.register(session_id), self._show_register)

    def _show_register(self, register: Register) -> None:
        if self.session is None or register.session_id != self.session.id:
            return
        # A cancelled session takes no register: nothing to mark and nothing to count.
        self.toolbar.setEnabled(not register.cancelled)
        if register.cancelled:
            self.model.clear()
            self.table_or_empty.set_empty(
                True,
                f"This session was cancelled ({register.cancelled}). It takes no register; "
                "if it went ahead after all, it can be reinstated on the Sessions screen.",
            )
            self.counts.setText("")
            self.counts.setToolTip("")
            self.counts.setAccessibleDescription("")
            return
        self._names = names_told_apart((ln.person_id, ln.display_name) for ln in register.lines)
        self.model.set_rows(register.lines)
        self._fit_columns()
        self.table_or_empty.set_empty(
            not register.lines, "Nobody is expected at this session: enrol people in the cohort."
        )
        self.everyone_action.setEnabled(bool(register.lines))
        self._update_counts()
        if register.lines:
            first_unmarked = next(
                (i for i, line in enumerate(register.lines) if line.mark is None), 0
            )
            self.table.setCurrentIndex(self.model.index(first_unmarked, ATTENDANCE_COLUMN))
            self.table.setFocus()

    def _fit_columns(self) -> None:
        self.table.resizeColumnsToContents()
        bold = QFont(self.table.font())
        bold.setBold(True)
        widest_mark = max(
            QFontMetrics(bold).horizontalAdvance(describe_mark(Mark(status)))
            for status in AttendanceStatus
        )
        header = self.table.horizontalHeader()
        needed = (
            widest_mark
            + 4 * self.table.style().pixelMetric(QStyle.PixelMetric.PM_FocusFrameHMargin)
            + 12
        )
        header.resizeSection(ATTENDANCE_COLUMN, max(header.sectionSize(ATTENDANCE_COLUMN), needed))

    def _update_counts(self) -> None:
        lines = self.model.rows
        words = count_summary(lines)
        self.counts.setText(count_signs(lines))
        self.counts.setToolTip(words)
        self.counts.setAccessibleDescription(words)
        if self.session is not None:
            marked = sum(1 for line in lines if line.mark is not None)
            self.marks_changed.emit(self.session.id, marked, len(lines))

    # -- marking -------------------------------------------------------------------------

    def mark_current(self, status: AttendanceStatus) -> None:
        line = self.current_line()
        if line is None:
            return
        self._set_current(Mark(status, note=self._note_for(line)))

    def _status_key(self, status: AttendanceStatus, with_reason: bool) -> None:
        if with_reason:
            self._ask_reason_for(status)
        else:
            self.mark_current(status)

    def ask_absence_reason(self) -> None:
        self._ask_reason_for(AttendanceStatus.ABSENT)

    def ask_reason(self) -> None:
        """Give or change the reason of the mark already made on the chosen row."""
        line = self.current_line()
        if line is None:
            return
        if line.mark is None or not REASONS_FOR[line.mark.status]:
            self.banner.show_message(
                "Choose late, left early, absent or excused first: those marks take a reason.",
                Tone.INFO,
            )
            return
        self._ask_reason_for(line.mark.status, advance=False)

    def _ask_reason_for(self, status: AttendanceStatus, *, advance: bool = True) -> None:
        index = self.table.currentIndex()
        line = self.model.row_at(index)
        if line is None:
            return
        menu = QMenu(self)
        menu.setAccessibleName(f"Reason: {status.label.lower()}")
        chosen_reason: dict[QAction, MarkReason | None] = {}
        if status is not AttendanceStatus.ABSENT:
            chosen_reason[menu.addAction(NO_REASON_TEXT)] = None
        for reason in REASONS_FOR[status]:
            chosen_reason[menu.addAction(REASON_TEXT[reason])] = reason
        rect = self.table.visualRect(self.model.index(index.row(), ATTENDANCE_COLUMN))
        chosen = menu.exec(self.table.viewport().mapToGlobal(rect.bottomLeft()))
        if not is_alive(self):
            return  # the window locked while the menu was open
        if is_alive(menu):
            menu.deleteLater()
        self._take_back_the_keyboard()
        if chosen is None or chosen not in chosen_reason:
            return
        mark = Mark(status, chosen_reason[chosen], self._note_for(line))
        self._set_current(mark, advance=advance)

    def ask_note(self) -> None:
        """Type a note on the chosen row's mark (or keep it for the mark to come)."""
        line = self.current_line()
        if line is None or self.session is None:
            return
        session_id = self.session.id
        dialog = NoteDialog(
            self, line.display_name, self._note_for(line), marked=line.mark is not None
        )
        accepted = dialog.exec()
        if not is_alive(self):
            return  # the window locked while the note was open
        if is_alive(dialog):
            dialog.deleteLater()
        self._take_back_the_keyboard()
        if not accepted:
            return
        note = " ".join(dialog.note.text().split())
        current = self.current_line()
        if self.session is None or self.session.id != session_id or current is None:
            return
        if current.mark is None:
            key = (session_id, current.person_id)
            if note:
                self._pending_notes[key] = note
            else:
                self._pending_notes.pop(key, None)
            row = self.table.currentIndex().row()
            self.model.replace_row(row, current)
            return
        self._set_current(current.mark.with_note(note), advance=False)

    def drafts(self) -> list[Draft]:
        """Notes typed for people not yet marked: kept at a lock, like other typing."""
        return [
            Draft(NOTE_DRAFTS, f"{session_id}/{person_id}", "note", note)
            for (session_id, person_id), note in self._pending_notes.items()
        ]

    def _notes_kept(self, drafts: list[Draft]) -> None:
        for draft in drafts:
            session_text, _, person_text = draft.record.partition("/")
            try:
                key = (uuid.UUID(session_text), uuid.UUID(person_text))
            except ValueError:
                continue
            self._pending_notes.setdefault(key, draft.text)
        if drafts:
            records = [draft.record for draft in drafts]

            def forget(ws: Workspace) -> None:
                for record in records:
                    ws.drafts.discard(NOTE_DRAFTS, record, ["note"])

            self.controller.change(forget)
            if self.session is not None:
                self.model.set_rows(self.model.rows)

    def _take_back_the_keyboard(self) -> None:
        """After a dialog, the next key goes to the register again."""
        self.window().activateWindow()
        self.table.setFocus()

    def _note_for(self, line: RegisterLine) -> str:
        if line.mark is not None and line.mark.note:
            return line.mark.note
        return self._pending_note(line.person_id)

    def _pending_note(self, person_id: uuid.UUID) -> str:
        if self.session is None:
            return ""
        return self._pending_notes.get((self.session.id, person_id), "")

    def _set_current(self, mark: Mark | None, *, advance: bool = True) -> None:
        index = self.table.currentIndex()
        line = self.model.row_at(index)
        if line is None or self.session is None:
            return
        if mark is not None:
            self._pending_notes.pop((self.session.id, line.person_id), None)
        change = MarkChange(line.person_id, line.mark, mark)
        self._apply([change], advance_from=index.row() if advance else None)

    def everyone_present(self) -> None:
        if self.session is None:
            return
        changes = []
        for line in self.model.rows:
            if line.mark is None:
                note = self._pending_notes.pop((self.session.id, line.person_id), "")
                changes.append(
                    MarkChange(line.person_id, None, Mark(AttendanceStatus.PRESENT, note=note))
                )
        if changes:
            self._apply(changes)

    def undo(self) -> None:
        if not self._undo or self.session is None:
            return
        last = self._undo.pop()
        reverse = [MarkChange(c.person_id, c.after, c.before) for c in last]
        for change in reverse:
            # A note typed before the mark stays, waiting for the next mark.
            if change.after is None and change.before is not None and change.before.note:
                self._pending_notes[(self.session.id, change.person_id)] = change.before.note
        self._apply(reverse, remember=False)
        self.undo_action.setEnabled(bool(self._undo))

    def _apply(
        self, changes: list[MarkChange], *, advance_from: int | None = None, remember: bool = True
    ) -> None:
        """Show the marks at once; save them a moment later (see ``save_now``)."""
        assert self.session is not None
        if self._unsaved_session not in (None, self.session.id):
            self.save_now()
        self.banner.clear()
        self._show_marks({c.person_id: c.after for c in changes})
        if remember:
            self._undo.append(changes)
            self.undo_action.setEnabled(True)
        if advance_from is not None and advance_from + 1 < self.model.rowCount():
            self.table.setCurrentIndex(self.model.index(advance_from + 1, ATTENDANCE_COLUMN))
        self._unsaved_session = self.session.id
        self._unsaved.update({c.person_id: c.after for c in changes})
        self._save_soon.start()

    @property
    def has_unsaved_marks(self) -> bool:
        """Marks shown but not yet handed to the store."""
        return bool(self._unsaved)

    def save_now(self) -> None:
        """Save the marks made since the last save, in one transaction.

        Marks are saved a moment after they are made, once they are drawn: a save
        running while the row is painted would hold up the painting, and marks made
        in quick succession go to the store together. The window's lock, a restore
        and quitting save them first (``AppController.closing``).
        """
        self._save_soon.stop()
        session_id, wanted = self._unsaved_session, dict(self._unsaved)
        self._unsaved_session, self._unsaved = None, {}
        if session_id is None or not wanted:
            return

        def failed(message: str) -> None:
            if self.session is not None and self.session.id == session_id:
                self.banner.show_message(
                    f"Those marks were not saved: {message} The register shows what is saved.",
                    Tone.ERROR,
                )
                self._undo.clear()
                self.undo_action.setEnabled(False)
                self.save_now()  # marks made since go first, so the reload shows them
                self.controller.load(
                    lambda ws: ws.register.register(session_id), self._show_register
                )

        self.controller.change(
            lambda ws: ws.register.set_marks(session_id, wanted), on_error=failed
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


def describe_when(session: SessionInfo) -> str:
    when = f"{session.held_on:%a %d %b %Y}"
    if session.starts_at:
        when += f", {session.starts_at:%H:%M}"
    return f"{when} · {session.kind.label}" + (f" · {session.location}" if session.location else "")
