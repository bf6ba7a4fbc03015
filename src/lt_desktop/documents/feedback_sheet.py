"""Essay feedback sheets: one page for each student, printed as a batch for a cohort.

A sheet is handed to the student, so it reads as a letter to them. It shows the
partnership and course they share with everyone else and nothing about where they
are based; ``FeedbackSheet`` holds no such detail and none is added here.
"""

from __future__ import annotations

from pathlib import Path

from reportlab.lib.enums import TA_CENTER
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import Flowable, PageBreak, Paragraph, Spacer, Table, TableStyle
from reportlab.platypus.flowables import SetPageTopFlowables

from lt_desktop.core.services.essays import FeedbackSheet
from lt_desktop.documents.marking_pack import RunningLine, escaped, text_paragraphs
from lt_desktop.documents.template import (
    INK,
    MONO,
    MUTED,
    RULE,
    SANS_ITALIC,
    SERIF_BOLD,
    TINT,
    DocumentInfo,
    PaperSize,
    build_pdf,
    styles,
)
from lt_desktop.domain.errors import ValidationError

TITLE = "Essay feedback"


def write_feedback_sheets(
    target: Path, sheets: list[FeedbackSheet], *, paper: PaperSize = PaperSize.A4
) -> None:
    """Write one sheet per student, each starting on a new page, into one PDF."""
    if not sheets:
        raise ValidationError("There are no feedback sheets to print yet.")
    story: list[Flowable] = []
    for index, sheet in enumerate(sheets):
        if index:
            story += [SetPageTopFlowables([]), PageBreak()]
        story += _sheet(sheet)
    partnerships = {sheet.partnership_name for sheet in sheets}
    build_pdf(
        target,
        DocumentInfo(
            title=TITLE,
            partnership=partnerships.pop() if len(partnerships) == 1 else "",
            paper=paper,
        ),
        story,
    )


def _sheet(sheet: FeedbackSheet) -> list[Flowable]:
    style = styles()
    comment = ParagraphStyle(
        "marker-comment",
        parent=style["body"],
        fontName=SANS_ITALIC,
        leftIndent=6 * mm,
        spaceAfter=6,
    )
    feedback = ParagraphStyle("agreed-feedback", parent=style["body"], spaceAfter=6)
    story: list[Flowable] = [
        Paragraph(escaped(sheet.student_name), style["title"]),
        Paragraph("Feedback on your reflective essay", style["subtitle"]),
        SetPageTopFlowables([RunningLine(f"{sheet.student_name.strip()} · continued")]),
        _details(sheet),
        Spacer(1, 7 * mm),
        _mark_panel(sheet),
    ]
    agreed = text_paragraphs(sheet.agreed_feedback, feedback)
    if agreed:
        story += [Paragraph("Overall feedback", style["heading"]), *agreed]
    comments = [
        paragraphs
        for paragraphs in (text_paragraphs(text, comment) for text in sheet.marker_feedback)
        if paragraphs
    ]
    if comments:
        story.append(Paragraph("Comments from the markers", style["heading"]))
        for paragraphs in comments:
            story += paragraphs
    story += [
        Spacer(1, 6 * mm),
        Paragraph(
            "Thank you for the time, thought and honesty you put into your essay. If you "
            "would like to talk about your mark or these comments, please speak to your "
            "course coordinator, who will be glad to help.",
            style["body"],
        ),
    ]
    return story


def _details(sheet: FeedbackSheet) -> Table:
    body = styles()["body"]
    label = ParagraphStyle("label", parent=body, textColor=MUTED)
    mono = ParagraphStyle("number", parent=body, fontName=MONO, fontSize=10)
    rows = [
        ("Essay", Paragraph(f"“{escaped(sheet.title)}”", body)),
        ("Course", Paragraph(escaped(sheet.course_title), body)),
        ("Cohort", Paragraph(escaped(sheet.cohort_name), body)),
        ("Partnership", Paragraph(escaped(sheet.partnership_name), body)),
        ("Candidate number", Paragraph(escaped(sheet.candidate_number), mono)),
    ]
    if not sheet.title.strip():
        rows = rows[1:]
    table = Table(
        [[Paragraph(name, label), value] for name, value in rows],
        colWidths=[38 * mm, None],
        hAlign="LEFT",
    )
    table.setStyle(
        TableStyle(
            [
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("LEFTPADDING", (0, 0), (-1, -1), 0),
                ("TOPPADDING", (0, 0), (-1, -1), 3),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
                ("LINEBELOW", (0, 0), (-1, -2), 0.3, RULE),
            ]
        )
    )
    return table


def _mark_panel(sheet: FeedbackSheet) -> Table:
    body = styles()["body"]
    figure = ParagraphStyle(
        "mark", parent=body, fontName=SERIF_BOLD, fontSize=34, leading=38, alignment=TA_CENTER
    )
    scale = ParagraphStyle("scale", parent=styles()["small"], alignment=TA_CENTER)
    words = [
        "Your essay was marked twice, each time by a marker who did not know who wrote "
        "it. The two marks were then brought together into one agreed mark: "
        f"<b>{_score(sheet.agreed_score)} out of 100</b>."
    ]
    if sheet.credits is not None:
        words.append(
            f"{escaped(sheet.course_title)} is an accredited course carrying "
            f"<b>{sheet.credits}&nbsp;credit{'s' if sheet.credits != 1 else ''}</b>."
        )
    explanation = [
        Paragraph(text, ParagraphStyle("panel", parent=body, spaceAfter=4)) for text in words
    ]
    table = Table(
        [
            [
                [Paragraph(_score(sheet.agreed_score), figure), Paragraph("out of 100", scale)],
                explanation,
            ]
        ],
        colWidths=[36 * mm, None],
    )
    table.setStyle(
        TableStyle(
            [
                ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
                ("BACKGROUND", (0, 0), (-1, -1), TINT),
                ("BOX", (0, 0), (-1, -1), 0.8, INK),
                ("LINEAFTER", (0, 0), (0, 0), 0.5, RULE),
                ("TOPPADDING", (0, 0), (-1, -1), 8),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 8),
                ("LEFTPADDING", (1, 0), (1, 0), 10),
                ("RIGHTPADDING", (1, 0), (1, 0), 10),
            ]
        )
    )
    return table


def _score(score: float) -> str:
    return f"{score:g}"
