"""A backup made before an erasure still holds the person: the backups listed say how
many, and when they were erased, from the audit log alone (research ids, no names)."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import select

from lt_desktop.core.workspace import Workspace
from lt_desktop.domain.vocabulary import PersonBase
from lt_desktop.storage.models import Person, Story


def _storytellers(demo: Workspace, count: int) -> list[Person]:
    with demo.store.read() as session:
        return list(
            session.scalars(
                select(Person)
                .join(Story, Story.person_id == Person.id)
                .where(Person.base == PersonBase.PRISON)
                .distinct()
                .order_by(Person.family_name, Person.given_name)
                .limit(count)
            )
        )


def test_each_backup_says_how_many_erased_people_it_still_holds(
    demo: Workspace, tmp_path: Path
) -> None:
    media = tmp_path / "usb"
    media.mkdir()
    first, second = _storytellers(demo, 2)
    oldest = demo.maintenance.back_up_now(media).path
    erased_first = demo.erasure.erase(first.id)
    middle = demo.maintenance.back_up_now(media).path
    erased_second = demo.erasure.erase(second.id)
    newest = demo.maintenance.back_up_now(media).path

    backups = demo.maintenance.list_backups(media)
    assert [b.path for b in backups] == [newest, middle, oldest]
    held = demo.maintenance.erased_since(backups)

    assert newest not in held
    assert held[middle].count == 1
    assert held[middle].references == (erased_second.research_id,)
    assert held[oldest].count == 2
    assert held[oldest].references == (erased_first.research_id, erased_second.research_id)
    day = f"{held[oldest].dates[0].astimezone():%d %b %Y}".lstrip("0")
    assert held[oldest].describe() == f"still holds 2 people erased since (on {day})"
    assert held[middle].describe() == f"still holds 1 person erased since (on {day})"
    words = " ".join(held[p].describe() + " ".join(held[p].references) for p in held)
    for person in (first, second):
        assert person.family_name not in words and person.given_name not in words


def test_erasing_again_by_research_id_after_a_restore(demo: Workspace) -> None:
    (person,) = _storytellers(demo, 1)

    assert demo.erasure.erase_again([]) == []
    again = demo.erasure.erase_again([person.research_id, "NO-SUCH-ID"])

    assert [e.person_id for e in again] == [person.id]
    assert demo.erasure.erase_again([person.research_id]) == []  # gone already
