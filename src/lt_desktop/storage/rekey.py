"""Re-keying a store: a new data key, the database re-encrypted under it, every slot new.

Disabling an account removes its slot from the key file, but a copy of the key file
made before still unwraps the same data key with that account's old password.
Re-keying ends that: the database is exported under a fresh key into a staging
folder, checked, given a key file whose slots wrap only the fresh key, and swapped
in as a restore is (``_swap_in``). A crash at any moment leaves the old store with
its old key file, or the new store with its new one, never a mix: until the new key
file lands the next opening rolls back, and from then on the swap has happened.

Only the administrator doing it knows a password to wrap the fresh key under, so
every other enabled account gets a one-time password, and the recovery key is new.
"""

from __future__ import annotations

import contextlib
import logging
import os
import secrets
import shutil
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import sqlcipher3
from sqlalchemy import select
from sqlalchemy.orm import Session

from lt_desktop.domain.errors import LtError, StoreCorrupt, ValidationError
from lt_desktop.storage import audit_chain, key_binding
from lt_desktop.storage.database import (
    QUIET,
    SessionFactory,
    create_store_engine,
    execute_outside_transaction,
)
from lt_desktop.storage.folder import PRIVATE_FOLDER_MODE
from lt_desktop.storage.kdf import params_for_new_slots
from lt_desktop.storage.keyslots import DATA_KEY_BYTES, USER_SLOT, KeyFile
from lt_desktop.storage.models import User
from lt_desktop.storage.recovery_key import ALPHABET, RecoveryKey
from lt_desktop.storage.replacing import _finish_interrupted_restore, _swap_in
from lt_desktop.storage.store import _translated

if TYPE_CHECKING:
    from lt_desktop.storage.store import Store

log = logging.getLogger(__name__)

#: The staging folder's name starts as a restore's does, so that an opening after a
#: crash clears a re-key cut short exactly as it clears a restore cut short.
STAGING_PREFIX = ".restore-rekey-"

#: The page cache of each side of the export: 32 MiB, as the store's own (negative: KiB).
_EXPORT_CACHE_SIZE = -32768

_PASSWORD_GROUPS = 4
_PASSWORD_GROUP_CHARS = 4


def one_time_password() -> str:
    """``K7QD-M2XH-9PRT-4WAC``: 80 random bits, easy to read out and type."""
    characters = "".join(
        secrets.choice(ALPHABET) for _ in range(_PASSWORD_GROUPS * _PASSWORD_GROUP_CHARS)
    )
    return "-".join(
        characters[start : start + _PASSWORD_GROUP_CHARS]
        for start in range(0, len(characters), _PASSWORD_GROUP_CHARS)
    )


@dataclass(frozen=True)
class RekeyPlan:
    """Who opens the re-keyed store, with what. ``one_time_passwords`` is by user name."""

    keeper: User
    others: list[User]
    one_time_passwords: dict[str, str]
    #: Disabled accounts, who get no slot (theirs went when they were disabled).
    disabled: list[str]
    #: Slots of no enabled account still in the key file (left by an interrupted write).
    stray_slots: int


@dataclass(frozen=True)
class Rekeyed:
    one_time_passwords: dict[str, str] = field(repr=False)
    recovery_key: RecoveryKey
    disabled: list[str]


#: Called inside the transaction that goes into the new database only, before its key
#: file is sealed: the audit entry and anything else that must land with the re-key.
Record = Callable[[Session, RekeyPlan], None]


