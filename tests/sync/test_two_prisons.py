"""Two prisons made from one demo seed (the same names, the same dates, the same serial
numbers and titles), paired with one university: everything each sends arrives, and
nothing of one is taken for the other's."""

from __future__ import annotations

import uuid
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import pytest
from sqlalchemy import func, select

from lt_desktop.core.services.documents.certificates import site_code
from lt_desktop.core.workspace import Workspace
from lt_desktop.domain.vocabulary import PersonBase, SiteKind
from lt_desktop.storage.database import INCLUDE_DELETED
from lt_desktop.storage.models import Certificate, Essay, Membership, Person, SyncConflict
from lt_desktop.sync.bundle import open_bundle
from lt_desktop.sync.exchange_results import ImportResult
from lt_desktop.sync.pairing import _known_sender, identity
from lt_desktop.sync.records import Incoming, decode_lines, synced_models
from tests.helpers.sites import (
    UNIVERSITY_ADMIN,
    UNIVERSITY_PASSWORD,
    Site,
    copy_site,
    new_site,
    pair,
)

UNIVERSITY = "University of Eastbridge"


@dataclass(frozen=True)
class Network:
    first: Site
    second: Site
    university: Site


@pytest.fixture(scope="module")
def _network(tmp_path_factory: pytest.TempPathFactory) -> Network:
    from lt_desktop.core.demo import build_demo_store

    root = tmp_path_factory.mktemp("two-prisons")
    build_demo_store(root / "first")
    build_demo_store(root / "second")
    first = Site("HMP Northfield", root / "first", "demo", "demo")
    second = Site("HMP Northfield", root / "second", "demo", "demo")
    university = new_site(
        root / "university", UNIVERSITY, SiteKind.UNIVERSITY, UNIVERSITY_ADMIN, UNIVERSITY_PASSWORD
    )
    pair(first, university)
    pair(second, university)
    return Network(first, second, university)


@pytest.fixture
def network(_network: Network, tmp_path: Path) -> Network:
    return Network(
        copy_site(_network.first, tmp_path / "first"),
        copy_site(_network.second, tmp_path / "second"),
        copy_site(_network.university, tmp_path / "university"),
    )


def _carried(bundle: Path, reader: Site) -> Counter[str]:
    """The records a bundle holds, by table, as its recipient reads them."""
    with reader.open() as workspace, workspace.store.read() as session:
        opened = open_bundle(
            bundle,
            me=identity(session, workspace.store),
            sender_keys=lambda site_id: _known_sender(session, site_id),
            max_plaintext_bytes=1 << 30,
        )
        return Counter(
            line.table for line in decode_lines(opened.chunks()) if isinstance(line, Incoming)
        )


def _held(site: Site) -> Counter[str]:
    """Every record the site holds, tombstones too, by table."""
    with site.open() as workspace, workspace.store.read() as session:
        return Counter(
            {
                table: session.scalar(
                    select(func.count())
                    .select_from(model)
                    .execution_options(**{INCLUDE_DELETED: True})
                )
                or 0
                for table, model in synced_models().items()
            }
        )


def _conflicts(site: Site) -> int:
    with site.open() as workspace, workspace.store.read() as session:
        return session.scalar(select(func.count()).select_from(SyncConflict)) or 0


def _serials(site: Site) -> list[str]:
    with site.open() as workspace, workspace.store.read() as session:
        return sorted(session.scalars(select(Certificate.serial)))


def _exchange(network: Network, folder: Path) -> tuple[Counter[str], list[ImportResult]]:
    """Each prison sends the university a bundle and the university takes both in: what
    the two bundles carried, and the two imports."""
    carried: Counter[str] = Counter()
    results = []
    for name, prison in (("first", network.first), ("second", network.second)):
        bundle = prison.export_to(network.university, folder / f"{name}.ltbundle").info.path
        carried += _carried(bundle, network.university)
        results.append(network.university.take_in(bundle))
    return carried, results


def test_the_university_holds_all_that_both_prisons_sent(network: Network, tmp_path: Path) -> None:
    before = _held(network.university)
    carried, results = _exchange(network, tmp_path)
    assert carried["certificates"] == 42 and carried["people"] > 100
    after = _held(network.university)
    tables = set(before) | set(after) | set(carried)
    assert {t: after[t] for t in tables} == {t: before[t] + carried[t] for t in tables}
    for result in results:
        assert not result.summary.conflicts, result.describe()
        assert "both sites" not in result.describe()
        assert not result.summary.missing_links and not result.summary.still_waiting
    assert _conflicts(network.university) == 0
    # Each prison's serials carry its own code, so no two certificates share one.
    serials = _serials(network.university)
    assert len(serials) == len(set(serials)) == 42
    for prison in (network.first, network.second):
        with prison.open() as workspace:
            code = site_code(workspace.store.site.id)
        assert all(f"-{code}-" in serial for serial in _serials(prison))
    with network.university.open() as workspace:
        assert workspace.maintenance.check().sound


