"""Weekly stories: typing up the stories participants wrote on paper, fast, by
keyboard; and reading them back by week or by person. Administrators and education
staff set the questions asked with them (Questions…), for every cohort or for one."""

from __future__ import annotations

import uuid
from dataclasses import replace
from functools import partial
from typing import Any

from lt_desktop.core.services.programme import CohortInfo, SessionInfo
from lt_desktop.core.services.stories import (
    QuestionLine,
    QuestionSet,
    StoryInfo,
    StoryLine,
    StoryWeek,
)
from lt_desktop.domain.changes import Change
from lt_desktop.domain.roles import Permission
from lt_desktop.domain.vocabulary import SessionKind
from lt_desktop.ui.controller import AppController
from lt_desktop.ui.drafts import RESTORED
from lt_desktop.ui.fitting import VerticalScrollArea
from lt_desktop.ui.models import Column, RecordTableModel
from lt_desktop.ui.qt import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QKeySequence,
    QLabel,
    QLineEdit,
    QListWidget,
    QPlainTextEdit,
    QShortcut,
    QSplitter,
    QTableView,
    QTextCursor,
    QVBoxLayout,
    QWidget,
)
from lt_desktop.ui.screens.base import Screen, offer_only_if
from lt_desktop.ui.widgets import Banner, Tone, button, confirm, heading, index_of, muted


def story_state(line: StoryLine) -> str:
    if not line.may_have_story:
        return "No consent"
    return "Typed up" if line.story is not None else "—"


