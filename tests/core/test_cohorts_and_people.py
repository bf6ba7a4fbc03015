from __future__ import annotations

from datetime import date

import pytest

from lt_desktop.core.errors import ConflictError, NotFound, ValidationError
from lt_desktop.core.services.people import PersonInfo
from lt_desktop.core.services.programme import CohortInfo
from lt_desktop.core.vocabulary import MembershipRole, MembershipStatus, PersonBase
from lt_desktop.core.workspace import Workspace


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
