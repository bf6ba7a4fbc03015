"""The SQLCipher engine and the sessions services work in.

The database is keyed with the raw 256-bit data key, so SQLCipher's own slow KDF
is skipped (the key slots already stretched the password). Every connection gets
the same pragmas: WAL with full sync for durability, temporary data kept in
memory so nothing plaintext reaches a temp file, foreign keys on.
"""

from __future__ import annotations

import contextlib
import logging
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from sqlalchemy import URL, Engine, TableClause, create_engine, event, exc, inspect, update
from sqlalchemy.orm import ORMExecuteState, Session, sessionmaker, with_loader_criteria
from sqlalchemy.pool import QueuePool

from lt_desktop.domain.changes import report_tables
from lt_desktop.domain.errors import DiskFull, LtError, StoreCorrupt, StoreLocked
from lt_desktop.storage.ancestry import advanced
from lt_desktop.storage.clock import HybridLogicalClock
from lt_desktop.storage.folder import keep_private
from lt_desktop.storage.models import ChangeCounter, SyncedRecord, utc_now

log = logging.getLogger(__name__)

#: Said first on every connection: SQLCipher otherwise writes its own log lines
#: (such as failed page checks) to stderr, where they would bury our one-line message.
QUIET = "PRAGMA cipher_log_level = NONE"

PRAGMAS = (
    "PRAGMA foreign_keys = ON",
    "PRAGMA temp_store = MEMORY",
    "PRAGMA journal_mode = WAL",
    "PRAGMA synchronous = FULL",
    # What is deleted or overwritten is zeroed in the file, not left in free pages:
    # an erased person's story must not survive in the (encrypted) file either.
    "PRAGMA secure_delete = ON",
    "PRAGMA busy_timeout = 15000",
    # 32 MiB of page cache: SQLite's 2 MiB default makes SQLCipher decrypt the same
    # pages again and again on a store of a few hundred megabytes.
    "PRAGMA cache_size = -32768",
)

#: Session option: include tombstoned records in queries.
INCLUDE_DELETED = "include_deleted"


def create_store_engine(db_path: Path, data_key: bytes) -> Engine:
    keep_private(db_path.parent)
    url = URL.create("sqlite+pysqlcipher", password=f"x'{data_key.hex()}'", database=str(db_path))
    engine = create_engine(
        url,
        poolclass=QueuePool,
        pool_size=3,
        max_overflow=5,
        connect_args={"check_same_thread": False},
        # Error messages must never carry the values of a statement (personal data).
        hide_parameters=True,
    )

    @event.listens_for(engine, "connect")
    def _prepare(dbapi_connection: Any, _record: Any) -> None:
        # We issue BEGIN ourselves (below) so write transactions can be IMMEDIATE.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        try:
            cursor.execute(QUIET)
            cursor.execute("SELECT count(*) FROM sqlite_master")
            # SQLite makes the database file with the process's umask, and its journals
            # with the database's mode: made private here, before any journal exists.
            for path in database_files(db_path):
                keep_private(path)
            for pragma in PRAGMAS:
                cursor.execute(pragma)
        except Exception as error:
            if "not a database" in str(error).lower():
                raise StoreCorrupt(
                    "The database file cannot be read with this store's key: it is damaged "
                    "or belongs to another store."
                ) from error
            raise translate_sqlite_error(error) from error
        finally:
            cursor.close()

    @event.listens_for(engine, "begin")
    def _begin(connection: Any) -> None:
        immediate = connection.get_execution_options().get("write", False)
        connection.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")

    @event.listens_for(engine, "handle_error")
    def _damage_spoils_the_connection(context: Any) -> None:
        # A connection that met a damaged page can fail every later statement, even on
        # sound pages; dropped instead of pooled, the check can go on reading the rest.
        if _is_damage(context.original_exception):
            context.is_disconnect = True

    return engine


def database_files(db_path: Path) -> list[Path]:
    """The database and the journal files SQLite keeps beside it."""
    return [db_path.with_name(db_path.name + suffix) for suffix in ("", "-wal", "-shm", "-journal")]


def execute_outside_transaction(engine: Engine, sql: str, parameters: tuple[Any, ...] = ()) -> None:
    """Run a statement SQLite refuses inside a transaction (VACUUM, checkpoints)."""
    pooled = engine.raw_connection()
    try:
        driver = pooled.driver_connection
        assert driver is not None
        driver.execute(sql, parameters)
    finally:
        pooled.close()


