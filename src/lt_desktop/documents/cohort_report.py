"""The cohort report, for the partnership and its funders: a summary in plain words,
then counts, rates and means, the partnership's earlier cohorts beside this one, and a
few words from weekly stories quoted with their authors' consent.

Nothing in it is about one person: ``CohortReport`` holds no names (nor research ids),
and the charts are drawn from its figures alone. Each part of the report is drawn by a
function of its own (``_summary_section``, ``_attendance_section``...), in the order
``write_cohort_report`` lists them. Charts are vector drawings that read in black and
white: every bar carries its value, and the two series of the before-and-after chart
differ in fill (outlined against solid), not in colour alone.
"""

from __future__ import annotations

from pathlib import Path

from reportlab.graphics.charts.barcharts import VerticalBarChart
from reportlab.graphics.shapes import Drawing, Line, Rect, String
from reportlab.lib.colors import Color, white
from reportlab.lib.enums import TA_CENTER
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import Flowable, KeepTogether, Paragraph, Spacer, Table, TableStyle

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
from lt_desktop.core.services.questionnaires import Summary
from lt_desktop.documents.parts import date_range, escaped, facts
from lt_desktop.documents.template import (
    INK,
    MUTED,
    RULE,
    SANS,
    SANS_BOLD,
    SERIF_BOLD,
    TINT,
    DocumentInfo,
    PaperSize,
    build_pdf,
    styles,
)
from lt_desktop.domain.wording import percent

TITLE = "Cohort report"
_CHART_WIDTH = 160 * mm
_BAR = Color(0.36, 0.40, 0.46)  # mid grey-blue: prints as a clear mid grey


def write_cohort_report(
    target: Path, report: CohortReport, *, paper: PaperSize = PaperSize.A4
) -> None:
    style = styles()
    heading = report.heading
    info = DocumentInfo(title=TITLE, partnership=heading.partnership_name, paper=paper)
    story: list[Flowable] = [
        Paragraph(TITLE, style["title"]),
        Paragraph(
            f"{escaped(heading.title)} · {date_range(heading.starts_on, heading.ends_on)}",
            style["subtitle"],
        ),
        facts(
            [
                ("Partnership", escaped(heading.partnership_name)),
                (
                    "Partners",
                    f"{escaped(heading.prison_name)} and {escaped(heading.university_name)}",
                ),
                ("Course", escaped(heading.course_title) + _credits(report)),
            ]
        ),
        Spacer(1, 4 * mm),
    ]
    story += _summary_section(report)
    story += [
        Spacer(1, 4 * mm),
        _key_figures(report, info.text_width),
        Spacer(1, 2 * mm),
        Paragraph("Students and staff", style["heading"]),
        _numbers_table(report),
        Spacer(1, 2 * mm),
        Paragraph(describe_leavers(report), style["body"]),
        Paragraph(describe_staff(report), style["body"]),
    ]
    story += _attendance_section(report)
    story += _comparison_section(report)
    story += after_the_course_section(report.progression)
    story += _essay_section(report)
    story += _projects_section(report)
    story += _questionnaire_sections(report)
    story += _quotes_section(report)
    story += [
        Spacer(1, 6 * mm),
        Paragraph(
            "This report holds figures only: no one is named in it, and words quoted from "
            "weekly stories are quoted with their authors' consent, without their names. "
            f"Attendance and engagement are of students. {FOOTNOTE} "
            "Questionnaire figures count only people who answered both before and after the "
            "course and whose consent to questionnaires stands on the day the report is made.",
            style["small"],
        ),
    ]
    build_pdf(target, info, story)


def _summary_section(report: CohortReport) -> list[Flowable]:
    """The report's opening: a few sentences in plain words, for a reader with a minute."""
    style = styles()
    return [
        Paragraph("In brief", style["heading"]),
        *(Paragraph(escaped(sentence), style["body"]) for sentence in plain_summary(report)),
    ]


def _credits(report: CohortReport) -> str:
    if report.accredited and report.credits:
        return f" ({report.credits} credits)"
    return " (not credit-bearing)"


