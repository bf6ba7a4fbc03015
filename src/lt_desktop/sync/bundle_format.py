"""The bytes of a bundle: its constants, header and layout, and the keys bound to them.

What writing a bundle and opening one (``bundle``) share. Layout (all
integers big-endian; docs/bundle-format.md has every rule)::

    "LT-DESKTOP-BUNDLE\\n"   magic, 18 bytes
    u16                      format version (1)
    u32                      header length H (2 .. 16384)
    header                   H bytes of UTF-8 JSON: sender, recipient, sequence,
                             created time, payload kind, caller's meta (in clear)
    ephemeral public key     32 bytes, X25519, fresh for every bundle
    salt                     32 random bytes for HKDF
    payload                  zlib stream cut into 64 KiB pieces, each sealed with
                             ChaCha20-Poly1305 (16-byte tag); nonce = 11-byte
                             counter || last-piece flag (age's STREAM)
    signature                64 bytes, Ed25519 by the sender over
                             context || SHA-512(every byte before it)

The payload key comes from X25519(ephemeral, recipient) through HKDF-SHA256 whose
info holds a hash of everything before the payload, so a changed header yields a
key that opens nothing.
"""

from __future__ import annotations

import contextlib
import hashlib
import hmac
import re
import struct
import uuid
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import IO, Any

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey, X25519PublicKey
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from lt_desktop.domain.errors import LtError
from lt_desktop.sync._encoding import (
    EncodingError,
    canonical_json,
    format_utc,
    is_json_int,
    json_depth,
    parse_utc,
    parse_uuid,
    strict_json_object,
)
from lt_desktop.sync.bundle_errors import (
    BundleRejected,
    RejectReason,
    _bad_signature,
    _changed_while_reading,
    _malformed,
)
from lt_desktop.sync.identity import KEY_BYTES, SIGNATURE_BYTES

SUFFIX = ".ltbundle"
MAGIC = b"LT-DESKTOP-BUNDLE\n"
FORMAT_VERSION = 1
#: Formats a later LT Desktop may plausibly write; a number past these (or below the
#: first) is a damaged byte, not a newer program.
PLAUSIBLE_NEWER_FORMATS = 16
#: The meta field where a sender names its signing key (hex), so that a bundle signed
#: with keys made after pairing is told apart from a damaged one.
SIGNED_WITH = "signed_with"
_PREFIX = struct.Struct(">HI")  # format version, header length

MAX_HEADER_BYTES = 16 * 1024
MAX_META_BYTES = 8 * 1024
MAX_META_DEPTH = 8
MAX_SEQUENCE = 2**53 - 1  # exact in every JSON reader, JavaScript's included
KIND_PATTERN = re.compile(r"[a-z][a-z0-9_-]{0,31}")

SALT_BYTES = 32
CHUNK_BYTES = 64 * 1024
TAG_BYTES = 16
SEALED_CHUNK_BYTES = CHUNK_BYTES + TAG_BYTES
# 2 GiB of compressed payload: well inside FAT32's 4 GiB file limit, since
# removable media are often formatted that way.
MAX_CHUNKS = 32 * 1024
_COUNTER_BYTES = 11

_PAYLOAD_KEY_CONTEXT = b"LT-DESKTOP-BUNDLE v1 payload key\x00"
_SIGNATURE_CONTEXT = b"LT-DESKTOP-BUNDLE v1 signature\x00"
_HEADER_FIELDS = frozenset({"sender", "recipient", "sequence", "created_at", "kind", "meta"})


@dataclass(frozen=True)
class BundleHeader:
    """The bundle's header: signed and bound into its key, but readable without keys."""

    sender: uuid.UUID
    recipient: uuid.UUID
    sequence: int
    created_at: datetime
    kind: str
    meta: Mapping[str, Any] = field(hash=False)

    def to_bytes(self) -> bytes:
        return canonical_json(
            {
                "sender": str(self.sender),
                "recipient": str(self.recipient),
                "sequence": self.sequence,
                "created_at": format_utc(self.created_at),
                "kind": self.kind,
                "meta": dict(self.meta),
            }
        )


@dataclass(frozen=True)
class BundleInfo:
    """A bundle that has been checked from end to end."""

    path: Path
    header: BundleHeader
    size: int
    """Bytes on disk."""
    plaintext_bytes: int
    chunk_count: int
    digest: str
    """Hex SHA-512 of every byte the signature covers: names this bundle in logs and receipts."""


