"""The marking pack: everything a marker without LT Desktop needs to mark on paper.

Essays appear under their candidate number only. The pack carries no student's
name and nothing about where anyone is based; it is built from ``MarkingPack``,
which holds neither, and nothing is added here.
"""

from __future__ import annotations

import re
from io import BytesIO
from pathlib import Path
from xml.sax.saxutils import escape

from PIL import Image as PILImage
from PIL import ImageOps
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.lib.utils import ImageReader
from reportlab.platypus import (
    Flowable,
    PageBreak,
    Paragraph,
    Spacer,
    Table,
    TableStyle,
)
from reportlab.platypus.flowables import HRFlowable, SetPageTopFlowables

from lt_desktop.core.services.essays import MarkingPack, PackEssay, PackScan
from lt_desktop.documents.template import (
    INK,
    MONO,
    MUTED,
    RULE,
    SANS,
    SANS_BOLD,
    SERIF,
    SERIF_BOLD,
    TINT,
    DocumentInfo,
    PaperSize,
    build_pdf,
    styles,
)
from lt_desktop.domain.errors import ValidationError
from lt_desktop.domain.vocabulary import MarkPosition
from lt_desktop.storage.atomic import write_atomic
from lt_desktop.storage.output_paths import check_output_folder, check_output_path

TITLE = "Marking pack"
# Room on the right of the essay text for the marker's notes in the margin.
_NOTES_MARGIN = 38 * mm
_MARK_ROW_HEIGHT = 27 * mm
_CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_ORIENTATION_TAG = 0x0112


def write_marking_pack(target: Path, pack: MarkingPack, *, paper: PaperSize = PaperSize.A4) -> None:
    """Write ``pack`` as one PDF: a cover, each essay on its own pages, then the mark sheet."""
    if not pack.essays:
        raise ValidationError("There are no essays to put in this marking pack.")
    story: list[Flowable] = [*_cover(pack)]
    for essay in pack.essays:
        story += _essay(essay)
    story += _mark_sheet(pack)
    build_pdf(
        target,
        DocumentInfo(title=TITLE, partnership=pack.partnership_name, paper=paper),
        story,
    )


def write_pack_scans(folder: Path, pack: MarkingPack) -> list[Path]:
    """Save the PDF scans the pack points to (it cannot embed them) beside it, under the
    candidate-number names it prints, so they are printed together."""
    folder = check_output_folder(folder, store_root=None)
    written = []
    for essay in pack.essays:
        for scan in essay.scans:
            if not _is_image(scan):
                target = check_output_path(folder / scan.filename, store_root=None, force=True)
                write_atomic(target, scan.data, what="The scan")
                written.append(target)
    return written


# -- shared with the other essay documents -----------------------------------------------


def text_paragraphs(text: str, style: ParagraphStyle) -> list[Flowable]:
    """Typeset plain text as written: a blank line starts a new paragraph, and a single
    line break is kept, since writers use it for lists and quotations."""
    cleaned = _CONTROL_CHARACTERS.sub("", text.replace("\r\n", "\n").replace("\r", "\n"))
    cleaned = cleaned.replace("\t", "    ")
    blocks = re.split(r"\n\s*\n", cleaned.strip())
    return [
        Paragraph("<br/>".join(escape(line.strip()) for line in block.strip().split("\n")), style)
        for block in blocks
        if block.strip()
    ]


class RunningLine(Flowable):
    """A quiet line at the top of a page saying whose pages continue here, so a sheet
    that comes loose from the pile can be put back."""

    def __init__(self, text: str) -> None:
        super().__init__()
        self._text = text

    def wrap(self, available_width: float, available_height: float) -> tuple[float, float]:
        return available_width, 9 * mm

    def draw(self) -> None:
        self.canv.setFont(SANS, 8.5)
        self.canv.setFillColor(MUTED)
        self.canv.drawString(0, 6 * mm, self._text)


def escaped(text: str) -> str:
    return escape(text.strip())


# -- the cover ----------------------------------------------------------------------------


