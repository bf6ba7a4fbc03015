"""End-of-course evaluation: reflective interviews (only for people whose consent
covers them) and the group sense-making meeting, with its register and notes.

Both are kept on one screen because they happen together at the end of a course
and are typed up by the same people from the same notebooks.
"""

from __future__ import annotations

import uuid
from dataclasses import replace
from datetime import date, datetime, time
from functools import partial
from pathlib import Path
from typing import Any

from lt_desktop.core.services.interviews import (
    MAX_TRANSCRIPT_CHARS,
    InterviewInfo,
    InterviewLine,
    SenseMakingMeeting,
)
from lt_desktop.core.services.people import short_reference
from lt_desktop.core.services.programme import CohortInfo, SessionInfo
from lt_desktop.core.workspace import Workspace
from lt_desktop.domain.changes import Change
from lt_desktop.domain.errors import ValidationError
from lt_desktop.domain.roles import Permission
from lt_desktop.domain.vocabulary import InterviewStatus, SessionKind
from lt_desktop.ui.controller import AppController
from lt_desktop.ui.drafts import RESTORED
from lt_desktop.ui.fitting import VerticalScrollArea
from lt_desktop.ui.models import Column, RecordTableModel
from lt_desktop.ui.qt import (
    QAbstractItemView,
    QComboBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QSplitter,
    QTableView,
    QTabWidget,
    QTime,
    QTimeEdit,
    QVBoxLayout,
    QWidget,
)
from lt_desktop.ui.screens.base import Screen, offer_only_if
from lt_desktop.ui.views.register import RegisterView
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
    time_of,
)

MAX_TRANSCRIPT_FILE_BYTES = 2 * 1024 * 1024


def interview_state(line: InterviewLine) -> str:
    interview = line.interview
    if interview is not None:
        when = interview.scheduled_for
        return interview.status.label + (f" {when.astimezone():%d %b %Y}" if when else "")
    return "No consent" if not line.may_be_interviewed else "—"


def consent_state(line: InterviewLine) -> str:
    return "Covers interviews" if line.may_be_interviewed else "Not given"


def read_transcript_file(path: Path) -> str:
    """A transcript saved as a text file, read into memory (it is never written out)."""
    data = path.read_bytes()
    if len(data) > MAX_TRANSCRIPT_FILE_BYTES:
        raise ValidationError("That file is larger than 2 MB; a typed transcript is much smaller.")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        try:
            text = data.decode("utf-16")
        except UnicodeDecodeError:
            raise ValidationError(
                "That file is not plain text. Save the transcript as a .txt file and load that."
            ) from None
    if "\x00" in text:
        raise ValidationError(
            "That file is not plain text. Save the transcript as a .txt file and load that."
        )
    if len(text) > MAX_TRANSCRIPT_CHARS:
        raise ValidationError("That transcript is too long to keep; split it into parts.")
    return text


class InterviewsScreen(Screen):
    title = "Interviews"
    needs = frozenset({Permission.ENTER_RESEARCH_DATA})
    # Not Change.INTERVIEWS, which its own saves write: reloading would replace what is
    # being typed.
    listens_to = frozenset({Change.CONSENT, Change.COHORTS, Change.MEMBERS, Change.SESSIONS})

    def __init__(self, controller: AppController, parent: QWidget | None = None) -> None:
        super().__init__(controller, parent)
        self.cohort = QComboBox()
        self.cohort.setAccessibleName("Cohort")
        self.cohort.currentIndexChanged.connect(self._load_cohort)
        self.interviews = InterviewsTab(self)
        self.sense_making = SenseMakingTab(self)
        self.tabs = QTabWidget()
        self.tabs.setAccessibleName("Evaluation")
        self.tabs.addTab(self.interviews, "&Reflective interviews")
        self.tabs.addTab(self.sense_making, "&Group sense-making")
        top = QHBoxLayout()
        label = QLabel("&Cohort")
        label.setBuddy(self.cohort)
        top.addWidget(label)
        top.addWidget(self.cohort, 1)
        layout = QVBoxLayout(self)
        layout.addWidget(heading("End-of-course evaluation"))
        layout.addLayout(top)
        layout.addWidget(self.tabs, 1)

    def reload(self) -> None:
        self.controller.load(lambda ws: ws.programme.list_cohorts(), self._show_cohorts)

    def _show_cohorts(self, cohorts: list[CohortInfo]) -> None:
        current = self.cohort.currentData()
        self.cohort.blockSignals(True)
        self.cohort.clear()
        for cohort in cohorts:
            self.cohort.addItem(cohort.title, cohort.id)
        index = index_of(self.cohort, current) if current else -1
        if index < 0:  # where typing is waiting to be put back
            typed = {record.split("/")[0] for record in self.typing.waiting_records()}
            index = next((i for i, c in enumerate(cohorts) if str(c.id) in typed), -1)
        if index < 0:  # the most recent cohort that has finished, else the newest
            today = date.today()
            ended = [i for i, c in enumerate(cohorts) if c.ends_on < today]
            index = ended[0] if ended else 0
        self.cohort.setCurrentIndex(index)
        self.cohort.blockSignals(False)
        self._load_cohort()

    def _load_cohort(self) -> None:
        cohort_id = self.cohort.currentData()
        self.interviews.load(cohort_id)
        self.sense_making.load(cohort_id)


