"""Readings are programme records: the university chooses them, the prison copies them
for its students. They travel both ways with their sessions, PDF and all, and never
to a classroom laptop."""

from __future__ import annotations

from pathlib import Path

import pytest

from lt_desktop.core.services.programme import SessionInfo
from lt_desktop.core.workspace import Workspace
from lt_desktop.domain.vocabulary import SiteKind
from tests.helpers.sites import (
    UNIVERSITY_ADMIN,
    UNIVERSITY_PASSWORD,
    Site,
    copy_site,
    new_site,
    pair,
)
from tests.helpers.stores import copy_store

PDF = b"%PDF-1.4\n% the pages to copy for week two\n%%EOF\n"


@pytest.fixture(scope="module")
def _exchanged(_demo_template: Path, tmp_path_factory: pytest.TempPathFactory) -> tuple[Site, Site]:
    root = tmp_path_factory.mktemp("readings")
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
    university.take_in(prison.export_to(university, root / "p1.ltbundle").info.path)
    return prison, university


@pytest.fixture
def exchanged(_exchanged: tuple[Site, Site], tmp_path: Path) -> tuple[Site, Site]:
    prison, university = _exchanged
    return copy_site(prison, tmp_path / "prison"), copy_site(university, tmp_path / "university")


def _week(workspace: Workspace, week: int) -> SessionInfo:
    cohort = next(c for c in workspace.programme.list_cohorts() if "September" in c.name)
    return next(s for s in workspace.programme.list_sessions(cohort.id) if s.week == week)


def _reading_lists(workspace: Workspace) -> dict[int, list[tuple[str, str, str, str]]]:
    cohort = next(c for c in workspace.programme.list_cohorts() if "September" in c.name)
    return {
        s.week: [
            (r.title, r.author, r.pages, r.pdf_filename) for r in workspace.readings.readings(s.id)
        ]
        for s in workspace.programme.list_sessions(cohort.id)
    }


def test_the_prisons_readings_reach_the_university_with_their_pdf(
    exchanged: tuple[Site, Site],
) -> None:
    prison, university = exchanged
    with prison.open() as workspace:
        sent = _reading_lists(workspace)
        with_pdf = next(
            r
            for s in workspace.programme.list_sessions(_week(workspace, 1).cohort_id)
            for r in workspace.readings.readings(s.id)
            if r.has_pdf
        )
        pdf = workspace.readings.pdf(with_pdf.id)
    with university.open() as workspace:
        assert _reading_lists(workspace) == sent
        assert workspace.readings.pdf(with_pdf.id) == pdf


def test_readings_the_university_chooses_reach_the_prison_to_print(
    exchanged: tuple[Site, Site], tmp_path: Path
) -> None:
    prison, university = exchanged
    with university.open() as workspace:
        week = _week(workspace, 2)
        added = workspace.readings.add(
            week.id, title="The Gift Relationship", author="Richard Titmuss", pages="pp. 1–20"
        )
        workspace.readings.attach_pdf(added.id, "titmuss.pdf", PDF)
        first = workspace.readings.readings(week.id)[0]
        workspace.readings.edit(first.id, title=first.title, author=first.author, pages="p. 1")
        dropped = workspace.readings.readings(_week(workspace, 3).id)[0]
        workspace.readings.remove(dropped.id)
    back = prison.take_in(university.export_to(prison, tmp_path / "u1.ltbundle").info.path)
    assert back.summary.added["readings"] == 1, back.describe()
    assert back.summary.updated["readings"] == 2, back.describe()
    with prison.open() as workspace:
        readings = workspace.readings.readings(_week(workspace, 2).id)
        assert [(r.title, r.pages) for r in readings][0][1] == "p. 1"
        assert readings[-1].describe() == "The Gift Relationship, Richard Titmuss, pp. 1–20"
        assert workspace.readings.pdf(added.id) == PDF
        assert dropped.id not in {r.id for r in workspace.readings.readings(dropped.session_id)}
        handout = workspace.documents.handout(_week(workspace, 2).id)
        assert "The Gift Relationship" in [r.title for r in handout.readings]


def test_a_classroom_laptop_never_carries_readings(
    exchanged: tuple[Site, Site], tmp_path: Path
) -> None:
    prison, _ = exchanged
    stick = tmp_path / "stick"
    stick.mkdir()
    with prison.open() as workspace:
        made = workspace.laptops.create("Room 2 laptop", [_week(workspace, 1).cohort_id], stick)
        bundle = workspace.sync.export(
            made.laptop.site_id, tmp_path / "to-laptop.ltbundle", snapshot=True
        )
    assert bundle.records["class_sessions"] > 0
    assert "readings" not in bundle.records
