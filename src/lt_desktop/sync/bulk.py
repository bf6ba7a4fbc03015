"""A bundle into a store that holds none of its records: taken in in bulk.

A hub pairing with a new installation, a site set up again, or any site taking in a
new partner's first bundle, takes in a partner's whole store (or all it may have) at
once. When none of the tables the bundle may fill holds a record here
(nothing waits, nothing was ever merged), every record it brings is new, and the
record-by-record path (``incoming.Merger``) spends most of its time finding that out.
The same ``Merger`` then runs in bulk (``Merger.bulk``), with every check it makes
record by record (the value checks as lines are read, who may write each record, the
links each names), but:

- nothing is looked up for a record's own id: no table it can go to holds one;
- rows go to SQLite in large batches through the driver's ``executemany``, each value
  converted by the same SQLAlchemy bind processors an ``insert`` statement uses.

The tables' indexes stay while the rows go in: setting them aside and building them
again afterwards was measured, and was no faster (building an index reads its whole
table again, every page decrypted and checked; see ``benchmarks/README.md``).

Anything the bulk path does not take in itself (a record twice, one that must wait
for a record not here, a person merge, a removal) raises ``NotBulk``: the caller
rolls its savepoint back and takes the bundle in record by record from the start, so
the result is always the one the record-by-record path makes.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Table, insert
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from lt_desktop.storage.database import CHANGE_SEQ, WRITTEN, note_written
from lt_desktop.storage.models import MergedRecord, WaitingRecord
from lt_desktop.sync.records import synced_models

__all__ = ["Attempt", "NotBulk", "RowWriter", "attempt", "ready"]


class NotBulk(Exception):
    """The bundle holds something only the record-by-record path takes in."""


def ready(session: Session, tables: Iterable[str]) -> bool:
    """Whether none of ``tables`` (synced tables a bundle may fill) holds a record,
    removed ones included, and no record waits or was ever merged here."""
    names = sorted(set(tables) & set(synced_models()))
    if not names:
        return False
    names += [WaitingRecord.__tablename__, MergedRecord.__tablename__]
    held = " UNION ALL ".join(f'SELECT 1 FROM (SELECT 1 FROM "{name}" LIMIT 1)' for name in names)
    found = session.connection().exec_driver_sql(f"SELECT EXISTS ({held})").scalar()
    return not found


@dataclass
class Attempt:
    kept: bool = False


@contextlib.contextmanager
def attempt(session: Session) -> Iterator[Attempt]:
    """Run the bulk path in a savepoint, kept if it finishes (``Attempt.kept``) and
    rolled back if it gives up (``NotBulk``, or a row SQLite refuses).

    A savepoint of SQLite's own, which the session does not see: a savepoint the
    session releases counts for it as a commit, and would report the tables written
    while the caller's transaction may yet be rolled back (a preview always is). What
    the session noted meanwhile is put back as it was when the attempt gives up.
    Anything else that goes wrong is the caller's to roll back, with its transaction.
    """
    connection = session.connection()
    written = set(session.info.get(WRITTEN, ()))
    change_seq = session.info.get(CHANGE_SEQ)
    outcome = Attempt()
    connection.exec_driver_sql('SAVEPOINT "bulk"')
    try:
        yield outcome
    except (NotBulk, IntegrityError):
        connection.exec_driver_sql('ROLLBACK TO "bulk"')
        connection.exec_driver_sql('RELEASE "bulk"')
        session.expunge_all()  # nothing loaded in the attempt stands
        session.info[WRITTEN] = written
        if change_seq is None:  # the counter's step went with the savepoint
            session.info.pop(CHANGE_SEQ, None)
        return
    connection.exec_driver_sql('RELEASE "bulk"')
    outcome.kept = True


class RowWriter:
    """Inserts rows that give every column of their table, in one ``executemany``.

    The values are converted by the bind processors of the ``insert`` statement
    SQLAlchemy would compile for them, so what is stored is the same; rows that leave
    a column out (a line from an older version) are not written here, since their
    defaults are SQLAlchemy's to fill in."""

    def __init__(self, session: Session) -> None:
        self._session = session
        self._plans: dict[str, tuple[str, list[tuple[str, Callable[[Any], Any] | None]]]] = {}

    def insert(self, table: Table, rows: list[dict[str, Any]]) -> bool:
        """Insert ``rows`` if each gives every column (else do nothing and say so)."""
        columns = table.columns.keys()
        if not rows or rows[0].keys() != set(columns):
            return False
        sql, binds = self._plan(table)
        values = [
            tuple([row[key] if process is None else process(row[key]) for key, process in binds])
            for row in rows
        ]
        self._session.connection().exec_driver_sql(sql, values)
        note_written(self._session, table.name)
        return True

    def _plan(self, table: Table) -> tuple[str, list[tuple[str, Callable[[Any], Any] | None]]]:
        plan = self._plans.get(table.name)
        if plan is None:
            dialect = self._session.get_bind().dialect
            compiled = insert(table).compile(dialect=dialect, column_keys=table.columns.keys())
            assert compiled.positiontup is not None
            processors = compiled._bind_processors
            binds: list[tuple[str, Callable[[Any], Any] | None]] = []
            for name in compiled.positiontup:
                process = processors.get(name)
                assert process is None or callable(process)  # one value per column
                binds.append((name, process))
            assert {name for name, _ in binds} == set(table.columns.keys())
            plan = (compiled.string, binds)
            self._plans[table.name] = plan
        return plan
