from __future__ import annotations

import uuid
from datetime import date
from pathlib import Path

import pytest

from lt_desktop.core.services.people import (
    PersonInfo,
    people_named,
    person_label,
    short_reference,
    short_references,
)
from lt_desktop.core.services.programme import CohortInfo
from lt_desktop.core.sign_in import sign_in
from lt_desktop.core.workspace import Workspace
from lt_desktop.domain.errors import ConflictError, NotFound, PermissionDenied, ValidationError
from lt_desktop.domain.vocabulary import MembershipRole, MembershipStatus, PersonBase, SiteKind
from tests.helpers.stores import ADMIN, ADMIN_PASSWORD, new_store


@pytest.fixture
def cohort(workspace: Workspace) -> CohortInfo:
    partnership = workspace.programme.add_partnership(
        name="Testbridge", prison_name="HMP Testbridge", university_name="Uni of Test"
    )
    course = workspace.programme.add_course(
        partnership_id=partnership.id, title="Criminology", accredited=True, credits=15
    )
    return workspace.programme.add_cohort(
        course_id=course.id,
        name="Spring 2026",
        starts_on=date(2026, 1, 5),
        ends_on=date(2026, 3, 16),
    )


def _people(workspace: Workspace, base: PersonBase, count: int) -> list[PersonInfo]:
    return [
        workspace.people.add_person(given_name=f"{base.value}{n}", family_name="Test", base=base)
        for n in range(count)
    ]


def test_enrolling_shows_in_the_balance_at_a_glance(
    workspace: Workspace, cohort: CohortInfo
) -> None:
    for person in _people(workspace, PersonBase.PRISON, 3) + _people(
        workspace, PersonBase.UNIVERSITY, 2
    ):
        workspace.memberships.enrol(cohort.id, person.id)
    mentor = _people(workspace, PersonBase.PRISON, 1)[0]
    workspace.memberships.enrol(cohort.id, mentor.id, role=MembershipRole.MENTOR)
    balance = workspace.memberships.balance(cohort.id)
    assert (balance.prison, balance.university, balance.total) == (3, 2, 5)
    assert balance.is_balanced and balance.describe() == "3 prison-based, 2 university-based"
    info = workspace.programme.get_cohort(cohort.id)
    assert info.balance == balance and info.staff_count == 1


def test_withdrawing_keeps_the_history_and_updates_the_balance(
    workspace: Workspace, cohort: CohortInfo
) -> None:
    person = _people(workspace, PersonBase.PRISON, 1)[0]
    member = workspace.memberships.enrol(cohort.id, person.id, on=date(2026, 1, 5))
    with pytest.raises(ValidationError, match="before the current status began"):
        workspace.memberships.withdraw(member.id, on=date(2025, 12, 1))
    workspace.memberships.change_status(
        member.id, MembershipStatus.RELEASED, on=date(2026, 2, 2), reason="Released on licence"
    )
    history = workspace.memberships.history(member.id)
    assert [(h.status, h.effective_on) for h in history] == [
        (MembershipStatus.ACTIVE, date(2026, 1, 5)),
        (MembershipStatus.RELEASED, date(2026, 2, 2)),
    ]
    assert workspace.memberships.balance(cohort.id).total == 0
    actions = [line.action for line in workspace.audit.entries()]
    assert "membership.status_changed" in actions


def test_a_person_cannot_be_enrolled_twice(workspace: Workspace, cohort: CohortInfo) -> None:
    person = _people(workspace, PersonBase.UNIVERSITY, 1)[0]
    workspace.memberships.enrol(cohort.id, person.id)
    with pytest.raises(ConflictError, match="already in this cohort"):
        workspace.memberships.enrol(cohort.id, person.id)


def test_search_finds_people_by_any_part_of_their_name(workspace: Workspace) -> None:
    workspace.people.add_person(
        given_name="Olúwadámilọ́lá",
        family_name="Adéyẹmí",
        preferred_name="Dami",
        base=PersonBase.UNIVERSITY,
    )
    workspace.people.add_person(given_name="Dominic", family_name="Ames", base=PersonBase.PRISON)
    assert [p.display_name for p in workspace.people.search("dami")] == ["Dami Adéyẹmí"]
    assert len(workspace.people.search("AM")) == 2
    assert workspace.people.search("nobody") == []


