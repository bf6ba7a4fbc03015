"""People who move, through real stores and real bundles: a learner transferred from
one prison to another is one person at the university with the course record of both,
and never carries the first prison's prison-only details; two records of one person
merged at any site end as one record at every site, whatever the order."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from sqlalchemy import select, update

from lt_desktop.domain.errors import ValidationError
from lt_desktop.domain.vocabulary import (
    AttendanceStatus,
    ConsentScope,
    MembershipStatus,
    PersonBase,
    SiteKind,
)
from lt_desktop.storage.models import (
    AttendanceMark,
    ClassSession,
    Essay,
    Membership,
    Person,
    PersonMerge,
    PrisonDetails,
    Site,
)
from lt_desktop.sync.bundle import open_bundle
from lt_desktop.sync.pairing import _known_sender, identity
from tests.helpers.sites import (
    UNIVERSITY_ADMIN,
    UNIVERSITY_PASSWORD,
    copy_site,
    new_site,
    pair,
)
from tests.helpers.sites import (
    Site as Place,
)

SECOND = "HMP Southgate"


@dataclass(frozen=True)
class Network:
    first: Place
    second: Place
    university: Place


@pytest.fixture(scope="module")
def _network(tmp_path_factory: pytest.TempPathFactory) -> Network:
    from lt_desktop.core.demo import build_demo_store

    root = tmp_path_factory.mktemp("movement")
    build_demo_store(root / "first")
    build_demo_store(root / "second")
    first = Place("HMP Northfield", root / "first", "demo", "demo")
    second = Place(SECOND, root / "second", "demo", "demo")
    with second.open() as workspace, workspace.store.write() as session:
        session.execute(update(Site).where(Site.is_local.is_(True)).values(name=SECOND))
    university = new_site(
        root / "university",
        "University of Eastbridge",
        SiteKind.UNIVERSITY,
        UNIVERSITY_ADMIN,
        UNIVERSITY_PASSWORD,
    )
    pair(first, university)
    # A prison taking learners on from another holds that prison's partnership too (their
    # course record): its pairing with the university names its own.
    with second.open() as workspace:
        (own,) = workspace.programme.list_partnerships()
    pair(second, university, partnership_id=own.id)
    return Network(first, second, university)


@pytest.fixture
def network(_network: Network, tmp_path: Path) -> Network:
    return Network(
        copy_site(_network.first, tmp_path / "first"),
        copy_site(_network.second, tmp_path / "second"),
        copy_site(_network.university, tmp_path / "university"),
    )


def _send(sender: Place, receiver: Place, folder: Path, name: str) -> bytes:
    """Carry a bundle from ``sender`` to ``receiver``: its plaintext, as read there."""
    bundle = sender.export_to(receiver, folder / f"{name}.ltbundle").info.path
    with receiver.open() as workspace, workspace.store.read() as session:
        opened = open_bundle(
            bundle,
            me=identity(session, workspace.store),
            sender_keys=lambda site_id: _known_sender(session, site_id),
            max_plaintext_bytes=1 << 30,
        )
        plaintext = b"".join(opened.chunks())
    result = receiver.take_in(bundle)
    assert not result.summary.still_waiting, result.describe()
    return plaintext


def _learner(site: Place) -> tuple[uuid.UUID, str, int, int]:
    """A prison-based student with a current place, an essay and register marks, given
    prison-only details: their id, prison number, marks and essays."""
    with site.open() as workspace, workspace.store.write() as session:
        person_id = session.scalars(
            select(Person.id)
            .join(Membership, Membership.person_id == Person.id)
            .join(Essay, Essay.membership_id == Membership.id)
            .join(AttendanceMark, AttendanceMark.person_id == Person.id)
            .where(Person.base == PersonBase.PRISON, Membership.status == MembershipStatus.ACTIVE)
            .order_by(Person.family_name)
        ).first()
        assert person_id is not None
        details = session.scalars(
            select(PrisonDetails).where(PrisonDetails.person_id == person_id)
        ).first()
        if details is None:
            details = PrisonDetails(person_id=person_id)
            session.add(details)
        details.prison_number = "ZQ9876X"
        details.security_notes = "Never to leave the first prison"
        marks = len(
            session.scalars(
                select(AttendanceMark.id).where(AttendanceMark.person_id == person_id)
            ).all()
        )
        essays = len(
            session.scalars(
                select(Essay.id)
                .join(Membership, Membership.id == Essay.membership_id)
                .where(Membership.person_id == person_id)
            ).all()
        )
        return person_id, "ZQ9876X", marks, essays


def _a_cohort(site: Place) -> uuid.UUID:
    with site.open() as workspace:
        cohorts = workspace.programme.list_cohorts()
        return cohorts[-1].id


@pytest.mark.parametrize("second_pairs_first", [False])
def test_a_transferred_learner_is_one_person_with_both_course_records(
    network: Network, tmp_path: Path, second_pairs_first: bool
) -> None:
    learner, number, marks, essays = _learner(network.first)
    plaintexts = [
        _send(network.first, network.university, tmp_path, "first-1"),
        _send(network.second, network.university, tmp_path, "second-1"),
    ]
    with network.first.open() as workspace:
        transfer = workspace.people.transfer(
            learner, to=SECOND, on=date.today(), reason="Moved nearer home"
        )
        assert not transfer.to_site_known  # the first prison is not paired with it
        page = workspace.people.person_page(learner)
        assert {m.status for m in page.memberships} >= {MembershipStatus.TRANSFERRED}
    plaintexts.append(_send(network.first, network.university, tmp_path, "first-2"))
    # The university passes the learner and their course record on to the prison named.
    plaintexts.append(_send(network.university, network.second, tmp_path, "university-1"))
    cohort = _a_cohort(network.second)
    with network.second.open() as workspace:
        waiting = workspace.people.transfers(arriving_only=True)
        assert [t.person_id for t in waiting] == [learner]
        workspace.people.take_on(learner, cohort)
        assert workspace.people.transfers(arriving_only=True) == []
        with workspace.store.read() as session:
            assert (
                len(
                    session.scalars(
                        select(AttendanceMark.id).where(AttendanceMark.person_id == learner)
                    ).all()
                )
                == marks
            )
            held_essays = session.scalars(
                select(Essay.id)
                .join(Membership, Membership.id == Essay.membership_id)
                .where(Membership.person_id == learner)
            ).all()
            assert len(held_essays) == essays
            assert not session.scalars(
                select(PrisonDetails).where(PrisonDetails.person_id == learner)
            ).all()
    plaintexts.append(_send(network.second, network.university, tmp_path, "second-2"))
    plaintexts.append(_send(network.university, network.first, tmp_path, "university-2"))

    with network.university.open() as workspace, workspace.store.read() as session:
        person = session.get(Person, learner)
        assert person is not None
        places = session.execute(
            select(Membership.cohort_id, Membership.status, Membership.origin_site_id).where(
                Membership.person_id == learner
            )
        ).all()
        statuses = {status for _, status, _ in places}
        assert MembershipStatus.TRANSFERRED in statuses
        assert (cohort, MembershipStatus.ACTIVE) in {(c, s) for c, s, _ in places}
        assert len({origin for _, _, origin in places}) == 2  # both prisons' places
    for plaintext in plaintexts:
        assert number.encode() not in plaintext
        assert b"Never to leave the first prison" not in plaintext
        assert b"prison_details" not in plaintext


def test_a_transfer_needs_a_destination_and_a_current_place(network: Network) -> None:
    learner, *_ = _learner(network.first)
    with network.first.open() as workspace:
        from lt_desktop.domain.errors import ValidationError

        with pytest.raises(ValidationError, match="Name the prison"):
            workspace.people.transfer(learner, to="  ")
        with pytest.raises(ValidationError, match="not this one"):
            workspace.people.transfer(learner, to="hmp northfield")
        workspace.people.transfer(learner, to=SECOND)
        with pytest.raises(ValidationError, match="no current place"):
            workspace.people.transfer(learner, to=SECOND)
        assert len(workspace.people.transfers()) == 1


def _duplicate(site: Place) -> tuple[uuid.UUID, uuid.UUID, uuid.UUID]:
    """A second record of a student, on their cohort and marked at one of its sessions
    where they are marked too: (the student, the duplicate, that session)."""
    with site.open() as workspace:
        with workspace.store.read() as session:
            marked = session.execute(
                select(Person.id, Membership.cohort_id, AttendanceMark.session_id)
                .join(Membership, Membership.person_id == Person.id)
                .join(AttendanceMark, AttendanceMark.person_id == Person.id)
                .join(ClassSession, ClassSession.id == AttendanceMark.session_id)
                .where(ClassSession.cohort_id == Membership.cohort_id)
                .order_by(Person.family_name, Person.given_name)
            ).first()
            assert marked is not None, "the demo has a student marked at a session"
            person_id, cohort_id, session_id = marked
            person = session.get(Person, person_id)
            assert person is not None
            given, family, base = person.given_name, person.family_name, person.base
        twin = workspace.people.add_person(given_name=given, family_name=family, base=base)
        workspace.memberships.enrol(cohort_id, twin.id)
        with workspace.store.write() as session:
            session.add(
                AttendanceMark(
                    session_id=session_id,
                    person_id=twin.id,
                    status=AttendanceStatus.PRESENT,
                    recorded_at=datetime.now(UTC),
                )
            )
        return person_id, twin.id, session_id


@dataclass(frozen=True)
class _Record:
    """What a site holds of some people: hex ids of their places and marks, sorted."""

    people: set[uuid.UUID]
    places: list[tuple[str, str, str]]
    marks: list[tuple[str, str, str]]
    merges: int


def _record_of(site: Place, person_ids: set[uuid.UUID]) -> _Record:
    with site.open() as workspace, workspace.store.read() as session:
        people = set(session.scalars(select(Person.id).where(Person.id.in_(person_ids))))
        places = sorted(
            (m.id.hex, m.cohort_id.hex, m.person_id.hex)
            for m in session.scalars(select(Membership).where(Membership.person_id.in_(people)))
        )
        marks = sorted(
            (a.id.hex, a.session_id.hex, a.person_id.hex)
            for a in session.scalars(
                select(AttendanceMark).where(AttendanceMark.person_id.in_(people))
            )
        )
        merges = len(session.scalars(select(PersonMerge.id)).all())
        return _Record(people=people, places=places, marks=marks, merges=merges)


@pytest.mark.parametrize("who", ["university", "prison", "both, opposite ways"])
def test_a_merge_made_anywhere_ends_as_one_record_everywhere(
    network: Network, tmp_path: Path, who: str
) -> None:
    first, university = network.first, network.university
    person, twin, session_id = _duplicate(first)
    _send(first, university, tmp_path, "first-1")
    with university.open() as workspace:
        preview = workspace.people.preview_merge(person, twin)
        assert preview.shared_cohorts and preview.merge.register_marks == 1
    if who in ("university", "both, opposite ways"):
        with university.open() as workspace:
            workspace.people.merge_people(person, twin)
    if who in ("prison", "both, opposite ways"):
        with first.open() as workspace:
            keep, drop = (twin, person) if who.startswith("both") else (person, twin)
            workspace.people.merge_people(keep, drop)
    _send(university, first, tmp_path, "university-1")
    _send(first, university, tmp_path, "first-2")
    _send(university, first, tmp_path, "university-2")
    ours, theirs = _record_of(first, {person, twin}), _record_of(university, {person, twin})
    assert ours == theirs
    assert len(ours.people) == 1
    (survivor,) = ours.people
    assert survivor == min(person, twin, key=lambda i: i.hex)
    marks = [m for m in ours.marks if m[1] == session_id.hex]
    assert len(marks) == 1  # both marked at one session: one mark
    cohorts = [c for _, c, _ in ours.places]
    assert len(cohorts) == len(set(cohorts))  # one place per cohort


def test_a_merge_is_refused_for_one_person_and_changes_nothing(network: Network) -> None:
    from lt_desktop.domain.errors import ValidationError

    person, twin, _ = _duplicate(network.first)
    before = _record_of(network.first, {person, twin})
    with network.first.open() as workspace:
        with pytest.raises(ValidationError, match="two different people"):
            workspace.people.merge_people(person, person)
    assert _record_of(network.first, {person, twin}) == before


def _university_email(network: Network, person_id: uuid.UUID) -> str:
    with network.university.open() as workspace, workspace.store.read() as session:
        person = session.get(Person, person_id)
        assert person is not None
        return person.email


def test_a_released_learner_is_kept_in_touch_with_only_while_they_consent(
    network: Network, tmp_path: Path
) -> None:
    first, university = network.first, network.university
    person_id, *_ = _learner(first)
    email = "kept.in.touch@example.org"
    with first.open() as workspace:
        workspace.people.release(person_id, on=date(2026, 11, 2), reason="Released")
        held = workspace.people.get_person(person_id)

        def give_email(address: str) -> None:
            workspace.people.update_person(
                person_id,
                given_name=held.given_name,
                family_name=held.family_name,
                base=PersonBase.PRISON,
                preferred_name=held.preferred_name,
                email=address,
                notes=held.notes,
            )

        contact = ConsentScope.CONTACT_AFTER_RELEASE
        if any(s.scope is contact and s.active for s in workspace.consent.states(person_id)):
            workspace.consent.withdraw(person_id, contact, on=date(2026, 11, 1))
        with pytest.raises(ValidationError, match="consent to keep in touch"):
            give_email(email)
        assert workspace.people.get_person(person_id).email == ""
        workspace.consent.record(person_id, contact, given_on=date(2026, 11, 2))
        give_email(email)
    _send(first, university, tmp_path, "with-consent")
    assert _university_email(network, person_id) == email

    with first.open() as workspace:
        workspace.consent.withdraw(
            person_id, ConsentScope.CONTACT_AFTER_RELEASE, on=date(2026, 12, 1)
        )
        assert workspace.people.get_person(person_id).email == ""
    plaintext = _send(first, university, tmp_path, "withdrawn")
    assert email.encode() not in plaintext
    assert _university_email(network, person_id) == ""
    # A learner who never consented cannot be given an email at the university either.
    with university.open() as workspace, pytest.raises(ValidationError):
        workspace.people.update_person(
            person_id,
            given_name=held.given_name,
            family_name=held.family_name,
            base=PersonBase.PRISON,
            email=email,
        )
