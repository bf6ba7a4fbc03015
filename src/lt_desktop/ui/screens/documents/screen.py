"""Documents: certificates, registers, graduation papers and the cohort report as PDFs,
the everyday lists as CSV, and a cohort's figures shown in the app.

What goes on paper is gathered by ``workspace.documents``, which checks permission and
never reads prison-only details; this screen only chooses what, for whom, on which
paper and where. Rendering runs on the background worker, so a batch of certificates
never freezes the window.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import date
from typing import TYPE_CHECKING

from lt_desktop.core.services.documents.graduation_lists import EventInfo
from lt_desktop.core.services.people import PersonListing, people_named
from lt_desktop.core.services.programme import CohortInfo, SessionInfo
from lt_desktop.domain.changes import Change
from lt_desktop.domain.errors import LtError, ValidationError
from lt_desktop.domain.roles import Permission
from lt_desktop.domain.vocabulary import week_name
from lt_desktop.ui.controller import AppController
from lt_desktop.ui.qt import (
    QCheckBox,
    QComboBox,
    QCompleter,
    QFormLayout,
    QHBoxLayout,
    QListWidget,
    QListWidgetItem,
    Qt,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)
from lt_desktop.ui.screens.base import Screen
from lt_desktop.ui.screens.documents.figures import CohortFigures
from lt_desktop.ui.screens.documents.kinds import (
    CSV_FILTER,
    DOCUMENT_KINDS,
    PDF_FILTER,
    Choice,
    DocumentKind,
    Subject,
)
from lt_desktop.ui.widgets import (
    Banner,
    PaperCombo,
    SavePathField,
    Tone,
    button,
    heading,
    index_of,
    muted,
)

if TYPE_CHECKING:
    from lt_desktop.core.workspace import Workspace
    from lt_desktop.documents.printing import Saved


def _cohort_words(cohort: CohortInfo) -> str:
    """A cohort as a file name can hold it (no colon)."""
    return f"{cohort.course_title} {cohort.name}"


def _session_words(session: SessionInfo) -> str:
    return (
        f"{week_name(session.week)} · {session.held_on:%a %d %b %Y} · "
        f"{session.title or session.kind.label}"
    )


def _next_session(sessions: Sequence[SessionInfo], today: date) -> int:
    """The session a register is most likely wanted for: the next one to come."""
    for position, session in enumerate(sessions):
        if session.held_on >= today:
            return position
    return len(sessions) - 1


class DocumentsScreen(Screen):
    title = "Documents"
    needs = frozenset({Permission.PRINT_DOCUMENTS})
    listens_to = frozenset(
        {
            Change.COHORTS,
            Change.SESSIONS,
            Change.MEMBERS,
            Change.PEOPLE,
            Change.GROUPS,
            Change.REGISTER,
            Change.CONSENT,
            Change.ESSAYS,
            Change.ANSWERS,
        }
    )

    def __init__(self, controller: AppController, parent: QWidget | None = None) -> None:
        super().__init__(controller, parent)
        self._cohorts: list[CohortInfo] = []
        self._events: list[EventInfo] = []
        self._sessions: list[SessionInfo] = []
        self._people: list[PersonListing] = []
        self._busy = False

        self.kinds = QListWidget()
        self.kinds.setAccessibleName("Document")
        self.kinds.setFixedWidth(260)
        self._add_kind_heading("Printed documents (PDF)")
        for kind in DOCUMENT_KINDS:
            if kind.is_list or (kind.needs is not None and not self.may(kind.needs)):
                continue
            self._add_kind(kind)
        self._add_kind_heading("Lists for Excel (CSV)")
        for kind in DOCUMENT_KINDS:
            if kind.is_list:
                self._add_kind(kind)

        self.kind_title = heading("", 2)
        self.about = muted()
        self.cohort = QComboBox()
        self.session = QComboBox()
        self.person = QComboBox()
        self.person.setEditable(True)
        self.person.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        completer = self.person.completer()
        assert completer is not None  # an editable combo box has one
        completer.setFilterMode(Qt.MatchFlag.MatchContains)
        completer.setCompletionMode(QCompleter.CompletionMode.PopupCompletion)
        completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.graduation = QComboBox()
        self.only_present = QCheckBox("Only for those marked presen&t at the graduation")
        self.paper = PaperCombo()
        self.target = SavePathField("Certificates.pdf", "Save the document", PDF_FILTER)
        self.form = QFormLayout()
        self.form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        for label, field in (
            ("&Cohort", self.cohort),
            ("S&ession", self.session),
            ("Pe&rson", self.person),
            ("&Graduation", self.graduation),
            ("", self.only_present),
            ("&Paper", self.paper),
            ("Sa&ve as", self.target),
        ):
            if label:
                field.setAccessibleName(label.replace("&", ""))
            self.form.addRow(label, field)
        self.target.line.setAccessibleName("Save as")
        self.save_button = button("&Save PDF", self.save)
        self.banner = Banner()

        details = QWidget()
        details_layout = QVBoxLayout(details)
        details_layout.setContentsMargins(12, 0, 0, 0)
        details_layout.addWidget(self.kind_title)
        details_layout.addWidget(self.about)
        details_layout.addLayout(self.form)
        row = QHBoxLayout()
        row.addWidget(self.save_button)
        row.addStretch(1)
        details_layout.addLayout(row)
        details_layout.addWidget(self.banner)
        details_layout.addStretch(1)
        make = QWidget()
        make_layout = QHBoxLayout(make)
        make_layout.addWidget(self.kinds)
        make_layout.addWidget(details, 1)

        self.figures = CohortFigures(controller)
        self.tabs = QTabWidget()
        self.tabs.setAccessibleName("Documents or figures")
        self.tabs.addTab(make, "&Make a document")
        self.tabs.addTab(self.figures, "Cohort f&igures")
        self.tabs.currentChanged.connect(self._tab_changed)

        layout = QVBoxLayout(self)
        layout.addWidget(heading("Documents"))
        layout.addWidget(
            muted(
                "Everything is saved as a file (PDF or CSV) that you then print or open as "
                "usual. Certificates and registers never say where anyone is based, and "
                "nothing here prints a prison number."
            )
        )
        layout.addWidget(self.tabs, 1)

        self.kinds.currentRowChanged.connect(self._kind_changed)
        self.cohort.currentIndexChanged.connect(self._cohort_changed)
        self.session.currentIndexChanged.connect(lambda _: self._suggest_name())
        self.person.currentIndexChanged.connect(lambda _: self._suggest_name())
        self.graduation.currentIndexChanged.connect(lambda _: self._suggest_name())
        self.kinds.setCurrentRow(1)

    # -- the list of kinds ---------------------------------------------------------------

    def _add_kind_heading(self, text: str) -> None:
        item = QListWidgetItem(text)
        item.setFlags(Qt.ItemFlag.NoItemFlags)
        font = item.font()
        font.setBold(True)
        item.setFont(font)
        self.kinds.addItem(item)

    def _add_kind(self, kind: DocumentKind) -> None:
        item = QListWidgetItem(kind.label)
        item.setData(Qt.ItemDataRole.UserRole, DOCUMENT_KINDS.index(kind))
        item.setToolTip(kind.about)
        self.kinds.addItem(item)

    def current_kind(self) -> DocumentKind:
        item = self.kinds.currentItem()
        position = item.data(Qt.ItemDataRole.UserRole) if item is not None else None
        return DOCUMENT_KINDS[position if isinstance(position, int) else 0]

    def _kind_changed(self, _row: int) -> None:
        kind = self.current_kind()
        self.kind_title.setText(kind.label + (" (CSV)" if kind.is_list else ""))
        self.about.setText(kind.about)
        subject = kind.subject
        self.form.setRowVisible(self.cohort, subject is not Subject.EVENT)
        self.form.setRowVisible(self.session, subject is Subject.SESSION)
        self.form.setRowVisible(self.person, subject is Subject.PERSON)
        self.form.setRowVisible(self.graduation, subject is Subject.EVENT)
        self.form.setRowVisible(self.only_present, kind.offers_only_present)
        self.form.setRowVisible(self.paper, not kind.is_list)
        self.save_button.setText("&Save CSV" if kind.is_list else "&Save PDF")
        self.save_button.setAccessibleName("Save CSV" if kind.is_list else "Save PDF")
        self.banner.clear()
        self._fill_cohorts()
        self._cohort_changed()

    # -- the pickers ---------------------------------------------------------------------

    def reload(self) -> None:
        self.controller.load(
            lambda ws: (ws.programme.list_cohorts(), ws.documents.list_events()),
            self._show_choices,
        )
        self.figures.mark_stale()
        if self.tabs.currentWidget() is self.figures:
            self.figures.reload()

    def _show_choices(self, loaded: tuple[list[CohortInfo], list[EventInfo]]) -> None:
        self._cohorts, self._events = loaded
        wanted_event = self.graduation.currentData()
        self.graduation.blockSignals(True)
        self.graduation.clear()
        for event in self._events:
            self.graduation.addItem(f"{event.title} · {event.held_on:%d %b %Y}", event.id)
        found = index_of(self.graduation, wanted_event)
        self.graduation.setCurrentIndex(found if found >= 0 else 0)
        self.graduation.blockSignals(False)
        self._fill_cohorts()
        self.figures.set_cohorts(self._cohorts)
        self._cohort_changed()

    def _fill_cohorts(self) -> None:
        """The cohort picker; lists and one person's attendance may be for every cohort."""
        subject = self.current_kind().subject
        wanted = self.cohort.currentData()
        self.cohort.blockSignals(True)
        self.cohort.clear()
        if subject is Subject.LIST:
            self.cohort.addItem("All cohorts", None)
        elif subject is Subject.PERSON:
            self.cohort.addItem("All their cohorts", None)
        for cohort in self._cohorts:
            self.cohort.addItem(cohort.title, cohort.id)
        found = index_of(self.cohort, wanted) if wanted is not None else -1
        self.cohort.setCurrentIndex(found if found >= 0 else 0)
        self.cohort.blockSignals(False)

    def _cohort_changed(self, _index: int = -1) -> None:
        subject = self.current_kind().subject
        cohort_id = self.cohort.currentData()
        if subject is Subject.SESSION:
            self.session.clear()
            self._sessions = []
            if cohort_id is not None:
                self.controller.load(
                    lambda ws: ws.programme.list_sessions(cohort_id),
                    lambda sessions: self._show_sessions(cohort_id, sessions),
                )
        elif subject is Subject.PERSON:
            self.controller.load(
                lambda ws: _people_in(ws, cohort_id),
                lambda people: self._show_people(cohort_id, people),
            )
        self._suggest_name()

    def _show_sessions(self, cohort_id: uuid.UUID, sessions: list[SessionInfo]) -> None:
        if cohort_id != self.cohort.currentData():
            return  # another cohort was chosen since
        self._sessions = sessions
        self.session.blockSignals(True)
        self.session.clear()
        for session in sessions:
            self.session.addItem(_session_words(session), session.id)
        if sessions:
            self.session.setCurrentIndex(_next_session(sessions, date.today()))
        self.session.blockSignals(False)
        self._suggest_name()

    def _show_people(self, cohort_id: uuid.UUID | None, people: list[PersonListing]) -> None:
        if cohort_id != self.cohort.currentData():
            return
        wanted = self.person.currentData()
        self._people = people
        self.person.blockSignals(True)
        self.person.clear()
        for person in people:
            self.person.addItem(person.label, person.id)
        found = index_of(self.person, wanted) if wanted is not None else -1
        self.person.setCurrentIndex(found if found >= 0 else (0 if people else -1))
        self.person.blockSignals(False)
        self._suggest_name()

    def _chosen_cohort(self) -> CohortInfo | None:
        cohort_id = self.cohort.currentData()
        return next((c for c in self._cohorts if c.id == cohort_id), None)

    def _chosen_person(self) -> tuple[uuid.UUID, str] | None:
        """The person named in the picker: typed or chosen, it must be one in the list,
        and only one (two of the same name are chosen from the list, by their line)."""
        named = people_named(self._people, self.person.currentText())
        if len(named) != 1:
            return None
        return named[0].id, named[0].display_name

    def _suggest_name(self) -> None:
        kind = self.current_kind()
        cohort = self._chosen_cohort()
        words: str
        if kind.subject is Subject.EVENT:
            words = self.graduation.currentText().split(" · ")[0]
        elif kind.subject is Subject.PERSON:
            person = self._chosen_person()
            words = person[1] if person else ""
        elif kind.subject is Subject.SESSION:
            session_id = self.session.currentData()
            session = next((s for s in self._sessions if s.id == session_id), None)
            week = f"{week_name(session.week).lower()} " if session else ""
            words = week + (_cohort_words(cohort) if cohort else "")
        else:
            words = _cohort_words(cohort) if cohort else "all cohorts"
        extension = ".csv" if kind.is_list else ".pdf"
        self.target.suggest(
            f"{kind.file_stem} {words}".strip() + extension,
            CSV_FILTER if kind.is_list else PDF_FILTER,
        )

    # -- saving --------------------------------------------------------------------------

    def _choice(self, kind: DocumentKind) -> Choice:
        cohort = self._chosen_cohort()
        subject = kind.subject
        if subject in (Subject.COHORT, Subject.SESSION) and cohort is None:
            raise ValidationError("Choose a cohort first.")
        session_id = self.session.currentData() if subject is Subject.SESSION else None
        if subject is Subject.SESSION and session_id is None:
            raise ValidationError(
                f"{cohort.title if cohort else 'This cohort'} has no sessions yet. "
                "Plan them under Sessions and register first."
            )
        person = self._chosen_person() if subject is Subject.PERSON else None
        if subject is Subject.PERSON and person is None:
            namesakes = people_named(self._people, self.person.currentText())
            if namesakes:
                raise ValidationError(
                    f"{len(namesakes)} people are called {namesakes[0].display_name}: choose "
                    "the right one from the list, where their cohorts and references tell "
                    "them apart."
                )
            raise ValidationError("Choose a person from the list.")
        event_id = self.graduation.currentData() if subject is Subject.EVENT else None
        if subject is Subject.EVENT and event_id is None:
            raise ValidationError("There is no graduation here yet that you can see.")
        return Choice(
            cohort_id=None if subject is Subject.EVENT or cohort is None else cohort.id,
            cohort_title=cohort.title if cohort else "",
            session_id=session_id,
            person_id=person[0] if person else None,
            person_name=person[1] if person else "",
            event_id=event_id,
            only_present=kind.offers_only_present and self.only_present.isChecked(),
        )

    def save(self) -> None:
        """Make the chosen document in the background and say where it went."""
        if self._busy:
            return
        kind = self.current_kind()
        try:
            choice = self._choice(kind)
            target = self.target.path()
        except LtError as error:
            self.banner.show_message(str(error), Tone.ERROR)
            return
        paper = self.paper.value()
        self._set_busy(True)
        self.banner.show_message(kind.working)

        def done(saved: Saved) -> None:
            self._set_busy(False)
            self.banner.show_message(saved.message, Tone.GOOD)

        def failed(message: str) -> None:
            self._set_busy(False)
            self.banner.show_message(message, Tone.ERROR)

        def work(ws: Workspace) -> Saved:
            return kind.write(ws, choice, target, paper)

        if kind.audited:
            self.controller.change(work, done, failed)
        else:
            self.controller.load(work, done, failed)

    def _set_busy(self, busy: bool) -> None:
        self._busy = busy
        self.save_button.setEnabled(not busy)

    def _tab_changed(self, _index: int) -> None:
        if self.tabs.currentWidget() is self.figures:
            self.figures.show_current()


def _people_in(ws: Workspace, cohort_id: uuid.UUID | None) -> list[PersonListing]:
    """Everyone in a cohort, or everyone this account sees, by family name."""
    people = sorted(ws.people.list_people(), key=lambda p: p.sort_name.casefold())
    if cohort_id is None:
        return people
    members = {m.person_id for m in ws.memberships.list_members(cohort_id)}
    return [p for p in people if p.id in members]