def test_a_likely_second_record_is_found_by_name_ignoring_accents_capitals_and_spaces(
    workspace: Workspace, cohort: CohortInfo
) -> None:
    first = workspace.people.add_person(
        given_name="José", family_name="da Silva", preferred_name="Zé", base=PersonBase.PRISON
    )
    workspace.memberships.enrol(cohort.id, first.id)
    workspace.people.add_person(given_name="Josefa", family_name="da Silva", base=PersonBase.PRISON)
    workspace.people.add_person(given_name="José", family_name="Silva", base=PersonBase.PRISON)
    for given, family, known_as in (
        ("jose", "DA  SILVA ", ""),
        (" JOSÉ", "da silva", ""),
        ("Joseph", "Da Silva", "ze"),  # the name they go by
    ):
        found = workspace.people.likely_duplicates(given, family, preferred_name=known_as)
        assert [d.person.id for d in found] == [first.id], (given, family, known_as)
    match = workspace.people.likely_duplicates("Jose", "da Silva")[0]
    assert match.reasons == ("same name",)
    assert match.person.places == ("Student, Spring 2026",)
    assert match.person.reference == first.id.hex[:6].upper()
    assert match.describe() == (
        f"Zé da Silva — Student, Spring 2026 · ref {match.person.reference} "
        "(full name José da Silva): same name"
    )
    assert workspace.people.likely_duplicates("Jose", "Silvas") == []
    # Renaming someone does not find them as their own double.
    assert workspace.people.likely_duplicates("José", "da Silva", ignoring=first.id) == []


def test_a_likely_second_record_is_found_by_prison_number_for_those_who_may_see_it(
    workspace: Workspace, tmp_path: Path
) -> None:
    known = workspace.people.add_person(
        given_name="Kai", family_name="Moreno", base=PersonBase.PRISON, prison_number="a1234bc"
    )
    assert workspace.people.prison_details(known.id) is not None
    found = workspace.people.likely_duplicates("Kyle", "Morris", prison_number=" A1234BC ")
    assert [(d.person.id, d.reasons) for d in found] == [(known.id, ("same prison number",))]
    assert "A1234BC" not in found[0].describe()
    both = workspace.people.likely_duplicates("Kai", "Moreno", prison_number="A1234BC")
    assert both[0].reasons == ("same name", "same prison number")
    assert workspace.people.likely_duplicates("Kyle", "Morris", prison_number="Z9999ZZ") == []
    new_store(tmp_path / "uni", site_kind=SiteKind.UNIVERSITY).close()
    with sign_in(tmp_path / "uni", ADMIN, ADMIN_PASSWORD) as university:
        with pytest.raises(PermissionDenied, match="prison's own site"):
            university.people.likely_duplicates("Kai", "Moreno", prison_number="A1234BC")
        with pytest.raises(PermissionDenied):
            university.people.add_person(
                given_name="Kai", family_name="Moreno", base=PersonBase.PRISON, prison_number="A1"
            )


def test_a_facilitator_is_warned_only_about_people_in_their_own_cohorts(
    demo: Workspace, demo_dir: Path
) -> None:
    everyone = demo.people.list_people()
    demo.close()
    with sign_in(demo_dir, "facilitator", "demo") as facilitator:
        mine = {p.id for p in facilitator.people.list_people()}
        stranger = next(p for p in everyone if p.id not in mine)
        colleague = next(p for p in everyone if p.id in mine)
        for listing, expected in ((stranger, []), (colleague, [colleague.id])):
            given, family = _names_of(listing.sort_name)
            found = facilitator.people.likely_duplicates(given, family)
            assert [d.person.id for d in found if d.person.id == listing.id] == expected


def _names_of(sort_name: str) -> tuple[str, str]:
    family, _, first = sort_name.partition(", ")
    return first, family


def test_people_of_the_same_name_are_listed_so_they_can_be_told_apart(
    workspace: Workspace, cohort: CohortInfo
) -> None:
    twins = [
        workspace.people.add_person(given_name="Sam", family_name="Lee", base=base)
        for base in (PersonBase.PRISON, PersonBase.UNIVERSITY)
    ]
    workspace.memberships.enrol(cohort.id, twins[0].id)
    workspace.memberships.enrol(cohort.id, twins[1].id, role=MembershipRole.MENTOR)
    listed = workspace.people.list_people()
    assert [p.display_name for p in listed] == ["Sam Lee", "Sam Lee"]
    labels = {p.id: p.label for p in listed}
    assert len(set(labels.values())) == 2
    for person, role in zip(twins, ("Student", "Mentor"), strict=True):
        reference = person.id.hex[:6].upper()
        assert labels[person.id] == f"Sam Lee — {role}, Spring 2026 · ref {reference}"
    for words in (p.label.casefold() for p in listed):
        assert "prison" not in words and "university" not in words


