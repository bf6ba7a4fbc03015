"""Writing, opening and altering bundles in tests."""

from __future__ import annotations

import hashlib
import struct
import uuid
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from lt_desktop.sync.bundle import (
    _SIGNATURE_CONTEXT,
    MAGIC,
    SEALED_CHUNK_BYTES,
    BundleInfo,
    BundleRejected,
    OpenedBundle,
    RejectReason,
    open_bundle,
    write_bundle,
)
from lt_desktop.sync.identity import SIGNATURE_BYTES, PeerKeys, SiteIdentity

LIMIT = 1 << 30


def directory(*sites: SiteIdentity) -> Callable[[uuid.UUID], PeerKeys | None]:
    """A ``sender_keys`` lookup that knows (and trusts) exactly ``sites``."""
    known = {site.site_id: site.public() for site in sites}
    return known.get


def write(
    target: Path,
    sender: SiteIdentity,
    recipient: SiteIdentity,
    chunks: Iterable[bytes],
    *,
    sequence: int = 1,
    kind: str = "changes",
    meta: dict[str, Any] | None = None,
) -> BundleInfo:
    return write_bundle(
        target,
        sender=sender,
        recipient=recipient.public(),
        sequence=sequence,
        kind=kind,
        meta={"records": 3} if meta is None else meta,
        chunks=chunks,
    )


def open_as(
    path: Path, me: SiteIdentity, *senders: SiteIdentity, limit: int = LIMIT
) -> OpenedBundle:
    return open_bundle(path, me=me, sender_keys=directory(*senders), max_plaintext_bytes=limit)


def read_all(path: Path, me: SiteIdentity, *senders: SiteIdentity, limit: int = LIMIT) -> bytes:
    return b"".join(open_as(path, me, *senders, limit=limit).chunks())


def rejection(
    path: Path, me: SiteIdentity, *senders: SiteIdentity, limit: int = LIMIT
) -> RejectReason:
    """Why opening and reading ``path`` fails; AssertionError when it does not."""
    try:
        for _ in open_as(path, me, *senders, limit=limit).chunks():
            pass
    except BundleRejected as rejected:
        assert str(rejected).strip() and "\n" not in str(rejected)
        return rejected.reason
    raise AssertionError(f"{path.name} was accepted")


def flip_bit(data: bytes, offset: int, bit: int = 0) -> bytes:
    changed = bytearray(data)
    changed[offset] ^= 1 << bit
    return bytes(changed)


def resign(data: bytes, sender: SiteIdentity) -> bytes:
    """The bundle with its signature remade by ``sender``: as if the sender wrote it so."""
    body = data[:-SIGNATURE_BYTES]
    digest = hashlib.sha512(body).digest()
    return body + sender.signing_private_key.sign(_SIGNATURE_CONTEXT + digest)


def header_length(data: bytes) -> int:
    (length,) = struct.unpack(">I", data[len(MAGIC) + 2 : len(MAGIC) + 6])
    return int(length)


def payload_offset(data: bytes) -> int:
    return len(MAGIC) + 6 + header_length(data) + 64


def chunk_spans(data: bytes) -> list[tuple[int, int]]:
    """(start, end) of each sealed piece of the payload."""
    start, end = payload_offset(data), len(data) - SIGNATURE_BYTES
    spans = []
    while start < end:
        spans.append((start, min(start + SEALED_CHUNK_BYTES, end)))
        start += SEALED_CHUNK_BYTES
    return spans
