"""Applications: recording them (paper forms fast, by keyboard), assessing statements
against the rubric, deciding with the cohort's places and balance in view, answering
offers, and the letters.

No view here says where an applicant is based. The cohort's balance is shown as
numbers, and the waiting list is offered places in a way that keeps it even.
"""

from __future__ import annotations

import dataclasses
import uuid
from collections.abc import Callable, Sequence
from datetime import date
from pathlib import Path
from typing import Any

from lt_desktop.core.services.applications import (
    ASSESSMENT_NOTE,
    DECLINE_REASONS,
    HIGHEST_SCORE,
    OPEN_DECISIONS,
    WITHDRAWABLE,
    ApplicationDetail,
    ApplicationRow,
    ApplicationToAssess,
    AssessmentItem,
    CriterionInfo,
    FreePlacesOffered,
    NewApplicant,
    Places,
)
from lt_desktop.core.services.essays import MAX_SCAN_BYTES, ScanInfo
from lt_desktop.core.services.people import PersonListing, people_named
from lt_desktop.core.services.programme import CohortInfo
from lt_desktop.core.services.settings import BLIND_ASSESSMENT
from lt_desktop.core.workspace import Workspace
from lt_desktop.domain.errors import LtError, ValidationError
from lt_desktop.domain.roles import Permission
from lt_desktop.domain.vocabulary import ApplicationDecision, PersonBase, SiteKind
from lt_desktop.storage.atomic import write_atomic
from lt_desktop.storage.output_paths import check_output_path
from lt_desktop.ui.controller import AUDIT, COHORTS, MEMBERS, PEOPLE, SETTINGS, AppController
from lt_desktop.ui.fitting import VerticalScrollArea, flow
from lt_desktop.ui.models import Column, Index, RecordTableModel
from lt_desktop.ui.qt import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QCompleter,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QKeySequence,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPixmap,
    QPlainTextEdit,
    QScrollArea,
    QShortcut,
    QSpinBox,
    QSplitter,
    Qt,
    QTableView,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)
from lt_desktop.ui.screens.base import Screen, offer_only_if
from lt_desktop.ui.views.balance_bar import BalanceBar
from lt_desktop.ui.widgets import (
    Banner,
    EmptyOr,
    EnumCombo,
    FormDialog,
    PaperCombo,
    SavePathField,
    Tone,
    button,
    confirm,
    date_field,
    date_of,
    heading,
    muted,
    show_error,
)

APPLICATIONS = "applications"

#: What each decision is called in the list, in words staff use.
DECISION_WORDS = {
    ApplicationDecision.PENDING: "To decide",
    ApplicationDecision.OFFERED: "Offered",
    ApplicationDecision.WAITING_LIST: "Waiting list",
    ApplicationDecision.DECLINED: "Declined",
    ApplicationDecision.ACCEPTED: "Accepted",
    ApplicationDecision.OFFER_DECLINED: "Offer turned down",
    ApplicationDecision.WITHDRAWN: "Withdrawn",
}


def _score_text(row: ApplicationRow, most: int) -> str:
    return "—" if row.score is None else f"{row.score:g} / {most}"


def _day(day: date) -> str:
    return f"{day.day} {day:%B %Y}"


def _table(model: Any, name: str) -> QTableView:
    view = QTableView()
    view.setModel(model)
    view.setAccessibleName(name)
    view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    view.setTabKeyNavigation(False)
    view.verticalHeader().hide()
    view.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
    view.horizontalHeader().setStretchLastSection(True)
    view.setAlternatingRowColors(True)
    return view


def _read_only(name: str, height: int | None = None) -> QPlainTextEdit:
    field = QPlainTextEdit()
    field.setReadOnly(True)
    field.setTabChangesFocus(True)
    field.setAccessibleName(name)
    if height is not None:
        field.setFixedHeight(height)
    return field


class ApplicationsModel(RecordTableModel[ApplicationRow]):
    """Every application of a cohort, filtered and sorted in memory: the list stays quick
    with thousands of rows, and sorting or filtering never asks the store again."""

    def __init__(self, parent: Any = None) -> None:
        self.most_score = 20
        super().__init__(
            [
                Column("Name", lambda r: r.name, sort_key=lambda r: r.sort_name.casefold()),
                Column("Reference", lambda r: r.reference),
                Column(
                    "Received",
                    lambda r: f"{r.received_on:%d %b %Y}",
                    sort_key=lambda r: r.received_on.toordinal(),
                ),
                Column(
                    "Score",
                    lambda r: _score_text(r, self.most_score),
                    sort_key=lambda r: -1.0 if r.score is None else r.score,
                    align_right=True,
                ),
                Column(
                    "Assessed",
                    lambda r: f"{r.assessors} of 2" if r.assessors else "—",
                    sort_key=lambda r: r.assessors,
                ),
                Column(
                    "Decision",
                    lambda r: DECISION_WORDS[r.decision],
                    sort_key=lambda r: list(DECISION_WORDS).index(r.decision),
                ),
                Column(
                    "Decided",
                    lambda r: f"{r.decided_on:%d %b}" if r.decided_on else "",
                    sort_key=lambda r: r.decided_on.toordinal() if r.decided_on else 0,
                ),
            ],
            parent,
        )
        self._all: list[ApplicationRow] = []
        self._search: dict[uuid.UUID, str] = {}
        self._text = ""
        self._decision: ApplicationDecision | None = None
        self._sort: tuple[int, Qt.SortOrder] | None = None

    @property
    def total(self) -> int:
        return len(self._all)

    @property
    def all_rows(self) -> list[ApplicationRow]:
        """Every application of the cohort, whatever the filter shows."""
        return self._all

    def set_all(self, rows: Sequence[ApplicationRow]) -> None:
        self._all = list(rows)
        self._search = {row.id: row.search_text for row in rows}
        self._apply()

    def set_filter(self, text: str, decision: ApplicationDecision | None) -> None:
        self._text, self._decision = text, decision
        self._apply()

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        self._sort = (column, order) if 0 <= column < self.columnCount() else None
        self._apply()

    def update_row(self, row: ApplicationRow) -> None:
        """One application changed: show it in place, without reloading the list."""
        self._all = [row if r.id == row.id else r for r in self._all]
        position = self.position_of(row.id)
        if position is not None:
            self.replace_row(position, row)

    def position_of(self, application_id: uuid.UUID) -> int | None:
        return next((i for i, r in enumerate(self.rows) if r.id == application_id), None)

    def _sort_key(self, column: int) -> Callable[[ApplicationRow], Any]:
        spec = self._columns[column]
        if spec.sort_key is not None:
            return spec.sort_key
        return lambda row: spec.text(row).casefold()

    def _apply(self) -> None:
        words = self._text.casefold().split()
        shown = [
            row
            for row in self._all
            if (self._decision is None or row.decision is self._decision)
            and all(word in self._search[row.id] for word in words)
        ]
        if self._sort is not None:
            column, order = self._sort
            shown.sort(key=self._sort_key(column), reverse=order == Qt.SortOrder.DescendingOrder)
        self.set_rows(shown)


