"""Mentors: graduates of earlier cohorts invited back to mentor a later one, their
answers and training, and their small group; and the journey strip the person page
shows (applied, student, graduated, mentor, facilitator)."""

from __future__ import annotations

import uuid
from datetime import date
from typing import Any

from lt_desktop.core.services.groups import GroupPlan
from lt_desktop.core.services.memberships import MemberInfo
from lt_desktop.core.services.mentoring import (
    Journey,
    MentorCandidate,
    TrainingInfo,
)
from lt_desktop.core.services.people import person_label, short_reference
from lt_desktop.core.services.programme import CohortInfo
from lt_desktop.core.workspace import Workspace
from lt_desktop.domain.changes import Change
from lt_desktop.domain.errors import ValidationError
from lt_desktop.domain.roles import Permission
from lt_desktop.domain.vocabulary import InvitationAnswer, MembershipRole
from lt_desktop.ui.controller import AppController
from lt_desktop.ui.fitting import VerticalScrollArea, at_least_rows, flow
from lt_desktop.ui.models import Column, RecordTableModel
from lt_desktop.ui.qt import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QSplitter,
    Qt,
    QTableView,
    QVBoxLayout,
    QWidget,
)
from lt_desktop.ui.screens.base import Screen
from lt_desktop.ui.views.journey import JourneyView
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
)

PERSON_ROLE = Qt.ItemDataRole.UserRole + 30


# -- the screen -------------------------------------------------------------------------


def training_text(candidate: MentorCandidate) -> str:
    if not candidate.training_attended:
        return "None yet"
    sessions = "session" if candidate.training_attended == 1 else "sessions"
    last = candidate.last_trained_on
    return f"{candidate.training_attended} {sessions}" + (f", last {last:%d %b %Y}" if last else "")


