"""The mentor pathway through the services: graduates invited back, their answers,
training and small group, and the journey a person's page shows."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from lt_desktop.core.services.mentoring import JourneyStage, MentorCandidate
from lt_desktop.core.services.programme import CohortInfo
from lt_desktop.core.sign_in import sign_in
from lt_desktop.core.workspace import Workspace
from lt_desktop.domain.errors import ConflictError, PermissionDenied, ValidationError
from lt_desktop.domain.vocabulary import InvitationAnswer, MembershipRole, MembershipStatus


def _cohorts(workspace: Workspace) -> tuple[CohortInfo, CohortInfo]:
    """The demo's first cohort (finished) and its second (running)."""
    cohorts = workspace.programme.list_cohorts()
    spring = next(c for c in cohorts if c.name == "January–March 2026")
    autumn = next(c for c in cohorts if c.name == "September–December 2026")
    return spring, autumn


def _uninvited(workspace: Workspace, autumn: CohortInfo) -> MentorCandidate:
    return next(c for c in workspace.mentoring.candidates(autumn.id) if c.invitation is None)


def test_graduates_of_the_first_cohort_are_the_second_cohorts_possible_mentors(
    demo: Workspace,
) -> None:
    spring, autumn = _cohorts(demo)
    graduates = {
        m.person_id
        for m in demo.memberships.list_members(spring.id)
        if m.role is MembershipRole.STUDENT and m.status is MembershipStatus.GRADUATED
    }
    candidates = demo.mentoring.candidates(autumn.id)
    assert {c.person_id for c in candidates} == graduates
    mentoring = [c for c in candidates if c.is_mentor]
    assert len(mentoring) == 4
    assert all(c.state().startswith("Mentor in Group") for c in mentoring)
    assert all(c.invitation and c.invitation.answer is InvitationAnswer.ACCEPTED for c in mentoring)
    assert all(c.training_attended >= 1 for c in mentoring)
    answers = [c.invitation.answer for c in candidates if c.invitation and not c.is_mentor]
    assert sorted(answers) == sorted(
        [InvitationAnswer.ACCEPTED, InvitationAnswer.DECLINED, InvitationAnswer.AWAITING]
    )
    waiting = next(c for c in candidates if c.may_be_assigned and not c.is_mentor)
    assert waiting.state() == "Accepted, not assigned yet"
    # Nobody graduated before the first cohort began.
    assert demo.mentoring.candidates(spring.id) == []


def test_invite_answer_train_and_assign_a_mentor_to_a_small_group(demo: Workspace) -> None:
    _, autumn = _cohorts(demo)
    graduate = _uninvited(demo, autumn)
    invitation = demo.mentoring.invite(
        graduate.person_id, autumn.id, invited_on=date(2026, 8, 1), notes="Asked at graduation"
    )
    assert invitation.answer is InvitationAnswer.AWAITING
    with pytest.raises(ConflictError, match="already invited"):
        demo.mentoring.invite(graduate.person_id, autumn.id, invited_on=date(2026, 8, 2))
    group = demo.groups.plan(autumn.id).groups[1]
    with pytest.raises(ValidationError, match="has not accepted"):
        demo.mentoring.assign(graduate.person_id, autumn.id, group.id)
    with pytest.raises(ValidationError, match="cannot come before"):
        demo.mentoring.record_answer(
            invitation.id, InvitationAnswer.ACCEPTED, answered_on=date(2026, 7, 1)
        )
    answered = demo.mentoring.record_answer(
        invitation.id, InvitationAnswer.ACCEPTED, answered_on=date(2026, 8, 10)
    )
    assert answered.describe() == "Accepted 10 Aug 2026"

    trained = demo.mentoring.record_training(
        held_on=date(2026, 9, 1),
        title="Mentor training: a catch-up session",
        attendance={graduate.person_id: True},
    )
    assert [t.attended for t in trained] == [True]

    member = demo.mentoring.assign(graduate.person_id, autumn.id, group.id, on=date(2026, 9, 21))
    assert member.role is MembershipRole.MENTOR and member.group_name == group.name
    assert member.status is MembershipStatus.ACTIVE and member.status_since == date(2026, 9, 21)
    plan = demo.groups.plan(autumn.id)
    in_group = next(g for g in plan.groups if g.id == group.id)
    assert graduate.person_id in {m.person_id for m in in_group.members}
    candidate = next(
        c for c in demo.mentoring.candidates(autumn.id) if c.person_id == graduate.person_id
    )
    assert candidate.state() == f"Mentor in {group.name}"
    assert candidate.training_attended == 1

    # Assigning again moves them to another group rather than enrolling them twice.
    other = plan.groups[2]
    moved = demo.mentoring.assign(graduate.person_id, autumn.id, other.id)
    assert moved.id == member.id and moved.group_name == other.name

    actions = [e.action for e in demo.audit.entries(action="mentoring.")]
    for action in (
        "mentoring.invited",
        "mentoring.answer_recorded",
        "mentoring.training_recorded",
        "mentoring.assigned",
    ):
        assert action in actions, action