class InterviewsTab(QWidget):
    def __init__(self, screen: InterviewsScreen) -> None:
        super().__init__()
        self.owner = screen
        self.controller = screen.controller
        self.people = RecordTableModel[InterviewLine](
            [
                Column("Name", lambda line: line.display_name),
                Column("Role", lambda line: line.role.label),
                Column("Reference", lambda line: short_reference(line.person_id)),
                Column("Consent", consent_state),
                Column("Interview", interview_state),
            ]
        )
        self.table = QTableView()
        self.table.setModel(self.people)
        self.table.setAccessibleName("Participants")
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setTabKeyNavigation(False)
        self.table.verticalHeader().hide()
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setStretchLastSection(True)
        self.table.selectionModel().currentRowChanged.connect(self._person_chosen)
        self.table_or_empty = EmptyOr(self.table, "Nobody has taken part in this cohort yet.")

        self.person_title = heading("", 2)
        self.consent_banner = Banner()
        self.held_on = date_field(date.today())
        self.held_on.setAccessibleName("Date")
        self.at = QTimeEdit(QTime(10, 0))
        self.at.setDisplayFormat("HH:mm")
        self.at.setAccessibleName("Time")
        self.interviewer = QLineEdit()
        self.interviewer.setAccessibleName("Interviewer")
        self.status = EnumCombo(InterviewStatus)
        self.status.setAccessibleName("Status")
        self.notes = QPlainTextEdit()
        self.notes.setTabChangesFocus(True)
        self.notes.setAccessibleName("Notes")
        self.notes.setPlaceholderText("The interviewer's notes.")
        self.transcript = QPlainTextEdit()
        self.transcript.setTabChangesFocus(True)
        self.transcript.setAccessibleName("Transcript")
        self.transcript.setPlaceholderText(
            "Type or paste the transcript, or load it from a text file."
        )
        self.transcript_name = muted()
        self.load_button = button("&Load transcript from a text file…", self.load_transcript)
        self.save_button = button("&Schedule interview", self.save)
        self.banner = Banner()

        when = QHBoxLayout()
        when.addWidget(self.held_on)
        when.addWidget(self.at)
        when.addStretch(1)
        form = QFormLayout()
        for text, field in (
            ("&Date and time", self.held_on),
            ("Inter&viewer", self.interviewer),
            ("S&tatus", self.status),
            ("N&otes", self.notes),
            ("Transcri&pt", self.transcript),
        ):
            label = QLabel(text)
            label.setBuddy(field)
            form.addRow(label, when if field is self.held_on else field)
        form.addRow("", self.transcript_name)
        form.addRow("", self.load_button)
        self.editor = QWidget()
        editor_layout = QVBoxLayout(self.editor)
        editor_layout.addWidget(self.person_title)
        editor_layout.addWidget(self.consent_banner)
        editor_layout.addLayout(form, 1)
        row = QHBoxLayout()
        row.addWidget(self.save_button)
        row.addStretch(1)
        editor_layout.addLayout(row)
        editor_layout.addWidget(self.banner)

        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        left_layout.addWidget(self.table_or_empty, 1)
        left_layout.addWidget(
            muted(
                "An interview can be arranged and kept only for people whose consent covers "
                "interviews. Notes and transcripts stay inside the encrypted store."
            )
        )
        splitter = QSplitter()
        splitter.addWidget(left)
        splitter.addWidget(VerticalScrollArea(self.editor, "Interview"))
        splitter.setSizes([460, 620])
        layout = QVBoxLayout(self)
        layout.addWidget(splitter)
        self._cohort_id: uuid.UUID | None = None
        self._transcript_file = ""
        self._editing: uuid.UUID | None = None
        self._clear_editor()
        for name, field in (("interview notes", self.notes), ("transcript", self.transcript)):
            screen.typing.add(
                name,
                field,
                record=self._typing_record,
                saved=partial(self._saved_text, name),
                restored=self._restored,
            )

    def _typing_record(self) -> str | None:
        """The cohort and person of the interview being typed up."""
        line = self.current_line()
        if self._cohort_id is None or line is None or not self.editor.isEnabled():
            return None
        return f"{self._cohort_id}/{line.person_id}"

    def _saved_text(self, name: str) -> str:
        line = self.current_line()
        interview = line.interview if line is not None else None
        if interview is None:
            return ""
        return interview.notes if name == "interview notes" else interview.transcript

    def _restored(self) -> None:
        self.banner.show_message(RESTORED, Tone.INFO)

    # -- loading -------------------------------------------------------------------------

    def load(self, cohort_id: uuid.UUID | None) -> None:
        if cohort_id != self._cohort_id:
            self._editing = None
        self._cohort_id = cohort_id
        if cohort_id is None:
            self._show_lines([])
            return
        self.controller.load(
            lambda ws: ws.interviews.cohort(cohort_id),
            self._show_lines,
            lambda message: self.banner.show_message(message, Tone.ERROR),
        )

    def _show_lines(self, lines: list[InterviewLine]) -> None:
        chosen = self._editing
        if chosen is None:  # whoever has typing waiting to be put back
            typed = self.owner.typing.waiting_records()
            chosen = next(
                (x.person_id for x in lines if f"{self._cohort_id}/{x.person_id}" in typed), None
            )
        self.people.set_rows(lines)
        self.table_or_empty.set_empty(not lines)
        row = next((i for i, line in enumerate(lines) if line.person_id == chosen), -1)
        if row >= 0:
            self.table.selectRow(row)
        else:
            self._clear_editor()

    def _clear_editor(self) -> None:
        self.person_title.setText("Choose a participant")
        self.consent_banner.clear()
        self.editor.setEnabled(False)

    def current_line(self) -> InterviewLine | None:
        return self.people.row_at(self.table.currentIndex())

    def _person_chosen(self, current: Any, _previous: Any) -> None:
        line = self.people.row_at(current)
        if line is None:
            self._clear_editor()
            return
        same = line.person_id == self._editing
        self._editing = line.person_id
        self.editor.setEnabled(True)
        self.banner.clear()
        self.person_title.setText(f"{line.display_name} ({line.role.label.lower()})")
        if line.consent_problem:
            self.consent_banner.show_message(
                f"{line.consent_problem} No interview can be arranged or kept for them.",
                Tone.WARNING,
            )
        else:
            self.consent_banner.clear()
        interview = line.interview
        self.save_button.setText("&Save interview" if interview else "&Schedule interview")
        self.save_button.setAccessibleName("Save interview" if interview else "Schedule interview")
        allowed = line.may_be_interviewed
        for widget in (
            self.held_on,
            self.at,
            self.interviewer,
            self.notes,
            self.transcript,
            self.load_button,
        ):
            widget.setEnabled(allowed)
        # Without consent, a planned interview can still be called off.
        self.status.setEnabled(interview is not None)
        self.save_button.setEnabled(allowed or interview is not None)
        typing = same and (
            self.notes.document().isModified() or self.transcript.document().isModified()
        )
        if typing:
            return  # the list was refreshed under what is being typed: keep it
        self._fill(interview)

    def _fill(self, interview: InterviewInfo | None) -> None:
        when = (
            interview.scheduled_for.astimezone()
            if interview and interview.scheduled_for
            else datetime.combine(date.today(), time(10, 0))
        )
        self.held_on.set_value(when.date())
        self.at.setTime(QTime(when.hour, when.minute))
        actor = self.controller.workspace.actor.display_name if self.controller.workspace else ""
        self.interviewer.setText(interview.interviewer_name if interview else actor)
        self.status.set_value(interview.status if interview else InterviewStatus.PLANNED)
        self.notes.setPlainText(interview.notes if interview else "")
        self.transcript.setPlainText(interview.transcript if interview else "")
        self.notes.document().setModified(False)
        self.transcript.document().setModified(False)
        self._transcript_file = ""
        self.transcript_name.setText(
            f"Kept as {interview.transcript_name}"
            if interview and interview.transcript_name
            else ""
        )
        self.owner.typing.put_back()

    # -- saving --------------------------------------------------------------------------

    def load_transcript(self) -> None:
        path, _ = QFileDialog.getOpenFileName(
            self, "Load a transcript", str(Path.home()), "Text files (*.txt);;All files (*)"
        )
        if path:
            self.load_transcript_from(Path(path))

    def load_transcript_from(self, path: Path) -> None:
        try:
            text = read_transcript_file(path)
        except ValidationError as error:
            self.banner.show_message(str(error), Tone.ERROR)
            return
        except OSError as error:
            self.banner.show_message(f"That file could not be read: {error.strerror}", Tone.ERROR)
            return
        self.transcript.setPlainText(text)
        self.transcript.document().setModified(True)
        self._transcript_file = path.name
        self.transcript_name.setText(f"Loaded from {path.name}: save to keep it in the store.")

    def scheduled_for(self) -> datetime:
        return datetime.combine(date_of(self.held_on), time_of(self.at)).astimezone()

    def save(self) -> None:
        line = self.current_line()
        if line is None or self._cohort_id is None:
            return
        cohort_id, person_id, name = self._cohort_id, line.person_id, line.display_name
        try:
            scheduled_for, interviewer = self.scheduled_for(), self.interviewer.text()
        except ValidationError as error:
            self.banner.show_message(str(error), Tone.ERROR)
            return
        interview = line.interview
        if interview is None:
            self.controller.change(
                lambda ws: ws.interviews.schedule(
                    cohort_id, person_id, scheduled_for=scheduled_for, interviewer_name=interviewer
                ),
                lambda info: self._saved(
                    info, f"Interview with {name} arranged for {scheduled_for:%d %b %Y at %H:%M}."
                ),
                self._failed,
            )
            return
        self._update(line, interview)

    def _update(self, line: InterviewLine, interview: InterviewInfo) -> None:
        values = {
            "scheduled_for": self.scheduled_for(),
            "interviewer_name": self.interviewer.text(),
            "status": self.status.value(),
            "notes": self.notes.toPlainText(),
            "transcript": self.transcript.toPlainText(),
            "transcript_name": self._transcript_file,
        }
        interview_id = interview.id
        self.controller.change(
            lambda ws: ws.interviews.update(interview_id, **values),
            lambda info: self._saved(info, f"Saved the interview with {line.display_name}."),
            self._failed,
        )

    def _saved(self, info: InterviewInfo, message: str) -> None:
        for position, row in enumerate(self.people.rows):
            if row.person_id == info.person_id:
                self.people.replace_row(position, replace(row, interview=info))
                if row.person_id == self._editing:
                    self.notes.document().setModified(False)
                    self.transcript.document().setModified(False)
                    self._transcript_file = ""
                    self._person_chosen(self.table.currentIndex(), None)
        self.banner.show_message(message, Tone.GOOD)

    def _failed(self, message: str) -> None:
        self.banner.show_message(message, Tone.ERROR)


