"""The ``.ltbundle`` container: data carried on removable media from one site to another.

A bundle is encrypted to its one recipient and signed by its sender. Layout (all
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
key that opens nothing. Readers check the signature over the whole file before
decrypting a byte, and never hold more than a piece of it in memory.

Deciding whether a bundle is *wanted* (its sequence is newer than the last one
accepted from that sender, it is not too old) belongs to the caller: this module
answers only "is it intact, from whom, and for us".
"""

from __future__ import annotations

import contextlib
import hashlib
import hmac
import os
import queue
import re
import struct
import threading
import uuid
import zlib
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from enum import StrEnum
from pathlib import Path
from typing import IO, Any

from cryptography.exceptions import InvalidSignature, InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey, X25519PublicKey
from cryptography.hazmat.primitives.ciphers.aead import ChaCha20Poly1305
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

from lt_desktop.domain.errors import LtError
from lt_desktop.storage.atomic import atomic_output
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
from lt_desktop.sync.identity import KEY_BYTES, SIGNATURE_BYTES, PeerKeys, SiteIdentity

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
_IO_BLOCK = 256 * 1024
_COMPRESSION_LEVEL = 6
# The payload writer's thread is handed plaintext in pieces this large: each
# compressor call then works long enough to be worth taking the GIL back for.
_PIECE_BYTES = 4 * CHUNK_BYTES
# Pieces waiting for it: 8 MiB, enough that the reads seldom wait on the
# compressor through a stretch of lines that compress slowly and it seldom
# starves through a slow query or write; a fixed bound whatever the bundle's size.
_PIECES_IN_FLIGHT = 32
_WAIT_SECONDS = 0.05
# What the writer's check inflates at a time: a sealed piece of lines in one or two
# goes, since each call hands the GIL back and forth with the thread reading records.
_CHECKED_PIECE_BYTES = 1024 * 1024


class RejectReason(StrEnum):
    """Why a bundle was refused, for callers that act differently on each."""

    NOT_A_BUNDLE = "not_a_bundle"
    UNSUPPORTED_VERSION = "unsupported_version"
    MALFORMED_HEADER = "malformed_header"
    WRONG_RECIPIENT = "wrong_recipient"
    UNKNOWN_SENDER = "unknown_sender"
    SENDER_HAS_NEW_KEYS = "sender_has_new_keys"
    TOO_LARGE = "too_large"
    BAD_SIGNATURE = "bad_signature"
    DAMAGED_PAYLOAD = "damaged_payload"


class BundleRejected(LtError):
    """A bundle that must not be used, with a one-line reason fit to show as it is."""

    def __init__(self, reason: RejectReason, message: str) -> None:
        super().__init__(message)
        self.reason = reason


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


class OpenedBundle:
    """A bundle whose header and signature have been checked; its plaintext is
    read on demand by ``chunks``.

    Each piece ``chunks`` yields is authentic, but a bundle is only whole once
    the iteration ends without ``BundleRejected``: apply nothing before then.
    """

    def __init__(
        self,
        path: Path,
        *,
        preamble: _Preamble,
        layout: _Layout,
        payload_key: bytes,
        signed_digest: bytes,
        sender: PeerKeys,
        max_plaintext_bytes: int,
    ) -> None:
        self.path = path
        self.header = preamble.header
        self.sender = sender
        self.size = layout.size
        self.chunk_count = layout.chunk_count
        self.digest = signed_digest.hex()
        self._preamble = preamble
        self._layout = layout
        self._payload_key = payload_key
        self._signed_digest = signed_digest
        self._max_plaintext_bytes = max_plaintext_bytes

    def chunks(self) -> Iterator[bytes]:
        """The decompressed payload, in pieces of at most 64 KiB."""
        with _open_for_reading(self.path) as handle:
            if os.fstat(handle.fileno()).st_size != self._layout.size:
                raise _changed_while_reading(self.path)
            yield from _plaintext(
                handle,
                self.path,
                preamble=self._preamble,
                layout=self._layout,
                payload_key=self._payload_key,
                signed_digest=self._signed_digest,
                max_plaintext_bytes=self._max_plaintext_bytes,
            )