class ApplicationsScreen(Screen):
    title = "Applications"
    needs = frozenset({Permission.MANAGE_APPLICATIONS, Permission.ASSESS_APPLICATIONS})
    # Its own changes are shown in place; these come from elsewhere.
    listens_to = frozenset({COHORTS, MEMBERS, PEOPLE, SETTINGS})

    def __init__(self, controller: AppController, parent: QWidget | None = None) -> None:
        super().__init__(controller, parent)
        self._own_changes = 0
        self.cohort = QComboBox()
        self.cohort.setAccessibleName("Cohort")
        self.cohort.currentIndexChanged.connect(self._cohort_chosen)
        top = QHBoxLayout()
        label = QLabel("&Cohort")
        label.setBuddy(self.cohort)
        top.addWidget(label)
        top.addWidget(self.cohort, 1)
        self.tabs = QTabWidget()
        self.tabs.setAccessibleName("Applications and assessing")
        self.decisions = DecisionsView(self) if self.may(Permission.MANAGE_APPLICATIONS) else None
        self.assessing = AssessView(self) if self.may(Permission.ASSESS_APPLICATIONS) else None
        if self.decisions is not None:
            self.tabs.addTab(self.decisions, "App&lications and decisions")
        if self.assessing is not None:
            self.tabs.addTab(self.assessing, "Assess s&tatements")
        self.tabs.currentChanged.connect(lambda _index: self._cohort_chosen())
        layout = QVBoxLayout(self)
        layout.addWidget(heading("Applications"))
        layout.addLayout(top)
        layout.addWidget(self.tabs, 1)

    # -- loading -----------------------------------------------------------------------

    def reload(self) -> None:
        self.controller.load(lambda ws: ws.programme.list_cohorts(), self._show_cohorts)

    def _show_cohorts(self, cohorts: list[CohortInfo]) -> None:
        current = self.cohort.currentData()
        self.cohort.blockSignals(True)
        self.cohort.clear()
        for cohort in sorted(cohorts, key=lambda c: c.starts_on, reverse=True):
            self.cohort.addItem(cohort.title, cohort.id)
        index = self.cohort.findData(current) if current is not None else -1
        self.cohort.setCurrentIndex(max(index, 0))
        self.cohort.blockSignals(False)
        self._cohort_chosen()

    def cohort_id(self) -> uuid.UUID | None:
        value = self.cohort.currentData()
        return value if isinstance(value, uuid.UUID) else None

    def _cohort_chosen(self) -> None:
        view = self.tabs.currentWidget()
        if isinstance(view, DecisionsView | AssessView):
            view.load(self.cohort_id())

    # -- changes made here ---------------------------------------------------------------

    def change(
        self,
        work: Callable[[Workspace], Any],
        kinds: set[str],
        on_done: Callable[[Any], None],
        on_error: Callable[[str], None],
    ) -> None:
        """Make a change whose result this screen shows in place, so the change it
        announces does not reload the screen (and lose what is being typed)."""
        self._own_changes += 1

        def failed(message: str) -> None:
            self._own_changes -= 1
            on_error(message)

        self.controller.change(work, {APPLICATIONS, *kinds}, on_done, failed)

    def _on_data_changed(self, kinds: frozenset[str]) -> None:
        if APPLICATIONS in kinds and self._own_changes:
            self._own_changes -= 1
            return
        super()._on_data_changed(kinds)


# -- applications and decisions (staff) ---------------------------------------------------


