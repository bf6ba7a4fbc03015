"""Certificates of achievement: one landscape page for each student, a cohort to a PDF.

A certificate is framed and kept, so it says what was achieved and where it was
studied, in the same words for everyone. It names the student, the course, the
partnership, the dates and any credits, and has a line for each partner to sign.
It never says where the student is based; ``CertificateInfo`` holds no such detail.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Flowable, PageBreak

from lt_desktop.core.services.documents.certificates import CertificateInfo
from lt_desktop.documents.parts import date_range, short_date
from lt_desktop.documents.template import (
    INK,
    MUTED,
    RULE,
    SANS,
    SANS_ITALIC,
    SERIF,
    SERIF_BOLD,
    DocumentInfo,
    PaperSize,
    build_pdf,
)
from lt_desktop.domain.errors import ValidationError

TITLE = "Certificates of achievement"


def write_certificates(
    target: Path, certificates: Sequence[CertificateInfo], *, paper: PaperSize = PaperSize.A4
) -> None:
    """Write one certificate a page, in the order given, into one PDF."""
    if not certificates:
        raise ValidationError("There are no certificates to print.")
    story: list[Flowable] = []
    for index, certificate in enumerate(certificates):
        if index:
            story.append(PageBreak())
        story.append(_Certificate(certificate))
    partnerships = sorted({c.partnership_name for c in certificates})
    build_pdf(
        target,
        DocumentInfo(
            title=TITLE, partnership=" · ".join(partnerships), paper=paper, landscape=True
        ),
        story,
    )


class _Certificate(Flowable):
    """The whole certificate, drawn to fill the page's frame."""

    def __init__(self, certificate: CertificateInfo) -> None:
        super().__init__()
        self.certificate = certificate
        self.width = self.height = 0.0

    def wrap(self, available_width: float, available_height: float) -> tuple[float, float]:
        # A hair less than the frame, so rounding never pushes it onto a page of its own.
        self.width, self.height = available_width, available_height - 1
        return self.width, self.height

    def draw(self) -> None:
        canvas: Canvas = self.canv
        c = self.certificate
        width, height = self.width, self.height
        centre = width / 2
        canvas.saveState()
        _frame(canvas, width, height)

        y = height - 22 * mm
        _spaced(canvas, centre, y, "LEARNING TOGETHER", SANS, 9.5, MUTED, spacing=3)
        y -= 16 * mm
        _centred(canvas, centre, y, "Certificate of Achievement", SERIF, 30, INK, width * 0.8)
        y -= 7 * mm
        canvas.setStrokeColor(RULE)
        canvas.setLineWidth(0.6)
        canvas.line(centre - 22 * mm, y, centre + 22 * mm, y)

        y -= 11 * mm
        _centred(canvas, centre, y, "This is to certify that", SANS_ITALIC, 11, MUTED, width)
        y -= 15 * mm
        _centred(canvas, centre, y, c.student_name, SERIF_BOLD, 28, INK, width * 0.78)
        y -= 11 * mm
        _centred(canvas, centre, y, "has successfully completed", SANS_ITALIC, 11, MUTED, width)
        y -= 11 * mm
        _centred(canvas, centre, y, c.course_title, SERIF, 19, INK, width * 0.8)
        y -= 8 * mm
        _centred(
            canvas,
            centre,
            y,
            f"studied together in the {c.partnership_name} partnership",
            SANS,
            10.5,
            INK,
            width * 0.8,
        )
        y -= 6 * mm
        _centred(canvas, centre, y, date_range(c.starts_on, c.ends_on), SANS, 10.5, INK, width)
        if c.credits:
            y -= 6 * mm
            level = f" at {c.level}" if c.level else ""
            _centred(
                canvas,
                centre,
                y,
                f"awarding {c.credits} credits{level}",
                SANS,
                10.5,
                INK,
                width * 0.8,
            )

        line_width = 72 * mm
        base = 27 * mm
        for x, partner in (
            (width * 0.27, c.university_name),
            (width * 0.73, c.prison_name),
        ):
            canvas.setStrokeColor(INK)
            canvas.setLineWidth(0.6)
            canvas.line(x - line_width / 2, base, x + line_width / 2, base)
            _centred(canvas, x, base - 5 * mm, f"For {partner}", SANS, 8.5, MUTED, line_width)

        _centred(
            canvas,
            centre,
            10 * mm,
            f"Certificate {c.serial} · awarded {short_date(c.issued_on)}",
            SANS,
            7.5,
            MUTED,
            width,
        )
        canvas.restoreState()


def _frame(canvas: Canvas, width: float, height: float) -> None:
    """A double rule: a firm outer line and a fine inner one, as engraved borders have."""
    canvas.setStrokeColor(INK)
    canvas.setLineWidth(1.4)
    canvas.rect(0, 0, width, height, stroke=1, fill=0)
    canvas.setLineWidth(0.4)
    inset = 2.2 * mm
    canvas.rect(inset, inset, width - 2 * inset, height - 2 * inset, stroke=1, fill=0)
    # Small squares at the inner corners, to finish the frame.
    mark = 2.2 * mm
    canvas.setFillColor(INK)
    for x, y in ((0, 0), (width - mark, 0), (0, height - mark), (width - mark, height - mark)):
        canvas.rect(x, y, mark, mark, stroke=0, fill=1)


def _centred(
    canvas: Canvas,
    x: float,
    y: float,
    text: str,
    font: str,
    size: float,
    colour: object,
    fit: float,
) -> None:
    """Draw ``text`` centred on ``x``, made smaller if it would be wider than ``fit``."""
    while size > 6 and stringWidth(text, font, size) > fit:
        size -= 0.5
    canvas.setFont(font, size)
    canvas.setFillColor(colour)
    canvas.drawCentredString(x, y, text)


def _spaced(
    canvas: Canvas,
    x: float,
    y: float,
    text: str,
    font: str,
    size: float,
    colour: object,
    *,
    spacing: float,
) -> None:
    """Letter-spaced capitals, centred on ``x``."""
    width = stringWidth(text, font, size) + spacing * (len(text) - 1)
    canvas.saveState()  # the spacing would otherwise carry on into later text
    canvas.setFillColor(colour)
    handle = canvas.beginText(x - width / 2, y)
    handle.setFont(font, size)
    handle.setCharSpace(spacing)
    handle.textOut(text)
    canvas.drawText(handle)
    canvas.restoreState()