class StoriesScreen(Screen):
    title = "Stories"
    needs = frozenset({Permission.ENTER_RESEARCH_DATA})
    # Not its own saves: reloading would replace what is being typed for the next person.
    listens_to = frozenset({Change.CONSENT, Change.COHORTS, Change.MEMBERS, Change.SESSIONS})

    def __init__(self, controller: AppController, parent: QWidget | None = None) -> None:
        super().__init__(controller, parent)
        self.cohort = QComboBox()
        self.cohort.setAccessibleName("Cohort")
        self.week = QComboBox()
        self.week.setAccessibleName("Week")
        self.cohort.currentIndexChanged.connect(self._load_weeks)
        self.week.currentIndexChanged.connect(self._load_week)
        self.people = RecordTableModel[StoryLine](
            [
                Column("Name", lambda line: line.display_name),
                Column("Role", lambda line: line.role.label),
                Column("Story", story_state),
            ]
        )
        self.table = QTableView()
        self.table.setModel(self.people)
        self.table.setAccessibleName("People this week")
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().hide()
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.selectionModel().currentRowChanged.connect(self._person_chosen)

        self.person_title = heading("", 2)
        self.consent_banner = Banner()
        self.text = QPlainTextEdit()
        self.text.setTabChangesFocus(True)
        self.text.setAccessibleName("Story")
        self.text.setPlaceholderText("Type the story as written.")
        # Each question above its answer and across the whole width, so a long question
        # leaves the answer its width too.
        self.answers_form = QFormLayout()
        self.answer_fields: dict[uuid.UUID, QPlainTextEdit] = {}
        self.save_button = button("&Save and next (Ctrl+Enter)", self.save_and_next)
        self.skip_button = button("S&kip to next (Ctrl+Down)", self.next_person)
        self.banner = Banner()
        editor = QWidget()
        editor_layout = QVBoxLayout(editor)
        editor_layout.addWidget(self.person_title)
        editor_layout.addWidget(self.consent_banner)
        story_label = QLabel("S&tory")
        story_label.setBuddy(self.text)
        editor_layout.addWidget(story_label)
        editor_layout.addWidget(self.text, 2)
        editor_layout.addLayout(self.answers_form)
        row = QHBoxLayout()
        row.addWidget(self.save_button)
        row.addWidget(self.skip_button)
        row.addStretch(1)
        editor_layout.addLayout(row)
        editor_layout.addWidget(self.banner)
        self.editor = editor
        QShortcut(QKeySequence("Ctrl+Return"), self, self.save_and_next)
        QShortcut(QKeySequence("Ctrl+Enter"), self, self.save_and_next)
        QShortcut(QKeySequence("Ctrl+Down"), self, self.next_person)

        left = QWidget()
        left_layout = QVBoxLayout(left)
        for text, combo in (("&Cohort", self.cohort), ("&Week", self.week)):
            line = QHBoxLayout()
            label = QLabel(text)
            label.setBuddy(combo)
            line.addWidget(label)
            line.addWidget(combo, 1)
            left_layout.addLayout(line)
        left_layout.addWidget(self.table, 1)
        left_layout.addWidget(
            muted("Only people whose consent covers weekly stories can have one kept.")
        )
        self.questions_button = button("&Questions…", self._questions)
        self.questions_button.setToolTip(
            "The questions asked with each story, for every cohort or for one"
        )
        offer_only_if(self.may(Permission.SET_RESEARCH_QUESTIONS), self.questions_button)
        left_layout.addWidget(self.questions_button)
        splitter = QSplitter()
        splitter.addWidget(left)
        splitter.addWidget(VerticalScrollArea(editor, "Story"))
        splitter.setSizes([380, 700])
        layout = QVBoxLayout(self)
        layout.addWidget(heading("Weekly stories"))
        layout.addWidget(splitter, 1)
        self._week: StoryWeek | None = None
        self.editor.setEnabled(False)
        self.typing.add(
            "story",
            self.text,
            record=self._typing_record,
            saved=lambda: story.text if (story := self._saved_story()) else "",
            restored=self._restored,
        )

    # -- typing kept across a lock ------------------------------------------------------

    def _typing_record(self) -> str | None:
        """The cohort, week and person the story being typed belongs to."""
        line = self.people.row_at(self.table.currentIndex())
        if self._week is None or line is None or not line.may_have_story:
            return None
        return f"{self.cohort.currentData()}/{self._week.session_id}/{line.person_id}"

    def _saved_story(self) -> StoryInfo | None:
        line = self.people.row_at(self.table.currentIndex())
        return line.story if line is not None else None

    def _saved_answer(self, question_id: uuid.UUID) -> str:
        story = self._saved_story()
        return story.answers.get(question_id, "") if story is not None else ""

    def _typed_stories(self) -> list[list[str]]:
        """[cohort, week, person] of each story with typing waiting to be put back, so
        the screen opens where it was."""
        return [record.split("/") for record in sorted(self.typing.waiting_records())]

    def _restored(self) -> None:
        self.banner.show_message(RESTORED, Tone.INFO)

    # -- loading -------------------------------------------------------------------------

    def reload(self) -> None:
        self.controller.load(lambda ws: ws.programme.list_cohorts(), self._show_cohorts)

    def _show_cohorts(self, cohorts: list[CohortInfo]) -> None:
        current = self.cohort.currentData()
        self.cohort.blockSignals(True)
        self.cohort.clear()
        for cohort in cohorts:
            self.cohort.addItem(cohort.title, cohort.id)
        typed = {cohort for cohort, *_ in self._typed_stories()}
        first_typed = next((i for i, c in enumerate(cohorts) if str(c.id) in typed), 0)
        self.cohort.setCurrentIndex(
            max(index_of(self.cohort, current), 0) if current else first_typed
        )
        self.cohort.blockSignals(False)
        self._load_weeks()

    def _load_weeks(self) -> None:
        cohort_id = self.cohort.currentData()
        if cohort_id is not None:
            self.controller.load(lambda ws: ws.programme.list_sessions(cohort_id), self._show_weeks)

    def _show_weeks(self, sessions: list[SessionInfo]) -> None:
        current = self.week.currentData()
        self.week.blockSignals(True)
        self.week.clear()
        # The induction comes before the course's weeks of learning, and a cancelled week
        # did not take place: no story is kept for either.
        sessions = [
            s for s in sessions if s.kind is not SessionKind.INDUCTION and not s.is_cancelled
        ]
        for session in sessions:
            self.week.addItem(f"Week {session.week}: {session.held_on:%d %b %Y}", session.id)
        index = index_of(self.week, current) if current else -1
        if index < 0:  # where typing is waiting to be put back
            typed = {week for _, week, _ in self._typed_stories()}
            index = next((i for i, s in enumerate(sessions) if str(s.id) in typed), -1)
        if index < 0:  # the latest week that has happened
            held = [i for i, s in enumerate(sessions) if s.marks_taken]
            index = held[-1] if held else 0
        self.week.setCurrentIndex(index)
        self.week.blockSignals(False)
        self._load_week()

    def _load_week(self) -> None:
        session_id = self.week.currentData()
        if session_id is not None:
            self.controller.load(lambda ws: ws.stories.week(session_id), self._show_week)

    def _show_week(self, week: StoryWeek) -> None:
        chosen = self._current_person()
        self._week = week
        self.people.set_rows(week.lines)
        self.typing.remove(f"answer {question_id}" for question_id in self.answer_fields)
        while self.answers_form.rowCount():
            self.answers_form.removeRow(0)
        self.answer_fields = {}
        for question in week.questions:
            field = QPlainTextEdit()
            field.setTabChangesFocus(True)
            field.setFixedHeight(54)
            field.setAccessibleName(question.text)
            words = f"{question.text} (no longer asked)" if question.retired else question.text
            question_label = QLabel(words)
            question_label.setWordWrap(True)
            question_label.setBuddy(field)
            self.answers_form.addRow(question_label)
            self.answers_form.addRow(field)
            self.answer_fields[question.id] = field
            self.typing.add(
                f"answer {question.id}",
                field,
                record=self._typing_record,
                saved=partial(self._saved_answer, question.id),
                restored=self._restored,
            )
        if chosen is None:
            typed = {p for _, w, p in self._typed_stories() if w == str(week.session_id)}
            chosen = next((x.person_id for x in week.lines if str(x.person_id) in typed), None)
        row = next((i for i, line in enumerate(week.lines) if line.person_id == chosen), 0)
        if week.lines:
            self.table.selectRow(row)

    def _current_person(self) -> uuid.UUID | None:
        line = self.people.row_at(self.table.currentIndex())
        return None if line is None else line.person_id

    def _person_chosen(self, current: Any, _previous: Any) -> None:
        line = self.people.row_at(current)
        self.editor.setEnabled(line is not None)
        if line is None:
            return
        self.person_title.setText(f"{line.display_name} ({line.role.label.lower()})")
        if line.consent_problem:
            self.consent_banner.show_message(
                f"{line.consent_problem} No story can be kept for them.", Tone.WARNING
            )
        else:
            self.consent_banner.clear()
        for widget in (self.text, self.save_button, *self.answer_fields.values()):
            widget.setEnabled(line.may_have_story)
        story = line.story
        self.text.setPlainText(story.text if story else "")
        for question_id, field in self.answer_fields.items():
            field.setPlainText(story.answers.get(question_id, "") if story else "")
        self.typing.put_back()
        # A story already begun is carried on, not typed in front of.
        self.text.moveCursor(QTextCursor.MoveOperation.End)
        self.text.setFocus()

    # -- saving -------------------------------------------------------------------------

    def save_and_next(self) -> None:
        line = self.people.row_at(self.table.currentIndex())
        if self._week is None or line is None or not line.may_have_story:
            self.next_person()
            return
        session_id, person_id = self._week.session_id, line.person_id
        text = self.text.toPlainText()
        answers = {qid: field.toPlainText() for qid, field in self.answer_fields.items()}
        if not text.strip() and not any(a.strip() for a in answers.values()):
            self.next_person()
            return

        def saved(story: StoryInfo) -> None:
            for position, row in enumerate(self.people.rows):
                if row.person_id == story.person_id:
                    self.people.replace_row(position, replace(row, story=story))
            self.banner.show_message(f"Saved {line.display_name}'s story.", Tone.GOOD)

        self.controller.change(
            lambda ws: ws.stories.save(session_id, person_id, text=text, answers=answers),
            saved,
            lambda message: self.banner.show_message(message, Tone.ERROR),
        )
        self.next_person()

    def next_person(self) -> None:
        row = self.table.currentIndex().row()
        if row + 1 < self.people.rowCount():
            self.table.selectRow(row + 1)

    # -- the questions ---------------------------------------------------------------------

    def _questions(self) -> None:
        cohorts = [
            (self.cohort.itemText(i), self.cohort.itemData(i)) for i in range(self.cohort.count())
        ]
        dialog = QuestionsDialog(self, self.controller, cohorts, self.cohort.currentData())
        dialog.exec()
        if dialog.saved:
            self._load_week()  # the week's questions as they are now