def write_bundle(
    target: Path,
    *,
    sender: SiteIdentity,
    recipient: PeerKeys,
    sequence: int,
    kind: str,
    meta: Mapping[str, Any],
    chunks: Iterable[bytes],
    progress: Callable[[int], None] | None = None,
    created_at: datetime | None = None,
    before_rename: Callable[[Path], None] | None = None,
) -> BundleInfo:
    """Write a bundle to ``target`` atomically, then read it back and check all of it.

    ``chunks`` is the plaintext, in pieces of any size; ``progress`` is told the
    plaintext bytes taken so far. ``meta`` travels in clear (it is signed, not
    encrypted): counts and acknowledgements, never personal data. If writing
    fails, ``target`` is left as it was; if the new file does not read back
    intact (faulty media), it is removed and ``LtError`` says so. ``before_rename``
    is called with the hidden, complete file just before it is put in place.
    """
    header = BundleHeader(
        sender=sender.site_id,
        recipient=recipient.site_id,
        sequence=sequence,
        created_at=(created_at or datetime.now(UTC)).astimezone(UTC).replace(microsecond=0),
        kind=kind,
        meta=meta,
    )
    header_bytes = _checked_header_bytes(header)
    ephemeral = X25519PrivateKey.generate()
    shared = _shared_secret(ephemeral, recipient.encryption_key)
    if shared is None:
        raise LtError(
            f"The keys stored for {recipient.name} cannot be used for encryption. "
            "Import their site card again."
        )
    salt = os.urandom(SALT_BYTES)
    preamble = (
        MAGIC
        + _PREFIX.pack(FORMAT_VERSION, len(header_bytes))
        + header_bytes
        + ephemeral.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)
        + salt
    )
    payload_key = _payload_key(shared, salt, recipient.encryption_key, preamble)

    plaintext_bytes = 0
    with atomic_output(target, what="The bundle", before_replace=before_rename) as out:
        signed = hashlib.sha512(preamble)
        out.write(preamble)

        def write_sealed(sealed: bytes) -> None:
            out.write(sealed)
            signed.update(sealed)

        # ``chunks`` runs here, on the caller's thread (it may hold a database session
        # bound to it); the payload writer works alongside it.
        with _PayloadWriter(payload_key, write_sealed) as payload:
            for chunk in chunks:
                view = memoryview(chunk).cast("B")
                # Cutting up keeps memory small whatever the caller passes. A mutable
                # chunk is copied, so the caller may reuse its buffer at once; bytes
                # cannot change, so their pieces are views of them.
                immutable = isinstance(chunk, bytes)
                for start in range(0, len(view), _PIECE_BYTES):
                    piece = view[start : start + _PIECE_BYTES]
                    payload.put(piece if immutable else bytes(piece))
                    plaintext_bytes += len(piece)
                    if progress is not None:
                        progress(plaintext_bytes)
            payload.finish()
        if not payload.decodes_to_what_was_put:
            raise LtError(
                "The bundle could not be written: its contents did not check out as they "
                "were sealed. Nothing was written; try again."
            )
        written_digest = signed.digest()
        out.write(sender.signing_private_key.sign(_SIGNATURE_CONTEXT + written_digest))

    try:
        return _verify_written(
            target,
            preamble=preamble,
            sender=sender.public(),
            written_digest=written_digest,
            plaintext_bytes=plaintext_bytes,
        )
    except BaseException:
        with contextlib.suppress(OSError):
            target.unlink()
        raise