def _key_figures(report: CohortReport, width: float) -> Table:
    number = ParagraphStyle(
        "key-number",
        parent=styles()["body"],
        fontName=SERIF_BOLD,
        fontSize=20,
        leading=24,
        alignment=TA_CENTER,
    )
    label = ParagraphStyle(
        "key-label",
        parent=styles()["small"],
        alignment=TA_CENTER,
        textColor=MUTED,
    )
    mean = report.essays.mean
    figures = [
        (str(report.started.total), "students started"),
        (
            str(report.completed.total),
            f"completed ({percent(report.completion_rate)})",
        ),
        (percent(report.attendance_rate), "attendance"),
        (percent(report.engagement_rate), "engagement"),
        ("–" if mean is None else f"{mean:.0f}", "mean agreed essay mark"),
    ]
    table = Table(
        [[Paragraph(n, number) for n, _ in figures], [Paragraph(t, label) for _, t in figures]],
        colWidths=[width / len(figures)] * len(figures),
    )
    table.setStyle(
        TableStyle(
            [
                ("BACKGROUND", (0, 0), (-1, -1), TINT),
                ("LINEBEFORE", (1, 0), (-1, -1), 0.6, white),
                ("TOPPADDING", (0, 0), (-1, 0), 8),
                ("BOTTOMPADDING", (0, -1), (-1, -1), 8),
            ]
        )
    )
    return table


def _numbers_table(report: CohortReport) -> Table:
    header, started, completed = numbers_by_base(report)
    rates = [percent(c / s if s else None) for c, s in zip(completed, started, strict=True)]
    table = Table(
        [
            header,
            ["Started the course", *map(str, started)],
            ["Completed", *map(str, completed)],
            ["Completion rate", *rates],
        ],
        colWidths=[50 * mm] + [34 * mm] * (len(header) - 1),
        hAlign="LEFT",
    )
    table.setStyle(
        TableStyle(
            [
                ("FONT", (0, 0), (-1, 0), SANS_BOLD, 8.5),
                ("FONT", (0, 1), (-1, -1), SANS, 9.5),
                ("TEXTCOLOR", (0, 0), (-1, -1), INK),
                ("ALIGN", (1, 0), (-1, -1), "RIGHT"),
                ("LEFTPADDING", (0, 0), (0, -1), 0),
                ("LINEBELOW", (0, 0), (-1, 0), 0.8, INK),
                ("LINEBELOW", (0, 1), (-1, -1), 0.3, RULE),
            ]
        )
    )
    return table


# -- attendance ---------------------------------------------------------------------------


def _attendance_section(report: CohortReport) -> list[Flowable]:
    style = styles()
    title = Paragraph("Attendance by week", style["heading"])
    cancelled = cancelled_in_words(report.cancelled)
    if not report.weeks:
        text = "No register has been taken yet."
        return [title, Paragraph(" ".join(filter(None, (text, cancelled))), style["body"])]
    chart = _bar_chart(
        [
            [round((w.rate or 0) * 100) for w in report.weeks],
            [round((w.engagement or 0) * 100) for w in report.weeks],
        ],
        [str(w.week) for w in report.weeks],
        value_format="%d%%",
        maximum=100,
        step=25,
        axis_label="Week",
        axis_format="%d%%",
        legend=("Attendance", "Engagement"),
    )
    figures = report.attendance
    caption = Paragraph(
        f"Students' attendance and engagement each week a register was taken. Over the "
        f"{len(report.weeks)} weeks held: attendance {percent(figures.attendance)} "
        f"({figures.attended} of {figures.held} sessions), engagement "
        f"{percent(figures.engagement)} ({figures.engaged} of {figures.held}). "
        + escaped(cancelled),
        style["small"],
    )
    return [KeepTogether([title, chart, caption])]


# -- the partnership's earlier cohorts -------------------------------------------------------


