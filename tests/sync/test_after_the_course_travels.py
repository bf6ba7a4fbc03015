"""Stationery and what people went on to do, between real sites: the demo prison and
its university, exchanging real bundles.

A partnership's stationery travels with it both ways; what people go on to do travels
both ways only while their consent to being followed stands, each side changing only
what its own side recorded, and a withdrawal blanks the partner's copy as research data
is blanked. Neither ever goes to a classroom laptop.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import delete, select

from lt_desktop.core.workspace import Workspace
from lt_desktop.domain.vocabulary import ConsentScope, PersonBase, ProgressionKind
from lt_desktop.storage.database import INCLUDE_DELETED
from lt_desktop.storage.models import Person, Progression, Stationery
from lt_desktop.sync.laptops import FROM_LAPTOP, TO_LAPTOP
from lt_desktop.sync.outgoing import TRAVELS
from tests.security.import_forgery import (
    Pair,
    changed,
    copied,
    exchanged,
    forge,
    record_line,
    refusal,
)


@pytest.fixture(scope="module")
def _exchanged(tmp_path_factory: pytest.TempPathFactory) -> Pair:
    return exchanged(tmp_path_factory)


@pytest.fixture
def sites(_exchanged: Pair, tmp_path: Path) -> Pair:
    return copied(_exchanged, tmp_path)


def _steps(workspace: Workspace) -> dict[str, tuple[ProgressionKind, str]]:
    """Every step after the course the site holds whole, by id: its kind and notes."""
    with workspace.store.read() as session:
        return {row.id.hex: (row.kind, row.notes) for row in session.scalars(select(Progression))}


def _released(workspace: Workspace) -> Person:
    """The demo's prison-based graduate who was released and keeps in touch."""
    with workspace.store.read() as session:
        row = session.scalars(
            select(Progression).where(Progression.kind == ProgressionKind.KEEPING_IN_TOUCH)
        ).one()
        person = session.get(Person, row.person_id)
        assert person is not None and person.base is PersonBase.PRISON
        return person


def _exchange(sender_site: object, receiver_site: object, folder: Path, name: str) -> None:
    bundle = folder / f"{name}.ltbundle"
    sender_site.export_to(receiver_site, bundle)  # type: ignore[attr-defined]
    receiver_site.take_in(bundle)  # type: ignore[attr-defined]


def test_what_travels_where() -> None:
    for direction in TRAVELS.values():
        assert Stationery in direction and Progression in direction
    assert not {Stationery, Progression} & (TO_LAPTOP | FROM_LAPTOP)


def test_the_stationery_and_the_steps_reach_the_university(sites: Pair) -> None:
    with sites.prison.open() as prison:
        partnership = prison.programme.list_partnerships()[0].id
        at_prison = prison.stationery.stationery(partnership)
        steps = _steps(prison)
        counts = prison.overview.partnerships()[0].progression
    with sites.university.open() as university:
        at_university = university.stationery.stationery(partnership)
        assert at_university == at_prison
        assert at_university.logo is not None and at_university.university_signatory
        assert _steps(university) == steps and len(steps) == 6
        # The hub's Overview counts the same people, with no names.
        assert university.overview.partnerships()[0].progression == counts


def test_the_university_records_what_a_released_learner_does(sites: Pair, tmp_path: Path) -> None:
    with sites.university.open() as university:
        person = _released(university)
        # Their consent was recorded at the prison and came with them.
        step = university.progression.record(
            person.id,
            kind=ProgressionKind.FURTHER_STUDY,
            started_on=date(2026, 10, 5),
            notes="Started an access course at the university.",
        )
    _exchange(sites.university, sites.prison, tmp_path, "to-prison")
    with sites.prison.open() as prison:
        assert _steps(prison)[step.id.hex] == (
            ProgressionKind.FURTHER_STUDY,
            "Started an access course at the university.",
        )


def test_a_partnerships_stationery_changed_at_the_university_reaches_the_prison(
    sites: Pair, tmp_path: Path
) -> None:
    with sites.university.open() as university:
        partnership = university.programme.list_partnerships()[0].id
        university.stationery.set_stationery(
            partnership,
            prison_signature_on_certificates=True,
            university_signatory="Prof Lena Marsh",
            university_signatory_title="Pro-Vice-Chancellor",
            prison_signatory="Janet Fraser",
            prison_signatory_title="Head of Learning and Skills",
            return_address="PO Box 2015\nEastbridge EB1 9LT",
        )
    _exchange(sites.university, sites.prison, tmp_path, "to-prison")
    with sites.prison.open() as prison:
        spring = min(prison.programme.list_cohorts(), key=lambda c: c.starts_on)
        (first, *_) = prison.documents.issue_certificates(spring.id).certificates
        assert first.prison_name == "HMP Northfield"
        assert [s.name for s in first.signatories] == ["Prof Lena Marsh", "Janet Fraser"]