def open_bundle(
    path: Path,
    *,
    me: SiteIdentity,
    sender_keys: Callable[[uuid.UUID], PeerKeys | None],
    max_plaintext_bytes: int,
) -> OpenedBundle:
    """Check a bundle addressed to ``me`` as far as can be done without decrypting all of it.

    In order: that it is a bundle of a known format version, its header, that it
    is for ``me``, that ``sender_keys`` knows and trusts its sender (return None
    for unknown or revoked sites), its size, its signature over every byte, and
    that its first piece opens with ``me``'s keys. Each failure raises
    ``BundleRejected`` with its reason. The plaintext comes from ``chunks()``,
    which refuses to produce more than ``max_plaintext_bytes``.
    """
    with _open_for_reading(path) as handle:
        size = os.fstat(handle.fileno()).st_size
        preamble = _read_preamble(handle, path)
        header = preamble.header
        if header.recipient != me.site_id:
            raise BundleRejected(
                RejectReason.WRONG_RECIPIENT,
                f"{path.name} is addressed to another site, not to {me.name}.",
            )
        sender = sender_keys(header.sender)
        if sender is None or sender.site_id != header.sender:
            raise BundleRejected(
                RejectReason.UNKNOWN_SENDER,
                f"{path.name} comes from a site this one does not know or no longer trusts "
                f"(site id {header.sender}).",
            )
        layout = _checked_layout(size, len(preamble.raw), path)
        try:
            signed_digest = _check_signature(handle, path, layout, sender)
        except BundleRejected as error:
            if _signed_with_new_keys(handle, path, layout, header, sender):
                raise BundleRejected(
                    RejectReason.SENDER_HAS_NEW_KEYS,
                    f"{path.name} comes from {sender.name}, which has new keys since you "
                    f"paired: pair with {sender.name} again (compare the fingerprint).",
                ) from error
            raise
        problem = layout.structure_problem()
        if problem:
            raise _damaged(path, problem)
        shared = _shared_secret(me.encryption_private_key, preamble.ephemeral_key)
        if shared is None:
            raise _damaged(path, "its key exchange is invalid")
        payload_key = _payload_key(shared, preamble.salt, me.public().encryption_key, preamble.raw)
        handle.seek(layout.payload_offset)
        first = _read_exactly(handle, min(layout.payload_length, SEALED_CHUNK_BYTES), path)
        try:
            ChaCha20Poly1305(payload_key).decrypt(_nonce(0, layout.chunk_count == 1), first, None)
        except InvalidTag as error:
            raise BundleRejected(
                RejectReason.WRONG_RECIPIENT,
                f"{path.name} cannot be decrypted with this site's keys: it was made for keys "
                "this site no longer has, or it is damaged.",
            ) from error
    return OpenedBundle(
        path,
        preamble=preamble,
        layout=layout,
        payload_key=payload_key,
        signed_digest=signed_digest,
        sender=sender,
        max_plaintext_bytes=max_plaintext_bytes,
    )


def verify_bundle(
    path: Path,
    *,
    me: SiteIdentity,
    sender_keys: Callable[[uuid.UUID], PeerKeys | None],
    max_plaintext_bytes: int,
) -> BundleInfo:
    """Every check ``open_bundle`` and ``chunks`` make, with the plaintext counted and dropped."""
    opened = open_bundle(
        path, me=me, sender_keys=sender_keys, max_plaintext_bytes=max_plaintext_bytes
    )
    plaintext_bytes = sum(len(piece) for piece in opened.chunks())
    return BundleInfo(
        path=path,
        header=opened.header,
        size=opened.size,
        plaintext_bytes=plaintext_bytes,
        chunk_count=opened.chunk_count,
        digest=opened.digest,
    )


def read_unverified_header(path: Path) -> BundleHeader:
    """The header as the file states it, checked for shape only.

    Nothing here is proven (anyone can write a header): use it to describe a
    file, as in "this says it is for another site", never to act on it.
    """
    with _open_for_reading(path) as handle:
        return _read_preamble(handle, path).header


