from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

import pytest

from lt_desktop.core.demo import build_demo_store
from lt_desktop.core.sign_in import sign_in
from lt_desktop.core.workspace import Workspace
from lt_desktop.domain.errors import StoreAlreadyExists
from lt_desktop.domain.vocabulary import MembershipRole, PersonBase, SessionKind


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
        # Ten weeks' registers each, but for the running cohort's week the prison locked
        # down; the induction before week 1 and the first cohort's sense-making meeting
        # have their own.
        own = (SessionKind.SENSE_MAKING, SessionKind.INDUCTION)
        marked = [s for s in weeks if s.marks_taken and s.kind not in own]
        cancelled = [s for s in weeks if s.is_cancelled]
        assert len(marked) + len(cancelled) == 10
        assert [(s.week, s.cancellation()) for s in cancelled] == (
            [(7, "lockdown: after an incident on the wings")]
            if cohort.name.startswith("September")
            else []
        )
        assert not any(s.marks_taken for s in cancelled)
        (induction,) = [s for s in weeks if s.kind is SessionKind.INDUCTION]
        assert induction.week == 0 and induction.marks_taken
        assert induction.held_on < cohort.starts_on == weeks[1].held_on
        (project,) = demo.projects.projects(cohort.id)
        assert project.presentation.startswith("Week 9, ") and project.groups
    for kind in (
        "prison_details",
        "small_groups",
        "essays",
        "essay_marks",
        "stories",
        "questionnaire_responses",
        "consents",
        "certificates",
        "group_projects",
        "project_groups",
        "facilitator_training",
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


def test_the_demo_is_made_for_the_day_it_is_made(tmp_path: Path) -> None:
    """Made on a Saturday, the running cohort's next register is Monday's, the weeks
    before it are taken, and the names and dates read as that term's."""
    saturday = date(2027, 6, 19)
    build_demo_store(tmp_path / "store", today=saturday)
    with sign_in(tmp_path / "store", "demo", "demo") as workspace:
        spring, running = sorted(workspace.programme.list_cohorts(), key=lambda c: c.starts_on)
        assert running.starts_on <= saturday <= running.ends_on
        assert running.name == "April–July 2027" and spring.name == "August–October 2026"
        weeks = workspace.programme.list_sessions(running.id)
        next_one = next(s for s in weeks if s.held_on >= saturday)
        assert next_one.held_on == date(2027, 6, 21) and next_one.week == 11
        assert all(s.marks_taken or s.is_cancelled for s in weeks if s.held_on < saturday)
        assert not any(s.marks_taken for s in weeks if s.held_on >= saturday)
        assert workspace.register.registers_not_taken(now=datetime(2027, 6, 21, 12, 0)) == []
        due = workspace.register.registers_not_taken(now=datetime(2027, 6, 21, 17, 0))
        assert [(d.cohort_id, d.week) for d in due] == [(running.id, 11)]


def test_the_pinned_demo_is_the_one_written_down(demo: Workspace) -> None:
    names = sorted(c.name for c in demo.programme.list_cohorts())
    assert names == ["January–March 2026", "September–December 2026"]
