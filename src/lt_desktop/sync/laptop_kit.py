"""The laptop kit: what a classroom laptop needs to set itself up, sealed under a
one-time passphrase the education PC shows on its screen.

The PC makes the laptop's site keys itself, pairs with them at once (nothing to
read aloud: the keys never left the PC), and writes them to the kit with its own
site card, the laptop's cohorts and its first bundle. The kit travels on the stick;
the passphrase does not (it is read off the PC's screen and typed on the laptop).

A kit is one file::

    LT-DESKTOP-LAPTOP-KIT\\n
    {"cipher":"AES-256-GCM","kdf":{...Argon2id settings...},"nonce":"<hex>","salt":"<hex>",
     "version":1}\\n
    <AES-256-GCM ciphertext and tag>

The key is Argon2id(passphrase, salt) with the settings named; everything before the
ciphertext is bound to it as associated data, so a kit changed anywhere does not open.
The passphrase is 20 characters of Crockford's base 32 (100 random bits): out of reach
of guessing, however fast a thief's computers, and typed in five groups of four.
"""

from __future__ import annotations

import base64
import secrets
import uuid
from dataclasses import dataclass
from datetime import datetime

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from lt_desktop.domain.errors import LtError, StoreCorrupt
from lt_desktop.domain.vocabulary import SiteKind
from lt_desktop.storage.kdf import KdfParams, params_for_new_slots
from lt_desktop.sync._encoding import (
    EncodingError,
    canonical_json,
    format_utc,
    parse_utc,
    parse_uuid,
    strict_json_object,
)
from lt_desktop.sync.identity import PeerKeys, SiteCardInvalid, SiteIdentity, read_site_card

MAGIC = b"LT-DESKTOP-LAPTOP-KIT\n"
KIT_VERSION = 1
KIT_SUFFIX = ".ltkit"
#: A kit holds a first bundle of a few cohorts' registers: far less than this.
MAX_KIT_BYTES = 64 * 1024 * 1024
_MAX_HEADER_BYTES = 4096
_SALT_BYTES = 16
_NONCE_BYTES = 12

#: Crockford's base 32: no I, L, O or U, so nothing is read as something else.
ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
_GROUPS, _GROUP_CHARS = 5, 4
_READ_AS = {"O": "0", "I": "1", "L": "1"}


class KitRefused(LtError):
    """A kit that cannot be used: not a kit, damaged, or the wrong passphrase."""


@dataclass(frozen=True)
class LaptopKit:
    """What a kit holds, once opened."""

    laptop: SiteIdentity
    education_pc: PeerKeys
    education_pc_card: bytes
    cohorts: tuple[uuid.UUID, ...]
    first_bundle: bytes


def new_passphrase() -> str:
    """A one-time passphrase: ``K7QD-M2XH-…``, five groups of four."""
    characters = "".join(secrets.choice(ALPHABET) for _ in range(_GROUPS * _GROUP_CHARS))
    return "-".join(
        characters[start : start + _GROUP_CHARS]
        for start in range(0, len(characters), _GROUP_CHARS)
    )


def normalised_passphrase(text: str) -> str:
    """The passphrase as typed (any case, spaces or dashes, O for 0), in its standard form."""
    characters = []
    for character in text.upper():
        if character.isspace() or character in "-\u2010\u2011\u2012\u2013\u2014":
            continue
        character = _READ_AS.get(character, character)
        if character not in ALPHABET:
            raise KitRefused(
                f"The passphrase is made of letters and digits only; “{character}” is not in it."
            )
        characters.append(character)
    if len(characters) != _GROUPS * _GROUP_CHARS:
        raise KitRefused(
            f"The passphrase has {_GROUPS * _GROUP_CHARS} letters and digits "
            f"({_GROUPS} groups of {_GROUP_CHARS}); this has {len(characters)}."
        )
    joined = "".join(characters)
    return "-".join(joined[i : i + _GROUP_CHARS] for i in range(0, len(joined), _GROUP_CHARS))


