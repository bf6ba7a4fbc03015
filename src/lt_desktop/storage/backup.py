"""Backup files: a whole store (key file and encrypted database) in one file.

Layout (all integers big-endian)::

    "LT-DESKTOP-BACKUP\\n"   magic, 18 bytes
    u32                      length of the header
    header                   UTF-8 JSON: format version, store id, created time,
                             app version, schema revision, section sizes
    key file                 the store's key file as it was
    database                 a consistent SQLCipher snapshot (VACUUM INTO), still
                             encrypted with the store's data key
    HMAC-SHA256              over everything above, keyed by HKDF(data key)

Nothing in it is readable without a password or the recovery key of the backed
up store, and any changed byte fails the HMAC once it is unlocked.
"""

from __future__ import annotations

import contextlib
import hashlib
import hmac
import json
import os
import struct
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import IO, Any

import sqlcipher3
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from sqlalchemy import Engine

from lt_desktop import __version__
from lt_desktop.domain.errors import BackupInvalid, LtError
from lt_desktop.storage.atomic import atomic_output, temp_path_beside, translate_os_error
from lt_desktop.storage.database import QUIET, execute_outside_transaction
from lt_desktop.storage.keyslots import MAX_KEY_FILE_BYTES, KeyFile
from lt_desktop.storage.leftovers import clear_abandoned_backup_files
from lt_desktop.storage.models import utc_now

MAGIC = b"LT-DESKTOP-BACKUP\n"
FORMAT_VERSION = 1
_MAX_HEADER_BYTES = 64 * 1024
_MAC_BYTES = 32
_CHUNK = 1024 * 1024
SUFFIX = ".ltbackup"


@dataclass(frozen=True)
class BackupHeader:
    store_id: uuid.UUID
    created_at: datetime
    app_version: str
    schema_revision: str
    key_file_size: int
    database_size: int
    database_sha256: str

    def to_bytes(self) -> bytes:
        return json.dumps(
            {
                "format_version": FORMAT_VERSION,
                "store_id": str(self.store_id),
                "created_at": self.created_at.isoformat(),
                "app_version": self.app_version,
                "schema_revision": self.schema_revision,
                "key_file_size": self.key_file_size,
                "database_size": self.database_size,
                "database_sha256": self.database_sha256,
            },
            sort_keys=True,
        ).encode()

    @property
    def body_offset(self) -> int:
        return len(MAGIC) + 4 + len(self.to_bytes())


def mac_key(data_key: bytes, store_id: uuid.UUID) -> bytes:
    return HKDF(
        algorithm=hashes.SHA256(), length=32, salt=store_id.bytes, info=b"lt-desktop backup v1"
    ).derive(data_key)


def raw_key_pragma(data_key: bytes) -> str:
    return f"PRAGMA key = \"x'{data_key.hex()}'\""


def database_problems(path: Path, data_key: bytes) -> list[str]:
    """SQLCipher's page check plus SQLite's structural check of a database file."""
    connection = sqlcipher3.connect(str(path))
    try:
        connection.execute(QUIET)
        connection.execute(raw_key_pragma(data_key))
        try:
            connection.execute("SELECT count(*) FROM sqlite_master").fetchone()
        except sqlcipher3.DatabaseError:
            return ["The database cannot be decrypted with this store's key."]
        problems = [
            f"Encrypted page check: {row[0]}"
            for row in connection.execute("PRAGMA cipher_integrity_check")
        ]
        try:
            rows = [row[0] for row in connection.execute("PRAGMA integrity_check")]
        except sqlcipher3.DatabaseError as error:
            rows = [f"the check itself could not run ({error})"]
        if rows != ["ok"]:
            problems += [f"Database structure: {row}" for row in rows]
        return problems
    finally:
        connection.close()


def snapshot_database(engine: Engine, target: Path) -> None:
    """A consistent, compact copy of the live database, encrypted with the same key."""
    execute_outside_transaction(engine, "VACUUM INTO ?", (str(target),))


def write_backup(
    *, engine: Engine, key_file: KeyFile, data_key: bytes, target: Path, schema_revision: str
) -> BackupHeader:
    """Write a backup to ``target`` atomically, then read it back and verify it."""
    target = target.resolve()
    clear_abandoned_backup_files(target.parent)
    snapshot = temp_path_beside(target.with_suffix(".db"))
    try:
        try:
            snapshot_database(engine, snapshot)
        except Exception as error:
            raise _snapshot_error(error) from error
        problems = database_problems(snapshot, data_key)
        if problems:
            raise LtError(
                "The store failed its integrity check; no backup was written. " + problems[0]
            )
        key_bytes = key_file.to_bytes()
        header = BackupHeader(
            store_id=key_file.store_id,
            created_at=utc_now(),
            app_version=__version__,
            schema_revision=schema_revision,
            key_file_size=len(key_bytes),
            database_size=snapshot.stat().st_size,
            database_sha256=_sha256_file(snapshot),
        )
        signer = hmac.new(mac_key(data_key, key_file.store_id), digestmod=hashlib.sha256)
        with atomic_output(target, what="The backup") as out:
            header_bytes = header.to_bytes()
            for part in (MAGIC, struct.pack(">I", len(header_bytes)), header_bytes, key_bytes):
                out.write(part)
                signer.update(part)
            with open(snapshot, "rb") as source:
                for chunk in iter(lambda: source.read(_CHUNK), b""):
                    out.write(chunk)
                    signer.update(chunk)
            out.write(signer.digest())
    finally:
        with contextlib.suppress(OSError):
            snapshot.unlink()
    verify_backup_file(target, data_key)
    return header


