"""A partner may write only the records its side may: a hostile university, signing
with its real keys, cannot give or withdraw a prison-based learner's consent, delete
them or their places, or move them to its side; a hostile prison cannot change what
the university made of a university student. Each such bundle is refused whole, with
a line naming the record and the rule, and the store is left exactly as it was."""

from __future__ import annotations

import json
import uuid
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import select

from lt_desktop.domain.vocabulary import AttendanceStatus, PersonBase
from lt_desktop.storage.models import (
    AttendanceMark,
    ClassSession,
    Cohort,
    Consent,
    Erasure,
    EssayMark,
    Membership,
    Person,
)
from tests.security.import_forgery import (
    Pair,
    as_bytes,
    changed,
    copied,
    created,
    deleted,
    exchanged,
    forge,
    new_version,
    record_line,
    refusal,
    template,
)


@pytest.fixture(scope="module")
def _exchanged(tmp_path_factory: pytest.TempPathFactory) -> Pair:
    return exchanged(tmp_path_factory)


@pytest.fixture
def sites(_exchanged: Pair, tmp_path: Path) -> Pair:
    return copied(_exchanged, tmp_path)


def _refused(sender_to_receiver: tuple[Pair, bool], lines: list[bytes], target: Path) -> str:
    """Send ``lines`` (from the university when the flag is set): the refusal's line,
    once it is checked that nothing changed."""
    pair, from_university = sender_to_receiver
    receiver = pair.prison if from_university else pair.university
    return refusal(
        receiver, forge(pair, from_university=from_university, lines=lines, target=target)
    )


def _prison_learner(model: type, pair: Pair) -> dict:
    """A record of ``model`` about a prison-based learner, as the prison holds it."""
    if model is Person:
        return template(pair, Person, lambda m: m.base == PersonBase.PRISON, named="prison")
    return template(
        pair,
        model,
        lambda m: m.person_id.in_(
            Person.__table__.select()
            .with_only_columns(Person.__table__.c.id)
            .where(Person.__table__.c.base == PersonBase.PRISON.value)
        ),
        named="prison",
    )


def _university_person(pair: Pair) -> dict:
    """A university-based person the university itself made."""
    with pair.university.open() as workspace:
        person = workspace.people.add_person(
            given_name="Harriet", family_name="Osei", base=PersonBase.UNIVERSITY
        )
    return record_line(pair.university, Person, lambda m: m.id == person.id)


def test_a_university_cannot_give_a_prison_based_learner_consent(
    sites: Pair, tmp_path: Path
) -> None:
    consent = _prison_learner(Consent, sites)
    forged = created(consent, sites.university_id, withdrawn_on=None)
    message = _refused((sites, True), [as_bytes(forged)], tmp_path / "consent.ltbundle")
    assert message == (
        f"The bundle's consents record {forged['id']} was made at a university site about "
        "a prison-based person, which only a prison site may do; nothing was imported."
    )


def test_a_university_cannot_withdraw_a_prison_based_learners_consent(
    sites: Pair, tmp_path: Path
) -> None:
    consent = _prison_learner(Consent, sites)
    line = changed(consent, sites.university_id, withdrawn_on="2026-03-01")
    message = _refused((sites, True), [line], tmp_path / "withdrawal.ltbundle")
    assert f"consents record {consent['id']} was made at a university site" in message


def test_a_university_cannot_delete_a_prison_based_learner(sites: Pair, tmp_path: Path) -> None:
    person = _prison_learner(Person, sites)
    line = deleted(person, sites.university_id)
    message = _refused((sites, True), [line], tmp_path / "tombstone.ltbundle")
    assert message == (
        f"The bundle's people record {person['id']} deletes a record of a prison-based "
        "person, which only a prison site may do; nothing was imported."
    )
    # Nothing personal in the refusal.
    assert person["f"]["family_name"] not in message


def test_a_university_cannot_delete_a_prison_based_learners_place(
    sites: Pair, tmp_path: Path
) -> None:
    membership = _prison_learner(Membership, sites)
    line = deleted(membership, sites.university_id)
    message = _refused((sites, True), [line], tmp_path / "place.ltbundle")
    assert f"memberships record {membership['id']} deletes a record of a prison-based" in message


def test_a_university_cannot_move_a_prison_based_learner_to_its_side(
    sites: Pair, tmp_path: Path
) -> None:
    person = _prison_learner(Person, sites)
    line = changed(person, sites.university_id, base="university")
    message = _refused((sites, True), [line], tmp_path / "rebase.ltbundle")
    assert f"people record {person['id']} moves a prison-based person to the other side" in message


def test_a_university_cannot_take_a_prison_based_learners_register(
    sites: Pair, tmp_path: Path
) -> None:
    mark = _prison_learner(AttendanceMark, sites)
    line = changed(mark, sites.university_id, status=AttendanceStatus.ABSENT.value)
    message = _refused((sites, True), [line], tmp_path / "mark.ltbundle")
    assert f"attendance record {mark['id']} was made at a university site" in message


