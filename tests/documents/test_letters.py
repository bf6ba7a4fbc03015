"""Offer, waiting-list and decline letters, made from the demo store and read back from
the PDF as an applicant would read them."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import pytest
from pypdf import PdfReader

from lt_desktop.core.services.applications import ApplicationLetter
from lt_desktop.core.workspace import Workspace
from lt_desktop.documents.letters import TITLES, write_letters
from lt_desktop.documents.template import PaperSize
from lt_desktop.domain.errors import ValidationError
from lt_desktop.domain.vocabulary import ApplicationDecision, PersonBase

COHORT = "September–December 2026"
KINDS = [
    ApplicationDecision.OFFERED,
    ApplicationDecision.WAITING_LIST,
    ApplicationDecision.DECLINED,
]
#: Words that would say where someone is based, or come from the prison-only details.
TELLING = re.compile(
    r"\b(prison\w*|universit\w*|inmates?|offenders?|[\w-]*based|wing|clearance|security"
    r"|release\w*|HMP|cell)\b",
    re.IGNORECASE,
)


def _pages(path: Path) -> list[str]:
    return [page.extract_text() for page in PdfReader(path).pages]


def _cohort_id(demo: Workspace) -> object:
    return next(c.id for c in demo.programme.list_cohorts() if c.name == COHORT)


@pytest.fixture
def offers(demo: Workspace) -> Workspace:
    """The demo's second cohort made two places larger, and one person from each side of
    its waiting list offered a place."""
    cohort = demo.programme.get_cohort(_cohort_id(demo))  # type: ignore[arg-type]
    demo.programme.update_cohort(
        cohort.id,
        name=cohort.name,
        course_id=cohort.course_id,
        starts_on=cohort.starts_on,
        ends_on=cohort.ends_on,
        capacity=cohort.capacity + 2,
    )
    waiting = [
        r
        for r in demo.applications.list_applications(cohort.id)
        if r.decision is ApplicationDecision.WAITING_LIST
    ]
    for base in (PersonBase.PRISON, PersonBase.UNIVERSITY):
        row = next(r for r in waiting if demo.people.get_person(r.person_id).base is base)
        demo.applications.decide(row.id, ApplicationDecision.OFFERED, on=date(2026, 11, 20))
    return demo


def _prison_details(demo: Workspace) -> list[str]:
    details = []
    for row in demo.applications.list_applications(_cohort_id(demo)):  # type: ignore[arg-type]
        found = demo.people.prison_details(row.person_id)
        if found is not None:
            details += [found.prison_number, found.location, found.security_notes]
            if found.release_date:
                details.append(f"{found.release_date:%B %Y}")
    return [d for d in details if d]


@pytest.mark.parametrize("kind", KINDS)
def test_a_letter_reads_the_same_wherever_the_applicant_is_based(
    offers: Workspace, tmp_path: Path, kind: ApplicationDecision
) -> None:
    demo = offers
    rows = [
        row
        for row in demo.applications.list_applications(_cohort_id(demo))  # type: ignore[arg-type]
        if row.decision is kind
    ]
    chosen = [
        next(r for r in rows if demo.people.get_person(r.person_id).base is base)
        for base in (PersonBase.PRISON, PersonBase.UNIVERSITY)
    ]
    letters = [demo.applications.letter(row.id) for row in chosen]
    details = _prison_details(demo)
    assert details  # the demo keeps prison-only details for its prison-based applicants
    in_prison, elsewhere = letters
    number = demo.people.prison_details(chosen[0].person_id).prison_number  # type: ignore[union-attr]
    # The prison's mail needs the name, prison number and prison; anyone else's letter
    # is addressed by name alone.
    assert in_prison.address[1:] == (number, "HMP Northfield")
    assert len(elsewhere.address) == 1
    texts = []
    for letter in letters:
        target = tmp_path / f"{letter.name}.pdf"
        write_letters(target, [letter])
        (text,) = _pages(target)
        assert TITLES[kind] in text and f"Dear {letter.first_name}," in text
        lines = text.splitlines()
        assert all(line in lines for line in letter.address)
        # Only the address block may tell where the person is.
        text = "\n".join(line for line in lines if line not in letter.address)
        assert not TELLING.search(text), TELLING.search(text)
        assert not [d for d in details if d in text]
        # Only the name, and a decline's own reason, may differ.
        words = " ".join(text.split()).replace(" ".join(letter.reason.split()) or "\0", "REASON")
        texts.append(words.replace(letter.name, "NAME").replace(letter.first_name, "FIRST"))
    assert texts[0] == texts[1]


def test_a_letter_is_headed_with_the_partnerships_logo_and_return_address(
    demo: Workspace, tmp_path: Path
) -> None:
    """The demo partnership has a logo and a return address; a letter carries both, and
    nothing of the software: no footer, page number or date made."""
    (letter, *_) = demo.applications.letters(
        _cohort_id(demo),  # type: ignore[arg-type]
        ApplicationDecision.WAITING_LIST,
    )
    target = tmp_path / "letter.pdf"
    write_letters(target, [letter])
    (text,) = _pages(target)
    assert "PO Box 2015\nEastbridge EB1 9LT" in text
    assert not re.search(r"LT Desktop|Page \d|\bmade\b", text), text
    (image,) = PdfReader(target).pages[0].images
    assert image.image is not None and image.image.size == (600, 200)


def test_each_letter_says_what_it_must_in_plain_warm_words(
    offers: Workspace, tmp_path: Path
) -> None:
    demo = offers
    cohort_id = _cohort_id(demo)
    offer, waiting, declined = (
        demo.applications.letters(cohort_id, kind)[0]  # type: ignore[arg-type]
        for kind in KINDS
    )
    for letter in (offer, waiting, declined):
        write_letters(tmp_path / f"{letter.kind.value}.pdf", [letter])
    offer_text, waiting_text, declined_text = (
        " ".join(_pages(tmp_path / f"{kind.value}.pdf")).replace("\n", " ") for kind in KINDS
    )
    assert "delighted to offer you a place" in offer_text
    assert f"Please reply by {offer.reply_by:%A} {offer.reply_by.day}" in offer_text  # type: ignore[union-attr]
    assert "Monday 14 September 2026 to Monday 30 November 2026" in offer_text
    # The place came free once the course had begun: a week to answer, and help to catch up.
    assert "The course began on Monday 14 September 2026" in offer_text
    assert offer.reply_by == date(2026, 11, 27)
    assert "waiting list" in waiting_text and "says nothing against you" in waiting_text
    assert "cannot offer you a place" in declined_text
    assert declined.reason and declined.reason in declined_text
    assert "not a judgement on you" in declined_text
    for text in (offer_text, waiting_text, declined_text):
        assert "With warm wishes" in text and "Northfield and Eastbridge Learning Together" in text


def test_a_run_of_letters_is_one_pdf_a_page_each(demo: Workspace, tmp_path: Path) -> None:
    letters = demo.applications.letters(_cohort_id(demo), ApplicationDecision.WAITING_LIST)  # type: ignore[arg-type]
    target = tmp_path / "waiting.pdf"
    write_letters(target, letters, paper=PaperSize.LETTER)
    pages = _pages(target)
    assert len(pages) == len(letters) == 4
    for page, letter in zip(pages, letters, strict=True):
        assert f"Dear {letter.first_name}," in page and letter.name in page
    width, height = PdfReader(target).pages[0].mediabox.upper_right
    assert (round(float(width)), round(float(height))) == (612, 792)
    with pytest.raises(ValidationError, match="no letters"):
        write_letters(tmp_path / "none.pdf", [])
    assert not (tmp_path / "none.pdf").exists()


def test_a_letter_is_only_for_a_decision_staff_have_made(tmp_path: Path) -> None:
    letter = ApplicationLetter(
        kind=ApplicationDecision.PENDING,
        name="Ada Applicant",
        first_name="Ada",
        course_title="Philosophy",
        cohort_name="Spring",
        partnership_name="Testbridge Learning Together",
        starts_on=date(2027, 2, 1),
        ends_on=date(2027, 5, 10),
        written_on=date(2026, 11, 20),
        reply_by=None,
        reason="",
        signed_by="Ada Administrator",
    )
    with pytest.raises(ValidationError, match="offers, the waiting list and declines"):
        write_letters(tmp_path / "pending.pdf", [letter])
    assert not (tmp_path / "pending.pdf").exists()