class DecisionsView(QWidget):
    def __init__(self, screen: ApplicationsScreen) -> None:
        super().__init__()
        self.owner = screen
        self.controller = screen.controller
        self._cohort_id: uuid.UUID | None = None
        self._detail: ApplicationDetail | None = None
        self._places: Places | None = None
        self.balance_bar = BalanceBar()
        self.places_text = QLabel()
        self.places_text.setWordWrap(True)
        self.places_text.setAccessibleName("Places and balance")

        self.model = ApplicationsModel(self)
        self.table = _table(self.model, "Applications")
        self.table.setSortingEnabled(True)
        self.table.horizontalHeader().setSortIndicator(-1, Qt.SortOrder.AscendingOrder)
        self.table.selectionModel().currentRowChanged.connect(self._chosen)
        for column, width in enumerate([170, 110, 100, 80, 80, 130, 70]):
            self.table.setColumnWidth(column, width)
        self.table_or_empty = EmptyOr(self.table, "No applications yet.")
        self.search = QLineEdit()
        self.search.setPlaceholderText("Find by name or reference")
        self.search.setClearButtonEnabled(True)
        self.search.setAccessibleName("Find an application")
        self.search.textChanged.connect(self._filter)
        self.show_only = QComboBox()
        self.show_only.setAccessibleName("Show")
        self.show_only.addItem("Every application", None)
        for decision, words in DECISION_WORDS.items():
            self.show_only.addItem(words, decision.value)  # Qt hands a StrEnum back as str
        self.show_only.currentIndexChanged.connect(self._filter)
        self.count = muted()

        self.name = heading("", 2)
        self.facts = QLabel()
        self.facts.setWordWrap(True)
        self.facts.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.statement = _read_only("Motivation statement")
        self.scans = QListWidget()
        self.scans.setAccessibleName("Scans of the paper form")
        self.scans.setMaximumHeight(64)
        self.assessments = QLabel()
        self.assessments.setWordWrap(True)
        self.decision_text = QLabel()
        self.decision_text.setWordWrap(True)
        self.offer_button = button("&Offer a place", self._offer)
        self.waiting_button = button("&Waiting list", self._wait)
        self.decline_button = button("&Decline…", self._decline)
        self.accepted_button = button("Offer acc&epted…", self._accepted)
        self.turned_down_button = button("Offer t&urned down", self._turned_down)
        self.withdraw_button = button("Withd&rawn…", self._withdraw)
        self.view_scan_button = button("&View scan", self._view_scan)
        self.banner = Banner()

        detail = QWidget()
        detail_layout = QVBoxLayout(detail)
        detail_layout.addWidget(self.name)
        detail_layout.addWidget(self.facts)
        statement_label = QLabel("State&ment")
        statement_label.setBuddy(self.statement)
        detail_layout.addWidget(statement_label)
        detail_layout.addWidget(self.statement, 2)
        scans_row = QHBoxLayout()
        scans_row.addWidget(self.scans, 1)
        scans_row.addWidget(self.view_scan_button, 0, Qt.AlignmentFlag.AlignTop)
        detail_layout.addLayout(scans_row)
        detail_layout.addWidget(self.assessments)
        detail_layout.addWidget(self.decision_text)
        detail_layout.addLayout(flow((self.offer_button, self.waiting_button, self.decline_button)))
        detail_layout.addLayout(
            flow((self.accepted_button, self.turned_down_button, self.withdraw_button))
        )
        self.detail = detail
        detail.setEnabled(False)
        self.scans.hide()
        self.view_scan_button.hide()

        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        find_row = QHBoxLayout()
        find_row.addWidget(self.search, 2)
        show_label = QLabel("&Show")
        show_label.setBuddy(self.show_only)
        find_row.addWidget(show_label)
        find_row.addWidget(self.show_only, 1)
        left_layout.addLayout(find_row)
        left_layout.addWidget(self.table_or_empty, 1)
        left_layout.addWidget(self.count)
        splitter = QSplitter()
        splitter.addWidget(left)
        splitter.addWidget(VerticalScrollArea(detail, "The application"))
        splitter.setSizes([620, 480])

        self.enter_button = button("Enter &paper applications…", self._enter)
        self.scan_button = button("Add a scan…", self._attach)
        self.edit_button = button("Ed&it details…", self._edit)
        self.fill_button = button("Offer free places from the waitin&g list", self._fill)
        self.print_button = button("Print letters…", self._print)
        self.rubric_button = button("Rubric and &blind assessment…", self._rubric)
        offer_only_if(screen.may(Permission.MANAGE_SETTINGS), self.rubric_button)
        actions = flow(
            (
                self.enter_button,
                self.scan_button,
                self.edit_button,
                self.fill_button,
                self.print_button,
                self.rubric_button,
            )
        )

        places_row = QHBoxLayout()
        places_row.addWidget(self.balance_bar)
        places_row.addWidget(self.places_text, 1)
        layout = QVBoxLayout(self)
        layout.addLayout(places_row)
        layout.addWidget(self.banner)
        layout.addWidget(splitter, 1)
        layout.addLayout(actions)
        QShortcut(QKeySequence("Ctrl+F"), self, self.search.setFocus)

    # -- loading -----------------------------------------------------------------------

    def load(self, cohort_id: uuid.UUID | None) -> None:
        if cohort_id != self._cohort_id:
            self.banner.clear()
        self._cohort_id = cohort_id
        if cohort_id is None:
            self.model.set_all([])
            self.table_or_empty.set_empty(True, "There are no cohorts yet.")
            return

        def fetch(ws: Workspace) -> tuple[list[ApplicationRow], Places, int]:
            return (
                ws.applications.list_applications(cohort_id),
                ws.applications.places(cohort_id),
                len(ws.applications.rubric()),
            )

        self.controller.load(fetch, self._show)

    def _show(self, result: tuple[list[ApplicationRow], Places, int]) -> None:
        rows, places, criteria = result
        chosen = self._current_id()
        self.model.most_score = HIGHEST_SCORE * criteria
        self.model.set_all(rows)
        self.table_or_empty.set_empty(
            not rows,
            "No applications to this cohort yet: enter them with Enter paper applications.",
        )
        self._show_places(places)
        self._update_count()
        self._select(chosen)

    def _show_places(self, places: Places) -> None:
        self._places = places
        self.balance_bar.set_balance(places.promised, places.capacity)
        self.places_text.setText(places.describe())

    def _refresh_places(self) -> None:
        cohort_id = self._cohort_id
        if cohort_id is not None:
            self.controller.load(lambda ws: ws.applications.places(cohort_id), self._show_places)

    def _filter(self) -> None:
        chosen = self._current_id()
        value = self.show_only.currentData()
        self.model.set_filter(self.search.text(), ApplicationDecision(value) if value else None)
        self._update_count()
        self._select(chosen)

    def _update_count(self) -> None:
        shown, total = self.model.rowCount(), self.model.total
        self.count.setText(
            f"{total} applications." if shown == total else f"{shown} of {total} applications."
        )

    def _current_id(self) -> uuid.UUID | None:
        row = self.model.row_at(self.table.currentIndex())
        return None if row is None else row.id

    def _select(self, application_id: uuid.UUID | None) -> None:
        position = self.model.position_of(application_id) if application_id else None
        if position is not None:
            self.table.selectRow(position)
        elif self.model.rowCount():
            self.table.selectRow(0)
        else:
            self._detail = None
            self.detail.setEnabled(False)

    def _chosen(self, current: Index, _previous: Index) -> None:
        row = self.model.row_at(current)
        if row is None:
            return
        application_id = row.id
        self.controller.load(
            lambda ws: ws.applications.application(application_id), self._show_detail
        )

    def _show_detail(self, detail: ApplicationDetail) -> None:
        if detail.row.id != self._current_id():
            return  # the choice moved on while this was read
        self._detail = detail
        row = detail.row
        self.detail.setEnabled(True)
        self.name.setText(f"{row.name} · {row.reference}")
        facts = [f"Received {_day(row.received_on)}."]
        for label, value in (
            ("Heard about the course from", detail.heard_about),
            ("Free to attend", detail.availability),
            ("Adjustments", detail.adjustments),
        ):
            if value:
                facts.append(f"{label}: {value}.")
        self.facts.setText(" ".join(facts))
        self.statement.setPlainText(
            detail.motivation_statement or "No statement typed: see the scans of the form."
        )
        self.scans.clear()
        for scan in detail.scans:
            item = QListWidgetItem(f"{scan.filename} ({scan.size // 1024 + 1} KB)")
            item.setData(Qt.ItemDataRole.UserRole, scan)
            self.scans.addItem(item)
        self.scans.setVisible(bool(detail.scans))
        self.view_scan_button.setVisible(bool(detail.scans))
        if detail.assessments:
            lines = []
            for assessment in detail.assessments:
                state = "" if assessment.complete else ", not finished"
                notes = " ".join(
                    note if note.endswith((".", "!", "?")) else f"{note}."
                    for note in assessment.notes.values()
                )
                lines.append(
                    f"{assessment.assessor_name}: {assessment.total} of {detail.most_score}"
                    f"{state}" + (f" ({notes})" if notes else "")
                )
            self.assessments.setText("Scores: " + "; ".join(lines) + ".")
        else:
            self.assessments.setText("Not assessed yet.")
        self._show_decision(row)

    def _show_decision(self, row: ApplicationRow) -> None:
        words = DECISION_WORDS[row.decision]
        if row.decided_on:
            words += f", decided {_day(row.decided_on)}"
        if row.answered_on:
            words += f"; told us {_day(row.answered_on)}"
        if row.decision_reason:
            words += f". Reason given: {row.decision_reason}"
        self.decision_text.setText(f"Decision: {words}.")
        open_decision = row.decision in OPEN_DECISIONS
        offered = row.decision is ApplicationDecision.OFFERED
        self.offer_button.setEnabled(open_decision and not offered)
        self.waiting_button.setEnabled(
            open_decision and row.decision is not ApplicationDecision.WAITING_LIST
        )
        self.decline_button.setEnabled(open_decision)
        self.accepted_button.setEnabled(offered)
        self.turned_down_button.setEnabled(offered)
        self.withdraw_button.setEnabled(row.decision in WITHDRAWABLE)

    # -- deciding ----------------------------------------------------------------------

    def _selected(self) -> ApplicationRow | None:
        row = self.model.row_at(self.table.currentIndex())
        if row is None:
            self.banner.show_message("Choose an application in the list first.", Tone.WARNING)
        return row

    def _error(self, message: str) -> None:
        self.banner.show_message(message, Tone.ERROR)

    def _changed(self, row: ApplicationRow, message: str) -> None:
        self.model.update_row(row)
        if row.id == self._current_id() and self._detail is not None:
            self._chosen(self.table.currentIndex(), self.table.currentIndex())
        self._refresh_places()
        self.banner.show_message(message, Tone.GOOD)

    def _decide(self, decision: ApplicationDecision, reason: str = "") -> None:
        row = self._selected()
        if row is None:
            return
        application_id = row.id
        words = {
            ApplicationDecision.OFFERED: "offered a place",
            ApplicationDecision.WAITING_LIST: "put on the waiting list",
            ApplicationDecision.DECLINED: "declined",
        }[decision]
        self.owner.change(
            lambda ws: ws.applications.decide(application_id, decision, reason=reason),
            {AUDIT},
            lambda changed: self._changed(changed, f"{changed.name}: {words}."),
            self._error,
        )

    def _offer(self) -> None:
        self._decide(ApplicationDecision.OFFERED)

    def _wait(self) -> None:
        self._decide(ApplicationDecision.WAITING_LIST)

    def _decline(self) -> None:
        row = self._selected()
        if row is None:
            return
        dialog = DeclineDialog(self, row)
        if dialog.exec():
            self._decide(ApplicationDecision.DECLINED, dialog.reason.toPlainText())

    def _accepted(self) -> None:
        row = self._selected()
        if row is None or not confirm(
            self,
            f"{row.name} accepts the offer. Enrol them in the cohort as a student now?",
            "Enrol",
        ):
            return
        application_id = row.id
        self.owner.change(
            lambda ws: ws.applications.answer_offer(application_id, accepted=True),
            {MEMBERS, AUDIT},
            lambda changed: self._changed(
                changed, f"{changed.name} accepted and is enrolled in the cohort."
            ),
            self._error,
        )

    def _turned_down(self) -> None:
        row = self._selected()
        if row is None:
            return
        application_id = row.id

        def done(changed: ApplicationRow) -> None:
            self._changed(changed, f"{changed.name} turned the offer down; a place is free.")
            waiting = any(
                r.decision is ApplicationDecision.WAITING_LIST for r in self.model.all_rows
            )
            if waiting and confirm(
                self,
                "A place is free. Offer it to the waiting list now, keeping the numbers even?",
                "Offer the place",
            ):
                self._fill()

        self.owner.change(
            lambda ws: ws.applications.answer_offer(application_id, accepted=False),
            {AUDIT},
            done,
            self._error,
        )

    def _withdraw(self) -> None:
        row = self._selected()
        if row is None or not confirm(
            self, f"Record that {row.name} has withdrawn their application?", "Withdrawn"
        ):
            return
        application_id = row.id
        self.owner.change(
            lambda ws: ws.applications.withdraw(application_id),
            {AUDIT},
            lambda changed: self._changed(changed, f"{changed.name} has withdrawn."),
            self._error,
        )

    def _fill(self) -> None:
        cohort_id = self._cohort_id
        if cohort_id is None:
            return

        def done(result: FreePlacesOffered) -> None:
            for row in result.offered:
                self.model.update_row(row)
            self._refresh_places()
            names = ", ".join(r.name for r in result.offered)
            if result.offered:
                message = f"Offered {len(result.offered)} free place(s): {names}."
            else:
                message = "No place was offered."
            if result.held_for_balance:
                message += (
                    f" {result.held_for_balance} place(s) stay free: no one waiting would "
                    "keep the numbers even. Decide on them yourself."
                )
            elif result.still_free:
                message += f" {result.still_free} place(s) still free: the waiting list is empty."
            tone = Tone.GOOD if result.offered else Tone.INFO
            self.banner.show_message(message, tone)

        self.owner.change(
            lambda ws: ws.applications.offer_free_places(cohort_id),
            {AUDIT},
            done,
            self._error,
        )

    # -- recording ---------------------------------------------------------------------

    def _enter(self) -> None:
        cohort_id = self._cohort_id
        if cohort_id is None:
            return
        applied = {r.person_id for r in self.model.all_rows}

        def open_dialog(people: list[PersonListing]) -> None:
            workspace = self.controller.workspace
            site_kind = workspace.store.site.kind if workspace else SiteKind.PRISON
            dialog = EnterApplicationsDialog(
                self,
                self.owner,
                cohort_id,
                [p for p in people if p.id not in applied],
                site_kind,
            )
            dialog.exec()

        self.controller.load(lambda ws: ws.people.list_people(), open_dialog, self._error)

    def added(self, row: ApplicationRow) -> None:
        """An application entered in the dialog: show it without reloading the list."""
        self.model.set_all([*self.model.all_rows, row])
        self._update_count()
        self.table_or_empty.set_empty(False)

    def _edit(self) -> None:
        detail = self._detail
        if detail is None or self._selected() is None:
            return
        dialog = EditApplicationDialog(self, detail)
        if not dialog.exec():
            return
        values = dialog.values()
        application_id = detail.row.id
        self.owner.change(
            lambda ws: ws.applications.update_application(application_id, **values),
            {AUDIT},
            lambda changed: self._changed(changed, f"Saved {changed.name}'s application."),
            self._error,
        )

    def _attach(self) -> None:
        row = self._selected()
        if row is None:
            return
        path, _ = QFileDialog.getOpenFileName(
            self,
            f"Scan of {row.name}'s application form",
            str(Path.home()),
            "Scans (*.png *.jpg *.jpeg *.pdf)",
        )
        if not path:
            return
        source = Path(path)
        try:
            if source.stat().st_size > MAX_SCAN_BYTES:
                raise ValidationError("That scan is larger than 25 MB; scan at a lower resolution.")
            data = source.read_bytes()
        except (OSError, LtError) as error:
            self._error(str(error))
            return
        application_id = row.id

        def done(scan: ScanInfo) -> None:
            self.model.update_row(dataclasses.replace(row, scans=row.scans + 1))
            self._chosen(self.table.currentIndex(), self.table.currentIndex())
            self.banner.show_message(
                f"Kept {scan.filename} in the store with {row.name}'s application. You can "
                "delete the file now.",
                Tone.GOOD,
            )

        self.owner.change(
            lambda ws: ws.applications.attach_scan(application_id, source.name, data),
            set(),
            done,
            self._error,
        )

    def _view_scan(self) -> None:
        item = self.scans.currentItem() or (self.scans.item(0) if self.scans.count() else None)
        if item is None:
            return
        scan: ScanInfo = item.data(Qt.ItemDataRole.UserRole)
        scan_id = scan.id
        self.controller.load(
            lambda ws: ws.applications.scan_data(scan_id),
            lambda data: _show_scan(self, scan, data),
            self._error,
        )

    # -- letters and the rubric -----------------------------------------------------------

    def _print(self) -> None:
        cohort_id = self._cohort_id
        if cohort_id is None:
            return
        counts = {
            decision: sum(1 for r in self.model.all_rows if r.decision is decision)
            for decision in (
                ApplicationDecision.OFFERED,
                ApplicationDecision.WAITING_LIST,
                ApplicationDecision.DECLINED,
            )
        }
        selected = self.model.row_at(self.table.currentIndex())
        dialog = LettersDialog(self, self.owner.cohort.currentText(), counts, selected)
        if not dialog.exec():
            return
        which, target, paper = dialog.values()

        def write(ws: Workspace) -> int:
            from lt_desktop.documents.letters import write_letters

            letters = (
                [ws.applications.letter(which.id)]
                if isinstance(which, ApplicationRow)
                else ws.applications.letters(cohort_id, which)
            )
            write_letters(target, letters, paper=paper)
            return len(letters)

        self.controller.load(
            write,
            lambda count: self.banner.show_message(
                f"Saved {count} letter{'' if count == 1 else 's'} as {target.name}.", Tone.GOOD
            ),
            self._error,
        )

    def _rubric(self) -> None:
        RubricDialog(self, self.controller).exec()
        self.load(self._cohort_id)


