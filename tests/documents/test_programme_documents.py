"""Certificates, registers, graduation papers, the cohort report and the everyday CSV
lists, made from the demo store and read back as a reader would: the text of each PDF.

Every document is checked for what it must show and for what it must never show: no
certificate or register says where anyone is based, none holds a prison number, and
the cohort report names no one at all.
"""

from __future__ import annotations

import csv
import io
import re
import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pytest
from pypdf import PdfReader
from pypdf.generic import DictionaryObject
from sqlalchemy import select

from lt_desktop.core.services.attendance import FOOTNOTE
from lt_desktop.core.services.documents.certificates import site_code
from lt_desktop.core.services.documents.csv_exports import CsvKind, csv_bytes
from lt_desktop.core.services.programme import CohortInfo
from lt_desktop.core.sign_in import sign_in
from lt_desktop.core.workspace import Workspace
from lt_desktop.documents.certificates import write_certificates
from lt_desktop.documents.cohort_report import write_cohort_report
from lt_desktop.documents.graduation import write_guest_list, write_programme
from lt_desktop.documents.handout import write_handout
from lt_desktop.documents.registers import (
    write_attendance_summary,
    write_person_attendance,
    write_register_sheet,
)
from lt_desktop.documents.template import PaperSize
from lt_desktop.domain.errors import PermissionDenied, ValidationError
from lt_desktop.domain.roles import Role
from lt_desktop.domain.vocabulary import (
    Cancellation,
    ClearanceStatus,
    ConsentScope,
    MarkReason,
    MembershipRole,
    MembershipStatus,
    PersonBase,
)
from lt_desktop.storage.models import Certificate
from tests.helpers.stores import add_account, sign_in_as

SERIAL = re.compile(r"LT-\d{4}-[0-9A-HJKMNP-TV-Z]{4}-\d{4}")
BASE_WORDS = re.compile(r"prison-based|university-based|\bbased\b|\binmate|\bprisoner", re.I)


@dataclass(frozen=True)
class Person:
    name: str
    family: str
    base: PersonBase


@dataclass(frozen=True)
class Demo:
    folder: Path
    out: Path
    spring: CohortInfo  # finished: graduates, certificates, a graduation
    autumn: CohortInfo  # running
    people: dict[str, Person]  # display name -> who
    prison_only: list[str]  # every prison number in the store


def text_of(pdf: Path) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(pdf).pages)


def pages_of(pdf: Path) -> list[str]:
    return [page.extract_text() for page in PdfReader(pdf).pages]


def flat(text: str) -> str:
    return " ".join(text.split())


@pytest.fixture(scope="module")
def demo_copy(_demo_template: Path, tmp_path_factory: pytest.TempPathFactory) -> Demo:
    """One copy of the demo store for the module's read-only checks."""
    work = tmp_path_factory.mktemp("programme-documents")
    folder = work / "store"
    shutil.copytree(_demo_template, folder, ignore=shutil.ignore_patterns("store.lock", "logs"))
    out = work / "out"
    out.mkdir()
    with sign_in(folder, "demo", "demo") as workspace:
        cohorts = workspace.programme.list_cohorts()
        spring = next(c for c in cohorts if c.name.startswith("January"))
        autumn = next(c for c in cohorts if c.name.startswith("September"))
        people = {}
        prison_only = []
        for cohort in cohorts:
            for member in workspace.memberships.list_members(cohort.id):
                family = member.sort_name.split(",")[0]
                people[member.display_name] = Person(member.display_name, family, member.base)
                if member.base is PersonBase.PRISON:
                    details = workspace.people.prison_details(member.person_id)
                    assert details is not None
                    prison_only.append(details.prison_number)
    assert len(prison_only) > 20
    return Demo(folder, out, spring, autumn, people, prison_only)


@pytest.fixture
def workspace(demo_copy: Demo) -> Iterator[Workspace]:
    with sign_in(demo_copy.folder, "demo", "demo") as signed_in:
        yield signed_in


def assert_nothing_prison_only(text: str, demo: Demo) -> None:
    leaked = [number for number in demo.prison_only if number in text]
    assert not leaked, f"prison numbers printed: {leaked[:5]}"


