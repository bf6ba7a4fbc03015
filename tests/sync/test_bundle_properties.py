"""Round trips and tampering over many shapes of payload."""

from __future__ import annotations

import contextlib
import itertools
import json
import random
import struct
import tempfile
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from lt_desktop.sync.bundle import CHUNK_BYTES, MAGIC, BundleRejected, open_bundle
from lt_desktop.sync.identity import SiteCardInvalid, SiteIdentity, read_site_card
from tests.sync.support import flip_bit, read_all, rejection, write

_settings = settings(max_examples=40, deadline=None)


@st.composite
def payloads_in_pieces(draw: st.DrawFn) -> tuple[bytes, list[bytes]]:
    """A payload up to a few pieces long, some of it compressible, cut at random places."""
    length = draw(
        st.sampled_from([0, 1, CHUNK_BYTES, 3 * CHUNK_BYTES + 7]) | st.integers(0, 300_000)
    )
    seed = draw(st.integers(0, 2**32))
    noise = random.Random(seed).randbytes(length)
    repetitive = draw(st.booleans())
    payload = (noise[: length // 8] * 8 + noise[: length % 8]) if repetitive else noise
    cuts = sorted(draw(st.lists(st.integers(0, length), max_size=12)))
    bounds = [0, *cuts, length]
    return payload, [payload[start:end] for start, end in itertools.pairwise(bounds)]


@_settings
@given(case=payloads_in_pieces())
def test_any_payload_cut_anywhere_round_trips(
    case: tuple[bytes, list[bytes]], prison: SiteIdentity, university: SiteIdentity
) -> None:
    payload, pieces = case
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "case.ltbundle"
        info = write(path, prison, university, pieces, sequence=len(pieces))
        assert info.plaintext_bytes == len(payload)
        assert read_all(path, university, prison) == payload


@_settings
@given(
    payload=st.binary(max_size=2000),
    position=st.floats(0, 1, exclude_max=True),
    bit=st.integers(0, 7),
)
def test_any_single_changed_bit_is_rejected(
    payload: bytes,
    position: float,
    bit: int,
    prison: SiteIdentity,
    university: SiteIdentity,
) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "case.ltbundle"
        write(path, prison, university, [payload])
        data = path.read_bytes()
        path.write_bytes(flip_bit(data, int(position * len(data)), bit))
        rejection(path, university, prison)


@_settings
@given(payload=st.binary(max_size=2000), keep=st.floats(0, 1, exclude_max=True))
def test_any_truncation_is_rejected(
    payload: bytes, keep: float, prison: SiteIdentity, university: SiteIdentity
) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "case.ltbundle"
        write(path, prison, university, [payload])
        data = path.read_bytes()
        path.write_bytes(data[: int(keep * len(data))])
        rejection(path, university, prison)


_json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=20),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner),
    max_leaves=12,
)


@_settings
@given(
    header=st.binary(max_size=400)
    | st.dictionaries(
        st.sampled_from(["sender", "recipient", "sequence", "created_at", "kind", "meta", "x"]),
        _json_values,
    ).map(lambda document: json.dumps(document).encode()),
    tail=st.binary(max_size=300),
)
def test_any_header_is_either_read_or_refused_cleanly(
    header: bytes, tail: bytes, university: SiteIdentity
) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "crafted.ltbundle"
        path.write_bytes(MAGIC + struct.pack(">HI", 1, len(header)) + header + tail)
        try:
            open_bundle(path, me=university, sender_keys=lambda _: None, max_plaintext_bytes=1)
        except BundleRejected:
            return
        raise AssertionError("a crafted file was accepted")


@_settings
@given(
    body=_json_values.map(lambda value: json.dumps(value).encode()) | st.binary(max_size=300),
    signature=st.binary(max_size=140),
)
def test_any_card_is_either_read_or_refused_cleanly(body: bytes, signature: bytes) -> None:
    with contextlib.suppress(SiteCardInvalid):
        read_site_card(body + b"\n" + signature + b"\n")
        raise AssertionError("a crafted card was accepted")
