from __future__ import annotations

import contextlib
import errno
import hashlib
import json
import os
import struct
import threading
import tracemalloc
import uuid
import zlib
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, BinaryIO

import pytest

from lt_desktop.domain.errors import DiskFull, LtError
from lt_desktop.domain.vocabulary import SiteKind
from lt_desktop.sync import bundle as bundle_module
from lt_desktop.sync.bundle import (
    CHUNK_BYTES,
    MAGIC,
    MAX_HEADER_BYTES,
    MAX_META_BYTES,
    SEALED_CHUNK_BYTES,
    TAG_BYTES,
    BundleRejected,
    RejectReason,
    _ChunkSealer,
    _Layout,
    open_bundle,
    read_unverified_header,
    verify_bundle,
    write_bundle,
)
from lt_desktop.sync.identity import SIGNATURE_BYTES, PeerKeys, SiteIdentity
from tests.sync.support import (
    LIMIT,
    chunk_spans,
    directory,
    flip_bit,
    header_length,
    open_as,
    payload_offset,
    read_all,
    rejection,
    resign,
    write,
)

MiB = 1024 * 1024


@pytest.fixture
def media(tmp_path: Path) -> Path:
    folder = tmp_path / "media"
    folder.mkdir()
    return folder


@pytest.fixture
def multi_chunk(media: Path, prison: SiteIdentity, university: SiteIdentity) -> bytes:
    """A bundle from the prison to the university with five sealed pieces."""
    path = media / "five.ltbundle"
    payload = os.urandom(4 * CHUNK_BYTES + 1000)
    write(path, prison, university, [payload])
    data = path.read_bytes()
    assert len(chunk_spans(data)) == 5
    return data


def _random_pieces(total: int, piece: int = MiB) -> Iterator[bytes]:
    while total > 0:
        yield os.urandom(min(piece, total))
        total -= piece


# Round trips


def test_a_small_bundle_round_trips(
    media: Path, prison: SiteIdentity, university: SiteIdentity
) -> None:
    path = media / "to-university.ltbundle"
    info = write(path, prison, university, [b"hello ", b"", b"world"], meta={"acks": [1, 2]})

    opened = open_as(path, university, prison)
    assert b"".join(opened.chunks()) == b"hello world"
    assert opened.header == info.header
    assert opened.header.sender == prison.site_id
    assert opened.header.recipient == university.site_id
    assert opened.header.kind == "changes"
    assert opened.header.meta == {"acks": [1, 2]}
    assert opened.sender == prison.public()
    assert opened.digest == info.digest
    assert info.plaintext_bytes == 11 and info.size == path.stat().st_size


def test_an_empty_payload_round_trips(
    media: Path, prison: SiteIdentity, university: SiteIdentity
) -> None:
    path = media / "empty.ltbundle"
    info = write(path, prison, university, [])
    assert read_all(path, university, prison) == b""
    assert info.plaintext_bytes == 0 and info.chunk_count == 1


def test_a_multi_megabyte_bundle_round_trips_in_bounded_pieces(
    media: Path, prison: SiteIdentity, university: SiteIdentity
) -> None:
    payload = os.urandom(3 * MiB + 12345) + bytes(2 * MiB)
    path = media / "big.ltbundle"
    info = write(path, university, prison, [payload[:100], payload[100:]])

    pieces = list(open_as(path, prison, university).chunks())
    assert b"".join(pieces) == payload
    assert max(len(piece) for piece in pieces) <= CHUNK_BYTES
    assert info.chunk_count == len(chunk_spans(path.read_bytes())) > 40


def test_the_header_fields_are_kept(
    media: Path, prison: SiteIdentity, university: SiteIdentity
) -> None:
    made = datetime(2026, 3, 1, 9, 30, 15, 999, tzinfo=UTC)
    path = media / "snapshot.ltbundle"
    write_bundle(
        path,
        sender=prison,
        recipient=university.public(),
        sequence=2**53 - 1,
        kind="snapshot",
        meta={"counts": {"people": 12}, "note": "Grendon – spring"},
        chunks=[b"x"],
        created_at=made,
    )
    header = read_unverified_header(path)
    assert header.sequence == 2**53 - 1
    assert header.kind == "snapshot"
    assert header.created_at == made.replace(microsecond=0)
    assert header.meta == {"counts": {"people": 12}, "note": "Grendon – spring"}


