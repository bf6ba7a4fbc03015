"""Certificates of achievement: one landscape page for each student, a cohort to a PDF.

A certificate is framed and kept, and shown to future employers, so it says what was
achieved in the same words for everyone: the student, the course, the dates and any
credits, with a line for each signatory (their name and title under it) and the
partnership's logo where it has one. It never says where the student is based
(``CertificateInfo`` holds no such detail), and names the prison only where the
partnership chose to have the prison sign. Nothing else is on the page: no header,
footer, page number or date made.
"""

from __future__ import annotations

from collections.abc import Sequence
from io import BytesIO
from pathlib import Path

from reportlab.lib.units import mm
from reportlab.lib.utils import ImageReader
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Flowable, PageBreak

from lt_desktop.core.services.documents.certificates import CertificateInfo
from lt_desktop.core.services.stationery import Logo, Signatory
from lt_desktop.documents.parts import date_range, short_date
from lt_desktop.documents.template import (
    INK,
    MUTED,
    RULE,
    SANS,
    SANS_BOLD,
    SANS_ITALIC,
    SERIF,
    SERIF_BOLD,
    DocumentInfo,
    PaperSize,
    build_pdf,
)
from lt_desktop.domain.errors import ValidationError

TITLE = "Certificates of achievement"
#: The box a logo is fitted into, keeping its shape.
LOGO_BOX = (70 * mm, 20 * mm)


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
    build_pdf(target, DocumentInfo(title=TITLE, paper=paper, landscape=True, plain=True), story)


def studied_with(certificate: CertificateInfo) -> str:
    """Where it was studied, in the words the certificate uses: the partnership, where
    the prison signs too; otherwise the university alone."""
    if certificate.partnership_name:
        return f"studied together in the {certificate.partnership_name} partnership"
    university = certificate.university_name
    if university.split(" ", 1)[0] in ("University", "College", "Institute"):
        university = f"the {university}"  # "the University of Eastbridge"
    return f"studied together in Learning Together with {university}"


def signatories_of(certificate: CertificateInfo) -> list[Signatory]:
    if certificate.signatories:
        return list(certificate.signatories)
    partners = [certificate.university_name, certificate.prison_name]
    return [Signatory("", "", partner) for partner in partners if partner]


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
        if c.logo is not None:
            _logo(canvas, c.logo, centre, height - 9 * mm)
            y = height - 9 * mm - LOGO_BOX[1] - 7 * mm
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
        _centred(canvas, centre, y, studied_with(c), SANS, 10.5, INK, width * 0.8)
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

        signatories = signatories_of(c)
        places = [0.5] if len(signatories) == 1 else [0.27, 0.73]
        for place, signatory in zip(places, signatories, strict=False):
            _signature(canvas, width * place, 33 * mm, signatory)

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


def _signature(canvas: Canvas, x: float, base: float, signatory: Signatory) -> None:
    """A line to sign on, and under it who signs: name, title, and for whom."""
    line_width = 72 * mm
    canvas.setStrokeColor(INK)
    canvas.setLineWidth(0.6)
    canvas.line(x - line_width / 2, base, x + line_width / 2, base)
    y = base - 5 * mm
    if signatory.name:
        _centred(canvas, x, y, signatory.name, SANS_BOLD, 9, INK, line_width)
        y -= 4 * mm
    if signatory.title:
        _centred(canvas, x, y, signatory.title, SANS, 8.5, MUTED, line_width)
        y -= 4 * mm
    _centred(canvas, x, y, f"For {signatory.signs_for}", SANS, 8.5, MUTED, line_width)


def _logo(canvas: Canvas, logo: Logo, centre: float, top: float) -> None:
    """The partnership's logo, centred under ``top``, as large as fits the box without
    changing its shape."""
    box_width, box_height = LOGO_BOX
    scale = min(box_width / logo.width, box_height / logo.height)
    width, height = logo.width * scale, logo.height * scale
    canvas.drawImage(
        ImageReader(BytesIO(logo.data)),
        centre - width / 2,
        top - height,
        width=width,
        height=height,
        mask="auto",
    )


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