def seal_kit(kit: LaptopKit, passphrase: str, *, kdf: KdfParams | None = None) -> bytes:
    kdf = kdf or params_for_new_slots()
    salt = secrets.token_bytes(_SALT_BYTES)
    nonce = secrets.token_bytes(_NONCE_BYTES)
    header = (
        MAGIC
        + canonical_json(
            {
                "version": KIT_VERSION,
                "cipher": "AES-256-GCM",
                "kdf": kdf.to_json(),
                "salt": salt.hex(),
                "nonce": nonce.hex(),
            }
        )
        + b"\n"
    )
    laptop = kit.laptop
    body = canonical_json(
        {
            "laptop": {
                "site_id": str(laptop.site_id),
                "name": laptop.name,
                "created_at": format_utc(laptop.created_at),
                "private_keys": laptop.private_key_bytes().hex(),
            },
            "education_pc_card": kit.education_pc_card.decode("utf-8"),
            "cohorts": [str(c) for c in kit.cohorts],
            "first_bundle": base64.b64encode(kit.first_bundle).decode("ascii"),
        }
    )
    key = kdf.derive(normalised_passphrase(passphrase).encode("ascii"), salt)
    return header + AESGCM(key).encrypt(nonce, body, header)


def open_kit(raw: bytes, passphrase: str) -> LaptopKit:
    """The kit's contents, or ``KitRefused`` saying why not."""
    typed = normalised_passphrase(passphrase)
    if len(raw) > MAX_KIT_BYTES:
        raise KitRefused("This file is too large to be a classroom laptop kit.")
    if not raw.startswith(MAGIC):
        raise KitRefused("This file is not a classroom laptop kit.")
    end = raw.find(b"\n", len(MAGIC), len(MAGIC) + _MAX_HEADER_BYTES)
    if end < 0:
        raise KitRefused("The kit is damaged: its header cannot be read.")
    header, sealed = raw[: end + 1], raw[end + 1 :]
    try:
        fields = strict_json_object(raw[len(MAGIC) : end])
        if fields.get("version") != KIT_VERSION or fields.get("cipher") != "AES-256-GCM":
            raise KitRefused(
                "This kit was written by a version of LT Desktop this one cannot read."
            )
        kdf = KdfParams.from_json(fields["kdf"])
        salt, nonce = bytes.fromhex(fields["salt"]), bytes.fromhex(fields["nonce"])
    except (EncodingError, StoreCorrupt, KeyError, TypeError, ValueError) as error:
        raise KitRefused("The kit is damaged: its header cannot be read.") from error
    if len(salt) != _SALT_BYTES or len(nonce) != _NONCE_BYTES:
        raise KitRefused("The kit is damaged: its header cannot be read.")
    key = kdf.derive(typed.encode("ascii"), salt)
    try:
        body = AESGCM(key).decrypt(nonce, sealed, header)
    except InvalidTag as error:
        raise KitRefused(
            "The passphrase does not open this kit. Type it again as the education PC showed "
            "it; a kit changed since it was written does not open either."
        ) from error
    try:
        document = strict_json_object(body)
        laptop = document["laptop"]
        card = document["education_pc_card"].encode("utf-8")
        education_pc = read_site_card(card)
        identity = SiteIdentity.from_private_key_bytes(
            bytes.fromhex(laptop["private_keys"]),
            site_id=parse_uuid(laptop["site_id"]),
            name=laptop["name"],
            kind=SiteKind.PRISON,
            created_at=_moment(laptop["created_at"]),
        )
        cohorts = tuple(parse_uuid(c) for c in document["cohorts"])
        first_bundle = base64.b64decode(document["first_bundle"], validate=True)
    except (EncodingError, SiteCardInvalid, KeyError, TypeError, ValueError) as error:
        raise KitRefused("The kit is damaged: what it holds cannot be read.") from error
    if education_pc.kind is not SiteKind.PRISON or not cohorts:
        raise KitRefused("The kit is damaged: what it holds cannot be read.")
    return LaptopKit(identity, education_pc, card, cohorts, first_bundle)


def _moment(text: str) -> datetime:
    return parse_utc(text)
