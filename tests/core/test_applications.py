"""Applications: one process for everyone, assessed on motivation, decided with the
cohort's balance in view, and an accepted offer enrolling the person in one step."""

from __future__ import annotations

import dataclasses
from datetime import date
from pathlib import Path

import pytest

from lt_desktop.core.services.applications import (
    DEFAULT_RUBRIC,
    ApplicationDetail,
    ApplicationLetter,
    ApplicationRow,
    ApplicationToAssess,
    AssessmentItem,
    NewApplicant,
    application_reference,
    default_criterion_id,
    rank_key,
)
from lt_desktop.core.services.programme import CohortInfo
from lt_desktop.core.services.settings import BLIND_ASSESSMENT
from lt_desktop.core.sign_in import sign_in
from lt_desktop.core.workspace import Workspace
from lt_desktop.domain.errors import ConflictError, PermissionDenied, ValidationError
from lt_desktop.domain.roles import Role
from lt_desktop.domain.vocabulary import (
    ApplicationDecision,
    MembershipRole,
    MembershipStatus,
    PersonBase,
)
from lt_desktop.storage.models import ApplicationScore, Membership
from tests.helpers.stores import ADMIN, ADMIN_PASSWORD, add_account, sign_in_as

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64

OFFERED, WAITING, DECLINED = (
    ApplicationDecision.OFFERED,
    ApplicationDecision.WAITING_LIST,
    ApplicationDecision.DECLINED,
)


@pytest.fixture
def cohort(workspace: Workspace) -> CohortInfo:
    partnership = workspace.programme.add_partnership(
        name="Testbridge Learning Together",
        prison_name="HMP Testbridge",
        university_name="University of Test",
    )
    course = workspace.programme.add_course(partnership_id=partnership.id, title="Philosophy")
    return workspace.programme.add_cohort(
        course_id=course.id,
        name="February–May 2027",
        starts_on=date(2027, 2, 1),
        ends_on=date(2027, 5, 10),
        capacity=4,
    )


def _apply(
    workspace: Workspace, cohort: CohortInfo, given: str, base: PersonBase, statement: str = ""
) -> ApplicationRow:
    return workspace.applications.record_application(
        cohort.id,
        new_person=NewApplicant(given, "Applicant", base),
        received_on=date(2026, 11, 2),
        motivation_statement=statement or f"{given} would like to learn with others.",
        heard_about="A poster",
        availability="Tuesday afternoons",
    )


def _score_all(workspace: Workspace, application_id: object, value: int) -> None:
    rubric = workspace.applications.rubric()
    workspace.applications.score(application_id, {c.id: value for c in rubric})  # type: ignore[arg-type]


def _decision(workspace: Workspace, cohort: CohortInfo, name: str) -> ApplicationDecision:
    row = next(r for r in workspace.applications.list_applications(cohort.id) if r.name == name)
    return row.decision


def test_no_record_an_application_view_or_letter_is_built_from_holds_a_base() -> None:
    for shape in (ApplicationRow, ApplicationDetail, AssessmentItem, ApplicationToAssess):
        names = {f.name for f in dataclasses.fields(shape)}
        assert not {n for n in names if "base" in n or "prison" in n}, shape
    letter_fields = {f.name for f in dataclasses.fields(ApplicationLetter)}
    assert not {n for n in letter_fields if "base" in n or "prison" in n or "clearance" in n}


def test_a_new_store_starts_with_a_rubric_about_motivation_to_learn(
    workspace: Workspace, cohort: CohortInfo
) -> None:
    rubric = workspace.applications.rubric()
    assert [c.name for c in rubric] == [name for name, _ in DEFAULT_RUBRIC]
    assert all(c.guidance and c.active for c in rubric)
    assert not any("qualification" in c.name.casefold() for c in rubric)
    # Read before it is stored; stored, with the same ids, when first used.
    assert workspace.stats.counts()["rubric_criteria"] == 0
    application = _apply(workspace, cohort, "Ada", PersonBase.PRISON)
    _score_all(workspace, application.id, 4)
    assert workspace.stats.counts()["rubric_criteria"] == len(DEFAULT_RUBRIC)
    assert [c.id for c in workspace.applications.rubric()] == [
        default_criterion_id(n) for n in range(1, len(DEFAULT_RUBRIC) + 1)
    ]


