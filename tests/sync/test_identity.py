from __future__ import annotations

import dataclasses
import hashlib
import json
import re
import subprocess
import sys
import uuid
from datetime import UTC, datetime
from typing import Any

import pytest

from lt_desktop.domain.vocabulary import SiteKind
from lt_desktop.sync.identity import (
    _CARD_SIGNATURE_CONTEXT,
    MAX_CARD_BYTES,
    FingerprintMalformed,
    PeerKeys,
    SiteCardInvalid,
    SiteIdentity,
    fingerprint,
    fingerprints_match,
    parse_fingerprint,
    read_site_card,
)

# Fixed keys, so the derivations below are pinned for other implementations
# (the same values appear in docs/bundle-format.md).
VECTOR_SITE = SiteIdentity.from_private_key_bytes(
    bytes([1]) + bytes(range(32)) + bytes(range(32, 64)),
    site_id=uuid.UUID("00000000-0000-4000-8000-000000000001"),
    name="HMP Example",
    kind=SiteKind.PRISON,
    created_at=datetime(2026, 1, 1, tzinfo=UTC),
)
VECTOR_FINGERPRINT = "73368 60177 28885 60139 49262 53531 87664 19281 30618 92626 33512 54781"
VECTOR_CARD_SHA256 = "fdf3108e1c57a20347fab7ef711e1795e2a1a9cbe4eeb6471f6ed606c5e3d969"


def _signed_card(site: SiteIdentity, **changes: object) -> bytes:
    """``site``'s card with fields changed and signed again, as a forger with its key could."""
    body, _ = site.site_card().splitlines()
    document = json.loads(body)
    document.update(changes)
    document = {key: value for key, value in document.items() if value is not None}
    new_body = json.dumps(document, sort_keys=True, separators=(",", ":")).encode()
    signature = site.signing_private_key.sign(_CARD_SIGNATURE_CONTEXT + new_body)
    return new_body + b"\n" + signature.hex().encode() + b"\n"


# Identities


def test_private_keys_round_trip_through_bytes(prison: SiteIdentity) -> None:
    raw = prison.private_key_bytes()
    assert len(raw) == 65 and raw[0] == 1
    rebuilt = SiteIdentity.from_private_key_bytes(
        raw,
        site_id=prison.site_id,
        name=prison.name,
        kind=prison.kind,
        created_at=prison.created_at,
    )
    assert rebuilt.public() == prison.public()
    assert rebuilt.private_key_bytes() == raw


def test_private_keys_of_the_wrong_shape_are_refused(prison: SiteIdentity) -> None:
    raw = prison.private_key_bytes()
    for wrong in (raw[:-1], raw + b"\x00", b"\x02" + raw[1:]):
        with pytest.raises(ValueError):
            SiteIdentity.from_private_key_bytes(
                wrong,
                site_id=prison.site_id,
                name=prison.name,
                kind=prison.kind,
                created_at=prison.created_at,
            )


def test_private_keys_stay_out_of_reprs(prison: SiteIdentity) -> None:
    assert "private" not in repr(prison)
    assert prison.private_key_bytes().hex()[2:20] not in repr(prison)


@pytest.mark.parametrize("name", ["", "   ", " HMP Grendon", "x" * 201, "HMP\u202eGrendon"])
def test_site_names_must_be_plain(name: str) -> None:
    with pytest.raises(ValueError, match="site name"):
        SiteIdentity.generate(name=name, kind=SiteKind.PRISON)


def test_public_keys_must_be_32_bytes() -> None:
    with pytest.raises(ValueError):
        PeerKeys(uuid.uuid4(), "A", SiteKind.PRISON, bytes(31), bytes(32))


# Site cards


def test_a_site_card_round_trips(prison: SiteIdentity) -> None:
    peer = read_site_card(prison.site_card())
    assert peer == prison.public()
    assert peer.created_at == prison.created_at
    assert peer.name == "HMP Grendon" and peer.kind is SiteKind.PRISON