class MentorsScreen(Screen):
    title = "Mentors"
    needs = frozenset({Permission.MANAGE_MEMBERSHIPS})
    listens_to = frozenset(
        {Change.COHORTS, Change.MEMBERS, Change.GROUPS, Change.PEOPLE, Change.MENTORING}
    )

    def __init__(self, controller: AppController, parent: QWidget | None = None) -> None:
        super().__init__(controller, parent)
        self.cohort = QComboBox()
        self.cohort.setAccessibleName("Cohort to mentor")
        self.cohort.currentIndexChanged.connect(self._load_candidates)
        self.candidates = RecordTableModel[MentorCandidate](
            [
                Column("Name", lambda c: c.display_name, sort_key=lambda c: c.sort_name),
                Column("Reference", lambda c: short_reference(c.person_id)),
                Column("Graduated", lambda c: f"{c.graduated_on:%b %Y}", tooltip=_graduated),
                Column("Training", training_text),
                Column("For this cohort", lambda c: c.state()),
            ]
        )
        self.table = QTableView()
        self.table.setModel(self.candidates)
        self.table.setAccessibleName("Graduates who could mentor")
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setTabKeyNavigation(False)
        self.table.verticalHeader().hide()
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setStretchLastSection(True)
        self.table.selectionModel().currentRowChanged.connect(self._candidate_chosen)
        self.table_or_empty = EmptyOr(self.table, "No graduates yet.")
        self.invite_button = button("&Invite to mentor…", self.invite)
        self.answer_button = button("&Record answer…", self.record_answer)
        self.training_button = button("Record &training…", self.record_training)
        self.assign_button = button("A&ssign to a group…", self.assign)
        self.banner = Banner()

        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        row = QHBoxLayout()
        label = QLabel("Mentors for &cohort")
        label.setBuddy(self.cohort)
        row.addWidget(label)
        row.addWidget(self.cohort, 1)
        left_layout.addLayout(row)
        left_layout.addWidget(self.table_or_empty, 1)
        left_layout.addLayout(
            flow(
                (
                    self.invite_button,
                    self.answer_button,
                    self.training_button,
                    self.assign_button,
                )
            )
        )
        left_layout.addWidget(self.banner)

        self.person_title = heading("", 2)
        self.invitation = QLabel()
        self.invitation.setWordWrap(True)
        self.invitation.setTextFormat(Qt.TextFormat.PlainText)
        self.journey = JourneyView(strip=False)
        self.training = RecordTableModel[TrainingInfo](
            [
                Column("Date", lambda t: f"{t.held_on:%d %b %Y}", sort_key=lambda t: t.held_on),
                Column("Training session", lambda t: t.title),
                Column("Came", lambda t: "Yes" if t.attended else "No"),
            ]
        )
        self.training_view = QTableView()
        self.training_view.setModel(self.training)
        self.training_view.setAccessibleName("Mentor training sessions")
        self.training_view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.training_view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.training_view.verticalHeader().hide()
        training_header = self.training_view.horizontalHeader()
        training_header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        training_header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        at_least_rows(self.training_view, 3)
        details = QWidget()
        details_layout = QVBoxLayout(details)
        details_layout.setContentsMargins(0, 0, 0, 0)
        details_layout.addWidget(self.person_title)
        details_layout.addWidget(self.invitation)
        details_layout.addWidget(heading("Pathway so far", 2))
        details_layout.addWidget(self.journey)
        details_layout.addWidget(heading("Mentor training", 2))
        details_layout.addWidget(self.training_view, 1)
        self.details = details

        splitter = QSplitter()
        splitter.addWidget(left)
        splitter.addWidget(VerticalScrollArea(details, "The graduate"))
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 2)
        splitter.setSizes([640, 420])
        layout = QVBoxLayout(self)
        layout.addWidget(heading("Mentors"))
        layout.addWidget(
            muted(
                "Graduates of earlier cohorts who could mentor the chosen cohort. Invite them, "
                "record their answers and training, then give each who accepts a small group."
            )
        )
        layout.addWidget(splitter, 1)
        self._chosen: uuid.UUID | None = None
        self._cohorts: list[CohortInfo] = []
        self._show_candidate(None)

    # -- loading -------------------------------------------------------------------------

    def reload(self) -> None:
        self.controller.load(lambda ws: ws.programme.list_cohorts(), self._show_cohorts)

    def _show_cohorts(self, cohorts: list[CohortInfo]) -> None:
        self._cohorts = cohorts
        current = self.cohort.currentData()
        self.cohort.blockSignals(True)
        self.cohort.clear()
        for cohort in cohorts:  # newest first: the cohort that needs mentors
            self.cohort.addItem(cohort.title, cohort.id)
        index = index_of(self.cohort, current) if current else -1
        self.cohort.setCurrentIndex(max(index, 0))
        self.cohort.blockSignals(False)
        self._load_candidates()

    def _load_candidates(self) -> None:
        cohort_id = self.cohort.currentData()
        if cohort_id is None:
            self._show_candidates([])
            return
        self.controller.load(
            lambda ws: ws.mentoring.candidates(cohort_id),
            self._show_candidates,
            lambda message: self.banner.show_message(message, Tone.ERROR),
        )

    def _show_candidates(self, candidates: list[MentorCandidate]) -> None:
        chosen = self._chosen
        self.candidates.set_rows(candidates)
        self.table_or_empty.set_empty(
            not candidates,
            "Nobody has graduated from an earlier cohort yet. Graduates appear here once "
            "their cohort's graduation is recorded."
            if self._cohorts
            else "There are no cohorts yet.",
        )
        row = next((i for i, c in enumerate(candidates) if c.person_id == chosen), -1)
        if row >= 0:
            self.table.selectRow(row)
        else:
            self._show_candidate(None)

    def _current(self) -> MentorCandidate | None:
        return self.candidates.row_at(self.table.currentIndex())

    def _candidate_chosen(self, current: Any, _previous: Any) -> None:
        candidate = self.candidates.row_at(current)
        self._chosen = candidate.person_id if candidate else None
        self._show_candidate(candidate)

    def _show_candidate(self, candidate: MentorCandidate | None) -> None:
        self.invite_button.setEnabled(candidate is not None and candidate.invitation is None)
        self.answer_button.setEnabled(candidate is not None and candidate.invitation is not None)
        self.training_button.setEnabled(bool(self.candidates.rows))
        self.assign_button.setEnabled(candidate is not None and candidate.may_be_assigned)
        self.details.setEnabled(candidate is not None)
        if candidate is None:
            self.person_title.setText("Choose a graduate")
            self.invitation.setText("Pick someone from the list to see their pathway.")
            self.journey.set_journey(None)
            self.training.clear()
            return
        self.person_title.setText(candidate.display_name)
        cohort = self.cohort.currentText()
        invitation = candidate.invitation
        lines = [f"Graduated from {candidate.graduated_from} on {candidate.graduated_on:%d %b %Y}."]
        if invitation is None:
            lines.append(f"Not invited to mentor {cohort} yet.")
        else:
            lines.append(f"Invited to mentor {cohort} on {invitation.invited_on:%d %b %Y}.")
            lines.append(f"Answer: {invitation.describe()}.")
            if invitation.notes:
                lines.append(f"Notes: {invitation.notes}")
        if candidate.is_mentor:
            lines.append(candidate.state() + ".")
        self.invitation.setText("\n".join(lines))
        person_id = candidate.person_id

        def fetch(ws: Workspace) -> tuple[Journey, list[TrainingInfo]]:
            return ws.mentoring.journey(person_id), ws.mentoring.training(person_id)

        self.controller.load(fetch, lambda result: self._show_pathway(person_id, *result))

    def _show_pathway(
        self, person_id: uuid.UUID, journey: Journey, training: list[TrainingInfo]
    ) -> None:
        if person_id != self._chosen:
            return  # another graduate was chosen meanwhile
        self.journey.set_journey(journey)
        self.training.set_rows(training)

    # -- changes -------------------------------------------------------------------------

    def _failed(self, message: str) -> None:
        self.banner.show_message(message, Tone.ERROR)

    def invite(self) -> None:
        candidate, cohort_id = self._current(), self.cohort.currentData()
        if candidate is None or cohort_id is None:
            return
        dialog = InviteDialog(self, candidate.display_name, self.cohort.currentText())
        if not dialog.exec():
            return
        invited_on, notes = dialog.values()
        self.controller.change(
            lambda ws: ws.mentoring.invite(
                candidate.person_id, cohort_id, invited_on=invited_on, notes=notes
            ),
            lambda _: self.banner.show_message(
                f"{candidate.display_name} is invited to mentor. Record their answer when "
                "it comes.",
                Tone.GOOD,
            ),
            self._failed,
        )

    def record_answer(self) -> None:
        candidate = self._current()
        if candidate is None or candidate.invitation is None:
            return
        invitation = candidate.invitation
        dialog = AnswerDialog(self, candidate.display_name, invitation.answer, invitation.notes)
        if not dialog.exec():
            return
        answer, answered_on, notes = dialog.values()
        self.controller.change(
            lambda ws: ws.mentoring.record_answer(
                invitation.id, answer, answered_on=answered_on, notes=notes
            ),
            lambda info: self.banner.show_message(
                f"{candidate.display_name}: {info.describe()}."
                + (
                    " Assign them to a group when they are ready."
                    if info.answer is InvitationAnswer.ACCEPTED and not candidate.is_mentor
                    else ""
                ),
                Tone.GOOD,
            ),
            self._failed,
        )

    def record_training(self) -> None:
        expected = [
            c
            for c in self.candidates.rows
            if c.is_mentor
            or (c.invitation is not None and c.invitation.answer is not InvitationAnswer.DECLINED)
        ]
        if not expected:
            self.banner.show_message(
                "Invite graduates to mentor first: training is recorded for those invited.",
                Tone.INFO,
            )
            return
        dialog = TrainingDialog(self, expected)
        if not dialog.exec():
            return
        held_on, title, attendance = dialog.values()
        came = sum(attendance.values())
        self.controller.change(
            lambda ws: ws.mentoring.record_training(
                held_on=held_on, title=title, attendance=attendance
            ),
            lambda _: self.banner.show_message(
                f"Recorded {title}: {came} of {len(attendance)} came.", Tone.GOOD
            ),
            self._failed,
        )

    def assign(self) -> None:
        candidate, cohort_id = self._current(), self.cohort.currentData()
        if candidate is None or cohort_id is None:
            return
        starts_on = next((c.starts_on for c in self._cohorts if c.id == cohort_id), date.today())

        def open_dialog(plan: GroupPlan) -> None:
            dialog = AssignDialog(self, candidate, plan, max(date.today(), starts_on))
            if not dialog.exec():
                return
            group_id, group_name, on = dialog.values()
            self.controller.change(
                lambda ws: ws.mentoring.assign(candidate.person_id, cohort_id, group_id, on=on),
                lambda _: self.banner.show_message(
                    f"{candidate.display_name} mentors {group_name}."
                    if group_id is not None
                    else f"{candidate.display_name} is a mentor of the cohort, in no group yet.",
                    Tone.GOOD,
                ),
                self._failed,
            )

        self.controller.load(lambda ws: ws.groups.plan(cohort_id), open_dialog, self._failed)


