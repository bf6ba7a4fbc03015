"""Reflective interviews (consent enforced) and the group sense-making meeting,
through the services on a real encrypted store."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import TypedDict

import pytest

from lt_desktop.core.services.interviews import InterviewLine
from lt_desktop.core.services.programme import CohortInfo
from lt_desktop.core.sign_in import sign_in
from lt_desktop.core.workspace import Workspace
from lt_desktop.domain.errors import (
    ConflictError,
    ConsentMissing,
    PermissionDenied,
    ValidationError,
)
from lt_desktop.domain.vocabulary import (
    ConsentScope,
    InterviewStatus,
    MembershipRole,
    MembershipStatus,
    SessionKind,
)
from tests.helpers.stores import plaintext_hits

TRANSCRIPT = "Participant: the Quillfeather seminar changed how I argue, gently."


class _Arrangements(TypedDict):
    """The arrangements of an interview, as ``InterviewService.update`` takes them."""

    scheduled_for: datetime | None
    interviewer_name: str
    status: InterviewStatus


def _spring(workspace: Workspace) -> CohortInfo:
    return next(c for c in workspace.programme.list_cohorts() if c.name == "January–March 2026")


def _autumn(workspace: Workspace) -> CohortInfo:
    return next(
        c for c in workspace.programme.list_cohorts() if c.name == "September–December 2026"
    )


def _free(lines: list[InterviewLine]) -> InterviewLine:
    """Someone whose consent covers interviews and who has none arranged yet."""
    return next(line for line in lines if line.may_be_interviewed and line.interview is None)


def _at(day: date, hour: int = 10) -> datetime:
    return datetime(day.year, day.month, day.day, hour, tzinfo=UTC)


def test_an_interview_without_consent_is_refused_with_the_reason(demo: Workspace) -> None:
    spring = _spring(demo)
    lines = demo.interviews.cohort(spring.id)
    refused = next(line for line in lines if not line.may_be_interviewed)
    assert refused.consent_problem == (f"{refused.display_name} has not consented to interview.")
    before = demo.stats.counts()["interviews"]
    with pytest.raises(ConsentMissing, match="has not consented to interview. Nothing was saved"):
        demo.interviews.schedule(
            spring.id,
            refused.person_id,
            scheduled_for=_at(date(2026, 4, 20)),
            interviewer_name="Sam Okafor",
        )
    assert demo.stats.counts()["interviews"] == before


def test_the_demo_has_interviews_done_planned_and_cancelled(demo: Workspace) -> None:
    spring = _spring(demo)
    autumn = _autumn(demo)
    done = [
        line.interview for line in demo.interviews.cohort(spring.id) if line.interview is not None
    ]
    statuses = {i.status for i in done}
    assert statuses == {InterviewStatus.DONE, InterviewStatus.CANCELLED}
    assert all(i.notes for i in done)
    assert sum(1 for i in done if i.transcript) == 2
    planned = [line for line in demo.interviews.cohort(autumn.id) if line.interview]
    assert planned and all(
        line.interview and line.interview.status is InterviewStatus.PLANNED for line in planned
    )
    assert all(line.may_be_interviewed for line in planned)


def test_schedule_hold_and_keep_notes_and_transcript_encrypted(
    demo: Workspace, demo_dir: Path
) -> None:
    spring = _spring(demo)
    line = _free(demo.interviews.cohort(spring.id))
    planned = demo.interviews.schedule(
        spring.id,
        line.person_id,
        scheduled_for=_at(date(2026, 4, 20)),
        interviewer_name="Priya Raman",
    )
    assert planned.status is InterviewStatus.PLANNED
    with pytest.raises(ConflictError, match="already has an interview"):
        demo.interviews.schedule(
            spring.id,
            line.person_id,
            scheduled_for=_at(date(2026, 4, 21)),
            interviewer_name="Priya Raman",
        )
    done = demo.interviews.update(
        planned.id,
        scheduled_for=_at(date(2026, 4, 20)),
        interviewer_name="Priya Raman",
        status=InterviewStatus.DONE,
        notes="Spoke about belonging.",
        transcript=TRANSCRIPT,
        transcript_name="interview.txt",
    )
    assert (done.status, done.notes, done.transcript) == (
        InterviewStatus.DONE,
        "Spoke about belonging.",
        TRANSCRIPT,
    )
    again = next(x for x in demo.interviews.cohort(spring.id) if x.person_id == line.person_id)
    assert again.interview == done and again.interview.transcript_name == "interview.txt"
    assert demo.stats.counts()["attachments"] >= 3
    assert plaintext_hits(demo_dir, ["Quillfeather"]) == []
    audit = demo.audit.entries(action="interview.")
    assert [e.action for e in audit[:2]] == ["interview.updated", "interview.scheduled"]
    assert "Quillfeather" not in str(audit[0].details)


def test_an_interview_cannot_be_done_before_it_happens_or_before_consent(
    demo: Workspace,
) -> None:
    spring = _spring(demo)
    line = _free(demo.interviews.cohort(spring.id))
    interview = demo.interviews.schedule(
        spring.id,
        line.person_id,
        scheduled_for=datetime.now(UTC) + timedelta(days=3),
        interviewer_name="Sam Okafor",
    )
    with pytest.raises(ValidationError, match="cannot be done yet"):
        demo.interviews.update(
            interview.id,
            scheduled_for=interview.scheduled_for,
            interviewer_name="Sam Okafor",
            status=InterviewStatus.DONE,
            notes="",
            transcript="",
        )
    with pytest.raises(ConsentMissing, match="after this was written"):
        demo.interviews.update(
            interview.id,
            scheduled_for=_at(date(2025, 12, 1)),  # before the demo's consent forms
            interviewer_name="Sam Okafor",
            status=InterviewStatus.DONE,
            notes="Held early.",
            transcript="",
        )


def test_after_withdrawal_an_interview_can_only_be_cancelled_or_emptied(
    demo: Workspace,
) -> None:
    spring = _spring(demo)
    done = next(
        line.interview
        for line in demo.interviews.cohort(spring.id)
        if line.interview and line.interview.status is InterviewStatus.DONE
    )
    assert done is not None
    demo.consent.withdraw(done.person_id, ConsentScope.INTERVIEW, on=date(2026, 11, 1))
    line = next(x for x in demo.interviews.cohort(spring.id) if x.person_id == done.person_id)
    assert line.consent_problem is not None and "withdrew consent" in line.consent_problem
    keep: _Arrangements = {
        "scheduled_for": done.scheduled_for,
        "interviewer_name": done.interviewer_name,
        "status": done.status,
    }
    with pytest.raises(ConsentMissing, match="withdrew consent"):
        demo.interviews.update(
            done.id, **keep, notes=done.notes + " More.", transcript=done.transcript
        )
    emptied = demo.interviews.update(done.id, **keep, notes="", transcript="")
    assert emptied.notes == "" and emptied.transcript == ""
    with pytest.raises(ConsentMissing):
        demo.interviews.update(
            done.id, **(keep | {"status": InterviewStatus.PLANNED}), notes="", transcript=""
        )


def test_a_planned_interview_is_called_off_once_consent_is_withdrawn(demo: Workspace) -> None:
    autumn = _autumn(demo)
    line = next(x for x in demo.interviews.cohort(autumn.id) if x.interview is not None)
    assert line.interview is not None
    demo.consent.withdraw(line.person_id, ConsentScope.INTERVIEW, on=date(2026, 11, 20))
    cancelled = demo.interviews.update(
        line.interview.id,
        scheduled_for=line.interview.scheduled_for,
        interviewer_name=line.interview.interviewer_name,
        status=InterviewStatus.CANCELLED,
        notes="",
        transcript="",
    )
    assert cancelled.status is InterviewStatus.CANCELLED


def test_only_people_who_took_part_can_be_interviewed(demo: Workspace) -> None:
    spring = _spring(demo)
    autumn = _autumn(demo)
    newcomer = next(
        m
        for m in demo.memberships.list_members(autumn.id)
        if m.role is MembershipRole.STUDENT
        and m.person_id not in {x.person_id for x in demo.interviews.cohort(spring.id)}
    )
    consented = any(
        state.scope is ConsentScope.INTERVIEW and state.active
        for state in demo.consent.states(newcomer.person_id)
    )
    if not consented:  # consent is not what is being refused here
        demo.consent.record(newcomer.person_id, ConsentScope.INTERVIEW, given_on=date(2026, 9, 7))
    with pytest.raises(ValidationError, match="did not take part in this cohort"):
        demo.interviews.schedule(
            spring.id,
            newcomer.person_id,
            scheduled_for=_at(date(2026, 4, 1)),
            interviewer_name="Sam Okafor",
        )
    with pytest.raises(ValidationError, match="Name the interviewer"):
        demo.interviews.schedule(
            autumn.id, newcomer.person_id, scheduled_for=None, interviewer_name=" "
        )


def test_the_sense_making_meeting_has_its_own_register_and_notes(demo: Workspace) -> None:
    spring = _spring(demo)
    [meeting] = demo.interviews.sense_making(spring.id)
    assert meeting.held_on > spring.ends_on and meeting.notes.startswith("We put")
    assert 0 < meeting.attended <= meeting.marked
    register = demo.register.register(meeting.session_id)
    assert register.unmarked == 0 and register.attended == meeting.attended
    saved = demo.interviews.save_meeting_notes(meeting.session_id, "  Themes: belonging.  ")
    assert saved.notes == "Themes: belonging."
    assert demo.programme.get_session(meeting.session_id).notes == "Themes: belonging."
    assert demo.audit.entries(action="sense_making.")[0].subject_id == str(meeting.session_id)
    ordinary = demo.programme.list_sessions(spring.id)[0]
    with pytest.raises(ValidationError, match="sense-making meetings only"):
        demo.interviews.save_meeting_notes(ordinary.id, "Not here.")


def test_a_new_sense_making_meeting_after_the_course_expects_its_graduates(
    demo: Workspace,
) -> None:
    spring = _spring(demo)
    graduates = {
        m.person_id
        for m in demo.memberships.list_members(spring.id)
        if m.role is MembershipRole.STUDENT and m.status is MembershipStatus.GRADUATED
    }
    added = demo.programme.add_session(
        cohort_id=spring.id,
        week=12,
        held_on=date(2026, 5, 4),
        kind=SessionKind.SENSE_MAKING,
        title="A second look",
    )
    expected = {line.person_id for line in demo.register.register(added.id).lines}
    assert graduates <= expected
    assert [m.session_id for m in demo.interviews.sense_making(spring.id)][-1] == added.id
    # An ordinary session added after the course expects nobody who has finished it.
    lecture = demo.programme.add_session(cohort_id=spring.id, week=13, held_on=date(2026, 5, 11))
    lines = demo.register.register(lecture.id).lines
    assert lines and not graduates & {line.person_id for line in lines}


def test_interviews_need_the_right_role_and_cohort(demo_dir: Path) -> None:
    with sign_in(demo_dir, "demo", "demo") as admin:
        spring = _spring(admin)
    with sign_in(demo_dir, "marker", "demo") as marker:
        with pytest.raises(PermissionDenied):
            marker.interviews.cohort(spring.id)
    with sign_in(demo_dir, "facilitator", "demo") as facilitator:
        with pytest.raises(PermissionDenied, match="not one of yours"):
            facilitator.interviews.cohort(spring.id)
        with pytest.raises(PermissionDenied, match="not one of yours"):
            facilitator.interviews.sense_making(spring.id)
        [mine] = facilitator.programme.list_cohorts()
        assert facilitator.interviews.cohort(mine.id)