class _PayloadWriter:
    """Compresses, seals and writes the payload on a thread of its own.

    Producing the plaintext (database reads, JSON) needs the GIL; zlib lets go of
    it while it works on a piece, so on two cores the two overlap. A few pieces in
    flight keep memory flat. The worker's first error stops it and is raised, as
    it was, in the caller's thread at its next ``put`` or at ``finish`` (so the
    caller's handling of a full disk or a pulled-out stick is unchanged). Leaving
    the ``with`` block any other way stops the worker and waits for it, so the
    partial file is never removed while still being written. Every wait has a
    timeout, so neither side can block on a partner that has stopped.
    """

    def __init__(self, key: bytes, write: Callable[[bytes], None]) -> None:
        self._check = _SealedCheck(key)
        self._sealer = _ChunkSealer(key, write, self._check)
        self._compressor = zlib.compressobj(_COMPRESSION_LEVEL, zlib.DEFLATED, zlib.MAX_WBITS)
        # The plaintext's hash, to compare with what the sealed pieces open to; made
        # here, off the producer's thread.
        self._plaintext_digest = hashlib.sha256()
        self._pieces: queue.Queue[bytes | memoryview | None] = queue.Queue(
            maxsize=_PIECES_IN_FLIGHT
        )
        self._abandoned = threading.Event()
        self._error: BaseException | None = None
        self._thread = threading.Thread(target=self._run, name="bundle-writer")

    def __enter__(self) -> _PayloadWriter:
        self._thread.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self._abandoned.set()
        self._thread.join()

    @property
    def decodes_to_what_was_put(self) -> bool:
        """Whether the sealed pieces, opened and inflated as a recipient will, give
        back exactly the plaintext put (known once ``finish`` returns)."""
        return self._check.complete and hmac.compare_digest(
            self._check.plaintext_sha256, self._plaintext_digest.digest()
        )

    def put(self, piece: bytes | memoryview) -> None:
        """Queue the next piece of plaintext, waiting while the queue is full."""
        self._offer(piece)

    def finish(self) -> None:
        """Write out the rest of the payload and wait until it is written."""
        self._offer(None)
        self._thread.join()
        self._raise_failure()

    def _offer(self, piece: bytes | memoryview | None) -> None:
        while True:
            self._raise_failure()
            try:
                self._pieces.put(piece, timeout=_WAIT_SECONDS)
                return
            except queue.Full:
                continue

    def _raise_failure(self) -> None:
        if self._error is not None:
            raise self._error

    def _run(self) -> None:
        try:
            while not self._abandoned.is_set():
                try:
                    piece = self._pieces.get(timeout=_WAIT_SECONDS)
                except queue.Empty:
                    continue
                if piece is None:
                    self._sealer.feed(self._compressor.flush())
                    self._sealer.finish()
                    return
                self._plaintext_digest.update(piece)
                self._sealer.feed(self._compressor.compress(piece))
        except BaseException as error:  # handed to the caller's thread, which decides
            self._error = error


class _ChunkSealer:
    """Cuts a byte stream into 64 KiB pieces and seals each (age's STREAM)."""

    def __init__(
        self, key: bytes, write: Callable[[bytes], None], check: _SealedCheck | None = None
    ) -> None:
        self._aead = ChaCha20Poly1305(key)
        self._write = write
        self._check = check
        self._pending = bytearray()
        self.count = 0

    def feed(self, data: bytes) -> None:
        self._pending += data
        # Strictly more than one piece pending: only ``finish`` knows which piece is last.
        while len(self._pending) > CHUNK_BYTES:
            self._seal(bytes(self._pending[:CHUNK_BYTES]), last=False)
            del self._pending[:CHUNK_BYTES]

    def finish(self) -> None:
        self._seal(bytes(self._pending), last=True)
        self._pending.clear()

    def _seal(self, piece: bytes, *, last: bool) -> None:
        if self.count >= MAX_CHUNKS:
            raise LtError(
                "The data is too large for one bundle (the limit is 2 GiB after compression)."
            )
        sealed = self._aead.encrypt(_nonce(self.count, last), piece, None)
        self._write(sealed)
        if self._check is not None:
            self._check.opened(sealed, self.count, last=last)
        self.count += 1


