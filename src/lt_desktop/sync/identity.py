"""Who a site is: its long-term keys, the site card it hands out, and the
fingerprint people compare aloud to be sure a card came from the site it names.

Each site makes two key pairs once, at set-up: Ed25519 to sign what it sends
and X25519 so others can encrypt to it. The private halves never leave the
site's encrypted database. The public halves travel on a *site card*, a small
self-signed file; a card proves nothing on its own (anyone can make one), so the
two sites read the card's fingerprint to each other over the phone before
trusting it. See docs/bundle-format.md for the exact bytes.
"""

from __future__ import annotations

import hashlib
import hmac
import unicodedata
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import (
    Ed25519PrivateKey,
    Ed25519PublicKey,
)
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey, X25519PublicKey

from lt_desktop.domain.errors import LtError
from lt_desktop.domain.vocabulary import SiteKind
from lt_desktop.sync._encoding import (
    EncodingError,
    canonical_json,
    format_utc,
    is_json_int,
    parse_hex_key,
    parse_utc,
    parse_uuid,
    strict_json_object,
)

KEY_BYTES = 32
SIGNATURE_BYTES = 64
MAX_SITE_NAME_CHARS = 200

CARD_FORMAT = "lt-desktop-site-card"
CARD_VERSION = 1
MAX_CARD_BYTES = 64 * 1024
CARD_SUFFIX = ".ltsite"
_CARD_FIELDS = frozenset(
    {"format", "version", "site_id", "name", "kind", "signing_key", "encryption_key", "created_at"}
)
_CARD_SIGNATURE_CONTEXT = b"LT-DESKTOP-SITE-CARD v1\x00"

_PRIVATE_KEYS_VERSION = 1
PRIVATE_KEYS_BYTES = 1 + 2 * KEY_BYTES

FINGERPRINT_GROUPS = 12
FINGERPRINT_GROUP_DIGITS = 5
FINGERPRINT_DIGITS = FINGERPRINT_GROUPS * FINGERPRINT_GROUP_DIGITS
_FINGERPRINT_CONTEXT = b"LT-DESKTOP-FINGERPRINT v1\x00"
# Separators people type, or that word processors substitute, between digit groups.
_FINGERPRINT_SEPARATORS = frozenset("-\u2010\u2011\u2012\u2013\u2014\u2212")


class SiteCardInvalid(LtError):
    """A site card that cannot be trusted as it is: damaged, changed or not a card."""


class FingerprintMalformed(LtError):
    """Text typed as a fingerprint that is not one (as opposed to one that differs)."""


@dataclass(frozen=True)
class PeerKeys:
    """What one site knows of another: its id, name, kind and public keys."""

    site_id: uuid.UUID
    name: str
    kind: SiteKind
    signing_key: bytes
    """Ed25519 public key, 32 bytes."""
    encryption_key: bytes
    """X25519 public key, 32 bytes."""
    created_at: datetime | None = field(default=None, compare=False)
    """When the site's keys were made, as its card says; not part of its identity."""

    def __post_init__(self) -> None:
        if len(self.signing_key) != KEY_BYTES or len(self.encryption_key) != KEY_BYTES:
            raise ValueError("public keys are 32 bytes each")
        # Rows read back from storage may hold the kind as plain text.
        object.__setattr__(self, "kind", SiteKind(self.kind))


