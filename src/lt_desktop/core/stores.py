"""Making, restoring and previewing a whole store, with the rules storage leaves to
the app: what a site and its administrator may be called, the site's own keys for
exchanges, and which accounts may replace a store with a backup.

Storage writes what it is given; these are the checks and the keys it is given.
Services, the demo and the front door make stores through here.
"""

from __future__ import annotations

import uuid
from pathlib import Path

from lt_desktop.core.names import checked_name
from lt_desktop.domain.errors import PermissionDenied, ValidationError
from lt_desktop.domain.roles import Permission, role_allows
from lt_desktop.domain.vocabulary import SiteKind
from lt_desktop.storage import creation, restore
from lt_desktop.storage.creation import CreatedStore
from lt_desktop.storage.kdf import KdfParams
from lt_desktop.storage.restore import BackupAccount, BackupPreview
from lt_desktop.storage.store import Store
from lt_desktop.sync.identity import SiteIdentity, site_name_problem

__all__ = [
    "BackupPreview",
    "CreatedStore",
    "create_store",
    "preview_backup",
    "require_restorer",
    "restore_store",
]


def create_store(
    root: Path,
    *,
    site_name: str,
    site_kind: SiteKind,
    admin_username: str,
    admin_display_name: str,
    admin_password: str,
    kdf: KdfParams | None = None,
    identity: SiteIdentity | None = None,
) -> CreatedStore:
    """A new store for a site, with its administrator.

    ``identity``, when given, is the site's: its id and keys, made elsewhere (a
    classroom laptop's, made by the education PC that pairs with it); otherwise the
    site is given a new id and new keys.
    """
    admin_display_name = checked_name(admin_display_name, "The display name")
    site_name = site_name.strip()
    problem = site_name_problem(site_name)
    if problem:
        raise ValidationError(f"The site name {problem}.")
    site_id = identity.site_id if identity else uuid.uuid4()
    keys = identity or SiteIdentity.generate(name=site_name, kind=site_kind, site_id=site_id)
    return creation.create_store(
        root,
        site_id=site_id,
        site_name=site_name,
        site_kind=site_kind,
        site_private_keys=keys.private_key_bytes(),
        admin_username=admin_username,
        admin_display_name=admin_display_name,
        admin_password=admin_password,
        kdf=kdf,
    )


def require_restorer(account: BackupAccount | None) -> None:
    """Replacing a whole store is for accounts that may back it up and restore it."""
    if account is None or account.disabled:
        raise PermissionDenied("That account cannot sign in to the store in this backup.")
    if not role_allows(account.role, Permission.BACKUP):
        raise PermissionDenied(
            f"Your role ({account.role.label.lower()}) does not allow you to back up or "
            "restore the store."
        )


def restore_store(
    root: Path, backup_path: Path, *, username: str, password: str
) -> tuple[Store, uuid.UUID]:
    """Replace the store in ``root`` (if any) with a verified backup, as an account of
    the backup that may restore it.

    The store being replaced is kept until the restored one is in place; a crash
    part-way is finished or rolled back the next time the folder is opened.
    """
    return restore.restore_store(
        root, backup_path, username=username, password=password, check_restorer=require_restorer
    )


def preview_backup(backup_path: Path, *, username: str, password: str) -> BackupPreview:
    """Verify a backup as a restore would (every byte, the database's own checks, and
    that the account may restore it) and say what it holds, changing nothing."""
    return restore.preview_backup(
        backup_path, username=username, password=password, check_restorer=require_restorer
    )