class _SealedCheck:
    """Opens and inflates each sealed piece as it is made, as its recipient will, and
    hashes what comes out.

    It runs on the payload writer's thread, which has time to spare while the
    records are read, so the check costs the export almost nothing; the read-back
    then only has to prove the file holds exactly the bytes that were checked.
    """

    def __init__(self, key: bytes) -> None:
        self._aead = ChaCha20Poly1305(key)
        self._inflater = zlib.decompressobj(zlib.MAX_WBITS)
        self._digest = hashlib.sha256()
        self._sound = True
        self._ended = False

    @property
    def complete(self) -> bool:
        """Every piece opened, and the stream inflated to its end and no further."""
        return self._sound and self._ended and self._inflater.eof

    @property
    def plaintext_sha256(self) -> bytes:
        return self._digest.digest()

    def opened(self, sealed: bytes, counter: int, *, last: bool) -> None:
        if not self._sound:
            return
        try:
            compressed = self._aead.decrypt(_nonce(counter, last), sealed, None)
            if self._inflater.eof:
                raise zlib.error("data after the end of the stream")
            for piece in _inflated(self._inflater, compressed, _CHECKED_PIECE_BYTES):
                self._digest.update(piece)
            if self._inflater.unused_data:
                raise zlib.error("data after the end of the stream")
        except (InvalidTag, zlib.error):
            self._sound = False
        self._ended = last


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


def _check_signature(handle: IO[bytes], path: Path, layout: _Layout, sender: PeerKeys) -> bytes:
    """Hash every byte before the signature and check the sender signed that hash."""
    handle.seek(0)
    signed = hashlib.sha512()
    remaining = layout.signature_offset
    while remaining:
        block = _read_exactly(handle, min(_IO_BLOCK, remaining), path)
        signed.update(block)
        remaining -= len(block)
    signature = _read_exactly(handle, SIGNATURE_BYTES, path)
    if handle.read(1):
        raise _changed_while_reading(path)
    digest = signed.digest()
    try:
        Ed25519PublicKey.from_public_bytes(sender.signing_key).verify(
            signature, _SIGNATURE_CONTEXT + digest
        )
    except (InvalidSignature, ValueError) as error:
        raise _bad_signature(path) from error
    return digest


def _signed_with_new_keys(
    handle: IO[bytes], path: Path, layout: _Layout, header: BundleHeader, sender: PeerKeys
) -> bool:
    """Whether the signature that failed with the sender's paired key holds with the key
    the bundle says it was signed with: the sender made new keys after pairing."""
    named = header.meta.get(SIGNED_WITH)
    if not isinstance(named, str) or len(named) != 2 * KEY_BYTES:
        return False
    try:
        signing_key = bytes.fromhex(named)
    except ValueError:
        return False
    if signing_key == sender.signing_key:
        return False
    try:
        _check_signature(handle, path, layout, replace(sender, signing_key=signing_key))
    except BundleRejected:
        return False
    return True