def assert_no_base(text: str) -> None:
    found = BASE_WORDS.findall(text)
    assert not found, f"where people are based is printed: {found}"


# -- certificates ------------------------------------------------------------------------


def test_certificates_one_page_each_with_what_was_achieved(
    workspace: Workspace, demo_copy: Demo
) -> None:
    batch = workspace.documents.issue_certificates(demo_copy.spring.id)
    graduates = [
        m.display_name
        for m in workspace.memberships.list_members(demo_copy.spring.id)
        if m.role is MembershipRole.STUDENT and m.status is MembershipStatus.GRADUATED
    ]
    assert sorted(c.student_name for c in batch.certificates) == sorted(graduates)
    target = demo_copy.out / "certificates.pdf"
    write_certificates(target, batch.certificates)

    pages = pages_of(target)
    assert len(pages) == len(graduates) == 21
    for page, certificate in zip(pages, batch.certificates, strict=True):
        assert certificate.student_name in page
        assert certificate.serial in page
        for expected in (
            "Certificate of Achievement",
            "Crime, Justice and Society",
            "studied together in Learning Together with the University of Eastbridge",
            "12 January – 16 March 2026",
            "15 credits at Level 4",
            "Dr Amara Osei",
            "Academic Lead, Learning Together",
            "For University of Eastbridge",
        ):
            assert expected in page, (expected, page)
    text = "\n".join(pages)
    assert_no_base(text)
    assert_nothing_prison_only(text, demo_copy)
    assert_not_made_by_software(text)
    # The demo partnership leaves the prison's signature off (as every partnership does
    # unless it chooses otherwise): nothing names the prison, not even the partnership.
    assert "Northfield" not in text and "HMP" not in text and "Janet Fraser" not in text
    # Its logo is drawn on every page, kept in the file once.
    reader = PdfReader(target)
    assert all(len(page.images) == 1 for page in reader.pages)
    assert reader.pages[0].images[0].image.size == (600, 200)  # type: ignore[union-attr]


def assert_not_made_by_software(text: str) -> None:
    """No footer, page number or date made: a certificate or letter is the person's."""
    found = re.findall(r"LT Desktop|Page \d+|\bmade\b", text)
    assert not found, found


def test_every_certificate_reads_the_same_whoever_it_is_for(
    workspace: Workspace, demo_copy: Demo
) -> None:
    """Nothing on a certificate differs between students but their name and serial: so
    nothing can tell a prison-based student's certificate from a university-based one's."""
    batch = workspace.documents.issue_certificates(demo_copy.spring.id)
    target = demo_copy.out / "same.pdf"
    write_certificates(target, batch.certificates)
    shapes = set()
    bases = set()
    for page, certificate in zip(pages_of(target), batch.certificates, strict=True):
        shapes.add(
            page.replace(certificate.student_name, "NAME").replace(certificate.serial, "SERIAL")
        )
        bases.add(demo_copy.people[certificate.student_name].base)
    assert bases == {PersonBase.PRISON, PersonBase.UNIVERSITY}
    assert len(shapes) == 1, shapes