def test_recording_keeps_the_paper_form_and_refuses_a_second_application(
    workspace: Workspace, cohort: CohortInfo
) -> None:
    row = _apply(workspace, cohort, "Ada", PersonBase.PRISON, "I want to read and argue.")
    assert row.decision is ApplicationDecision.PENDING and row.score is None
    assert row.reference == application_reference(row.id) and len(row.reference) == 10
    workspace.applications.attach_scan(row.id, "ada-form.png", PNG)
    detail = workspace.applications.application(row.id)
    assert detail.row.scans == 1 and detail.scans[0].filename == "ada-form.png"
    assert workspace.applications.scan_data(detail.scans[0].id) == PNG
    with pytest.raises(ValidationError, match="PNG or JPEG"):
        workspace.applications.attach_scan(row.id, "notes.txt", b"hello")
    with pytest.raises(ValidationError, match="already applied"):
        workspace.applications.record_application(cohort.id, person_id=row.person_id)
    # The person is one of the site's people, like anyone else.
    assert row.person_id in {p.id for p in workspace.people.list_people()}


def test_scores_are_one_to_five_for_every_criterion_and_two_assessors_at_most(
    workspace: Workspace, cohort: CohortInfo, store_dir: Path
) -> None:
    application = _apply(workspace, cohort, "Ada", PersonBase.UNIVERSITY)
    rubric = workspace.applications.rubric()
    with pytest.raises(ValidationError, match="Give a score for"):
        workspace.applications.score(application.id, {rubric[0].id: 3})
    with pytest.raises(ValidationError, match="from 1 to 5"):
        workspace.applications.score(application.id, {c.id: 6 for c in rubric})
    mine = workspace.applications.score(
        application.id, {c.id: 3 for c in rubric}, {rubric[1].id: "Says little about others."}
    )
    assert mine.mine is not None and mine.mine.total == 3 * len(rubric) and mine.mine.complete
    # Changed until a decision is made; still one assessment.
    again = workspace.applications.score(
        application.id, {c.id: 4 for c in rubric}, {rubric[0].id: "Curious throughout."}
    )
    assert again.mine is not None and again.mine.total == 4 * len(rubric)
    for name in ("second", "third"):
        add_account(workspace, name, Role.EDUCATION_STAFF)
    workspace.close()
    with sign_in_as(store_dir, "second") as second:
        assert second.applications.open_for_assessment(application.id).mine is None
        _score_all(second, application.id, 2)
    with sign_in_as(store_dir, "third") as third:
        opened = third.applications.open_for_assessment(application.id)
        assert opened.other_assessors == 2 and not opened.may_score
        with pytest.raises(ValidationError, match="assessed by 2 people already"):
            _score_all(third, application.id, 5)
    with sign_in(store_dir, ADMIN, ADMIN_PASSWORD) as admin:
        row = admin.applications.list_applications(cohort.id)[0]
        assert row.assessors == 2 and row.score == (4 + 2) * len(rubric) / 2
        detail = admin.applications.application(application.id)
        assert [a.assessor_name for a in detail.assessments] == ["Ada Administrator", "Second"]
        # The second scoring replaced the first, notes included.
        assert detail.assessments[0].notes == {rubric[0].id: "Curious throughout."}
        admin.applications.decide(application.id, WAITING)
        with pytest.raises(ValidationError, match="scores are final"):
            _score_all(admin, application.id, 5)
        actions = [e.action for e in admin.audit.entries(action="application.")]
        assert actions.count("application.scored") == 2 and "application.rescored" in actions


