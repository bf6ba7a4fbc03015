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

from lt_desktop.storage.database import INCLUDE_DELETED
from lt_desktop.storage.models import Base, Person, Site, SyncConflict
from lt_desktop.sync.merges import Merges, natural_keys, survives
from lt_desktop.sync.records import encode, synced_models

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
    _list_the_one_removed(session, table, lost, kept)
    _move_links(session, merges, table.name, lost, kept)
    session.execute(delete(table).where(table.c.id == lost))
    merges.remember(table.name, lost, kept)


def _list_the_one_removed(
    session: Session, table: Table, lost_id: uuid.UUID, kept_id: uuid.UUID
) -> None:
    """List the record a person merge removes as a conflict's losing version, as sync
    lists the one of two twins it removes: it may hold what no other site has (a mark
    taken on a laptop, not yet sent), and no one should lose it unseen."""
    model = synced_models().get(table.name)
    if model is None:
        return
    options = {INCLUDE_DELETED: True}
    lost = session.get(model, lost_id, populate_existing=True, execution_options=options)
    kept = session.get(model, kept_id, populate_existing=True, execution_options=options)
    if lost is None or kept is None:
        return
    lost_line = encode(lost).decode()
    listed = session.scalars(
        select(SyncConflict.lost_values).where(
            SyncConflict.table_name == table.name, SyncConflict.lost_version == lost.version
        )
    ).all()
    if lost_line in listed:
        return
    here = session.scalar(select(Site.id).where(Site.is_local.is_(True)))
    kept_here = kept.origin_site_id == here
    session.add(
        SyncConflict(
            table_name=table.name,
            record_id=kept.id,
            kept_version=kept.version,
            lost_version=lost.version,
            lost_values=lost_line,
            kept_values=encode(kept).decode(),
            kept_from="this site" if kept_here else "partner",
            partner_site_id=lost.origin_site_id if kept_here else kept.origin_site_id,
        )
    )
    session.flush()
