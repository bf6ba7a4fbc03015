"""Two sites' records of the same thing, under different ids, become one.

Some records are unique by what they are about, not only by their id: one register
mark per person per session, one story per person per week, one answer per story
and question, one place per person in a cohort (the keys a model declares with
``same_thing``: made of record ids and the like, which name the same thing at every
site). When the education department and a facilitator's laptop both make the first
such record, each under its own random id, the two meet at the next exchange.

A code a site makes for its own records (a research ID, a candidate number, a
certificate's serial) is no such key: another site may make the same code for
something else, so records sharing one are never merged; ``shared_codes`` finds them.

They are merged the same way at every site, whichever arrives where first: the one
with the higher version survives (clock time, then site, then id), and the other is
listed as a conflict. The merged record is deleted outright (the unique key leaves
no room for its tombstone); what linked to it is moved to the survivor, and its id
is remembered, so that records still naming it (a story's answers, arriving later)
are linked to the survivor as they come in.
"""

from __future__ import annotations

import uuid
from collections import Counter
from collections.abc import Mapping
from dataclasses import replace
from functools import cache
from typing import Any, cast

from sqlalchemy import Table, UniqueConstraint, delete, exists, func, select, update
from sqlalchemy.orm import Session

from lt_desktop.storage.database import INCLUDE_DELETED
from lt_desktop.storage.models import Base, MergedRecord, SyncedRecord
from lt_desktop.storage.models.base import SAME_THING, SITE_CODE
from lt_desktop.sync.records import Incoming, field_columns, synced_models

NaturalKey = tuple[str, ...]  # attribute names


@cache
def natural_keys(model: type[SyncedRecord]) -> tuple[NaturalKey, ...]:
    """The sets of columns that say which thing a record of ``model`` is about, so that
    two records with the same values are one (``same_thing`` keys)."""
    table = cast(Table, model.__table__)
    keys = {
        tuple(column.key for column in constraint.columns)
        for constraint in table.constraints
        if isinstance(constraint, UniqueConstraint) and constraint.info.get(SAME_THING)
    }
    return tuple(sorted(keys))


@cache
def site_codes(model: type[SyncedRecord]) -> tuple[str, ...]:
    """The columns of ``model`` holding a code made at one site (``site_code_column``)."""
    table = cast(Table, model.__table__)
    return tuple(column.key for column in table.columns if column.info.get(SITE_CODE))


def shared_codes(session: Session, change_seq: int) -> Counter[str]:
    """By table, the records written in the transaction numbered ``change_seq`` (an
    import) that hold a code another standing record here holds too: two records
    that are not one thing, kept apart, for the user to be told of."""
    shared: Counter[str] = Counter()
    for table_name, model in synced_models().items():
        table = cast(Table, model.__table__)
        for name in site_codes(model):
            other = table.alias()
            count = session.scalar(
                select(func.count())
                .select_from(table)
                .where(
                    table.c.change_seq == change_seq,
                    table.c.deleted_at.is_(None),
                    exists().where(
                        other.c[name] == table.c[name],
                        other.c.id != table.c.id,
                        other.c.deleted_at.is_(None),
                    ),
                )
            )
            if count:
                shared[table_name] += count
    return shared


def key_values(key: NaturalKey, fields: Mapping[str, Any]) -> tuple[Any, ...] | None:
    """The record's values for ``key``; None where one is empty (empty never clashes)."""
    values = tuple(fields.get(name) for name in key)
    return None if any(value is None for value in values) else values


def find_twin(
    session: Session, model: type[SyncedRecord], record_id: uuid.UUID, fields: Mapping[str, Any]
) -> SyncedRecord | None:
    """A record held here, under another id, with the same natural key as these fields."""
    for key in natural_keys(model):
        values = key_values(key, fields)
        if values is None:
            continue
        query = (
            select(model)
            .where(
                model.id != record_id,
                *(getattr(model, n) == v for n, v in zip(key, values, strict=True)),
            )
            .execution_options(**{INCLUDE_DELETED: True})
        )
        with session.no_autoflush:
            twin = session.scalars(query).first()
        if twin is not None:
            return twin
    return None


def survives(version: str, record_id: uuid.UUID, other_version: str, other_id: uuid.UUID) -> bool:
    """Whether the first of two twins is the one every site keeps."""
    return (version, record_id.hex) > (other_version, other_id.hex)


class Merges:
    """Ids merged into others at this site, and what they were merged into."""

    def __init__(self, session: Session) -> None:
        self.session = session
        # Few: one for each pair of records ever made twice; read once per import.
        self._into: dict[uuid.UUID, uuid.UUID] = {
            row.record_id: row.merged_into for row in session.scalars(select(MergedRecord))
        }

    def any(self) -> bool:
        """Whether any record has been merged here (so links may have moved)."""
        return bool(self._into)

    def survivor(self, record_id: uuid.UUID) -> uuid.UUID | None:
        return self._into.get(record_id)

    def relink(self, model: type[SyncedRecord], incoming: Incoming) -> Incoming:
        """``incoming`` with its links to merged records moved to their survivors."""
        if not self._into:
            return incoming
        moved = {
            column.key: self._into[value]
            for column in field_columns(model)
            if column.foreign_keys
            and isinstance(value := incoming.fields.get(column.key), uuid.UUID)
            and value in self._into
        }
        return replace(incoming, fields={**incoming.fields, **moved}) if moved else incoming

    def merge(self, model: type[SyncedRecord], lost: SyncedRecord, survivor_id: uuid.UUID) -> None:
        """Delete ``lost`` (held here) and point everything that named it at the survivor."""
        session = self.session
        session.flush()
        _move_links(session, model.__tablename__, lost.id, survivor_id)
        session.expunge(lost)
        table = cast(Table, model.__table__)
        session.execute(delete(table).where(table.c.id == lost.id))
        # Rows loaded before the links moved would write the old ones back.
        session.expire_all()
        self.remember(model.__tablename__, lost.id, survivor_id)

    def remember(self, table_name: str, lost_id: uuid.UUID, survivor_id: uuid.UUID) -> None:
        merged = cast(Table, MergedRecord.__table__)
        session = self.session
        # The survivor may itself have been merged away before: it stands again.
        session.execute(delete(merged).where(merged.c.record_id == survivor_id))
        session.execute(
            update(merged).where(merged.c.merged_into == lost_id).values(merged_into=survivor_id)
        )
        session.execute(delete(merged).where(merged.c.record_id == lost_id))
        session.execute(
            merged.insert().values(
                record_id=lost_id, table_name=table_name, merged_into=survivor_id
            )
        )
        self._into.pop(survivor_id, None)
        for record_id, into in self._into.items():
            if into == lost_id:
                self._into[record_id] = survivor_id
        self._into[lost_id] = survivor_id


def _move_links(session: Session, table_name: str, old: uuid.UUID, new: uuid.UUID) -> None:
    # Versions stay as they are: every site holding these rows moves them the same
    # way when it merges the same two records, so they still agree.
    for table in Base.metadata.sorted_tables:
        for foreign_key in table.foreign_keys:
            if foreign_key.column.table.name == table_name:
                column = foreign_key.parent
                session.execute(update(table).where(column == old).values({column.name: new}))