class SenseMakingTab(QWidget):
    """The group sense-making meeting: a session of its own kind, with its own
    register and the notes of what the group made sense of together."""

    def __init__(self, screen: InterviewsScreen) -> None:
        super().__init__()
        self.owner = screen
        self.controller = screen.controller
        self.meeting = QComboBox()
        self.meeting.setAccessibleName("Meeting")
        self.meeting.currentIndexChanged.connect(self._meeting_chosen)
        self.add_button = button("A&dd a sense-making meeting…", self.add_meeting)
        offer_only_if(screen.may(Permission.EDIT_PROGRAMME), self.add_button)
        self.register = RegisterView(self.controller)
        self.register.show_heading(False)  # the meeting chosen above names it
        self.notes = QPlainTextEdit()
        self.notes.setTabChangesFocus(True)
        self.notes.setAccessibleName("Notes of the meeting")
        self.notes.setPlaceholderText(
            "What the group made sense of together: themes, disagreements, what to change."
        )
        self.save_button = button("Sa&ve notes", self.save_notes)
        self.banner = Banner()

        top = QHBoxLayout()
        label = QLabel("&Meeting")
        label.setBuddy(self.meeting)
        top.addWidget(label)
        top.addWidget(self.meeting, 1)
        top.addWidget(self.add_button)
        notes_box = QWidget()
        notes_layout = QVBoxLayout(notes_box)
        notes_layout.setContentsMargins(0, 0, 0, 0)
        notes_label = heading("N&otes", 2)
        notes_label.setBuddy(self.notes)
        notes_layout.addWidget(notes_label)
        notes_layout.addWidget(
            muted("Keep the group's themes; do not attribute words to anyone by name.")
        )
        notes_layout.addWidget(self.notes, 1)
        row = QHBoxLayout()
        row.addWidget(self.save_button)
        row.addStretch(1)
        notes_layout.addLayout(row)
        notes_layout.addWidget(self.banner)
        splitter = QSplitter()
        splitter.addWidget(self.register)
        splitter.addWidget(notes_box)
        splitter.setSizes([600, 480])
        self.body = EmptyOr(splitter, "")
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.body, 1)
        self._cohort_id: uuid.UUID | None = None
        self._meetings: list[tuple[SenseMakingMeeting, SessionInfo]] = []
        self._sessions: list[SessionInfo] = []
        screen.typing.add(
            "meeting notes",
            self.notes,
            record=self._typing_record,
            saved=lambda: chosen[0].notes if (chosen := self._current()) else "",
            restored=lambda: self.banner.show_message(RESTORED, Tone.INFO),
        )

    def _typing_record(self) -> str | None:
        """The cohort and meeting whose notes are being typed."""
        chosen = self._current()
        return f"{self._cohort_id}/{chosen[0].session_id}" if chosen is not None else None

    def load(self, cohort_id: uuid.UUID | None) -> None:
        self._cohort_id = cohort_id
        if cohort_id is None:
            self._show_meetings(([], []))
            return

        def fetch(
            ws: Workspace,
        ) -> tuple[list[tuple[SenseMakingMeeting, SessionInfo]], list[SessionInfo]]:
            sessions = ws.programme.list_sessions(cohort_id)
            by_id = {s.id: s for s in sessions}
            meetings = ws.interviews.sense_making(cohort_id)
            return [(m, by_id[m.session_id]) for m in meetings], sessions

        self.controller.load(
            fetch, self._show_meetings, lambda m: self.banner.show_message(m, Tone.ERROR)
        )

    def _show_meetings(
        self, result: tuple[list[tuple[SenseMakingMeeting, SessionInfo]], list[SessionInfo]]
    ) -> None:
        meetings, self._sessions = result
        current = self.meeting.currentData()
        self._meetings = meetings
        self.meeting.blockSignals(True)
        self.meeting.clear()
        for meeting, _ in meetings:
            self.meeting.addItem(
                f"{meeting.held_on:%d %b %Y}: {meeting.title or 'Group sense-making'}",
                meeting.session_id,
            )
        index = index_of(self.meeting, current) if current else -1
        self.meeting.setCurrentIndex(index if index >= 0 else len(meetings) - 1)
        self.meeting.blockSignals(False)
        self.meeting.setEnabled(bool(meetings))
        self.add_button.setEnabled(self._cohort_id is not None)
        self.body.set_empty(
            not meetings,
            "This cohort has no sense-making meeting yet."
            + (
                " Add one with Add a sense-making meeting; its register and notes are kept here."
                if self.owner.may(Permission.EDIT_PROGRAMME)
                else ""
            ),
        )
        self._meeting_chosen(keep_typing=current is not None)

    def _current(self) -> tuple[SenseMakingMeeting, SessionInfo] | None:
        index = self.meeting.currentIndex()
        return self._meetings[index] if 0 <= index < len(self._meetings) else None

    def _meeting_chosen(self, *_: Any, keep_typing: bool = False) -> None:
        chosen = self._current()
        self.save_button.setEnabled(chosen is not None)
        self.notes.setEnabled(chosen is not None)
        if chosen is None:
            self.register.show_session(None)
            self.notes.clear()
            return
        meeting, session = chosen
        if self.register.session is None or self.register.session.id != session.id:
            self.register.show_session(session)
        if keep_typing and self.notes.document().isModified():
            return
        self.notes.setPlainText(meeting.notes)
        self.notes.document().setModified(False)
        self.owner.typing.put_back()

    def save_notes(self) -> None:
        chosen = self._current()
        if chosen is None:
            return
        session_id, text = chosen[0].session_id, self.notes.toPlainText()

        def saved(meeting: SenseMakingMeeting) -> None:
            self._meetings = [
                (meeting, s) if m.session_id == meeting.session_id else (m, s)
                for m, s in self._meetings
            ]
            current = self._current()
            if current is not None and current[0].session_id == meeting.session_id:
                self.notes.document().setModified(False)
            self.banner.show_message("The meeting's notes are saved.", Tone.GOOD)

        self.controller.change(
            lambda ws: ws.interviews.save_meeting_notes(session_id, text),
            saved,
            lambda message: self.banner.show_message(message, Tone.ERROR),
        )

    def add_meeting(self) -> None:
        cohort_id = self._cohort_id
        if cohort_id is None:
            return
        last = max(self._sessions, key=lambda s: (s.held_on, s.week), default=None)
        dialog = MeetingDialog(
            self,
            next_week=(max(s.week for s in self._sessions) + 1) if self._sessions else 1,
            held_on=max(date.today(), last.held_on) if last else date.today(),
            location=last.location if last else "",
        )
        if not dialog.exec():
            return
        values = dialog.values()
        self.controller.change(
            lambda ws: ws.programme.add_session(
                cohort_id=cohort_id, kind=SessionKind.SENSE_MAKING, **values
            ),
            lambda _: self.banner.show_message(
                "The meeting is added. Take its register here on the day.", Tone.GOOD
            ),
            lambda message: self.banner.show_message(message, Tone.ERROR),
        )