@dataclass(frozen=True)
class _Layout:
    size: int
    payload_offset: int
    payload_length: int

    @property
    def signature_offset(self) -> int:
        return self.payload_offset + self.payload_length

    @property
    def chunk_count(self) -> int:
        return max(1, -(-self.payload_length // SEALED_CHUNK_BYTES))

    def structure_problem(self) -> str | None:
        last = self.payload_length - (self.chunk_count - 1) * SEALED_CHUNK_BYTES
        if last < TAG_BYTES:
            return "its last piece is too short"
        if last == TAG_BYTES and self.chunk_count > 1:
            return "it ends with an empty piece"
        return None


@dataclass(frozen=True)
class _Preamble:
    raw: bytes
    header: BundleHeader
    ephemeral_key: bytes
    salt: bytes


def _nonce(counter: int, last: bool) -> bytes:
    return counter.to_bytes(_COUNTER_BYTES, "big") + (b"\x01" if last else b"\x00")


def _shared_secret(private_key: X25519PrivateKey, public_key: bytes) -> bytes | None:
    """The X25519 shared secret, or None where it would be all zeros (a low-order key)."""
    try:
        shared = private_key.exchange(X25519PublicKey.from_public_bytes(public_key))
    except ValueError:
        return None
    if hmac.compare_digest(shared, bytes(len(shared))):
        return None
    return shared


def _payload_key(shared: bytes, salt: bytes, recipient_key: bytes, preamble: bytes) -> bytes:
    info = _PAYLOAD_KEY_CONTEXT + recipient_key + hashlib.sha256(preamble).digest()
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=salt, info=info).derive(shared)


def _checked_header_bytes(header: BundleHeader) -> bytes:
    """The header's bytes, or ValueError for a header no reader would accept."""
    if header.sender == header.recipient:
        raise ValueError("a bundle goes from one site to another")
    if not is_json_int(header.sequence) or not 0 <= header.sequence <= MAX_SEQUENCE:
        raise ValueError(f"sequence must be an integer from 0 to {MAX_SEQUENCE}")
    if not KIND_PATTERN.fullmatch(header.kind):
        raise ValueError("kind must be 1 to 32 of a-z, 0-9, _ and -, starting with a letter")
    if not isinstance(header.meta, Mapping):
        raise ValueError("meta must be a JSON object")
    try:
        meta_bytes = canonical_json(dict(header.meta))
    except (TypeError, ValueError) as error:
        raise ValueError(f"meta must be plain JSON: {error}") from error
    if len(meta_bytes) > MAX_META_BYTES:
        raise ValueError(f"meta must be at most {MAX_META_BYTES} bytes as JSON")
    if json_depth(strict_json_object(meta_bytes)) > MAX_META_DEPTH:
        raise ValueError(f"meta must nest at most {MAX_META_DEPTH} levels deep")
    return header.to_bytes()


def _read_preamble(handle: IO[bytes], path: Path) -> _Preamble:
    if handle.read(len(MAGIC)) != MAGIC:
        raise BundleRejected(RejectReason.NOT_A_BUNDLE, f"{path.name} is not an LT Desktop bundle.")
    prefix = handle.read(_PREFIX.size)
    if len(prefix) != _PREFIX.size:
        raise _malformed(path, "it is cut short")
    version, header_length = _PREFIX.unpack(prefix)
    if version != FORMAT_VERSION:
        if not FORMAT_VERSION < version <= FORMAT_VERSION + PLAUSIBLE_NEWER_FORMATS:
            raise _malformed(path, "its format number is not one LT Desktop writes")
        raise BundleRejected(
            RejectReason.UNSUPPORTED_VERSION,
            f"{path.name} was written by a newer version of LT Desktop (bundle format "
            f"{version}); this one cannot read it.",
        )
    if header_length > MAX_HEADER_BYTES:
        raise _malformed(path, "its header is too large")
    header_bytes = handle.read(header_length)
    keys = handle.read(KEY_BYTES + SALT_BYTES)
    if len(header_bytes) != header_length or len(keys) != KEY_BYTES + SALT_BYTES:
        raise _malformed(path, "it is cut short")
    header = _parse_header(header_bytes, path)
    return _Preamble(
        raw=MAGIC + prefix + header_bytes + keys,
        header=header,
        ephemeral_key=keys[:KEY_BYTES],
        salt=keys[KEY_BYTES:],
    )


def _parse_header(raw: bytes, path: Path) -> BundleHeader:
    try:
        document = strict_json_object(raw)
        if set(document) != _HEADER_FIELDS:
            raise EncodingError("its fields are not the expected ones")
        sequence = document["sequence"]
        if not is_json_int(sequence) or not 0 <= sequence <= MAX_SEQUENCE:
            raise EncodingError("its sequence number is out of range")
        kind = document["kind"]
        if not isinstance(kind, str) or not KIND_PATTERN.fullmatch(kind):
            raise EncodingError("its payload kind is invalid")
        meta = document["meta"]
        if not isinstance(meta, dict):
            raise EncodingError("its meta is not an object")
        if len(canonical_json(meta)) > MAX_META_BYTES or json_depth(meta) > MAX_META_DEPTH:
            raise EncodingError("its meta is too large")
        header = BundleHeader(
            sender=parse_uuid(document["sender"]),
            recipient=parse_uuid(document["recipient"]),
            sequence=sequence,
            created_at=parse_utc(document["created_at"]),
            kind=kind,
            meta=meta,
        )
    except EncodingError as error:
        raise _malformed(path, f"header: {error}") from error
    if header.sender == header.recipient:
        raise _malformed(path, "header: it names the same site as sender and recipient")
    return header


def _checked_layout(size: int, preamble_length: int, path: Path) -> _Layout:
    payload_length = size - preamble_length - SIGNATURE_BYTES
    if payload_length > MAX_CHUNKS * SEALED_CHUNK_BYTES:
        raise BundleRejected(
            RejectReason.TOO_LARGE, f"{path.name} is larger than any bundle can be."
        )
    if payload_length < TAG_BYTES:
        raise _bad_signature(path)
    return _Layout(size=size, payload_offset=preamble_length, payload_length=payload_length)


@contextlib.contextmanager
def _open_for_reading(path: Path) -> Iterator[IO[bytes]]:
    """The file, open for reading; OS errors become messages a user can act on."""
    try:
        with open(path, "rb") as handle:
            yield handle
    except OSError as error:
        raise LtError(
            f"The bundle {path.name} cannot be read: {error.strerror or error}. "
            "If it is on removable media, check the media is still plugged in."
        ) from error


def _read_exactly(handle: IO[bytes], count: int, path: Path) -> bytes:
    data = handle.read(count)
    if len(data) != count:
        raise _changed_while_reading(path)
    return data