def test_only_graduates_of_an_earlier_cohort_can_be_invited(demo: Workspace) -> None:
    spring, autumn = _cohorts(demo)
    student = next(
        m for m in demo.memberships.list_members(autumn.id) if m.role is MembershipRole.STUDENT
    )
    with pytest.raises(ValidationError, match="has not graduated from an earlier cohort"):
        demo.mentoring.invite(student.person_id, autumn.id, invited_on=date(2026, 8, 1))
    graduate = _uninvited(demo, autumn)
    with pytest.raises(ValidationError, match="earlier cohort"):
        demo.mentoring.invite(graduate.person_id, spring.id, invited_on=date(2026, 8, 1))


def test_someone_already_in_the_cohort_in_another_role_is_not_made_its_mentor(
    demo: Workspace,
) -> None:
    _, autumn = _cohorts(demo)
    graduate = _uninvited(demo, autumn)
    demo.memberships.enrol(autumn.id, graduate.person_id, role=MembershipRole.FACILITATOR)
    invitation = demo.mentoring.invite(graduate.person_id, autumn.id, invited_on=date(2026, 8, 1))
    demo.mentoring.record_answer(
        invitation.id, InvitationAnswer.ACCEPTED, answered_on=date(2026, 8, 3)
    )
    with pytest.raises(ConflictError, match="already in this cohort as a facilitator"):
        demo.mentoring.assign(graduate.person_id, autumn.id, None)


def test_recording_a_training_session_again_corrects_who_came(demo: Workspace) -> None:
    _, autumn = _cohorts(demo)
    first, second = [c for c in demo.mentoring.candidates(autumn.id) if c.invitation is None][:2]
    title = "Mentor training 4: reflective writing, again"
    demo.mentoring.record_training(
        held_on=date(2026, 9, 7),
        title=title,
        attendance={first.person_id: True, second.person_id: False},
    )
    demo.mentoring.record_training(
        held_on=date(2026, 9, 7), title=title, attendance={second.person_id: True}
    )
    records = demo.mentoring.training(second.person_id)
    assert [(t.title, t.attended) for t in records] == [(title, True)]
    demo.mentoring.remove_training(records[0].id)
    assert demo.mentoring.training(second.person_id) == []
    with pytest.raises(ValidationError):
        demo.mentoring.record_training(held_on=date(2026, 9, 7), title=" ", attendance={})


def test_the_journey_runs_from_student_to_mentor(demo: Workspace) -> None:
    spring, autumn = _cohorts(demo)
    mentor = next(c for c in demo.mentoring.candidates(autumn.id) if c.is_mentor)
    journey = demo.mentoring.journey(mentor.person_id)
    student = journey.first(JourneyStage.STUDENT)
    graduated = journey.first(JourneyStage.GRADUATED)
    mentoring = journey.first(JourneyStage.MENTOR)
    assert student and graduated and mentoring
    assert student.cohort == spring.name and graduated.cohort == spring.name
    assert graduated.on == spring.ends_on
    assert mentoring.cohort == autumn.name and mentoring.detail == mentor.group_name
    assert student.on < graduated.on < mentoring.on
    assert journey.first(JourneyStage.FACILITATOR) is None
    whats = [s.what for s in journey.steps]
    assert whats.index("Graduated") < whats.index("Invited to mentor") < whats.index("Mentor")
    assert "Mentor training" in whats
    assert [s.on for s in journey.steps] == sorted(s.on for s in journey.steps)


def test_the_journey_of_an_applicant_and_of_someone_who_left(demo: Workspace) -> None:
    spring, autumn = _cohorts(demo)
    student = next(
        m
        for m in demo.memberships.list_members(autumn.id)
        if m.role is MembershipRole.STUDENT and m.status is MembershipStatus.ACTIVE
    )
    journey = demo.mentoring.journey(student.person_id)
    applied = journey.first(JourneyStage.APPLIED)
    assert applied is not None and applied.cohort == autumn.name and applied.detail == "Accepted"
    assert journey.first(JourneyStage.STUDENT) is not None
    assert journey.first(JourneyStage.GRADUATED) is None

    left = next(
        m
        for m in demo.memberships.list_members(spring.id)
        if m.role is MembershipRole.STUDENT and m.status is MembershipStatus.RELEASED
    )
    steps = demo.mentoring.journey(left.person_id).steps
    assert steps[-1].what == "Left the course" and steps[-1].detail == "Released"
    assert not steps[-1].reached


def test_mentoring_needs_the_right_role(demo_dir: Path) -> None:
    with sign_in(demo_dir, "facilitator", "demo") as facilitator:
        [autumn] = facilitator.programme.list_cohorts()
        with pytest.raises(PermissionDenied):
            facilitator.mentoring.invite(
                facilitator.memberships.list_members(autumn.id)[0].person_id,
                autumn.id,
                invited_on=date(2026, 8, 1),
            )
        with pytest.raises(PermissionDenied):
            facilitator.mentoring.record_training(
                held_on=date(2026, 8, 1), title="T", attendance={}
            )
    with sign_in(demo_dir, "researcher", "demo") as researcher:
        with pytest.raises(PermissionDenied):
            researcher.mentoring.candidates(autumn.id)
        with pytest.raises(PermissionDenied):
            researcher.mentoring.journey(autumn.id)