def _snapshot_error(error: Exception) -> BaseException:
    text = str(error).lower()
    if "full" in text:
        return translate_os_error(OSError(28, "No space left on device"), "The backup")
    if isinstance(error, OSError):
        return translate_os_error(error, "The backup")
    return LtError(f"The backup could not be written: {error}")


def _sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for chunk in iter(lambda: handle.read(_CHUNK), b""):
            digest.update(chunk)
    return digest.hexdigest()


def read_header(path: Path) -> BackupHeader:
    """The unencrypted header, checked for shape and against the file's size."""
    try:
        size = path.stat().st_size
        with open(path, "rb") as handle:
            if handle.read(len(MAGIC)) != MAGIC:
                raise BackupInvalid(f"{path.name} is not an LT Desktop backup.")
            (length,) = struct.unpack(">I", _read_exactly(handle, 4, path))
            if length > _MAX_HEADER_BYTES:
                raise BackupInvalid(f"{path.name} is damaged (its header is too large).")
            document: Any = json.loads(_read_exactly(handle, length, path))
    except OSError as error:
        raise LtError(f"The backup {path} cannot be read: {error.strerror}.") from error
    except (ValueError, struct.error) as error:
        raise BackupInvalid(f"{path.name} is damaged (its header is unreadable).") from error
    if not isinstance(document, dict) or document.get("format_version") != FORMAT_VERSION:
        raise BackupInvalid(
            f"{path.name} was written by a version of LT Desktop this one cannot read."
        )
    try:
        header = BackupHeader(
            store_id=uuid.UUID(document["store_id"]),
            created_at=datetime.fromisoformat(document["created_at"]),
            app_version=str(document["app_version"]),
            schema_revision=str(document["schema_revision"]),
            key_file_size=int(document["key_file_size"]),
            database_size=int(document["database_size"]),
            database_sha256=str(document["database_sha256"]),
        )
    except (KeyError, TypeError, ValueError) as error:
        raise BackupInvalid(f"{path.name} is damaged (its header is incomplete).") from error
    expected = len(MAGIC) + 4 + length + header.key_file_size + header.database_size + _MAC_BYTES
    if not 0 < header.key_file_size <= MAX_KEY_FILE_BYTES or header.database_size <= 0:
        raise BackupInvalid(f"{path.name} is damaged (impossible section sizes).")
    if size < expected:
        raise BackupInvalid(f"{path.name} is incomplete: it was cut short while being written.")
    if size > expected:
        raise BackupInvalid(f"{path.name} is damaged (it has extra bytes at the end).")
    return header


def _read_exactly(handle: IO[bytes], count: int, path: Path) -> bytes:
    data = handle.read(count)
    if len(data) != count:
        raise BackupInvalid(f"{path.name} is incomplete: it was cut short while being written.")
    return data


def read_key_file(path: Path, header: BackupHeader) -> KeyFile:
    with open(path, "rb") as handle:
        handle.seek(header.body_offset)
        raw = _read_exactly(handle, header.key_file_size, path)
    try:
        key_file = KeyFile.from_bytes(raw)
    except LtError as error:
        raise BackupInvalid(f"{path.name} is damaged (its key file is unreadable).") from error
    if key_file.store_id != header.store_id:
        raise BackupInvalid(f"{path.name} is damaged (its parts belong to different stores).")
    return key_file


def _sections(path: Path, header: BackupHeader) -> Iterator[tuple[str, bytes]]:
    """Every byte of the file in order, labelled with the section it belongs to."""
    with open(path, "rb") as handle:
        yield "head", handle.read(header.body_offset + header.key_file_size)
        remaining = header.database_size
        while remaining:
            chunk = handle.read(min(_CHUNK, remaining))
            if not chunk:
                raise BackupInvalid(f"{path.name} is incomplete.")
            remaining -= len(chunk)
            yield "database", chunk
        yield "mac", handle.read(_MAC_BYTES)


def verify_backup_file(
    path: Path, data_key: bytes, *, extract_to: Path | None = None
) -> BackupHeader:
    """Check every byte against the HMAC (and, when asked, write the database out)."""
    header = read_header(path)
    signer = hmac.new(mac_key(data_key, header.store_id), digestmod=hashlib.sha256)
    database_digest = hashlib.sha256()
    mac = b""
    with contextlib.ExitStack() as stack:
        out = stack.enter_context(open(extract_to, "xb")) if extract_to else None
        for section, data in _sections(path, header):
            if section == "mac":
                mac = data
                continue
            signer.update(data)
            if section == "database":
                database_digest.update(data)
                if out is not None:
                    out.write(data)
        if out is not None:
            out.flush()
            os.fsync(out.fileno())
    if not hmac.compare_digest(signer.digest(), mac):
        raise BackupInvalid(
            f"{path.name} has been changed or damaged since it was written; it cannot be used."
        )
    if database_digest.hexdigest() != header.database_sha256:
        raise BackupInvalid(f"{path.name} is damaged (the database does not match its header).")
    return header