def rekey_store(
    store: Store, *, keeper_id: uuid.UUID, keeper_password: str, record: Record | None = None
) -> Rekeyed:
    """Re-encrypt ``store`` under a new data key and replace every slot.

    ``keeper_id``'s slot is wrapped under ``keeper_password``; every other enabled
    account gets a one-time password; disabled accounts get no slot. On return the
    store is open on the new database with the new key.
    """
    # Holding the key file's lock keeps every other write out until the swap is done.
    with store._key_file_lock:
        plan = _plan(store, keeper_id)
        data_key = secrets.token_bytes(DATA_KEY_BYTES)
        recovery_key = RecoveryKey.generate()
        staging = store.folder.root / f"{STAGING_PREFIX}{secrets.token_hex(4)}"
        try:
            staging.mkdir(mode=PRIVATE_FOLDER_MODE)
            database = staging / store.folder.database.name
            key_file = _new_key_file(store, plan, keeper_password, data_key, recovery_key)
            _export_database(store, database, data_key)
            _record_in_new_database(store, database, data_key, key_file, plan, record)
            _check_new_database(store, database, data_key)
            key_file.save(staging / store.folder.key_file.name)
        except BaseException as error:
            shutil.rmtree(staging, ignore_errors=True)
            raise _translated(error, "The re-keyed store") from error
        _swap(store, staging, key_file, data_key)
    log.info(
        "Re-keyed the store: %d one-time passwords, %d disabled accounts, %d stray slots",
        len(plan.one_time_passwords),
        len(plan.disabled),
        plan.stray_slots,
    )
    return Rekeyed(plan.one_time_passwords, recovery_key, plan.disabled)


def _plan(store: Store, keeper_id: uuid.UUID) -> RekeyPlan:
    with store.read() as session:
        users = list(session.scalars(select(User).order_by(User.username)))
        session.expunge_all()
    enabled = [user for user in users if not user.disabled]
    keeper = next((user for user in enabled if user.id == keeper_id), None)
    if keeper is None:
        raise ValidationError("Only an enabled account can re-key the store.")
    others = [user for user in enabled if user.id != keeper_id]
    enabled_ids = {user.id for user in enabled}
    stray = sum(
        1
        for slot in store.key_file.slots
        if slot.kind == USER_SLOT and slot.slot_id not in enabled_ids
    )
    return RekeyPlan(
        keeper=keeper,
        others=others,
        one_time_passwords={user.username: one_time_password() for user in others},
        disabled=[user.username for user in users if user.disabled],
        stray_slots=stray,
    )


def _key_literal(data_key: bytes) -> str:
    return f"\"x'{data_key.hex()}'\""


def _export_database(store: Store, target: Path, data_key: bytes) -> None:
    """Copy every table, index and setting of the live database into ``target``,
    encrypted under ``data_key`` (SQLCipher's own export, page by page through SQLite)."""
    store.checkpoint()
    connection = sqlcipher3.connect(str(store.folder.database), isolation_level=None)
    try:
        connection.execute(QUIET)
        connection.execute(f"PRAGMA key = {_key_literal(store._data_key)}")
        connection.execute("SELECT count(*) FROM sqlite_master").fetchone()
        connection.execute(
            f"ATTACH DATABASE ? AS rekeyed KEY {_key_literal(data_key)}", (str(target),)
        )
        # A file in staging until it is checked and synced: a crash throws it away, so
        # it needs no journal and no sync on each write (several times faster).
        connection.execute("PRAGMA rekeyed.journal_mode = OFF")
        connection.execute("PRAGMA rekeyed.synchronous = OFF")
        for schema in ("main", "rekeyed"):
            connection.execute(f"PRAGMA {schema}.cache_size = {_EXPORT_CACHE_SIZE}")
        connection.execute("SELECT sqlcipher_export('rekeyed')").fetchone()
        connection.execute("DETACH DATABASE rekeyed")
    finally:
        connection.close()
    _sync_file(target)


def _sync_file(path: Path) -> None:
    with open(path, "rb+") as handle:
        os.fsync(handle.fileno())