def test_blind_assessment_hides_the_name_and_everything_around_the_statement(
    workspace: Workspace, cohort: CohortInfo
) -> None:
    application = _apply(workspace, cohort, "Ada", PersonBase.PRISON, "I want to learn.")
    workspace.applications.attach_scan(application.id, "Ada Applicant form.png", PNG)
    seen = workspace.applications.open_for_assessment(application.id)
    assert seen.name == "Ada Applicant" and seen.heard_about == "A poster" and not seen.blind

    workspace.settings.set_switch(BLIND_ASSESSMENT, True)
    blind = workspace.applications.open_for_assessment(application.id)
    assert blind.blind and blind.name is None
    assert (blind.heard_about, blind.availability, blind.adjustments) == (None, None, None)
    assert blind.motivation_statement == "I want to learn."
    assert [s.filename for s in blind.scans] == [f"{application.reference}-scan-1.png"]
    items = workspace.applications.assessment_list(cohort.id)
    assert [(i.reference, i.name) for i in items] == [(application.reference, None)]
    assert "Ada" not in repr(blind) + repr(items)
    assert workspace.applications.assessment_scan(application.id, blind.scans[0].id) == PNG
    audit = workspace.audit.entries(action="setting.changed")[0]
    assert audit.subject_id == BLIND_ASSESSMENT and audit.details["after"] is True


def test_assessors_reach_only_the_statements_of_their_own_cohorts(
    workspace: Workspace, cohort: CohortInfo, store_dir: Path
) -> None:
    application = _apply(workspace, cohort, "Ada", PersonBase.PRISON)
    facilitator = workspace.people.add_person(
        given_name="Fay", family_name="Facilitator", base=PersonBase.UNIVERSITY
    )
    add_account(workspace, "fay", Role.FACILITATOR, person_id=facilitator.id)
    add_account(workspace, "mark", Role.MARKER)
    workspace.close()
    with sign_in_as(store_dir, "fay") as fay:
        with pytest.raises(PermissionDenied, match="not one of yours"):
            fay.applications.assessment_list(cohort.id)
        with pytest.raises(PermissionDenied, match="not one of yours"):
            fay.applications.open_for_assessment(application.id)
    with sign_in(store_dir, ADMIN, ADMIN_PASSWORD) as admin:
        admin.memberships.enrol(cohort.id, facilitator.id, role=MembershipRole.FACILITATOR)
    with sign_in_as(store_dir, "fay") as fay:
        assert [i.id for i in fay.applications.assessment_list(cohort.id)] == [application.id]
        _score_all(fay, application.id, 5)
        for forbidden in (
            lambda: fay.applications.list_applications(cohort.id),
            lambda: fay.applications.application(application.id),
            lambda: fay.applications.decide(application.id, OFFERED),
            lambda: fay.applications.letter(application.id),
            lambda: fay.applications.add_criterion("Spelling"),
            lambda: fay.settings.set_switch(BLIND_ASSESSMENT, False),
        ):
            with pytest.raises(PermissionDenied):
                forbidden()
    with sign_in_as(store_dir, "mark") as marker:
        with pytest.raises(PermissionDenied, match="assess applications"):
            marker.applications.assessment_list(cohort.id)