def _comparison_section(report: CohortReport) -> list[Flowable]:
    """This cohort beside the partnership's cohorts that ended before it began."""
    header, rows = comparison_rows(report)
    if not rows:
        return []
    style = styles()
    cell = ParagraphStyle("comparison-cohort", parent=style["body"], fontSize=9.5, leading=12)
    this = ParagraphStyle("comparison-this", parent=cell, fontName=SANS_BOLD)
    body: list[list[Flowable | str]] = [
        [Paragraph(escaped(row[0]), this if n == len(rows) - 1 else cell), *row[1:]]
        for n, row in enumerate(rows)
    ]
    table = Table(
        [header, *body],
        colWidths=[56 * mm, 17 * mm, 24 * mm, 23 * mm, 25 * mm, 22 * mm],
        hAlign="LEFT",
    )
    table.setStyle(
        TableStyle(
            [
                ("FONT", (0, 0), (-1, 0), SANS_BOLD, 8.5),
                ("FONT", (0, 1), (-1, -1), SANS, 9.5),
                ("FONT", (0, -1), (-1, -1), SANS_BOLD, 9.5),
                ("TEXTCOLOR", (0, 0), (-1, -1), INK),
                ("ALIGN", (1, 0), (-1, -1), "RIGHT"),
                ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
                ("LEFTPADDING", (0, 0), (0, -1), 0),
                ("LINEBELOW", (0, 0), (-1, 0), 0.8, INK),
                ("LINEBELOW", (0, 1), (-1, -1), 0.3, RULE),
            ]
        )
    )
    caption = Paragraph(
        "The partnership's cohorts that ended before this one began, oldest first, and this "
        "cohort last. Attendance and engagement are of students, as in the rest of this "
        "report; the mean mark is of agreed essay marks.",
        style["small"],
    )
    return [
        KeepTogether([Paragraph("Compared with earlier cohorts", style["heading"]), table]),
        Spacer(1, 1.5 * mm),
        caption,
    ]


# -- progression --------------------------------------------------------------------------


# -- quotations ---------------------------------------------------------------------------


def _quotes_section(report: CohortReport) -> list[Flowable]:
    """A few words from weekly stories, quoted with consent and never with a name."""
    if not report.quotes:
        return []
    style = styles()
    quote = ParagraphStyle(
        "quote", parent=style["body"], leftIndent=6 * mm, rightIndent=6 * mm, spaceBefore=3
    )
    source = ParagraphStyle(
        "quote-source", parent=style["small"], leftIndent=6 * mm, textColor=MUTED, spaceAfter=3
    )
    parts: list[Flowable] = [Paragraph("In their words", style["heading"])]
    for q in report.quotes:
        parts += [
            Paragraph(f"“{escaped(q.text)}”", quote),
            Paragraph(f"Week {q.week}: {escaped(q.question)}", source),
        ]
    return [KeepTogether(parts)]


# -- essays -------------------------------------------------------------------------------


def _essay_section(report: CohortReport) -> list[Flowable]:
    style = styles()
    essays = report.essays
    title = Paragraph("Essay marks", style["heading"])
    if not essays.agreed:
        text = (
            f"{essays.received} essay{'s' if essays.received != 1 else ''} received; "
            "no agreed marks yet."
        )
        return [title, Paragraph(text, style["body"])]
    chart = _bar_chart(
        [[band.count for band in essays.bands]],
        [band.label for band in essays.bands],
        value_format="%d",
        maximum=None,
        step=None,
        axis_label="Agreed mark",
        axis_format="%d",
    )
    assert essays.mean is not None and essays.median is not None
    caption = Paragraph(
        f"Agreed marks of {essays.agreed} essays ({essays.received} received): mean "
        f"{essays.mean:.1f}, median {essays.median:g}, from {essays.lowest:g} to "
        f"{essays.highest:g}. Each bar is the number of essays in that band.",
        style["small"],
    )
    return [KeepTogether([title, chart, caption])]


# -- group projects -----------------------------------------------------------------------


def _projects_section(report: CohortReport) -> list[Flowable]:
    """Each group project: its topic, the small groups that joined it by name, when it
    was presented, and its description."""
    style = styles()
    title = Paragraph("Group projects", style["heading"])
    if not report.projects:
        return [title, Paragraph("No group project has been recorded yet.", style["body"])]
    parts: list[Flowable] = []
    for project in report.projects:
        presented = (
            f"presented {project.presented_on:%a %d %b %Y}"
            if project.presented_on
            else "not presented yet"
        )
        block: list[Flowable] = [
            Paragraph(f"<b>{escaped(project.topic)}</b>", style["body"]),
            Paragraph(f"{escaped(project.group_names())} · {presented}", style["small"]),
        ]
        if project.description:
            text = escaped(project.description).replace("\n", "<br/>")
            block.append(Paragraph(text, style["body"]))
        block.append(Spacer(1, 2 * mm))
        # The heading stays with the first project, each project's lines together.
        parts.append(KeepTogether([title, *block] if not parts else block))
    return parts


# -- after the course ---------------------------------------------------------------------


