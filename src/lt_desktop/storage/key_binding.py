"""The key file and the database belong together: the database records the digest of
the key file that goes with it, and a store opens only with that key file.

The key file holds no secret a copy of it would not also hold, so anyone who can
write to the store folder can put an older copy back: one where an old password
still unwraps the data key, an account since disabled still has its slot, or the
audit anchor is further back. The database is encrypted and authenticated page by
page, so only a holder of the data key can change what it records; putting back
an older key file, or one from another store, no longer matches and is refused.

Every change to the key file is recorded in the same transaction that makes it
(``Store.write``). The new key file is written in full beside the old one before
that commit and moved into place after it; a crash in between leaves the database
recording the new file while the old one is still in place. The new one is then
still there, beside it, and is put in place when the store next opens.

What this cannot notice: the database and its key file put back together from one
older moment (a whole old copy of the store folder). That is what the witnesses
of the audit log are for (``storage.audit_witness``).
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import logging
import os
from pathlib import Path
from typing import TYPE_CHECKING

from lt_desktop.domain.errors import NotAStore, StoreCorrupt
from lt_desktop.storage.atomic import fsync_directory
from lt_desktop.storage.keyslots import KeyFile

if TYPE_CHECKING:
    from sqlalchemy import Connection, Engine

log = logging.getLogger(__name__)

#: The ``settings`` row holding the digest of the key file that goes with this database.
SETTING = "key_file_digest"


class KeyFileMismatch(StoreCorrupt):
    pass


MISMATCH = (
    "The store's key file does not belong with its database: it was put back from an "
    "older copy, or taken from another store. Nothing was opened. Put back the key "
    "file that was last in this folder, or restore the newest backup."
)


def digest_of(key_file: KeyFile) -> str:
    return hashlib.sha256(key_file.to_bytes()).hexdigest()


def record(connection: Connection, key_file: KeyFile) -> None:
    """Record, inside the caller's transaction, that ``key_file`` goes with this database."""
    from sqlalchemy import text  # with the open store; the folder's door is kept light

    connection.execute(
        text("INSERT OR REPLACE INTO settings (key, value) VALUES (:key, :value)"),
        {"key": SETTING, "value": json.dumps(digest_of(key_file))},
    )


def recorded(connection: Connection) -> str | None:
    from sqlalchemy import text

    value = connection.execute(
        text("SELECT value FROM settings WHERE key = :key"), {"key": SETTING}
    ).scalar()
    if value is None:
        return None
    digest = json.loads(value)
    return digest if isinstance(digest, str) else None


def settle(engine: Engine, key_file_path: Path, key_file: KeyFile) -> KeyFile:
    """The key file that goes with the database ``engine`` opens, put in place if a crash
    left it beside the old one; refuses any other.

    A store from before the digest was recorded records its key file now, once.
    """
    with engine.begin() as connection:
        expected = recorded(connection)
        if expected is None:
            record(connection, key_file)
            return key_file
    if digest_of(key_file) == expected:
        _clear_staged(key_file_path)
        return key_file
    for candidate, staged in _staged_of(key_file_path, key_file):
        if digest_of(staged) == expected:
            log.warning("Putting in place the key file a crash left beside the old one")
            os.replace(candidate, key_file_path)
            fsync_directory(key_file_path.parent)
            _clear_staged(key_file_path)
            return staged
    log.error("The key file does not match the one the database records")
    raise KeyFileMismatch(MISMATCH)


def belongs(engine: Engine, key_file: KeyFile) -> bool:
    """Whether the database records ``key_file`` as its own (or records none yet)."""
    with engine.connect() as connection:
        expected = recorded(connection)  # a damaged page drops the connection (database.py)
    return expected is None or expected == digest_of(key_file)


def staged_key_files(key_file_path: Path, key_file: KeyFile) -> list[KeyFile]:
    """Key files of this store written beside ``key_file_path`` and not yet moved in."""
    return [staged for _, staged in _staged_of(key_file_path, key_file)]


def _staged_of(key_file_path: Path, key_file: KeyFile) -> list[tuple[Path, KeyFile]]:
    found = []
    for path in _staged(key_file_path):
        with contextlib.suppress(OSError, NotAStore, StoreCorrupt):
            staged = KeyFile.load(path)
            if staged.store_id == key_file.store_id:
                found.append((path, staged))
    return found


def _staged(key_file_path: Path) -> list[Path]:
    return sorted(key_file_path.parent.glob(f".{key_file_path.name}.*.partial"))


def _clear_staged(key_file_path: Path) -> None:
    for path in _staged(key_file_path):
        with contextlib.suppress(OSError):
            path.unlink()


def is_staged_key_file(path: Path, key_file_path: Path) -> bool:
    """Whether ``path`` is a key file written beside ``key_file_path`` and not yet moved
    into place: kept until the store opens, which settles it."""
    return path.parent == key_file_path.parent and path.name.startswith(f".{key_file_path.name}.")