def test_progress_is_reported_up_to_the_total(
    media: Path, prison: SiteIdentity, university: SiteIdentity
) -> None:
    seen: list[int] = []
    write_bundle(
        media / "progress.ltbundle",
        sender=prison,
        recipient=university.public(),
        sequence=1,
        kind="changes",
        meta={},
        chunks=[bytes(600_000), bytes(10)],
        progress=seen.append,
    )
    assert seen == sorted(seen) and seen[-1] == 600_010 and len(seen) > 2


def test_verify_bundle_checks_everything_and_hands_out_no_plaintext(
    media: Path, prison: SiteIdentity, university: SiteIdentity
) -> None:
    path = media / "inspect.ltbundle"
    written = write(path, prison, university, [os.urandom(300_000)])
    info = verify_bundle(
        path, me=university, sender_keys=directory(prison), max_plaintext_bytes=LIMIT
    )
    assert info == written


def test_a_failed_write_leaves_nothing_behind(
    media: Path, prison: SiteIdentity, university: SiteIdentity
) -> None:
    def failing() -> Iterator[bytes]:
        yield bytes(100_000)
        raise LtError("The export was interrupted.")

    target = media / "broken.ltbundle"
    target.write_bytes(b"the previous bundle")
    with pytest.raises(LtError, match="interrupted"):
        write(target, prison, university, failing())
    assert target.read_bytes() == b"the previous bundle"
    assert sorted(p.name for p in media.iterdir()) == ["broken.ltbundle"]


