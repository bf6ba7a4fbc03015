"""The documents the Documents screen makes: what each is for, which pickers it needs,
and how it is made (by ``lt_desktop.documents.printing``, as the command line makes it).
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass
from enum import Enum
from pathlib import Path
from typing import TYPE_CHECKING

from lt_desktop.core.services.documents.csv_exports import CsvKind
from lt_desktop.documents import printing
from lt_desktop.domain.roles import Permission

if TYPE_CHECKING:
    from lt_desktop.core.workspace import Workspace
    from lt_desktop.documents.printing import Saved
    from lt_desktop.documents.template import PaperSize

PDF_FILTER = "PDF documents (*.pdf)"
CSV_FILTER = "CSV lists for Excel (*.csv)"


class Subject(Enum):
    """What a document is made for, and so which pickers it needs."""

    COHORT = "cohort"
    SESSION = "session"  # a cohort, then one of its sessions
    PERSON = "person"  # one person, in all their cohorts or in one
    EVENT = "event"  # a graduation
    LIST = "list"  # every cohort this account sees, or one


@dataclass(frozen=True)
class Choice:
    """What was picked on the screen when Save was pressed."""

    cohort_id: uuid.UUID | None
    cohort_title: str
    session_id: uuid.UUID | None
    person_id: uuid.UUID | None
    person_name: str
    event_id: uuid.UUID | None
    #: Certificates only for those marked present at the cohort's graduation.
    only_present: bool = False


Writer = Callable[["Workspace", Choice, Path, "PaperSize"], "Saved"]


def _write_certificates(ws: Workspace, choice: Choice, target: Path, paper: PaperSize) -> Saved:
    assert choice.cohort_id is not None
    return printing.save_certificates(
        ws, choice.cohort_id, target, paper=paper, only_present=choice.only_present
    )


def _write_register(ws: Workspace, choice: Choice, target: Path, paper: PaperSize) -> Saved:
    assert choice.session_id is not None
    return printing.save_register(ws, choice.session_id, target, paper=paper)


def _write_handout(ws: Workspace, choice: Choice, target: Path, paper: PaperSize) -> Saved:
    assert choice.session_id is not None
    return printing.save_handout(ws, choice.session_id, target, paper=paper)


def _write_attendance(ws: Workspace, choice: Choice, target: Path, paper: PaperSize) -> Saved:
    assert choice.cohort_id is not None
    return printing.save_attendance_summary(ws, choice.cohort_id, target, paper=paper)


def _write_person_attendance(
    ws: Workspace, choice: Choice, target: Path, paper: PaperSize
) -> Saved:
    assert choice.person_id is not None
    return printing.save_person_attendance(
        ws, choice.person_id, target, paper=paper, cohort_id=choice.cohort_id
    )


def _write_guest_list(ws: Workspace, choice: Choice, target: Path, paper: PaperSize) -> Saved:
    assert choice.event_id is not None
    return printing.save_guest_list(ws, choice.event_id, target, paper=paper)


def _programme_writer(*, for_staff: bool) -> Writer:
    def write(ws: Workspace, choice: Choice, target: Path, paper: PaperSize) -> Saved:
        assert choice.event_id is not None
        return printing.save_programme(
            ws, choice.event_id, target, paper=paper, for_staff=for_staff
        )

    return write


def _write_cohort_report(ws: Workspace, choice: Choice, target: Path, paper: PaperSize) -> Saved:
    assert choice.cohort_id is not None
    return printing.save_cohort_report(ws, choice.cohort_id, target, paper=paper)


def _list_writer(kind: CsvKind) -> Writer:
    def write(ws: Workspace, choice: Choice, target: Path, _paper: PaperSize) -> Saved:
        # The Save as field asked before replacing a file.
        return printing.save_list(
            ws,
            kind,
            target,
            cohort_id=choice.cohort_id,
            cohort_title=choice.cohort_title,
            force=True,
        )

    return write


@dataclass(frozen=True)
class DocumentKind:
    label: str
    about: str
    subject: Subject
    file_stem: str  # the start of the suggested file name
    working: str  # said while it is being made
    write: Writer
    is_list: bool = False
    #: Certificates are issued and lists leave the store: both are in the audit log.
    audited: bool = False
    #: Needed beyond printing, where making the document makes records too.
    needs: Permission | None = None
    #: Offers "only those present at the graduation" (certificates).
    offers_only_present: bool = False


DOCUMENT_KINDS: list[DocumentKind] = [
    DocumentKind(
        "Certificates for a cohort",
        "A certificate of achievement for each student who completed or graduated, one a "
        "page, or only for those marked present at the cohort's graduation. Serial numbers "
        "are given once and kept when certificates are printed again. Certificates never say "
        "where anyone is based, and name the prison only where the partnership chose to have "
        "the prison sign them.",
        Subject.COHORT,
        "Certificates",
        "Making the certificates…",
        _write_certificates,
        audited=True,
        needs=Permission.MANAGE_GRADUATION,
        offers_only_present=True,
    ),
    DocumentKind(
        "Blank register for a session",
        "Everyone expected at the session, by small group, with a box to tick for each "
        "mark, for classrooms that work on paper. Type the marks in afterwards.",
        Subject.SESSION,
        "Register",
        "Making the register…",
        _write_register,
    ),
    DocumentKind(
        "Session handout",
        "The session, its lecturer and what to read for it (title, author and pages), with "
        "room for notes: one sheet to copy for every student, in black and white. A "
        "reading's PDF is saved from the session's readings and printed with it.",
        Subject.SESSION,
        "Handout",
        "Making the handout…",
        _write_handout,
    ),
    DocumentKind(
        "Attendance summary for a cohort",
        "The register so far: everyone in a small group, week by week, with each week's "
        "and each person's attendance.",
        Subject.COHORT,
        "Attendance",
        "Making the attendance summary…",
        _write_attendance,
    ),
    DocumentKind(
        "Attendance of one person",
        "One person's sessions and marks, in all the cohorts you see them in, or in one.",
        Subject.PERSON,
        "Attendance of",
        "Making the attendance sheet…",
        _write_person_attendance,
    ),
    DocumentKind(
        "Graduation guest list",
        "Everyone invited to a graduation, for the gate: names, relationship, who invited "
        "them and whether they are cleared to attend, with NO PHOTOS beside anyone not to "
        "be photographed. No prison numbers.",
        Subject.EVENT,
        "Guest list",
        "Making the guest list…",
        _write_guest_list,
    ),
    DocumentKind(
        "Graduation programme for guests",
        "The programme booklet handed to every guest: the order of the ceremony and the "
        "graduating students, by name only.",
        Subject.EVENT,
        "Programme",
        "Making the programme…",
        _programme_writer(for_staff=False),
    ),
    DocumentKind(
        "Graduation programme for staff",
        "The same programme for the staff running the day: it says it is not for guests, "
        "and marks NO PHOTOS beside each graduate who has not consented to being "
        "photographed.",
        Subject.EVENT,
        "Programme for staff",
        "Making the programme…",
        _programme_writer(for_staff=True),
    ),
    DocumentKind(
        "Cohort report",
        "Figures and charts for the partnership and its funders: numbers, completion, "
        "attendance by week, essay marks and the change from before to after the course. "
        "It names no one. The Cohort figures tab shows the same figures here.",
        Subject.COHORT,
        "Cohort report",
        "Making the cohort report…",
        _write_cohort_report,
    ),
    DocumentKind(
        "People",
        "Everyone in the cohorts, with their email and cohorts. No prison-only details and "
        "nothing about where anyone is based.",
        Subject.LIST,
        "People",
        "Writing the list…",
        _list_writer(CsvKind.PEOPLE),
        is_list=True,
        audited=True,
    ),
    DocumentKind(
        "Memberships",
        "Who is in which cohort, in which role and small group, and their status.",
        Subject.LIST,
        "Memberships",
        "Writing the list…",
        _list_writer(CsvKind.MEMBERSHIPS),
        is_list=True,
        audited=True,
    ),
    DocumentKind(
        "Attendance marks",
        "Every register mark: session, date, person, role, mark and reason for absence.",
        Subject.LIST,
        "Attendance marks",
        "Writing the list…",
        _list_writer(CsvKind.ATTENDANCE),
        is_list=True,
        audited=True,
    ),
]