def test_serial_numbers_are_kept_on_reprints_and_new_ones_follow_on(demo: Workspace) -> None:
    spring, autumn = sorted(demo.programme.list_cohorts(), key=lambda c: c.starts_on)
    first = demo.documents.issue_certificates(spring.id)
    again = demo.documents.issue_certificates(spring.id)
    assert [c.serial for c in first.certificates] == [c.serial for c in again.certificates]
    assert not again.newly_issued
    assert [c.issued_on for c in again.certificates] == [c.issued_on for c in first.certificates]

    with pytest.raises(ValidationError, match="no certificates to print"):
        demo.documents.issue_certificates(autumn.id)
    students = [
        m
        for m in demo.memberships.list_members(autumn.id)
        if m.role is MembershipRole.STUDENT and m.status is MembershipStatus.ACTIVE
    ]
    for member in students[:3]:
        demo.memberships.change_status(member.id, MembershipStatus.COMPLETED)
    issued = demo.documents.issue_certificates(autumn.id, issued_on=date(2026, 12, 1))
    assert len(issued.newly_issued) == 3
    new_serials = sorted(c.serial for c in issued.certificates)
    code = site_code(demo.store.site.id)
    assert new_serials == [f"LT-2026-{code}-{n:04d}" for n in (22, 23, 24)]
    assert all(c.issued_on == date(2026, 12, 1) for c in issued.certificates)
    reprinted = demo.documents.issue_certificates(autumn.id, issued_on=date(2027, 1, 5))
    assert sorted(c.serial for c in reprinted.certificates) == new_serials
    assert all(c.issued_on == date(2026, 12, 1) for c in reprinted.certificates)

    next_year = demo.memberships.list_members(autumn.id)
    fourth = next(m for m in next_year if m.id == students[3].id)
    demo.memberships.change_status(fourth.id, MembershipStatus.GRADUATED)
    later = demo.documents.issue_certificates(autumn.id, issued_on=date(2027, 1, 5))
    assert [c.serial for c in later.newly_issued] == [f"LT-2027-{code}-0001"]

    every = [c.serial for c in first.certificates + later.certificates]
    assert len(every) == len(set(every)) and all(SERIAL.fullmatch(s) for s in every)
    printed = [e for e in demo.audit.entries(action="certificates.") if e.subject_id]
    assert [(e.details["issued"], e.details["reprinted"]) for e in printed[:3]] == [
        (1, 3),
        (0, 3),
        (3, 0),
    ]


def test_serials_printed_before_they_named_the_site_stay_and_numbers_follow_on(
    demo: Workspace,
) -> None:
    """A store that issued LT-2026-0001 to 0021 before serials carried the site's code
    prints those again unchanged, and its next certificates of the year go on from 22."""
    spring, autumn = sorted(demo.programme.list_cohorts(), key=lambda c: c.starts_on)
    with demo.store.write() as session:
        for certificate in session.scalars(select(Certificate)):
            year, _code, number = certificate.serial.rsplit("-", 2)
            certificate.serial = f"{year}-{number}"
    old = sorted(c.serial for c in demo.documents.issue_certificates(spring.id).certificates)
    assert old == [f"LT-2026-{n:04d}" for n in range(1, 22)]
    student = next(
        m
        for m in demo.memberships.list_members(autumn.id)
        if m.role is MembershipRole.STUDENT and m.status is MembershipStatus.ACTIVE
    )
    demo.memberships.change_status(student.id, MembershipStatus.COMPLETED)
    issued = demo.documents.issue_certificates(autumn.id, issued_on=date(2026, 12, 1))
    assert [c.serial for c in issued.newly_issued] == [
        f"LT-2026-{site_code(demo.store.site.id)}-0022"
    ]


def test_certificates_are_landscape_on_either_paper(workspace: Workspace, demo_copy: Demo) -> None:
    batch = workspace.documents.issue_certificates(demo_copy.spring.id)
    for paper, size in ((PaperSize.A4, (842, 595)), (PaperSize.LETTER, (792, 612))):
        target = demo_copy.out / f"certificates-{paper.value}.pdf"
        write_certificates(target, batch.certificates[:2], paper=paper)
        page = PdfReader(target).pages[0]
        assert (round(float(page.mediabox.width)), round(float(page.mediabox.height))) == size
        assert_fonts_embedded(target)


def assert_fonts_embedded(pdf: Path) -> None:
    """Every font text is set in travels inside the file. (reportlab names Helvetica in
    each page's resources and selects it once before any text; nothing is set in it.)"""
    for page in PdfReader(pdf).pages:
        resources = page["/Resources"]
        assert isinstance(resources, DictionaryObject)
        font_table = resources["/Font"]
        assert isinstance(font_table, DictionaryObject)
        for name, entry in font_table.items():
            font = entry.get_object()
            assert isinstance(font, DictionaryObject)
            if font["/BaseFont"] == "/Helvetica":
                contents = page.get_contents()
                assert contents is not None
                content = contents.get_data()
                unused = content.count(f"BT {name} 12 Tf 14.4 TL ET".encode())
                assert content.count(f"{name} ".encode()) == unused, "text set in Helvetica"
                continue
            descriptor = font["/FontDescriptor"]
            assert isinstance(descriptor, DictionaryObject)
            assert "/FontFile2" in descriptor, f"{font['/BaseFont']} not embedded"


