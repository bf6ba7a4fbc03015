"""The recovery-key sheet: printed once at set-up and locked away."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import Paragraph, Spacer, Table, TableStyle

from lt_desktop.documents.template import (
    INK,
    MONO,
    RULE,
    TINT,
    DocumentInfo,
    PaperSize,
    build_pdf,
    styles,
)


def write_recovery_sheet(
    target: Path,
    *,
    site_name: str,
    recovery_key: str,
    made_on: date | None = None,
    paper: PaperSize = PaperSize.A4,
) -> None:
    style = styles()
    key_style = ParagraphStyle(
        "key", fontName=MONO, fontSize=18, leading=22, alignment=1, textColor=INK
    )
    cells = [
        Paragraph(f"<font name='LTSans' size='7' color='#5b6675'>{n}</font><br/>{group}", key_style)
        for n, group in enumerate(recovery_key.split("-"), start=1)
    ]
    key_table = Table([cells[:4], cells[4:]], colWidths=[40 * mm] * 4)
    key_table.setStyle(
        TableStyle(
            [
                ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
                ("TOPPADDING", (0, 0), (-1, -1), 5),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 9),
                ("BOX", (0, 0), (-1, -1), 1.2, INK),
                ("INNERGRID", (0, 0), (-1, -1), 0.5, RULE),
                ("BACKGROUND", (0, 0), (-1, -1), TINT),
            ]
        )
    )
    story = [
        Paragraph("Recovery key", style["title"]),
        Paragraph(f"For the LT Desktop store of <b>{_escape(site_name)}</b>", style["subtitle"]),
        Paragraph(
            "This key can open the store and set a new password for any account when a "
            "password is forgotten. Anyone who holds it can read everything in the store. "
            "Keep this sheet locked away, in the same way as the prison's other keys and "
            "codes, and never photograph or email it.",
            style["body"],
        ),
        Spacer(1, 8 * mm),
        key_table,
        Spacer(1, 8 * mm),
        Paragraph("Using it", style["heading"]),
        Paragraph(
            "On the sign-in screen choose <b>Forgot password</b>, or run "
            "<font face='LTMono'>lt-desktop recover --user NAME</font>. Type the eight groups "
            "in order; capitals, spaces and dashes do not matter, and a mistyped group is "
            "pointed out before anything else happens.",
            style["body"],
        ),
        Paragraph("If the key is lost or seen by someone else", style["heading"]),
        Paragraph(
            "An administrator can make a new recovery key under Administration, Security. "
            "The old key stops working at once. Print the new sheet and destroy this one.",
            style["body"],
        ),
        Spacer(1, 14 * mm),
        _signature_block(),
    ]
    build_pdf(
        target,
        DocumentInfo(title="Recovery key", partnership=site_name, made_on=made_on, paper=paper),
        story,
    )


def _signature_block() -> Table:
    table = Table(
        [["Stored by", "Where", "Date"], ["", "", ""]],
        colWidths=[60 * mm, 60 * mm, 34 * mm],
        rowHeights=[6 * mm, 14 * mm],
        hAlign="LEFT",
    )
    table.setStyle(
        TableStyle(
            [
                ("FONT", (0, 0), (-1, 0), "LTSans", 8),
                ("TEXTCOLOR", (0, 0), (-1, 0), INK),
                ("LINEBELOW", (0, 1), (-1, 1), 0.6, RULE),
            ]
        )
    )
    return table


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