def _record_in_new_database(
    store: Store,
    database: Path,
    data_key: bytes,
    key_file: KeyFile,
    plan: RekeyPlan,
    record: Record | None,
) -> None:
    """Write what must land with the re-key into the new database alone, so it is
    there exactly when the new key file is: the audit entry, whose head the key file
    anchors, and the digest of that key file (``key_binding``)."""
    engine = create_store_engine(database, data_key)
    factory = SessionFactory(engine, store.site.id, store.sessions.clock)
    try:
        with factory.write() as session:
            if record is not None:
                record(session, plan)
            head = session.info.pop(audit_chain.PENDING_HEAD, None)
            assert head is None or isinstance(head, audit_chain.AuditHead)
            key_file.audit_head = head or store.key_file.audit_head
            key_binding.record(session.connection(), key_file)
        # Fold the log in: only the database file itself is swapped in.
        execute_outside_transaction(engine, "PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        factory.close()
        engine.dispose()
    wal, shm = (database.with_name(database.name + suffix) for suffix in ("-wal", "-shm"))
    if wal.exists() and wal.stat().st_size:
        raise LtError("The re-keyed database could not be finished; nothing was changed.")
    wal.unlink(missing_ok=True)
    shm.unlink(missing_ok=True)


def _check_new_database(store: Store, database: Path, data_key: bytes) -> None:
    """Every encrypted page authenticated, and SQLite's structural check (the quick one:
    a database just built by the export has no history for the full one to find)."""
    problems = _database_problems(database, data_key)
    if problems:
        raise StoreCorrupt(
            f"The re-keyed database failed its check, so nothing was changed: {problems[0]}"
        )
    # A database the old key still opens would make the whole exercise pointless.
    if not _database_problems(database, store._data_key, check=False):
        raise LtError("The re-keyed database still opens with the old key; nothing was changed.")


def _database_problems(database: Path, data_key: bytes, *, check: bool = True) -> list[str]:
    connection = sqlcipher3.connect(str(database))
    try:
        connection.execute(QUIET)
        connection.execute(f"PRAGMA key = {_key_literal(data_key)}")
        try:
            connection.execute("SELECT count(*) FROM sqlite_master").fetchone()
        except sqlcipher3.DatabaseError:
            return ["The database cannot be decrypted with its key."]
        if not check:
            return []
        connection.execute(f"PRAGMA cache_size = {_EXPORT_CACHE_SIZE}")
        problems = [
            f"Encrypted page check: {row[0]}"
            for row in connection.execute("PRAGMA cipher_integrity_check")
        ]
        rows = [row[0] for row in connection.execute("PRAGMA quick_check")]
        if rows != ["ok"]:
            problems += [f"Database structure: {row}" for row in rows]
        return problems
    finally:
        connection.close()


def _new_key_file(
    store: Store,
    plan: RekeyPlan,
    keeper_password: str,
    data_key: bytes,
    recovery_key: RecoveryKey,
) -> KeyFile:
    kdf = params_for_new_slots()
    key_file = KeyFile(store_id=store.key_file.store_id)
    key_file.put_user_slot(
        user_id=plan.keeper.id,
        username=plan.keeper.username,
        password=keeper_password,
        data_key=data_key,
        kdf=kdf,
    )
    for user in plan.others:
        key_file.put_user_slot(
            user_id=user.id,
            username=user.username,
            password=plan.one_time_passwords[user.username],
            data_key=data_key,
            kdf=kdf,
        )
    key_file.put_recovery_slot(secret=recovery_key.secret, data_key=data_key, kdf=kdf)
    return key_file


def _swap(store: Store, staging: Path, key_file: KeyFile, data_key: bytes) -> None:
    """Put the staged store in place of the live one and open it there.

    Should the swap itself fail part-way, it is finished or rolled back at once, as
    the next opening would, and the store is opened on whichever key file is in place."""
    store.checkpoint()
    # No new connection may open the folder's database while it is being swapped: one
    # made in between would make an empty file there, with journals of its own.
    store.sessions.close()
    store.engine.dispose()
    try:
        _swap_in(store.folder, staging)
    except BaseException as error:
        with contextlib.suppress(Exception):
            _finish_interrupted_restore(store.folder)
        shutil.rmtree(staging, ignore_errors=True)
        if _key_file_in_place(store) != key_file.to_bytes():
            _reopen(store, store.key_file, store._data_key)
            raise _translated(error, "The re-keyed store") from error
        _reopen(store, key_file, data_key)
        log.warning("Re-keyed the store, but could not tidy up after: %s", error)
        return
    _reopen(store, key_file, data_key)


def _key_file_in_place(store: Store) -> bytes:
    try:
        return store.folder.key_file.read_bytes()
    except OSError:
        return b""


def _reopen(store: Store, key_file: KeyFile, data_key: bytes) -> None:
    """Point the open store at the database in its folder, under ``data_key``."""
    engine = create_store_engine(store.folder.database, data_key)
    clock = store.sessions.clock
    store.sessions.close()
    store.engine = engine
    store.sessions = SessionFactory(engine, store.site.id, clock)
    store._data_key = data_key
    store.key_file = store.door.key_file = key_file