def test_a_site_card_is_canonical_and_deterministic() -> None:
    card = VECTOR_SITE.site_card()
    body, signature = card.splitlines()
    assert card == body + b"\n" + signature + b"\n"
    assert body == json.dumps(json.loads(body), sort_keys=True, separators=(",", ":")).encode()
    assert json.loads(body)["format"] == "lt-desktop-site-card"
    assert json.loads(body)["version"] == 1
    assert hashlib.sha256(card).hexdigest() == VECTOR_CARD_SHA256


def test_a_card_with_windows_line_endings_still_reads(university: SiteIdentity) -> None:
    card = university.site_card().replace(b"\n", b"\r\n")
    assert read_site_card(card) == university.public()
    assert read_site_card(card.rstrip()) == university.public()


def test_a_non_ascii_name_round_trips() -> None:
    site = SiteIdentity.generate(name="Université de Genève", kind=SiteKind.UNIVERSITY)
    assert read_site_card(site.site_card()).name == "Université de Genève"


def test_every_changed_bit_of_a_card_is_caught(prison: SiteIdentity) -> None:
    card = prison.site_card()
    for offset in range(len(card)):
        changed = bytearray(card)
        changed[offset] ^= 1 << (offset % 8)
        with pytest.raises(SiteCardInvalid):
            read_site_card(bytes(changed))


def test_a_card_signed_by_another_key_is_caught(
    prison: SiteIdentity, other_site: SiteIdentity
) -> None:
    body, _ = prison.site_card().splitlines()
    forged = other_site.signing_private_key.sign(_CARD_SIGNATURE_CONTEXT + body).hex().encode()
    with pytest.raises(SiteCardInvalid, match="changed since it was made"):
        read_site_card(body + b"\n" + forged + b"\n")


def test_a_card_whose_signature_lacks_its_context_is_caught(prison: SiteIdentity) -> None:
    body, _ = prison.site_card().splitlines()
    bare = prison.signing_private_key.sign(body).hex().encode()
    with pytest.raises(SiteCardInvalid, match="changed since it was made"):
        read_site_card(body + b"\n" + bare + b"\n")


@pytest.mark.parametrize(
    ("changes", "words"),
    [
        ({"version": 2}, "version of LT Desktop"),
        ({"version": True}, "version of LT Desktop"),
        ({"format": "something-else"}, "not an LT Desktop site card"),
        ({"extra": "field"}, "fields"),
        ({"created_at": None}, "fields"),
        ({"kind": "school"}, "neither prison nor university"),
        ({"name": "HMP\u202egrendon"}, "invisible or control"),
        ({"name": ""}, "empty"),
        ({"site_id": "not-a-uuid"}, "UUID"),
        ({"signing_key": "ab" * 31}, "32 bytes"),
        ({"encryption_key": "AB" * 32}, "lower-case hex"),
        ({"encryption_key": "00" * 32}, "encryption key cannot be used"),
        ({"created_at": "2026-01-01 00:00:00"}, "YYYY-MM-DD"),
    ],
)
def test_cards_with_bad_fields_are_refused_even_when_signed(
    prison: SiteIdentity, changes: dict[str, object], words: str
) -> None:
    with pytest.raises(SiteCardInvalid, match=words):
        read_site_card(_signed_card(prison, **changes))


@pytest.mark.parametrize(
    "raw",
    [
        b"",
        b"\n",
        b"hello\nworld\n",
        b"LT-DESKTOP-BUNDLE\n" + bytes(100),
        b'{"format":"lt-desktop-site-card"}\n',
        b"{" + b"[" * 5000 + b"\n" + b"00" * 64 + b"\n",
        b'{"version":' + b"1" * 5000 + b"}\n" + b"00" * 64 + b"\n",
        b'{"format":"lt-desktop-site-card","\\udc00":1}\n' + b"00" * 64 + b"\n",
        bytes(range(256)),
    ],
)
def test_files_that_are_not_cards_are_refused(raw: bytes) -> None:
    with pytest.raises(SiteCardInvalid):
        read_site_card(raw)


def test_an_oversize_card_is_refused_before_it_is_parsed(prison: SiteIdentity) -> None:
    with pytest.raises(SiteCardInvalid, match="too large"):
        read_site_card(prison.site_card() + b" " * MAX_CARD_BYTES)


# Fingerprints


