from __future__ import annotations

from collections import Counter
from pathlib import Path

from lt_desktop.core.services.programme import CohortInfo
from lt_desktop.core.sign_in import sign_in
from lt_desktop.core.workspace import Workspace
from lt_desktop.domain.vocabulary import MembershipRole, MembershipStatus, PersonBase


def _autumn(workspace: Workspace) -> CohortInfo:
    return next(c for c in workspace.programme.list_cohorts() if c.name.startswith("September"))


def test_auto_allocation_balances_bases_and_spreads_staff(demo: Workspace) -> None:
    cohort = _autumn(demo)
    for group in demo.groups.plan(cohort.id).groups:
        demo.groups.remove_group(group.id)
    assert len(demo.groups.plan(cohort.id).unallocated) > 20
    plan = demo.groups.auto_allocate(cohort.id, group_count=4)
    assert plan.unallocated == []
    active_students = [
        m
        for m in demo.memberships.list_members(cohort.id)
        if m.role is MembershipRole.STUDENT and m.status is MembershipStatus.ACTIVE
    ]
    for group in plan.groups:
        roles = Counter(m.role for m in group.members)
        assert roles[MembershipRole.FACILITATOR] == 1 and roles[MembershipRole.MENTOR] == 1
    for base in (PersonBase.PRISON, PersonBase.UNIVERSITY):
        counts = [
            sum(1 for m in g.members if m.role is MembershipRole.STUDENT and m.base is base)
            for g in plan.groups
        ]
        assert max(counts) - min(counts) <= 1, (base, counts)
    sizes = [len(g.members) for g in plan.groups]
    assert max(sizes) - min(sizes) <= 1
    assert sum(
        1 for g in plan.groups for m in g.members if m.role is MembershipRole.STUDENT
    ) == len(active_students)


def test_allocation_stays_editable(demo: Workspace, demo_dir: Path) -> None:
    cohort = _autumn(demo)
    plan = demo.groups.auto_allocate(cohort.id)
    student = next(m for m in plan.groups[0].members if m.role is MembershipRole.STUDENT)
    demo.groups.assign(student.id, plan.groups[1].id)
    demo.groups.assign(student.id, plan.groups[1].id)  # a repeated move changes nothing
    demo.close()
    with sign_in(demo_dir, "demo", "demo") as again:
        groups = again.groups.plan(cohort.id).groups
        assert student.id in {m.id for m in groups[1].members}
        assert student.id not in {m.id for m in groups[0].members}
        again.groups.assign(student.id, None)
        assert student.id in {m.id for m in again.groups.plan(cohort.id).unallocated}
        # Back into the first group: the earlier link comes back rather than a duplicate.
        again.groups.assign(student.id, groups[0].id)
        assert (
            sum(
                1
                for g in again.groups.plan(cohort.id).groups
                for m in g.members
                if m.id == student.id
            )
            == 1
        )