def test_certificates_sharing_a_serial_stay_two(network: Network, tmp_path: Path) -> None:
    """Serials issued before they named their site clash between prisons: both
    certificates are kept, and neither is listed as a conflict."""
    for prison in (network.first, network.second):
        with prison.open() as workspace, workspace.store.write() as session:
            for certificate in session.scalars(select(Certificate)):
                year, _code, number = certificate.serial.rsplit("-", 2)
                certificate.serial = f"{year}-{number}"  # LT-2026-0001, as printed then
    first, second = _serials(network.first), _serials(network.second)
    assert first == second and len(set(first)) == 21
    carried, results = _exchange(network, tmp_path)
    assert carried["certificates"] == 42
    assert all(not result.summary.conflicts for result in results)
    assert _serials(network.university) == sorted(first + second)
    assert _conflicts(network.university) == 0
    with network.university.open() as workspace, workspace.store.read() as session:
        holders = Counter(
            session.execute(select(Certificate.serial, Certificate.membership_id)).all()
        )
        origins = Counter(session.scalars(select(Certificate.origin_site_id)))
    assert len(holders) == 42  # each is still its own student's
    assert sorted(origins.values()) == [21, 21]


def _student(workspace: Workspace, family_name: str) -> tuple[uuid.UUID, Essay]:
    """A student by family name, and their essay."""
    with workspace.store.read() as session:
        row = session.execute(
            select(Person.id, Essay)
            .join(Membership, Membership.person_id == Person.id)
            .join(Essay, Essay.membership_id == Membership.id)
            .where(Person.family_name == family_name)
            .order_by(Person.given_name, Essay.candidate_number)
        ).first()
        assert row is not None
        return row[0], row[1]


def test_a_code_made_at_both_prisons_keeps_two_people_and_two_essays_apart(
    network: Network, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Research IDs and candidate numbers are random codes each site makes on its own;
    made alike at two prisons, they never make two people (or essays) one."""
    with network.first.open() as workspace:
        family = _any_student_with_an_essay(workspace)
        first_person, first_essay = _student(workspace, family)
        with workspace.store.read() as session:
            person = session.get(Person, first_person)
            assert person is not None
            research_id = person.research_id
    with network.second.open() as workspace:
        second_person, second_essay = _student(workspace, family)
        with workspace.store.write() as session:
            person = session.get(Person, second_person)
            essay = session.get(Essay, second_essay.id)
            assert person is not None and essay is not None
            person.research_id = research_id
            essay.candidate_number = first_essay.candidate_number
    assert first_person != second_person and first_essay.id != second_essay.id

    before = _held(network.university)
    carried, results = _exchange(network, tmp_path)
    after = _held(network.university)
    assert {t: after[t] - before[t] for t in carried} == dict(carried)
    assert all(not result.summary.conflicts for result in results)
    assert _conflicts(network.university) == 0
    # The second import says so.
    assert results[1].shared_codes == Counter({"people": 1, "essays": 1})
    said = results[1].describe()
    assert "1 person whose research ID a different person here has too (both kept)" in said
    assert "1 essay whose candidate number a different essay here has too (both kept)" in said
    assert not results[0].shared_codes
    with network.university.open() as workspace, workspace.store.read() as session:
        people = session.scalars(select(Person).where(Person.research_id == research_id)).all()
        assert {p.id for p in people} == {first_person, second_person}
        essays = session.scalars(
            select(Essay).where(Essay.candidate_number == first_essay.candidate_number)
        ).all()
        assert {e.id: e.membership_id for e in essays} == {
            first_essay.id: first_essay.membership_id,
            second_essay.id: second_essay.membership_id,
        }
        # Each keeps what is theirs.
        for person_id, prison in ((first_person, network.first), (second_person, network.second)):
            assert _memberships(workspace, person_id) == _memberships_at(prison, person_id)

    # A person added at the university is never given a research ID held here.
    draws = iter([research_id, "R" + "0" * 9])
    monkeypatch.setattr("lt_desktop.core.services.people.new_research_id", lambda: next(draws))
    with network.university.open() as workspace:
        added = workspace.people.add_person(
            given_name="Una", family_name="Versity", base=PersonBase.UNIVERSITY
        )
        with workspace.store.read() as session:
            person = session.get(Person, added.id)
            assert person is not None and person.research_id == "R" + "0" * 9


def _any_student_with_an_essay(workspace: Workspace) -> str:
    with workspace.store.read() as session:
        family = session.scalars(
            select(Person.family_name)
            .join(Membership, Membership.person_id == Person.id)
            .join(Essay, Essay.membership_id == Membership.id)
            .where(Person.base == PersonBase.PRISON)
            .order_by(Person.family_name, Person.given_name)
        ).first()
    assert family is not None
    return family


def _memberships(workspace: Workspace, person_id: uuid.UUID) -> set[uuid.UUID]:
    with workspace.store.read() as session:
        return set(session.scalars(select(Membership.id).where(Membership.person_id == person_id)))


def _memberships_at(site: Site, person_id: uuid.UUID) -> set[uuid.UUID]:
    with site.open() as workspace:
        return _memberships(workspace, person_id)