def test_deciding_shows_capacity_and_balance_and_a_decline_needs_a_kind_reason(
    workspace: Workspace, cohort: CohortInfo
) -> None:
    rows = [
        _apply(workspace, cohort, name, base)
        for name, base in [
            ("Ada", PersonBase.PRISON),
            ("Ben", PersonBase.PRISON),
            ("Cal", PersonBase.PRISON),
            ("Dee", PersonBase.UNIVERSITY),
            ("Eve", PersonBase.UNIVERSITY),
        ]
    ]
    places = workspace.applications.places(cohort.id)
    assert (places.capacity, places.target, places.free) == (4, 2, 4)
    for row in rows[:3]:
        workspace.applications.decide(row.id, OFFERED, on=date(2026, 11, 20))
    places = workspace.applications.places(cohort.id)
    assert (places.offered.prison, places.offered.university, places.free) == (3, 0, 1)
    assert places.describe().endswith("3 more university-based would balance it.")
    workspace.applications.decide(rows[3].id, OFFERED)
    with pytest.raises(ValidationError, match="All 4 places are taken or offered"):
        workspace.applications.decide(rows[4].id, OFFERED)
    # Until the applicant answers, a decision can change (an offer made in error).
    workspace.applications.decide(rows[2].id, WAITING)
    workspace.applications.decide(rows[4].id, OFFERED)
    with pytest.raises(ValidationError, match="kind and plain"):
        workspace.applications.decide(rows[2].id, DECLINED, reason="  ")
    declined = workspace.applications.decide(
        rows[2].id, DECLINED, reason="We had many more applications than places."
    )
    assert declined.decision_reason == "We had many more applications than places."
    places = workspace.applications.places(cohort.id)
    assert places.promised.is_balanced and places.free == 0
    assert places.describe().startswith("4 places: 0 taken, 4 offered")


def test_accepting_an_offer_enrols_in_one_audited_step(
    workspace: Workspace, cohort: CohortInfo
) -> None:
    row = _apply(workspace, cohort, "Ada", PersonBase.PRISON)
    with pytest.raises(ValidationError, match="Only an offer"):
        workspace.applications.answer_offer(row.id, accepted=True)
    workspace.applications.decide(row.id, OFFERED, on=date(2026, 11, 20))
    accepted = workspace.applications.answer_offer(row.id, accepted=True, on=date(2026, 11, 25))
    assert accepted.decision is ApplicationDecision.ACCEPTED
    assert accepted.answered_on == date(2026, 11, 25)
    members = workspace.memberships.list_members(cohort.id)
    assert [(m.person_id, m.role, m.status) for m in members] == [
        (row.person_id, MembershipRole.STUDENT, MembershipStatus.ACTIVE)
    ]
    history = workspace.memberships.history(members[0].id)
    assert [(h.status, h.reason) for h in history] == [
        (MembershipStatus.ACTIVE, "Accepted the offer of a place")
    ]
    places = workspace.applications.places(cohort.id)
    assert (places.taken.prison, places.offered.total, places.free) == (1, 0, 3)
    newest = [e.action for e in workspace.audit.entries(limit=2)]
    assert newest == ["application.offer_accepted", "membership.enrolled"]
    with pytest.raises(ValidationError, match="closed"):
        workspace.applications.decide(row.id, DECLINED, reason="A mistake")


def test_an_acceptance_that_cannot_enrol_changes_nothing(
    workspace: Workspace, cohort: CohortInfo
) -> None:
    row = _apply(workspace, cohort, "Ada", PersonBase.PRISON)
    workspace.applications.decide(row.id, OFFERED)
    workspace.memberships.enrol(cohort.id, row.person_id, role=MembershipRole.MENTOR)
    audited = workspace.audit.count()
    with pytest.raises(ConflictError, match="already in this cohort"):
        workspace.applications.answer_offer(row.id, accepted=True)
    assert _decision(workspace, cohort, "Ada Applicant") is OFFERED
    assert [m.role for m in workspace.memberships.list_members(cohort.id)] == [
        MembershipRole.MENTOR
    ]
    assert workspace.audit.count() == audited
    with workspace.store.read() as session:
        assert session.query(Membership).count() == 1


