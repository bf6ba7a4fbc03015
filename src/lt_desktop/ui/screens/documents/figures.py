"""The Cohort figures tab: the cohort report's figures on screen, counts, rates and means,
never a name: its summary in plain words, attendance and engagement, the partnership's
earlier cohorts beside this one, and the words it quotes (with consent, unnamed).
"""

from __future__ import annotations

import uuid

from lt_desktop.core.services.attendance import FOOTNOTE
from lt_desktop.core.services.documents.cohort_report import (
    CohortReport,
    QuestionnaireFigures,
    describe_leavers,
    describe_staff,
    numbers_by_base,
)
from lt_desktop.core.services.documents.cohort_summary import comparison_rows, plain_summary
from lt_desktop.core.services.documents.common import cancelled_in_words
from lt_desktop.core.services.programme import CohortInfo
from lt_desktop.core.services.questionnaires import Summary
from lt_desktop.domain.wording import counted, percent
from lt_desktop.ui.controller import AppController
from lt_desktop.ui.qt import (
    QAbstractItemView,
    QComboBox,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QScrollArea,
    Qt,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)
from lt_desktop.ui.screens.documents.charts import BarChart, nice_top
from lt_desktop.ui.widgets import EmptyOr, heading, index_of, muted


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
                ("engagement", "engagement"),
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
        self.in_brief = QLabel()
        self.in_brief.setAccessibleName("In brief")
        self.in_brief.setWordWrap(True)
        self.in_brief.setTextFormat(Qt.TextFormat.PlainText)
        self.comparison_holder = QVBoxLayout()
        self.comparison: QTableWidget | None = None
        self.comparison_heading = heading("Compared with earlier cohorts", 2)
        self.quotes_heading = heading("In their words", 2)
        self.quotes = QLabel()
        self.quotes.setAccessibleName("Quoted from weekly stories")
        self.quotes.setWordWrap(True)
        self.quotes.setTextFormat(Qt.TextFormat.PlainText)
        self.numbers_holder = QVBoxLayout()
        self.numbers: QTableWidget | None = None
        self.leavers = QLabel()
        self.leavers.setWordWrap(True)
        self.staff = QLabel()
        self.staff.setWordWrap(True)
        self.attendance_chart = BarChart("Attendance and engagement by week", "Week")
        self.attendance_caption = muted()
        self.marks_chart = BarChart("Essay marks", "Agreed mark")
        self.marks_caption = muted()
        self.change_holder = QVBoxLayout()
        self.change_tables: dict[str, QTableWidget] = {}
        self.change_charts: dict[str, BarChart] = {}
        self.after_course = QLabel()
        self.after_course.setWordWrap(True)
        self.after_course.setAccessibleName("After the course")

        page = QWidget()
        column_layout = QVBoxLayout(page)
        column_layout.addWidget(self.summary)
        column_layout.addWidget(heading("In brief", 2))
        column_layout.addWidget(self.in_brief)
        column_layout.addLayout(cards)
        column_layout.addWidget(heading("Students and staff", 2))
        column_layout.addLayout(self.numbers_holder)
        column_layout.addWidget(self.leavers)
        column_layout.addWidget(self.staff)
        column_layout.addWidget(heading("Attendance by week", 2))
        column_layout.addWidget(self.attendance_chart)
        column_layout.addWidget(self.attendance_caption)
        column_layout.addWidget(self.comparison_heading)
        column_layout.addLayout(self.comparison_holder)
        column_layout.addWidget(heading("Essay marks", 2))
        column_layout.addWidget(self.marks_chart)
        column_layout.addWidget(self.marks_caption)
        column_layout.addWidget(heading("Before and after the course", 2))
        column_layout.addLayout(self.change_holder)
        column_layout.addWidget(heading("After the course", 2))
        column_layout.addWidget(self.after_course)
        column_layout.addWidget(self.quotes_heading)
        column_layout.addWidget(self.quotes)
        column_layout.addWidget(
            muted(
                "Figures only: no one is named here, and words from weekly stories are "
                "quoted with their authors' consent, without their names. Attendance and "
                f"engagement are of students. {FOOTNOTE} Questionnaire figures count only "
                "people who answered both before and after the course and whose consent "
                "to questionnaires stands today."
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
        found = index_of(self.cohort, wanted) if wanted is not None else -1
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
        self._captions["completed"].setText(f"completed ({percent(report.completion_rate)})")
        self.key_figures["attendance"].setText(percent(report.attendance_rate))
        self.key_figures["engagement"].setText(percent(report.engagement_rate))
        self.in_brief.setText(" ".join(plain_summary(report)))
        self.key_figures["mean mark"].setText("–" if mean is None else f"{mean:.0f}")
        self._show_numbers(report)
        self.leavers.setText(describe_leavers(report))
        self.staff.setText(describe_staff(report))
        self._show_attendance(report)
        self._show_comparison(report)
        self._show_marks(report)
        self._show_change(report)
        self._show_quotes(report)
        self.after_course.setText(
            " · ".join(f"{count} {what.lower()}" for what, count in report.progression)
            + ". People who went on to each, with their consent to being followed."
            if report.progression
            else "Nothing is recorded yet of what students went on to do after the course."
        )

    def _show_numbers(self, report: CohortReport) -> None:
        header, started, completed = numbers_by_base(report)
        rates = [percent(c / s if s else None) for c, s in zip(completed, started, strict=True)]
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
        cancelled = cancelled_in_words(report.cancelled)
        if not report.weeks:
            self.attendance_chart.hide()
            self.attendance_caption.setText(
                " ".join(filter(None, ("No register has been taken yet.", cancelled)))
            )
            return
        self.attendance_chart.show()
        self.attendance_chart.set_bars(
            [str(w.week) for w in report.weeks],
            [
                [round((w.rate or 0) * 100) for w in report.weeks],
                [round((w.engagement or 0) * 100) for w in report.weeks],
            ],
            maximum=100,
            step=25,
            value_text=lambda v: f"{v:.0f}%",
            legend=("Attendance", "Engagement"),
        )
        figures = report.attendance
        self.attendance_caption.setText(
            "Students' attendance and engagement each week a register was taken. "
            f"Over the {counted(len(report.weeks), 'week')} held: attendance "
            f"{percent(figures.attendance)} ({figures.attended} of {figures.held} sessions), "
            f"engagement {percent(figures.engagement)} ({figures.engaged} of {figures.held}). "
            + cancelled
        )

    def _show_comparison(self, report: CohortReport) -> None:
        if self.comparison is not None:
            self.comparison.setParent(None)
            self.comparison.deleteLater()
            self.comparison = None
        header, rows = comparison_rows(report)
        self.comparison_heading.setVisible(bool(rows))
        if rows:
            self.comparison = figures_table("Compared with earlier cohorts", header, rows)
            self.comparison_holder.addWidget(self.comparison)

    def _show_quotes(self, report: CohortReport) -> None:
        self.quotes_heading.setVisible(bool(report.quotes))
        self.quotes.setVisible(bool(report.quotes))
        self.quotes.setText(
            "\n\n".join(f"“{q.text}”\n(week {q.week}: {q.question})" for q in report.quotes)
        )

    def _show_marks(self, report: CohortReport) -> None:
        essays = report.essays
        if not essays.agreed:
            self.marks_chart.hide()
            self.marks_caption.setText(
                f"{counted(essays.received, 'essay')} received; no agreed marks yet."
            )
            return
        counts = [band.count for band in essays.bands]
        top = nice_top(max(counts))
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