class DeclineDialog(FormDialog):
    def __init__(self, parent: QWidget, row: ApplicationRow) -> None:
        super().__init__(f"Decline {row.name}'s application", "Decline", parent)
        self.form.addRow(
            muted(
                "The reason goes in the letter the applicant reads. Keep it kind, plain and "
                "true; choose one of these or write your own."
            )
        )
        self.suggestion = QComboBox()
        self.suggestion.addItem("Write my own", "")
        for reason in DECLINE_REASONS:
            self.suggestion.addItem(reason, reason)
        self.add_row("&Suggested reason", self.suggestion)
        self.reason = QPlainTextEdit(DECLINE_REASONS[0])
        self.reason.setTabChangesFocus(True)
        self.reason.setFixedHeight(80)
        self.add_row("&Reason", self.reason)
        self.suggestion.setCurrentIndex(1)
        self.suggestion.currentIndexChanged.connect(
            lambda _i: self.reason.setPlainText(self.suggestion.currentData() or "")
        )

    def validate(self) -> None:
        if not self.reason.toPlainText().strip():
            raise ValidationError("Give a reason; it goes in the letter.")


class EnterApplicationsDialog(FormDialog):
    """Paper application forms, one after another, by keyboard: type the name and what
    the form says, then Ctrl+Enter saves and starts the next."""

    def __init__(
        self,
        parent: QWidget,
        screen: ApplicationsScreen,
        cohort_id: uuid.UUID,
        people: list[PersonListing],
        site_kind: SiteKind,
    ) -> None:
        super().__init__("Enter paper applications", "Save and ne&xt", parent)
        self._screen = screen
        self._cohort_id = cohort_id
        self.buttons.button(QDialogButtonBox.StandardButton.Cancel).setText("Done")
        self.form.addRow(
            muted(
                "Type what the form says. The name finds someone already known here; a new "
                "name adds them to People. Ctrl+Enter saves and starts the next form."
            )
        )
        self.applicant = QComboBox()
        self.applicant.setEditable(True)
        self.applicant.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        self._people = sorted(people, key=lambda p: p.sort_name.casefold())
        for person in self._people:
            self.applicant.addItem(person.label, person.id)
        # A list of matches to choose from, never a completion typed in for the person: two
        # people of the same name must not be told apart by whichever came first.
        completer = self.applicant.completer()
        assert completer is not None  # an editable combo box has one
        completer.setFilterMode(Qt.MatchFlag.MatchContains)
        completer.setCompletionMode(QCompleter.CompletionMode.PopupCompletion)
        completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.applicant.setCurrentIndex(-1)
        self.applicant.setEditText("")
        self.add_row("&Name", self.applicant)
        self.known = muted()
        self.form.addRow("", self.known)
        default_base = (
            PersonBase.UNIVERSITY if site_kind is SiteKind.UNIVERSITY else PersonBase.PRISON
        )
        self.base = EnumCombo(list(PersonBase), default_base)
        self.add_row("&Based (new people only)", self.base)
        self.received = self.add_row("&Received on", date_field(date.today()))
        self.statement = QPlainTextEdit()
        self.statement.setTabChangesFocus(True)
        self.statement.setMinimumHeight(140)
        self.statement.setPlaceholderText(
            "Why they would like to take part, as written. Leave empty if you attach a scan."
        )
        self.add_row("&Why they want to take part", self.statement)
        self.heard_about = self.add_row("&Heard about the course from", QLineEdit())
        self.availability = self.add_row("&Free to attend", QLineEdit())
        self.adjustments = self.add_row("&Adjustments needed", QLineEdit())
        self.saved = muted()
        self.form.addRow(self.saved)
        self.applicant.editTextChanged.connect(self._name_typed)
        for field in (self.heard_about, self.availability, self.adjustments):
            field.returnPressed.connect(self._on_ok)
        for keys in ("Ctrl+Return", "Ctrl+Enter"):
            QShortcut(QKeySequence(keys), self, self._on_ok)
        self.count = 0
        self._name_typed("")
        self.setMinimumWidth(560)

    def _named(self) -> list[PersonListing]:
        return people_named(self._people, self.applicant.currentText())

    def _person_id(self) -> uuid.UUID | None:
        named = self._named()
        return named[0].id if len(named) == 1 else None

    def _namesakes(self, named: list[PersonListing]) -> str:
        return (
            f"{len(named)} people here are called {named[0].display_name}: choose the right "
            "one from the list, where their cohorts and references tell them apart."
        )

    def _name_typed(self, text: str) -> None:
        named = self._named()
        self.base.setEnabled(not named and bool(text.strip()))
        if len(named) > 1:
            self.known.setText(self._namesakes(named))
        elif named:
            self.known.setText("Already known here: the application is added to their record.")
        else:
            self.known.setText("Someone new: they will be added to People." if text.strip() else "")

    def _values(self) -> dict[str, Any]:
        name = self.applicant.currentText().strip()
        person_id = self._person_id()
        values: dict[str, Any] = {
            "received_on": date_of(self.received),
            "motivation_statement": self.statement.toPlainText(),
            "heard_about": self.heard_about.text(),
            "availability": self.availability.text(),
            "adjustments": self.adjustments.text(),
        }
        if person_id is not None:
            values["person_id"] = person_id
            return values
        named = self._named()
        if named:
            raise ValidationError(self._namesakes(named))
        given, _, family = name.rpartition(" ")
        if not name or not given.strip() or not family.strip():
            raise ValidationError("Type the applicant's given name and family name.")
        values["new_person"] = NewApplicant(given.strip(), family.strip(), self.base.value())
        return values

    def _on_ok(self) -> None:
        try:
            values = self._values()
        except LtError as error:
            self.banner.show_message(str(error), Tone.ERROR)
            return
        cohort_id = self._cohort_id
        self.ok_button.setEnabled(False)

        def saved(row: ApplicationRow) -> None:
            self.count += 1
            self.saved.setText(f"Saved {self.count}: {row.name}, {row.reference}.")
            self.banner.clear()
            index = self.applicant.findData(row.person_id)
            if index >= 0:
                self.applicant.removeItem(index)
            self._people = [p for p in self._people if p.id != row.person_id]
            self.applicant.setCurrentIndex(-1)
            self.applicant.setEditText("")
            for field in (self.heard_about, self.availability, self.adjustments):
                field.clear()
            self.statement.clear()
            self.ok_button.setEnabled(True)
            self.applicant.setFocus()
            if self._screen.decisions is not None:
                self._screen.decisions.added(row)

        def failed(message: str) -> None:
            self.ok_button.setEnabled(True)
            self.banner.show_message(message, Tone.ERROR)

        kinds = {AUDIT} | ({PEOPLE} if "new_person" in values else set())
        self._screen.change(
            lambda ws: ws.applications.record_application(cohort_id, **values),
            kinds,
            saved,
            failed,
        )


