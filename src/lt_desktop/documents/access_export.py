"""The readable copy of everything held about a person, given to them when they ask.

Addressed to the person: a section for each kind of record, short rows as a grid and
long ones (their essays, stories, applications) as blocks of labelled lines. Other
people's names have already been replaced by the service.
"""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.platypus import (
    CondPageBreak,
    Flowable,
    KeepTogether,
    Paragraph,
    Spacer,
    Table,
    TableStyle,
)

from lt_desktop.core.services.access_data import ANOTHER_PARTICIPANT, PersonData, Section, Value
from lt_desktop.core.services.access_request import JSON_FILE
from lt_desktop.documents.parts import escaped, facts, short_date
from lt_desktop.documents.template import (
    INK,
    RULE,
    SANS,
    SANS_BOLD,
    DocumentInfo,
    PaperSize,
    build_pdf,
    styles,
)


def write_person_data(target: Path, data: PersonData, *, paper: PaperSize = PaperSize.A4) -> None:
    style = styles()
    info = DocumentInfo(title="Your data", made_on=data.made_on, paper=paper)
    story: list[Flowable] = [
        Paragraph(escaped(data.name), style["title"]),
        Paragraph("Everything Learning Together holds about you at this site", style["subtitle"]),
        facts(
            [
                ("Made", short_date(data.made_on)),
                ("Research id", escaped(data.research_id)),
            ],
            label_width=26 * mm,
        ),
        Spacer(1, 3 * mm),
        Paragraph(
            "This is a copy of every record kept about you here, as it stood on the day it "
            "was made. Where something written names another person, their name is shown "
            f"as {escaped(ANOTHER_PARTICIPANT)}. The same data is in the file {JSON_FILE} "
            "and in one spreadsheet (CSV) file per section, in the folder this document "
            "came in. A section that says <i>none held</i> holds nothing about you.",
            style["body"],
        ),
    ]
    for section in data.sections:
        story += _section(section, info.text_width)
    build_pdf(target, info, story)


def _section(section: Section, width: float) -> list[Flowable]:
    style = styles()
    heading: list[Flowable] = [Paragraph(escaped(section.title), style["heading"])]
    if section.note:
        heading.append(Paragraph(escaped(section.note), style["small"]))
    if not section.rows:
        return [KeepTogether([*heading, Paragraph("<i>None held.</i>", style["small"])])]
    # A grid's row cannot run on to the next page: very long text is laid out in blocks.
    if section.table and not any(_long_text(v) for row in section.rows for v in row):
        return [CondPageBreak(30 * mm), *heading, Spacer(1, 1 * mm), _grid(section, width)]
    parts: list[Flowable] = [CondPageBreak(30 * mm), *heading]
    label_style = ParagraphStyle("data-label", parent=style["small"], spaceBefore=4)
    for n, row in enumerate(section.rows):
        shown = [
            (label, value)
            for (_, label), value in zip(section.columns, row, strict=True)
            if _shown(value)
        ]
        short = [(label, _cell(value)) for label, value in shown if not _long(value)]
        if n:
            parts.append(_rule(width))
        if short:
            parts.append(facts(short, label_width=38 * mm))
        # Long text goes below, in paragraphs that may run on to the next page.
        for label, value in shown:
            if _long(value):
                parts.append(Paragraph(escaped(label), label_style))
                parts += [
                    Paragraph(_cell(paragraph, long=True), style["body"])
                    for paragraph in str(value).split("\n\n")
                    if paragraph.strip()
                ]
    parts.append(Spacer(1, 2 * mm))
    return parts


def _grid(section: Section, width: float) -> Table:
    cell = ParagraphStyle("data-cell", parent=styles()["body"], fontSize=8.5, leading=10.5)
    head = ParagraphStyle("data-head", parent=cell, fontName=SANS_BOLD)
    columns = _widths(section, width)
    rows: list[list[Flowable]] = [[Paragraph(escaped(label), head) for _, label in section.columns]]
    rows += [[Paragraph(_cell(value), cell) for value in row] for row in section.rows]
    table = Table(rows, colWidths=columns, repeatRows=1, hAlign="LEFT")
    table.setStyle(
        TableStyle(
            [
                ("FONT", (0, 0), (-1, -1), SANS, 8.5),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("LEFTPADDING", (0, 0), (0, -1), 0),
                ("LINEBELOW", (0, 0), (-1, 0), 0.8, INK),
                ("LINEBELOW", (0, 1), (-1, -1), 0.3, RULE),
            ]
        )
    )
    return table


def _widths(section: Section, width: float) -> list[float]:
    """Each column as wide as its longest word at least, so no word is broken; what is
    left goes to the columns with longer text."""
    padding = 13.0
    least, wanted = [], []
    for n, (_, label) in enumerate(section.columns):
        texts = [_cell(row[n]) for row in section.rows]
        words = [stringWidth(w, SANS, 8.5) for text in texts for w in text.split()]
        words += [stringWidth(w, SANS_BOLD, 8.5) for w in label.split()]
        least.append(max(words, default=0.0) + padding)
        longest = max((stringWidth(text, SANS, 8.5) for text in texts), default=0.0)
        wanted.append(max(min(longest, 150.0) + padding - least[-1], 0.0) + 1.0)
    room = width - sum(least)
    if room <= 0:
        return [width * w / sum(least) for w in least]
    return [w + room * extra / sum(wanted) for w, extra in zip(least, wanted, strict=True)]


def _rule(width: float) -> Table:
    line = Table([[""]], colWidths=[width], rowHeights=[3 * mm])
    line.setStyle(TableStyle([("LINEBELOW", (0, 0), (-1, -1), 0.3, RULE)]))
    return line


def _long_text(value: Value) -> bool:
    return isinstance(value, str) and len(value) > 600


def _long(value: Value) -> bool:
    return isinstance(value, str) and (len(value) > 160 or "\n" in value)


def _shown(value: Value) -> bool:
    return value is not None and value != ""


def _cell(value: Value, *, long: bool = False) -> str:
    """A value as paragraph markup: dates in words, yes or no, line breaks kept."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if isinstance(value, datetime):
        return f"{short_date(value.date())} {value:%H:%M}"
    if isinstance(value, date):
        return short_date(value)
    if isinstance(value, float):
        return f"{value:g}"
    text = escaped(str(value))
    return text.replace("\n", "<br/>") if long else text


__all__ = ["write_person_data"]
