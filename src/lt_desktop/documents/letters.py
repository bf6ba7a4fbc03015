"""Letters about an application: an offer of a place, a place on the waiting list, or a
kind no. One letter a page; a run of them for a cohort prints as one PDF.

Everyone applies the same way and is written to in the same words. A letter names the
person, the course and its dates, and nothing about where anyone is based, but for
the address it is sent to: a letter to someone in prison is addressed as the prison's
mail needs it (``ApplicationLetter.address``). It is headed with the partnership's
logo and return address where it has them, and carries nothing else of the software:
no footer, page number or date made.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from io import BytesIO
from pathlib import Path

from reportlab.lib.enums import TA_RIGHT
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import (
    Flowable,
    Image,
    KeepTogether,
    PageBreak,
    Paragraph,
    Spacer,
    Table,
    TableStyle,
)

from lt_desktop.core.services.applications import ApplicationLetter
from lt_desktop.core.services.stationery import Logo
from lt_desktop.documents.marking_pack import escaped, text_paragraphs
from lt_desktop.documents.template import (
    MUTED,
    RULE,
    TINT,
    DocumentInfo,
    PaperSize,
    build_pdf,
    styles,
)
from lt_desktop.domain.errors import ValidationError
from lt_desktop.domain.vocabulary import ApplicationDecision

TITLES = {
    ApplicationDecision.OFFERED: "An offer of a place",
    ApplicationDecision.WAITING_LIST: "On the waiting list",
    ApplicationDecision.DECLINED: "About your application",
}


def write_letters(
    target: Path, letters: Sequence[ApplicationLetter], *, paper: PaperSize = PaperSize.A4
) -> None:
    """Write one letter a page, in the order given, into one PDF."""
    if not letters:
        raise ValidationError("There are no letters to print for that choice.")
    if any(letter.kind not in TITLES for letter in letters):
        raise ValidationError("Letters are written for offers, the waiting list and declines.")
    story: list[Flowable] = []
    for index, letter in enumerate(letters):
        if index:
            story.append(PageBreak())
        story += _letter(letter)
    kinds = {letter.kind for letter in letters}
    build_pdf(
        target,
        DocumentInfo(
            title=TITLES[kinds.pop()] if len(kinds) == 1 else "Letters about applications",
            paper=paper,
            plain=True,
        ),
        story,
    )


def letter_text(letter: ApplicationLetter) -> list[str]:
    """The letter's paragraphs, in plain words (no markup)."""
    course = f"{letter.course_title} ({letter.cohort_name})"
    if letter.written_on < letter.starts_on:
        runs = f"The course runs from {_day(letter.starts_on)} to {_day(letter.ends_on)}"
    else:
        runs = (
            f"The course began on {_day(letter.starts_on)} and runs until "
            f"{_day(letter.ends_on)}; we will help you catch up with what you missed"
        )
    if letter.kind is ApplicationDecision.OFFERED:
        reply = (
            f"Please let us know by {_day(letter.reply_by)} whether you would like to take up "
            "your place."
            if letter.reply_by
            else "Please let us know whether you would like to take up your place."
        )
        return [
            f"Thank you for applying to {course}. We read your application with real "
            "interest, and we are delighted to offer you a place.",
            f"{runs}. Each week there is a short lecture, then a "
            "discussion in a small group about the lecture and two readings. Towards the "
            "end everyone writes a reflective essay, and the course closes with a "
            "graduation to celebrate what you have done.",
            f"{reply} You can tell any member of the course team, or write to us. If "
            "anything would make it easier for you to take part, or you have a question "
            "about the course, please ask: we will be glad to help.",
            "We look forward to learning with you.",
        ]
    if letter.kind is ApplicationDecision.WAITING_LIST:
        return [
            f"Thank you for applying to {course}. We were glad to read your application.",
            "We had more applications than places, and every place has now been offered. "
            "We have put your name on the waiting list: if a place becomes free before the "
            f"course begins on {_day(letter.starts_on)}, we will offer it to you straight away.",
            "Being on the waiting list says nothing against you or your application. If a "
            "place does not come up this time, we would warmly welcome an application from "
            "you for a later course.",
            "If you would rather not stay on the waiting list, just let any member of the "
            "course team know.",
        ]
    if letter.kind is ApplicationDecision.DECLINED:
        return [
            f"Thank you for applying to {course}, and for the care you took in telling us "
            "why you would like to take part.",
            "We are sorry that we cannot offer you a place on this course. "
            + letter.reason.strip(),
            "This is not a judgement on you, and it need not be the end of the road. We run "
            "courses regularly and would be glad to read an application from you for a later "
            "one. If you would like to talk about your application, or about other ways to "
            "keep learning, please speak to any member of the course team.",
        ]
    raise ValidationError("Letters are written for offers, the waiting list and declines.")


