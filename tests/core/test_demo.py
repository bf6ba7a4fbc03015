from __future__ import annotations

from pathlib import Path

import pytest

from lt_desktop.core.demo import build_demo_store
from lt_desktop.core.errors import StoreAlreadyExists
from lt_desktop.core.vocabulary import MembershipRole, PersonBase, SessionKind
from lt_desktop.core.workspace import Workspace


def test_the_demo_tells_a_whole_story(demo: Workspace) -> None:
    counts = demo.stats.counts()
    assert counts["partnerships"] == 1 and counts["cohorts"] == 2
    cohorts = demo.programme.list_cohorts()
    for cohort in cohorts:
        students = [
            m for m in demo.memberships.list_members(cohort.id) if m.role is MembershipRole.STUDENT
        ]
        assert len(students) == 24
        assert sum(1 for m in students if m.base is PersonBase.PRISON) == 12
        roles = {m.role for m in demo.memberships.list_members(cohort.id)}
        assert {MembershipRole.MENTOR, MembershipRole.FACILITATOR} <= roles
        assert cohort.session_count >= 10
        weeks = demo.programme.list_sessions(cohort.id)
        # Ten weeks' registers each; the first cohort's sense-making meeting has its own.
        marked = [s for s in weeks if s.marks_taken and s.kind is not SessionKind.SENSE_MAKING]
        assert len(marked) == 10
    for kind in (
        "prison_details",
        "small_groups",
        "essays",
        "essay_marks",
        "stories",
        "questionnaire_responses",
        "consents",
        "certificates",
    ):
        assert counts[kind] > 0, kind


def test_graduates_of_the_first_cohort_mentor_the_second(demo: Workspace) -> None:
    spring, autumn = sorted(demo.programme.list_cohorts(), key=lambda c: c.starts_on)
    graduates = {
        m.person_id
        for m in demo.memberships.list_members(spring.id)
        if m.role is MembershipRole.STUDENT and m.status.value == "graduated"
    }
    mentors = {
        m.person_id
        for m in demo.memberships.list_members(autumn.id)
        if m.role is MembershipRole.MENTOR
    }
    assert mentors and mentors <= graduates


def test_a_demo_never_overwrites_a_store(demo_dir: Path) -> None:
    with pytest.raises(StoreAlreadyExists):
        build_demo_store(demo_dir)
