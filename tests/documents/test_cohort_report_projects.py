"""The cohort report's group projects: each topic, the small groups that joined by
name, when it was presented and what it was, as the printed report reads."""

from __future__ import annotations

from pathlib import Path

from pypdf import PdfReader

from lt_desktop.core.workspace import Workspace
from lt_desktop.documents.cohort_report import write_cohort_report


def _text(pdf: Path) -> str:
    return " ".join(" ".join(page.extract_text() for page in PdfReader(pdf).pages).split())


def test_the_report_tells_each_project_after_the_essays(demo: Workspace, tmp_path: Path) -> None:
    spring = next(c for c in demo.programme.list_cohorts() if c.name.startswith("January"))
    groups = demo.groups.plan(spring.id).groups
    demo.projects.add_project(
        spring.id,
        topic="Listening across walls <a radio play>",
        group_ids=[groups[1].id, groups[3].id],
        description="Three scenes & a song,\nrecorded in the chapel.",
    )
    report = demo.documents.cohort_report(spring.id)
    assert [p.topic for p in report.projects] == [
        "A just response: designing a restorative meeting",
        "Listening across walls <a radio play>",
    ]
    target = tmp_path / "report.pdf"
    write_cohort_report(target, report)
    text = _text(target)
    section = text[text.index("Group projects") :]
    assert (
        text.index("Essay marks")
        < text.index("Group projects")
        < text.index("Before and after the course")
    )
    for expected in (
        "A just response: designing a restorative meeting",
        "Group 1 and Group 3 · presented Mon 09 Mar 2026",
        "Groups 1 and 3 planned a restorative meeting after a burglary",
        "Listening across walls <a radio play>",
        "Group 2 and Group 4 · not presented yet",
        "Three scenes & a song, recorded in the chapel.",
    ):
        assert expected in section, expected


def test_a_cohort_with_no_project_says_so(demo: Workspace, tmp_path: Path) -> None:
    autumn = next(c for c in demo.programme.list_cohorts() if c.name.startswith("September"))
    (project,) = demo.projects.projects(autumn.id)
    demo.projects.remove_project(project.id)
    target = tmp_path / "report.pdf"
    write_cohort_report(target, demo.documents.cohort_report(autumn.id))
    assert "Group projects No group project has been recorded yet." in _text(target)