# -- registers -----------------------------------------------------------------------------


def test_blank_register_lists_who_is_expected_by_group(
    workspace: Workspace, demo_copy: Demo
) -> None:
    sessions = workspace.programme.list_sessions(demo_copy.autumn.id)
    unmarked = next(s for s in sessions if s.marks_taken == 0 and not s.is_cancelled)
    expected = workspace.register.register(unmarked.id).lines
    sheet = workspace.documents.register_sheet(unmarked.id)
    assert [p.name for g in sheet.groups for p in g.people] == [
        line.display_name for line in expected
    ]
    target = demo_copy.out / "register.pdf"
    write_register_sheet(target, sheet)

    text = text_of(target)
    assert f"Register · week {unmarked.week}" in text
    assert unmarked.title in text
    for label in ("Present", "Late", "Excused", "Absent", "Reason or note", "Facilitator"):
        assert label in text
    positions = [text.index(line.display_name) for line in expected]
    assert positions == sorted(positions), "not in the register's order"
    for group in sheet.groups:
        assert group.name in text
    assert_no_base(text)
    assert_nothing_prison_only(text, demo_copy)
    # The session's readings, to copy for the students who have no internet.
    week_two = next(s for s in sessions if s.week == 2)
    write_register_sheet(target, workspace.documents.register_sheet(week_two.id))
    readings = workspace.readings.readings(week_two.id)
    assert len(readings) == 2
    for n, reading in enumerate(readings, 1):
        assert f"{n}. {reading.title}, {reading.author}, {reading.pages}" in flat(text_of(target))


def test_the_handout_gives_the_session_and_what_to_read_for_it(
    workspace: Workspace, demo_copy: Demo
) -> None:
    week = next(s for s in workspace.programme.list_sessions(demo_copy.autumn.id) if s.week == 9)
    handout = workspace.documents.handout(week.id)
    target = demo_copy.out / "handout.pdf"
    write_handout(target, handout)
    (page,) = pages_of(target)
    text = flat(page)
    assert f"Week 9: {week.title}" in text
    assert demo_copy.autumn.title in text
    assert week.lecturer_name and week.lecturer_name in text
    assert "Education block, room 2" in text
    assert "Read before the session" in text
    assert (
        "1. Educational partnerships (2016) Ruth Armstrong and Amy Ludlow Pages: pp. 9–17 "
        "A copy comes with this sheet (Armstrong and Ludlow 2016, pp 9-17.pdf)."
    ) in text
    assert (
        "2. Crime, Shame and Reintegration (1989), chapter 4 John Braithwaite Pages: pp. 54–68"
    ) in text
    assert "Notes" in text and "cancelled" not in text
    assert_no_base(text)
    assert_nothing_prison_only(text, demo_copy)
    assert_fonts_embedded(target)


def test_a_handout_says_when_its_session_was_cancelled_or_has_no_readings(
    demo: Workspace, tmp_path: Path
) -> None:
    autumn = next(c for c in demo.programme.list_cohorts() if c.name.startswith("September"))
    coming = next(s for s in demo.programme.list_sessions(autumn.id) if s.week == 11)
    assert coming.marks_taken == 0 and demo.readings.readings(coming.id) == []
    demo.programme.cancel_session(coming.id, Cancellation.LOCKDOWN, note="a search")
    write_handout(tmp_path / "cancelled.pdf", demo.documents.handout(coming.id))
    text = flat(text_of(tmp_path / "cancelled.pdf"))
    assert "This session was cancelled (lockdown: a search)." in text
    assert "No readings are listed for this session." in text