def after_the_course_section(progression: list[tuple[str, int]]) -> list[Flowable]:
    """What students went on to do: a number of people for each kind of step, never a
    name. Kept apart so the report can place it wherever its sections go."""
    style = styles()
    title = Paragraph("After the course", style["heading"])
    if not progression:
        return [
            title,
            Paragraph(
                "Nothing is recorded yet of what students went on to do after the course.",
                style["body"],
            ),
        ]
    # One column a kind, the number of people under it: a short section stays short.
    label = ParagraphStyle("after-label", parent=style["small"], alignment=TA_CENTER)
    number = ParagraphStyle(
        "after-number",
        parent=style["body"],
        fontName=SERIF_BOLD,
        fontSize=15,
        leading=18,
        alignment=TA_CENTER,
    )
    width = min(34 * mm, _CHART_WIDTH / len(progression))
    table = Table(
        [
            [Paragraph(str(count), number) for _, count in progression],
            [Paragraph(escaped(what), label) for what, _ in progression],
        ],
        colWidths=[width] * len(progression),
        hAlign="LEFT",
    )
    table.setStyle(
        TableStyle(
            [
                ("BACKGROUND", (0, 0), (-1, -1), TINT),
                ("LINEBEFORE", (1, 0), (-1, -1), 0.6, white),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("TOPPADDING", (0, 0), (-1, 0), 5),
                ("BOTTOMPADDING", (0, -1), (-1, -1), 5),
            ]
        )
    )
    caption = Paragraph(
        "People who went on to each, with their consent to being followed; each is "
        "counted once for each kind.",
        style["small"],
    )
    return [KeepTogether([title, table, Spacer(1, 2 * mm), caption])]


# -- questionnaires -----------------------------------------------------------------------


def _questionnaire_sections(report: CohortReport) -> list[Flowable]:
    style = styles()
    title = Paragraph("Before and after the course", style["heading"])
    if not report.questionnaires:
        return [title, Paragraph("No questionnaires have been entered yet.", style["body"])]
    sections: list[Flowable] = []
    for figures in report.questionnaires:
        sections += _questionnaire(figures, first=not sections)
    return sections


def _questionnaire(figures: QuestionnaireFigures, *, first: bool) -> list[Flowable]:
    style = styles()
    parts: list[Flowable] = []
    if first:
        parts.append(Paragraph("Before and after the course", style["heading"]))
    parts.append(Paragraph(f"<b>{escaped(figures.name)}</b>", style["body"]))
    rows = [("Overall", figures.overall), *figures.subscales.items()]
    paired = [(name, s) for name, s in rows if s.pairs and s.mean_pre is not None]
    if not paired:
        parts.append(
            Paragraph("No one has yet answered both before and after the course.", style["body"])
        )
        return [KeepTogether(parts)]
    scale = figures.scale_points or 5
    chart = _bar_chart(
        [
            [round(s.mean_pre or 0, 2) for _, s in paired],
            [round(s.mean_post or 0, 2) for _, s in paired],
        ],
        [name for name, _ in paired],
        value_format="%.2f",
        maximum=scale,
        step=1,
        axis_label=f"Mean score (1 to {scale})",
        axis_format="%d",
        minimum=1,
        legend=("Before", "After"),
    )
    parts += [chart, _change_table(paired)]
    return [KeepTogether(parts)]


def _change_table(paired: list[tuple[str, Summary]]) -> Table:
    rows: list[list[str]] = [
        ["", "People", "Before", "After", "Change", "95% interval of the change"]
    ]
    for name, s in paired:
        interval = (
            f"{s.ci_low:+.2f} to {s.ci_high:+.2f}"
            if s.ci_low is not None and s.ci_high is not None
            else "–"
        )
        rows.append(
            [
                name,
                str(s.pairs),
                f"{s.mean_pre:.2f}",
                f"{s.mean_post:.2f}",
                f"{s.mean_change:+.2f}",
                interval,
            ]
        )
    table = Table(
        rows,
        colWidths=[44 * mm, 18 * mm, 20 * mm, 20 * mm, 20 * mm, 48 * mm],
        hAlign="LEFT",
    )
    table.setStyle(
        TableStyle(
            [
                ("FONT", (0, 0), (-1, 0), SANS_BOLD, 8.5),
                ("FONT", (0, 1), (-1, -1), SANS, 9.5),
                ("TEXTCOLOR", (0, 0), (-1, -1), INK),
                ("ALIGN", (1, 0), (-1, -1), "RIGHT"),
                ("LEFTPADDING", (0, 0), (0, -1), 0),
                ("LINEBELOW", (0, 0), (-1, 0), 0.8, INK),
                ("LINEBELOW", (0, 1), (-1, -1), 0.3, RULE),
            ]
        )
    )
    return table