class EditApplicationDialog(FormDialog):
    def __init__(self, parent: QWidget, detail: ApplicationDetail) -> None:
        super().__init__(f"{detail.row.name}'s application", parent=parent)
        self.received = self.add_row("&Received on", date_field(detail.row.received_on))
        self.statement = QPlainTextEdit(detail.motivation_statement)
        self.statement.setTabChangesFocus(True)
        self.statement.setMinimumHeight(140)
        self.statement.setReadOnly(bool(detail.assessments))
        self.add_row("&Why they want to take part", self.statement)
        if detail.assessments:
            self.form.addRow(muted("The statement has been assessed, so it stays as it was."))
        self.heard_about = self.add_row(
            "&Heard about the course from", QLineEdit(detail.heard_about)
        )
        self.availability = self.add_row("&Free to attend", QLineEdit(detail.availability))
        self.adjustments = self.add_row("&Adjustments needed", QLineEdit(detail.adjustments))

    def values(self) -> dict[str, Any]:
        return {
            "received_on": date_of(self.received),
            "motivation_statement": self.statement.toPlainText(),
            "heard_about": self.heard_about.text(),
            "availability": self.availability.text(),
            "adjustments": self.adjustments.text(),
        }


class LettersDialog(FormDialog):
    def __init__(
        self,
        parent: QWidget,
        cohort_title: str,
        counts: dict[ApplicationDecision, int],
        selected: ApplicationRow | None,
    ) -> None:
        super().__init__("Print letters", "Save PDF", parent)
        self.form.addRow(
            muted(
                "One letter a page, in the same warm words for everyone. Letters never say "
                "where anyone is based."
            )
        )
        self.which = QComboBox()
        names = {
            ApplicationDecision.OFFERED: "Offers of a place",
            ApplicationDecision.WAITING_LIST: "Waiting-list letters",
            ApplicationDecision.DECLINED: "Declines",
        }
        # Kept beside the combo: Qt would hand a decision back as a plain string.
        self._choices: list[ApplicationRow | ApplicationDecision] = []
        if selected is not None and selected.decision in names:
            self.which.addItem(f"{selected.name} only")
            self._choices.append(selected)
        for decision, words in names.items():
            self.which.addItem(f"{words} ({counts.get(decision, 0)})")
            self._choices.append(decision)
        self.add_row("&Letters", self.which)
        self.paper = self.add_row("&Paper", PaperCombo())
        self.target = SavePathField(
            f"Letters {cohort_title}.pdf", "Save the letters", "PDF documents (*.pdf)"
        )
        self.add_row("&Save as", self.target)

    def validate(self) -> None:
        self.target.path()

    def values(self) -> tuple[ApplicationRow | ApplicationDecision, Path, Any]:
        return self._choices[self.which.currentIndex()], self.target.path(), self.paper.value()