def _cover(pack: MarkingPack) -> list[Flowable]:
    style = styles()
    count = len(pack.essays)
    rows = [
        ("Course", pack.course_title),
        ("Cohort", pack.cohort_name),
        ("Partnership", pack.partnership_name),
    ]
    if pack.marker_name.strip():
        rows.append(("Marker", pack.marker_name))
    rows.append(("Essays", f"{count} essay{'s' if count != 1 else ''}"))
    story: list[Flowable] = [
        Paragraph(TITLE, style["title"]),
        Paragraph(f"Reflective essays · {escaped(pack.course_title)}", style["subtitle"]),
        _details(rows),
        Paragraph("How to mark", style["heading"]),
        _steps(
            [
                "Read each essay and give it a mark out of 100. The wide right-hand margin "
                "of each page is there for your notes.",
                "Write brief feedback for the writer: what works well, and one or two things "
                "to develop. Students read this feedback, so write it for them.",
                "Mark on your own. Each essay is marked twice, and neither marker sees the "
                "other’s mark until both are in. Please do not discuss essays or marks with "
                "anyone else.",
                "Essays are known by candidate number only. Do not try to find out who wrote "
                "an essay. If you think you recognise the writer, mark it as you would any "
                "other and tell the coordinator.",
                "Write your marks and comments on the mark sheet at the back of this pack, "
                "sign it, and return it to the coordinator by the date below.",
            ]
        ),
        Spacer(1, 5 * mm),
        _fill_in_line("Return the mark sheet by"),
    ]
    separate = [
        (essay.candidate_number, scan.filename)
        for essay in pack.essays
        for scan in essay.scans
        if not _is_image(scan)
    ]
    if separate:
        story += [
            Paragraph("Separate files to print with this pack", style["heading"]),
            Paragraph(
                "Some essays were scanned to PDF. Their pages are not in this file: print "
                "these and keep each with its essay.",
                style["body"],
            ),
            Spacer(1, 2 * mm),
            _file_list(separate),
        ]
    story += [
        Paragraph("Keeping the pack safe", style["heading"]),
        Paragraph(
            "These essays are personal writing. Keep the pack somewhere secure while you "
            "mark, do not copy or share it, and give the whole pack back to the coordinator "
            "with your mark sheet.",
            style["body"],
        ),
    ]
    return story


def _details(rows: list[tuple[str, str]]) -> Table:
    label = ParagraphStyle("label", parent=styles()["body"], textColor=MUTED)
    table = Table(
        [
            [Paragraph(name, label), Paragraph(escaped(value), styles()["body"])]
            for name, value in rows
        ],
        colWidths=[32 * mm, None],
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


def _steps(lines: list[str]) -> Table:
    body = styles()["body"]
    number = ParagraphStyle("step", parent=body, fontName=SANS_BOLD)
    table = Table(
        [
            [Paragraph(f"{n}.", number), Paragraph(line, body)]
            for n, line in enumerate(lines, start=1)
        ],
        colWidths=[7 * mm, None],
        hAlign="LEFT",
    )
    table.setStyle(
        TableStyle(
            [
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("LEFTPADDING", (0, 0), (-1, -1), 0),
                ("TOPPADDING", (0, 0), (-1, -1), 0),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 4),
            ]
        )
    )
    return table


def _fill_in_line(label: str) -> Table:
    table = Table([[label, ""]], colWidths=[52 * mm, 60 * mm], rowHeights=[9 * mm], hAlign="LEFT")
    table.setStyle(
        TableStyle(
            [
                ("FONT", (0, 0), (0, 0), SANS_BOLD, 10.5),
                ("TEXTCOLOR", (0, 0), (-1, -1), INK),
                ("VALIGN", (0, 0), (-1, -1), "BOTTOM"),
                ("LEFTPADDING", (0, 0), (-1, -1), 0),
                ("LINEBELOW", (1, 0), (1, 0), 0.8, INK),
            ]
        )
    )
    return table


def _file_list(files: list[tuple[str, str]]) -> Table:
    body = styles()["body"]
    mono = ParagraphStyle("file-number", parent=body, fontName=MONO, fontSize=10)
    table = Table(
        [
            [Paragraph(escaped(number), mono), Paragraph(escaped(name), body)]
            for number, name in files
        ],
        colWidths=[30 * mm, None],
        hAlign="LEFT",
    )
    table.setStyle(
        TableStyle(
            [
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("BACKGROUND", (0, 0), (-1, -1), TINT),
                ("TOPPADDING", (0, 0), (-1, -1), 3),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 4),
            ]
        )
    )
    return table


