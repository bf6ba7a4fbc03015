"""What a command killed part-way (power cut, ``kill -9``) leaves behind, and clearing
it on the next run.

Such leftovers are encrypted, but of no use and they fill the disk or the stick. Each
is cleared only once nothing can still be writing it: a store being built beside its
target folder holds its lock while it is built, and a backup's hidden files are
written to continuously, so one left alone for ``ABANDONED_AFTER_SECONDS`` is dead.
"""

from __future__ import annotations

import contextlib
import logging
import re
import shutil
import time
from pathlib import Path

from lt_desktop.domain.errors import StoreInUse
from lt_desktop.storage.folder import StoreFolder
from lt_desktop.storage.instance_lock import InstanceLock

log = logging.getLogger(__name__)

#: When this process started, near enough: a staging folder last changed before then
#: was not made by this run.
PROCESS_STARTED = time.time()
#: A backup's hidden file unchanged this long belongs to no running backup (checking
#: and copying even a large store's snapshot takes a few minutes at most).
ABANDONED_AFTER_SECONDS = 15 * 60

# The hidden files `write_backup` makes: the backup itself and the database snapshot.
_BACKUP_PARTIAL = re.compile(r"\..+\.(ltbackup|db)\.[0-9a-f]{12}\.partial")


def clear_abandoned_staging(target: Path, kind: str) -> list[Path]:
    """Remove the folders beside ``target`` in which an earlier run was building a store
    for it (``.NAME.KIND-XXXXXXXX``) and that no running process holds."""
    cleared = []
    for staging in target.parent.glob(f".{glob_escape(target.name)}.{kind}-*"):
        if not staging.is_dir() or _changed_since(staging, PROCESS_STARTED):
            continue
        lock = InstanceLock(StoreFolder(staging).lock_file)
        try:
            lock.acquire()
        except (StoreInUse, OSError):
            continue  # another run is building it now
        try:
            shutil.rmtree(staging, ignore_errors=True)
        finally:
            lock.release()
        if not staging.exists():
            cleared.append(staging)
    if cleared:
        log.info("Removed %d unfinished store folder(s) left by an interrupted run", len(cleared))
    return cleared


def clear_abandoned_backup_files(folder: Path) -> list[Path]:
    """Remove the hidden files of backups that were cut short in ``folder``."""
    cleared = []
    now = time.time()
    with contextlib.suppress(OSError):
        for path in folder.iterdir():
            if not _BACKUP_PARTIAL.fullmatch(path.name) or not path.is_file():
                continue
            if _changed_since(path, now - ABANDONED_AFTER_SECONDS):
                continue
            with contextlib.suppress(OSError):
                path.unlink()
                cleared.append(path)
    if cleared:
        log.info("Removed %d unfinished backup file(s) left by an interrupted backup", len(cleared))
    return cleared


def glob_escape(name: str) -> str:
    return re.sub(r"([*?\[])", r"[\1]", name)


def _changed_since(path: Path, moment: float) -> bool:
    try:
        return path.stat().st_mtime >= moment
    except OSError:
        return True  # gone already, or unreadable: leave it