class SessionFactory:
    """Makes ORM sessions that stamp synced records and hide tombstones."""

    def __init__(self, engine: Engine, site_id: uuid.UUID, clock: HybridLogicalClock) -> None:
        self.site_id = site_id
        self.clock = clock
        self._read = sessionmaker(engine, expire_on_commit=False)
        self._write = sessionmaker(engine.execution_options(write=True), expire_on_commit=False)
        for maker in (self._read, self._write):
            event.listen(maker, "before_flush", self._stamp_synced_records)
            event.listen(maker, "do_orm_execute", _hide_tombstones)
            for name, listener in _CHANGE_LISTENERS:
                event.listen(maker, name, listener)
        self.closed = False

    def close(self) -> None:
        """Refuse all further work: the store has been locked or closed."""
        if self.closed:
            return
        self.closed = True
        # SQLAlchemy keeps a sessionmaker's listeners in a registry of its own for the
        # life of the process; left there, they would keep this factory, its engine and
        # the key in the engine's address after every lock and sign-out.
        for maker in (self._read, self._write):
            event.remove(maker, "before_flush", self._stamp_synced_records)
            event.remove(maker, "do_orm_execute", _hide_tombstones)
            for name, listener in _CHANGE_LISTENERS:
                event.remove(maker, name, listener)

    def _check_open(self) -> None:
        if self.closed:
            raise StoreLocked("The store is locked. Sign in again to carry on.")

    @contextlib.contextmanager
    def read(self) -> Iterator[Session]:
        self._check_open()
        with self._read() as session, _translate_database_errors():
            with session.begin():
                yield session

    @contextlib.contextmanager
    def write(self) -> Iterator[Session]:
        """One transaction: everything inside is committed together or not at all."""
        self._check_open()
        with self._write() as session, _translate_database_errors():
            with session.begin():
                yield session

    def _stamp_synced_records(self, session: Session, _context: Any, _instances: Any) -> None:
        new = [r for r in session.new if isinstance(r, SyncedRecord)]
        changed = [
            r
            for r in session.dirty
            if isinstance(r, SyncedRecord) and session.is_modified(r, include_collections=False)
        ]
        if not session.info.get("purge"):
            for record in session.deleted:
                if isinstance(record, SyncedRecord):
                    raise LtError(
                        "Records that travel between sites are never deleted outright; "
                        "mark them deleted so the removal can travel too."
                    )
        if not new and not changed:
            return
        change_seq = next_change_seq(session)
        for record in (*new, *changed):
            record.change_seq = change_seq
        if session.info.get("keep_versions"):
            return  # a sync import carries the versions of the site that made them
        for record in changed:
            # Even past a partner's clock that is far ahead: a change sorts after
            # what it was made on, or a clash would undo it in favour of its parent.
            self.clock.follow(record.version)
        version = self.clock.tick()
        now = utc_now()
        for record in new:
            if record.origin_site_id is None:
                record.origin_site_id = self.site_id
            record.version = version
            record.previous_version = None
            record.ancestry = version
            record.created_at = record.created_at or now
            record.updated_at = now
        for record in changed:
            record.ancestry = advanced(
                record.ancestry, record.version, record.previous_version, version
            )
            record.previous_version = record.version
            record.version = version
            record.updated_at = now


#: Session info key: the change sequence this transaction writes under.
CHANGE_SEQ = "change_seq"


def next_change_seq(session: Session) -> int:
    """One number per write transaction, counted up in the same transaction."""
    value = session.info.get(CHANGE_SEQ)
    if value is None:
        value = session.execute(
            update(ChangeCounter)
            .where(ChangeCounter.id == 1)
            .values(value=ChangeCounter.value + 1)
            .returning(ChangeCounter.value)
        ).scalar_one()
        session.info[CHANGE_SEQ] = value
    return int(value)


def _hide_tombstones(state: ORMExecuteState) -> None:
    if (
        state.is_select
        and not state.is_column_load
        and not state.is_relationship_load
        and not state.execution_options.get(INCLUDE_DELETED, False)
    ):
        state.statement = state.statement.options(
            with_loader_criteria(
                SyncedRecord, lambda cls: cls.deleted_at.is_(None), include_aliases=True
            )
        )


#: Session info key: the tables this transaction has written so far.
WRITTEN = "tables_written"


def _written(session: Session) -> set[str]:
    tables: set[str] = session.info.setdefault(WRITTEN, set())
    return tables


def note_written(session: Session, table_name: str) -> None:
    """Note a table written through the driver, which no statement event sees."""
    _written(session).add(table_name)


def _note_flushed(session: Session, _context: Any) -> None:
    """After a flush (the session's lists still hold what it wrote): note its tables."""
    written = _written(session)
    dirty = [r for r in session.dirty if session.is_modified(r, include_collections=False)]
    for record in (*session.new, *dirty, *session.deleted):
        written.update(table.name for table in inspect(record).mapper.tables)


def _note_statement(state: ORMExecuteState) -> None:
    """An insert, update or delete run as a statement, not through the flush."""
    if not (state.is_insert or state.is_update or state.is_delete):
        return
    table = getattr(state.statement, "table", None)
    if isinstance(table, TableClause):
        _written(state.session).add(table.name)


def _report_committed(session: Session) -> None:
    written = session.info.pop(WRITTEN, None)
    if written:
        report_tables(written)


def _forget_written(session: Session) -> None:
    session.info.pop(WRITTEN, None)


#: Each transaction notes the tables it writes and, once committed, reports them to
#: whoever is recording changes on this thread (``domain.changes``).
_CHANGE_LISTENERS: tuple[tuple[str, Any], ...] = (
    ("after_flush", _note_flushed),
    ("do_orm_execute", _note_statement),
    ("after_commit", _report_committed),
    ("after_rollback", _forget_written),
)


@contextlib.contextmanager
def _translate_database_errors() -> Iterator[None]:
    try:
        yield
    except exc.DBAPIError as error:
        translated = translate_sqlite_error(error)
        if translated is error:
            raise
        raise translated from error


_DAMAGED = ("not a database", "malformed", "hmac", "corrupt")


def _is_damage(error: BaseException) -> bool:
    return any(word in str(error).lower() for word in _DAMAGED)


def translate_sqlite_error(error: BaseException) -> BaseException:
    """The plain-words error for what SQLite reported, or ``error`` itself when it is
    not one a user can act on."""
    text = str(getattr(error, "orig", error)).lower()
    if "disk is full" in text or "no space" in text:
        return DiskFull()
    if "database is locked" in text or "database is busy" in text:
        return LtError("The store is busy with another task. Wait a moment, then try again.")
    if any(word in text for word in _DAMAGED):
        return StoreCorrupt(
            "The store's database is damaged. Run `lt-desktop check`, and restore the "
            "newest backup if it reports problems."
        )
    if "disk i/o error" in text or "unable to open" in text:
        return LtError(
            "The store could not be read or written (a disk error, or the disk is full). "
            "Nothing was changed; free some space or check the disk, then try again."
        )
    return error
