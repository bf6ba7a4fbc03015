"""The key file: the store's data key, wrapped once per account and once for recovery.

A slot is Argon2id(secret, salt) -> AES-256-GCM wrap of the 256-bit data key. The
slot's identity and KDF settings are bound in as associated data, so a slot cannot
be moved to another store or account, nor its settings swapped. Changing a
password rewrites one slot and re-encrypts nothing.

The file holds no personal data: accounts are found by a salted hash of the user
name, never by the name itself.
"""

from __future__ import annotations

import base64
import hashlib
import json
import secrets
import unicodedata
import uuid
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from lt_desktop.domain.errors import NotAStore, StoreCorrupt
from lt_desktop.storage.atomic import StagedFile, write_atomic
from lt_desktop.storage.kdf import KdfParams

FORMAT = "lt-desktop-keys"
FORMAT_VERSION = 1
DATA_KEY_BYTES = 32
MAX_KEY_FILE_BYTES = 1024 * 1024

USER_SLOT = "user"
RECOVERY_SLOT = "recovery"


def normalise_username(username: str) -> str:
    return unicodedata.normalize("NFC", username).strip().casefold()


def password_bytes(password: str) -> bytes:
    return unicodedata.normalize("NFC", password).encode("utf-8")


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def _unb64(text: Any) -> bytes:
    if not isinstance(text, str):
        raise ValueError("expected base64 text")
    return base64.b64decode(text, validate=True)


@dataclass(frozen=True)
class AuditHead:
    """The newest audit entry the key file has seen, so removing entries is detected."""

    sequence: int
    digest: str


@dataclass(frozen=True)
class KeySlot:
    slot_id: uuid.UUID
    kind: str
    tag: str
    kdf: KdfParams
    salt: bytes
    nonce: bytes
    wrapped_key: bytes

    def _associated_data(self, store_id: uuid.UUID) -> bytes:
        return json.dumps(
            {
                "format": FORMAT,
                "store_id": str(store_id),
                "slot_id": str(self.slot_id),
                "kind": self.kind,
                "tag": self.tag,
                "kdf": self.kdf.to_json(),
                "salt": _b64(self.salt),
            },
            sort_keys=True,
        ).encode()

    @classmethod
    def seal(
        cls,
        *,
        store_id: uuid.UUID,
        slot_id: uuid.UUID,
        kind: str,
        tag: str,
        secret: bytes,
        data_key: bytes,
        kdf: KdfParams,
    ) -> KeySlot:
        salt = secrets.token_bytes(16)
        nonce = secrets.token_bytes(12)
        slot = cls(slot_id, kind, tag, kdf, salt, nonce, b"")
        wrapping_key = kdf.derive(secret, salt)
        wrapped = AESGCM(wrapping_key).encrypt(nonce, data_key, slot._associated_data(store_id))
        return replace(slot, wrapped_key=wrapped)

    def open(self, store_id: uuid.UUID, secret: bytes) -> bytes | None:
        """The data key, or None when ``secret`` is not this slot's."""
        wrapping_key = self.kdf.derive(secret, self.salt)
        try:
            return AESGCM(wrapping_key).decrypt(
                self.nonce, self.wrapped_key, self._associated_data(store_id)
            )
        except InvalidTag:
            return None

    def to_json(self) -> dict[str, Any]:
        return {
            "slot_id": str(self.slot_id),
            "kind": self.kind,
            "tag": self.tag,
            "kdf": self.kdf.to_json(),
            "salt": _b64(self.salt),
            "nonce": _b64(self.nonce),
            "wrapped_key": _b64(self.wrapped_key),
        }

    @classmethod
    def from_json(cls, data: Any) -> KeySlot:
        try:
            slot = cls(
                slot_id=uuid.UUID(data["slot_id"]),
                kind=str(data["kind"]),
                tag=str(data["tag"]),
                kdf=KdfParams.from_json(data["kdf"]),
                salt=_unb64(data["salt"]),
                nonce=_unb64(data["nonce"]),
                wrapped_key=_unb64(data["wrapped_key"]),
            )
        except (KeyError, TypeError, ValueError) as error:
            raise StoreCorrupt("The key file is damaged (a key slot is unreadable).") from error
        if slot.kind not in (USER_SLOT, RECOVERY_SLOT) or len(slot.nonce) != 12:
            raise StoreCorrupt("The key file is damaged (a key slot is malformed).")
        return slot


