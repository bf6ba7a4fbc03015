"""Registers on paper: a blank one to take in class, and what the register holds so far,
for a whole cohort and for one person.

Registers list people by name and role in the cohort (facilitator, mentor, student),
never by where they are based, and give no reasons for absence: in a room where
prison- and university-based students sit together, a reason such as a lockdown or
a legal visit would say who is who.
"""

from __future__ import annotations

from pathlib import Path

from reportlab.lib.colors import Color
from reportlab.lib.enums import TA_CENTER
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import (
    CondPageBreak,
    Flowable,
    KeepTogether,
    Paragraph,
    Spacer,
    Table,
    TableStyle,
)

from lt_desktop.core.services.attendance import FOOTNOTE, AttendanceFigures
from lt_desktop.core.services.documents.common import cancelled_in_words
from lt_desktop.core.services.documents.registers import (
    AttendanceRow,
    AttendanceSummary,
    PersonAttendance,
    PersonCohortAttendance,
    RegisterSheet,
)
from lt_desktop.documents.parts import (
    TickBox,
    date_range,
    escaped,
    facts,
    long_date,
    signature_lines,
    time_range,
)
from lt_desktop.documents.template import (
    INK,
    RULE,
    SANS,
    SANS_BOLD,
    TINT,
    DocumentInfo,
    PaperSize,
    build_pdf,
    styles,
)
from lt_desktop.domain.vocabulary import AttendanceStatus, MembershipRole, week_name
from lt_desktop.domain.wording import percent

#: One letter for each mark, as the grid shows it (and its legend explains).
CODES = {
    AttendanceStatus.PRESENT: "P",
    AttendanceStatus.LATE: "L",
    AttendanceStatus.LEFT_EARLY: "E",
    AttendanceStatus.ABSENT: "A",
    AttendanceStatus.EXCUSED: "X",
}
_TICK_COLUMNS = ("Present", "Late", "Left early", "Excused", "Absent")
_ABSENT_SHADE = Color(0.86, 0.86, 0.86)


def _role_note(role: MembershipRole) -> str:
    """Staff are named as such; students, the most of any list, carry no label."""
    if role is MembershipRole.STUDENT:
        return ""
    return f" <font size='7.5' color='#5b6675'>{role.label.lower()}</font>"


# -- the blank register -------------------------------------------------------------------


def write_register_sheet(
    target: Path, sheet: RegisterSheet, *, paper: PaperSize = PaperSize.A4
) -> None:
    heading = sheet.heading
    info = DocumentInfo(
        title=f"Register, {week_name(sheet.week).lower()}",
        partnership=heading.partnership_name,
        paper=paper,
    )
    if sheet.cancelled:
        build_pdf(target, info, _cancelled_sheet(sheet))
        return
    style = styles()
    details = _session_details(sheet)
    story: list[Flowable] = [
        Paragraph(f"Register · {week_name(sheet.week).lower()}", style["title"]),
        Paragraph(
            f"{sheet.expected} people expected, in {len(sheet.groups)} "
            f"group{'s' if len(sheet.groups) != 1 else ''}",
            style["subtitle"],
        ),
        facts(details, label_width=22 * mm),
        Spacer(1, 3 * mm),
        Paragraph(
            "Tick one box for each person: <b>Excused</b> for an absence agreed beforehand, "
            "<b>Absent</b> for any other, with the reason if it is known.",
            style["small"],
        ),
        Spacer(1, 3 * mm),
    ]
    for group in sheet.groups:
        rows = [[_name(p.name, p.role)] for p in group.people]
        story.append(KeepTogether([_register_table(group.name, rows), Spacer(1, 4 * mm)]))
    story += [
        CondPageBreak(60 * mm),
        _register_table("Not on the list", [[""] for _ in range(3)]),
        Spacer(1, 9 * mm),
        KeepTogether(
            signature_lines(
                ["Facilitator's signature", "Name", "Date"], [70 * mm, 60 * mm, 28 * mm]
            )
        ),
    ]
    build_pdf(target, info, story)


def _session_details(sheet: RegisterSheet) -> list[tuple[str, str]]:
    when = long_date(sheet.held_on)
    hours = time_range(sheet.starts_at, sheet.ends_at)
    details = [
        ("Cohort", escaped(sheet.heading.title)),
        ("Session", escaped(sheet.title or sheet.kind.label)),
        ("When", f"{when}, {hours}" if hours else when),
    ]
    if sheet.location:
        details.append(("Where", escaped(sheet.location)))
    if sheet.lecturer_name:
        details.append(("Lecturer", escaped(sheet.lecturer_name)))
    if sheet.readings and not sheet.cancelled:
        details.append(
            (
                "Readings",
                "<br/>".join(
                    f"{n}. {escaped(r.describe())}" for n, r in enumerate(sheet.readings, 1)
                ),
            )
        )
    return details