def test_a_withdrawal_blanks_the_universitys_copy_and_the_prison_keeps_its_own(
    sites: Pair, tmp_path: Path
) -> None:
    with sites.prison.open() as prison:
        person = _released(prison)
        with prison.store.read() as session:
            (step_id,) = session.scalars(
                select(Progression.id).where(Progression.person_id == person.id)
            )
        prison.consent.withdraw(person.id, ConsentScope.PROGRESSION, on=date(2026, 11, 20))
    _exchange(sites.prison, sites.university, tmp_path, "to-university")
    with sites.university.open() as university:
        assert step_id.hex not in _steps(university)
        with university.store.read() as session:
            blanked = session.get(Progression, step_id, execution_options={INCLUDE_DELETED: True})
            assert blanked is not None and blanked.deleted_at is not None
            assert (blanked.notes, blanked.recorded_by_name) == ("", "")
        (summary,) = university.overview.partnerships()
        assert dict(summary.progression).get("Released, keeping in touch") is None
    with sites.prison.open() as prison:
        (kept,) = prison.progression.list_for(person.id)
        assert kept.notes and not kept.consented
        # Counted nowhere, and sent nowhere again.
        assert (
            dict(prison.overview.partnerships()[0].progression).get("Released, keeping in touch")
            is None
        )
    _exchange(sites.prison, sites.university, tmp_path, "again")
    with sites.university.open() as university:
        assert step_id.hex not in _steps(university)


def test_a_university_cannot_change_a_step_the_prison_recorded(sites: Pair, tmp_path: Path) -> None:
    line = record_line(
        sites.prison,
        Progression,
        lambda m: m.kind == ProgressionKind.KEEPING_IN_TOUCH,
    )
    forged = changed(line, sites.university_id, notes="Nothing heard since.")
    message = refusal(
        sites.prison,
        forge(sites, from_university=True, lines=[forged], target=tmp_path / "forged.ltbundle"),
    )
    assert message == (
        f"The bundle's progressions record {line['id']} changes what a prison site made of "
        "a prison-based person, which only a prison site may do; nothing was imported."
    )


def test_a_prison_cannot_send_stationery_of_another_partnership(
    sites: Pair, tmp_path: Path
) -> None:
    with sites.university.open() as university:
        other = university.programme.add_partnership(
            name="Westmoor and Eastbridge", prison_name="HMP Westmoor", university_name="UoE"
        )
        university.stationery.set_stationery(other.id, prison_signature_on_certificates=False)
    line = record_line(sites.university, Stationery, lambda m: m.partnership_id == other.id)
    forged = changed(line, sites.prison_id, prison_signature_on_certificates=True)
    message = refusal(
        sites.university,
        forge(sites, from_university=False, lines=[forged], target=tmp_path / "other.ltbundle"),
    )
    assert "belongs to a partnership other than the one this prison is paired for" in message


def test_stationery_made_at_both_sites_for_one_partnership_becomes_one(
    sites: Pair, tmp_path: Path
) -> None:
    """The prison and the university each set the partnership's stationery before either
    heard of the other's: the two records are one partnership's, and merge."""
    for site in (sites.prison, sites.university):
        # As stores from before stationery was kept: neither has any yet.
        with site.open() as workspace, workspace.store.write() as session:
            session.execute(delete(Stationery))
    with sites.prison.open() as prison:
        partnership = prison.programme.list_partnerships()[0].id
        prison.stationery.set_stationery(
            partnership, prison_signature_on_certificates=False, return_address="PO Box 1"
        )
    with sites.university.open() as university:
        university.stationery.set_stationery(
            partnership, prison_signature_on_certificates=False, university_signatory="Dr Osei"
        )
    _exchange(sites.prison, sites.university, tmp_path, "prison-stationery")
    _exchange(sites.university, sites.prison, tmp_path, "university-stationery")
    held = []
    for site in (sites.prison, sites.university):
        with site.open() as workspace, workspace.store.read() as session:
            rows = session.scalars(
                select(Stationery).where(Stationery.partnership_id == partnership)
            ).all()
            assert len(rows) == 1
            held.append(workspace.stationery.stationery(partnership))
    assert held[0] == held[1]
