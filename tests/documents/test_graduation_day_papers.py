"""The papers of the graduation day, read back from the PDF as people read them: the
certificates a graduate keeps (no software, no prison unless it signs, the signatories
and the logo), the staff's programme and guest list marking who may not be
photographed (the guests' programme never does), and certificates for those present."""

from __future__ import annotations

import re
import uuid
from datetime import date
from pathlib import Path

import pytest
from pypdf import PdfReader

from lt_desktop.core.workspace import Workspace
from lt_desktop.documents.certificates import write_certificates
from lt_desktop.documents.graduation import write_guest_list, write_programme
from lt_desktop.domain.errors import ValidationError
from lt_desktop.domain.vocabulary import ConsentScope

#: What software puts on a page, which a certificate or letter must not carry.
SOFTWARE = re.compile(r"LT Desktop|Page \d+|\bmade\b")


def text_of(pdf: Path) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(pdf).pages)


def flat(text: str) -> str:
    return " ".join(text.split())


def _spring(demo: Workspace) -> uuid.UUID:
    return next(c.id for c in demo.programme.list_cohorts() if c.name.startswith("January"))


def test_a_certificate_names_the_prison_only_where_the_prison_signs(
    demo: Workspace, tmp_path: Path
) -> None:
    partnership = demo.programme.list_partnerships()[0].id
    off = tmp_path / "off.pdf"
    write_certificates(off, demo.documents.issue_certificates(_spring(demo)).certificates[:1])
    text = text_of(off)
    assert not SOFTWARE.search(text), SOFTWARE.search(text)
    for never in ("HMP", "Northfield", "prison", "Janet Fraser", "Head of Learning and Skills"):
        assert never not in text, never
    assert "Dr Amara Osei Academic Lead, Learning Together For University of Eastbridge" in flat(
        text
    )

    demo.stationery.set_stationery(
        partnership,
        prison_signature_on_certificates=True,
        university_signatory="Dr Amara Osei",
        university_signatory_title="Academic Lead, Learning Together",
        prison_signatory="Janet Fraser",
        prison_signatory_title="Head of Learning and Skills",
    )
    on = tmp_path / "on.pdf"
    write_certificates(on, demo.documents.issue_certificates(_spring(demo)).certificates[:1])
    text = text_of(on)
    assert not SOFTWARE.search(text)
    assert "Janet Fraser Head of Learning and Skills For HMP Northfield" in flat(text)
    assert "For University of Eastbridge" in text
    assert "studied together in the Northfield and Eastbridge Learning Together partnership" in text


def test_a_certificate_without_a_logo_or_names_still_has_its_lines(
    demo: Workspace, tmp_path: Path
) -> None:
    partnership = demo.programme.list_partnerships()[0].id
    demo.stationery.remove_logo(partnership)
    demo.stationery.set_stationery(partnership, prison_signature_on_certificates=False)
    target = tmp_path / "plain.pdf"
    write_certificates(target, demo.documents.issue_certificates(_spring(demo)).certificates[:2])
    reader = PdfReader(target)
    assert all(not page.images for page in reader.pages)
    assert all("For University of Eastbridge" in page.extract_text() for page in reader.pages)


def test_the_staff_programme_marks_who_may_not_be_photographed_and_the_guests_never_do(
    demo: Workspace, tmp_path: Path
) -> None:
    (event,) = demo.documents.list_events()
    guests_copy = demo.documents.graduation_programme(event.id)
    staff_copy = demo.documents.graduation_programme(event.id, for_staff=True)
    assert guests_copy.graduates == staff_copy.graduates and len(staff_copy.graduates) == 21
    # The service never gives the guests' copy who may not be photographed.
    assert guests_copy.no_photos == () and not guests_copy.not_photographed
    marked = staff_copy.not_photographed
    people = {m.display_name: m.person_id for m in demo.memberships.list_members(_spring(demo))}
    for name in staff_copy.graduates:
        states = {s.scope: s for s in demo.consent.states(people[name])}
        assert (name in marked) is not states[ConsentScope.GRADUATION_PHOTOS].active, name
    assert marked  # the demo has graduates who did not consent

    write_programme(tmp_path / "guests.pdf", guests_copy)
    write_programme(tmp_path / "staff.pdf", staff_copy)
    for_guests = flat(text_of(tmp_path / "guests.pdf"))
    for_staff = flat(text_of(tmp_path / "staff.pdf"))
    assert "NO PHOTOS" not in for_guests and "photograph" not in for_guests.casefold()
    assert "for staff" not in for_guests.casefold()
    assert "Programme for staff: not to be handed to guests" in for_staff
    assert f"{len(marked)} of the 21 graduates have not consented to being photographed" in (
        for_staff
    )
    assert for_staff.count("NO PHOTOS") == len(marked) + 1  # each, and the note above
    for name in marked:
        assert f"{name} NO PHOTOS" in for_staff


def test_the_guest_list_marks_guests_and_students_not_to_be_photographed(
    demo: Workspace, tmp_path: Path
) -> None:
    (event,) = demo.documents.list_events()
    guests = demo.documents.guest_list(event.id)
    (asked,) = [g for g in guests.guests if g.no_photos]
    inviters = {g.guest_of for g in guests.guests if g.guest_of_no_photos}
    assert inviters and inviters <= set(guests.not_photographed)
    target = tmp_path / "guests.pdf"
    write_guest_list(target, guests)
    text = text_of(target)
    family, given = asked.name.split()[-1], " ".join(asked.name.split()[:-1])
    assert f"{family}, {given} NO PHOTOS" in flat(text)
    for inviter in inviters:
        assert f"{inviter} NO PHOTOS" in flat(text)
    listed = flat(text.split("Graduates not to be photographed")[1])
    assert all(name in listed for name in guests.not_photographed)

    # A guest's wish is changed like any of their details.
    demo.graduation.update_guest(
        next(g.id for g in demo.graduation.details(event.id).guests if g.name == asked.name),
        name=asked.name,
        category=asked.category,
        relationship=asked.relationship,
        invited_by_id=next(
            g.invited_by_id
            for g in demo.graduation.details(event.id).guests
            if g.name == asked.name
        ),
        notes="",
        no_photos=False,
    )
    assert not any(g.no_photos for g in demo.documents.guest_list(event.id).guests)


def test_certificates_can_be_limited_to_those_present(demo: Workspace, tmp_path: Path) -> None:
    (event,) = demo.graduation.list_events()
    graduates = [g for g in demo.graduation.details(event.id).graduates if g.completed]
    came = {g.name for g in graduates if g.attended}
    assert 0 < len(came) < len(graduates)  # the demo's register says some could not come

    batch = demo.documents.issue_certificates(_spring(demo), only_present=True)
    assert {c.student_name for c in batch.certificates} == came
    issued = demo.graduation.issue_certificates(event.id, only_present=True)
    assert {c.student_name for c in issued.certificates} == came
    target = tmp_path / "present.pdf"
    write_certificates(target, issued.certificates)
    assert len(PdfReader(target).pages) == len(came)
    entry = demo.audit.entries(action="graduation.certificates_issued")[0]
    assert entry.details["only_present"] is True

    # Nobody ticked as having come: said plainly, nothing printed.
    for graduate in graduates:
        demo.graduation.record_attendance(
            event.id, students={graduate.membership_id: False}, today=date(2026, 11, 23)
        )
    with pytest.raises(ValidationError, match="marked present at its graduation"):
        demo.documents.issue_certificates(_spring(demo), only_present=True)
    with pytest.raises(ValidationError, match="ticked as having come to this graduation"):
        demo.graduation.issue_certificates(event.id, only_present=True)