def _graduated(candidate: MentorCandidate) -> str:
    return f"{candidate.graduated_from}, {candidate.graduated_on:%d %b %Y}"


# -- dialogs ----------------------------------------------------------------------------


def _notes_field(text: str = "") -> QPlainTextEdit:
    field = QPlainTextEdit(text)
    field.setTabChangesFocus(True)
    field.setFixedHeight(64)
    return field


class InviteDialog(FormDialog):
    def __init__(self, parent: QWidget, name: str, cohort: str) -> None:
        super().__init__("Invite to mentor", "Invite", parent)
        self.form.addRow(muted(f"Invite {name} to mentor {cohort}."))
        self.invited_on = self.add_row("&Invited on", date_field(date.today()))
        self.notes = self.add_row("&Notes", _notes_field())

    def values(self) -> tuple[date, str]:
        return date_of(self.invited_on), self.notes.toPlainText()


class AnswerDialog(FormDialog):
    def __init__(self, parent: QWidget, name: str, answer: InvitationAnswer, notes: str) -> None:
        super().__init__("Record the answer", "Record", parent)
        self.form.addRow(muted(f"{name}'s answer to the invitation to mentor."))
        self.answer = EnumCombo(
            InvitationAnswer,
            InvitationAnswer.ACCEPTED if answer is InvitationAnswer.AWAITING else answer,
        )
        self.add_row("&Answer", self.answer)
        self.answered_on = self.add_row("Answered &on", date_field(date.today()))
        self.notes = self.add_row("&Notes", _notes_field(notes))

    def values(self) -> tuple[InvitationAnswer, date, str]:
        return self.answer.value(), date_of(self.answered_on), self.notes.toPlainText()


