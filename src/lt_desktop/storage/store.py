"""Opening, unlocking and closing an encrypted store, and working in it once open.

A store is one folder: ``store.db`` (SQLCipher, keyed with a random data key),
``keys.json`` (that key wrapped once per account and once for recovery) and a
lock file that keeps a second app instance out. ``keys.json`` is written last
when a store is made or restored: while it is missing, no half-made store can be
opened.

Holding the folder and unlocking it is ``door``'s (``LockedStore``, named here too),
making a store ``creation``'s, restoring one from a backup ``restore``'s, and
swapping a replacement into the folder (and finishing that after a crash)
``replacing``'s.
"""

from __future__ import annotations

import contextlib
import functools
import logging
import threading
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, select
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

from lt_desktop.domain.errors import StoreCorrupt, StoreTooNew
from lt_desktop.domain.vocabulary import SiteKind
from lt_desktop.storage import audit_chain, key_binding
from lt_desktop.storage.atomic import StagedFile, translate_os_error
from lt_desktop.storage.backup import (
    BackupHeader,
    database_problems,
    write_backup,
)
from lt_desktop.storage.clock import HybridLogicalClock
from lt_desktop.storage.database import (
    SessionFactory,
    create_store_engine,
    execute_outside_transaction,
    translate_sqlite_error,
)
from lt_desktop.storage.door import LockedStore as LockedStore  # where it was found before
from lt_desktop.storage.folder import StoreFolder, make_private_folder
from lt_desktop.storage.kdf import params_for_new_slots
from lt_desktop.storage.keyslots import KeyFile, password_bytes
from lt_desktop.storage.migrations import (
    SchemaState,
    current_revision,
    head_revision,
    schema_state,
    upgrade_to_head,
)
from lt_desktop.storage.models import Base, Site, SyncedRecord
from lt_desktop.storage.recovery_key import RecoveryKey

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class SiteInfo:
    id: uuid.UUID
    name: str
    kind: SiteKind


