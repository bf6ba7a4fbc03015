"""The front door: what is done with a store folder before anyone is signed in.

Whether a folder holds a store, holding it, making a new store, setting up a
classroom laptop from a kit, signing in, recovering an account with the recovery
key, checking and restoring a backup. The desktop app reaches storage through here
(and, once signed in, through the services of a ``Workspace``), never directly; the
types it needs from below are named here too.
"""

from __future__ import annotations

import importlib
from pathlib import Path
from typing import TYPE_CHECKING, Any

from lt_desktop.core.names import checked_name
from lt_desktop.core.sign_in import (
    prepare_to_sign_in,
    recover_account,
    recover_account_at,
    restore_and_sign_in,
    sign_in,
    sign_in_at,
)
from lt_desktop.domain.vocabulary import SiteKind
from lt_desktop.storage.door import LockedStore
from lt_desktop.storage.folder import StoreFolder, use_private_umask
from lt_desktop.storage.recovery_key import RecoveryKey

if TYPE_CHECKING:
    from lt_desktop.core.services.laptops import LaptopSetUp
    from lt_desktop.core.stores import BackupPreview, create_store, preview_backup
    from lt_desktop.storage.backup_catalogue import BackupFile

#: Named here, imported when first asked for: the app shows its sign-in window first.
_LATER = {
    "BackupFile": "lt_desktop.storage.backup_catalogue",
    "BackupPreview": "lt_desktop.core.stores",
    "LaptopSetUp": "lt_desktop.core.services.laptops",
    "create_store": "lt_desktop.core.stores",
    "preview_backup": "lt_desktop.core.stores",
}


def __getattr__(name: str) -> Any:
    if name in _LATER:
        return getattr(importlib.import_module(_LATER[name]), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = [
    "BackupFile",
    "BackupPreview",
    "LaptopSetUp",
    "LockedStore",
    "RecoveryKey",
    "create_store",
    "has_store",
    "hold_store",
    "make_store",
    "newest_backup",
    "prepare_to_sign_in",
    "preview_backup",
    "recover_account",
    "recover_account_at",
    "restore_and_sign_in",
    "set_up_laptop_from_kit",
    "sign_in",
    "sign_in_at",
    "use_private_umask",
]


def has_store(data_dir: Path) -> bool:
    """Whether ``data_dir`` holds a store (its key file)."""
    return StoreFolder(data_dir).has_store()


def hold_store(data_dir: Path) -> LockedStore:
    """Hold the store folder, not yet unlocked (refused if another program has it).
    An interrupted restore is finished or rolled back first."""
    return LockedStore(data_dir)


def newest_backup(data_dir: Path, held: LockedStore | None = None) -> Path | None:
    """The newest backup of the store in ``data_dir`` found where its backups go, if
    any; of the held store only, when it is held and its key file could be read."""
    from lt_desktop.storage.backup_catalogue import known_backups

    store_id = held.key_file.store_id if held is not None else None
    found = known_backups(StoreFolder(data_dir), store_id)
    return found[0].path if found else None


def make_store(
    data_dir: Path,
    *,
    site_name: str,
    site_kind: SiteKind,
    admin_username: str,
    admin_display_name: str,
    admin_password: str,
) -> RecoveryKey:
    """Make a new store in ``data_dir`` with its administrator, and close it again; its
    recovery key, to be shown once. It starts with the default story questions and
    questionnaire (``core.defaults``), the same records at every site."""
    from lt_desktop.core.defaults import write_defaults
    from lt_desktop.core.stores import create_store

    created = create_store(
        data_dir,
        site_name=site_name,
        site_kind=site_kind,
        admin_username=admin_username,
        admin_display_name=checked_name(admin_display_name, "The full name"),
        admin_password=admin_password,
    )
    try:
        write_defaults(created.store)
    finally:
        created.store.close()
    return created.recovery_key


def set_up_laptop_from_kit(
    data_dir: Path,
    kit: Path,
    passphrase: str,
    *,
    username: str,
    display_name: str,
    password: str,
) -> tuple[LaptopSetUp, bool]:
    """Make this computer a classroom laptop from the kit on the stick. A wrong
    passphrase or a kit changed on the way is refused before anything is made.
    Also says whether the kit could be taken off the stick."""
    from lt_desktop.core.services.laptops import read_kit, remove_kit, set_up_laptop

    opened = read_kit(kit, passphrase)
    made = set_up_laptop(
        data_dir,
        opened,
        username=username,
        display_name=checked_name(display_name, "The full name"),
        password=password,
    )
    return made, remove_kit(kit)