class TrainingDialog(FormDialog):
    """One mentor training session: when, what, and who came (tick each who did)."""

    def __init__(self, parent: QWidget, expected: list[MentorCandidate]) -> None:
        super().__init__("Record mentor training", "Record", parent)
        self.held_on = self.add_row("&Date", date_field(date.today()))
        self.title_field = self.add_row("&Session", QLineEdit())
        self.title_field.setPlaceholderText("e.g. Mentor training 1: holding a discussion")
        self.people = QListWidget()
        for candidate in expected:
            item = QListWidgetItem(
                person_label(
                    candidate.display_name,
                    [f"Graduated from {candidate.graduated_from}"],
                    short_reference(candidate.person_id),
                )
            )
            item.setData(PERSON_ROLE, candidate.person_id)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Checked)
            self.people.addItem(item)
        self.people.setCurrentRow(0)
        self.add_row("&Who came", self.people)
        self.form.addRow("", muted("Space ticks or unticks the chosen name."))

    def validate(self) -> None:
        if not self.title_field.text().strip():
            raise ValidationError("Give the training session a title.")

    def values(self) -> tuple[date, str, dict[uuid.UUID, bool]]:
        attendance = {}
        for row in range(self.people.count()):
            item = self.people.item(row)
            attendance[item.data(PERSON_ROLE)] = item.checkState() == Qt.CheckState.Checked
        return date_of(self.held_on), self.title_field.text(), attendance


class AssignDialog(FormDialog):
    def __init__(
        self, parent: QWidget, candidate: MentorCandidate, plan: GroupPlan, joins_on: date
    ) -> None:
        super().__init__("Assign a mentor", "Assign", parent)
        self.form.addRow(muted(f"{candidate.display_name} mentors this small group:"))
        self.group = QComboBox()
        for group in plan.groups:
            self.group.addItem(f"{group.name} ({_mentors_of(group.members)})", group.id)
        self.group.addItem("No group yet", None)
        if candidate.group_id is not None:
            self.group.setCurrentIndex(max(0, index_of(self.group, candidate.group_id)))
        self.add_row("&Group", self.group)
        self.joins_on = date_field(joins_on)
        if candidate.is_mentor:
            self.joins_on.setEnabled(False)
        self.add_row("&Mentor from", self.joins_on)
        self._names = {g.id: g.name for g in plan.groups}

    def values(self) -> tuple[uuid.UUID | None, str, date]:
        group_id = self.group.currentData()
        return group_id, self._names.get(group_id, ""), date_of(self.joins_on)


def _mentors_of(members: list[MemberInfo]) -> str:
    mentors = [m.display_name for m in members if m.role is MembershipRole.MENTOR]
    return "mentor: " + ", ".join(mentors) if mentors else "no mentor yet"