def test_a_name_typed_into_a_picker_means_one_person_only_when_it_says_which(
    workspace: Workspace, cohort: CohortInfo
) -> None:
    twins = [
        workspace.people.add_person(given_name="Sam", family_name="Lee", base=base)
        for base in (PersonBase.PRISON, PersonBase.UNIVERSITY)
    ]
    workspace.people.add_person(given_name="Zoë", family_name="Hart", base=PersonBase.PRISON)
    workspace.memberships.enrol(cohort.id, twins[1].id)
    listed = workspace.people.list_people()
    assert len(people_named(listed, "sam  LEE")) == 2
    second = next(p for p in listed if p.id == twins[1].id)
    assert people_named(listed, second.label.upper()) == [second]
    assert [p.display_name for p in people_named(listed, "zoe hart")] == ["Zoë Hart"]
    assert people_named(listed, "Sam") == [] and people_named(listed, " ") == []


def test_short_references_grow_only_where_two_would_be_the_same() -> None:
    a = uuid.UUID("12345600-0000-4000-8000-000000000001")
    b = uuid.UUID("12345610-0000-4000-8000-000000000002")
    c = uuid.UUID("abcdef00-0000-4000-8000-000000000003")
    assert short_references([a, b, c]) == {a: "1234560", b: "1234561", c: "ABCDEF"}
    assert short_reference(a) == "123456"


def test_a_long_serving_persons_line_names_only_their_latest_cohorts() -> None:
    places = ["Student, Spring 2024", "Mentor, Spring 2025", "Facilitator, Spring 2026"]
    assert person_label("Ada Obi", places, "ABC123") == (
        "Ada Obi — Mentor, Spring 2025; Facilitator, Spring 2026 and 1 earlier cohort · ref ABC123"
    )
    assert person_label("Ada Obi", [], "ABC123") == "Ada Obi — no cohort yet · ref ABC123"


def test_removing_a_person_keeps_no_personal_data_in_the_tombstone(
    workspace: Workspace, cohort: CohortInfo
) -> None:
    person = workspace.people.add_person(
        given_name="Entered", family_name="ByMistake", base=PersonBase.PRISON, notes="wrong person"
    )
    workspace.people.set_prison_details(person.id, prison_number="A1111AA")
    workspace.memberships.enrol(cohort.id, person.id)
    workspace.people.remove_person(person.id)
    assert workspace.people.list_people() == []
    assert workspace.memberships.list_members(cohort.id) == []
    with pytest.raises(NotFound):
        workspace.people.get_person(person.id)
    from lt_desktop.storage.database import INCLUDE_DELETED
    from lt_desktop.storage.models import Person, PrisonDetails

    with workspace.store.read() as session:
        tombstone = session.get(Person, person.id, execution_options={INCLUDE_DELETED: True})
        assert tombstone is not None and tombstone.deleted_at is not None
        assert (tombstone.given_name, tombstone.family_name, tombstone.notes) == ("", "", "")
        details = session.query(PrisonDetails).execution_options(**{INCLUDE_DELETED: True}).one()
        assert details.prison_number == ""


def test_cohort_dates_and_capacity_are_checked(workspace: Workspace, cohort: CohortInfo) -> None:
    with pytest.raises(ValidationError, match="cannot end before it starts"):
        workspace.programme.update_cohort(
            cohort.id,
            name="X",
            course_id=cohort.course_id,
            starts_on=date(2026, 3, 1),
            ends_on=date(2026, 1, 1),
            capacity=24,
        )
    updated = workspace.programme.update_cohort(
        cohort.id,
        name="Spring 2026 (renamed)",
        course_id=cohort.course_id,
        starts_on=cohort.starts_on,
        ends_on=cohort.ends_on,
        capacity=30,
    )
    assert (updated.name, updated.capacity) == ("Spring 2026 (renamed)", 30)


def test_weekly_sessions_are_planned_with_the_special_weeks(
    workspace: Workspace, cohort: CohortInfo
) -> None:
    sessions = workspace.programme.plan_weekly_sessions(
        cohort.id, weeks=10, first_on=date(2026, 1, 5)
    )
    assert [s.held_on for s in sessions][:2] == [date(2026, 1, 5), date(2026, 1, 12)]
    kinds = [s.kind.value for s in sessions]
    assert (
        kinds[4] == "writing_workshop" and kinds[8] == "group_project" and kinds[9] == "graduation"
    )