def _show_scan(parent: QWidget, scan: ScanInfo, data: bytes) -> None:
    ScanDialog(parent, scan, data).exec()


class ScanDialog(QDialog):
    def __init__(self, parent: QWidget, scan: ScanInfo, data: bytes) -> None:
        super().__init__(parent)
        self.setWindowTitle(scan.filename)
        layout = QVBoxLayout(self)
        if scan.media_type == "application/pdf":
            layout.addWidget(QLabel("This scan is a PDF. Save a copy to read it in a PDF reader."))
            layout.addWidget(button("&Save a copy…", lambda: self._save(scan, data)))
        else:
            picture = QPixmap()
            picture.loadFromData(data)
            label = QLabel()
            label.setAccessibleName(f"Scan {scan.filename}")
            label.setPixmap(
                picture.scaledToWidth(
                    min(picture.width(), 900), Qt.TransformationMode.SmoothTransformation
                )
            )
            scroll = QScrollArea()
            scroll.setWidget(label)
            scroll.setAccessibleName("Scan")
            layout.addWidget(scroll, 1)
            self.resize(960, 720)
        close = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        close.rejected.connect(self.reject)
        layout.addWidget(close)

    def _save(self, scan: ScanInfo, data: bytes) -> None:
        path, _ = QFileDialog.getSaveFileName(
            self, "Save a copy of the scan", str(Path.home() / scan.filename), "PDF (*.pdf)"
        )
        if not path:
            return
        try:
            # The Save dialog asked before replacing a file.
            target = check_output_path(Path(path), store_root=None, force=True)
            write_atomic(target, data, what="The copy of the scan")
        except LtError as error:
            show_error(self, str(error))