def test_a_university_never_sends_research_data(sites: Pair, tmp_path: Path) -> None:
    from lt_desktop.storage.models import Story

    story = _prison_learner(Story, sites)
    line = changed(story, sites.university_id, text="Rewritten.")
    message = _refused((sites, True), [line], tmp_path / "story.ltbundle")
    assert "holds stories, which a site of its kind never sends" in message


def test_a_refusal_half_way_undoes_what_came_before_it(sites: Pair, tmp_path: Path) -> None:
    """Records the university may send come first, and are taken in as far as the
    offending one; then all of it goes."""
    university = sites.university_id
    person = _prison_learner(Person, sites)
    newcomer = created(
        person, university, base="university", research_id="R" + uuid.uuid4().hex[:9]
    )
    consent = _prison_learner(Consent, sites)
    their_consent = created(consent, university, person_id=newcomer["id"])
    mark = template(sites, EssayMark)
    feedback = changed(mark, university, feedback="Clear and well argued.")
    offending = deleted(person, university)
    message = _refused(
        (sites, True),
        [as_bytes(newcomer), as_bytes(their_consent), feedback, offending],
        tmp_path / "half.ltbundle",
    )
    assert f"people record {person['id']} deletes" in message
    # The same records without the offending one are taken in: the refusal was the rule's.
    good = forge(
        sites,
        from_university=True,
        lines=[as_bytes(newcomer), as_bytes(their_consent), feedback],
        target=tmp_path / "good.ltbundle",
    )
    result = sites.prison.take_in(good)
    assert result.summary.added["people"] == 1 and result.summary.added["consents"] == 1
    assert result.summary.updated["essay_marks"] == 1


def test_a_university_may_mark_and_merge_prison_learners(sites: Pair, tmp_path: Path) -> None:
    """What a university does for every learner still comes in: marks and feedback,
    and a new version of a prison-based learner made by a merge there."""
    university = sites.university_id
    mark = template(sites, EssayMark)
    person = _prison_learner(Person, sites)
    bundle = forge(
        sites,
        from_university=True,
        lines=[
            changed(mark, university, score=64.5),
            changed(person, university, preferred_name="Sam"),
        ],
        target=tmp_path / "marks.ltbundle",
    )
    result = sites.prison.take_in(bundle)
    assert result.summary.updated["essay_marks"] == 1
    assert result.summary.updated["people"] == 1


def test_a_prison_cannot_change_what_the_university_made_of_its_student(
    sites: Pair, tmp_path: Path
) -> None:
    student = _university_person(sites)
    # The university's student reaches the prison, as any person in its cohorts would.
    line = changed(student, sites.prison_id, email="someone@example.org")
    message = _refused((sites, False), [line], tmp_path / "student.ltbundle")
    assert message == (
        f"The bundle's people record {student['id']} changes what a university site made "
        "of a university-based person, which only a university site may do; nothing was "
        "imported."
    )
    tombstone = deleted(student, sites.prison_id)
    assert f"people record {student['id']} deletes a record of a university-based" in _refused(
        (sites, False), [tombstone], tmp_path / "student-gone.ltbundle"
    )


def test_a_prison_cannot_claim_the_university_made_a_record(sites: Pair, tmp_path: Path) -> None:
    student = _university_person(sites)
    moved = json.loads(changed(student, sites.prison_id, notes="Ours now."))
    moved["o"] = sites.prison_id.hex
    message = _refused((sites, False), [as_bytes(moved)], tmp_path / "origin.ltbundle")
    assert f"people record {student['id']} names another site as where it was made" in message


def test_a_university_cannot_pass_off_its_change_as_another_prisons(
    sites: Pair, tmp_path: Path
) -> None:
    """What the prison made of its own learners changes only on the prison's side: a
    version said to be made at some other site is refused like the university's own."""
    elsewhere = uuid.uuid4()
    consent = _prison_learner(Consent, sites)
    message = _refused(
        (sites, True),
        [changed(consent, elsewhere, withdrawn_on="2026-03-01")],
        tmp_path / "relayed.ltbundle",
    )
    assert message == (
        f"The bundle's consents record {consent['id']} changes what a prison site made of a "
        "prison-based person, which only a prison site may do; nothing was imported."
    )
    membership = _prison_learner(Membership, sites)
    message = _refused(
        (sites, True), [deleted(membership, elsewhere)], tmp_path / "relayed-gone.ltbundle"
    )
    assert f"memberships record {membership['id']} deletes a record of a prison-based" in message