class Store:
    """An unlocked store: the database, its key slots and its checks."""

    def __init__(self, door: LockedStore, data_key: bytes, engine: Engine, revision: str) -> None:
        self.door = door
        self.folder = door.folder
        self.key_file = door.key_file
        self._data_key = data_key
        self.engine = engine
        self.schema_revision = revision
        self._key_file_lock = threading.RLock()
        self._working: KeyFile | None = None  # the key file as a write transaction changes it
        try:
            with engine.connect() as connection:
                row = connection.execute(
                    select(Site.id, Site.name, Site.kind).where(Site.is_local.is_(True))
                ).one_or_none()
                if row is None:
                    raise StoreCorrupt("The store does not say which site it belongs to.")
                self.site = SiteInfo(row.id, row.name, SiteKind(row.kind))
                clock = HybridLogicalClock(self.site.id, _newest_versions(connection, self.site.id))
        except (DBAPIError, ValueError) as error:
            raise translate_sqlite_error(error) from error
        self.sessions = SessionFactory(engine, self.site.id, clock)

    @property
    def store_id(self) -> uuid.UUID:
        return self.key_file.store_id

    # -- transactions --------------------------------------------------------------

    @contextlib.contextmanager
    def read(self) -> Iterator[Session]:
        with self.sessions.read() as session:
            yield session

    @contextlib.contextmanager
    def write(self) -> Iterator[Session]:
        """One transaction, together with any change it makes to the key file (new key
        slots, the audit anchor): the new key file is written in full before the
        commit and put in place after it, so either both happen or neither does."""
        with self._key_file_lock:
            working = self.key_file.copy()
            self._working = working
            staged: StagedFile | None = None
            try:
                with self.sessions.write() as session:
                    yield session
                    head = session.info.pop(audit_chain.PENDING_HEAD, None)
                    if head is not None:
                        working.audit_head = head
                    if working != self.key_file:
                        if self.door.key_file_belongs:
                            key_binding.record(session.connection(), working)
                        staged = working.stage(self.folder.key_file)
                if staged is not None:
                    staged.commit()
                    self.key_file = self.door.key_file = working
            except BaseException:
                if staged is not None:
                    staged.discard()
                raise
            finally:
                self._working = None

    def audit(self, session: Session, **entry: Any) -> None:
        audit_chain.append(
            session, store_id=self.store_id, anchor=self.key_file.audit_head, **entry
        )

    # -- key slots -----------------------------------------------------------------

    def set_password(self, user_id: uuid.UUID, username: str, password: str) -> None:
        """Give an account a new password: rewrites its slot, re-encrypts nothing.

        Inside a write transaction the slot lands with the commit, or not at all."""
        self._change_key_file(
            lambda key_file: key_file.put_user_slot(
                user_id=user_id,
                username=username,
                password=password,
                data_key=self._data_key,
                kdf=params_for_new_slots(),
            )
        )

    def _change_key_file(self, change: Callable[[KeyFile], object]) -> None:
        with self._key_file_lock:
            if self._working is not None:
                change(self._working)
                return
            # On its own, a change is still recorded in the database (key_binding).
            with self.write():
                assert self._working is not None
                change(self._working)

    def password_matches(self, username: str, password: str) -> bool:
        slot = self.key_file.slot_for_user(username)
        return slot is not None and slot.open(self.store_id, password_bytes(password)) is not None

    def remove_slot(self, slot_id: uuid.UUID) -> None:
        self._change_key_file(lambda key_file: key_file.remove_slot(slot_id))

    def replace_recovery_key(self) -> RecoveryKey:
        recovery_key = RecoveryKey.generate()
        self._change_key_file(
            lambda key_file: key_file.put_recovery_slot(
                secret=recovery_key.secret, data_key=self._data_key, kdf=params_for_new_slots()
            )
        )
        return recovery_key

    # -- checks and backups --------------------------------------------------------

    def integrity_problems(self) -> list[str]:
        """SQLCipher's page check, SQLite's structure check and the links between records."""
        self.checkpoint()
        problems = database_problems(self.folder.database, self._data_key)
        try:
            with self.engine.connect() as connection:
                broken = connection.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
        except DBAPIError:
            if not problems:
                problems.append("The links between records cannot be read.")
            return problems
        problems += [f"A record in {row[0]} points at a missing record." for row in broken]
        try:
            with self.engine.connect() as connection:
                expected = key_binding.recorded(connection)
        except DBAPIError:
            expected = None
        if expected is not None and expected != key_binding.digest_of(self.key_file):
            problems.append(key_binding.MISMATCH)
        return problems

    def verify_audit_log(self) -> audit_chain.AuditVerification:
        with self.read() as session:
            return audit_chain.verify(session, self.store_id, self.key_file.audit_head)

    def backup(self, target: Path) -> BackupHeader:
        with self._key_file_lock:
            return write_backup(
                engine=self.engine,
                key_file=self.key_file,
                data_key=self._data_key,
                target=target,
                schema_revision=self.schema_revision,
            )

    def checkpoint(self) -> None:
        """Fold the write-ahead log into the database file."""
        execute_outside_transaction(self.engine, "PRAGMA wal_checkpoint(TRUNCATE)")

    # -- closing -------------------------------------------------------------------

    def lock(self) -> LockedStore:
        """Close the database and forget the key, but keep the folder held (a locked
        window). Any later use of this object is refused."""
        if not self.sessions.closed:
            with contextlib.suppress(Exception):
                self.checkpoint()
            self.sessions.close()
            self.engine.dispose()
            self._data_key = b""
        return self.door

    def close(self) -> None:
        self.lock().release()


# -- opening the database ------------------------------------------------------------


def ready_to_open() -> None:
    """Make ready what the first use of an open store would otherwise do: configure the
    mappers (the links between the models), done once in a process. Called while the key
    is derived (``door``)."""
    Base.registry.configure()


def open_unlocked(door: LockedStore, data_key: bytes) -> Store:
    """The store behind ``door``, opened with the data key its slot gave."""
    engine, revision = _open_database(
        door.folder, door.key_file, data_key, check=door.check_on_open
    )
    try:
        if door.check_on_open:
            try:
                door.key_file = key_binding.settle(engine, door.folder.key_file, door.key_file)
            except DBAPIError as error:
                raise _translated(error, "The store") from error
            door.key_file_belongs = True
        else:
            # The full check opens even a damaged store, to say what is wrong with it,
            # the key file included (``integrity_problems``); a key file that does not
            # belong is never recorded as belonging by what the check writes.
            try:
                door.key_file_belongs = key_binding.belongs(engine, door.key_file)
            except DBAPIError:
                door.key_file_belongs = False
        return Store(door, data_key, engine, revision)
    except BaseException:
        engine.dispose()
        raise