def _cancelled_sheet(sheet: RegisterSheet) -> list[Flowable]:
    """A week called off has no register to fill in: the page says so, and why, so a
    sheet printed in advance and handed round is not mistaken for one."""
    style = styles()
    notice = ParagraphStyle(
        "cancelled-notice",
        parent=style["body"],
        fontName=SANS_BOLD,
        fontSize=13,
        leading=17,
    )
    box = Table(
        [
            [Paragraph(f"This session was cancelled ({escaped(sheet.cancelled)}).", notice)],
            [
                Paragraph(
                    "No register is taken for it, and it counts in no attendance figure: "
                    "no one is marked absent.",
                    style["body"],
                )
            ],
        ],
        hAlign="LEFT",
    )
    box.setStyle(
        TableStyle(
            [
                ("BOX", (0, 0), (-1, -1), 1.2, INK),
                ("BACKGROUND", (0, 0), (-1, -1), TINT),
                ("LEFTPADDING", (0, 0), (-1, -1), 4 * mm),
                ("RIGHTPADDING", (0, 0), (-1, -1), 4 * mm),
                ("TOPPADDING", (0, 0), (-1, 0), 4 * mm),
                ("BOTTOMPADDING", (0, -1), (-1, -1), 4 * mm),
            ]
        )
    )
    return [
        Paragraph(f"{week_name(sheet.week)} · cancelled", style["title"]),
        Paragraph("Not a register: there is nothing to fill in", style["subtitle"]),
        facts(_session_details(sheet), label_width=22 * mm),
        Spacer(1, 6 * mm),
        box,
        Spacer(1, 4 * mm),
        Paragraph(
            "If the session goes ahead after all, reinstate it on the Sessions screen "
            "and print its register again.",
            style["small"],
        ),
    ]


def _name(name: str, role: MembershipRole) -> Paragraph:
    return Paragraph(escaped(name) + _role_note(role), styles()["body"])


def _register_table(title: str, names: list[list[Flowable | str]]) -> Table:
    header_style = ParagraphStyle(
        "register-head",
        parent=styles()["body"],
        fontName=SANS_BOLD,
        fontSize=8,
        leading=9.5,
        alignment=TA_CENTER,
    )
    group_style = ParagraphStyle(
        "register-group", parent=styles()["body"], fontName=SANS_BOLD, fontSize=10.5
    )
    header = [Paragraph(escaped(title), group_style)] + [
        Paragraph(label, header_style) for label in (*_TICK_COLUMNS, "Reason or note")
    ]
    body = [[*name, *(TickBox() for _ in _TICK_COLUMNS), ""] for name in names]
    table = Table(
        [header, *body],
        colWidths=[58 * mm, *(15 * mm for _ in _TICK_COLUMNS), 41 * mm],
        repeatRows=1,
        hAlign="LEFT",
    )
    table.setStyle(
        TableStyle(
            [
                ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
                ("ALIGN", (1, 1), (-2, -1), "CENTER"),
                ("LEFTPADDING", (1, 0), (-1, 0), 1),
                ("RIGHTPADDING", (1, 0), (-1, 0), 1),
                ("BACKGROUND", (0, 0), (-1, 0), TINT),
                ("LINEABOVE", (0, 0), (-1, 0), 0.9, INK),
                ("LINEBELOW", (0, 0), (-1, 0), 0.6, INK),
                ("LINEBELOW", (0, 1), (-1, -1), 0.4, RULE),
                ("LINEBEFORE", (1, 1), (-1, -1), 0.3, RULE),
                ("LEFTPADDING", (0, 0), (0, -1), 2 * mm),
                # Room to write by hand, and for a long name to wrap onto a second line.
                ("TOPPADDING", (0, 0), (-1, -1), 5.5),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 5.5),
            ]
        )
    )
    return table


# -- the cohort's attendance so far ---------------------------------------------------------


