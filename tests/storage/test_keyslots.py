from __future__ import annotations

import json
import uuid
from dataclasses import replace

import pytest

from lt_desktop.domain.errors import NotAStore, StoreCorrupt
from lt_desktop.storage.kdf import CHEAP_TEST_PARAMS, KdfParams
from lt_desktop.storage.keyslots import KeyFile, password_bytes

DATA_KEY = bytes(range(32))


def _key_file() -> KeyFile:
    key_file = KeyFile(store_id=uuid.uuid4())
    key_file.put_user_slot(
        user_id=uuid.uuid4(),
        username="Ada",
        password="pässword one",
        data_key=DATA_KEY,
        kdf=CHEAP_TEST_PARAMS,
    )
    return key_file


def test_the_right_password_opens_the_slot_and_a_wrong_one_does_not() -> None:
    key_file = _key_file()
    slot = key_file.slot_for_user("ada")
    assert slot is not None
    assert slot.open(key_file.store_id, password_bytes("pässword one")) == DATA_KEY
    assert slot.open(key_file.store_id, password_bytes("pässword two")) is None


def test_unicode_passwords_match_however_they_were_composed() -> None:
    key_file = _key_file()
    slot = key_file.slot_for_user("ADA")
    assert slot is not None
    decomposed = "pa\u0308ssword one"
    assert slot.open(key_file.store_id, password_bytes(decomposed)) == DATA_KEY


def test_a_slot_moved_to_another_store_does_not_open() -> None:
    key_file = _key_file()
    slot = key_file.slot_for_user("ada")
    assert slot is not None
    assert slot.open(uuid.uuid4(), password_bytes("pässword one")) is None


def test_weakening_a_slots_settings_breaks_it() -> None:
    key_file = _key_file()
    slot = key_file.slot_for_user("ada")
    assert slot is not None
    weaker = replace(slot, kdf=KdfParams(memory_kib=16, iterations=1, lanes=1))
    assert weaker.open(key_file.store_id, password_bytes("pässword one")) is None


def test_the_key_file_round_trips_and_holds_no_user_name() -> None:
    key_file = _key_file()
    key_file.put_user_slot(
        user_id=uuid.uuid4(),
        username="zebedee.quill",
        password="pw for zebedee",
        data_key=DATA_KEY,
        kdf=CHEAP_TEST_PARAMS,
    )
    raw = key_file.to_bytes()
    assert b"zebedee" not in raw.lower()  # a dot never occurs in base64 or hex by chance
    again = KeyFile.from_bytes(raw)
    assert again.slot_for_user("zebedee.quill") == key_file.slot_for_user("zebedee.quill")


def test_changing_a_password_replaces_one_slot_only() -> None:
    key_file = _key_file()
    user_id = uuid.uuid4()
    key_file.put_user_slot(
        user_id=user_id,
        username="bo",
        password="first password",
        data_key=DATA_KEY,
        kdf=CHEAP_TEST_PARAMS,
    )
    ada_before = key_file.slot_for_user("ada")
    key_file.put_user_slot(
        user_id=user_id,
        username="bo",
        password="second password",
        data_key=DATA_KEY,
        kdf=CHEAP_TEST_PARAMS,
    )
    assert len(key_file.slots) == 2
    assert key_file.slot_for_user("ada") == ada_before
    slot = key_file.slot_for_user("bo")
    assert slot is not None
    assert slot.open(key_file.store_id, password_bytes("first password")) is None
    assert slot.open(key_file.store_id, password_bytes("second password")) == DATA_KEY


@pytest.mark.parametrize(
    "raw",
    [b"", b"\xff\xfe", b"[]", b'{"format": "something else"}', b"PK\x03\x04 zip file"],
)
def test_foreign_files_are_not_mistaken_for_key_files(raw: bytes) -> None:
    with pytest.raises(NotAStore):
        KeyFile.from_bytes(raw)


def test_hostile_kdf_settings_are_refused_before_any_work() -> None:
    document = json.loads(_key_file().to_bytes())
    document["slots"][0]["kdf"]["memory_kib"] = 2**40
    with pytest.raises(StoreCorrupt, match="out of range"):
        KeyFile.from_bytes(json.dumps(document).encode())


def test_a_damaged_slot_is_reported_as_damage() -> None:
    document = json.loads(_key_file().to_bytes())
    document["slots"][0]["wrapped_key"] = "not base64!"
    with pytest.raises(StoreCorrupt):
        KeyFile.from_bytes(json.dumps(document).encode())
