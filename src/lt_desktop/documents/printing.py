"""Each document made one way, for the app's Documents screen and for ``lt-desktop print``
and ``lt-desktop csv`` alike: gathered through ``workspace.documents`` (which checks
permission and never reads prison-only details), written to the file chosen, and
summed up in the words both say to the person who asked.

The callers only turn what was chosen (on screen, or named on the command line) into
ids. The renderers are imported when a document is made, so neither the app nor the
command line loads reportlab until something is printed.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from lt_desktop.core.services.documents.csv_exports import CsvKind
from lt_desktop.domain.vocabulary import ClearanceStatus, week_in_words
from lt_desktop.domain.wording import counted

if TYPE_CHECKING:
    from lt_desktop.core.workspace import Workspace
    from lt_desktop.documents.template import PaperSize

#: What each list holds, in words.
LIST_WORDS = {
    CsvKind.PEOPLE: "people",
    CsvKind.MEMBERSHIPS: "memberships",
    CsvKind.ATTENDANCE: "attendance marks",
}


@dataclass(frozen=True)
class Saved:
    """What making a document wrote."""

    target: Path
    #: How many it holds: certificates (one a page), people expected or listed, cohorts,
    #: guests, graduates or rows; a cohort report counts as one.
    items: int
    #: What to tell the person who asked for it.
    message: str


def save_certificates(
    ws: Workspace,
    cohort_id: uuid.UUID,
    target: Path,
    *,
    paper: PaperSize,
    issued_on: date | None = None,
    only_present: bool = False,
) -> Saved:
    """Issue the cohort's certificates (a re-print keeps each serial) and write them:
    for every student who completed it, or ``only_present`` at its graduation."""
    from lt_desktop.documents.certificates import write_certificates

    batch = ws.documents.issue_certificates(
        cohort_id, issued_on=issued_on, only_present=only_present
    )
    write_certificates(target, batch.certificates, paper=paper)
    serials = sorted(c.serial for c in batch.certificates)
    new = len(batch.newly_issued)
    whose = " present at the graduation" if only_present else ""
    return Saved(
        target,
        len(serials),
        f"Saved {counted(len(serials), 'certificate')} for {batch.heading.title}{whose} to "
        f"{target}. Serial numbers {serials[0]} to {serials[-1]}: {new} newly issued, "
        f"{len(serials) - new} printed again with the number first given.",
    )


def save_register(ws: Workspace, session_id: uuid.UUID, target: Path, *, paper: PaperSize) -> Saved:
    from lt_desktop.documents.registers import write_register_sheet

    sheet = ws.documents.register_sheet(session_id)
    write_register_sheet(target, sheet, paper=paper)
    if sheet.cancelled:
        return Saved(
            target,
            0,
            f"{week_in_words(sheet.week).capitalize()} of {sheet.heading.title} was cancelled "
            f"({sheet.cancelled}): "
            f"saved a page saying so, not a register, to {target}.",
        )
    return Saved(
        target,
        sheet.expected,
        f"Saved the register for {week_in_words(sheet.week)} of {sheet.heading.title} "
        f"({counted(sheet.expected, 'person', 'people')} expected) to {target}.",
    )


def save_handout(ws: Workspace, session_id: uuid.UUID, target: Path, *, paper: PaperSize) -> Saved:
    """The session handout: the session, its readings with author and pages, and room for
    notes. A reading's PDF is saved on its own; the message names those to print with it."""
    from lt_desktop.documents.handout import write_handout

    handout = ws.documents.handout(session_id)
    write_handout(target, handout, paper=paper)
    pdfs = [r.pdf_filename for r in handout.attached]
    with_them = (
        f" Print the PDF{'s' if len(pdfs) > 1 else ''} of {counted(len(pdfs), 'reading')} with "
        f"it ({', '.join(pdfs)}): save {'them' if len(pdfs) > 1 else 'it'} from the session's "
        "readings under Sessions and register."
        if pdfs
        else ""
    )
    return Saved(
        target,
        len(handout.readings),
        f"Saved the handout for {week_in_words(handout.week)} of {handout.heading.title} "
        f"({counted(len(handout.readings), 'reading')}) to {target}.{with_them}",
    )


