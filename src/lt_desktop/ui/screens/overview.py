"""The overview of every partnership this site holds: figures only, no names."""

from __future__ import annotations

from datetime import UTC, datetime

from lt_desktop.core.services.attendance import FOOTNOTE
from lt_desktop.core.services.overview import PartnershipSummary
from lt_desktop.core.services.register import RegisterDue
from lt_desktop.domain.changes import Change
from lt_desktop.domain.roles import Permission
from lt_desktop.domain.vocabulary import PersonBase, week_number
from lt_desktop.ui.controller import AppController
from lt_desktop.ui.models import Column, RecordTableModel
from lt_desktop.ui.qt import QLabel, Qt, QVBoxLayout, QWidget
from lt_desktop.ui.screens.base import Screen
from lt_desktop.ui.widgets import EmptyOr, button, heading, muted, record_table


def _percent(value: float | None) -> str:
    return "–" if value is None else f"{value:.0%}"


def _last_exchange(summary: PartnershipSummary, now: datetime | None = None) -> str:
    if not summary.partner_sites:
        return "Not paired"
    if summary.last_exchange_at is None:
        return "Never"
    days = ((now or datetime.now(UTC)) - summary.last_exchange_at).days
    when = f"{summary.last_exchange_at.astimezone():%d %b %Y}"
    if days <= 0:
        return f"{when} (today)"
    return f"{when} ({days} day{'s' if days != 1 else ''} ago)"


def _after_the_course(summary: PartnershipSummary) -> str:
    """What students went on to do, in figures: "2 further study · 3 mentoring"."""
    if not summary.progression:
        return "–"
    return " · ".join(f"{count} {what.lower()}" for what, count in summary.progression)


class OverviewScreen(Screen):
    title = "Overview"
    needs = frozenset({Permission.VIEW_STATS})
    listens_to = frozenset(
        {
            Change.COHORTS,
            Change.MEMBERS,
            Change.REGISTER,
            Change.SESSIONS,
            Change.SYNC,
            # What people went on to do, counted only while their consent stands.
            Change.PEOPLE,
            Change.CONSENT,
        }
    )

    def __init__(self, controller: AppController, parent: QWidget | None = None) -> None:
        super().__init__(controller, parent)
        self.model = RecordTableModel[PartnershipSummary](
            [
                Column("Partnership", lambda s: s.name),
                Column("Cohorts", lambda s: f"{s.cohorts} ({s.running} running)"),
                Column("Students", lambda s: f"{s.students:,}", align_right=True),
                Column(
                    "Prison / university-based",
                    lambda s: (
                        f"{s.by_base.get(PersonBase.PRISON, 0):,} / "
                        f"{s.by_base.get(PersonBase.UNIVERSITY, 0):,}"
                    ),
                ),
                Column("Completed", lambda s: _percent(s.completion_rate), align_right=True),
                Column("Attendance", lambda s: _percent(s.attendance_rate), align_right=True),
                Column("Engagement", lambda s: _percent(s.engagement_rate), align_right=True),
                Column("Last exchange", _last_exchange),
                Column("After the course", _after_the_course),
            ]
        )
        self.table = record_table(self.model, "Partnerships")
        self.table_or_empty = EmptyOr(self.table, "There are no partnerships yet.")
        self.totals = QLabel()
        self.totals.setAccessibleName("Totals")
        self.totals.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.addWidget(heading("Partnerships"))
        layout.addWidget(
            muted(
                "Each partnership's cohorts and figures, and when its sites last exchanged "
                "data with this one. Completion counts students of cohorts that have ended; "
                "attendance and engagement are of students, every cohort together. After the "
                "course counts the people who went on to each kind of step, with their consent. "
                + FOOTNOTE
            )
        )
        layout.addWidget(self.totals)
        layout.addWidget(self.table_or_empty, 1)
        self.due = RecordTableModel[RegisterDue](
            [
                Column("Cohort", lambda d: d.cohort_title),
                Column("Week", lambda d: week_number(d.week), align_right=True),
                Column("Held on", lambda d: f"{d.held_on:%a %d %b %Y}"),
                Column("Session", lambda d: d.session_title),
            ]
        )
        self.due_table = record_table(self.due, "Registers not taken")
        self.due_table.activated.connect(lambda _index: self._take_chosen())
        self.take_button = button("&Take the chosen register", self._take_chosen)
        self.due_box = QWidget()
        due_layout = QVBoxLayout(self.due_box)
        due_layout.setContentsMargins(0, 0, 0, 0)
        due_heading = heading("Registers not taken", 2)
        due_heading.setBuddy(self.due_table)
        due_layout.addWidget(due_heading)
        due_layout.addWidget(
            muted(
                "Sessions already held with no register yet. Funders read attendance, so "
                "take each one, from the paper register if need be."
            )
        )
        due_layout.addWidget(self.due_table, 1)
        due_layout.addWidget(self.take_button, 0, Qt.AlignmentFlag.AlignLeft)
        self.due_box.hide()
        layout.addWidget(self.due_box, 1)

    def reload(self) -> None:
        self.controller.load(lambda ws: ws.overview.partnerships(), self._show)
        if self.may(Permission.TAKE_REGISTER):
            self.controller.load(lambda ws: ws.register.registers_not_taken(), self._show_due)

    def _show_due(self, due: list[RegisterDue]) -> None:
        self.due.set_rows(due)
        self.due_box.setVisible(bool(due))
        if due and not self.due_table.currentIndex().isValid():
            self.due_table.selectRow(0)

    def _take_chosen(self) -> None:
        chosen = self.due.row_at(self.due_table.currentIndex())
        if chosen is not None:
            self.controller.open_register.emit(chosen.cohort_id, chosen.session_id)

    def _show(self, summaries: list[PartnershipSummary]) -> None:
        self.model.set_rows(summaries)
        self.table_or_empty.set_empty(not summaries)
        students = sum(s.students for s in summaries)
        running = sum(s.running for s in summaries)
        self.totals.setText(
            f"{len(summaries)} partnership{'s' if len(summaries) != 1 else ''}, "
            f"{sum(s.cohorts for s in summaries)} cohorts ({running} running now), "
            f"{students:,} students in all."
        )