def test_a_freed_place_goes_to_the_waiting_list_keeping_the_balance(
    workspace: Workspace, cohort: CohortInfo
) -> None:
    # Four places, offered two and two; three people waiting.
    offered = {
        name: _apply(workspace, cohort, name, base)
        for name, base in [
            ("Ada", PersonBase.PRISON),
            ("Ben", PersonBase.PRISON),
            ("Dee", PersonBase.UNIVERSITY),
            ("Eve", PersonBase.UNIVERSITY),
        ]
    }
    waiting = {
        name: _apply(workspace, cohort, name, base)
        for name, base in [
            ("Pat", PersonBase.PRISON),  # the best assessed of those waiting
            ("Uma", PersonBase.UNIVERSITY),
            ("Una", PersonBase.UNIVERSITY),
        ]
    }
    for name, score in [("Pat", 5), ("Uma", 3), ("Una", 4)]:
        _score_all(workspace, waiting[name].id, score)
    for row in offered.values():
        workspace.applications.decide(row.id, OFFERED)
    for row in waiting.values():
        workspace.applications.decide(row.id, WAITING)
    nothing = workspace.applications.offer_free_places(cohort.id)
    assert nothing.offered == [] and nothing.still_waiting == 3

    # A university-based student turns the place down: it goes to the best-assessed
    # university-based person waiting, ahead of a better-assessed prison-based one.
    workspace.applications.answer_offer(offered["Eve"].id, accepted=False)
    result = workspace.applications.offer_free_places(cohort.id, on=date(2026, 12, 1))
    assert [r.name for r in result.offered] == ["Una Applicant"]
    assert result.offered[0].decision is OFFERED and result.offered[0].decided_on == date(
        2026, 12, 1
    )
    assert (result.still_free, result.still_waiting, result.held_for_balance) == (0, 2, 0)
    assert workspace.applications.places(cohort.id).promised.is_balanced

    # A prison-based student withdraws after enrolling: Pat is offered the place.
    workspace.applications.answer_offer(offered["Ada"].id, accepted=True)
    member = next(
        m
        for m in workspace.memberships.list_members(cohort.id)
        if m.person_id == offered["Ada"].person_id
    )
    workspace.memberships.withdraw(member.id, reason="Moved away")
    result = workspace.applications.offer_free_places(cohort.id)
    assert [r.name for r in result.offered] == ["Pat Applicant"]

    # With no prison-based person left waiting, a place freed on that side stays free
    # rather than tipping the balance; staff decide what to do with it.
    workspace.applications.answer_offer(offered["Ben"].id, accepted=False)
    result = workspace.applications.offer_free_places(cohort.id)
    assert result.offered == [] and result.held_for_balance == 1
    assert _decision(workspace, cohort, "Uma Applicant") is WAITING
    entries = workspace.audit.entries(action="application.decided", limit=3)
    assert [e.details.get("from_waiting_list") for e in entries[:2]] == [True, True]


def test_the_rubric_is_the_administrators_to_change(
    workspace: Workspace, cohort: CohortInfo, store_dir: Path
) -> None:
    rubric = workspace.applications.rubric()
    added = workspace.applications.add_criterion(
        "Hopes for the group", "What the person hopes to bring to their small group."
    )
    assert added.position == len(rubric) + 1
    moved = workspace.applications.move_criterion(added.id, -1)
    assert [c.id for c in moved][-2:] == [added.id, rubric[-1].id]
    workspace.applications.change_criterion(
        rubric[0].id, name=rubric[0].name, guidance="Reworded.", active=False
    )
    now = workspace.applications.rubric()
    assert rubric[0].id not in {c.id for c in now} and added.id in {c.id for c in now}
    assert len(workspace.applications.rubric(include_inactive=True)) == len(rubric) + 1
    # Scoring asks for the active criteria only.
    application = _apply(workspace, cohort, "Ada", PersonBase.PRISON)
    _score_all(workspace, application.id, 3)
    with workspace.store.read() as session:
        given = {s.criterion_id for s in session.query(ApplicationScore)}
    assert given == {c.id for c in now}
    add_account(workspace, "staffer", Role.EDUCATION_STAFF)
    workspace.close()
    with sign_in_as(store_dir, "staffer") as staff:
        with pytest.raises(PermissionDenied, match="change settings"):
            staff.applications.change_criterion(added.id, name="X", guidance="", active=True)
        assert [c.id for c in staff.applications.rubric()] == [c.id for c in now]


