"""`lt-desktop person`: release and merge, as a script runs them, against a real store."""

from __future__ import annotations

import uuid
from pathlib import Path

from sqlalchemy import select

from lt_desktop.core.sign_in import sign_in
from lt_desktop.domain.vocabulary import MembershipStatus, PersonBase
from lt_desktop.storage.models import AuditEntry, Membership, Person
from tests.cli.support import DEMO_PASSWORD, DEMO_USER, assert_failure, run_as


def _student_and_twin(folder: Path) -> tuple[uuid.UUID, uuid.UUID]:
    with sign_in(folder, DEMO_USER, DEMO_PASSWORD) as workspace:
        with workspace.store.read() as session:
            person = session.scalars(
                select(Person)
                .join(Membership, Membership.person_id == Person.id)
                .where(
                    Person.base == PersonBase.PRISON, Membership.status == MembershipStatus.ACTIVE
                )
                .order_by(Person.family_name)
            ).first()
            assert person is not None
            given, family, person_id = person.given_name, person.family_name, person.id
        twin = workspace.people.add_person(
            given_name=given, family_name=family, base=PersonBase.PRISON
        )
        return person_id, twin.id


def test_merge_previews_then_makes_one_record(demo_dir: Path) -> None:
    person, twin = _student_and_twin(demo_dir)
    shown = run_as(demo_dir, DEMO_USER, "person", "merge", str(person), str(twin), "--preview")
    assert shown.code == 0, shown.err
    assert "Keep:" in shown.out and "Nothing was changed" in shown.out
    with sign_in(demo_dir, DEMO_USER, DEMO_PASSWORD) as workspace:
        with workspace.store.read() as session:
            assert session.get(Person, twin) is not None
    done = run_as(demo_dir, DEMO_USER, "person", "merge", str(person), str(twin), "--yes")
    assert done.code == 0, done.err
    with sign_in(demo_dir, DEMO_USER, DEMO_PASSWORD) as workspace:
        with workspace.store.read() as session:
            held = {p for p in (person, twin) if session.get(Person, p) is not None}
            assert held == {min(person, twin, key=lambda i: i.hex)}
            assert session.scalars(
                select(AuditEntry).where(AuditEntry.action == "person.merged")
            ).first()


def test_merging_a_person_with_themselves_is_refused(demo_dir: Path) -> None:
    person, _ = _student_and_twin(demo_dir)
    result = run_as(demo_dir, DEMO_USER, "person", "merge", str(person), str(person), "--yes")
    assert "two different people" in assert_failure(result)


def test_release_ends_places_and_keeps_the_record(demo_dir: Path) -> None:
    person, _ = _student_and_twin(demo_dir)
    result = run_as(demo_dir, DEMO_USER, "person", "release", str(person), "--reason", "Released")
    assert result.code == 0, result.err
    assert "the course record stays" in result.out
    with sign_in(demo_dir, DEMO_USER, DEMO_PASSWORD) as workspace:
        with workspace.store.read() as session:
            statuses = set(
                session.scalars(select(Membership.status).where(Membership.person_id == person))
            )
    assert MembershipStatus.RELEASED in statuses and MembershipStatus.ACTIVE not in statuses
    again = run_as(demo_dir, DEMO_USER, "person", "release", str(person))
    assert "no current place" in assert_failure(again)