class RubricDialog(QDialog):
    """The administrator's rubric: criteria scored 1 to 5, with guidance; and whether
    assessors read statements without names."""

    def __init__(self, parent: QWidget, controller: AppController) -> None:
        super().__init__(parent)
        self.setWindowTitle("Rubric and blind assessment")
        self.setModal(True)
        self.controller = controller
        self._criteria: list[CriterionInfo] = []
        self.blind = QCheckBox(
            "Blind assessment: assessors read statements without the applicant's name"
        )
        self.blind.toggled.connect(self._blind_toggled)
        self.list = QListWidget()
        self.list.setAccessibleName("Criteria")
        self.list.currentRowChanged.connect(self._chosen)
        self.name = QLineEdit()
        self.guidance = QPlainTextEdit()
        self.guidance.setTabChangesFocus(True)
        self.guidance.setFixedHeight(90)
        self.active = QCheckBox("In use")
        self.banner = Banner()
        form = QFormLayout()
        for text, widget in (("&Name", self.name), ("&Guidance", self.guidance)):
            label = QLabel(text)
            label.setBuddy(widget)
            widget.setAccessibleName(text.replace("&", ""))
            form.addRow(label, widget)
        form.addRow("", self.active)
        buttons = QHBoxLayout()
        buttons.addWidget(button("&Save criterion", self._save))
        buttons.addWidget(button("&Add as new", self._add))
        buttons.addWidget(button("Move &up", lambda: self._move(-1)))
        buttons.addWidget(button("Move do&wn", lambda: self._move(1)))
        buttons.addStretch(1)
        close = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        close.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.blind)
        layout.addWidget(muted(ASSESSMENT_NOTE))
        layout.addWidget(self.list, 1)
        layout.addLayout(form)
        layout.addLayout(buttons)
        layout.addWidget(self.banner)
        layout.addWidget(close)
        self.resize(620, 560)
        self._loading = True
        controller.load(
            lambda ws: (
                ws.applications.rubric(include_inactive=True),
                bool(ws.settings.get(BLIND_ASSESSMENT)),
            ),
            self._show,
        )

    def _show(self, result: tuple[list[CriterionInfo], bool]) -> None:
        criteria, blind = result
        self._loading = True
        self.blind.setChecked(blind)
        self._loading = False
        self._show_criteria(criteria)

    def _show_criteria(
        self, criteria: list[CriterionInfo], chosen: uuid.UUID | None = None
    ) -> None:
        self._criteria = criteria
        self.list.clear()
        for criterion in criteria:
            state = "" if criterion.active else " (not in use)"
            self.list.addItem(f"{criterion.position}. {criterion.name}{state}")
        row = next((i for i, c in enumerate(criteria) if c.id == chosen), 0)
        if criteria:
            self.list.setCurrentRow(row)

    def _chosen(self, row: int) -> None:
        if 0 <= row < len(self._criteria):
            criterion = self._criteria[row]
            self.name.setText(criterion.name)
            self.guidance.setPlainText(criterion.guidance)
            self.active.setChecked(criterion.active)

    def _current(self) -> CriterionInfo | None:
        row = self.list.currentRow()
        return self._criteria[row] if 0 <= row < len(self._criteria) else None

    def _error(self, message: str) -> None:
        self.banner.show_message(message, Tone.ERROR)

    def _reload(self, chosen: uuid.UUID | None, message: str) -> None:
        def show(criteria: list[CriterionInfo]) -> None:
            self._show_criteria(criteria, chosen)
            self.banner.show_message(message, Tone.GOOD)

        self.controller.load(lambda ws: ws.applications.rubric(include_inactive=True), show)

    def _save(self) -> None:
        criterion = self._current()
        if criterion is None:
            return
        name, guidance, active = (
            self.name.text(),
            self.guidance.toPlainText(),
            self.active.isChecked(),
        )
        self.controller.change(
            lambda ws: ws.applications.change_criterion(
                criterion.id, name=name, guidance=guidance, active=active
            ),
            {AUDIT},
            lambda saved: self._reload(saved.id, f"Saved “{saved.name}”."),
            self._error,
        )

    def _add(self) -> None:
        name, guidance = self.name.text(), self.guidance.toPlainText()
        self.controller.change(
            lambda ws: ws.applications.add_criterion(name, guidance),
            {AUDIT},
            lambda added: self._reload(added.id, f"Added “{added.name}”."),
            self._error,
        )

    def _move(self, step: int) -> None:
        criterion = self._current()
        if criterion is None:
            return
        self.controller.change(
            lambda ws: ws.applications.move_criterion(criterion.id, step),
            {AUDIT},
            lambda criteria: self._show_criteria(criteria, criterion.id),
            self._error,
        )

    def _blind_toggled(self, on: bool) -> None:
        if self._loading:
            return
        self.controller.change(
            lambda ws: ws.settings.set_switch(BLIND_ASSESSMENT, on),
            {SETTINGS, AUDIT},
            lambda _: self.banner.show_message(
                "Assessors now read statements without names."
                if on
                else "Assessors now see applicants' names.",
                Tone.GOOD,
            ),
            self._error,
        )


# -- assessing (assessors) --------------------------------------------------------------


