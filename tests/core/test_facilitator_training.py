"""Facilitators' training through the services: recorded, corrected and removed for a
person like the mentors', who may do so, and the small groups whose facilitator has
none."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from lt_desktop.core.services.programme import CohortInfo
from lt_desktop.core.sign_in import sign_in
from lt_desktop.core.workspace import Workspace
from lt_desktop.domain.errors import ConflictError, PermissionDenied, ValidationError
from lt_desktop.domain.vocabulary import MembershipRole


def _cohorts(workspace: Workspace) -> tuple[CohortInfo, CohortInfo]:
    spring, autumn = sorted(workspace.programme.list_cohorts(), key=lambda c: c.starts_on)
    return spring, autumn


def test_the_groups_whose_facilitator_has_no_training_are_known_until_it_is_recorded(
    demo: Workspace,
) -> None:
    spring, autumn = _cohorts(demo)
    assert demo.facilitators.untrained(spring.id) == []
    (missing,) = demo.facilitators.untrained(autumn.id)
    plan = demo.groups.plan(autumn.id)
    group = next(g for g in plan.groups if g.id == missing.group_id)
    assert any(
        m.person_id == missing.person_id and m.role is MembershipRole.FACILITATOR
        for m in group.members
    )
    assert missing.describe() == f"No facilitator training recorded for {missing.display_name}"
    assert demo.facilitators.training(missing.person_id) == []

    # Expected but did not come: still untrained.
    absent = demo.facilitators.record_training(
        missing.person_id,
        held_on=date(2026, 9, 2),
        title="  Working in a prison:   security ",
        attended=False,
        notes="Ill on the day",
    )
    assert absent.title == "Working in a prison: security"
    assert [u.person_id for u in demo.facilitators.untrained(autumn.id)] == [missing.person_id]
    came = demo.facilitators.update_training(
        absent.id,
        held_on=date(2026, 9, 9),
        title=absent.title,
        attended=True,
        notes="Came to the repeat session",
    )
    assert came.id == absent.id and came.held_on == date(2026, 9, 9)
    assert demo.facilitators.untrained(autumn.id) == []
    assert demo.facilitators.training(missing.person_id) == [came]

    demo.facilitators.remove_training(came.id)
    assert demo.facilitators.training(missing.person_id) == []
    assert [u.person_id for u in demo.facilitators.untrained(autumn.id)] == [missing.person_id]


def test_a_facilitator_out_of_any_group_or_no_longer_active_is_not_warned_of(
    demo: Workspace,
) -> None:
    _, autumn = _cohorts(demo)
    (missing,) = demo.facilitators.untrained(autumn.id)
    demo.groups.assign(missing.membership_id, None)
    assert demo.facilitators.untrained(autumn.id) == []


def test_training_is_recorded_once_and_needs_a_title(demo: Workspace) -> None:
    _, autumn = _cohorts(demo)
    (missing,) = demo.facilitators.untrained(autumn.id)
    with pytest.raises(ValidationError, match="Give the training a title"):
        demo.facilitators.record_training(missing.person_id, held_on=date(2026, 9, 2), title=" ")
    first = demo.facilitators.record_training(
        missing.person_id, held_on=date(2026, 9, 2), title="Facilitation"
    )
    with pytest.raises(ConflictError, match="already recorded"):
        demo.facilitators.record_training(
            missing.person_id, held_on=date(2026, 9, 2), title="Facilitation"
        )
    other = demo.facilitators.record_training(
        missing.person_id, held_on=date(2026, 9, 3), title="Facilitation"
    )
    with pytest.raises(ConflictError, match="already recorded"):
        demo.facilitators.update_training(
            other.id, held_on=date(2026, 9, 2), title="Facilitation", attended=True, notes=""
        )
    assert [t.id for t in demo.facilitators.training(missing.person_id)] == [first.id, other.id]


def test_facilitators_see_their_cohorts_training_and_only_staff_record_it(demo_dir: Path) -> None:
    with sign_in(demo_dir, "demo", "demo") as admin:
        spring, autumn = _cohorts(admin)
        (missing,) = admin.facilitators.untrained(autumn.id)
        spring_only = next(
            m.person_id
            for m in admin.memberships.list_members(spring.id)
            if m.role is MembershipRole.FACILITATOR
        )
        recorded = admin.facilitators.training(spring_only)[0]
    with sign_in(demo_dir, "facilitator", "demo") as facilitator:
        assert [u.person_id for u in facilitator.facilitators.untrained(autumn.id)] == [
            missing.person_id
        ]
        assert facilitator.facilitators.training(missing.person_id) == []
        with pytest.raises(PermissionDenied):
            facilitator.facilitators.training(spring_only)
        with pytest.raises(PermissionDenied):
            facilitator.facilitators.untrained(spring.id)
        with pytest.raises(PermissionDenied, match="does not allow"):
            facilitator.facilitators.record_training(
                missing.person_id, held_on=date(2026, 9, 2), title="Facilitation"
            )
        with pytest.raises(PermissionDenied):
            facilitator.facilitators.remove_training(recorded.id)
    with sign_in(demo_dir, "marker", "demo") as marker:
        with pytest.raises(PermissionDenied):
            marker.facilitators.training(missing.person_id)
    with sign_in(demo_dir, "staff", "demo") as staff:
        staff.facilitators.record_training(
            missing.person_id, held_on=date(2026, 9, 2), title="Facilitation"
        )
        assert staff.facilitators.untrained(autumn.id) == []