@pytest.mark.parametrize("where", ["header", "payload", "signature"])
def test_a_bundle_the_media_changes_before_it_reads_back_is_removed(
    media: Path, prison: SiteIdentity, university: SiteIdentity, where: str
) -> None:
    """Faulty media: the file as read back is not the file written. The export says
    so and leaves nothing to carry."""

    def damage(written: Path) -> None:
        data = written.read_bytes()
        offset = {"header": 20, "payload": len(data) // 2, "signature": len(data) - 1}[where]
        written.write_bytes(flip_bit(data, offset))

    target = media / "faulty.ltbundle"
    with pytest.raises(LtError, match="did not read back as it was written"):
        write_bundle(
            target,
            sender=prison,
            recipient=university.public(),
            sequence=1,
            kind="changes",
            meta={},
            chunks=[os.urandom(300_000)],
            before_rename=damage,
        )
    assert list(media.iterdir()) == []


_real_compressor = zlib.compressobj


class _FaultyCompressor:
    """zlib's compressor with a fault in what it gives back: a byte changed in its
    output, or the end of the stream lost."""

    def __init__(self, fault: str) -> None:
        self._real = _real_compressor(6, zlib.DEFLATED, zlib.MAX_WBITS)
        self._fault = fault

    def compress(self, data: bytes) -> bytes:
        out = self._real.compress(data)
        if self._fault == "changed" and len(out) > 100:
            self._fault = "done"
            return flip_bit(out, len(out) // 2)
        return out

    def flush(self) -> bytes:
        out = self._real.flush()
        return out[: len(out) // 2] if self._fault == "cut short" else out


@pytest.mark.parametrize("fault", ["changed", "cut short"])
def test_a_bundle_whose_sealed_payload_does_not_open_to_the_plaintext_is_never_written(
    media: Path,
    prison: SiteIdentity,
    university: SiteIdentity,
    monkeypatch: pytest.MonkeyPatch,
    fault: str,
) -> None:
    """What is sealed is opened and inflated again as it is written; a payload that
    would not give the recipient back the plaintext leaves the target as it was."""
    monkeypatch.setattr(bundle_module.zlib, "compressobj", lambda *args: _FaultyCompressor(fault))
    target = media / "checked.ltbundle"
    target.write_bytes(b"the previous bundle")
    with pytest.raises(LtError, match="did not check out as they were sealed"):
        write(target, prison, university, [os.urandom(100_000), b"lines " * 200_000])
    assert target.read_bytes() == b"the previous bundle"
    assert sorted(p.name for p in media.iterdir()) == ["checked.ltbundle"]


def _worker_threads() -> set[threading.Thread]:
    return {thread for thread in threading.enumerate() if thread is not threading.main_thread()}


@pytest.mark.parametrize(
    "stop",
    [LtError("The export was interrupted."), KeyboardInterrupt(), GeneratorExit()],
    ids=["error", "interrupt", "generator-exit"],
)
def test_a_producer_failing_midway_stops_the_writer_and_leaves_nothing(
    media: Path, prison: SiteIdentity, university: SiteIdentity, stop: BaseException
) -> None:
    threads_before = _worker_threads()

    def failing() -> Iterator[bytes]:
        yield from _random_pieces(3 * MiB, piece=300_000)
        raise stop

    target = media / "broken.ltbundle"
    with pytest.raises(type(stop)):
        write(target, prison, university, failing())
    assert list(media.iterdir()) == []
    assert _worker_threads() == threads_before


def _failing_media(
    monkeypatch: pytest.MonkeyPatch, error: BaseException, *, after: int
) -> list[str]:
    """Make bundle files fail to take more than ``after`` bytes, as a full or pulled-out
    stick does; returns the names of the threads that wrote to them."""
    writers: list[str] = []
    real_output = bundle_module.atomic_output

    class Media:
        def __init__(self, handle: BinaryIO) -> None:
            self._handle, self._written = handle, 0

        def write(self, data: bytes) -> int:
            writers.append(threading.current_thread().name)
            if self._written + len(data) > after:
                raise error
            self._written += len(data)
            return self._handle.write(data)

    @contextlib.contextmanager
    def failing_output(target: Path, **kwargs: Any) -> Iterator[Media]:
        with real_output(target, **kwargs) as handle:
            yield Media(handle)

    monkeypatch.setattr(bundle_module, "atomic_output", failing_output)
    return writers


@pytest.mark.parametrize(
    ("error", "raised", "message"),
    [
        (OSError(errno.ENOSPC, "No space left on device"), DiskFull, "disk is full"),
        (OSError(errno.EIO, "Input/output error"), LtError, "went away"),
        (RuntimeError("the codec broke"), RuntimeError, "the codec broke"),
    ],
    ids=["disk-full", "media-pulled-out", "anything-else"],
)
def test_a_write_failing_in_the_writer_thread_reaches_the_caller_and_stops_it(
    media: Path,
    prison: SiteIdentity,
    university: SiteIdentity,
    monkeypatch: pytest.MonkeyPatch,
    error: BaseException,
    raised: type[BaseException],
    message: str,
) -> None:
    writers = _failing_media(monkeypatch, error, after=5 * SEALED_CHUNK_BYTES)
    threads_before = _worker_threads()
    produced = 0

    def plenty() -> Iterator[bytes]:
        nonlocal produced
        for _ in range(500):
            produced += 1
            yield os.urandom(CHUNK_BYTES)

    target = media / "to-university.ltbundle"
    target.write_bytes(b"the previous bundle")
    with pytest.raises(raised, match=message):
        write(target, prison, university, plenty())
    assert target.read_bytes() == b"the previous bundle"
    assert sorted(p.name for p in media.iterdir()) == ["to-university.ltbundle"]
    assert _worker_threads() == threads_before
    # The payload was written off the caller's thread, and the caller stopped
    # producing soon after the writer failed, not when the data ran out.
    assert set(writers[1:]) == {"bundle-writer"} and writers[0] == "MainThread"
    assert produced < 40, produced


def test_progress_is_reported_on_the_callers_thread(
    media: Path, prison: SiteIdentity, university: SiteIdentity
) -> None:
    threads: set[int] = set()
    seen: list[int] = []

    def progress(taken: int) -> None:
        threads.add(threading.get_ident())
        seen.append(taken)

    write_bundle(
        media / "progress.ltbundle",
        sender=prison,
        recipient=university.public(),
        sequence=1,
        kind="changes",
        meta={},
        chunks=_random_pieces(2 * MiB, piece=100_000),
        progress=progress,
    )
    assert threads == {threading.get_ident()}
    assert seen == sorted(seen) and seen[-1] == 2 * MiB


def test_a_large_bundle_of_mixed_pieces_round_trips_with_its_digest(
    media: Path, prison: SiteIdentity, university: SiteIdentity
) -> None:
    """Many pieces of every size, compressible and not: what is read is what was written."""
    sizes = [0, 1, CHUNK_BYTES - 1, CHUNK_BYTES, CHUNK_BYTES + 1, 5 * CHUNK_BYTES + 7, 3 * MiB]
    pieces = []
    for number in range(60):
        size = sizes[number % len(sizes)] if number % 3 else 1000 + number
        text = b"".join(b'{"record": %d, "name": "Grendon"}\n' % n for n in range(size // 32 + 1))
        pieces.append(text[:size] if number % 2 else os.urandom(size))
    written = hashlib.sha256(b"".join(pieces)).hexdigest()
    path = media / "large.ltbundle"
    info = write(path, prison, university, iter(pieces))

    read = hashlib.sha256()
    taken = 0
    for piece in open_as(path, university, prison).chunks():
        read.update(piece)
        taken += len(piece)
    assert read.hexdigest() == written
    assert taken == info.plaintext_bytes == sum(len(piece) for piece in pieces)
    assert info.chunk_count == len(chunk_spans(path.read_bytes())) > 100


def test_writing_refuses_headers_no_reader_would_accept(
    media: Path, prison: SiteIdentity, university: SiteIdentity
) -> None:
    target = media / "refused.ltbundle"
    with pytest.raises(ValueError, match="meta"):
        write(target, prison, university, [], meta={"blob": "x" * MAX_META_BYTES})
    with pytest.raises(ValueError, match="meta"):
        write(target, prison, university, [], meta={"when": datetime.now(UTC)})
    with pytest.raises(ValueError, match="kind"):
        write(target, prison, university, [], kind="Changes!")
    with pytest.raises(ValueError, match="sequence"):
        write(target, prison, university, [], sequence=-1)
    with pytest.raises(ValueError, match="sequence"):
        write(target, prison, university, [], sequence=2**53)
    with pytest.raises(ValueError, match="one site to another"):
        write(target, prison, prison, [])
    assert not target.exists()


def test_writing_to_a_low_order_key_is_refused(media: Path, prison: SiteIdentity) -> None:
    broken = PeerKeys(
        site_id=uuid.uuid4(),
        name="Broken",
        kind=SiteKind.UNIVERSITY,
        signing_key=prison.public().signing_key,
        encryption_key=bytes(32),
    )
    with pytest.raises(LtError, match="cannot be used for encryption"):
        write_bundle(
            media / "x.ltbundle",
            sender=prison,
            recipient=broken,
            sequence=1,
            kind="changes",
            meta={},
            chunks=[b"secret"],
        )


# Every region, tampered


def _expect_rejected(
    data: bytes, tmp: Path, me: SiteIdentity, sender: SiteIdentity
) -> RejectReason:
    path = tmp / "tampered.ltbundle"
    path.write_bytes(data)
    return rejection(path, me, sender)


def test_tampering_with_each_region_is_rejected_for_the_right_reason(
    media: Path, multi_chunk: bytes, prison: SiteIdentity, university: SiteIdentity
) -> None:
    data = multi_chunk
    magic_end = len(MAGIC)
    header_start = magic_end + 6
    header_end = header_start + header_length(data)
    spans = chunk_spans(data)

    def reason(offset: int, bit: int = 0) -> RejectReason:
        return _expect_rejected(flip_bit(data, offset, bit), media, university, prison)

    assert {reason(i) for i in range(magic_end)} == {RejectReason.NOT_A_BUNDLE}
    # A flipped bit in the format number makes one no version of LT Desktop writes.
    assert reason(magic_end + 1) == RejectReason.MALFORMED_HEADER
    assert reason(magic_end) == RejectReason.MALFORMED_HEADER
    # The header length: too large, or a header that no longer parses.
    for offset in range(magic_end + 2, header_start):
        for bit in (0, 7):
            assert reason(offset, bit) == RejectReason.MALFORMED_HEADER
    # Inside the header a flip may still parse, naming another site or time;
    # whatever it becomes, it is never accepted.
    header_reasons = {reason(i, bit) for i in range(header_start, header_end) for bit in (0, 1)}
    assert header_reasons <= {
        RejectReason.MALFORMED_HEADER,
        RejectReason.WRONG_RECIPIENT,
        RejectReason.UNKNOWN_SENDER,
        RejectReason.BAD_SIGNATURE,
    }
    assert {RejectReason.MALFORMED_HEADER, RejectReason.BAD_SIGNATURE} <= header_reasons
    # Ephemeral key and salt.
    assert {reason(i) for i in range(header_end, header_end + 64)} == {RejectReason.BAD_SIGNATURE}
    # First, middle and last pieces: start, middle and tag.
    for start, end in (spans[0], spans[2], spans[-1]):
        for offset in (start, (start + end) // 2, end - 1):
            assert reason(offset) == RejectReason.BAD_SIGNATURE
    assert {reason(i, 5) for i in range(len(data) - SIGNATURE_BYTES, len(data))} == {
        RejectReason.BAD_SIGNATURE
    }


@pytest.mark.parametrize("which", ["first", "middle", "last"])
def test_a_changed_piece_fails_its_own_check_even_when_signed(
    media: Path,
    multi_chunk: bytes,
    prison: SiteIdentity,
    university: SiteIdentity,
    which: str,
) -> None:
    spans = chunk_spans(multi_chunk)
    start, _ = {"first": spans[0], "middle": spans[2], "last": spans[-1]}[which]
    data = resign(flip_bit(multi_chunk, start + 10), prison)
    expected = RejectReason.WRONG_RECIPIENT if which == "first" else RejectReason.DAMAGED_PAYLOAD
    assert _expect_rejected(data, media, university, prison) == expected


def test_truncation_at_any_offset_is_rejected(
    media: Path, multi_chunk: bytes, prison: SiteIdentity, university: SiteIdentity
) -> None:
    data = multi_chunk
    preamble_end = payload_offset(data)
    offsets = {0, 1, len(MAGIC) - 1, len(MAGIC), len(MAGIC) + 3, preamble_end - 1, preamble_end}
    offsets |= {start for start, _ in chunk_spans(data)} | {end for _, end in chunk_spans(data)}
    offsets |= set(range(preamble_end - 70, preamble_end + 40, 7))
    offsets |= {len(data) - n for n in (1, 2, 63, 64, 65, TAG_BYTES, SEALED_CHUNK_BYTES)}
    offsets |= set(range(0, len(data), 9973))
    for offset in sorted(offsets):
        reason = _expect_rejected(data[:offset], media, university, prison)
        if offset < len(MAGIC):
            assert reason == RejectReason.NOT_A_BUNDLE, offset
        elif offset < preamble_end:
            assert reason == RejectReason.MALFORMED_HEADER, offset
        else:
            assert reason == RejectReason.BAD_SIGNATURE, offset


def test_a_payload_cut_short_fails_even_when_signed(
    media: Path, multi_chunk: bytes, prison: SiteIdentity, university: SiteIdentity
) -> None:
    spans = chunk_spans(multi_chunk)
    without_last = multi_chunk[: spans[-1][0]] + multi_chunk[-SIGNATURE_BYTES:]
    data = resign(without_last, prison)
    assert _expect_rejected(data, media, university, prison) == RejectReason.DAMAGED_PAYLOAD


def test_an_extra_byte_at_the_end_is_rejected(
    media: Path, multi_chunk: bytes, prison: SiteIdentity, university: SiteIdentity
) -> None:
    for extra in (b"\x00", b"\n", multi_chunk[-SIGNATURE_BYTES:]):
        reason = _expect_rejected(multi_chunk + extra, media, university, prison)
        assert reason == RejectReason.BAD_SIGNATURE


def test_swapped_pieces_are_rejected_signed_or_not(
    media: Path, multi_chunk: bytes, prison: SiteIdentity, university: SiteIdentity
) -> None:
    spans = chunk_spans(multi_chunk)
    (a_start, a_end), (b_start, b_end) = spans[1], spans[2]
    swapped = (
        multi_chunk[:a_start]
        + multi_chunk[b_start:b_end]
        + multi_chunk[a_start:a_end]
        + multi_chunk[b_end:]
    )
    assert len(swapped) == len(multi_chunk)
    assert _expect_rejected(swapped, media, university, prison) == RejectReason.BAD_SIGNATURE
    resigned = resign(swapped, prison)
    assert _expect_rejected(resigned, media, university, prison) == RejectReason.DAMAGED_PAYLOAD


def test_a_header_changed_and_resigned_no_longer_opens(
    media: Path, multi_chunk: bytes, prison: SiteIdentity, university: SiteIdentity
) -> None:
    start = len(MAGIC) + 6
    header = multi_chunk[start : start + header_length(multi_chunk)]
    changed = header.replace(b'"sequence":1', b'"sequence":7')
    assert changed != header
    data = resign(multi_chunk.replace(header, changed), prison)
    # The key is derived from the header, so the payload no longer opens.
    assert _expect_rejected(data, media, university, prison) == RejectReason.WRONG_RECIPIENT


# Who it is from and for


def test_a_bundle_for_another_site_is_refused(
    media: Path,
    prison: SiteIdentity,
    university: SiteIdentity,
    other_site: SiteIdentity,
) -> None:
    path = media / "for-cambridge.ltbundle"
    write(path, prison, university, [b"for Cambridge only"])
    with pytest.raises(BundleRejected, match="addressed to another site") as caught:
        open_as(path, other_site, prison)
    assert caught.value.reason == RejectReason.WRONG_RECIPIENT


def test_a_bundle_replayed_to_another_recipient_is_refused(
    media: Path,
    multi_chunk: bytes,
    prison: SiteIdentity,
    university: SiteIdentity,
    other_site: SiteIdentity,
) -> None:
    readdressed = multi_chunk.replace(
        str(university.site_id).encode(), str(other_site.site_id).encode()
    )
    assert readdressed != multi_chunk
    assert _expect_rejected(readdressed, media, other_site, prison) == RejectReason.BAD_SIGNATURE
    # Even the sender itself cannot redirect it: the payload was sealed for the first recipient.
    resigned = resign(readdressed, prison)
    assert _expect_rejected(resigned, media, other_site, prison) == RejectReason.WRONG_RECIPIENT


def test_a_bundle_from_an_unknown_site_is_refused(
    media: Path, prison: SiteIdentity, university: SiteIdentity, other_site: SiteIdentity
) -> None:
    path = media / "stranger.ltbundle"
    write(path, other_site, university, [b"hello"])
    with pytest.raises(BundleRejected, match="does not know or no longer trusts") as caught:
        open_as(path, university, prison)
    assert caught.value.reason == RejectReason.UNKNOWN_SENDER


def test_a_bundle_from_a_revoked_site_is_refused(
    media: Path, prison: SiteIdentity, university: SiteIdentity
) -> None:
    path = media / "revoked.ltbundle"
    write(path, prison, university, [b"hello"])
    revoked = {prison.site_id}
    trusted = {prison.site_id: prison.public()}

    def sender_keys(site_id: uuid.UUID) -> PeerKeys | None:
        return None if site_id in revoked else trusted.get(site_id)

    with pytest.raises(BundleRejected) as caught:
        open_bundle(path, me=university, sender_keys=sender_keys, max_plaintext_bytes=LIMIT)
    assert caught.value.reason == RejectReason.UNKNOWN_SENDER


def test_a_site_pretending_to_be_another_is_refused(
    media: Path, prison: SiteIdentity, university: SiteIdentity, other_site: SiteIdentity
) -> None:
    impostor = SiteIdentity(
        site_id=prison.site_id,
        name=prison.name,
        kind=prison.kind,
        signing_private_key=other_site.signing_private_key,
        encryption_private_key=other_site.encryption_private_key,
        created_at=prison.created_at,
    )
    path = media / "impostor.ltbundle"
    write(path, impostor, university, [b"trust me"])
    assert rejection(path, university, prison) == RejectReason.BAD_SIGNATURE


def test_a_bundle_made_for_replaced_keys_is_refused(
    media: Path, prison: SiteIdentity, university: SiteIdentity
) -> None:
    path = media / "old-keys.ltbundle"
    write(path, prison, university, [b"hello"])
    rekeyed = SiteIdentity.generate(
        name=university.name, kind=university.kind, site_id=university.site_id
    )
    with pytest.raises(BundleRejected, match="this site's keys") as caught:
        open_as(path, rekeyed, prison)
    assert caught.value.reason == RejectReason.WRONG_RECIPIENT


# Size limits


def test_a_decompression_bomb_is_refused_before_it_expands(
    media: Path, prison: SiteIdentity, university: SiteIdentity
) -> None:
    path = media / "bomb.ltbundle"
    write(path, prison, university, (bytes(MiB) for _ in range(64)))
    assert path.stat().st_size < 200_000
    produced = 0
    with pytest.raises(BundleRejected, match="more data than") as caught:
        for piece in open_as(path, university, prison, limit=2 * MiB).chunks():
            produced += len(piece)
    assert caught.value.reason == RejectReason.TOO_LARGE
    assert produced <= 2 * MiB


def test_the_plaintext_limit_is_exact(
    media: Path, prison: SiteIdentity, university: SiteIdentity
) -> None:
    path = media / "exact.ltbundle"
    write(path, prison, university, [bytes(100_000)])
    assert len(read_all(path, university, prison, limit=100_000)) == 100_000
    assert rejection(path, university, prison, limit=99_999) == RejectReason.TOO_LARGE


def _with_header(header: bytes, *, version: int = 1, length: int | None = None) -> bytes:
    size = len(header) if length is None else length
    return MAGIC + struct.pack(">HI", version, size) + header + bytes(64 + 16 + 64)


def _header(**changes: object) -> bytes:
    document: dict[str, object] = {
        "created_at": "2026-03-01T09:00:00Z",
        "kind": "changes",
        "meta": {},
        "recipient": str(uuid.uuid4()),
        "sender": str(uuid.uuid4()),
        "sequence": 1,
    }
    document.update(changes)
    return json.dumps(document).encode()


@pytest.mark.parametrize(
    ("data", "reason", "words"),
    [
        (b"", RejectReason.NOT_A_BUNDLE, "not an LT Desktop bundle"),
        (b"PK\x03\x04" + bytes(200), RejectReason.NOT_A_BUNDLE, "not an LT Desktop bundle"),
        (_with_header(_header(), version=2), RejectReason.UNSUPPORTED_VERSION, "newer version"),
        (_with_header(_header(), version=17), RejectReason.UNSUPPORTED_VERSION, "format 17"),
        (_with_header(_header(), version=18), RejectReason.MALFORMED_HEADER, "damaged"),
        (_with_header(_header(), version=0), RejectReason.MALFORMED_HEADER, "format number"),
        (
            _with_header(_header(), length=MAX_HEADER_BYTES + 1),
            RejectReason.MALFORMED_HEADER,
            "header is too large",
        ),
        (
            _with_header(_header(), length=2**32 - 1),
            RejectReason.MALFORMED_HEADER,
            "header is too large",
        ),
        (
            _with_header(_header(meta={"blob": "x" * MAX_META_BYTES})),
            RejectReason.MALFORMED_HEADER,
            "meta is too large",
        ),
        (
            _with_header(_header(meta={"deep": json.loads("[" * 9 + "]" * 9)})),
            RejectReason.MALFORMED_HEADER,
            "meta is too large",
        ),
        (
            _with_header(b'{"meta":' + b"[" * 8000 + b"]" * 8000 + b"}"),
            RejectReason.MALFORMED_HEADER,
            "nested too deeply",
        ),
        (
            _with_header(_header()[:-1] + b', "sequence": 2}'),
            RejectReason.MALFORMED_HEADER,
            "appears twice",
        ),
        (_with_header(_header(sequence=True)), RejectReason.MALFORMED_HEADER, "sequence"),
        (_with_header(_header(sequence=1.0)), RejectReason.MALFORMED_HEADER, "sequence"),
        (_with_header(_header(sequence=2**53)), RejectReason.MALFORMED_HEADER, "sequence"),
        (
            _with_header(_header().replace(b'"sequence": 1', b'"sequence": ' + b"1" * 5000)),
            RejectReason.MALFORMED_HEADER,
            "range",
        ),
        (
            _with_header(_header(meta={"x": float("inf")})),
            RejectReason.MALFORMED_HEADER,
            "Infinity is not allowed",
        ),
        (
            _with_header(_header().replace(b'"meta": {}', b'"meta": {"x": 1e999}')),
            RejectReason.MALFORMED_HEADER,
            "range",
        ),
        (_with_header(_header(extra=1)), RejectReason.MALFORMED_HEADER, "fields"),
        (_with_header(_header(kind="")), RejectReason.MALFORMED_HEADER, "kind"),
        (
            _with_header(_header(created_at="2026-02-30T09:00:00Z")),
            RejectReason.MALFORMED_HEADER,
            "real date",
        ),
        (
            _with_header(_header(created_at="٢٠٢٦-02-03T09:00:00Z")),  # another script's digits
            RejectReason.MALFORMED_HEADER,
            "in the form",
        ),
        (
            _with_header(_header(sender=str(uuid.uuid4()).upper())),
            RejectReason.MALFORMED_HEADER,
            "lower-case",
        ),
        (_with_header(b"[1, 2]"), RejectReason.MALFORMED_HEADER, "not a JSON object"),
        (
            _with_header(_header().replace(b'"meta": {}', b'"meta": {"x": "\\ud800"}')),
            RejectReason.MALFORMED_HEADER,
            "not valid Unicode",
        ),
        (_with_header(b"\xff\xfe"), RejectReason.MALFORMED_HEADER, "not valid JSON"),
        (_with_header(_header())[:-200], RejectReason.MALFORMED_HEADER, "cut short"),
    ],
    ids=lambda value: value if isinstance(value, str) else None,
)
def test_malformed_files_are_refused_before_any_key_is_used(
    media: Path, university: SiteIdentity, data: bytes, reason: RejectReason, words: str
) -> None:
    path = media / "crafted.ltbundle"
    path.write_bytes(data)

    def no_lookup(site_id: uuid.UUID) -> PeerKeys | None:
        raise AssertionError("the sender was looked up for a malformed bundle")

    with pytest.raises(BundleRejected, match=words) as caught:
        open_bundle(path, me=university, sender_keys=no_lookup, max_plaintext_bytes=LIMIT)
    assert caught.value.reason == reason


def test_a_file_that_cannot_be_read_is_a_clear_error(media: Path, university: SiteIdentity) -> None:
    with pytest.raises(LtError, match="cannot be read"):
        open_as(media / "missing.ltbundle", university)


def test_a_bundle_changed_after_it_was_opened_is_caught(
    media: Path, multi_chunk: bytes, prison: SiteIdentity, university: SiteIdentity
) -> None:
    path = media / "changing.ltbundle"
    path.write_bytes(multi_chunk)
    opened = open_as(path, university, prison)
    middle = chunk_spans(multi_chunk)[2][0] + 5
    path.write_bytes(flip_bit(multi_chunk, middle))
    with pytest.raises(BundleRejected) as caught:
        list(opened.chunks())
    assert caught.value.reason == RejectReason.DAMAGED_PAYLOAD

    path.write_bytes(multi_chunk + b"more")
    with pytest.raises(BundleRejected, match="changed while") as caught:
        list(opened.chunks())


# The STREAM framing, at its edges


@pytest.mark.parametrize(
    "length",
    [0, 1, CHUNK_BYTES - 1, CHUNK_BYTES, CHUNK_BYTES + 1, 2 * CHUNK_BYTES, 2 * CHUNK_BYTES + 1],
)
def test_stream_pieces_are_cut_as_the_reader_expects(length: int) -> None:
    sealed: list[bytes] = []
    sealer = _ChunkSealer(bytes(32), sealed.append)
    sealer.feed(bytes(length // 2))
    sealer.feed(bytes(length - length // 2))
    sealer.finish()

    expected_count = max(1, -(-length // CHUNK_BYTES))
    assert [len(piece) for piece in sealed[:-1]] == [SEALED_CHUNK_BYTES] * (expected_count - 1)
    assert len(sealed) == expected_count
    layout = _Layout(size=0, payload_offset=0, payload_length=sum(map(len, sealed)))
    assert layout.chunk_count == expected_count
    assert layout.structure_problem() is None


def test_a_stream_ending_in_an_empty_piece_is_malformed() -> None:
    layout = _Layout(size=0, payload_offset=0, payload_length=SEALED_CHUNK_BYTES + TAG_BYTES)
    assert layout.structure_problem() == "it ends with an empty piece"
    short = _Layout(size=0, payload_offset=0, payload_length=SEALED_CHUNK_BYTES + 3)
    assert short.structure_problem() == "its last piece is too short"


# Memory


def _peaks(
    path: Path, prison: SiteIdentity, university: SiteIdentity, size: int
) -> tuple[int, int]:
    """The peaks of Python allocations writing ``size`` bytes of scans, then reading them."""
    tracemalloc.start()
    try:
        write(path, prison, university, _random_pieces(size))
        _, write_peak = tracemalloc.get_traced_memory()
        tracemalloc.reset_peak()
        read = 0
        for piece in open_as(path, university, prison).chunks():
            read += len(piece)
        _, read_peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert read == size
    assert path.stat().st_size > size
    return write_peak, read_peak


@pytest.mark.slow
def test_reading_and_writing_a_large_bundle_keeps_memory_flat(
    media: Path, prison: SiteIdentity, university: SiteIdentity
) -> None:
    small = _peaks(media / "small.ltbundle", prison, university, 16 * MiB)
    large = _peaks(media / "large.ltbundle", prison, university, 64 * MiB)
    # Four times the data, the same memory.
    assert large[0] < small[0] + MiB, (small, large)
    assert large[1] < small[1] + MiB / 4, (small, large)
    # Towards the writer's peak count the caller's own 1 MiB pieces, 8 MiB of them
    # waiting for the compressor, and the check of what was sealed, which inflates
    # up to a megabyte at a time; a reader holds a piece or two.
    assert large[0] < 13 * MiB, large
    assert large[1] < 1.5 * MiB, large
