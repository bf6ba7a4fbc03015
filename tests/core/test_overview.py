"""The hub's overview of its partnerships: the same figures the prison has, kept
apart per partnership, dated by the last exchange, and naming no one."""

from __future__ import annotations

import shutil
from dataclasses import asdict
from datetime import date
from pathlib import Path

import pytest

from lt_desktop.core.sign_in import sign_in
from lt_desktop.domain.errors import PermissionDenied
from lt_desktop.domain.roles import Role
from lt_desktop.domain.vocabulary import PersonBase, SiteKind
from lt_desktop.sync.exchange_results import ExportResult
from tests.helpers.sites import (
    UNIVERSITY_ADMIN,
    UNIVERSITY_PASSWORD,
    Site,
    new_site,
    pair,
)
from tests.helpers.stores import USER_PASSWORD, add_account


def _figures(summary: object) -> dict[str, object]:
    keep = ("cohorts", "running", "students", "by_base", "finished_students", "completed")
    values = asdict(summary)  # type: ignore[call-overload]
    return {key: values[key] for key in keep} | {"attendance": values["attendance"]}


def test_the_hub_sees_each_partnerships_figures_and_last_exchange(
    demo_dir: Path, tmp_path: Path
) -> None:
    prison_folder = tmp_path / "prison"
    shutil.copytree(demo_dir, prison_folder)
    prison = Site("HMP Northfield", prison_folder, "demo", "demo")
    hub = new_site(
        tmp_path / "hub",
        "University of Eastbridge",
        SiteKind.UNIVERSITY,
        UNIVERSITY_ADMIN,
        UNIVERSITY_PASSWORD,
    )
    with hub.open() as workspace:
        other = workspace.programme.add_partnership(
            name="Westgate and Eastbridge",
            prison_name="HMP Westgate",
            university_name="University of Eastbridge",
        )
        course = workspace.programme.add_course(partnership_id=other.id, title="Ethics")
        cohort = workspace.programme.add_cohort(
            course_id=course.id,
            name="Spring 2026",
            starts_on=date(2026, 1, 5),
            ends_on=date(2026, 3, 9),
        )
        student = workspace.people.add_person(
            given_name="Only", family_name="Student", base=PersonBase.UNIVERSITY
        )
        workspace.memberships.enrol(cohort.id, student.id)
        before = {s.name: s for s in workspace.overview.partnerships()}
    assert before["Westgate and Eastbridge"].partner_sites == []

    pair(prison, hub)
    with prison.open() as workspace:
        at_prison = workspace.overview.partnerships()
    assert len(at_prison) == 1
    sent: ExportResult = prison.export_to(hub, tmp_path / "p1.ltbundle")
    hub.take_in(sent.info.path)

    with hub.open() as workspace:
        at_hub = {s.name: s for s in workspace.overview.partnerships()}
        people = [p.display_name for p in workspace.people.list_people()]
    shared = at_hub[at_prison[0].name]
    assert _figures(shared) == _figures(at_prison[0])
    assert shared.students == 48 and shared.completion_rate is not None
    assert shared.partner_sites == ["HMP Northfield"]
    assert shared.last_exchange_at is not None
    westgate = at_hub["Westgate and Eastbridge"]
    assert westgate.students == 1 and westgate.partner_sites == []
    assert westgate.last_exchange_at is None
    shown = repr(list(at_hub.values()))
    for name in people:
        for part in name.split():
            if len(part) > 3 and part not in ("University", "Eastbridge"):
                assert part not in shown, part


def test_the_overview_is_for_staff_only(demo_dir: Path) -> None:
    with sign_in(demo_dir, "demo", "demo") as admin:
        add_account(admin, "reader", Role.RESEARCHER)
    for username, password in (
        ("facilitator", "demo"),
        ("marker", "demo"),
        ("reader", USER_PASSWORD),
    ):
        with sign_in(demo_dir, username, password) as workspace, pytest.raises(PermissionDenied):
            workspace.overview.partnerships()
