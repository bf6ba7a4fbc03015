"""Making a new store, and moving a freshly made one into the folder it is for.

A store is made beside nothing it could spoil: the key file is written last, so a
set-up cut short leaves only a database no one can open, which the next attempt sets
aside (never deletes).
"""

from __future__ import annotations

import os
import secrets
import shutil
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import Engine

from lt_desktop.domain.errors import StoreAlreadyExists
from lt_desktop.domain.roles import Role
from lt_desktop.domain.vocabulary import SiteKind
from lt_desktop.storage import audit_chain, key_binding
from lt_desktop.storage.atomic import fsync_directory, translate_os_error
from lt_desktop.storage.clock import HybridLogicalClock
from lt_desktop.storage.database import SessionFactory, create_store_engine
from lt_desktop.storage.folder import StoreFolder
from lt_desktop.storage.instance_lock import InstanceLock
from lt_desktop.storage.kdf import KdfParams, params_for_new_slots
from lt_desktop.storage.keyslots import DATA_KEY_BYTES, KeyFile
from lt_desktop.storage.migrations import upgrade_to_head
from lt_desktop.storage.models import Site, SiteKeys, User
from lt_desktop.storage.recovery_key import RecoveryKey
from lt_desktop.storage.replacing import _finish_interrupted_restore
from lt_desktop.storage.store import LockedStore, Store, _translated


@dataclass(frozen=True)
class CreatedStore:
    store: Store
    administrator_id: uuid.UUID
    recovery_key: RecoveryKey


def create_store(
    root: Path,
    *,
    site_id: uuid.UUID,
    site_name: str,
    site_kind: SiteKind,
    site_private_keys: bytes,
    admin_username: str,
    admin_display_name: str,
    admin_password: str,
    kdf: KdfParams | None = None,
) -> CreatedStore:
    """A new store for a site, with its administrator.

    The caller has checked the names and made the site's id and keys (its private keys
    as ``site_private_keys``); they are stored as given, in the same transaction as the
    site and its administrator.
    """
    site_name = site_name.strip()
    folder = StoreFolder(Path(root))
    try:
        folder.root.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise translate_os_error(error, "The store folder") from error
    lock = InstanceLock(folder.lock_file)
    lock.acquire()
    try:
        _finish_interrupted_restore(folder)
        if folder.has_store():
            raise StoreAlreadyExists(
                f"{folder.root} already holds a store. Open it, or choose another folder."
            )
        _set_aside_orphaned_database(folder)
        kdf = kdf or params_for_new_slots()
        data_key = secrets.token_bytes(DATA_KEY_BYTES)
        key_file = KeyFile(store_id=uuid.uuid4())
        administrator_id = uuid.uuid4()
        engine = create_store_engine(folder.database, data_key)
        try:
            upgrade_to_head(engine)
            head = _initialise_database(
                engine,
                key_file.store_id,
                Site(
                    id=site_id,
                    name=site_name,
                    kind=site_kind,
                    is_local=True,
                ),
                User(
                    id=administrator_id,
                    username=admin_username.strip(),
                    display_name=admin_display_name.strip() or admin_username.strip(),
                    role=Role.ADMINISTRATOR,
                ),
                site_private_keys,
            )
            key_file.audit_head = head
            key_file.put_user_slot(
                user_id=administrator_id,
                username=admin_username,
                password=admin_password,
                data_key=data_key,
                kdf=kdf,
            )
            recovery_key = RecoveryKey.generate()
            key_file.put_recovery_slot(secret=recovery_key.secret, data_key=data_key, kdf=kdf)
            with engine.begin() as connection:
                key_binding.record(connection, key_file)
            key_file.save(folder.key_file)  # the store exists from this moment
        finally:
            engine.dispose()
        door = LockedStore(folder.root, _lock=lock)
        return CreatedStore(door._open(data_key), administrator_id, recovery_key)
    except BaseException as error:
        if not folder.has_store():
            # Only what this attempt made is here (an earlier orphan was set aside).
            for path in folder.database_files():
                path.unlink(missing_ok=True)
        lock.release()
        raise _translated(error, "The new store") from error


def _initialise_database(
    engine: Engine,
    store_id: uuid.UUID,
    site: Site,
    administrator: User,
    site_private_keys: bytes,
) -> audit_chain.AuditHead:
    factory = SessionFactory(engine, site.id, HybridLogicalClock(site.id))
    try:
        with factory.write() as session:
            session.add_all([site, administrator, SiteKeys(private_keys=site_private_keys)])
            session.flush()
            audit_chain.append(
                session,
                store_id=store_id,
                anchor=None,
                actor_id=administrator.id,
                actor_name=administrator.display_name,
                action="store.created",
                subject_type="site",
                subject_id=str(site.id),
                details={"site_kind": site.kind.value},
            )
    finally:
        factory.close()
    head = session.info[audit_chain.PENDING_HEAD]
    assert isinstance(head, audit_chain.AuditHead)
    return head


def _set_aside_orphaned_database(folder: StoreFolder) -> None:
    """A database with no key file is what an interrupted set-up leaves. It cannot be
    read by anyone, but it is moved aside rather than deleted."""
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S")
    for path in folder.database_files():
        if path.exists():
            os.replace(path, path.with_name(f"{path.name}.orphaned-{stamp}"))


def move_new_store(source: Path, target: Path) -> None:
    """Move a freshly made, closed store into ``target``, which must hold none.

    The key file moves last, so ``target`` never holds half a store.
    """
    source_folder, target_folder = StoreFolder(source), StoreFolder(target)
    target_folder.root.mkdir(parents=True, exist_ok=True)
    with InstanceLock(target_folder.lock_file):
        if target_folder.has_store():
            raise StoreAlreadyExists(f"{target} already holds a store.")
        _set_aside_orphaned_database(target_folder)
        for path in source_folder.database_files():
            if path.exists():
                os.replace(path, target_folder.root / path.name)
        os.replace(source_folder.key_file, target_folder.key_file)
        fsync_directory(target_folder.root)
    shutil.rmtree(source_folder.root, ignore_errors=True)