def _open_database(
    folder: StoreFolder, key_file: KeyFile, data_key: bytes, *, check: bool = True
) -> tuple[Engine, str]:
    if not folder.database.exists():
        raise StoreCorrupt(
            f"The store in {folder.root} has lost its database file. Restore the newest backup."
        )
    engine = create_store_engine(folder.database, data_key)
    try:
        with engine.connect() as connection:
            revision = current_revision(connection)
        state = schema_state(revision)
        if state is SchemaState.NEWER:
            raise StoreTooNew(
                "This store was last used by a newer version of LT Desktop. Install that "
                "version (or newer) to open it; nothing was changed."
            )
        if state is SchemaState.EMPTY or revision is None:
            raise StoreCorrupt("The store's database is empty; restore the newest backup.")
        if check:
            _quick_check(engine)
        if state is SchemaState.OLDER:
            stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S")
            make_private_folder(folder.backups)
            target = folder.backups / f"before-upgrade-from-{revision}-{stamp}.ltbackup"
            log.info("Backing up the store before upgrading it from schema %s", revision)
            write_backup(
                engine=engine,
                key_file=key_file,
                data_key=data_key,
                target=target,
                schema_revision=revision,
            )
            upgrade_to_head(engine)
            log.info("Upgraded the store from schema %s to %s", revision, head_revision())
        return engine, head_revision()
    except BaseException as error:
        engine.dispose()
        raise _translated(error, "The store") from error


def _quick_check(engine: Engine) -> None:
    """Read every page once on opening, so damage is found now, in plain words, and
    not part-way through someone's work. (Each page read also checks SQLCipher's
    page authentication code.) The full check is `lt-desktop check`."""
    with engine.connect() as connection:
        rows = [row[0] for row in connection.exec_driver_sql("PRAGMA quick_check")]
    if rows != ["ok"]:
        log.error("The store failed its quick check on opening (%d problems)", len(rows))
        raise StoreCorrupt(
            "The store on this computer is damaged and cannot be opened safely. "
            "Restore the newest good backup; nothing will be changed until you do."
        )


def _translated(error: BaseException, what: str) -> BaseException:
    """An error fit to show the person: a full disk said as such, not as a traceback."""
    if isinstance(error, DBAPIError):
        return translate_sqlite_error(error)
    if isinstance(error, OSError):
        return translate_os_error(error, what)
    return error


def _newest_versions(connection: Any, site_id: uuid.UUID) -> tuple[str, ...]:
    """The newest version the store holds, and, when that is another site's (which
    the clock follows only so far; see ``HybridLogicalClock.observe``), the newest
    this site made, which it follows whatever its time."""
    overall = connection.exec_driver_sql(_newest_version_sql(own=False)).scalar()
    if overall is None or overall.endswith(site_id.hex):
        return () if overall is None else (overall,)
    own_versions = f"%.{site_id.hex}"
    sql = _newest_version_sql(own=True)
    own = connection.exec_driver_sql(sql, (own_versions,) * sql.count("?")).scalar()
    return (overall,) if own is None else (overall, own)


@functools.cache
def _newest_version_sql(*, own: bool) -> str:
    """One statement for the newest version of every synced table, written out once:
    built through SQLAlchemy, the statements of one table each took longer to compile
    than to run, at every opening."""
    tables = sorted(
        str(mapper.class_.__tablename__)
        for mapper in Base.registry.mappers
        if issubclass(mapper.class_, SyncedRecord) and hasattr(mapper.class_, "__table__")
    )
    where = " WHERE version LIKE ?" if own else ""
    newest = " UNION ALL ".join(f'SELECT max(version) AS v FROM "{t}"{where}' for t in tables)
    return f"SELECT max(v) FROM ({newest})"
