"""Group projects through the services: recorded with the small groups that joined and
the session they presented at, changed and removed; what is refused; who may."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from lt_desktop.core.services.programme import CohortInfo
from lt_desktop.core.sign_in import sign_in
from lt_desktop.core.workspace import Workspace
from lt_desktop.domain.errors import ConflictError, PermissionDenied, ValidationError
from lt_desktop.domain.vocabulary import SessionKind


def _cohorts(workspace: Workspace) -> tuple[CohortInfo, CohortInfo]:
    spring, autumn = sorted(workspace.programme.list_cohorts(), key=lambda c: c.starts_on)
    return spring, autumn


def test_the_demo_cohorts_each_have_the_project_they_presented(demo: Workspace) -> None:
    spring, autumn = _cohorts(demo)
    (first,) = demo.projects.projects(spring.id)
    assert first.topic == "A just response: designing a restorative meeting"
    assert first.group_names() == "Group 1 and Group 3"
    assert first.presentation == "Week 9, Mon 09 Mar 2026"
    (second,) = demo.projects.projects(autumn.id)
    assert second.group_names() == "Group 1, Group 2, Group 3 and Group 4"
    assert second.presented_on == date(2026, 11, 9)


def test_a_project_is_recorded_changed_and_removed(demo: Workspace) -> None:
    spring, _ = _cohorts(demo)
    (demo_project,) = demo.projects.projects(spring.id)
    groups = demo.groups.plan(spring.id).groups
    sessions = demo.programme.list_sessions(spring.id)
    project_week = next(s for s in sessions if s.kind is SessionKind.GROUP_PROJECT)
    added = demo.projects.add_project(
        spring.id,
        topic="  Listening   across walls ",
        group_ids=[groups[3].id, groups[1].id, groups[1].id],
        description="A radio play in three scenes.\nRecorded in the chapel.",
    )
    assert added.topic == "Listening across walls"
    assert added.group_names() == "Group 2 and Group 4"  # in the groups' own order
    assert added.presentation_session_id is None and added.presentation == ""
    # Not presented yet: listed after those that were.
    assert [p.id for p in demo.projects.projects(spring.id)] == [demo_project.id, added.id]

    changed = demo.projects.update_project(
        added.id,
        topic="Listening across walls",
        group_ids=[groups[1].id],
        description=added.description,
        presentation_session_id=project_week.id,
    )
    assert changed.group_names() == "Group 2"
    assert changed.presented_on == project_week.held_on
    # Group 4, taken out, may join again: the link comes back rather than a second one.
    again = demo.projects.update_project(
        added.id,
        topic="Listening across walls",
        group_ids=[groups[1].id, groups[3].id],
        description="",
        presentation_session_id=project_week.id,
    )
    assert [g.group_id for g in again.groups] == [groups[1].id, groups[3].id]
    assert demo.stats.counts()["project_groups"] == 2 + 4 + 2  # spring's, autumn's, this

    demo.projects.remove_project(added.id)
    assert [p.id for p in demo.projects.projects(spring.id)] == [demo_project.id]


def test_what_a_project_may_not_be(demo: Workspace) -> None:
    spring, autumn = _cohorts(demo)
    (taken,) = demo.projects.projects(spring.id)
    spring_groups = demo.groups.plan(spring.id).groups
    autumn_groups = demo.groups.plan(autumn.id).groups
    free = next(g for g in spring_groups if g.id not in {j.group_id for j in taken.groups})
    joined = taken.groups[0]
    autumn_week = demo.programme.list_sessions(autumn.id)[1]
    with pytest.raises(ValidationError, match="Give the project its topic"):
        demo.projects.add_project(spring.id, topic=" ", group_ids=[free.id])
    with pytest.raises(ValidationError, match="Choose the small groups"):
        demo.projects.add_project(spring.id, topic="Alone", group_ids=[])
    with pytest.raises(ValidationError, match="group belongs to another cohort"):
        demo.projects.add_project(spring.id, topic="Mixed", group_ids=[autumn_groups[0].id])
    with pytest.raises(ValidationError, match="session belongs to another cohort"):
        demo.projects.add_project(
            spring.id,
            topic="Elsewhere",
            group_ids=[free.id],
            presentation_session_id=autumn_week.id,
        )
    with pytest.raises(ConflictError, match=f"{joined.name} already joined the project"):
        demo.projects.add_project(spring.id, topic="Twice", group_ids=[free.id, joined.group_id])
    with pytest.raises(ValidationError, match="at most 300 characters"):
        demo.projects.add_project(spring.id, topic="x" * 301, group_ids=[free.id])
    assert demo.projects.projects(spring.id) == [taken]  # nothing half-made


def test_facilitators_see_their_cohorts_projects_and_staff_record_them(demo_dir: Path) -> None:
    with sign_in(demo_dir, "demo", "demo") as admin:
        spring, autumn = _cohorts(admin)
        (spring_project,) = admin.projects.projects(spring.id)
        group = admin.groups.plan(autumn.id).groups[0]
    with sign_in(demo_dir, "facilitator", "demo") as facilitator:
        assert len(facilitator.projects.projects(autumn.id)) == 1
        with pytest.raises(PermissionDenied):
            facilitator.projects.projects(spring.id)
        with pytest.raises(PermissionDenied, match="does not allow"):
            facilitator.projects.add_project(autumn.id, topic="Ours", group_ids=[group.id])
        with pytest.raises(PermissionDenied):
            facilitator.projects.remove_project(spring_project.id)
    with sign_in(demo_dir, "researcher", "demo") as researcher:
        with pytest.raises(PermissionDenied):
            researcher.projects.projects(autumn.id)
    with sign_in(demo_dir, "staff", "demo") as staff:
        staff.projects.remove_project(spring_project.id)
        assert staff.projects.projects(spring.id) == []
