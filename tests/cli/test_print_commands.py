"""``lt-desktop print`` and ``lt-desktop csv`` run on the demo store, as a script runs them."""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

import pytest
from pypdf import PdfReader

from tests.cli.support import (
    DEMO_USER,
    assert_failure,
    assert_usage_error,
    run_as,
)
from tests.helpers.cli import Result

SPRING = "January-March 2026"  # typed with a hyphen; the store has an en dash
AUTUMN = "september–december 2026"


def print_as(folder: Path, *args: str | Path, user: str = DEMO_USER) -> Result:
    return run_as(folder, user, "print", *args)


#: Each document: its options, what the command says, and a phrase the PDF holds.
DOCUMENTS = [
    (
        "certificates",
        ["--cohort", SPRING],
        r"Saved 21 certificates for Crime, Justice and Society: January–March 2026 to "
        r".*certificates\.pdf\. Serial numbers LT-2026-(\w{4})-0001 to LT-2026-\1-0021: 0 "
        r"newly issued, 21 printed again with the number first given\.",
        "Certificate of Achievement",
    ),
    (
        "register",
        ["--cohort", AUTUMN, "--week", "11"],
        r"Saved the register for week 11 of .*September–December 2026 \(31 people "
        r"expected\) to .*register\.pdf\.",
        "Reason",
    ),
    (
        "register",
        ["--cohort", AUTUMN, "--week", "7"],
        r"Week 7 of .*September–December 2026 was cancelled \(lockdown: after an incident on "
        r"the wings\): saved a page saying so, not a register, to .*register\.pdf\.",
        "This session was cancelled",
    ),
    (
        "handout",
        ["--cohort", AUTUMN, "--week", "9"],
        r"Saved the handout for week 9 of .*September–December 2026 \(2 readings\) to "
        r".*handout\.pdf\. Print the PDF of 1 reading with it \(Armstrong and Ludlow 2016, "
        r"pp 9-17\.pdf\): save it from the session's readings under Sessions and register\.",
        "Read before the session",
    ),
    (
        "attendance",
        ["--cohort", SPRING],
        r"Saved the attendance summary of .* \(32 people, 10 weeks\) to .*",
        "Engagement that week",
    ),
    (
        "person-attendance",
        ["--person", "Jamal Allen"],
        r"Saved the attendance of Jamal Allen \(1 cohort\) to .*",
        "Jamal Allen",
    ),
    (
        "guest-list",
        [],
        r"Saved the guest list for Spring 2026 graduation \(15 guests, 10 cleared\) to .*",
        "Cleared to attend",
    ),
    (
        "programme",
        ["--event", "spring 2026", "--for", "guests"],
        r"Saved the guests' programme for Spring 2026 graduation \(21 graduates\) to .*",
        "Graduating students",
    ),
    (
        "cohort-report",
        ["--cohort", SPRING, "--paper", "letter"],
        r"Saved the cohort report for .*January–March 2026 to .*cohort-report\.pdf\.",
        "Attendance by week",
    ),
]


@pytest.mark.parametrize(
    ("kind", "options", "message", "shown"),
    [pytest.param(*case, id=case[0]) for case in DOCUMENTS],
)
def test_print_writes_each_document(
    demo_dir: Path, tmp_path: Path, kind: str, options: list[str], message: str, shown: str
) -> None:
    target = tmp_path / f"{kind}.pdf"
    result = print_as(demo_dir, kind, *options, "--out", target)
    assert result.code == 0, result.err
    assert re.fullmatch(message, result.out.strip()), result.out
    reader = PdfReader(target)
    assert shown in "".join(page.extract_text() for page in reader.pages)
    width = round(float(reader.pages[0].mediabox.width))
    assert width == {"certificates": 842, "attendance": 842, "cohort-report": 612}.get(kind, 595)


def test_print_the_induction_register_as_week_0(demo_dir: Path, tmp_path: Path) -> None:
    target = tmp_path / "induction.pdf"
    result = print_as(demo_dir, "register", "--cohort", AUTUMN, "--week", "0", "--out", target)
    assert result.code == 0, result.err
    assert re.fullmatch(
        r"Saved the register for the induction of .*September–December 2026 \(31 people "
        r"expected\) to .*induction\.pdf\.",
        result.out.strip(),
    ), result.out
    text = "".join(page.extract_text() for page in PdfReader(target).pages)
    assert "Register · induction" in text and "The course, the prison and each other" in text


