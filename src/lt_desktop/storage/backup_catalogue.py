"""Which backups of a store exist, what they are called, and how many are kept.

Backups are found by reading their unencrypted headers, so a store can list its
backups (and a damaged store can be offered its newest one) before anyone signs in.
The only thing written outside the encrypted files is a note of the folder the
last backup went to, so that folder is searched too when the store cannot be opened.
"""

from __future__ import annotations

import contextlib
import json
import re
import uuid
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from lt_desktop.domain.errors import LtError
from lt_desktop.storage.atomic import write_atomic
from lt_desktop.storage.backup import SUFFIX, BackupHeader, read_header
from lt_desktop.storage.folder import StoreFolder

_NOTE = "backup-place.json"
_UNSAFE = re.compile(r'[<>:"/\\|?*\x00-\x1f]+')


@dataclass(frozen=True)
class BackupFile:
    path: Path
    header: BackupHeader
    size: int

    @property
    def made_at(self) -> datetime:
        return self.header.created_at


def new_backup_path(folder: Path, site_name: str, when: datetime) -> Path:
    """A new file's name that sorts by date and says whose backup it is (no personal
    data). An existing file is never reused: it may be another store's backup."""
    site = _UNSAFE.sub("-", site_name).strip(" .-") or "LT Desktop"
    stem = f"{site} backup {when.astimezone():%Y-%m-%d %H%M%S}"
    target = folder / f"{stem}{SUFFIX}"
    number = 2
    while target.exists():
        target = folder / f"{stem} ({number}){SUFFIX}"
        number += 1
    return target


def backups_in(folder: Path, store_id: uuid.UUID | None = None) -> list[BackupFile]:
    """The readable backups in ``folder`` (of one store, if given), newest first.

    Files that are not backups, or are cut short, are left out: they cannot be
    restored, and they are never deleted here either.
    """
    found = []
    try:
        candidates = sorted(folder.glob(f"*{SUFFIX}"))
    except OSError:
        return []
    for path in candidates:
        try:
            header = read_header(path)
            size = path.stat().st_size
        except (LtError, OSError):
            continue
        if store_id is None or header.store_id == store_id:
            found.append(BackupFile(path, header, size))
    return sorted(found, key=lambda b: b.header.created_at, reverse=True)


def prune_generations(folder: Path, store_id: uuid.UUID, *, keep: int, protect: Path) -> list[Path]:
    """Delete this store's oldest backups in ``folder`` beyond the newest ``keep``.

    ``protect`` (the backup just written and verified) is never deleted. Returns
    what was deleted; a file that cannot be deleted is left for next time.
    """
    deleted = []
    kept = 0
    for backup in backups_in(folder, store_id):
        if backup.path.resolve() == protect.resolve() or kept < keep:
            kept += 1
            continue
        with contextlib.suppress(OSError):
            backup.path.unlink()
            deleted.append(backup.path)
    return deleted


def note_backup_place(store: StoreFolder, folder: Path) -> None:
    write_atomic(
        store.root / _NOTE,
        json.dumps({"folder": str(folder.resolve())}).encode(),
        what="The note of where backups go",
    )


def noted_backup_place(store: StoreFolder) -> Path | None:
    try:
        document = json.loads((store.root / _NOTE).read_text(encoding="utf-8"))
        return Path(document["folder"])
    except (OSError, ValueError, KeyError, TypeError):
        return None


def known_backups(store: StoreFolder, store_id: uuid.UUID | None) -> list[BackupFile]:
    """Backups in the places this store's backups go, newest first: the folder the
    last backup went to, and the copies kept inside the store folder before upgrades."""
    places = [store.backups]
    noted = noted_backup_place(store)
    if noted is not None:
        places.insert(0, noted)
    seen: set[Path] = set()
    found = []
    for place in places:
        for backup in backups_in(place, store_id):
            if backup.path.resolve() not in seen:
                seen.add(backup.path.resolve())
                found.append(backup)
    return sorted(found, key=lambda b: b.header.created_at, reverse=True)