@dataclass
class KeyFile:
    store_id: uuid.UUID
    slots: list[KeySlot] = field(default_factory=list)
    audit_head: AuditHead | None = None

    # -- looking slots up -------------------------------------------------------

    def user_tag(self, username: str) -> str:
        material = f"lt-desktop user\0{self.store_id}\0{normalise_username(username)}"
        return hashlib.sha256(material.encode()).hexdigest()

    def recovery_tag(self) -> str:
        return hashlib.sha256(f"lt-desktop recovery\0{self.store_id}".encode()).hexdigest()

    def slot_for_user(self, username: str) -> KeySlot | None:
        tag = self.user_tag(username)
        return next((s for s in self.slots if s.kind == USER_SLOT and s.tag == tag), None)

    def slot_by_id(self, slot_id: uuid.UUID) -> KeySlot | None:
        return next((s for s in self.slots if s.slot_id == slot_id), None)

    def recovery_slot(self) -> KeySlot | None:
        return next((s for s in self.slots if s.kind == RECOVERY_SLOT), None)

    # -- changing slots -----------------------------------------------------------

    def put_user_slot(
        self, *, user_id: uuid.UUID, username: str, password: str, data_key: bytes, kdf: KdfParams
    ) -> None:
        """Add or replace the slot of one account."""
        slot = KeySlot.seal(
            store_id=self.store_id,
            slot_id=user_id,
            kind=USER_SLOT,
            tag=self.user_tag(username),
            secret=password_bytes(password),
            data_key=data_key,
            kdf=kdf,
        )
        # A slot left under the same name (by an account made and then lost to a
        # failed write) must not shadow the new one.
        self.slots = [s for s in self.slots if s.slot_id != user_id and s.tag != slot.tag] + [slot]

    def put_recovery_slot(self, *, secret: bytes, data_key: bytes, kdf: KdfParams) -> None:
        slot = KeySlot.seal(
            store_id=self.store_id,
            slot_id=uuid.uuid4(),
            kind=RECOVERY_SLOT,
            tag=self.recovery_tag(),
            secret=secret,
            data_key=data_key,
            kdf=kdf,
        )
        self.slots = [s for s in self.slots if s.kind != RECOVERY_SLOT] + [slot]

    def remove_slot(self, slot_id: uuid.UUID) -> bool:
        before = len(self.slots)
        self.slots = [s for s in self.slots if s.slot_id != slot_id]
        return len(self.slots) != before

    # -- the file -------------------------------------------------------------------

    def to_bytes(self) -> bytes:
        document: dict[str, Any] = {
            "format": FORMAT,
            "version": FORMAT_VERSION,
            "store_id": str(self.store_id),
            "slots": [slot.to_json() for slot in self.slots],
            "audit_head": (
                None
                if self.audit_head is None
                else {"sequence": self.audit_head.sequence, "digest": self.audit_head.digest}
            ),
        }
        return json.dumps(document, indent=2, sort_keys=True).encode() + b"\n"

    @classmethod
    def from_bytes(cls, raw: bytes) -> KeyFile:
        try:
            document = json.loads(raw)
        except (UnicodeDecodeError, json.JSONDecodeError) as error:
            raise NotAStore("This is not an LT Desktop key file.") from error
        if not isinstance(document, dict) or document.get("format") != FORMAT:
            raise NotAStore("This is not an LT Desktop key file.")
        if document.get("version") != FORMAT_VERSION:
            raise StoreCorrupt(
                "The key file was written by a newer version of LT Desktop; install that version."
            )
        try:
            store_id = uuid.UUID(document["store_id"])
            slots = [KeySlot.from_json(item) for item in document["slots"]]
            head = document.get("audit_head")
            audit_head = (
                None if head is None else AuditHead(int(head["sequence"]), str(head["digest"]))
            )
        except (KeyError, TypeError, ValueError) as error:
            raise StoreCorrupt("The key file is damaged.") from error
        return cls(store_id=store_id, slots=slots, audit_head=audit_head)

    @classmethod
    def load(cls, path: Path) -> KeyFile:
        with open(path, "rb") as handle:
            raw = handle.read(MAX_KEY_FILE_BYTES + 1)
        if len(raw) > MAX_KEY_FILE_BYTES:
            raise NotAStore("This is not an LT Desktop key file (far too large).")
        return cls.from_bytes(raw)

    def save(self, path: Path) -> None:
        write_atomic(path, self.to_bytes(), what="The key file")

    def stage(self, path: Path) -> StagedFile:
        """Write this key file beside ``path``, ready to replace it (see StagedFile)."""
        return StagedFile(path, self.to_bytes(), what="The key file")

    def copy(self) -> KeyFile:
        return KeyFile(self.store_id, list(self.slots), self.audit_head)