class MeetingDialog(FormDialog):
    def __init__(self, parent: QWidget, *, next_week: int, held_on: date, location: str) -> None:
        super().__init__("Add a sense-making meeting", "Add", parent)
        self.form.addRow(
            muted(
                "The group meets once more to make sense of the course together. It has its own "
                "register, and its notes are kept with the evaluation."
            )
        )
        self.held_on = self.add_row("&Date", date_field(held_on))
        self.starts_at = QTimeEdit(QTime(13, 30))
        self.starts_at.setDisplayFormat("HH:mm")
        self.add_row("&Starts", self.starts_at)
        self.ends_at = QTimeEdit(QTime(15, 30))
        self.ends_at.setDisplayFormat("HH:mm")
        self.add_row("&Ends", self.ends_at)
        self.title_field = self.add_row("&Title", QLineEdit("Group sense-making"))
        self.location = self.add_row("&Room", QLineEdit(location))
        self._week = next_week

    def validate(self) -> None:
        if self.ends_at.time() <= self.starts_at.time():
            raise ValidationError("A meeting must end after it starts.")

    def values(self) -> dict[str, Any]:
        return {
            "week": self._week,
            "held_on": date_of(self.held_on),
            "starts_at": time_of(self.starts_at),
            "ends_at": time_of(self.ends_at),
            "title": self.title_field.text(),
            "location": self.location.text(),
        }