def _plaintext(
    handle: IO[bytes],
    path: Path,
    *,
    preamble: _Preamble,
    layout: _Layout,
    payload_key: bytes,
    signed_digest: bytes,
    max_plaintext_bytes: int,
) -> Iterator[bytes]:
    """Open every piece in order and inflate the result, within ``max_plaintext_bytes``."""
    aead = ChaCha20Poly1305(payload_key)
    inflater = zlib.decompressobj(zlib.MAX_WBITS)
    # Hashed again as read, so a file swapped after its signature was checked is caught.
    signed = hashlib.sha512(preamble.raw)
    produced = 0
    handle.seek(layout.payload_offset)
    remaining = layout.payload_length
    for counter in range(layout.chunk_count):
        last = counter == layout.chunk_count - 1
        sealed = _read_exactly(handle, min(SEALED_CHUNK_BYTES, remaining), path)
        remaining -= len(sealed)
        signed.update(sealed)
        try:
            compressed = aead.decrypt(_nonce(counter, last), sealed, None)
        except InvalidTag as error:
            raise _damaged(
                path, f"piece {counter + 1} of {layout.chunk_count} fails its check"
            ) from error
        if inflater.eof:
            raise _damaged(path, "it has data after the end of its payload")
        pieces = _inflated(inflater, compressed)
        while True:
            try:
                piece = next(pieces, None)
            except zlib.error as error:
                raise _damaged(path, "its payload cannot be decompressed") from error
            if piece is None:
                break
            produced += len(piece)
            if produced > max_plaintext_bytes:
                raise BundleRejected(
                    RejectReason.TOO_LARGE,
                    f"{path.name} holds more data than the {max_plaintext_bytes:,} bytes "
                    "allowed; it was not opened.",
                )
            yield piece
        if inflater.unused_data:
            raise _damaged(path, "it has data after the end of its payload")
    if not inflater.eof:
        raise _damaged(path, "its payload ends early")
    if not hmac.compare_digest(signed.digest(), signed_digest):
        raise _changed_while_reading(path)


def _inflated(inflater: Any, compressed: bytes, most: int = CHUNK_BYTES) -> Iterator[bytes]:
    """What ``compressed`` inflates to, in pieces of at most ``most`` bytes (so a
    piece that inflates a thousandfold is never held whole); raises ``zlib.error``."""
    pending = compressed
    while True:
        piece = inflater.decompress(pending, most)
        pending = inflater.unconsumed_tail
        if piece:
            yield piece
        # A full output may leave more inside the inflater even with no input left.
        if not pending and len(piece) < most:
            return


def _verify_written(
    target: Path,
    *,
    preamble: bytes,
    sender: PeerKeys,
    written_digest: bytes,
    plaintext_bytes: int,
) -> BundleInfo:
    """Read a just-written bundle back: every byte of it, as its recipient will check
    them (its layout, and its signature over their SHA-512), must be the bytes written.

    What those bytes open and inflate to was checked as each piece was sealed
    (``_SealedCheck``), so a file that holds exactly them reads as it was meant to.
    """
    written_back = LtError(
        f"The bundle {target.name} did not read back as it was written; the media may be "
        "faulty. It has been removed: try again, or use other media."
    )
    # Whatever a recipient would say of it, here it means the media did not keep it.
    try:
        with _open_for_reading(target) as handle:
            size = os.fstat(handle.fileno()).st_size
            read_back = _read_preamble(handle, target)
            if read_back.raw != preamble:
                raise written_back
            layout = _checked_layout(size, len(preamble), target)
            signed_digest = _check_signature(handle, target, layout, sender)
            if layout.structure_problem():
                raise written_back
    except BundleRejected as error:
        raise written_back from error
    if not hmac.compare_digest(signed_digest, written_digest):
        raise written_back
    return BundleInfo(
        path=target,
        header=read_back.header,
        size=size,
        plaintext_bytes=plaintext_bytes,
        chunk_count=layout.chunk_count,
        digest=signed_digest.hex(),
    )


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


def _malformed(path: Path, detail: str) -> BundleRejected:
    return BundleRejected(
        RejectReason.MALFORMED_HEADER, f"{path.name} is damaged or incomplete ({detail})."
    )


def _bad_signature(path: Path) -> BundleRejected:
    return BundleRejected(
        RejectReason.BAD_SIGNATURE,
        f"{path.name} has been changed, damaged or cut short since it was signed; "
        "it cannot be used.",
    )


def _damaged(path: Path, detail: str) -> BundleRejected:
    return BundleRejected(
        RejectReason.DAMAGED_PAYLOAD, f"{path.name} is signed but damaged ({detail})."
    )


def _changed_while_reading(path: Path) -> BundleRejected:
    return BundleRejected(
        RejectReason.BAD_SIGNATURE,
        f"{path.name} changed while it was being read; it cannot be used.",
    )
