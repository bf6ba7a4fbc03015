"""Putting a new database and key file in place of a store's, and finishing or
undoing that after a crash.

A restore and a re-key both build the replacement beside the store and swap it in
here; the key file moves last, so the folder holds either the old store or the new
one. Whoever opens the folder next (holding its lock) finishes or rolls back a swap
that was cut short, and clears the hidden files of writes a crash interrupted.
"""

from __future__ import annotations

import contextlib
import logging
import os
import secrets
import shutil
import time
from pathlib import Path

from lt_desktop.storage import key_binding
from lt_desktop.storage.atomic import fsync_directory
from lt_desktop.storage.folder import StoreFolder

log = logging.getLogger(__name__)


def _swap_in(folder: StoreFolder, staging: Path) -> None:
    replaced = folder.root / f".replaced-{time.strftime('%Y%m%dT%H%M%S')}-{secrets.token_hex(2)}"
    replaced.mkdir()
    # Key file first: from here until the new one lands, the folder holds no store.
    for path in [folder.key_file, *folder.database_files()]:
        if path.exists():
            os.replace(path, replaced / path.name)
    fsync_directory(folder.root)
    os.replace(staging / folder.database.name, folder.database)
    os.replace(staging / folder.key_file.name, folder.key_file)  # the restore commits here
    fsync_directory(folder.root)
    shutil.rmtree(replaced, ignore_errors=True)
    shutil.rmtree(staging, ignore_errors=True)


def _clear_unfinished_writes(folder: StoreFolder) -> None:
    """Delete the hidden files a write cut short by a crash left in the store folder (a
    key file or a backup being written, a backup's snapshot). Each is encrypted, but of no
    use, and nothing else writes them while we hold the lock."""
    for place in (folder.root, folder.backups):
        with contextlib.suppress(OSError):
            for path in place.glob(".*.partial*"):
                if key_binding.is_staged_key_file(path, folder.key_file):
                    continue  # settled once the store is open (key_binding.settle)
                with contextlib.suppress(OSError):
                    path.unlink()


def _finish_interrupted_restore(folder: StoreFolder) -> None:
    """Complete or undo a restore that a crash cut short (we hold the lock)."""
    for staging in folder.root.glob(".restore-*"):
        shutil.rmtree(staging, ignore_errors=True)
    for replaced in sorted(folder.root.glob(".replaced-*")):
        if folder.key_file.exists():
            shutil.rmtree(replaced, ignore_errors=True)  # the restore had committed
            continue
        log.warning("Rolling back an interrupted restore")
        for path in folder.database_files():
            path.unlink(missing_ok=True)
        for kept in replaced.iterdir():
            os.replace(kept, folder.root / kept.name)
        fsync_directory(folder.root)
        replaced.rmdir()
