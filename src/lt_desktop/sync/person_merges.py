"""Two records of one person made one, the same way at every site.

Staff at any site may find that two people they hold are one (entered twice, or
entered at a prison and at the university before they met). Merging them moves
everything that names either onto one record and removes the other; a
``PersonMerge`` record says so and travels, and each site that takes it in does the
same to what it holds. Which record stands does not depend on where or in what order
merges are made: of the two (each taken as what it has already been merged into
here), the one whose id sorts first. A group of records merged together, however the
merges arrive, ends as the one whose id sorts first of them all.

Moving a person's records can bring two records of one thing together (both marked
present at one session, both enrolled on one cohort): they are merged as sync merges
any two such records (``merges``), the one with the higher version standing, and the
other's own links moved onto it in turn. The removed ids are remembered, so records
still naming them, arriving later from any site, are linked to what stands.
"""

from __future__ import annotations

import uuid
from typing import cast

from sqlalchemy import Table, and_, delete, select, update
from sqlalchemy.orm import Session

from lt_desktop.storage.models import Base, Person
from lt_desktop.sync.merges import Merges, natural_keys, survives
from lt_desktop.sync.records import synced_models

PEOPLE = "people"


def standing(merges: Merges, person_id: uuid.UUID) -> uuid.UUID:
    """The record ``person_id`` now stands as here (itself, unless merged away)."""
    return merges.survivor(person_id) or person_id


def survivor_of(first: uuid.UUID, second: uuid.UUID) -> uuid.UUID:
    """Which of two person records stands when they are merged, at every site."""
    return min(first, second, key=lambda person_id: person_id.hex)


def merge_people(session: Session, merges: Merges, a: uuid.UUID, b: uuid.UUID) -> uuid.UUID:
    """Make the records ``a`` and ``b`` one here: the id that stands."""
    a, b = standing(merges, a), standing(merges, b)
    if a == b:
        return a
    into = survivor_of(a, b)
    gone = b if into == a else a
    session.flush()
    if session.get(Person, gone) is not None:
        if session.get(Person, into) is None:
            raise LookupError("The record a person is merged into is not here.")
        _move_links(session, merges, PEOPLE, gone, into)
        people = cast(Table, Person.__table__)
        session.execute(delete(people).where(people.c.id == gone))
    merges.remember(PEOPLE, gone, into)
    # Rows loaded before the links moved would write the old ones back.
    session.expire_all()
    return into


def _move_links(
    session: Session, merges: Merges, table_name: str, old: uuid.UUID, new: uuid.UUID
) -> None:
    """Point everything that names ``old`` (a record of ``table_name``) at ``new``,
    merging what then names one thing twice."""
    models = synced_models()
    for table in Base.metadata.sorted_tables:
        for foreign_key in table.foreign_keys:
            if foreign_key.column.table.name != table_name:
                continue
            column = foreign_key.parent
            model = models.get(table.name)
            keys = [k for k in natural_keys(model) if column.key in k] if model else []
            if not keys:
                session.execute(update(table).where(column == old).values({column.name: new}))
                continue
            for row in session.execute(select(table).where(column == old)).mappings().all():
                moved = {**row, column.key: new}
                twin = None
                for key in keys:
                    if any(moved[name] is None for name in key):
                        continue
                    twin = (
                        session.execute(
                            select(table).where(
                                table.c.id != row["id"],
                                and_(*(table.c[name] == moved[name] for name in key)),
                            )
                        )
                        .mappings()
                        .first()
                    )
                    if twin is not None:
                        break
                if twin is None:
                    session.execute(
                        update(table).where(table.c.id == row["id"]).values({column.name: new})
                    )
                elif survives(row["version"], row["id"], twin["version"], twin["id"]):
                    _merge_row(session, merges, table, twin["id"], row["id"])
                    session.execute(
                        update(table).where(table.c.id == row["id"]).values({column.name: new})
                    )
                else:
                    _merge_row(session, merges, table, row["id"], twin["id"])


def _merge_row(
    session: Session, merges: Merges, table: Table, lost: uuid.UUID, kept: uuid.UUID
) -> None:
    _move_links(session, merges, table.name, lost, kept)
    session.execute(delete(table).where(table.c.id == lost))
    merges.remember(table.name, lost, kept)
