"""`lt-desktop person export`: everything held about a person, into a new folder."""

from __future__ import annotations

import json
from pathlib import Path

from sqlalchemy import select

from lt_desktop.core.sign_in import sign_in
from lt_desktop.domain.vocabulary import PersonBase
from lt_desktop.storage.models import Person, Story
from tests.cli.support import DEMO_PASSWORD, DEMO_USER, assert_failure, run_as


def _storyteller(folder: Path) -> tuple[str, str]:
    """A prison-based person who has written stories: their name and research id."""
    with sign_in(folder, DEMO_USER, DEMO_PASSWORD) as workspace:
        with workspace.store.read() as session:
            person = session.scalars(
                select(Person)
                .join(Story, Story.person_id == Person.id)
                .where(Person.base == PersonBase.PRISON)
                .order_by(Person.family_name, Person.given_name)
            ).first()
            assert person is not None
            return f"{person.given_name} {person.family_name}", person.research_id


def test_export_writes_the_folder_and_says_where_and_how_much(
    demo_dir: Path, tmp_path: Path
) -> None:
    name, research_id = _storyteller(demo_dir)
    out = tmp_path / "stick" / "request"
    out.parent.mkdir()

    result = run_as(demo_dir, DEMO_USER, "person", "export", "--person", name, "--out", str(out))

    assert result.code == 0, result.err
    assert f"is in {out}" in result.out and f"research id {research_id}" in result.out
    assert f"{research_id}-data.pdf, to read" in result.out
    assert "  Stories: " in result.out and "  Consents: " in result.out
    assert "Hand the folder over" in result.out
    data = json.loads((out / "data.json").read_text(encoding="utf-8"))
    assert data["record"][0]["research_id"] == research_id
    assert (out / f"{research_id}-data.pdf").read_bytes().startswith(b"%PDF")
    with sign_in(demo_dir, DEMO_USER, DEMO_PASSWORD) as workspace:
        (entry,) = workspace.audit.entries(action="person.access_export")
    assert entry.subject_id == research_id


def test_export_refuses_a_used_folder_an_unknown_person_and_a_facilitator(
    demo_dir: Path, tmp_path: Path
) -> None:
    name, _ = _storyteller(demo_dir)
    used = tmp_path / "used"
    used.mkdir()
    (used / "letter.txt").write_text("kept")

    refused = run_as(demo_dir, DEMO_USER, "person", "export", "--person", name, "--out", str(used))
    assert "is there already and holds files" in assert_failure(refused)
    assert [p.name for p in used.iterdir()] == ["letter.txt"]

    unknown = run_as(
        demo_dir, DEMO_USER, "person", "export", "--person", "Nobody Atall", "--out", str(used)
    )
    assert "There is no person called 'Nobody Atall'" in assert_failure(unknown)

    facilitator = run_as(
        demo_dir,
        "facilitator",
        "person",
        "export",
        "--person",
        "00000000-0000-4000-8000-000000000000",
        "--out",
        str(tmp_path / "new"),
    )
    assert "does not allow you to export" in assert_failure(facilitator)
    assert not (tmp_path / "new").exists()
