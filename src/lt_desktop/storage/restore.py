"""Restoring a store from a backup, and previewing what a backup holds first.

The backup is checked in full (every byte, the database's own checks, the account
that opened it) before anything in the store's folder changes; the swap itself is
``replacing._swap_in``. A restored store's change numbers move on by ``RESTORE_STEP``
so that partners still take its new changes.
"""

from __future__ import annotations

import secrets
import shutil
import tempfile
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import sqlcipher3

from lt_desktop.domain.errors import BackupInvalid, StoreTooNew, WrongCredentials
from lt_desktop.domain.roles import Role
from lt_desktop.domain.vocabulary import SiteKind
from lt_desktop.storage.atomic import translate_os_error
from lt_desktop.storage.backup import (
    database_problems,
    raw_key_pragma,
    read_header,
    read_key_file,
    verify_backup_file,
)
from lt_desktop.storage.database import QUIET
from lt_desktop.storage.folder import StoreFolder
from lt_desktop.storage.instance_lock import InstanceLock
from lt_desktop.storage.keyslots import password_bytes
from lt_desktop.storage.migrations import SchemaState, schema_state
from lt_desktop.storage.replacing import _finish_interrupted_restore, _swap_in
from lt_desktop.storage.store import LockedStore, Store, _translated


def restore_store(
    root: Path,
    backup_path: Path,
    *,
    username: str,
    password: str,
    check_restorer: RestorerCheck,
) -> tuple[Store, uuid.UUID]:
    """Replace the store in ``root`` (if any) with a verified backup, if
    ``check_restorer`` lets the account in it that opened it do so.

    The store being replaced is kept until the restored one is in place; a crash
    part-way is finished or rolled back the next time the folder is opened.
    """
    header = read_header(backup_path)
    if schema_state(header.schema_revision) is SchemaState.NEWER:
        raise StoreTooNew(
            "This backup was made by a newer version of LT Desktop; install it to restore."
        )
    key_file = read_key_file(backup_path, header)
    slot = key_file.slot_for_user(username)
    data_key = None if slot is None else slot.open(key_file.store_id, password_bytes(password))
    if slot is None or data_key is None:
        raise WrongCredentials(
            "The user name or password is not right for the store in this backup."
        )
    folder = StoreFolder(Path(root))
    folder.root.mkdir(parents=True, exist_ok=True)
    lock = InstanceLock(folder.lock_file)
    lock.acquire()
    staging = folder.root / f".restore-{secrets.token_hex(4)}"
    try:
        _finish_interrupted_restore(folder)
        staging.mkdir()
        verify_backup_file(backup_path, data_key, extract_to=staging / folder.database.name)
        problems = database_problems(staging / folder.database.name, data_key)
        if problems:
            raise BackupInvalid(f"{backup_path.name} failed its integrity check: {problems[0]}")
        check_restorer(_account_in_backup(staging / folder.database.name, data_key, slot.slot_id))
        _begin_new_epoch(staging / folder.database.name, data_key)
        key_file.save(staging / folder.key_file.name)
        _swap_in(folder, staging)
        door = LockedStore(folder.root, _lock=lock)
        return door._open(data_key), slot.slot_id
    except BaseException as error:
        shutil.rmtree(staging, ignore_errors=True)
        lock.release()
        raise _translated(error, "The restored store") from error


@dataclass(frozen=True)
class BackupPreview:
    """What a backup holds, read after checking every byte of it."""

    path: Path
    made_at: datetime
    app_version: str
    schema_revision: str
    site_name: str
    site_kind: SiteKind | None
    counts: dict[str, int]
    size: int


#: What a restore preview counts, as a person would name it: table.
PREVIEW_COUNTS = {
    "people": "people",
    "cohorts": "cohorts",
    "sessions": "class_sessions",
    "attendance marks": "attendance",
    "essays": "essays",
    "stories": "stories",
    "accounts": "users",
}


