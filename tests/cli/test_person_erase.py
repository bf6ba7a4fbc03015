"""`lt-desktop person erase`: a preview, then the person's name typed (or --yes)."""

from __future__ import annotations

import uuid
from pathlib import Path

from sqlalchemy import select

from lt_desktop.core.sign_in import sign_in
from lt_desktop.domain.vocabulary import PersonBase
from lt_desktop.storage.database import INCLUDE_DELETED
from lt_desktop.storage.models import AuditEntry, Person, Story
from tests.cli.support import DEMO_PASSWORD, DEMO_USER, assert_failure, run_as


def _storyteller(folder: Path) -> tuple[uuid.UUID, str]:
    """A prison-based person who has written stories, and their name."""
    with sign_in(folder, DEMO_USER, DEMO_PASSWORD) as workspace:
        with workspace.store.read() as session:
            person = session.scalars(
                select(Person)
                .join(Story, Story.person_id == Person.id)
                .where(Person.base == PersonBase.PRISON)
                .order_by(Person.family_name, Person.given_name)
            ).first()
            assert person is not None
            return person.id, f"{person.given_name} {person.family_name}"


def _erased(folder: Path, person_id: uuid.UUID) -> bool:
    with sign_in(folder, DEMO_USER, DEMO_PASSWORD) as workspace:
        with workspace.store.read() as session:
            person = session.scalars(
                select(Person)
                .where(Person.id == person_id)
                .execution_options(**{INCLUDE_DELETED: True})
            ).one()
            return person.deleted_at is not None and person.family_name == ""


def test_erase_shows_the_preview_and_goes_ahead_when_the_name_is_typed(demo_dir: Path) -> None:
    person_id, name = _storyteller(demo_dir)

    result = run_as(
        demo_dir,
        DEMO_USER,
        "person",
        "erase",
        "--person",
        name,
        # As lists show it, in any case.
        secrets=(DEMO_PASSWORD, f"{name.split()[-1]}, {' '.join(name.split()[:-1])}".upper()),
    )

    assert result.code == 0, result.err
    assert f"Erasing {name} removes, here:" in result.out
    assert "stories: " in result.out and "person record: 1" in result.out
    assert "Erased: " in result.out
    assert _erased(demo_dir, person_id)
    with sign_in(demo_dir, DEMO_USER, DEMO_PASSWORD) as workspace:
        with workspace.store.read() as session:
            entry = session.scalars(
                select(AuditEntry).where(AuditEntry.action == "person.erased")
            ).one()
            assert name.split()[-1] not in f"{entry.subject_id} {entry.details}"


def test_a_wrong_name_erases_nothing(demo_dir: Path) -> None:
    person_id, name = _storyteller(demo_dir)

    result = run_as(
        demo_dir,
        DEMO_USER,
        "person",
        "erase",
        "--person",
        name,
        secrets=(DEMO_PASSWORD, "someone else"),
    )

    assert result.code == 1
    assert "nothing was erased" in result.out
    assert not _erased(demo_dir, person_id)


def test_with_yes_it_erases_without_asking(demo_dir: Path) -> None:
    person_id, name = _storyteller(demo_dir)

    result = run_as(demo_dir, DEMO_USER, "person", "erase", "--person", name, "--yes")

    assert result.code == 0, result.err
    assert _erased(demo_dir, person_id)
    again = run_as(demo_dir, DEMO_USER, "person", "erase", "--person", name, "--yes")
    assert "no person called" in assert_failure(again)


def test_a_facilitator_may_not_erase(demo_dir: Path) -> None:
    person_id, name = _storyteller(demo_dir)

    result = run_as(demo_dir, "facilitator", "person", "erase", "--person", str(person_id), "--yes")

    assert "erase a person" in assert_failure(result)
    assert not _erased(demo_dir, person_id)
