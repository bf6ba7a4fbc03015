"""The house style every LT Desktop document shares.

A4 by default (US Letter on request), fonts embedded (DejaVu, shipped with the
app), a title block, the partnership's names, page numbers and the date the
document was made. Black and white friendly: meaning never rests on colour.

Certificates and letters go to people and are kept, so they are ``plain``: no
running header or footer, no page number, no date made and no word of the software.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from enum import Enum
from pathlib import Path
from typing import Any

from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER
from reportlab.lib.pagesizes import A4, LETTER, landscape
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import BaseDocTemplate, Flowable, Frame, PageTemplate

from lt_desktop import __version__
from lt_desktop.resources import resource
from lt_desktop.storage.atomic import atomic_output
from lt_desktop.storage.output_paths import check_output_path

INK = colors.HexColor("#1d2a3a")
MUTED = colors.HexColor("#5b6675")
RULE = colors.HexColor("#9aa5b1")
TINT = colors.HexColor("#eef1f5")
SIDE_MARGIN = 18 * mm
#: Above and below a plain page (a certificate, a letter), which has no header or footer.
PLAIN_MARGIN = 16 * mm

SANS, SANS_BOLD, SANS_ITALIC, MONO, SERIF, SERIF_BOLD = (
    "LTSans",
    "LTSans-Bold",
    "LTSans-Italic",
    "LTMono",
    "LTSerif",
    "LTSerif-Bold",
)


class PaperSize(Enum):
    A4 = "a4"
    LETTER = "letter"

    @property
    def size(self) -> tuple[float, float]:
        return A4 if self is PaperSize.A4 else LETTER


@functools.cache
def register_fonts() -> None:
    for name, file in [
        (SANS, "DejaVuSans.ttf"),
        (SANS_BOLD, "DejaVuSans-Bold.ttf"),
        (SANS_ITALIC, "DejaVuSans-Oblique.ttf"),
        (MONO, "DejaVuSansMono.ttf"),
        (SERIF, "DejaVuSerif.ttf"),
        (SERIF_BOLD, "DejaVuSerif-Bold.ttf"),
    ]:
        pdfmetrics.registerFont(TTFont(name, str(resource("fonts", file))))
    pdfmetrics.registerFontFamily(
        SANS, normal=SANS, bold=SANS_BOLD, italic=SANS_ITALIC, boldItalic=SANS_BOLD
    )


@functools.cache
def styles() -> dict[str, ParagraphStyle]:
    register_fonts()
    body = ParagraphStyle("body", fontName=SANS, fontSize=10.5, leading=15, textColor=INK)
    return {
        "body": body,
        "small": ParagraphStyle("small", parent=body, fontSize=8.5, leading=11.5, textColor=MUTED),
        "title": ParagraphStyle(
            "title", parent=body, fontName=SERIF_BOLD, fontSize=22, leading=27, spaceAfter=4
        ),
        "subtitle": ParagraphStyle(
            "subtitle", parent=body, fontSize=11.5, leading=15, textColor=MUTED, spaceAfter=14
        ),
        "heading": ParagraphStyle(
            "heading",
            parent=body,
            fontName=SANS_BOLD,
            fontSize=12.5,
            leading=16,
            spaceBefore=12,
            spaceAfter=6,
        ),
        "mono": ParagraphStyle("mono", parent=body, fontName=MONO, fontSize=11, leading=15),
        "centre": ParagraphStyle("centre", parent=body, alignment=TA_CENTER),
    }


@dataclass(frozen=True)
class DocumentInfo:
    title: str
    partnership: str = ""
    made_on: date | None = None
    paper: PaperSize = PaperSize.A4
    # Wide grids and certificates read better turned sideways.
    landscape: bool = False
    #: A certificate or a letter: the page carries only what the story draws.
    plain: bool = False

    @property
    def page_size(self) -> tuple[float, float]:
        return landscape(self.paper.size) if self.landscape else self.paper.size

    @property
    def text_width(self) -> float:
        """The width the story is laid out in, between the side margins."""
        return self.page_size[0] - 2 * SIDE_MARGIN


class _NumberedCanvas(Canvas):
    """Holds pages back until the end so each can say 'page n of N'."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._pages: list[dict[str, Any]] = []

    def showPage(self) -> None:  # noqa: N802 - reportlab API
        self._pages.append(dict(self.__dict__))
        self._startPage()

    def save(self) -> None:
        total = len(self._pages)
        for state in self._pages:
            self.__dict__.update(state)
            self._draw_page_number(total)
            super().showPage()
        super().save()

    def _draw_page_number(self, total: int) -> None:
        width, _ = self._pagesize
        self.setFont(SANS, 8)
        self.setFillColor(MUTED)
        self.drawRightString(width - 18 * mm, 12 * mm, f"Page {self._pageNumber} of {total}")


def _frame_decorations(info: DocumentInfo) -> Any:
    made_on = info.made_on or date.today()

    def decorate(canvas: Canvas, document: BaseDocTemplate) -> None:
        width, height = document.pagesize
        canvas.saveState()
        canvas.setStrokeColor(RULE)
        canvas.setLineWidth(0.6)
        canvas.line(18 * mm, height - 16 * mm, width - 18 * mm, height - 16 * mm)
        canvas.setFont(SANS_BOLD, 8.5)
        canvas.setFillColor(INK)
        canvas.drawString(18 * mm, height - 13.5 * mm, "Learning Together")
        canvas.setFont(SANS, 8.5)
        canvas.setFillColor(MUTED)
        if info.partnership:
            canvas.drawRightString(width - 18 * mm, height - 13.5 * mm, info.partnership)
        canvas.line(18 * mm, 17 * mm, width - 18 * mm, 17 * mm)
        canvas.setFont(SANS, 8)
        canvas.drawString(
            18 * mm,
            12 * mm,
            f"{info.title} · made {made_on:%d %B %Y} with LT Desktop {__version__}",
        )
        canvas.restoreState()

    return decorate


def build_pdf(target: Path, info: DocumentInfo, story: Sequence[Flowable]) -> None:
    """Lay out ``story`` in the house style and write it to ``target`` atomically.

    Whoever chose ``target`` decided whether an existing file may be replaced; a store
    folder, or something that is not an ordinary file, is refused here whoever asks."""
    target = check_output_path(target, store_root=None, force=True)
    register_fonts()
    # Without a header and footer, a plain page needs less room above and below.
    end_margin = PLAIN_MARGIN if info.plain else 24 * mm
    with atomic_output(target, what="The document") as handle:
        document = BaseDocTemplate(
            handle,
            pagesize=info.page_size,
            leftMargin=SIDE_MARGIN,
            rightMargin=SIDE_MARGIN,
            topMargin=end_margin,
            bottomMargin=end_margin,
            title=info.title,
            author="LT Desktop",
            creator=f"LT Desktop {__version__}",
        )
        frame = Frame(
            document.leftMargin,
            document.bottomMargin,
            document.width,
            document.height,
            leftPadding=0,
            rightPadding=0,
            topPadding=0,
            bottomPadding=0,
            id="body",
        )
        if info.plain:
            document.addPageTemplates([PageTemplate(id="page", frames=[frame])])
            document.build(list(story), canvasmaker=Canvas)
            return
        document.addPageTemplates(
            [PageTemplate(id="page", frames=[frame], onPage=_frame_decorations(info))]
        )
        document.build(list(story), canvasmaker=_NumberedCanvas)
