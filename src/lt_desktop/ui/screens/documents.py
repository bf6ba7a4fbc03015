"""Documents: certificates, registers, graduation papers and the cohort report as PDFs,
the everyday lists as CSV, and a cohort's figures shown in the app.

What goes on paper is gathered by ``workspace.documents``, which checks permission and
never reads prison-only details; this screen only chooses what, for whom, on which
paper and where. Rendering runs on the background worker, so a batch of certificates
never freezes the window.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from enum import Enum
from pathlib import Path
from typing import TYPE_CHECKING, Any

from lt_desktop.core.services.documents.cohort_report import (
    CohortReport,
    QuestionnaireFigures,
    describe_leavers,
    describe_staff,
    numbers_by_base,
)
from lt_desktop.core.services.documents.csv_exports import CsvKind
from lt_desktop.core.services.documents.graduation_lists import EventInfo
from lt_desktop.core.services.people import PersonListing, people_named
from lt_desktop.core.services.programme import CohortInfo, SessionInfo
from lt_desktop.core.services.questionnaires import Summary
from lt_desktop.domain.errors import LtError, ValidationError
from lt_desktop.domain.roles import Permission
from lt_desktop.domain.vocabulary import ClearanceStatus
from lt_desktop.ui.colours import bar_colours, muted_text
from lt_desktop.ui.controller import (
    AUDIT,
    COHORTS,
    CONSENT,
    GROUPS,
    MEMBERS,
    PEOPLE,
    REGISTER,
    SESSIONS,
    AppController,
)
from lt_desktop.ui.qt import (
    QAbstractItemView,
    QComboBox,
    QCompleter,
    QFormLayout,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPainter,
    QPalette,
    QPen,
    QRect,
    QScrollArea,
    QSize,
    Qt,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)
from lt_desktop.ui.screens.base import Screen
from lt_desktop.ui.widgets import (
    Banner,
    EmptyOr,
    PaperCombo,
    SavePathField,
    Tone,
    button,
    heading,
    muted,
)

if TYPE_CHECKING:
    from lt_desktop.core.workspace import Workspace
    from lt_desktop.documents.template import PaperSize

PDF_FILTER = "PDF documents (*.pdf)"
CSV_FILTER = "CSV lists for Excel (*.csv)"


class Subject(Enum):
    """What a document is made for, and so which pickers it needs."""

    COHORT = "cohort"
    SESSION = "session"  # a cohort, then one of its sessions
    PERSON = "person"  # one person, in all their cohorts or in one
    EVENT = "event"  # a graduation
    LIST = "list"  # every cohort this account sees, or one


@dataclass(frozen=True)
class Choice:
    """What was picked on the screen when Save was pressed."""

    cohort_id: uuid.UUID | None
    cohort_title: str
    session_id: uuid.UUID | None
    person_id: uuid.UUID | None
    person_name: str
    event_id: uuid.UUID | None


Writer = Callable[["Workspace", Choice, Path, "PaperSize"], str]


def _count(n: int, one: str, many: str = "") -> str:
    return f"{n} {one if n == 1 else many or one + 's'}"


def _write_certificates(ws: Workspace, choice: Choice, target: Path, paper: PaperSize) -> str:
    from lt_desktop.documents.certificates import write_certificates

    assert choice.cohort_id is not None
    batch = ws.documents.issue_certificates(choice.cohort_id)
    write_certificates(target, batch.certificates, paper=paper)
    serials = sorted(c.serial for c in batch.certificates)
    new = len(batch.newly_issued)
    return (
        f"Saved {_count(len(serials), 'certificate')} for {batch.heading.title} to {target}. "
        f"Serial numbers {serials[0]} to {serials[-1]}: {new} newly issued, "
        f"{len(serials) - new} printed again with the number first given."
    )


def _write_register(ws: Workspace, choice: Choice, target: Path, paper: PaperSize) -> str:
    from lt_desktop.documents.registers import write_register_sheet

    assert choice.session_id is not None
    sheet = ws.documents.register_sheet(choice.session_id)
    write_register_sheet(target, sheet, paper=paper)
    return (
        f"Saved the register for week {sheet.week} of {sheet.heading.title} "
        f"({_count(sheet.expected, 'person', 'people')} expected) to {target}."
    )


def _write_attendance(ws: Workspace, choice: Choice, target: Path, paper: PaperSize) -> str:
    from lt_desktop.documents.registers import write_attendance_summary

    assert choice.cohort_id is not None
    summary = ws.documents.attendance_summary(choice.cohort_id)
    write_attendance_summary(target, summary, paper=paper)
    return (
        f"Saved the attendance summary of {summary.heading.title} "
        f"({_count(len(summary.rows), 'person', 'people')}, "
        f"{_count(len(summary.weeks), 'week')}) to {target}."
    )


def _write_person_attendance(ws: Workspace, choice: Choice, target: Path, paper: PaperSize) -> str:
    from lt_desktop.documents.registers import write_person_attendance

    assert choice.person_id is not None
    attendance = ws.documents.person_attendance(choice.person_id, choice.cohort_id)
    write_person_attendance(target, attendance, paper=paper)
    return (
        f"Saved the attendance of {attendance.person_name} "
        f"({_count(len(attendance.cohorts), 'cohort')}) to {target}."
    )


def _write_guest_list(ws: Workspace, choice: Choice, target: Path, paper: PaperSize) -> str:
    from lt_desktop.documents.graduation import write_guest_list

    assert choice.event_id is not None
    guests = ws.documents.guest_list(choice.event_id)
    write_guest_list(target, guests, paper=paper)
    cleared = guests.counts()[ClearanceStatus.CLEARED]
    return (
        f"Saved the guest list for {guests.event.title} "
        f"({_count(len(guests.guests), 'guest')}, {cleared} cleared) to {target}."
    )


def _write_programme(ws: Workspace, choice: Choice, target: Path, paper: PaperSize) -> str:
    from lt_desktop.documents.graduation import write_programme

    assert choice.event_id is not None
    programme = ws.documents.graduation_programme(choice.event_id)
    write_programme(target, programme, paper=paper)
    return (
        f"Saved the programme for {programme.event.title} "
        f"({_count(len(programme.graduates), 'graduate')}) to {target}."
    )


def _write_cohort_report(ws: Workspace, choice: Choice, target: Path, paper: PaperSize) -> str:
    from lt_desktop.documents.cohort_report import write_cohort_report

    assert choice.cohort_id is not None
    report = ws.documents.cohort_report(choice.cohort_id)
    write_cohort_report(target, report, paper=paper)
    return f"Saved the cohort report for {report.heading.title} to {target}."


def _list_writer(kind: CsvKind, words: str) -> Writer:
    def write(ws: Workspace, choice: Choice, target: Path, _paper: PaperSize) -> str:
        # The Save as field asked before replacing a file.
        table = ws.documents.export_csv(kind, target, choice.cohort_id, force=True)
        return (
            f"Saved {_count(len(table.rows), 'row')} of {words} for "
            f"{choice.cohort_title or 'every cohort'} to {target} "
            "(CSV in UTF-8: it opens in Excel as it is)."
        )

    return write


@dataclass(frozen=True)
class DocumentKind:
    label: str
    about: str
    subject: Subject
    file_stem: str  # the start of the suggested file name
    working: str  # said while it is being made
    write: Writer
    is_list: bool = False
    #: Certificates are issued and lists leave the store: both are in the audit log.
    audited: bool = False
    #: Needed beyond printing, where making the document makes records too.
    needs: Permission | None = None


DOCUMENT_KINDS: list[DocumentKind] = [
    DocumentKind(
        "Certificates for a cohort",
        "A certificate of achievement for each student who completed or graduated, one a "
        "page. Serial numbers are given once and kept when certificates are printed again. "
        "Certificates never say where anyone is based.",
        Subject.COHORT,
        "Certificates",
        "Making the certificates…",
        _write_certificates,
        audited=True,
        needs=Permission.MANAGE_GRADUATION,
    ),
    DocumentKind(
        "Blank register for a session",
        "Everyone expected at the session, by small group, with a box to tick for each "
        "mark, for classrooms that work on paper. Type the marks in afterwards.",
        Subject.SESSION,
        "Register",
        "Making the register…",
        _write_register,
    ),
    DocumentKind(
        "Attendance summary for a cohort",
        "The register so far: everyone in a small group, week by week, with each week's "
        "and each person's attendance.",
        Subject.COHORT,
        "Attendance",
        "Making the attendance summary…",
        _write_attendance,
    ),
    DocumentKind(
        "Attendance of one person",
        "One person's sessions and marks, in all the cohorts you see them in, or in one.",
        Subject.PERSON,
        "Attendance of",
        "Making the attendance sheet…",
        _write_person_attendance,
    ),
    DocumentKind(
        "Graduation guest list",
        "Everyone invited to a graduation, for the gate: names, relationship, who invited "
        "them and whether they are cleared to attend. No prison numbers.",
        Subject.EVENT,
        "Guest list",
        "Making the guest list…",
        _write_guest_list,
    ),
    DocumentKind(
        "Graduation programme",
        "The programme booklet: the order of the ceremony and the graduating students.",
        Subject.EVENT,
        "Programme",
        "Making the programme…",
        _write_programme,
    ),
    DocumentKind(
        "Cohort report",
        "Figures and charts for the partnership and its funders: numbers, completion, "
        "attendance by week, essay marks and the change from before to after the course. "
        "It names no one. The Cohort figures tab shows the same figures here.",
        Subject.COHORT,
        "Cohort report",
        "Making the cohort report…",
        _write_cohort_report,
    ),
    DocumentKind(
        "People",
        "Everyone in the cohorts, with their email and cohorts. No prison-only details and "
        "nothing about where anyone is based.",
        Subject.LIST,
        "People",
        "Writing the list…",
        _list_writer(CsvKind.PEOPLE, "people"),
        is_list=True,
        audited=True,
    ),
    DocumentKind(
        "Memberships",
        "Who is in which cohort, in which role and small group, and their status.",
        Subject.LIST,
        "Memberships",
        "Writing the list…",
        _list_writer(CsvKind.MEMBERSHIPS, "memberships"),
        is_list=True,
        audited=True,
    ),
    DocumentKind(
        "Attendance marks",
        "Every register mark: session, date, person, role, mark and reason for absence.",
        Subject.LIST,
        "Attendance marks",
        "Writing the list…",
        _list_writer(CsvKind.ATTENDANCE, "attendance marks"),
        is_list=True,
        audited=True,
    ),
]


def _cohort_words(cohort: CohortInfo) -> str:
    """A cohort as a file name can hold it (no colon)."""
    return f"{cohort.course_title} {cohort.name}"


def _session_words(session: SessionInfo) -> str:
    return (
        f"Week {session.week} · {session.held_on:%a %d %b %Y} · "
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
        {COHORTS, SESSIONS, MEMBERS, PEOPLE, GROUPS, REGISTER, CONSENT, "essays", "answers"}
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
        self.paper = PaperCombo()
        self.target = SavePathField("Certificates.pdf", "Save the document", PDF_FILTER)
        self.form = QFormLayout()
        self.form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        for label, field in (
            ("&Cohort", self.cohort),
            ("S&ession", self.session),
            ("Pe&rson", self.person),
            ("&Graduation", self.graduation),
            ("&Paper", self.paper),
            ("Sa&ve as", self.target),
        ):
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
        found = self.graduation.findData(wanted_event)
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
        found = self.cohort.findData(wanted) if wanted is not None else -1
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
        found = self.person.findData(wanted) if wanted is not None else -1
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
            week = f"week {session.week} " if session else ""
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

        def done(message: str) -> None:
            self._set_busy(False)
            self.banner.show_message(message, Tone.GOOD)

        def failed(message: str) -> None:
            self._set_busy(False)
            self.banner.show_message(message, Tone.ERROR)

        def work(ws: Workspace) -> str:
            return kind.write(ws, choice, target, paper)

        if kind.audited:
            self.controller.change(work, {AUDIT}, done, failed)
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


# -- the cohort's figures, in the app --------------------------------------------------------


def _percent(value: float | None) -> str:
    return "–" if value is None else f"{round(value * 100)}%"


class BarChart(QWidget):
    """Bars with their values written on them, so the chart reads in black and white and
    to a screen reader (the description says the same in words). One series is solid;
    with two, the first is outlined and the second solid, and a legend names them."""

    def __init__(self, name: str, axis_label: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setAccessibleName(name)
        self.axis_label = axis_label
        self.categories: list[str] = []
        self.series: list[list[float]] = []
        self.legend: tuple[str, ...] = ()
        self.minimum, self.maximum, self.step = 0.0, 1.0, 1.0
        self.value_text: Callable[[float], str] = lambda v: f"{v:g}"
        self.setMinimumHeight(210)

    def set_bars(
        self,
        categories: list[str],
        series: list[list[float]],
        *,
        maximum: float,
        step: float,
        value_text: Callable[[float], str],
        minimum: float = 0.0,
        legend: tuple[str, ...] = (),
    ) -> None:
        self.categories, self.series, self.legend = categories, series, legend
        self.minimum, self.maximum, self.step = minimum, max(maximum, minimum + step), step
        self.value_text = value_text
        described = []
        for position, category in enumerate(categories):
            values = [value_text(s[position]) for s in series]
            if legend:
                values = [f"{name.lower()} {v}" for name, v in zip(legend, values, strict=True)]
            described.append(f"{self.axis_label} {category}: {', '.join(values)}")
        self.setAccessibleDescription("; ".join(described))
        self.update()

    def sizeHint(self) -> QSize:  # noqa: N802 - Qt API
        return QSize(600, 230)

    def paintEvent(self, _event: Any) -> None:  # noqa: N802 - Qt API
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        palette = self.palette()
        ink = palette.color(palette.ColorRole.WindowText)
        faint = muted_text(palette)
        grid = palette.color(palette.ColorRole.Midlight)
        metrics = painter.fontMetrics()
        line = metrics.height()
        ticks = []
        value = self.minimum
        while value <= self.maximum + 1e-9:
            ticks.append(value)
            value += self.step
        left = max(metrics.horizontalAdvance(self.value_text(t)) for t in ticks) + 14
        top = 8 + line + (line + 8 if self.legend else 0)
        bottom = self.height() - 2 * line - 12
        right = self.width() - 8
        span = self.maximum - self.minimum

        def y_of(v: float) -> int:
            share = (min(max(v, self.minimum), self.maximum) - self.minimum) / span
            return int(bottom - (bottom - top) * share)

        for tick in ticks:
            y = y_of(tick)
            painter.setPen(QPen(grid, 1))
            painter.drawLine(left, y, right, y)
            painter.setPen(faint)
            painter.drawText(
                QRect(0, y - line // 2, left - 8, line),
                int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter),
                self.value_text(tick),
            )
        if self.legend:
            x = left
            for position, name in enumerate(self.legend):
                box = line - 4
                self._bar(painter, x, 8 + 2, box, box, position, ink)
                painter.setPen(ink)
                painter.drawText(x + box + 6, 8 + line - 3, name)
                x += box + 16 + metrics.horizontalAdvance(name)
        count = max(len(self.categories), 1)
        slot = (right - left) / count
        group = slot * 0.72
        width = group / max(len(self.series), 1)
        small = painter.font()
        small.setPointSizeF(small.pointSizeF() * 0.9)
        for position, category in enumerate(self.categories):
            x0 = left + position * slot + (slot - group) / 2
            for number, values in enumerate(self.series):
                value = values[position]
                x = int(x0 + number * width)
                y = y_of(value)
                self._bar(painter, x, y, int(width) - 2, bottom - y, number, ink)
                painter.save()
                painter.setFont(small)
                painter.setPen(ink)
                painter.drawText(
                    QRect(x - 10, y - line - 1, int(width) + 18, line),
                    int(Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignBottom),
                    self.value_text(value),
                )
                painter.restore()
            painter.setPen(ink)
            label = metrics.elidedText(category, Qt.TextElideMode.ElideRight, int(slot) - 2)
            painter.drawText(
                QRect(int(left + position * slot), bottom + 4, int(slot), line),
                int(Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop),
                label,
            )
        painter.setPen(QPen(ink, 1))
        painter.drawLine(left, bottom, right, bottom)
        painter.setPen(faint)
        painter.drawText(
            QRect(left, bottom + line + 8, right - left, line),
            int(Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop),
            self.axis_label,
        )
        painter.end()

    def _bar(
        self, painter: QPainter, x: int, y: int, width: int, height: int, series: int, ink: Any
    ) -> None:
        if height <= 0:
            return
        if len(self.series) == 1:
            painter.fillRect(x, y, width, height, bar_colours(self.palette())[0])
        elif series == 0:
            painter.fillRect(x, y, width, height, self.palette().color(QPalette.ColorRole.Base))
            painter.setPen(QPen(ink, 1))
            painter.drawRect(x, y, width, height)
        else:
            painter.fillRect(x, y, width, height, ink)


def _nice_top(value: float) -> int:
    """A round axis top a little above ``value``."""
    for top in (4, 8, 12, 20, 40, 60, 80, 100, 200, 400, 1000):
        if value < top:
            return top
    return int(value * 1.2) + 1


def figures_table(name: str, header: list[str], rows: list[list[str]]) -> QTableWidget:
    """A small read-only table of figures, as tall as its rows."""
    table = QTableWidget(len(rows), len(header))
    table.setAccessibleName(name)
    table.setHorizontalHeaderLabels(header)
    table.verticalHeader().hide()
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
    table.setTabKeyNavigation(False)
    table.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
    table.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
    for r, row in enumerate(rows):
        for c, text in enumerate(row):
            item = QTableWidgetItem(text)
            if c > 0:
                item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            table.setItem(r, c, item)
    header_view = table.horizontalHeader()
    header_view.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    header_view.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
    table.resizeRowsToContents()
    height = header_view.sizeHint().height() + 2 * table.frameWidth()
    height += sum(table.rowHeight(r) for r in range(len(rows)))
    table.setFixedHeight(height)
    table.setMaximumWidth(760)
    return table


def table_text(table: QTableWidget) -> list[list[str]]:
    """What a figures table shows, row by row."""
    return [
        [(item.text() if (item := table.item(r, c)) else "") for c in range(table.columnCount())]
        for r in range(table.rowCount())
    ]


class CohortFigures(QWidget):
    """The cohort report's figures on screen: counts, rates and means, never a name."""

    def __init__(self, controller: AppController, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.controller = controller
        self._stale = True
        self._shown: uuid.UUID | None = None
        self.report: CohortReport | None = None
        self.cohort = QComboBox()
        self.cohort.setAccessibleName("Cohort")
        self.cohort.currentIndexChanged.connect(lambda _: self.show_current())
        self.summary = muted()
        self.key_figures: dict[str, QLabel] = {}
        self._captions: dict[str, QLabel] = {}
        cards = QGridLayout()
        for column, (key, caption) in enumerate(
            [
                ("started", "students started"),
                ("completed", "completed"),
                ("attendance", "attendance"),
                ("mean mark", "mean agreed essay mark"),
            ]
        ):
            card = QFrame()
            card.setObjectName("card")
            inside = QVBoxLayout(card)
            number = heading("–")
            number.setAlignment(Qt.AlignmentFlag.AlignCenter)
            number.setAccessibleName(caption.capitalize())
            words = muted(caption)
            words.setAlignment(Qt.AlignmentFlag.AlignCenter)
            inside.addWidget(number)
            inside.addWidget(words)
            self.key_figures[key] = number
            self._captions[key] = words
            cards.addWidget(card, 0, column)
        self.numbers_holder = QVBoxLayout()
        self.numbers: QTableWidget | None = None
        self.leavers = QLabel()
        self.leavers.setWordWrap(True)
        self.staff = QLabel()
        self.staff.setWordWrap(True)
        self.attendance_chart = BarChart("Attendance by week", "Week")
        self.attendance_caption = muted()
        self.marks_chart = BarChart("Essay marks", "Agreed mark")
        self.marks_caption = muted()
        self.change_holder = QVBoxLayout()
        self.change_tables: dict[str, QTableWidget] = {}
        self.change_charts: dict[str, BarChart] = {}

        page = QWidget()
        column_layout = QVBoxLayout(page)
        column_layout.addWidget(self.summary)
        column_layout.addLayout(cards)
        column_layout.addWidget(heading("Students and staff", 2))
        column_layout.addLayout(self.numbers_holder)
        column_layout.addWidget(self.leavers)
        column_layout.addWidget(self.staff)
        column_layout.addWidget(heading("Attendance by week", 2))
        column_layout.addWidget(self.attendance_chart)
        column_layout.addWidget(self.attendance_caption)
        column_layout.addWidget(heading("Essay marks", 2))
        column_layout.addWidget(self.marks_chart)
        column_layout.addWidget(self.marks_caption)
        column_layout.addWidget(heading("Before and after the course", 2))
        column_layout.addLayout(self.change_holder)
        column_layout.addWidget(
            muted(
                "Figures only: no one is named here. Attendance is of students: sessions "
                "attended (present, late or left early) out of those marked. Questionnaire "
                "figures count only people who answered both before and after the course "
                "and whose consent to questionnaires stands today."
            )
        )
        column_layout.addStretch(1)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setWidget(page)
        self.page = EmptyOr(scroll, "There are no cohorts yet.")

        top = QHBoxLayout()
        label = QLabel("Figures for c&ohort")
        label.setBuddy(self.cohort)
        top.addWidget(label)
        top.addWidget(self.cohort, 1)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.page, 1)

    def set_cohorts(self, cohorts: list[CohortInfo]) -> None:
        wanted = self.cohort.currentData()
        self.cohort.blockSignals(True)
        self.cohort.clear()
        for cohort in cohorts:
            self.cohort.addItem(cohort.title, cohort.id)
        found = self.cohort.findData(wanted) if wanted is not None else -1
        self.cohort.setCurrentIndex(found if found >= 0 else 0)
        self.cohort.blockSignals(False)
        self.page.set_empty(not cohorts)
        if self.isVisible():
            self.show_current()

    def mark_stale(self) -> None:
        self._stale = True

    def reload(self) -> None:
        self._stale = True
        self.show_current()

    def show_current(self) -> None:
        """Load the chosen cohort's figures, unless they are on show already."""
        cohort_id = self.cohort.currentData()
        if cohort_id is None or (cohort_id == self._shown and not self._stale):
            return
        self._stale = False
        self._shown = cohort_id
        self.summary.setText("Working out the figures…")
        self.controller.load(
            lambda ws: ws.documents.cohort_report(cohort_id),
            lambda report: self._show(cohort_id, report),
            self.summary.setText,
        )

    def _show(self, cohort_id: uuid.UUID, report: CohortReport) -> None:
        if cohort_id != self.cohort.currentData():
            return
        self.report = report
        head = report.heading
        if report.accredited and report.credits:
            credits = f"{report.credits} credits"
        else:
            credits = "not credit-bearing"
        self.summary.setText(
            f"{head.partnership_name} ({head.prison_name} and {head.university_name}) · "
            f"{head.course_title}, {credits} · "
            f"{head.starts_on:%d %b %Y} to {head.ends_on:%d %b %Y}"
        )
        mean = report.essays.mean
        self.key_figures["started"].setText(str(report.started.total))
        self.key_figures["completed"].setText(str(report.completed.total))
        self._captions["completed"].setText(f"completed ({_percent(report.completion_rate)})")
        self.key_figures["attendance"].setText(_percent(report.attendance_rate))
        self.key_figures["mean mark"].setText("–" if mean is None else f"{mean:.0f}")
        self._show_numbers(report)
        self.leavers.setText(describe_leavers(report))
        self.staff.setText(describe_staff(report))
        self._show_attendance(report)
        self._show_marks(report)
        self._show_change(report)

    def _show_numbers(self, report: CohortReport) -> None:
        header, started, completed = numbers_by_base(report)
        rates = [_percent(c / s if s else None) for c, s in zip(completed, started, strict=True)]
        if self.numbers is not None:
            self.numbers.setParent(None)
            self.numbers.deleteLater()
        self.numbers = figures_table(
            "Students who started and completed",
            header,
            [
                ["Started the course", *map(str, started)],
                ["Completed", *map(str, completed)],
                ["Completion rate", *rates],
            ],
        )
        self.numbers_holder.addWidget(self.numbers)

    def _show_attendance(self, report: CohortReport) -> None:
        if not report.weeks:
            self.attendance_chart.hide()
            self.attendance_caption.setText("No register has been taken yet.")
            return
        self.attendance_chart.show()
        self.attendance_chart.set_bars(
            [str(w.week) for w in report.weeks],
            [[round((w.rate or 0) * 100) for w in report.weeks]],
            maximum=100,
            step=25,
            value_text=lambda v: f"{v:.0f}%",
        )
        attended = sum(w.attended for w in report.weeks)
        marked = sum(w.marked for w in report.weeks)
        self.attendance_caption.setText(
            "Students present, late or leaving early, as a share of those marked each week. "
            f"Over the {_count(len(report.weeks), 'week')} with a register: "
            f"{_percent(report.attendance_rate)} ({attended} of {marked} marks)."
        )

    def _show_marks(self, report: CohortReport) -> None:
        essays = report.essays
        if not essays.agreed:
            self.marks_chart.hide()
            self.marks_caption.setText(
                f"{_count(essays.received, 'essay')} received; no agreed marks yet."
            )
            return
        counts = [band.count for band in essays.bands]
        top = _nice_top(max(counts))
        self.marks_chart.show()
        self.marks_chart.set_bars(
            [band.label for band in essays.bands],
            [[float(c) for c in counts]],
            maximum=top,
            step=max(1, top // 4),
            value_text=lambda v: f"{v:.0f}",
        )
        assert essays.mean is not None and essays.median is not None
        self.marks_caption.setText(
            f"Agreed marks of {essays.agreed} essays ({essays.received} received): mean "
            f"{essays.mean:.1f}, median {essays.median:g}, from {essays.lowest:g} to "
            f"{essays.highest:g}. Each bar is the number of essays in that band."
        )

    def _show_change(self, report: CohortReport) -> None:
        while self.change_holder.count():
            item = self.change_holder.takeAt(0)
            widget = item.widget() if item is not None else None
            if widget is not None:
                widget.setParent(None)
                widget.deleteLater()
        self.change_tables, self.change_charts = {}, {}
        if not report.questionnaires:
            self.change_holder.addWidget(QLabel("No questionnaires have been entered yet."))
            return
        for figures in report.questionnaires:
            self._show_questionnaire(figures)

    def _show_questionnaire(self, figures: QuestionnaireFigures) -> None:
        name = QLabel(f"<b>{_escaped(figures.name)}</b>")
        self.change_holder.addWidget(name)
        rows = [("Overall", figures.overall), *figures.subscales.items()]
        paired = [(n, s) for n, s in rows if s.pairs and s.mean_pre is not None]
        if not paired:
            self.change_holder.addWidget(
                QLabel("No one has yet answered both before and after the course.")
            )
            return
        scale = figures.scale_points or 5
        chart = BarChart(f"{figures.name}: before and after", f"Mean score (1 to {scale})")
        chart.set_bars(
            [n for n, _ in paired],
            [[s.mean_pre or 0 for _, s in paired], [s.mean_post or 0 for _, s in paired]],
            minimum=1,
            maximum=scale,
            step=1,
            value_text=lambda v: f"{v:.2f}" if v != int(v) else f"{v:.0f}",
            legend=("Before", "After"),
        )
        table = figures_table(
            f"{figures.name}: change",
            ["", "People", "Before", "After", "Change", "95% interval of the change"],
            [[n, *_change_cells(s)] for n, s in paired],
        )
        self.change_charts[figures.name] = chart
        self.change_tables[figures.name] = table
        self.change_holder.addWidget(chart)
        self.change_holder.addWidget(table)


def _change_cells(s: Summary) -> list[str]:
    interval = (
        f"{s.ci_low:+.2f} to {s.ci_high:+.2f}"
        if s.ci_low is not None and s.ci_high is not None
        else "–"
    )
    change = "–" if s.mean_change is None else f"{s.mean_change:+.2f}"
    return [str(s.pairs), f"{s.mean_pre:.2f}", f"{s.mean_post:.2f}", change, interval]


def _escaped(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