# -- the essays ---------------------------------------------------------------------------


def _essay(essay: PackEssay) -> list[Flowable]:
    style = styles()
    number_style = ParagraphStyle(
        "candidate", parent=style["body"], fontName=MONO, fontSize=30, leading=34, spaceAfter=2
    )
    label_style = ParagraphStyle("candidate-label", parent=style["small"], spaceAfter=8)
    title_style = ParagraphStyle(
        "essay-title", parent=style["body"], fontName=SERIF_BOLD, fontSize=15, leading=20
    )
    text_style = ParagraphStyle(
        "essay-text",
        parent=style["body"],
        fontName=SERIF,
        fontSize=11,
        leading=17,
        spaceAfter=9,
        rightIndent=_NOTES_MARGIN,
    )
    number = essay.candidate_number
    label = "Candidate number"
    if essay.position is not None:
        label += f" · you are the {_marker_label(essay.position).lower()} for this essay"
    images = [scan for scan in essay.scans if _is_image(scan)]
    documents = [scan for scan in essay.scans if not _is_image(scan)]
    story: list[Flowable] = [
        SetPageTopFlowables([]),
        PageBreak(),
        Paragraph(escape(number), number_style),
        Paragraph(label, label_style),
        Paragraph(escaped(essay.title) or "Untitled essay", title_style),
        Paragraph(_length_line(essay, len(images) + len(documents)), style["small"]),
        Spacer(1, 3 * mm),
        _rule(),
        Spacer(1, 5 * mm),
        SetPageTopFlowables([RunningLine(f"{number} · continued")]),
    ]
    for scan in documents:
        story += [_separate_file_note(scan), Spacer(1, 4 * mm)]
    paragraphs = text_paragraphs(essay.text, text_style)
    if paragraphs:
        story += paragraphs
    elif not essay.scans:
        story.append(
            Paragraph(
                "No text or scanned pages were recorded for this essay. Please tell the "
                "coordinator, quoting the candidate number.",
                style["body"],
            )
        )
    elif images:
        story.append(
            Paragraph("This essay was handed in on paper; its pages follow.", style["body"])
        )
    for index, scan in enumerate(images, start=1):
        story += _scan_page(number, index, len(images), scan)
    return story


def _marker_label(position: MarkPosition) -> str:
    return "First marker" if position is MarkPosition.FIRST else "Second marker"


def _length_line(essay: PackEssay, scans: int) -> str:
    parts = []
    if essay.text.strip():
        parts.append(f"{essay.word_count:,} word{'s' if essay.word_count != 1 else ''}")
    if scans:
        parts.append(f"{scans} scan{'s' if scans != 1 else ''}")
    return " · ".join(parts) or "Nothing recorded"


def _rule() -> Flowable:
    return HRFlowable(width="100%", thickness=0.6, color=RULE, spaceBefore=0, spaceAfter=0)


def _separate_file_note(scan: PackScan) -> Table:
    body = styles()["body"]
    note = Paragraph(
        f"This essay has scanned pages in a separate PDF file, <b>{escaped(scan.filename)}</b>. "
        "It must be printed and marked with this pack.",
        body,
    )
    table = Table([[note]], hAlign="LEFT")
    table.setStyle(
        TableStyle(
            [
                ("BACKGROUND", (0, 0), (-1, -1), TINT),
                ("LINEBEFORE", (0, 0), (0, -1), 2.5, INK),
                ("LEFTPADDING", (0, 0), (-1, -1), 8),
                ("TOPPADDING", (0, 0), (-1, -1), 6),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 7),
            ]
        )
    )
    return table


def _is_image(scan: PackScan) -> bool:
    return scan.media_type.startswith("image/")


