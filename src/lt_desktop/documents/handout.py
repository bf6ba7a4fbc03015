"""The session handout: the week, the session and its lecturer, what to read for it with
author and pages, and room for notes. Printed and copied for every student (the
prison-based students have no internet), so it is plain black on white, in a size that
survives a photocopier.

A reading's PDF is not put inside the handout (making one PDF of several needs a
library LT Desktop does not carry): the handout names each reading that has one, and
the PDF is saved from the Sessions screen and printed with it.
"""

from __future__ import annotations

from pathlib import Path

from reportlab.lib.colors import black
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import (
    CondPageBreak,
    Flowable,
    KeepTogether,
    Paragraph,
    Spacer,
    Table,
    TableStyle,
)

from lt_desktop.core.services.documents.handouts import Handout
from lt_desktop.core.services.readings import ReadingInfo
from lt_desktop.documents.parts import escaped, facts, long_date, time_range
from lt_desktop.documents.template import (
    SANS,
    SANS_BOLD,
    SERIF_BOLD,
    DocumentInfo,
    PaperSize,
    build_pdf,
    styles,
)
from lt_desktop.domain.vocabulary import week_in_words, week_name

#: Lines to write notes on, at most and at least, and how far apart.
NOTE_LINES = 14
FEWEST_NOTE_LINES = 6
NOTE_SPACING = 9 * mm


class RuledLines(Flowable):
    """Lines to write on by hand, across the page: up to ``most``, as many as the rest
    of the page holds, so the handout stays one sheet to copy."""

    def __init__(self, most: int, spacing: float) -> None:
        super().__init__()
        self.most, self.spacing = most, spacing
        self.count = most
        self.width = 0.0

    def wrap(self, available_width: float, available_height: float) -> tuple[float, float]:
        self.width = available_width
        self.count = max(1, min(self.most, int(available_height // self.spacing)))
        return available_width, self.count * self.spacing

    def draw(self) -> None:
        canvas: Canvas = self.canv
        canvas.setStrokeColor(black)
        canvas.setLineWidth(0.4)
        for n in range(self.count):
            y = n * self.spacing
            canvas.line(0, y, self.width, y)


def write_handout(target: Path, handout: Handout, *, paper: PaperSize = PaperSize.A4) -> None:
    style = styles()
    body = ParagraphStyle("handout-body", parent=style["body"], textColor=black)
    title = ParagraphStyle(
        "handout-title", parent=style["title"], fontName=SERIF_BOLD, textColor=black
    )
    subtitle = ParagraphStyle("handout-subtitle", parent=body, fontSize=12, spaceAfter=10)
    heading = ParagraphStyle("handout-heading", parent=style["heading"], textColor=black)
    session_name = handout.title or handout.kind.label
    when = long_date(handout.held_on)
    hours = time_range(handout.starts_at, handout.ends_at)
    details = [("When", f"{when}, {hours}" if hours else when)]
    if handout.location:
        details.append(("Where", escaped(handout.location)))
    if handout.lecturer_name:
        details.append(("Lecturer", escaped(handout.lecturer_name)))
    about = facts(details, label_width=24 * mm)
    about.setStyle(TableStyle([("FONT", (0, 0), (-1, -1), SANS, 9.5)]))
    story: list[Flowable] = [
        Paragraph(f"{week_name(handout.week)}: {escaped(session_name)}", title),
        Paragraph(escaped(handout.heading.title), subtitle),
        about,
    ]
    if handout.cancelled:
        story += [
            Spacer(1, 3 * mm),
            _boxed(
                f"<b>This session was cancelled</b> ({escaped(handout.cancelled)}). Keep the "
                "readings for when it is held.",
                body,
            ),
        ]
    story.append(Paragraph("Read before the session", heading))
    if handout.readings:
        story += [_reading(n, r, body) for n, r in enumerate(handout.readings, 1)]
    else:
        story.append(Paragraph("No readings are listed for this session.", body))
    story += [
        # The heading, its space and the fewest lines worth writing on stay together.
        CondPageBreak(NOTE_SPACING * (FEWEST_NOTE_LINES + 2)),
        Paragraph("Notes", heading),
        Spacer(1, NOTE_SPACING - 2 * mm),
        RuledLines(NOTE_LINES, NOTE_SPACING),
    ]
    build_pdf(
        target,
        DocumentInfo(
            title=f"Session handout, {week_in_words(handout.week)}",
            partnership=handout.heading.partnership_name,
            paper=paper,
        ),
        story,
    )


def _reading(number: int, reading: ReadingInfo, body: ParagraphStyle) -> Flowable:
    """One reading: its title, then who wrote it and which pages to read."""
    name = ParagraphStyle("reading-title", parent=body, fontName=SANS_BOLD, fontSize=11.5)
    line = ParagraphStyle("reading-line", parent=body, fontName=SANS, fontSize=10.5)
    parts: list[Flowable] = [Paragraph(escaped(reading.title), name)]
    if reading.author:
        parts.append(Paragraph(escaped(reading.author), line))
    if reading.pages:
        parts.append(Paragraph(f"Pages: {escaped(reading.pages)}", line))
    if reading.has_pdf:
        parts.append(
            Paragraph(f"A copy comes with this sheet ({escaped(reading.pdf_filename)}).", line)
        )
    table = Table(
        [[Paragraph(f"{number}.", name), parts]],
        colWidths=[9 * mm, None],
        hAlign="LEFT",
        style=[
            ("FONT", (0, 0), (-1, -1), SANS, 10.5),
            ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ("LEFTPADDING", (0, 0), (-1, -1), 0),
            ("BOTTOMPADDING", (0, 0), (-1, -1), 3 * mm),
        ],
    )
    return KeepTogether([table])


def _boxed(text: str, body: ParagraphStyle) -> Table:
    return Table(
        [[Paragraph(text, body)]],
        hAlign="LEFT",
        style=[
            ("FONT", (0, 0), (-1, -1), SANS, 10.5),
            ("BOX", (0, 0), (-1, -1), 1, black),
            ("LEFTPADDING", (0, 0), (-1, -1), 3 * mm),
            ("RIGHTPADDING", (0, 0), (-1, -1), 3 * mm),
            ("TOPPADDING", (0, 0), (-1, -1), 2 * mm),
            ("BOTTOMPADDING", (0, 0), (-1, -1), 2 * mm),
        ],
    )
