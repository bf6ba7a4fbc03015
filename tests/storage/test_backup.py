from __future__ import annotations

import os
import struct
from pathlib import Path

import pytest

from lt_desktop.core.sign_in import sign_in
from lt_desktop.core.stores import restore_store
from lt_desktop.domain.errors import BackupInvalid, StoreInUse, WrongCredentials
from lt_desktop.domain.vocabulary import PersonBase
from lt_desktop.storage.backup import MAGIC, read_header
from lt_desktop.storage.folder import StoreFolder
from tests.helpers.stores import ADMIN, ADMIN_PASSWORD, new_store


@pytest.fixture
def backup_file(store_dir: Path, tmp_path: Path) -> Path:
    new_store(store_dir).close()
    with sign_in(store_dir, ADMIN, ADMIN_PASSWORD) as workspace:
        workspace.people.add_person(
            given_name="Rowan", family_name="Before", base=PersonBase.PRISON
        )
        target = tmp_path / "media" / "store.ltbackup"
        target.parent.mkdir()
        workspace.maintenance.backup(target)
    return target


def _people(folder: Path) -> list[str]:
    with sign_in(folder, ADMIN, ADMIN_PASSWORD) as workspace:
        return sorted(p.display_name for p in workspace.people.list_people())


def test_a_backup_restores_the_store_as_it_was(backup_file: Path, store_dir: Path) -> None:
    with sign_in(store_dir, ADMIN, ADMIN_PASSWORD) as workspace:
        workspace.people.add_person(
            given_name="Sage", family_name="After", base=PersonBase.UNIVERSITY
        )
    assert _people(store_dir) == ["Rowan Before", "Sage After"]
    store, _ = restore_store(store_dir, backup_file, username=ADMIN, password=ADMIN_PASSWORD)
    store.close()
    assert _people(store_dir) == ["Rowan Before"]
    assert not list(store_dir.glob(".replaced-*")) and not list(store_dir.glob(".restore-*"))


def test_a_backup_restores_onto_a_new_machine(backup_file: Path, tmp_path: Path) -> None:
    fresh = tmp_path / "new-pc" / "LT Desktop"
    restore_store(fresh, backup_file, username=ADMIN, password=ADMIN_PASSWORD)[0].close()
    assert _people(fresh) == ["Rowan Before"]


def test_the_wrong_password_restores_nothing(backup_file: Path, store_dir: Path) -> None:
    before = (store_dir / "store.db").read_bytes()
    with pytest.raises(WrongCredentials):
        restore_store(store_dir, backup_file, username=ADMIN, password="wrong password")
    assert (store_dir / "store.db").read_bytes() == before


def test_restoring_over_an_open_store_is_refused(backup_file: Path, store_dir: Path) -> None:
    with sign_in(store_dir, ADMIN, ADMIN_PASSWORD):
        with pytest.raises(StoreInUse):
            restore_store(store_dir, backup_file, username=ADMIN, password=ADMIN_PASSWORD)


def _regions(path: Path) -> dict[str, int]:
    header = read_header(path)
    size = path.stat().st_size
    return {
        "magic": 3,
        "header length": len(MAGIC) + 1,
        "header": len(MAGIC) + 4 + 10,
        "key file": header.body_offset + 40,
        "database start": header.body_offset + header.key_file_size + 5,
        "database middle": header.body_offset + header.key_file_size + header.database_size // 2,
        "mac": size - 7,
    }


@pytest.mark.parametrize(
    "region",
    ["magic", "header length", "header", "key file", "database start", "database middle", "mac"],
)
def test_any_changed_byte_is_refused(backup_file: Path, store_dir: Path, region: str) -> None:
    offset = _regions(backup_file)[region]
    data = bytearray(backup_file.read_bytes())
    data[offset] ^= 0x01
    backup_file.write_bytes(bytes(data))
    before = (store_dir / "store.db").read_bytes()
    with pytest.raises((BackupInvalid, WrongCredentials)):
        restore_store(store_dir, backup_file, username=ADMIN, password=ADMIN_PASSWORD)
    assert (store_dir / "store.db").read_bytes() == before
    assert _people(store_dir) == ["Rowan Before"]


@pytest.mark.parametrize("keep", [1, 10, 200, -32, -1])
def test_a_cut_short_or_padded_file_is_refused(
    backup_file: Path, tmp_path: Path, keep: int
) -> None:
    data = backup_file.read_bytes()
    damaged = data[:keep] if keep > 0 else data[: len(data) + keep]
    backup_file.write_bytes(damaged)
    with pytest.raises(BackupInvalid):
        restore_store(tmp_path / "target", backup_file, username=ADMIN, password=ADMIN_PASSWORD)
    backup_file.write_bytes(data + b"\0")
    with pytest.raises(BackupInvalid, match="extra bytes"):
        restore_store(tmp_path / "target", backup_file, username=ADMIN, password=ADMIN_PASSWORD)


def test_a_file_that_is_not_a_backup_is_named_as_such(tmp_path: Path) -> None:
    imposter = tmp_path / "holiday.jpg"
    imposter.write_bytes(b"\xff\xd8\xff\xe0" + os.urandom(5000))
    with pytest.raises(BackupInvalid, match="is not an LT Desktop backup"):
        restore_store(tmp_path / "target", imposter, username=ADMIN, password=ADMIN_PASSWORD)


def test_a_hostile_header_length_does_not_exhaust_memory(tmp_path: Path) -> None:
    hostile = tmp_path / "hostile.ltbackup"
    hostile.write_bytes(MAGIC + struct.pack(">I", 2**31) + b"{}")
    with pytest.raises(BackupInvalid, match="header is too large"):
        read_header(hostile)


def test_a_restore_cut_short_by_a_crash_is_rolled_back(backup_file: Path, store_dir: Path) -> None:
    with sign_in(store_dir, ADMIN, ADMIN_PASSWORD) as workspace:
        workspace.people.add_person(
            given_name="Sage", family_name="After", base=PersonBase.UNIVERSITY
        )
    folder = StoreFolder(store_dir)
    # The state a crash leaves just after the old store was moved aside and the new
    # database moved in, before the new key file (the commit point) arrived.
    replaced = store_dir / ".replaced-20260101T000000-abcd"
    replaced.mkdir()
    for path in [folder.key_file, *folder.database_files()]:
        if path.exists():
            os.replace(path, replaced / path.name)
    (store_dir / "store.db").write_bytes(b"half-moved restored database")
    assert _people(store_dir) == ["Rowan Before", "Sage After"]
    assert not replaced.exists()