def _scan_page(number: str, index: int, total: int, scan: PackScan) -> list[Flowable]:
    style = styles()
    caption = ParagraphStyle("scan-caption", parent=style["body"], fontName=SANS_BOLD, spaceAfter=6)
    story: list[Flowable] = [
        SetPageTopFlowables([]),
        PageBreak(),
        Paragraph(f"{escape(number)} · scanned page {index} of {total}", caption),
    ]
    picture = _picture(scan)
    if picture is None:
        story.append(
            Paragraph(
                "This scan could not be shown: the file may be damaged. Please ask the "
                "coordinator for a new copy, quoting the candidate number and page.",
                style["body"],
            )
        )
    else:
        story.append(_Scan(picture))
    return story


def _picture(scan: PackScan) -> ImageReader | None:
    """The scan ready to draw upright, or None when it cannot be read.

    Phone photos of handwritten pages often lie on their side with an orientation
    tag, which PDF ignores, so those are turned here. An upright JPEG goes in as it
    is, which keeps the pack small."""
    try:
        with PILImage.open(BytesIO(scan.data)) as opened:
            opened.load()
            orientation = opened.getexif().get(_ORIENTATION_TAG, 1)
            if opened.format == "JPEG" and orientation == 1 and opened.mode in ("RGB", "L"):
                return ImageReader(BytesIO(scan.data))
            upright = ImageOps.exif_transpose(opened)
            flat = _on_white(upright)
            if opened.format == "JPEG":
                buffer = BytesIO()
                flat.save(buffer, "JPEG", quality=90)
                return ImageReader(BytesIO(buffer.getvalue()))
            return ImageReader(flat)
    except (OSError, ValueError, SyntaxError, PILImage.DecompressionBombError):
        # One damaged scan must not stop the rest of the pack being printed.
        return None


def _on_white(image: PILImage.Image) -> PILImage.Image:
    if image.mode in ("RGB", "L"):
        return image
    if image.mode in ("RGBA", "LA", "PA") or "transparency" in image.info:
        rgba = image.convert("RGBA")
        background = PILImage.new("RGB", rgba.size, "white")
        background.paste(rgba, mask=rgba.getchannel("A"))
        return background
    return image.convert("RGB")


class _Scan(Flowable):
    """A scanned page as large as the space left on the page allows."""

    def __init__(self, picture: ImageReader) -> None:
        super().__init__()
        self._picture = picture
        self._pixels = picture.getSize()
        self._size = (0.0, 0.0)
        self._room = 0.0

    def wrap(self, available_width: float, available_height: float) -> tuple[float, float]:
        pixels_wide, pixels_high = self._pixels
        # A point short of the space left, so rounding never pushes it to a page of its own.
        scale = min(available_width / pixels_wide, (available_height - 1) / pixels_high)
        self._size = (pixels_wide * scale, pixels_high * scale)
        self._room = available_width
        return available_width, self._size[1]

    def draw(self) -> None:
        width, height = self._size
        left = (self._room - width) / 2
        self.canv.drawImage(self._picture, left, 0, width, height)
        self.canv.setStrokeColor(RULE)
        self.canv.setLineWidth(0.5)
        self.canv.rect(left, 0, width, height)


# -- the mark sheet -----------------------------------------------------------------------


def _mark_sheet(pack: MarkingPack) -> list[Flowable]:
    style = styles()
    marker = pack.marker_name.strip()
    story: list[Flowable] = [
        SetPageTopFlowables([]),
        PageBreak(),
        Paragraph("Mark sheet", style["title"]),
        Paragraph(f"{escaped(pack.course_title)} · {escaped(pack.cohort_name)}", style["subtitle"]),
        SetPageTopFlowables([RunningLine("Mark sheet · continued")]),
    ]
    if marker:
        story.append(Paragraph(f"Marker: <b>{escaped(marker)}</b>", style["body"]))
    else:
        story.append(_fill_in_line("Marker’s name"))
    # Signing comes before the table, so however long the table runs it never leaves
    # the signature lines alone on a last page.
    story += [
        Spacer(1, 2 * mm),
        _signature_block(),
        Spacer(1, 5 * mm),
        Paragraph(
            "Give each essay a mark out of 100 and a brief comment for the writer. If you "
            "need more room, continue on the back, beside the candidate number. Return "
            "this sheet, with the pack, to the coordinator.",
            style["body"],
        ),
    ]
    if any(essay.position is None for essay in pack.essays):
        story.append(
            Paragraph(
                "Where a row shows “first / second”, circle the mark you are giving.",
                style["body"],
            )
        )
    story += [Spacer(1, 4 * mm), _mark_table(pack.essays)]
    return story