def _letter(letter: ApplicationLetter) -> list[Flowable]:
    style = styles()
    body = ParagraphStyle("letter-body", parent=style["body"], fontSize=11, leading=16.5)
    paragraph = ParagraphStyle("letter-paragraph", parent=body, spaceAfter=9)
    story: list[Flowable] = [
        *_letterhead(letter),
        _addressed(letter, body),
        Spacer(1, 8 * mm),
        Paragraph(escaped(TITLES[letter.kind]), style["title"]),
        Spacer(1, 4 * mm),
        Paragraph(f"Dear {escaped(letter.first_name)},", paragraph),
    ]
    for text in letter_text(letter):
        story += text_paragraphs(text, paragraph)
    story += [Spacer(1, 3 * mm), _facts(letter), Spacer(1, 9 * mm)]
    story.append(
        KeepTogether(
            [
                Paragraph("With warm wishes,", body),
                Spacer(1, 12 * mm),
                Paragraph(escaped(letter.signed_by), body),
                Paragraph(
                    f"for the Learning Together team, {escaped(letter.partnership_name)}",
                    ParagraphStyle("letter-team", parent=body, textColor=MUTED),
                ),
            ]
        )
    )
    return story


#: The box a logo is fitted into at the head of a letter, keeping its shape.
LOGO_BOX = (55 * mm, 18 * mm)


def _letterhead(letter: ApplicationLetter) -> list[Flowable]:
    """The partnership's logo on the left and its return address on the right, where
    it has them."""
    if letter.logo is None and not letter.return_address:
        return []
    small = styles()["small"]
    address = ParagraphStyle("letter-return", parent=small, alignment=TA_RIGHT, leading=11)
    cells: list[Flowable | str] = [
        _logo(letter.logo) if letter.logo is not None else "",
        Paragraph("<br/>".join(escaped(line) for line in letter.return_address), address),
    ]
    table = Table([cells], colWidths=[LOGO_BOX[0] + 4 * mm, None])
    table.setStyle(
        TableStyle(
            [
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("LEFTPADDING", (0, 0), (-1, -1), 0),
                ("RIGHTPADDING", (0, 0), (-1, -1), 0),
                ("TOPPADDING", (0, 0), (-1, -1), 0),
            ]
        )
    )
    return [table, Spacer(1, 10 * mm)]


def _logo(logo: Logo) -> Image:
    width, height = LOGO_BOX
    scale = min(width / logo.width, height / logo.height)
    picture = Image(BytesIO(logo.data), logo.width * scale, logo.height * scale)
    picture.hAlign = "LEFT"
    return picture


def _addressed(letter: ApplicationLetter, body: ParagraphStyle) -> Table:
    """Who the letter is to, on the left (as an envelope's window shows it), and the
    date it was written on the right."""
    to = Paragraph("<br/>".join(escaped(line) for line in letter.address), body)
    dated = ParagraphStyle("letter-date", parent=body, alignment=TA_RIGHT, textColor=MUTED)
    table = Table([[to, Paragraph(_day(letter.written_on), dated)]], colWidths=[95 * mm, None])
    table.setStyle(
        TableStyle(
            [
                ("VALIGN", (0, 0), (0, 0), "TOP"),
                ("VALIGN", (1, 0), (1, 0), "BOTTOM"),
                ("LEFTPADDING", (0, 0), (-1, -1), 0),
                ("RIGHTPADDING", (0, 0), (-1, -1), 0),
            ]
        )
    )
    return table


def _facts(letter: ApplicationLetter) -> Table:
    body = styles()["body"]
    label = ParagraphStyle("letter-label", parent=body, textColor=MUTED)
    rows = [
        ("For", letter.name),
        ("Course", f"{letter.course_title}, {letter.cohort_name}"),
        ("Dates", f"{_day(letter.starts_on)} to {_day(letter.ends_on)}"),
    ]
    if letter.kind is ApplicationDecision.OFFERED and letter.reply_by:
        rows.append(("Please reply by", _day(letter.reply_by)))
    table = Table(
        [[Paragraph(name, label), Paragraph(escaped(value), body)] for name, value in rows],
        colWidths=[34 * mm, None],
        hAlign="LEFT",
    )
    table.setStyle(
        TableStyle(
            [
                ("BACKGROUND", (0, 0), (-1, -1), TINT),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("LEFTPADDING", (0, 0), (-1, -1), 8),
                ("TOPPADDING", (0, 0), (-1, -1), 4),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 4),
                ("LINEBELOW", (0, 0), (-1, -2), 0.3, RULE),
            ]
        )
    )
    return table


def _day(day: date | None) -> str:
    return "" if day is None else f"{day:%A} {day.day} {day:%B %Y}"