def write_attendance_summary(
    target: Path, summary: AttendanceSummary, *, paper: PaperSize = PaperSize.A4
) -> None:
    style = styles()
    heading = summary.heading
    story: list[Flowable] = [
        Paragraph("Attendance summary", style["title"]),
        Paragraph(
            f"{escaped(heading.title)} · {date_range(heading.starts_on, heading.ends_on)}",
            style["subtitle"],
        ),
        Paragraph(
            "<b>P</b> present · <b>L</b> late · <b>E</b> left early · <b>A</b> absent "
            "(shaded) · <b>X</b> excused · blank: no mark. " + FOOTNOTE,
            style["small"],
        ),
    ]
    if summary.cancelled:
        story.append(Paragraph(escaped(cancelled_in_words(summary.cancelled)), style["small"]))
    story.append(Spacer(1, 4 * mm))
    info = DocumentInfo(
        title="Attendance summary",
        partnership=heading.partnership_name,
        paper=paper,
        landscape=True,
    )
    story += _attendance_grid(summary, info.text_width)
    build_pdf(target, info, story)


def _attendance_grid(summary: AttendanceSummary, width: float) -> list[Flowable]:
    """One table for each small group, each headed by the group's name and the weeks, so
    a group is never split from its heading; then the week's totals."""
    body = styles()["body"]
    cell = ParagraphStyle("grid-cell", parent=body, fontSize=8.5, leading=10)
    head = ParagraphStyle("grid-head", parent=cell, fontName=SANS_BOLD, alignment=TA_CENTER)
    total = ParagraphStyle("grid-total", parent=cell, fontSize=7.5, alignment=TA_CENTER)
    left_note = " <font size='7' color='#5b6675'>left the course</font>"
    weeks = len(summary.weeks)
    name_width, count_width, rate_width = 56 * mm, 18 * mm, 22 * mm
    week_width = min(11 * mm, (width - name_width - count_width - 2 * rate_width) / max(weeks, 1))
    widths = [name_width] + [week_width] * weeks + [count_width, rate_width, rate_width]
    date_size = 6 if week_width >= 7 * mm else 5

    def header(title: str) -> list[Flowable | str]:
        cells: list[Flowable | str] = [
            Paragraph(f"<b>{escaped(title)}</b>", ParagraphStyle("g", parent=cell, fontSize=9.5))
        ]
        for column in summary.weeks:
            cells.append(
                Paragraph(
                    f"{column.week}<br/><font name='{SANS}' size='{date_size}' "
                    "color='#5b6675'>"
                    f"{column.held_on.day}/{column.held_on.month}</font>",
                    head,
                )
            )
        figure_head = ParagraphStyle("grid-figure-head", parent=head, fontSize=7.5)
        return [
            *cells,
            Paragraph("Attended", figure_head),
            Paragraph("Attendance", figure_head),
            Paragraph("Engagement", figure_head),
        ]

    def table(rows: list[list[Flowable | str]], extra: list[tuple[object, ...]]) -> Table:
        grid = Table(rows, colWidths=widths, repeatRows=1, hAlign="LEFT")
        grid.setStyle(
            TableStyle(
                [
                    ("FONT", (1, 0), (-1, -1), SANS, 8.5),
                    ("TEXTCOLOR", (0, 0), (-1, -1), INK),
                    ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
                    ("ALIGN", (1, 0), (-1, -1), "CENTER"),
                    ("TOPPADDING", (0, 0), (-1, -1), 1.6),
                    ("BOTTOMPADDING", (0, 0), (-1, -1), 1.6),
                    ("LEFTPADDING", (1, 0), (weeks, -1), 1),
                    ("RIGHTPADDING", (1, 0), (weeks, -1), 1),
                    ("LEFTPADDING", (weeks + 1, 0), (-1, -1), 2),
                    ("RIGHTPADDING", (weeks + 1, 0), (-1, -1), 2),
                    ("LINEBELOW", (0, 0), (-1, -1), 0.3, RULE),
                    ("LINEBEFORE", (1, 0), (weeks, -1), 0.3, RULE),
                    ("LINEBEFORE", (weeks + 1, 0), (weeks + 1, -1), 0.9, INK),
                    *extra,
                ]
            )
        )
        return grid

    groups: dict[str, list[AttendanceRow]] = {}
    for row in summary.rows:
        groups.setdefault(row.group_name, []).append(row)
    flowables: list[Flowable] = []
    for name, members in groups.items():
        rows: list[list[Flowable | str]] = [header(name)]
        shading: list[tuple[object, ...]] = [
            ("BACKGROUND", (0, 0), (-1, 0), TINT),
            ("LINEABOVE", (0, 0), (-1, 0), 0.9, INK),
            ("LINEBELOW", (0, 0), (-1, 0), 0.6, INK),
        ]
        for row in members:
            line: list[Flowable | str] = [
                Paragraph(
                    escaped(row.name)
                    + _role_note(row.role).replace("7.5", "6.5")
                    + (left_note if row.left_course else ""),
                    cell,
                )
            ]
            for n, mark in enumerate(row.marks):
                line.append(CODES[mark] if mark else "")
                if mark is AttendanceStatus.ABSENT:
                    at = len(rows)
                    shading.append(("BACKGROUND", (n + 1, at), (n + 1, at), _ABSENT_SHADE))
            line += _figure_cells(row.figures)
            rows.append(line)
        flowables += [KeepTogether([table(rows, shading)]), Spacer(1, 3 * mm)]

    attended_row: list[Flowable | str] = [Paragraph("<b>Attendance that week</b>", cell)]
    engaged_row: list[Flowable | str] = [Paragraph("<b>Engagement that week</b>", cell)]
    for week in summary.by_week:
        for cells, part in ((attended_row, week.attended), (engaged_row, week.engaged)):
            cells.append(
                Paragraph(
                    f"{percent(part / week.held)}<br/><font size='6' color='#5b6675'>"
                    f"{part}/{week.held}</font>",
                    total,
                )
                if week.held
                else ""
            )
    attended_row += _figure_cells(summary.figures)
    engaged_row += ["", "", ""]
    flowables.append(
        table(
            [attended_row, engaged_row],
            [("LINEABOVE", (0, 0), (-1, 0), 0.9, INK), ("LINEBELOW", (0, -1), (-1, -1), 0.9, INK)],
        )
    )
    return flowables