def test_a_statement_once_assessed_cannot_be_rewritten(
    workspace: Workspace, cohort: CohortInfo
) -> None:
    row = _apply(workspace, cohort, "Ada", PersonBase.PRISON, "First words.")
    workspace.applications.update_application(
        row.id, received_on=row.received_on, motivation_statement="Corrected words."
    )
    _score_all(workspace, row.id, 3)
    with pytest.raises(ValidationError, match="can no longer be changed"):
        workspace.applications.update_application(
            row.id, received_on=row.received_on, motivation_statement="New words."
        )
    changed = workspace.applications.update_application(
        row.id,
        received_on=date(2026, 11, 3),
        motivation_statement="Corrected words.",
        adjustments="Large print, please.",
    )
    assert changed.received_on == date(2026, 11, 3)
    assert workspace.applications.application(row.id).adjustments == "Large print, please."


def test_letters_read_the_same_whoever_the_applicant_is(
    workspace: Workspace, cohort: CohortInfo
) -> None:
    prison = _apply(workspace, cohort, "Ada", PersonBase.PRISON)
    university = _apply(workspace, cohort, "Dee", PersonBase.UNIVERSITY)
    for row in (prison, university):
        workspace.applications.decide(row.id, OFFERED, on=date(2026, 11, 20))
    one, other = (workspace.applications.letter(r.id) for r in (prison, university))
    assert dataclasses.replace(one, name="", first_name="", address=()) == dataclasses.replace(
        other, name="", first_name="", address=()
    )
    # Only where the letter goes differs: a prison's mail needs the prison's name.
    assert one.address == ("Ada Applicant", "HMP Testbridge")
    assert other.address == ("Dee Applicant",)
    assert one.reply_by == date(2026, 12, 4) and one.course_title == "Philosophy"
    letters = workspace.applications.letters(cohort.id, OFFERED)
    assert [letter.name for letter in letters] == ["Ada Applicant", "Dee Applicant"]
    with pytest.raises(ValidationError, match="Letters are written"):
        workspace.applications.letters(cohort.id, ApplicationDecision.PENDING)


def test_the_demo_has_a_whole_application_round(demo: Workspace) -> None:
    cohort = next(c for c in demo.programme.list_cohorts() if c.name.startswith("September"))
    rows = demo.applications.list_applications(cohort.id)
    decisions = {d: sum(1 for r in rows if r.decision is d) for d in ApplicationDecision}
    assert decisions[ApplicationDecision.ACCEPTED] == 24 and decisions[WAITING] == 4
    assert decisions[DECLINED] == 2 and all(
        r.decision_reason for r in rows if r.decision is DECLINED
    )
    assert decisions[ApplicationDecision.OFFER_DECLINED] == 1
    assert decisions[ApplicationDecision.WITHDRAWN] == 1
    assert all(r.assessors == 2 and r.score is not None for r in rows)
    # A student left in week five, so one place is free; it is the prison side's.
    places = demo.applications.places(cohort.id)
    assert (places.taken.prison, places.taken.university, places.free) == (11, 12, 1)
    # Applicants who never enrolled are in no cohort: they stay on this site.
    members = {m.person_id for m in demo.memberships.list_members(cohort.id)}
    assert not members & {
        r.person_id for r in rows if r.decision is not ApplicationDecision.ACCEPTED
    }
    waiting = sorted((r for r in rows if r.decision is WAITING), key=rank_key)
    prison_side = [
        r for r in waiting if demo.people.get_person(r.person_id).base is PersonBase.PRISON
    ]
    result = demo.applications.offer_free_places(cohort.id)
    assert [r.id for r in result.offered] == [prison_side[0].id]
    assert demo.applications.places(cohort.id).promised.is_balanced