class QuestionsDialog(QDialog):
    """The questions asked with each weekly story: those every cohort is asked, or one
    cohort's own. Changed here, then saved together; an answer already given keeps
    the question it answered."""

    def __init__(
        self,
        parent: QWidget,
        controller: AppController,
        cohorts: list[tuple[str, uuid.UUID]],
        chosen: uuid.UUID | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle("Story questions")
        self.setModal(True)
        self.controller = controller
        self.saved = False
        self._set: QuestionSet | None = None
        self._lines: list[QuestionLine] = []
        self._dirty = False
        self.scope = QComboBox()
        self.scope.setAccessibleName("Asked of")
        self.scope.addItem("Every cohort (unless it has its own)", None)
        for title, cohort_id in cohorts:
            self.scope.addItem(title, cohort_id)
        self.scope.currentIndexChanged.connect(self._scope_changed)
        self.about = muted()
        self.list = QListWidget()
        self.list.setAccessibleName("Questions")
        self.list.currentRowChanged.connect(self._chosen)
        self.wording = QLineEdit()
        self.wording.setAccessibleName("Wording")
        self.wording.setPlaceholderText("The question, as it is printed on the story sheet")
        top = QHBoxLayout()
        scope_label = QLabel("Asked &of")
        scope_label.setBuddy(self.scope)
        top.addWidget(scope_label)
        top.addWidget(self.scope, 1)
        wording = QHBoxLayout()
        wording_label = QLabel("&Wording")
        wording_label.setBuddy(self.wording)
        wording.addWidget(wording_label)
        wording.addWidget(self.wording, 1)
        self.change_button = button("&Change wording", self._change)
        self.add_button = button("&Add as a new question", self._add)
        self.up_button = button("Move &up", lambda: self._move(-1))
        self.down_button = button("Move dow&n", lambda: self._move(1))
        self.retire_button = button("&Retire", self._retire)
        editing = QHBoxLayout()
        for widget in (
            self.change_button,
            self.add_button,
            self.up_button,
            self.down_button,
            self.retire_button,
        ):
            editing.addWidget(widget)
        editing.addStretch(1)
        self.save_button = button("&Save questions", self._save)
        self.shared_button = button("Ask every cohort's &questions", self._every_cohorts)
        saving = QHBoxLayout()
        saving.addWidget(self.save_button)
        saving.addWidget(self.shared_button)
        saving.addStretch(1)
        self.banner = Banner()
        close = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        close.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.about)
        layout.addWidget(self.list, 1)
        layout.addLayout(wording)
        layout.addLayout(editing)
        layout.addLayout(saving)
        layout.addWidget(self.banner)
        layout.addWidget(close)
        self.resize(760, 520)
        index = index_of(self.scope, chosen) if chosen is not None else 0
        self.scope.blockSignals(True)
        self.scope.setCurrentIndex(max(index, 0))
        self.scope.blockSignals(False)
        self._scope_index = self.scope.currentIndex()
        # Opened on the cohort being typed up if it has questions of its own; else on
        # the questions every cohort is asked.
        self._first = True
        self._load()

    # -- what is shown ---------------------------------------------------------------------

    def cohort_id(self) -> uuid.UUID | None:
        value = self.scope.currentData()
        return value if isinstance(value, uuid.UUID) else None

    def _load(self, message: str = "") -> None:
        cohort_id = self.cohort_id()

        def show(shown: QuestionSet) -> None:
            self._show(shown)
            if message:
                self.banner.show_message(message, Tone.GOOD)

        self.controller.load(lambda ws: ws.stories.question_set(cohort_id), show, self._error)

    def _show(self, shown: QuestionSet) -> None:
        if self._first and shown.cohort_id is not None and not shown.own:
            self._first = False
            self.scope.setCurrentIndex(0)  # loads every cohort's
            return
        self._first = False
        self._set = shown
        # A cohort asked every cohort's questions starts from them; saved, they are its own.
        own = shown.own or shown.cohort_id is None
        self._lines = [QuestionLine(q.text, q.id if own else None) for q in shown.questions]
        self._dirty = False
        if shown.cohort_id is None:
            self.about.setText(
                "Asked with every story in every cohort that has no questions of its own. "
                "A question with answers keeps them: reworded, it is asked anew, and the "
                "answers already given stay with the wording they answered."
            )
        elif shown.own:
            self.about.setText(
                "This cohort is asked its own questions. Ask every cohort's questions to "
                "go back to those."
            )
        else:
            self.about.setText(
                "This cohort is asked every cohort's questions, shown here. Saving these "
                "for it gives it questions of its own."
            )
        self.shared_button.setEnabled(shown.cohort_id is not None and shown.own)
        self._fill(0)

    def _fill(self, row: int) -> None:
        answered = self._set.answered if self._set is not None else frozenset()
        self.list.blockSignals(True)
        self.list.clear()
        for n, line in enumerate(self._lines, start=1):
            note = "  (answered)" if line.was in answered else ""
            self.list.addItem(f"{n}. {line.text}{note}")
        self.list.blockSignals(False)
        if self._lines:
            self.list.setCurrentRow(max(0, min(row, len(self._lines) - 1)))
        self._chosen(self.list.currentRow())
        self.save_button.setEnabled(self._dirty or (self._set is not None and not self._own()))

    def _own(self) -> bool:
        return self._set is not None and (self._set.own or self._set.cohort_id is None)

    def _chosen(self, row: int) -> None:
        chosen = 0 <= row < len(self._lines)
        self.wording.setText(self._lines[row].text if chosen else "")
        for widget in (self.change_button, self.retire_button):
            widget.setEnabled(chosen)
        self.up_button.setEnabled(chosen and row > 0)
        self.down_button.setEnabled(chosen and row < len(self._lines) - 1)

    def _error(self, message: str) -> None:
        self.banner.show_message(message, Tone.ERROR)

    def _scope_changed(self, index: int) -> None:
        if self._dirty and not confirm(
            self, "Leave the questions as they were, without your changes?", "Leave them"
        ):
            self.scope.blockSignals(True)
            self.scope.setCurrentIndex(self._scope_index)
            self.scope.blockSignals(False)
            return
        self._scope_index = index
        self.banner.clear()
        self._load()

    # -- changing them ---------------------------------------------------------------------

    def _edited(self, row: int, message: str = "") -> None:
        self._dirty = True
        self._fill(row)
        self.banner.show_message(message or "Save the questions to keep the change.", Tone.INFO)

    def _change(self) -> None:
        row = self.list.currentRow()
        text = " ".join(self.wording.text().split())
        if not 0 <= row < len(self._lines) or not text:
            return
        line = self._lines[row]
        self._lines[row] = QuestionLine(text, line.was)
        answered = self._set is not None and line.was in self._set.answered
        self._edited(
            row,
            "It has answers: saved, the new wording is asked from now on and the answers "
            "given keep the old one."
            if answered and text != line.text
            else "",
        )

    def _add(self) -> None:
        text = " ".join(self.wording.text().split())
        if not text:
            self._error("Type the question in Wording first.")
            return
        self._lines.append(QuestionLine(text))
        self._edited(len(self._lines) - 1)

    def _move(self, by: int) -> None:
        row = self.list.currentRow()
        to = row + by
        if 0 <= row < len(self._lines) and 0 <= to < len(self._lines):
            self._lines.insert(to, self._lines.pop(row))
            self._edited(to)

    def _retire(self) -> None:
        row = self.list.currentRow()
        if 0 <= row < len(self._lines):
            line = self._lines.pop(row)
            answered = self._set is not None and line.was in self._set.answered
            self._edited(
                row,
                "Retired: it is asked no more, and its answers keep it." if answered else "",
            )

    def _save(self) -> None:
        lines, cohort_id = list(self._lines), self.cohort_id()

        def saved(_: object) -> None:
            self.saved = True
            self._load(f"Saved {len(lines)} question{'s' if len(lines) != 1 else ''}.")

        self.controller.change(
            lambda ws: ws.stories.set_questions(lines, cohort_id=cohort_id), saved, self._error
        )

    def _every_cohorts(self) -> None:
        cohort_id = self.cohort_id()
        if cohort_id is None:
            return

        def done(_: object) -> None:
            self.saved = True
            self._load("This cohort is asked every cohort's questions again.")

        self.controller.change(
            lambda ws: ws.stories.use_every_cohorts_questions(cohort_id), done, self._error
        )