def _figure_cells(figures: AttendanceFigures) -> list[Flowable | str]:
    """Sessions attended of those held, then attendance and engagement, side by side."""
    if not figures.held:
        return ["", "–", "–"]
    return [
        f"{figures.attended} of {figures.held}",
        percent(figures.attendance),
        percent(figures.engagement),
    ]


# -- one person's attendance ---------------------------------------------------------------


def write_person_attendance(
    target: Path, attendance: PersonAttendance, *, paper: PaperSize = PaperSize.A4
) -> None:
    style = styles()
    story: list[Flowable] = [
        Paragraph(escaped(attendance.person_name), style["title"]),
        Paragraph("Attendance, session by session", style["subtitle"]),
    ]
    for part in attendance.cohorts:
        story += _person_cohort(part)
    story.append(Paragraph(FOOTNOTE, style["small"]))
    partnerships = sorted({c.heading.partnership_name for c in attendance.cohorts})
    build_pdf(
        target,
        DocumentInfo(title="Attendance", partnership=" · ".join(partnerships), paper=paper),
        story,
    )


def _person_cohort(part: PersonCohortAttendance) -> list[Flowable]:
    style = styles()
    heading = part.heading
    figures = part.figures
    summary = (
        f"Attended {figures.attended} of the {figures.held} sessions held: attendance "
        f"<b>{percent(figures.attendance)}</b>, engagement <b>{percent(figures.engagement)}</b>."
        if figures.held
        else "No register has been taken yet."
    )
    if part.cancelled:
        summary += " " + escaped(cancelled_in_words(part.cancelled))
    cell = ParagraphStyle("person-cell", parent=style["body"], fontSize=9.5, leading=12)
    rows: list[list[Flowable | str]] = [["Week", "Date", "Session", "Mark"]]
    for line in part.lines:
        rows.append(
            [
                str(line.week),
                f"{line.held_on:%a} {line.held_on.day} {line.held_on:%b %Y}",
                Paragraph(escaped(line.title or line.kind.label), cell),
                line.mark.label if line.mark else "no mark",
            ]
        )
    table = Table(rows, colWidths=[14 * mm, 34 * mm, None, 26 * mm], repeatRows=1, hAlign="LEFT")
    table.setStyle(
        TableStyle(
            [
                ("FONT", (0, 0), (-1, 0), SANS_BOLD, 8.5),
                ("FONT", (0, 1), (-1, -1), SANS, 9.5),
                ("TEXTCOLOR", (0, 0), (-1, -1), INK),
                ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
                ("LEFTPADDING", (0, 0), (0, -1), 0),
                ("LINEBELOW", (0, 0), (-1, 0), 0.8, INK),
                ("LINEBELOW", (0, 1), (-1, -1), 0.3, RULE),
            ]
        )
    )
    return [
        Paragraph(escaped(heading.title), style["heading"]),
        facts(
            [
                ("Partnership", escaped(heading.partnership_name)),
                ("Dates", date_range(heading.starts_on, heading.ends_on)),
                ("Role", part.role.label),
                ("Status", escaped(part.status)),
            ],
            label_width=26 * mm,
        ),
        Spacer(1, 2 * mm),
        Paragraph(summary, style["body"]),
        Spacer(1, 2 * mm),
        table,
        Spacer(1, 4 * mm),
    ]