def test_a_university_passes_on_what_another_prison_made(sites: Pair, tmp_path: Path) -> None:
    """A transferred learner's consent, recorded at the prison they left, comes through
    the university: made at a prison, not the university, it is taken in."""
    other_prison = uuid.uuid4()
    consent = _prison_learner(Consent, sites)
    relayed = created(consent, other_prison)
    bundle = forge(
        sites,
        from_university=True,
        lines=[as_bytes(relayed)],
        target=tmp_path / "relayed.ltbundle",
    )
    assert sites.prison.take_in(bundle).summary.added["consents"] == 1


def _another_partnership_at_the_university(sites: Pair) -> tuple[uuid.UUID, uuid.UUID]:
    """A partnership the hub runs with another prison: its course and its cohort."""
    with sites.university.open() as workspace:
        other = workspace.programme.add_partnership(
            name="Southgate and Eastbridge", prison_name="HMP Southgate", university_name="UoE"
        )
        course = workspace.programme.add_course(partnership_id=other.id, title="Crime")
        cohort = workspace.programme.add_cohort(
            course_id=course.id,
            name="Southgate 2027",
            starts_on=date(2027, 1, 11),
            ends_on=date(2027, 4, 12),
        )
    return course.id, cohort.id


def test_a_prison_cannot_write_into_another_prisons_partnership(
    sites: Pair, tmp_path: Path
) -> None:
    """A hub keeps each prison's partnership apart: a prison sends only its own
    (those it started, or the one its pairing names), so a cohort, session, place or
    mark of another partnership from it can only be a hostile one's."""
    course_id, cohort_id = _another_partnership_at_the_university(sites)
    prison = sites.prison_id
    session_line = template(sites, ClassSession)
    cohort_line = template(sites, Cohort)
    membership_line = template(sites, Membership)
    forged = {
        "cohorts": created(cohort_line, prison, course_id=course_id.hex),
        "class_sessions": created(session_line, prison, cohort_id=cohort_id.hex),
        "memberships": created(membership_line, prison, cohort_id=cohort_id.hex),
    }
    for table, document in forged.items():
        message = refusal(
            sites.university,
            forge(
                sites,
                from_university=False,
                lines=[as_bytes(document)],
                target=tmp_path / f"{table}.ltbundle",
            ),
        )
        assert table.replace("_", " ") in message
        assert "a partnership other than the one this prison is paired for" in message
    # The prison's own partnership still takes a new session in.
    own = created(session_line, prison)
    result = sites.university.take_in(
        forge(sites, from_university=False, lines=[as_bytes(own)], target=tmp_path / "own.ltbundle")
    )
    assert result.summary.added["class_sessions"] == 1


def _university_erasure(sites: Pair, **fields: object) -> dict:
    """An erasure the university made, of its own student, changed as a hostile
    university would before signing it."""
    student = _university_person(sites)
    with sites.university.open() as workspace:
        workspace.erasure.erase(uuid.UUID(student["id"]))
    line = record_line(sites.university, Erasure, lambda m: m.person_id == uuid.UUID(student["id"]))
    return created(line, sites.university_id, **fields)


@pytest.mark.parametrize("claimed_base", ["prison", "university"])
def test_a_university_cannot_erase_a_prison_based_learner(
    sites: Pair, tmp_path: Path, claimed_base: str
) -> None:
    person = _prison_learner(Person, sites)
    forged = _university_erasure(sites, person_id=person["id"], base=claimed_base)
    message = _refused((sites, True), [as_bytes(forged)], tmp_path / "erasure.ltbundle")
    assert message == (
        f"The bundle's erasures record {forged['id']} erases a prison-based person, which "
        "only a prison site may do; nothing was imported."
    )


def test_a_university_cannot_pass_off_an_erasure_as_another_sites(
    sites: Pair, tmp_path: Path
) -> None:
    """Made, it says, at a site the prison does not know (as a prison the university
    relays for would be): the prison made this learner, so only its side erases them."""
    person = _prison_learner(Person, sites)
    elsewhere = uuid.uuid4()
    forged = _university_erasure(sites, person_id=person["id"], base="prison")
    forged["v"] = new_version(elsewhere)
    forged["a"] = forged["v"]
    forged["o"] = elsewhere.hex
    message = _refused((sites, True), [as_bytes(forged)], tmp_path / "erasure.ltbundle")
    assert f"erasures record {forged['id']} erases a prison-based person" in message


def test_an_erasure_of_someone_not_held_is_not_kept(sites: Pair, tmp_path: Path) -> None:
    """Kept, it would let a partner bar a learner from ever arriving here."""
    stranger = uuid.uuid4()
    forged = _university_erasure(sites, person_id=stranger.hex, base="prison")
    bundle = forge(sites, from_university=True, lines=[as_bytes(forged)], target=tmp_path / "e")
    with sites.prison.open() as workspace:
        workspace.sync.import_bundle(bundle)
        with workspace.store.read() as session:
            assert session.scalars(select(Erasure).where(Erasure.person_id == stranger)).all() == []