class AssessView(QWidget):
    """Statements to score against the rubric, by keyboard: a digit for each score, Tab
    to the notes and the next criterion, Ctrl+Enter to save and open the next."""

    def __init__(self, screen: ApplicationsScreen) -> None:
        super().__init__()
        self.owner = screen
        self.controller = screen.controller
        self._cohort_id: uuid.UUID | None = None
        self._open: ApplicationToAssess | None = None
        # Saving moves on to the next statement; its message stays in view there.
        self._saved_just_now = False
        self.items = RecordTableModel[AssessmentItem](
            [
                Column("Reference", lambda i: i.reference),
                Column("Name", lambda i: i.name or ""),
                Column("Your score", lambda i: "—" if i.my_total is None else str(i.my_total)),
                Column("Assessors", lambda i: f"{i.assessors} of 2"),
            ]
        )
        self.table = _table(self.items, "Statements to assess")
        self.table.selectionModel().currentRowChanged.connect(self._chosen)
        self.table_or_empty = EmptyOr(self.table, "No statements are waiting to be assessed.")
        self.note = muted()
        self.title = heading("", 2)
        self.facts = QLabel()
        self.facts.setWordWrap(True)
        self.statement = _read_only("Statement")
        self.scans = QListWidget()
        self.scans.setAccessibleName("Scans of the form")
        self.scans.setMaximumHeight(56)
        self.view_scan_button = button("&View scan", self._view_scan)
        self.scores_grid = QGridLayout()
        self.score_fields: dict[uuid.UUID, QSpinBox] = {}
        self.note_fields: dict[uuid.UUID, QLineEdit] = {}
        self.state = muted()
        self.save_button = button("Save scores and ne&xt (Ctrl+Enter)", self.save_and_next)
        self.banner = Banner()
        right = QWidget()
        right_layout = QVBoxLayout(right)
        right_layout.addWidget(self.title)
        right_layout.addWidget(self.facts)
        statement_label = QLabel("State&ment")
        statement_label.setBuddy(self.statement)
        right_layout.addWidget(statement_label)
        right_layout.addWidget(self.statement, 2)
        scans_row = QHBoxLayout()
        scans_row.addWidget(self.scans, 1)
        scans_row.addWidget(self.view_scan_button, 0, Qt.AlignmentFlag.AlignTop)
        right_layout.addLayout(scans_row)
        scores = QWidget()
        scores.setLayout(self.scores_grid)
        right_layout.addWidget(VerticalScrollArea(scores, "Rubric", framed=True), 3)
        right_layout.addWidget(self.state)
        right_layout.addWidget(self.banner)
        right_layout.addWidget(self.save_button, 0, Qt.AlignmentFlag.AlignLeft)
        self.detail = right
        right.setEnabled(False)
        self.scans.hide()
        self.view_scan_button.hide()
        splitter = QSplitter()
        splitter.addWidget(self.table_or_empty)
        splitter.addWidget(right)
        splitter.setSizes([380, 720])
        layout = QVBoxLayout(self)
        layout.addWidget(self.note)
        layout.addWidget(splitter, 1)
        for keys in ("Ctrl+Return", "Ctrl+Enter"):
            QShortcut(QKeySequence(keys), self, self.save_and_next)

    def load(self, cohort_id: uuid.UUID | None) -> None:
        if cohort_id != self._cohort_id:
            self.banner.clear()
        self._cohort_id = cohort_id
        if cohort_id is None:
            self.items.clear()
            self.table_or_empty.set_empty(True, "There are no cohorts yet.")
            return

        def fetch(ws: Workspace) -> tuple[list[AssessmentItem], bool]:
            return ws.applications.assessment_list(cohort_id), ws.applications.blind_assessment()

        self.controller.load(fetch, self._show_items)

    def _show_items(self, result: tuple[list[AssessmentItem], bool]) -> None:
        items, blind = result
        chosen = self._open.id if self._open else None
        self.items.set_rows(items)
        self.table.setColumnHidden(1, blind)
        self.note.setText(
            ASSESSMENT_NOTE
            + (
                " Assessment is blind: you see each statement by its reference only."
                if blind
                else ""
            )
        )
        self.table_or_empty.set_empty(not items)
        self.detail.setVisible(bool(items))
        if not items:
            self._open = None
            self.detail.setEnabled(False)
            return
        row = next((i for i, item in enumerate(items) if item.id == chosen), 0)
        self.table.selectRow(row)

    def _chosen(self, current: Index, _previous: Index) -> None:
        item = self.items.row_at(current)
        if item is None:
            return
        application_id = item.id
        self.controller.load(
            lambda ws: ws.applications.open_for_assessment(application_id), self._show
        )

    def _show(self, opened: ApplicationToAssess) -> None:
        current = self.items.row_at(self.table.currentIndex())
        if current is None or current.id != opened.id:
            return
        if (self._open is None or self._open.id != opened.id) and not self._saved_just_now:
            self.banner.clear()
        self._saved_just_now = False
        self._open = opened
        self.detail.setEnabled(True)
        self.title.setText(
            f"Application {opened.reference}" + (f": {opened.name}" if opened.name else "")
        )
        facts = []
        for label, value in (
            ("Heard about the course from", opened.heard_about),
            ("Free to attend", opened.availability),
            ("Adjustments", opened.adjustments),
        ):
            if value:
                facts.append(f"{label}: {value}.")
        self.facts.setText(" ".join(facts))
        self.facts.setVisible(bool(facts))
        self.statement.setPlainText(
            opened.motivation_statement or "The statement is handwritten: see the scans."
        )
        self.scans.clear()
        for scan in opened.scans:
            item = QListWidgetItem(scan.filename)
            item.setData(Qt.ItemDataRole.UserRole, scan)
            self.scans.addItem(item)
        self.scans.setVisible(bool(opened.scans))
        self.view_scan_button.setVisible(bool(opened.scans))
        self._build_rubric(opened)
        if not opened.open:
            self.state.setText("A decision has been made, so these scores are final.")
        elif not opened.may_score:
            self.state.setText("Two people have assessed this statement already.")
        elif opened.mine is not None:
            self.state.setText(
                f"You gave {opened.mine.total}. You can change your scores until a decision "
                "is made."
            )
        else:
            self.state.setText(
                "Give each criterion a score from 1 to 5. The other assessor's scores stay "
                "hidden from you."
            )
        self.save_button.setEnabled(opened.may_score)
        first = next(iter(self.score_fields.values()), None)
        if first is not None and opened.may_score:
            first.setFocus()
            first.selectAll()

    def _build_rubric(self, opened: ApplicationToAssess) -> None:
        while self.scores_grid.count():
            taken = self.scores_grid.takeAt(0)
            widget = taken.widget() if taken is not None else None
            if widget is not None:
                widget.deleteLater()
        self.score_fields, self.note_fields = {}, {}
        mine = opened.mine
        for row, criterion in enumerate(opened.criteria):
            name = QLabel(f"&{row + 1}. {criterion.name}")
            name.setWordWrap(True)
            guidance = muted(criterion.guidance)
            score = QSpinBox()
            score.setRange(0, 5)
            score.setSpecialValueText("–")
            score.setAccessibleName(f"Score for {criterion.name}, 1 to 5")
            score.setValue(mine.scores.get(criterion.id, 0) if mine else 0)
            score.setEnabled(opened.may_score)
            name.setBuddy(score)
            note = QLineEdit(mine.notes.get(criterion.id, "") if mine else "")
            note.setPlaceholderText("Note (optional)")
            note.setAccessibleName(f"Note on {criterion.name}")
            note.setEnabled(opened.may_score)
            note.returnPressed.connect(self.save_and_next)
            self.scores_grid.addWidget(name, row * 2, 0)
            self.scores_grid.addWidget(score, row * 2, 1)
            self.scores_grid.addWidget(note, row * 2, 2)
            self.scores_grid.addWidget(guidance, row * 2 + 1, 0, 1, 3)
            self.score_fields[criterion.id] = score
            self.note_fields[criterion.id] = note
        self.scores_grid.setColumnStretch(2, 1)

    def save_and_next(self) -> None:
        opened = self._open
        if opened is None or not opened.may_score:
            self.next_statement()
            return
        scores = {cid: field.value() for cid, field in self.score_fields.items()}
        if not any(scores.values()):
            self.next_statement()
            return
        notes = {cid: field.text() for cid, field in self.note_fields.items()}
        application_id, reference = opened.id, opened.reference

        def saved(result: ApplicationToAssess) -> None:
            total = result.mine.total if result.mine else 0
            for position, item in enumerate(self.items.rows):
                if item.id == result.id:
                    self.items.replace_row(
                        position,
                        AssessmentItem(
                            item.id,
                            item.reference,
                            item.name,
                            item.received_on,
                            total,
                            result.other_assessors + 1,
                        ),
                    )
            self.banner.show_message(f"Saved your scores for {reference}: {total}.", Tone.GOOD)

        def failed(message: str) -> None:
            self.banner.show_message(f"{reference} is not saved: {message}", Tone.ERROR)

        missing = [c.name for c in opened.criteria if not scores.get(c.id)]
        if missing:
            self.banner.show_message(
                f"Give a score from 1 to 5 for {', '.join(missing)}.", Tone.WARNING
            )
            return
        self._saved_just_now = True
        self.owner.change(
            lambda ws: ws.applications.score(application_id, scores, notes),
            set(),
            saved,
            failed,
        )
        self.next_statement()

    def next_statement(self) -> None:
        row = self.table.currentIndex().row()
        if row + 1 < self.items.rowCount():
            self.table.selectRow(row + 1)

    def _view_scan(self) -> None:
        opened = self._open
        item = self.scans.currentItem() or (self.scans.item(0) if self.scans.count() else None)
        if opened is None or item is None:
            return
        scan: ScanInfo = item.data(Qt.ItemDataRole.UserRole)
        application_id, scan_id = opened.id, scan.id
        self.controller.load(
            lambda ws: ws.applications.assessment_scan(application_id, scan_id),
            lambda data: _show_scan(self, scan, data),
            lambda message: self.banner.show_message(message, Tone.ERROR),
        )