# -- charts -------------------------------------------------------------------------------


def _bar_chart(
    series: list[list[float]] | list[list[int]],
    categories: list[str],
    *,
    value_format: str,
    maximum: float | None,
    step: float | None,
    axis_label: str,
    axis_format: str,
    minimum: float = 0,
    legend: tuple[str, ...] = (),
) -> Drawing:
    """A vertical bar chart with each bar's value printed on it.

    One series is drawn in a solid mid grey; with two, the first is outlined and
    white and the second solid ink, so the pair reads the same printed in black and
    white, and a legend names them.
    """
    height = 62 * mm if not legend else 70 * mm
    drawing = Drawing(_CHART_WIDTH, height)
    chart = VerticalBarChart()
    chart.x, chart.y = 14 * mm, 12 * mm
    chart.width, chart.height = _CHART_WIDTH - 18 * mm, height - (24 * mm if legend else 18 * mm)
    chart.data = series
    chart.strokeColor = None
    chart.barSpacing = 1.5
    chart.groupSpacing = 6 if len(categories) > 8 else 14
    chart.valueAxis.valueMin = minimum
    top = maximum if maximum is not None else _nice_top(max(max(s) for s in series))
    chart.valueAxis.valueMax = top
    chart.valueAxis.valueStep = step if step is not None else max(1, top // 4)
    chart.valueAxis.labelTextFormat = axis_format
    chart.valueAxis.labels.fontName = SANS
    chart.valueAxis.labels.fontSize = 7.5
    chart.valueAxis.labels.fillColor = MUTED
    chart.valueAxis.strokeColor = RULE
    chart.valueAxis.visibleGrid = True
    chart.valueAxis.gridStrokeColor = TINT
    chart.valueAxis.gridStrokeWidth = 0.6
    chart.categoryAxis.categoryNames = categories
    chart.categoryAxis.labels.fontName = SANS
    chart.categoryAxis.labels.fontSize = 8
    chart.categoryAxis.labels.fillColor = INK
    chart.categoryAxis.labels.dy = -2
    chart.categoryAxis.strokeColor = INK
    chart.categoryAxis.visibleTicks = False
    chart.barLabelFormat = value_format
    chart.barLabels.fontName = SANS
    chart.barLabels.fontSize = 7 if len(categories) <= 14 else 6
    chart.barLabels.fillColor = INK
    chart.barLabels.nudge = 5
    if len(series) == 1:
        chart.bars[0].fillColor = _BAR
        chart.bars[0].strokeColor = None
    else:
        chart.bars[0].fillColor = white
        chart.bars[0].strokeColor = INK
        chart.bars[0].strokeWidth = 0.8
        chart.bars[1].fillColor = INK
        chart.bars[1].strokeColor = INK
    drawing.add(chart)
    drawing.add(
        String(
            chart.x + chart.width / 2,
            1.5 * mm,
            axis_label,
            fontName=SANS,
            fontSize=8,
            fillColor=MUTED,
            textAnchor="middle",
        )
    )
    if legend:
        x = chart.x
        y = height - 6 * mm
        for n, name in enumerate(legend):
            fill = white if n == 0 else INK
            drawing.add(
                Rect(x, y, 3.2 * mm, 3.2 * mm, fillColor=fill, strokeColor=INK, strokeWidth=0.8)
            )
            drawing.add(
                String(x + 5 * mm, y + 0.6 * mm, name, fontName=SANS, fontSize=8, fillColor=INK)
            )
            x += 28 * mm
    drawing.add(Line(chart.x, chart.y, chart.x + chart.width, chart.y, strokeColor=INK))
    return drawing


def _nice_top(value: float) -> int:
    """A round axis top a little above ``value``."""
    for top in (4, 8, 12, 20, 40, 60, 80, 100, 200, 400, 1000):
        if value < top:
            return top
    return int(value * 1.2) + 1
