"""Deciding: the ranked applications, the places left, offers and their answers."""

from __future__ import annotations

import dataclasses
import uuid
from typing import TYPE_CHECKING

from lt_desktop.core.services.applications import (
    HIGHEST_SCORE,
    OPEN_DECISIONS,
    WITHDRAWABLE,
    ApplicationDetail,
    ApplicationRow,
    FreePlacesOffered,
    Places,
)
from lt_desktop.core.services.essays import ScanInfo
from lt_desktop.core.services.people import PersonListing
from lt_desktop.core.workspace import Workspace
from lt_desktop.domain.roles import Permission
from lt_desktop.domain.vocabulary import ApplicationDecision, SiteKind
from lt_desktop.ui.fitting import VerticalScrollArea, flow
from lt_desktop.ui.models import Index
from lt_desktop.ui.qt import (
    QComboBox,
    QHBoxLayout,
    QKeySequence,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QShortcut,
    QSplitter,
    Qt,
    QVBoxLayout,
    QWidget,
)
from lt_desktop.ui.screens.applications.forms import (
    DeclineDialog,
    EditApplicationDialog,
    EnterApplicationsDialog,
    LettersDialog,
)
from lt_desktop.ui.screens.applications.model import DECISION_WORDS, ApplicationsModel
from lt_desktop.ui.screens.applications.parts import long_date, read_only_text, row_table
from lt_desktop.ui.screens.applications.rubric import RubricDialog
from lt_desktop.ui.screens.applications.scans import show_scan
from lt_desktop.ui.screens.base import offer_only_if
from lt_desktop.ui.views.balance_bar import BalanceBar
from lt_desktop.ui.views.scans import choose_scan
from lt_desktop.ui.widgets import Banner, EmptyOr, Tone, button, confirm, heading, muted

if TYPE_CHECKING:
    from lt_desktop.ui.screens.applications.screen import ApplicationsScreen


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
        self.table = row_table(self.model, "Applications")
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
        self.statement = read_only_text("Motivation statement")
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
        facts = [f"Received {long_date(row.received_on)}."]
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
            words += f", decided {long_date(row.decided_on)}"
        if row.answered_on:
            words += f"; told us {long_date(row.answered_on)}"
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
            lambda changed: self._changed(changed, f"Saved {changed.name}'s application."),
            self._error,
        )

    def _attach(self) -> None:
        row = self._selected()
        if row is None:
            return
        chosen = choose_scan(self, f"Scan of {row.name}'s application form", self._error)
        if chosen is None:
            return
        filename, data = chosen
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
            lambda ws: ws.applications.attach_scan(application_id, filename, data),
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
            lambda data: show_scan(self, scan, data),
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
