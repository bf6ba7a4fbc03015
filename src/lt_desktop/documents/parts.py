"""Pieces the programme's documents share: dates in words, tick boxes, signature
lines and the small tables of facts under a title."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, time

from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Flowable, Paragraph, Table, TableStyle

from lt_desktop.documents.template import INK, MUTED, SANS, styles


def escaped(text: str) -> str:
    """Text as reportlab's paragraph markup reads it literally."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def long_date(day: date) -> str:
    return f"{day:%A} {day.day} {day:%B %Y}"


def short_date(day: date) -> str:
    return f"{day.day} {day:%B %Y}"


def date_range(start: date, end: date) -> str:
    """'12 January – 16 March 2026', naming the year once where both share it."""
    if start.year != end.year:
        return f"{short_date(start)} – {short_date(end)}"
    if start.month != end.month:
        return f"{start.day} {start:%B} – {short_date(end)}"
    return f"{start.day}–{short_date(end)}"


def time_range(start: time | None, end: time | None) -> str:
    if start and end:
        return f"{start:%H:%M}–{end:%H:%M}"
    return f"{start:%H:%M}" if start else ""


class TickBox(Flowable):
    """An empty square to tick by hand."""

    def __init__(self, size: float = 4.2 * mm) -> None:
        super().__init__()
        self.size = size

    def wrap(self, available_width: float, available_height: float) -> tuple[float, float]:
        return self.size, self.size

    def draw(self) -> None:
        canvas: Canvas = self.canv
        canvas.setStrokeColor(INK)
        canvas.setLineWidth(0.7)
        canvas.rect(0, 0, self.size, self.size, stroke=1, fill=0)


def facts(rows: Sequence[tuple[str, str]], label_width: float = 30 * mm) -> Table:
    """Label and value pairs, as under a document's title."""
    label = ParagraphStyle(
        "fact-label", parent=styles()["body"], fontSize=9, leading=12.5, textColor=MUTED
    )
    value = ParagraphStyle("fact-value", parent=styles()["body"], fontSize=9.5, leading=12.5)
    table = Table(
        [[Paragraph(escaped(name), label), Paragraph(text, value)] for name, text in rows],
        colWidths=[label_width, None],
        hAlign="LEFT",
    )
    table.setStyle(
        TableStyle(
            [
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("LEFTPADDING", (0, 0), (-1, -1), 0),
                ("TOPPADDING", (0, 0), (-1, -1), 1.5),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 1.5),
            ]
        )
    )
    return table


def signature_lines(
    labels: Sequence[str], widths: Sequence[float], *, gap: float = 8 * mm
) -> Table:
    """Space to sign or write in, each with its label underneath."""
    columns: list[float] = []
    for n, width in enumerate(widths):
        columns += [width] if n == 0 else [gap, width]
    label_row: list[str] = []
    for n, label in enumerate(labels):
        label_row += [label] if n == 0 else ["", label]
    table = Table(
        [["" for _ in columns], label_row],
        colWidths=columns,
        rowHeights=[12 * mm, 6 * mm],
        hAlign="LEFT",
    )
    commands: list[tuple[object, ...]] = [
        ("FONT", (0, 1), (-1, 1), SANS, 8),
        ("TEXTCOLOR", (0, 1), (-1, 1), MUTED),
        ("LEFTPADDING", (0, 0), (-1, -1), 0),
        ("RIGHTPADDING", (0, 0), (-1, -1), 0),
        ("VALIGN", (0, 1), (-1, 1), "TOP"),
    ]
    for column in range(0, len(columns), 2):
        commands.append(("LINEBELOW", (column, 0), (column, 0), 0.6, INK))
    table.setStyle(TableStyle(commands))
    return table
