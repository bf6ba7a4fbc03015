"""The site-card sheet: a site's fingerprint on paper, for reading aloud over the phone.

Unlike the recovery sheet it holds nothing secret; it lets the other site check
that the site card it imported really is this site's.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

from reportlab.graphics.barcode.qr import QrCodeWidget
from reportlab.graphics.shapes import Drawing
from reportlab.lib.enums import TA_CENTER
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import Flowable, KeepTogether, Paragraph, Spacer, Table, TableStyle

from lt_desktop.documents.template import (
    INK,
    MONO,
    MUTED,
    RULE,
    SANS,
    SANS_BOLD,
    TINT,
    DocumentInfo,
    PaperSize,
    build_pdf,
    styles,
)
from lt_desktop.sync.identity import PeerKeys, parse_fingerprint

_GROUPS_PER_ROW = 4
_QR_SIZE = 44 * mm


def write_site_card_sheet(
    target: Path,
    peer: PeerKeys,
    fingerprint: str,
    *,
    made_on: date | None = None,
    paper: PaperSize = PaperSize.A4,
) -> None:
    """Write the sheet for ``peer`` (usually this site) with its ``fingerprint``."""
    groups = parse_fingerprint(fingerprint).split()
    style = styles()
    heading = ParagraphStyle("sheet-heading", parent=style["heading"], spaceBefore=9)
    story: list[Flowable] = [
        Paragraph("Site card", style["title"]),
        Paragraph(
            f"<b>{_escape(peer.name)}</b> · {peer.kind.label.lower()} site",
            style["subtitle"],
        ),
        Paragraph(
            "Before two sites exchange data, someone at each site checks that the site card "
            "they imported really came from the other. A card could be swapped on its way; "
            "its fingerprint cannot be matched by a forged one.",
            style["body"],
        ),
        Spacer(1, 6 * mm),
        _fingerprint_block(groups),
        Paragraph("Comparing over the phone", heading),
        _steps(
            [
                "Import the other site’s card in LT Desktop. It shows that card’s "
                "fingerprint: twelve groups of five digits.",
                "Phone the other site on a number you already had for them, not one that "
                "arrived with the card.",
                "Ask them to read their fingerprint from their own sheet, one group at a "
                "time, while you tick each group off against your screen. Then read this "
                "sheet to them the same way.",
                "If all twelve groups match, confirm the card in LT Desktop. If any digit "
                "differs, do not confirm it: tell your LT Desktop administrator and ask the "
                "other site for a new card.",
            ]
        ),
        Paragraph("This site", heading),
        _details(peer),
        Spacer(1, 3 * mm),
        Paragraph(
            "This sheet holds no secrets and may be posted or pinned up. If the site’s keys "
            "are ever replaced, print a new sheet and destroy this one.",
            style["small"],
        ),
        Spacer(1, 4 * mm),
        KeepTogether(_signature_block()),
    ]
    build_pdf(
        target,
        DocumentInfo(title="Site card", partnership=peer.name, made_on=made_on, paper=paper),
        story,
    )


def _fingerprint_block(groups: list[str]) -> Table:
    digit_style = ParagraphStyle(
        "fingerprint", fontName=MONO, fontSize=21, leading=24, alignment=TA_CENTER, textColor=INK
    )
    cells = [
        Paragraph(
            f"<font name='{SANS}' size='7' color='#5b6675'>{n}</font><br/>{group}", digit_style
        )
        for n, group in enumerate(groups, start=1)
    ]
    rows = [cells[start : start + _GROUPS_PER_ROW] for start in range(0, len(cells), 4)]
    grid = Table(rows, colWidths=[29 * mm] * _GROUPS_PER_ROW, hAlign="LEFT")
    grid.setStyle(
        TableStyle(
            [
                ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
                ("TOPPADDING", (0, 0), (-1, -1), 4),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 7),
                ("BOX", (0, 0), (-1, -1), 1.2, INK),
                ("INNERGRID", (0, 0), (-1, -1), 0.5, RULE),
                ("BACKGROUND", (0, 0), (-1, -1), TINT),
            ]
        )
    )
    qr = QrCodeWidget("".join(groups), barWidth=_QR_SIZE, barHeight=_QR_SIZE, barLevel="M")
    drawing = Drawing(_QR_SIZE, _QR_SIZE)
    drawing.add(qr)
    caption = Paragraph(
        "The same 60 digits, for checking with a scanner instead of by voice.",
        ParagraphStyle("caption", parent=styles()["small"], alignment=TA_CENTER),
    )
    block = Table([[grid, drawing], ["", caption]], colWidths=[None, _QR_SIZE], hAlign="LEFT")
    block.setStyle(
        TableStyle(
            [
                ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
                ("SPAN", (0, 0), (0, 1)),
                ("LEFTPADDING", (0, 0), (-1, -1), 0),
                ("RIGHTPADDING", (0, 0), (-1, -1), 0),
                ("TOPPADDING", (0, 0), (-1, -1), 0),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 0),
            ]
        )
    )
    return block


def _steps(lines: list[str]) -> Table:
    body = styles()["body"]
    number_style = ParagraphStyle("step", parent=body, fontName=SANS_BOLD)
    table = Table(
        [
            [Paragraph(f"{n}.", number_style), Paragraph(line, body)]
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
                ("BOTTOMPADDING", (0, 0), (-1, -1), 2),
            ]
        )
    )
    return table


def _details(peer: PeerKeys) -> Table:
    # One leading for all three, so labels and values share a baseline.
    label = ParagraphStyle(
        "label", parent=styles()["body"], fontSize=9, leading=13, textColor=MUTED
    )
    value = ParagraphStyle("value", parent=styles()["body"], fontSize=9.5, leading=13)
    key = ParagraphStyle("key", parent=value, fontName=MONO, fontSize=8, leading=13)
    rows = [("Site id", Paragraph(str(peer.site_id), key))]
    if peer.created_at is not None:
        rows.append(("Keys made", Paragraph(f"{peer.created_at:%d %B %Y}", value)))
    rows += [
        ("Signing key", Paragraph(peer.signing_key.hex(), key)),
        ("Encryption key", Paragraph(peer.encryption_key.hex(), key)),
    ]
    table = Table(
        [[Paragraph(name, label), content] for name, content in rows],
        colWidths=[32 * mm, None],
        hAlign="LEFT",
    )
    table.setStyle(
        TableStyle(
            [
                ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
                ("LEFTPADDING", (0, 0), (-1, -1), 0),
                ("TOPPADDING", (0, 0), (-1, -1), 2),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 2),
                ("LINEBELOW", (0, 0), (-1, -2), 0.3, RULE),
            ]
        )
    )
    return table


def _signature_block() -> Table:
    table = Table(
        [["Compared by", "With (name at the other site)", "Date"], ["", "", ""]],
        colWidths=[60 * mm, 60 * mm, 34 * mm],
        rowHeights=[6 * mm, 10 * mm],
        hAlign="LEFT",
    )
    table.setStyle(
        TableStyle(
            [
                ("FONT", (0, 0), (-1, 0), SANS, 8),
                ("LEFTPADDING", (0, 0), (-1, -1), 0),
                ("TEXTCOLOR", (0, 0), (-1, 0), INK),
                ("LINEBELOW", (0, 1), (-1, 1), 0.6, RULE),
            ]
        )
    )
    return table


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