def test_a_fingerprint_is_twelve_groups_of_five_digits(prison: SiteIdentity) -> None:
    text = fingerprint(prison.public())
    assert re.fullmatch(r"\d{5}( \d{5}){11}", text)
    assert fingerprint(read_site_card(prison.site_card())) == text


def test_the_fingerprint_derivation_is_pinned() -> None:
    peer = VECTOR_SITE.public()
    assert fingerprint(peer) == VECTOR_FINGERPRINT
    data = peer.site_id.bytes + peer.signing_key + peer.encryption_key
    context = b"LT-DESKTOP-FINGERPRINT v1\x00"
    material = hashlib.sha256(context + b"\x01" + data).digest()
    material += hashlib.sha256(context + b"\x02" + data).digest()
    first = int.from_bytes(material[:5], "big") % 100000
    last = int.from_bytes(material[55:60], "big") % 100000
    assert VECTOR_FINGERPRINT.startswith(f"{first:05d} ")
    assert VECTOR_FINGERPRINT.endswith(f" {last:05d}")


def test_the_fingerprint_covers_the_id_and_both_keys_but_not_the_name(
    prison: SiteIdentity, other_site: SiteIdentity
) -> None:
    peer = prison.public()
    other = other_site.public()
    base = fingerprint(peer)
    assert fingerprint(dataclasses.replace(peer, name="Renamed", kind=SiteKind.UNIVERSITY)) == base
    for changed in (
        dataclasses.replace(peer, site_id=uuid.uuid4()),
        dataclasses.replace(peer, signing_key=other.signing_key),
        dataclasses.replace(peer, encryption_key=other.encryption_key),
    ):
        assert fingerprint(changed) != base


def test_loosely_typed_fingerprints_are_understood() -> None:
    canonical = VECTOR_FINGERPRINT
    digits = canonical.replace(" ", "")
    typed = [
        digits,
        canonical.replace(" ", "-"),
        canonical.replace(" ", " \u2013 "),
        "  " + "\n".join(canonical.split(" ", 6)) + "\t\r\n",
        "-".join(digits[i : i + 4] for i in range(0, 60, 4)),
    ]
    for text in typed:
        assert parse_fingerprint(text) == canonical
        assert fingerprints_match(text, canonical)


@pytest.mark.parametrize(
    ("text", "words"),
    [
        (VECTOR_FINGERPRINT[:-1], "this has 59"),
        (VECTOR_FINGERPRINT + "1", "this has 61"),
        ("", "this has 0"),
        (VECTOR_FINGERPRINT.replace("0", "O", 1), "“O” is not one"),
        (VECTOR_FINGERPRINT.replace(" ", "/"), "“/” is not one"),
        ("\u0663" * 60, "is not one"),
    ],
)
def test_things_that_are_not_fingerprints_are_told_apart(text: str, words: str) -> None:
    with pytest.raises(FingerprintMalformed, match=words):
        parse_fingerprint(text)
    with pytest.raises(FingerprintMalformed):
        fingerprints_match(text, VECTOR_FINGERPRINT)


def test_a_single_differing_digit_is_a_mismatch() -> None:
    digits = list(VECTOR_FINGERPRINT.replace(" ", ""))
    for position in (0, 29, 59):
        changed = digits.copy()
        changed[position] = str((int(changed[position]) + 1) % 10)
        assert not fingerprints_match("".join(changed), VECTOR_FINGERPRINT)


def test_different_sites_have_different_fingerprints(
    prison: SiteIdentity, university: SiteIdentity
) -> None:
    assert not fingerprints_match(fingerprint(prison.public()), fingerprint(university.public()))


def test_a_kind_given_as_text_becomes_a_site_kind(prison: SiteIdentity) -> None:
    peer = prison.public()
    stored_kind: Any = "prison"
    as_text = PeerKeys(peer.site_id, peer.name, stored_kind, peer.signing_key, peer.encryption_key)
    assert as_text.kind is SiteKind.PRISON and as_text == peer


def test_the_sync_layer_and_its_sheet_load_without_qt() -> None:
    code = (
        "import sys; import lt_desktop.sync.bundle, lt_desktop.documents.site_card_sheet; "
        "sys.exit(any(name.startswith('PySide6') for name in sys.modules))"
    )
    assert subprocess.run([sys.executable, "-c", code], check=False).returncode == 0