def save_attendance_summary(
    ws: Workspace, cohort_id: uuid.UUID, target: Path, *, paper: PaperSize
) -> Saved:
    from lt_desktop.documents.registers import write_attendance_summary

    summary = ws.documents.attendance_summary(cohort_id)
    write_attendance_summary(target, summary, paper=paper)
    return Saved(
        target,
        len(summary.rows),
        f"Saved the attendance summary of {summary.heading.title} "
        f"({counted(len(summary.rows), 'person', 'people')}, "
        f"{counted(len(summary.weeks), 'week')}) to {target}.",
    )


def save_person_attendance(
    ws: Workspace,
    person_id: uuid.UUID,
    target: Path,
    *,
    paper: PaperSize,
    cohort_id: uuid.UUID | None = None,
) -> Saved:
    """One person's attendance, in every cohort this account sees them in or in one."""
    from lt_desktop.documents.registers import write_person_attendance

    attendance = ws.documents.person_attendance(person_id, cohort_id)
    write_person_attendance(target, attendance, paper=paper)
    return Saved(
        target,
        len(attendance.cohorts),
        f"Saved the attendance of {attendance.person_name} "
        f"({counted(len(attendance.cohorts), 'cohort')}) to {target}.",
    )


def save_guest_list(ws: Workspace, event_id: uuid.UUID, target: Path, *, paper: PaperSize) -> Saved:
    from lt_desktop.documents.graduation import write_guest_list

    guests = ws.documents.guest_list(event_id)
    write_guest_list(target, guests, paper=paper)
    cleared = guests.counts()[ClearanceStatus.CLEARED]
    return Saved(
        target,
        len(guests.guests),
        f"Saved the guest list for {guests.event.title} "
        f"({counted(len(guests.guests), 'guest')}, {cleared} cleared) to {target}.",
    )


def save_programme(
    ws: Workspace, event_id: uuid.UUID, target: Path, *, paper: PaperSize, for_staff: bool
) -> Saved:
    """The programme booklet for guests, or ``for_staff`` with those not to be
    photographed marked: which one is always said."""
    from lt_desktop.documents.graduation import write_programme

    programme = ws.documents.graduation_programme(event_id, for_staff=for_staff)
    write_programme(target, programme, paper=paper)
    who = counted(len(programme.graduates), "graduate")
    whose = "staff's" if for_staff else "guests'"
    if for_staff:
        who += f", {len(programme.not_photographed)} not to be photographed"
    return Saved(
        target,
        len(programme.graduates),
        f"Saved the {whose} programme for {programme.event.title} ({who}) to {target}.",
    )


def save_cohort_report(
    ws: Workspace, cohort_id: uuid.UUID, target: Path, *, paper: PaperSize
) -> Saved:
    from lt_desktop.documents.cohort_report import write_cohort_report

    report = ws.documents.cohort_report(cohort_id)
    write_cohort_report(target, report, paper=paper)
    return Saved(target, 1, f"Saved the cohort report for {report.heading.title} to {target}.")


def save_list(
    ws: Workspace,
    kind: CsvKind,
    target: Path,
    *,
    cohort_id: uuid.UUID | None = None,
    cohort_title: str = "",
    force: bool = False,
) -> Saved:
    """A list as CSV for Excel, of one cohort (``cohort_title`` names it) or of every
    cohort this account sees; an existing file is replaced only with ``force``."""
    table = ws.documents.export_csv(kind, target, cohort_id, force=force)
    return Saved(
        target,
        len(table.rows),
        f"Saved {counted(len(table.rows), 'row')} of {LIST_WORDS[kind]} for "
        f"{cohort_title or 'every cohort'} to {target} "
        "(CSV in UTF-8: it opens in Excel as it is).",
    )