def _mark_table(essays: list[PackEssay]) -> Table:
    body = styles()["body"]
    head = ParagraphStyle("sheet-head", parent=body, fontName=SANS_BOLD, fontSize=9, leading=11)
    number = ParagraphStyle("sheet-number", parent=body, fontName=MONO, fontSize=11.5)
    position = ParagraphStyle("sheet-position", parent=body, fontSize=9.5, leading=12)
    loose = ParagraphStyle("sheet-either", parent=position, textColor=MUTED)
    rows: list[list[object]] = [
        [
            Paragraph("Candidate", head),
            Paragraph("Marking as", head),
            Paragraph("Mark", head),
            Paragraph("Comments for the writer", head),
        ]
    ]
    for essay in essays:
        rows.append(
            [
                Paragraph(escape(essay.candidate_number), number),
                Paragraph(_marker_label(essay.position), position)
                if essay.position is not None
                else Paragraph("first / second", loose),
                _MarkBox(),
                _WritingLines(4),
            ]
        )
    table = Table(
        rows,
        colWidths=[30 * mm, 30 * mm, 26 * mm, None],
        rowHeights=[None] + [_MARK_ROW_HEIGHT] * len(essays),
        repeatRows=1,
    )
    table.setStyle(
        TableStyle(
            [
                ("VALIGN", (0, 0), (-1, 0), "BOTTOM"),
                ("VALIGN", (0, 1), (-1, -1), "TOP"),
                ("BACKGROUND", (0, 0), (-1, 0), TINT),
                ("LINEBELOW", (0, 0), (-1, 0), 1, INK),
                ("LINEBELOW", (0, 1), (-1, -1), 0.5, RULE),
                ("LINEAFTER", (0, 0), (-2, -1), 0.3, RULE),
                ("BOX", (0, 0), (-1, -1), 0.8, INK),
                ("TOPPADDING", (0, 0), (-1, 0), 5),
                ("BOTTOMPADDING", (0, 0), (-1, 0), 5),
                ("TOPPADDING", (0, 1), (-1, -1), 6),
            ]
        )
    )
    return table


class _MarkBox(Flowable):
    """A box to write the mark in, with its scale beside it."""

    _SIDE = 12 * mm

    def wrap(self, available_width: float, available_height: float) -> tuple[float, float]:
        return available_width, self._SIDE

    def draw(self) -> None:
        self.canv.setStrokeColor(INK)
        self.canv.setLineWidth(0.8)
        self.canv.rect(0, 0, self._SIDE, self._SIDE)
        self.canv.setFont(SANS, 9)
        self.canv.setFillColor(MUTED)
        self.canv.drawString(self._SIDE + 2 * mm, 1.5 * mm, "/ 100")


class _WritingLines(Flowable):
    """Ruled lines to write on, as many as the row holds."""

    _GAP = 5.6 * mm

    def __init__(self, count: int) -> None:
        super().__init__()
        self._count = count
        self._width = 0.0

    def wrap(self, available_width: float, available_height: float) -> tuple[float, float]:
        self._width = available_width
        return available_width, self._count * self._GAP

    def draw(self) -> None:
        self.canv.setStrokeColor(RULE)
        self.canv.setLineWidth(0.4)
        for n in range(self._count):
            self.canv.line(0, n * self._GAP, self._width, n * self._GAP)


def _signature_block() -> Table:
    table = Table(
        [["Signed", "", "Date"], ["", "", ""]],
        colWidths=[90 * mm, 10 * mm, 45 * mm],
        rowHeights=[6 * mm, 10 * mm],
        hAlign="LEFT",
    )
    table.setStyle(
        TableStyle(
            [
                ("FONT", (0, 0), (-1, 0), SANS, 8.5),
                ("TEXTCOLOR", (0, 0), (-1, 0), MUTED),
                ("LEFTPADDING", (0, 0), (-1, -1), 0),
                ("LINEBELOW", (0, 1), (0, 1), 0.8, INK),
                ("LINEBELOW", (2, 1), (2, 1), 0.8, INK),
            ]
        )
    )
    return table