@dataclass(frozen=True, eq=False)
class SiteIdentity:
    """This site's long-term keys. Never leaves the site; store the private keys
    (``private_key_bytes``) only inside the encrypted database."""

    site_id: uuid.UUID
    name: str
    kind: SiteKind
    signing_private_key: Ed25519PrivateKey = field(repr=False)
    encryption_private_key: X25519PrivateKey = field(repr=False)
    created_at: datetime

    @classmethod
    def generate(
        cls,
        *,
        name: str,
        kind: SiteKind,
        site_id: uuid.UUID | None = None,
        created_at: datetime | None = None,
    ) -> SiteIdentity:
        """Fresh keys for a site being set up."""
        moment = (created_at or datetime.now(UTC)).astimezone(UTC).replace(microsecond=0)
        return cls(
            site_id=site_id or uuid.uuid4(),
            name=_checked_site_name(name),
            kind=SiteKind(kind),
            signing_private_key=Ed25519PrivateKey.generate(),
            encryption_private_key=X25519PrivateKey.generate(),
            created_at=moment,
        )

    def private_key_bytes(self) -> bytes:
        """Both private keys, 65 bytes: a version byte (1), the Ed25519 seed, the X25519 scalar."""
        raw = serialization.Encoding.Raw
        private = serialization.PrivateFormat.Raw
        none = serialization.NoEncryption()
        return (
            bytes([_PRIVATE_KEYS_VERSION])
            + self.signing_private_key.private_bytes(raw, private, none)
            + self.encryption_private_key.private_bytes(raw, private, none)
        )

    @classmethod
    def from_private_key_bytes(
        cls,
        raw: bytes,
        *,
        site_id: uuid.UUID,
        name: str,
        kind: SiteKind,
        created_at: datetime,
    ) -> SiteIdentity:
        """Rebuild an identity from ``private_key_bytes`` and the site's stored details."""
        if len(raw) != PRIVATE_KEYS_BYTES or raw[0] != _PRIVATE_KEYS_VERSION:
            raise ValueError("not the private keys of an LT Desktop site")
        return cls(
            site_id=site_id,
            name=_checked_site_name(name),
            kind=SiteKind(kind),
            signing_private_key=Ed25519PrivateKey.from_private_bytes(raw[1 : 1 + KEY_BYTES]),
            encryption_private_key=X25519PrivateKey.from_private_bytes(raw[1 + KEY_BYTES :]),
            created_at=created_at.astimezone(UTC).replace(microsecond=0),
        )

    def public(self) -> PeerKeys:
        raw = serialization.Encoding.Raw
        public = serialization.PublicFormat.Raw
        return PeerKeys(
            site_id=self.site_id,
            name=self.name,
            kind=self.kind,
            signing_key=self.signing_private_key.public_key().public_bytes(raw, public),
            encryption_key=self.encryption_private_key.public_key().public_bytes(raw, public),
            created_at=self.created_at,
        )

    def site_card(self) -> bytes:
        """This site's card: one line of canonical JSON, then one line with its signature."""
        peer = self.public()
        body = canonical_json(
            {
                "format": CARD_FORMAT,
                "version": CARD_VERSION,
                "site_id": str(peer.site_id),
                "name": peer.name,
                "kind": peer.kind.value,
                "signing_key": peer.signing_key.hex(),
                "encryption_key": peer.encryption_key.hex(),
                "created_at": format_utc(self.created_at),
            }
        )
        signature = self.signing_private_key.sign(_CARD_SIGNATURE_CONTEXT + body)
        return body + b"\n" + signature.hex().encode("ascii") + b"\n"


def read_site_card(raw: bytes) -> PeerKeys:
    """The keys on a site card, once its shape, keys and self-signature check out.

    A valid card shows only that whoever made it holds the keys on it; compare
    its ``fingerprint`` with the other site before trusting it.
    """
    if len(raw) > MAX_CARD_BYTES:
        raise SiteCardInvalid("This file is too large to be an LT Desktop site card.")
    lines = raw.splitlines()
    if len(lines) != 2 or not raw.startswith(b"{"):
        raise SiteCardInvalid("This file is not an LT Desktop site card.")
    body, signature_line = lines
    try:
        document = strict_json_object(body)
    except EncodingError as error:
        raise SiteCardInvalid("This file is not an LT Desktop site card.") from error
    if document.get("format") != CARD_FORMAT:
        raise SiteCardInvalid("This file is not an LT Desktop site card.")
    if not is_json_int(document.get("version")) or document["version"] != CARD_VERSION:
        raise SiteCardInvalid(
            "This site card was made by a version of LT Desktop this one cannot read."
        )
    if set(document) != _CARD_FIELDS:
        raise SiteCardInvalid("The site card is damaged: its fields are not the expected ones.")
    try:
        peer = PeerKeys(
            site_id=parse_uuid(document["site_id"]),
            name=_card_site_name(document["name"]),
            kind=_card_site_kind(document["kind"]),
            signing_key=parse_hex_key(document["signing_key"], KEY_BYTES),
            encryption_key=parse_hex_key(document["encryption_key"], KEY_BYTES),
            created_at=parse_utc(document["created_at"]),
        )
        signature = parse_hex_key(signature_line.decode("ascii"), SIGNATURE_BYTES)
    except (EncodingError, UnicodeDecodeError) as error:
        raise SiteCardInvalid(f"The site card is damaged: {error}.") from error
    if not usable_encryption_key(peer.encryption_key):
        raise SiteCardInvalid("The site card is damaged: its encryption key cannot be used.")
    try:
        Ed25519PublicKey.from_public_bytes(peer.signing_key).verify(
            signature, _CARD_SIGNATURE_CONTEXT + body
        )
    except (InvalidSignature, ValueError) as error:
        raise SiteCardInvalid(
            "The site card has been changed since it was made. Ask the other site for a fresh copy."
        ) from error
    return peer