def test_attendance_summary_shows_each_mark_and_rate(workspace: Workspace, demo_copy: Demo) -> None:
    summary = workspace.documents.attendance_summary(demo_copy.spring.id)
    target = demo_copy.out / "attendance.pdf"
    write_attendance_summary(target, summary)
    text = text_of(target)
    lines = text.splitlines()

    assert len(summary.weeks) == 10
    for row in summary.rows:
        # Each cell is a line of its own: the name, its marks, the count and the rate.
        start = next(n for n, line in enumerate(lines) if line.startswith(row.name))
        end = next(n for n in range(start, len(lines)) if re.fullmatch(r"\d+ of \d+", lines[n]))
        expected = [
            {"present": "P", "late": "L", "left_early": "E", "absent": "A", "excused": "X"}[m]
            for m in row.marks
            if m is not None
        ]
        assert lines[start + 1 : end] == expected, row.name
        figures = row.figures
        assert lines[end] == f"{figures.attended} of {figures.held}"
        assert lines[end + 1] == f"{round(figures.attended / figures.held * 100)}%"
        assert lines[end + 2] == f"{round(figures.engaged / figures.held * 100)}%"
    assert FOOTNOTE in flat(text)
    leavers = [r for r in summary.rows if r.left_course]
    assert len(leavers) == 3 and text.count("left the course") == 3
    assert_no_base(text)
    assert_nothing_prison_only(text, demo_copy)
    for reason in MarkReason:
        assert reason.label not in text


def test_person_attendance_lists_their_sessions(workspace: Workspace, demo_copy: Demo) -> None:
    member = next(
        m
        for m in workspace.memberships.list_members(demo_copy.spring.id)
        if m.role is MembershipRole.STUDENT and m.status is MembershipStatus.GRADUATED
    )
    attendance = workspace.documents.person_attendance(member.person_id)
    target = demo_copy.out / "person.pdf"
    write_person_attendance(target, attendance)
    text = text_of(target)
    assert member.display_name in text
    part = attendance.cohorts[0]
    assert len(part.lines) == 10
    figures = part.figures
    assert f"Attended {figures.attended} of the {figures.held} sessions held" in text
    assert "Graduated" in text
    assert FOOTNOTE in flat(text)
    assert_no_base(text)
    assert_nothing_prison_only(text, demo_copy)


# -- graduation ----------------------------------------------------------------------------


def test_guest_list_names_visitors_and_who_invited_them(
    workspace: Workspace, demo_copy: Demo
) -> None:
    (event,) = workspace.documents.list_events()
    guests = workspace.documents.guest_list(event.id)
    assert guests.guests
    target = demo_copy.out / "guests.pdf"
    write_guest_list(target, guests)
    text = flat(text_of(target))
    assert "Spring 2026 graduation" in text and "HMP Northfield chapel" in text
    assert "15 (10 cleared, 2 submitted, 2 not submitted, 1 refused)" in text
    assert "Cleared to attend (10)" in text
    assert "Awaiting clearance: not to be admitted unless cleared (2)" in text
    assert "Not yet submitted for clearance: not to be admitted (2)" in text
    assert "Refused: not to be admitted (1)" in text
    for guest in guests.guests:
        *given, family = guest.name.split()
        assert f"{family}, {' '.join(given)}" in text
        assert guest.guest_of in text
        assert guest.relationship in text
    # Cleared first, then awaiting, not submitted and refused; each by family name.
    assert [g.clearance for g in guests.guests] == (
        [ClearanceStatus.CLEARED] * 10
        + [ClearanceStatus.SUBMITTED] * 2
        + [ClearanceStatus.NOT_SUBMITTED] * 2
        + [ClearanceStatus.REFUSED]
    )
    for status in ClearanceStatus:
        families = [g.name.split()[-1] for g in guests.guests if g.clearance is status]
        assert families == sorted(families, key=str.casefold)
    assert_nothing_prison_only(text, demo_copy)


def test_programme_lists_the_items_and_graduates_by_name_only(
    workspace: Workspace, demo_copy: Demo
) -> None:
    (event,) = workspace.documents.list_events()
    programme = workspace.documents.graduation_programme(event.id)
    target = demo_copy.out / "programme.pdf"
    write_programme(target, programme)
    text = flat(text_of(target))
    assert len(programme.graduates) == 21
    for item in programme.items:
        assert f"{item.starts_at} {item.title}" in text
    for name in programme.graduates:
        assert name in text
    assert "Monday 16 March 2026" in text
    assert_no_base(text)
    assert_nothing_prison_only(text, demo_copy)


