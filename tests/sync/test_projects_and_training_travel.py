"""Group projects and facilitator training, through real stores and real bundles: both
reach the university from the prison and come back changed; either side records
training, each corrects only its own; and neither ever reaches a classroom laptop,
which holds the induction's register like any other."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import func, select

from lt_desktop.core.services.laptops import read_kit, set_up_laptop
from lt_desktop.core.workspace import Workspace
from lt_desktop.domain.errors import LtError, PermissionDenied
from lt_desktop.domain.vocabulary import MembershipRole, SessionKind, SiteKind
from lt_desktop.storage import models as m
from lt_desktop.storage.database import INCLUDE_DELETED
from tests.helpers.sites import (
    UNIVERSITY_ADMIN,
    UNIVERSITY_PASSWORD,
    Site,
    copy_site,
    new_site,
    pair,
)
from tests.helpers.stores import copy_store

RUNNING = "September–December 2026"


@dataclass(frozen=True)
class Sites:
    prison: Site
    university: Site


@pytest.fixture(scope="module")
def _sites(_demo_template: Path, tmp_path_factory: pytest.TempPathFactory) -> Sites:
    root = tmp_path_factory.mktemp("projects")
    copy_store(_demo_template, root / "prison")
    prison = Site("HMP Northfield", root / "prison", "demo", "demo")
    university = new_site(
        root / "university",
        "University of Eastbridge",
        SiteKind.UNIVERSITY,
        UNIVERSITY_ADMIN,
        UNIVERSITY_PASSWORD,
    )
    pair(prison, university)
    return Sites(prison, university)


@pytest.fixture
def sites(_sites: Sites, tmp_path: Path) -> Sites:
    return Sites(
        copy_site(_sites.prison, tmp_path / "prison"),
        copy_site(_sites.university, tmp_path / "university"),
    )


def _carry(sender: Site, receiver: Site, folder: Path, name: str) -> None:
    bundle = sender.export_to(receiver, folder / f"{name}.ltbundle").info.path
    result = receiver.take_in(bundle)
    assert not result.summary.still_waiting, result.describe()


def _running(workspace: Workspace) -> uuid.UUID:
    return next(c.id for c in workspace.programme.list_cohorts() if c.name == RUNNING)


def _untrained(workspace: Workspace) -> list[str]:
    return [u.display_name for u in workspace.facilitators.untrained(_running(workspace))]


def test_a_project_and_training_reach_the_university_and_come_back_changed(
    sites: Sites, tmp_path: Path
) -> None:
    with sites.prison.open() as prison:
        cohort = _running(prison)
        (project,) = prison.projects.projects(cohort)
        (missing,) = prison.facilitators.untrained(cohort)
        trained = next(
            m.person_id
            for m in prison.memberships.list_members(cohort)
            if m.role is MembershipRole.FACILITATOR and m.person_id != missing.person_id
        )
        prison_training = prison.facilitators.training(trained)
    _carry(sites.prison, sites.university, tmp_path, "to-university")

    with sites.university.open() as university:
        (arrived,) = university.projects.projects(cohort)
        assert arrived == project  # topic, groups by name, presentation session and all
        assert university.facilitators.training(trained) == prison_training
        # The Groups screen warns of the same facilitator at both sites.
        assert _untrained(university) == [missing.display_name]
        university.projects.update_project(
            project.id,
            topic=project.topic,
            group_ids=[g.group_id for g in project.groups[:2]],
            description="Presented to the governor and the vice-chancellor.",
            presentation_session_id=project.presentation_session_id,
        )
        university.facilitators.record_training(
            missing.person_id,
            held_on=date(2026, 11, 2),
            title="Facilitating discussion across difference (university)",
        )
        assert _untrained(university) == []
    _carry(sites.university, sites.prison, tmp_path, "to-prison")

    with sites.prison.open() as prison:
        (back,) = prison.projects.projects(cohort)
        assert back.description == "Presented to the governor and the vice-chancellor."
        assert [g.name for g in back.groups] == ["Group 1", "Group 2"]
        assert _untrained(prison) == []
        assert [t.title for t in prison.facilitators.training(missing.person_id)] == [
            "Facilitating discussion across difference (university)"
        ]


def test_a_project_removed_at_the_prison_is_removed_at_the_university(
    sites: Sites, tmp_path: Path
) -> None:
    _carry(sites.prison, sites.university, tmp_path, "first")
    with sites.prison.open() as prison:
        cohort = _running(prison)
        (project,) = prison.projects.projects(cohort)
        prison.projects.remove_project(project.id)
    _carry(sites.prison, sites.university, tmp_path, "second")
    with sites.university.open() as university:
        assert university.projects.projects(cohort) == []


def test_each_side_corrects_only_the_training_it_recorded(sites: Sites, tmp_path: Path) -> None:
    with sites.prison.open() as prison:
        (missing,) = prison.facilitators.untrained(_running(prison))
    _carry(sites.prison, sites.university, tmp_path, "first")
    with sites.university.open() as university:
        recorded = university.facilitators.record_training(
            missing.person_id, held_on=date(2026, 11, 2), title="Facilitation (university)"
        )
    _carry(sites.university, sites.prison, tmp_path, "second")
    # The prison changes what the university recorded of a university-based facilitator.
    with sites.prison.open() as prison:
        prison.facilitators.update_training(
            recorded.id,
            held_on=recorded.held_on,
            title=recorded.title,
            attended=False,
            notes="Left at the break",
        )
    bundle = sites.prison.export_to(sites.university, tmp_path / "third.ltbundle").info.path
    with pytest.raises(LtError, match="facilitator training record .* only a university site"):
        sites.university.take_in(bundle)
    with sites.university.open() as university:
        (kept,) = university.facilitators.training(missing.person_id)
        assert kept.attended


def _count(workspace: Workspace, model: type[m.SyncedRecord]) -> int:
    with workspace.store.read() as session:
        return (
            session.scalar(
                select(func.count()).select_from(model).execution_options(**{INCLUDE_DELETED: True})
            )
            or 0
        )


def test_no_project_or_training_ever_reaches_a_classroom_laptop(
    _demo_template: Path, tmp_path: Path
) -> None:
    pc = Site("HMP Northfield", tmp_path / "pc", "staff", "demo")
    copy_store(_demo_template, pc.folder)
    stick = tmp_path / "stick"
    stick.mkdir()
    with pc.open() as workspace:
        cohort = _running(workspace)
        made = workspace.laptops.create("Classroom laptop 1", [cohort], stick)
    laptop = Site("laptop", tmp_path / "laptop", "amina", "laptop password 1")
    set_up_laptop(
        laptop.folder,
        read_kit(made.kit, made.passphrase),
        username=laptop.username,
        display_name="Amina Yusuf",
        password=laptop.password,
    )
    with laptop.open() as workspace:
        sessions = workspace.programme.list_sessions(cohort)
        (induction,) = [s for s in sessions if s.kind is SessionKind.INDUCTION]
        assert induction.week == 0 and induction.marks_taken  # its register is there
        week_11 = next(s.id for s in sessions if s.week == 11)
        # The laptop holds no training or readings: it warns of no facilitator, and
        # sends whoever wants a handout to the PC rather than print one saying
        # there is nothing to read.
        assert workspace.facilitators.untrained(cohort) == []
        with pytest.raises(PermissionDenied, match="print the session handout at the education PC"):
            workspace.documents.handout(week_11)
        workspace.register.mark_everyone_present(week_11)
        workspace.laptops.save_registers(stick)
    # Meanwhile at the PC, another project and more training are recorded.
    with pc.open() as workspace:
        (project,) = workspace.projects.projects(cohort)
        workspace.projects.update_project(
            project.id,
            topic="A fairer prison",
            group_ids=[g.group_id for g in project.groups],
            description=project.description,
            presentation_session_id=project.presentation_session_id,
        )
        (missing,) = workspace.facilitators.untrained(cohort)
        workspace.facilitators.record_training(
            missing.person_id, held_on=date(2026, 11, 20), title="Working in a prison"
        )
        workspace.laptops.take_in_registers(stick)
    with laptop.open() as workspace:
        workspace.laptops.take_in_updates(stick)
        for model in (m.GroupProject, m.ProjectGroup, m.FacilitatorTraining):
            assert _count(workspace, model) == 0, model.__tablename__
        assert _count(workspace, m.ClassSession) > 0
