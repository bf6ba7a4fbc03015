"""Graduation on paper: the guest list for the prison gate, and the programme booklet.

The guest list is the prison's own working document: visitors in the order the gate
needs them (cleared first, by family name), each with the student who invited them,
their clearance and a box to tick on arrival. It holds no prison numbers. It marks
NO PHOTOS beside every visitor who asked not to be photographed and every student
who has not consented to it, and lists the graduates not to be photographed.

The booklet comes in two copies. The copy for guests is handed to every guest, so it
lists the graduates by name only. The copy for staff carries the same programme, says
it is for staff, and marks the graduates not to be photographed.
"""

from __future__ import annotations

from pathlib import Path

from reportlab.lib.enums import TA_CENTER
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import Flowable, KeepTogether, Paragraph, Spacer, Table, TableStyle

from lt_desktop.core.services.documents.graduation_lists import (
    CLEARANCE_ORDER,
    EventInfo,
    GraduationProgramme,
    GuestList,
)
from lt_desktop.documents.parts import (
    TickBox,
    escaped,
    facts,
    long_date,
    short_date,
    signature_lines,
)
from lt_desktop.documents.template import (
    INK,
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
from lt_desktop.domain.vocabulary import ClearanceStatus

#: The mark beside anyone not to be photographed: words, so it reads in black and white.
NO_PHOTOS = "NO PHOTOS"
_MARK = f'<font name="{SANS_BOLD}" size="7">{NO_PHOTOS}</font>'

_SECTION = {
    ClearanceStatus.CLEARED: "Cleared to attend",
    ClearanceStatus.SUBMITTED: "Awaiting clearance: not to be admitted unless cleared",
    ClearanceStatus.NOT_SUBMITTED: "Not yet submitted for clearance: not to be admitted",
    ClearanceStatus.REFUSED: "Refused: not to be admitted",
}


def _family_first(name: str) -> str:
    words = name.split()
    if len(words) < 2:
        return name
    return f"{words[-1]}, {' '.join(words[:-1])}"


# -- the guest list --------------------------------------------------------------------


def write_guest_list(target: Path, guests: GuestList, *, paper: PaperSize = PaperSize.A4) -> None:
    style = styles()
    event = guests.event
    counts = guests.counts()
    summary = ", ".join(
        f"{counts[status]} {status.label.lower()}" for status in CLEARANCE_ORDER if counts[status]
    )
    story: list[Flowable] = [
        Paragraph("Graduation guest list", style["title"]),
        Paragraph(escaped(event.title), style["subtitle"]),
        facts(_event_facts(event) + [("Guests", f"{len(guests.guests)} ({summary or 'none'})")]),
        Spacer(1, 3 * mm),
        Paragraph(
            "Visitors are listed by family name. Tick each one in on arrival; only those "
            "cleared by the prison may be admitted.",
            style["small"],
        ),
        Paragraph(
            f"<b>{NO_PHOTOS}</b> marks a visitor who asked not to be photographed, and a "
            "student who has not consented to photographs at the graduation. Tell the "
            "photographer before the ceremony.",
            style["small"],
        ),
    ]
    if not guests.guests:
        story.append(Paragraph("No guests have been added yet.", style["body"]))
    for status in CLEARANCE_ORDER:
        group = [g for g in guests.guests if g.clearance is status]
        if not group:
            continue
        cell = ParagraphStyle("guest-cell", parent=style["body"], fontSize=9, leading=11)
        rows: list[list[Flowable | str]] = [
            ["", "Visitor", "Relationship", "Category", "Guest of", _decided(status), "Arrived"]
        ]
        for number, guest in enumerate(group, start=1):
            rows.append(
                [
                    str(number),
                    Paragraph(
                        f"<b>{escaped(_family_first(guest.name))}</b>"
                        + (f"<br/>{_MARK}" if guest.no_photos else ""),
                        cell,
                    ),
                    Paragraph(escaped(guest.relationship), cell),
                    Paragraph(guest.category.label, cell),
                    Paragraph(
                        escaped(guest.guest_of)
                        + (f"<br/>{_MARK}" if guest.guest_of_no_photos else ""),
                        cell,
                    ),
                    _decision_date(guest.decided_on, guest.submitted_on, status),
                    TickBox() if status is ClearanceStatus.CLEARED else "",
                ]
            )
        table = Table(
            rows,
            colWidths=[8 * mm, 42 * mm, 24 * mm, 25 * mm, 36 * mm, 23 * mm, 16 * mm],
            repeatRows=1,
            hAlign="LEFT",
        )
        table.setStyle(
            TableStyle(
                [
                    ("FONT", (0, 0), (-1, 0), SANS_BOLD, 8),
                    ("FONT", (0, 1), (-1, -1), SANS, 9),
                    ("TEXTCOLOR", (0, 0), (-1, -1), INK),
                    ("TEXTCOLOR", (0, 1), (0, -1), MUTED),
                    ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
                    ("ALIGN", (-1, 0), (-1, -1), "CENTER"),
                    ("LEFTPADDING", (0, 0), (0, -1), 0),
                    ("TOPPADDING", (0, 1), (-1, -1), 3.5),
                    ("BOTTOMPADDING", (0, 1), (-1, -1), 3.5),
                    ("LINEBELOW", (0, 0), (-1, 0), 0.8, INK),
                    ("LINEBELOW", (0, 1), (-1, -1), 0.3, RULE),
                ]
            )
        )
        # The heading goes with the first rows of its table, never alone at a page's foot.
        story.append(
            KeepTogether([Paragraph(f"{_SECTION[status]} ({len(group)})", style["heading"]), table])
        )
    story.append(
        KeepTogether(
            [
                Paragraph(
                    f"Graduates not to be photographed ({len(guests.not_photographed)})",
                    style["heading"],
                ),
                _names(guests.not_photographed)
                if guests.not_photographed
                else Paragraph(
                    "Every graduate has consented to photographs at the graduation.",
                    style["body"],
                ),
            ]
        )
    )
    story += [
        Spacer(1, 10 * mm),
        KeepTogether(
            signature_lines(["Checked at the gate by", "Name", "Date"], [62 * mm, 62 * mm, 28 * mm])
        ),
    ]
    build_pdf(
        target,
        DocumentInfo(
            title="Graduation guest list", partnership=event.partnership_name, paper=paper
        ),
        story,
    )


def _event_facts(event: EventInfo) -> list[tuple[str, str]]:
    rows = [("Date", long_date(event.held_on))]
    if event.venue:
        rows.append(("Venue", escaped(event.venue)))
    for cohort in event.cohorts:
        rows.append(("Course", escaped(cohort.title)))
    rows.append(("Capacity", str(event.capacity)))
    if event.guest_deadline:
        rows.append(("Names due by", short_date(event.guest_deadline)))
    return rows


def _decided(status: ClearanceStatus) -> str:
    if status is ClearanceStatus.CLEARED:
        return "Cleared on"
    if status is ClearanceStatus.REFUSED:
        return "Refused on"
    return "Submitted on"


def _decision_date(decided: object, submitted: object, status: ClearanceStatus) -> str:
    day = decided if status in (ClearanceStatus.CLEARED, ClearanceStatus.REFUSED) else submitted
    return f"{day:%d %b %Y}" if day else ""


# -- the programme booklet -------------------------------------------------------------


def write_programme(
    target: Path, programme: GraduationProgramme, *, paper: PaperSize = PaperSize.A4
) -> None:
    event = programme.event
    body = styles()["body"]
    centred = ParagraphStyle("programme-centre", parent=body, alignment=TA_CENTER)
    small_caps = ParagraphStyle(
        "programme-caps",
        parent=centred,
        fontSize=9,
        textColor=MUTED,
        leading=12,
    )
    title = ParagraphStyle(
        "programme-title", parent=centred, fontName=SERIF_BOLD, fontSize=26, leading=32
    )
    subtitle = ParagraphStyle(
        "programme-subtitle", parent=centred, fontName=SERIF, fontSize=13, leading=18
    )
    section = ParagraphStyle(
        "programme-section",
        parent=centred,
        fontName=SERIF,
        fontSize=15,
        leading=20,
        spaceBefore=6 * mm,
        spaceAfter=3 * mm,
    )
    courses = [escaped(c.title) for c in event.cohorts]
    named = f"{event.title}: programme for staff" if programme.for_staff else event.title
    info = DocumentInfo(title=named, partnership=event.partnership_name, paper=paper)
    story: list[Flowable] = []
    if programme.for_staff:
        story.append(_staff_band(programme, info.text_width))
    story += [
        Spacer(1, 6 * mm),
        Paragraph("L E A R N I N G &nbsp; T O G E T H E R", small_caps),
        Spacer(1, 4 * mm),
        Paragraph(escaped(event.title), title),
        Spacer(1, 2 * mm),
        Paragraph(long_date(event.held_on), subtitle),
    ]
    if event.venue:
        story.append(Paragraph(escaped(event.venue), subtitle))
    story += [
        Spacer(1, 3 * mm),
        Paragraph(escaped(event.partnership_name), ParagraphStyle("p", parent=centred)),
        Paragraph("<br/>".join(courses), ParagraphStyle("c", parent=centred, textColor=MUTED)),
        _rule(),
        Paragraph("Programme", section),
        _programme_table(programme),
    ]
    if programme.graduates:
        story += [
            _rule(),
            Paragraph("Graduating students", section),
            _names(programme.graduates, programme.no_photos if programme.for_staff else ()),
        ]
    story += [
        Spacer(1, 10 * mm),
        Paragraph(
            "Congratulations to every graduate, and thank you to the families, friends, "
            "staff and volunteers who made this course what it was.",
            ParagraphStyle("closing", parent=centred, fontName=SERIF, fontSize=10.5),
        ),
    ]
    build_pdf(target, info, story)


def _staff_band(programme: GraduationProgramme, width: float) -> Table:
    """What says, at the top of the staff's copy, that it is not for guests, and who is
    not to be photographed."""
    style = styles()
    marked = len(programme.not_photographed)
    who = (
        f"{marked} of the {len(programme.graduates)} graduates "
        f"{'has' if marked == 1 else 'have'} not consented to being photographed: each is "
        f"marked {NO_PHOTOS} below. Tell the photographer before the ceremony."
        if marked
        else "Every graduate has consented to being photographed."
    )
    table = Table(
        [
            [Paragraph("<b>Programme for staff: not to be handed to guests</b>", style["body"])],
            [Paragraph(who, style["small"])],
        ],
        colWidths=[width],
    )
    table.setStyle(
        TableStyle(
            [
                ("BOX", (0, 0), (-1, -1), 0.8, INK),
                ("LEFTPADDING", (0, 0), (-1, -1), 8),
                ("TOPPADDING", (0, 0), (-1, 0), 6),
                ("BOTTOMPADDING", (0, -1), (-1, -1), 6),
            ]
        )
    )
    return table


def _rule() -> Table:
    table = Table([[""]], colWidths=[40 * mm], rowHeights=[8 * mm])
    table.setStyle(TableStyle([("LINEBELOW", (0, 0), (-1, -1), 0.6, RULE)]))
    return table


def _programme_table(programme: GraduationProgramme) -> Table:
    body = styles()["body"]
    item = ParagraphStyle("programme-item", parent=body, fontSize=11, leading=14)
    who = ParagraphStyle("programme-who", parent=body, fontSize=9.5, leading=12, textColor=MUTED)
    rows = [
        [
            Paragraph(f"<b>{escaped(line.starts_at)}</b>", item),
            [Paragraph(escaped(line.title), item)]
            + ([Paragraph(escaped(line.who), who)] if line.who else []),
        ]
        for line in programme.items
    ]
    if not rows:
        rows = [["", Paragraph("The programme will follow.", item)]]
    table = Table(rows, colWidths=[22 * mm, 100 * mm])
    table.setStyle(
        TableStyle(
            [
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("TOPPADDING", (0, 0), (-1, -1), 4),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 4),
                ("LINEBELOW", (0, 0), (-1, -2), 0.3, TINT),
            ]
        )
    )
    return table


def _names(names: list[str], no_photos: tuple[bool, ...] = ()) -> Table:
    """Names in three columns; with ``no_photos``, those not to be photographed marked."""
    style = ParagraphStyle(
        "graduate", parent=styles()["body"], fontName=SERIF, fontSize=11, alignment=TA_CENTER
    )
    columns = 3
    per_column = -(-len(names) // columns)
    marks = list(no_photos) + [False] * (len(names) - len(no_photos))
    cells = [
        Paragraph(escaped(name) + (f"<br/>{_MARK}" if marked else ""), style)
        for name, marked in zip(names, marks, strict=True)
    ]
    rows = [
        [
            cells[column * per_column + row] if column * per_column + row < len(cells) else ""
            for column in range(columns)
        ]
        for row in range(per_column)
    ]
    table = Table(rows, colWidths=[55 * mm] * columns)
    table.setStyle(
        TableStyle(
            [
                ("TOPPADDING", (0, 0), (-1, -1), 1.5),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 1.5),
            ]
        )
    )
    return table