# -- the cohort report ------------------------------------------------------------------------


def test_cohort_report_has_the_figures_and_names_no_one(
    workspace: Workspace, demo_copy: Demo
) -> None:
    report = workspace.documents.cohort_report(demo_copy.spring.id)
    assert (report.started.prison, report.started.university) == (12, 12)
    assert (report.completed.prison, report.completed.university) == (9, 12)
    assert (report.withdrew, report.transferred, report.released) == (1, 1, 1)
    assert report.staff == {
        MembershipRole.FACILITATOR: 4,
        MembershipRole.MENTOR: 4,
        MembershipRole.LECTURER: 3,
        MembershipRole.COORDINATOR: 1,
    }
    assert [w.week for w in report.weeks] == list(range(1, 11))
    assert sum(b.count for b in report.essays.bands) == report.essays.agreed == 21

    template = workspace.questionnaires.templates()[0]
    comparison = workspace.questionnaires.comparison(template.id, demo_copy.spring.id)
    (figures,) = report.questionnaires
    assert figures.overall == comparison.overall
    assert figures.subscales == comparison.subscales

    target = demo_copy.out / "report.pdf"
    write_cohort_report(target, report)
    text = flat(text_of(target))
    for expected in (
        "Cohort report",
        "Started the course 12 12 24",
        "Completed 9 12 21",
        "Completion rate 75% 100% 88%",
        "1 withdrew, 1 transferred and 1 left on release",
        "4 facilitators, 4 mentors, 3 lecturers and 1 coordinator",
        f"{round(report.attendance_rate * 100)}%" if report.attendance_rate else "?",
        "Attendance by week",
        "Essay marks",
        "60–69",
        f"mean {report.essays.mean:.1f}",
        f"Overall {figures.overall.pairs} {figures.overall.mean_pre:.2f} "
        f"{figures.overall.mean_post:.2f} {figures.overall.mean_change:+.2f}",
    ):
        assert expected in text, expected
    for week in report.weeks:
        assert week.rate is not None and f"{round(week.rate * 100)}%" in text
    named = [p.name for p in demo_copy.people.values() if p.name in text]
    named += [p.family for p in demo_copy.people.values() if re.search(rf"\b{p.family}\b", text)]
    assert not named, f"the report names people: {named}"
    assert_nothing_prison_only(text, demo_copy)


def test_cohort_report_leaves_out_those_who_withdrew_consent(demo: Workspace) -> None:
    spring = next(c for c in demo.programme.list_cohorts() if c.name.startswith("January"))
    template = demo.questionnaires.templates()[0]
    before = demo.documents.cohort_report(spring.id).questionnaires[0].overall
    person = next(
        p for p in demo.questionnaires.comparison(template.id, spring.id).people if p.change
    )
    demo.consent.withdraw(person.person_id, ConsentScope.QUESTIONNAIRES, on=date(2026, 6, 1))
    after = demo.documents.cohort_report(spring.id).questionnaires[0].overall
    assert after.pairs == before.pairs - 1


# -- CSV lists -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kind", "header"),
    [
        (CsvKind.PEOPLE, ["Family name", "Given name", "Preferred name", "Email", "Cohorts"]),
        (
            CsvKind.MEMBERSHIPS,
            ["Cohort", "Family name", "Name", "Role", "Status", "Status since", "Joined"],
        ),
        (CsvKind.ATTENDANCE, ["Cohort", "Week", "Date", "Session", "Family name", "Name"]),
    ],
)
def test_csv_lists_open_in_excel_and_hold_no_prison_details(
    workspace: Workspace, demo_copy: Demo, kind: CsvKind, header: list[str]
) -> None:
    target = demo_copy.out / f"{kind.value}.csv"
    table = workspace.documents.export_csv(kind, target)
    raw = target.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"), newline="")))
    assert rows[0][: len(header)] == header
    assert rows[1:] == table.rows
    assert not any("base" in column.casefold() for column in rows[0])
    text = raw.decode("utf-8-sig")
    assert "–" in text  # the cohort names' en dash survives
    assert_nothing_prison_only(text, demo_copy)
    stats = workspace.stats.counts()
    expected = {
        CsvKind.PEOPLE: len(demo_copy.people),
        CsvKind.MEMBERSHIPS: stats["memberships"],
        CsvKind.ATTENDANCE: stats["attendance_marks"],
    }[kind]
    assert len(rows) - 1 == expected
    (entry,) = workspace.audit.entries(action="list.exported", limit=1)
    assert entry.details == {"kind": kind.value, "rows": expected}