def preview_backup(
    backup_path: Path, *, username: str, password: str, check_restorer: RestorerCheck
) -> BackupPreview:
    """Verify a backup as a restore would (every byte, the database's own checks, and
    ``check_restorer`` on the account) and say what it holds, changing nothing."""
    header = read_header(backup_path)
    if schema_state(header.schema_revision) is SchemaState.NEWER:
        raise StoreTooNew(
            "This backup was made by a newer version of LT Desktop; install it to restore."
        )
    key_file = read_key_file(backup_path, header)
    slot = key_file.slot_for_user(username)
    data_key = None if slot is None else slot.open(key_file.store_id, password_bytes(password))
    if slot is None or data_key is None:
        raise WrongCredentials(
            "The user name or password is not right for the store in this backup."
        )
    # The copy checked here is the encrypted database, as it sits in the backup.
    with tempfile.TemporaryDirectory(prefix="lt-desktop-check-") as scratch:
        database = Path(scratch) / "store.db"
        try:
            verify_backup_file(backup_path, data_key, extract_to=database)
        except OSError as error:
            raise translate_os_error(error, "Checking the backup") from error
        problems = database_problems(database, data_key)
        if problems:
            raise BackupInvalid(f"{backup_path.name} failed its integrity check: {problems[0]}")
        check_restorer(_account_in_backup(database, data_key, slot.slot_id))
        site_name, site_kind, counts = _describe(database, data_key)
    return BackupPreview(
        path=backup_path,
        made_at=header.created_at,
        app_version=header.app_version,
        schema_revision=header.schema_revision,
        site_name=site_name,
        site_kind=site_kind,
        counts=counts,
        size=backup_path.stat().st_size,
    )


def _describe(database: Path, data_key: bytes) -> tuple[str, SiteKind | None, dict[str, int]]:
    connection = sqlcipher3.connect(str(database))
    try:
        connection.execute(QUIET)
        connection.execute(raw_key_pragma(data_key))
        row = connection.execute("SELECT name, kind FROM sites WHERE is_local").fetchone()
        tables = {r[0] for r in connection.execute("SELECT name FROM sqlite_master")}
        counts = {}
        for label, table in PREVIEW_COUNTS.items():
            if table not in tables:
                continue
            columns = {r[1] for r in connection.execute(f'PRAGMA table_info("{table}")')}
            live = " WHERE deleted_at IS NULL" if "deleted_at" in columns else ""
            (counts[label],) = connection.execute(
                f'SELECT count(*) FROM "{table}"{live}'
            ).fetchone()
    finally:
        connection.close()
    if row is None:
        return "", None, counts
    kind = next((k for k in SiteKind if k.value == row[1] or k.name == row[1]), None)
    return str(row[0]), kind, counts


@dataclass(frozen=True)
class BackupAccount:
    """The account whose password opened a backup, as the backup holds it."""

    role: Role
    disabled: bool


#: Refuses (by raising) an account that may not replace a store with a backup, or no
#: account at all (``None``); the rule is the caller's, so it is passed in.
RestorerCheck = Callable[[BackupAccount | None], None]


def _account_in_backup(database: Path, data_key: bytes, user_id: uuid.UUID) -> BackupAccount | None:
    connection = sqlcipher3.connect(str(database))
    try:
        connection.execute(QUIET)
        connection.execute(raw_key_pragma(data_key))
        row = connection.execute(
            "SELECT role, disabled FROM users WHERE id = ?", (user_id.hex,)
        ).fetchone()
    finally:
        connection.close()
    if row is None:
        return None
    return BackupAccount(role=Role(row[0]), disabled=bool(row[1]))


#: How far a restore moves the store's change numbers on. Partners may have taken in,
#: and acknowledged, numbers the store gave out after the backup was made and has
#: now lost; numbered from past all of them, its changes from here on still travel,
#: and its partners tell its bundles from before the restore by the step they are in.
RESTORE_STEP = 1 << 32


def _begin_new_epoch(database: Path, data_key: bytes) -> None:
    """Move a restored database's change numbers on to the next ``RESTORE_STEP``."""
    connection = sqlcipher3.connect(str(database))
    try:
        connection.execute(QUIET)
        connection.execute(raw_key_pragma(data_key))
        tables = {r[0] for r in connection.execute("SELECT name FROM sqlite_master")}
        if "change_counter" in tables:  # a store from before exchanges has none to move
            with connection:
                connection.execute(
                    "UPDATE change_counter SET value = (value / ? + 1) * ?",
                    (RESTORE_STEP, RESTORE_STEP),
                )
    finally:
        connection.close()
