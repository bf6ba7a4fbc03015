"""The ``.ltbundle`` container: data carried on removable media from one site to another.

A bundle is encrypted to its one recipient and signed by its sender. Its layout,
header and key derivation are ``bundle_format``'s, and the words for refusing one are
``bundle_errors``'; this module writes a bundle (compressing and sealing the payload on
a thread of its own, then reading the file back) and opens one. Readers check the
signature over the whole file before decrypting a byte, and never hold more than a
piece of it in memory. The container's public names are all importable from here.

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
import threading
import uuid
import zlib
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path
from typing import IO, Any

from cryptography.exceptions import InvalidSignature, InvalidTag
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey
from cryptography.hazmat.primitives.ciphers.aead import ChaCha20Poly1305
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

from lt_desktop.domain.errors import LtError
from lt_desktop.storage.atomic import atomic_output
from lt_desktop.sync.bundle_errors import (
    BundleRejected,
    RejectReason,
    _bad_signature,
    _changed_while_reading,
    _damaged,
)
from lt_desktop.sync.bundle_format import (
    _PREFIX,
    _SIGNATURE_CONTEXT,
    CHUNK_BYTES,
    FORMAT_VERSION,
    KIND_PATTERN,
    MAGIC,
    MAX_CHUNKS,
    MAX_HEADER_BYTES,
    MAX_META_BYTES,
    MAX_META_DEPTH,
    MAX_SEQUENCE,
    PLAUSIBLE_NEWER_FORMATS,
    SALT_BYTES,
    SEALED_CHUNK_BYTES,
    SIGNED_WITH,
    SUFFIX,
    TAG_BYTES,
    BundleHeader,
    BundleInfo,
    _checked_header_bytes,
    _checked_layout,
    _Layout,
    _nonce,
    _open_for_reading,
    _payload_key,
    _Preamble,
    _read_exactly,
    _read_preamble,
    _shared_secret,
)
from lt_desktop.sync.identity import KEY_BYTES, SIGNATURE_BYTES, PeerKeys, SiteIdentity

#: The bundle's whole public face, wherever each name is defined.
__all__ = [
    "SUFFIX",
    "MAGIC",
    "FORMAT_VERSION",
    "PLAUSIBLE_NEWER_FORMATS",
    "SIGNED_WITH",
    "MAX_HEADER_BYTES",
    "MAX_META_BYTES",
    "MAX_META_DEPTH",
    "MAX_SEQUENCE",
    "KIND_PATTERN",
    "SALT_BYTES",
    "CHUNK_BYTES",
    "TAG_BYTES",
    "SEALED_CHUNK_BYTES",
    "MAX_CHUNKS",
    "RejectReason",
    "BundleRejected",
    "BundleHeader",
    "BundleInfo",
    "OpenedBundle",
    "write_bundle",
    "open_bundle",
    "verify_bundle",
    "read_unverified_header",
]


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