def test_csv_for_one_cohort_and_cells_a_spreadsheet_would_run(demo: Workspace) -> None:
    spring = next(c for c in demo.programme.list_cohorts() if c.name.startswith("January"))
    person = demo.people.add_person(
        given_name="=HYPERLINK(1)", family_name="Smith", base=PersonBase.UNIVERSITY
    )
    demo.memberships.enrol(spring.id, person.id, role=MembershipRole.MENTOR)
    table = demo.documents.csv_table(CsvKind.MEMBERSHIPS, spring.id)
    assert {row[0] for row in table.rows} == {spring.title}
    rows = list(csv.reader(io.StringIO(csv_bytes(table).decode("utf-8-sig"), newline="")))
    assert ["'=HYPERLINK(1)"] == [row[2] for row in rows if row[1] == "Smith"]


def test_the_attendance_csv_names_the_induction_and_says_which_marks_count(
    demo: Workspace,
) -> None:
    autumn = next(c for c in demo.programme.list_cohorts() if c.name.startswith("September"))
    table = demo.documents.csv_table(CsvKind.ATTENDANCE, autumn.id)
    assert table.header[1] == "Week" and table.header[-1] == "Counted in attendance"
    counted = {(row[1], row[-1]) for row in table.rows}
    assert ("Induction", "no") in counted and ("1", "yes") in counted
    assert not [row for row in table.rows if row[1] == "0"]
    # The running cohort's sense-making meeting is still to come: every other mark counts.
    assert {row[-1] for row in table.rows if row[1] != "Induction"} == {"yes"}


# -- who may print ----------------------------------------------------------------------------


@pytest.mark.parametrize("role", [Role.FACILITATOR, Role.MARKER, Role.RESEARCHER])
def test_only_staff_may_print(demo_dir: Path, role: Role) -> None:
    with sign_in(demo_dir, "demo", "demo") as admin:
        spring = next(c for c in admin.programme.list_cohorts() if c.name.startswith("January"))
        add_account(admin, "someone", role)
    with sign_in_as(demo_dir, "someone") as other:
        for attempt in (
            lambda: other.documents.issue_certificates(spring.id),
            lambda: other.documents.cohort_report(spring.id),
            lambda: other.documents.attendance_summary(spring.id),
            lambda: other.documents.csv_table(CsvKind.PEOPLE),
            lambda: other.documents.list_events(),
        ):
            with pytest.raises(PermissionDenied, match="print documents"):
                attempt()


def test_a_handout_stays_one_sheet_with_three_readings_and_a_cancelled_week(
    demo: Workspace, tmp_path: Path
) -> None:
    autumn = next(c for c in demo.programme.list_cohorts() if c.name.startswith("September"))
    sessions = demo.programme.list_sessions(autumn.id)
    lockdown = next(s for s in sessions if s.week == 7)
    assert lockdown.is_cancelled and len(demo.readings.readings(lockdown.id)) == 2
    demo.readings.add(lockdown.id, title="Doing Time", author="Ian O'Donnell", pages="ch. 2")
    target = tmp_path / "handout.pdf"
    write_handout(target, demo.documents.handout(lockdown.id))
    (page,) = PdfReader(target).pages  # the notes' lines fit what is left of the page
    assert "Notes" in page.extract_text() and "Doing Time" in page.extract_text()

    induction = next(s for s in sessions if s.week == 0)
    write_handout(tmp_path / "induction.pdf", demo.documents.handout(induction.id))
    text = flat(text_of(tmp_path / "induction.pdf"))
    assert "Induction: " in text and "Week 0" not in text and "week 0" not in text