@pytest.mark.parametrize(
    ("kind", "options", "rows", "said"),
    [
        ("people", [], 64, "people for every cohort"),
        (
            "memberships",
            ["--cohort", SPRING],
            36,
            "memberships for Crime, Justice and Society: January–March 2026",
        ),
        # every mark, the sense-making meeting's and the two inductions' (32 each) too (none
        # for the week locked down)
        ("attendance", [], 682, "attendance marks for every cohort"),
    ],
)
def test_csv_writes_a_list_for_excel(
    demo_dir: Path, tmp_path: Path, kind: str, options: list[str], rows: int, said: str
) -> None:
    target = tmp_path / f"{kind}.csv"
    result = run_as(demo_dir, DEMO_USER, "csv", kind, *options, "--out", target)
    assert result.code == 0, result.err
    assert result.out.startswith(f"Saved {rows} rows of {said} to {target}")
    raw = target.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    table = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"), newline="")))
    assert len(table) == rows + 1


@pytest.mark.parametrize(
    ("args", "reason"),
    [
        (["register", "--cohort", "2026", "--week", "1"], r"'2026' matches 2 cohorts"),
        (["attendance", "--cohort", "Summer 2031"], r"no cohort called 'Summer 2031'"),
        (["register", "--cohort", SPRING, "--week", "40"], r"has no session in week 40"),
        (["person-attendance", "--person", "Khan"], r"'Khan' matches 2 people"),
        (["certificates", "--cohort", AUTUMN], r"no certificates to print"),
        (["programme", "--event", "Winter", "--for", "staff"], r"no graduation called 'Winter'"),
    ],
)
def test_print_failures_are_one_line(
    demo_dir: Path, tmp_path: Path, args: list[str], reason: str
) -> None:
    target = tmp_path / "out.pdf"
    message = assert_failure(print_as(demo_dir, *args, "--out", target))
    assert re.search(reason, message), message
    assert not target.exists()


def test_only_roles_that_print_may_print(demo_dir: Path, tmp_path: Path) -> None:
    target = tmp_path / "report.pdf"
    result = print_as(
        demo_dir, "cohort-report", "--cohort", SPRING, "--out", target, user="facilitator"
    )
    assert "does not allow you to print documents" in assert_failure(result)
    assert not target.exists()
    listed = run_as(demo_dir, "facilitator", "csv", "people", "--out", tmp_path / "people.csv")
    assert "does not allow you to print documents" in assert_failure(listed)
    assert not (tmp_path / "people.csv").exists()


@pytest.mark.parametrize(
    "args",
    [
        ["print", "register", "--cohort", SPRING, "--out", "x.pdf"],  # no --week
        ["print", "certificates", "--cohort", SPRING, "--issued-on", "16/03/2026"],
        ["print", "leaflet", "--out", "x.pdf"],
        ["csv", "essays", "--out", "x.csv"],
    ],
)
def test_misuse_is_a_usage_error(demo_dir: Path, args: list[str]) -> None:
    assert_usage_error(run_as(demo_dir, DEMO_USER, *args))


def test_out_must_be_a_file(demo_dir: Path, tmp_path: Path) -> None:
    result = print_as(demo_dir, "cohort-report", "--cohort", SPRING, "--out", tmp_path)
    assert "is a folder" in assert_usage_error(result)


def test_the_programme_is_printed_for_guests_or_for_staff_as_asked(
    demo_dir: Path, tmp_path: Path
) -> None:
    """Which copy is always said: the staff's marks who may not be photographed, the
    guests' never does, and neither is printed without the choice."""
    unsaid = print_as(demo_dir, "programme", "--out", tmp_path / "which.pdf")
    assert "--for" in assert_usage_error(unsaid)
    assert not (tmp_path / "which.pdf").exists()

    staff = tmp_path / "staff.pdf"
    result = print_as(demo_dir, "programme", "--for", "staff", "--out", staff)
    assert result.code == 0, result.err
    said = re.fullmatch(
        r"Saved the staff's programme for Spring 2026 graduation \(21 graduates, (\d+) not "
        r"to be photographed\) to .*staff\.pdf\.",
        result.out.strip(),
    )
    assert said, result.out
    text = "".join(page.extract_text() for page in PdfReader(staff).pages)
    assert "Programme for staff" in text and text.count("NO PHOTOS") == int(said[1]) + 1

    guests = tmp_path / "guests.pdf"
    assert print_as(demo_dir, "programme", "--for", "guests", "--out", guests).code == 0
    assert "NO PHOTOS" not in "".join(page.extract_text() for page in PdfReader(guests).pages)


def test_certificates_only_for_those_present_at_the_graduation(
    demo_dir: Path, tmp_path: Path
) -> None:
    target = tmp_path / "present.pdf"
    result = print_as(
        demo_dir, "certificates", "--cohort", SPRING, "--only-present", "--out", target
    )
    assert result.code == 0, result.err
    said = re.fullmatch(
        r"Saved (\d+) certificates for Crime, Justice and Society: January–March 2026 present "
        r"at the graduation to .*present\.pdf\. .*",
        result.out.strip(),
    )
    assert said and 0 < int(said[1]) < 21, result.out
    assert len(PdfReader(target).pages) == int(said[1])