def usable_encryption_key(public_key: bytes) -> bool:
    """Whether an X25519 public key yields a real shared secret.

    Low-order points give an all-zero secret whatever the private key, which
    would make "encrypted" data readable by anyone; such keys are refused.
    """
    try:
        shared = X25519PrivateKey.generate().exchange(X25519PublicKey.from_public_bytes(public_key))
    except ValueError:
        return False
    return not hmac.compare_digest(shared, bytes(len(shared)))


def fingerprint(peer: PeerKeys) -> str:
    """The site's fingerprint: 60 digits in 12 groups of 5, e.g. ``"01234 56789 ..."``.

    It covers the site id and both public keys. SHA-256 is taken twice, over
    context || 0x01 || data and context || 0x02 || data, giving 64 bytes; each
    group is the next 5 bytes read as a big-endian number, modulo 100000. As
    2^40 is over ten million times 10^5, no group value is more likely than
    another by more than one part in ten million (the method Signal's safety
    numbers use).
    """
    data = peer.site_id.bytes + peer.signing_key + peer.encryption_key
    material = b"".join(
        hashlib.sha256(_FINGERPRINT_CONTEXT + bytes([block]) + data).digest() for block in (1, 2)
    )
    groups = (
        int.from_bytes(material[5 * index : 5 * index + 5], "big") % 10**FINGERPRINT_GROUP_DIGITS
        for index in range(FINGERPRINT_GROUPS)
    )
    return " ".join(f"{group:0{FINGERPRINT_GROUP_DIGITS}d}" for group in groups)


def parse_fingerprint(text: str) -> str:
    """A fingerprint typed loosely (spaces, dashes, line breaks), in its standard form."""
    digits: list[str] = []
    for character in text:
        if character in "0123456789":
            digits.append(character)
        elif not (character.isspace() or character in _FINGERPRINT_SEPARATORS):
            raise FingerprintMalformed(
                f"A fingerprint is made of digits only; “{character}” is not one."
            )
    if len(digits) != FINGERPRINT_DIGITS:
        raise FingerprintMalformed(
            f"A fingerprint has {FINGERPRINT_DIGITS} digits ({FINGERPRINT_GROUPS} groups of "
            f"{FINGERPRINT_GROUP_DIGITS}); this has {len(digits)}."
        )
    run = "".join(digits)
    return " ".join(
        run[start : start + FINGERPRINT_GROUP_DIGITS]
        for start in range(0, FINGERPRINT_DIGITS, FINGERPRINT_GROUP_DIGITS)
    )


def fingerprints_match(a: str, b: str) -> bool:
    """Whether two fingerprints, each possibly typed loosely, are the same.

    Raises ``FingerprintMalformed`` when either is not a fingerprint at all, so
    a typing slip is told apart from a real mismatch.
    """
    return hmac.compare_digest(
        parse_fingerprint(a).encode("ascii"), parse_fingerprint(b).encode("ascii")
    )


def _checked_site_name(name: str) -> str:
    problem = site_name_problem(name)
    if problem:
        raise ValueError(f"site name {problem}")
    return name


def _card_site_name(name: object) -> str:
    if not isinstance(name, str):
        raise EncodingError("the site name is not text")
    problem = site_name_problem(name)
    if problem:
        raise EncodingError(f"the site name {problem}")
    return name


def site_name_problem(name: str) -> str | None:
    if not name.strip():
        return "is empty"
    if name != name.strip():
        return "starts or ends with a space"
    if len(name) > MAX_SITE_NAME_CHARS:
        return f"is longer than {MAX_SITE_NAME_CHARS} characters"
    # Control and format characters (bidirectional overrides among them) could
    # make a name display as something other than what it is.
    if any(unicodedata.category(character).startswith("C") for character in name):
        return "contains invisible or control characters"
    return None


def _card_site_kind(kind: object) -> SiteKind:
    if not isinstance(kind, str) or kind not in {member.value for member in SiteKind}:
        raise EncodingError("the site kind is neither prison nor university")
    return SiteKind(kind)
