"""A file of the store put back from an earlier copy: an old key file brings back an
old password or a disabled account, an old database drops recent work. Each is
refused when the store opens, and said by the full check; a crash between the
database's commit and the key file's move is finished, not refused."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from lt_desktop.core.sign_in import sign_in
from lt_desktop.domain.errors import StoreCorrupt
from lt_desktop.domain.roles import Role
from lt_desktop.storage.key_binding import KeyFileMismatch
from lt_desktop.storage.keyslots import KeyFile
from tests.helpers.stores import (
    ADMIN,
    ADMIN_PASSWORD,
    USER_PASSWORD,
    add_account,
    new_store,
)

NEW_PASSWORD = "a brand new password"


@pytest.fixture
def store(store_dir: Path) -> Path:
    new_store(store_dir).close()
    with sign_in(store_dir, ADMIN, ADMIN_PASSWORD) as admin:
        add_account(admin, "leaver", Role.EDUCATION_STAFF)
    return store_dir


def _keep(path: Path, tmp_path: Path, name: str) -> Path:
    kept = tmp_path / name
    shutil.copy2(path, kept)
    return kept


def test_an_old_key_file_put_back_after_a_password_change_is_refused(
    store: Path, tmp_path: Path
) -> None:
    old = _keep(store / "keys.json", tmp_path, "keys.old")
    with sign_in(store, "leaver", USER_PASSWORD) as leaver:
        leaver.accounts.change_own_password(USER_PASSWORD, NEW_PASSWORD)
    current = _keep(store / "keys.json", tmp_path, "keys.current")
    shutil.copy2(old, store / "keys.json")
    for user, password in [("leaver", USER_PASSWORD), (ADMIN, ADMIN_PASSWORD)]:
        with pytest.raises(KeyFileMismatch, match="older copy"):
            sign_in(store, user, password)
    # The key file that belongs with the database puts everything right.
    shutil.copy2(current, store / "keys.json")
    sign_in(store, "leaver", NEW_PASSWORD).close()


def test_an_old_key_file_cannot_bring_back_a_disabled_account(store: Path, tmp_path: Path) -> None:
    old = _keep(store / "keys.json", tmp_path, "keys.old")
    with sign_in(store, ADMIN, ADMIN_PASSWORD) as admin:
        admin.accounts.disable_account("leaver")
    shutil.copy2(old, store / "keys.json")
    with pytest.raises(KeyFileMismatch):
        sign_in(store, "leaver", USER_PASSWORD)


def test_an_old_database_beside_the_current_key_file_is_refused(
    store: Path, tmp_path: Path
) -> None:
    with sign_in(store, ADMIN, ADMIN_PASSWORD) as admin:
        admin.store.checkpoint()
    old = _keep(store / "store.db", tmp_path, "store.old")
    with sign_in(store, ADMIN, ADMIN_PASSWORD) as admin:
        add_account(admin, "newcomer", Role.FACILITATOR)
        admin.store.checkpoint()
    for leftover in ("store.db-wal", "store.db-shm"):
        (store / leftover).unlink(missing_ok=True)
    shutil.copy2(old, store / "store.db")
    with pytest.raises(KeyFileMismatch):
        sign_in(store, ADMIN, ADMIN_PASSWORD)


def test_an_audit_anchor_wiped_from_the_key_file_is_refused(store: Path) -> None:
    document = json.loads((store / "keys.json").read_bytes())
    document["audit_head"] = None
    (store / "keys.json").write_text(json.dumps(document, indent=2, sort_keys=True) + "\n")
    with pytest.raises(StoreCorrupt, match="does not belong with its database"):
        sign_in(store, ADMIN, ADMIN_PASSWORD)


def test_the_full_check_says_the_key_file_does_not_belong(store: Path, tmp_path: Path) -> None:
    old = _keep(store / "keys.json", tmp_path, "keys.old")
    with sign_in(store, ADMIN, ADMIN_PASSWORD) as admin:
        admin.accounts.reset_password("leaver", NEW_PASSWORD)
    shutil.copy2(old, store / "keys.json")
    with sign_in(store, ADMIN, ADMIN_PASSWORD, check_on_open=False) as admin:
        report = admin.maintenance.check()
    assert not report.sound
    assert any("does not belong with its database" in p for p in report.problems)


_CRASH_BEFORE_THE_KEY_FILE_MOVES = """
import os, sys
from lt_desktop.core.sign_in import sign_in
from lt_desktop.storage import atomic

def crash(self):
    os._exit(9)  # the database has committed; the new key file is written beside the old

with sign_in(sys.argv[1], "leaver", sys.argv[2]) as leaver:
    atomic.StagedFile.commit = crash
    leaver.accounts.change_own_password(sys.argv[2], sys.argv[3])
"""


def test_a_crash_before_the_new_key_file_moves_in_is_finished_on_opening(store: Path) -> None:
    result = subprocess.run(
        [
            sys.executable,
            "-c",
            _CRASH_BEFORE_THE_KEY_FILE_MOVES,
            str(store),
            USER_PASSWORD,
            NEW_PASSWORD,
        ],
        env={**os.environ, "LT_DESKTOP_TEST_KDF": "cheap"},
        capture_output=True,
        timeout=120,
    )
    assert result.returncode == 9, result.stderr.decode()
    in_place = KeyFile.load(store / "keys.json")
    slot = in_place.slot_for_user("leaver")
    assert slot is not None and slot.open(in_place.store_id, USER_PASSWORD.encode())
    # ...so the old key file is still in place,
    assert list(store.glob(".keys.json.*.partial")), "the new one waits beside it"
    # The change committed, so the new password is the one that opens the store.
    sign_in(store, "leaver", NEW_PASSWORD).close()
    assert not list(store.glob(".keys.json.*.partial"))
    with sign_in(store, ADMIN, ADMIN_PASSWORD, check_on_open=False) as admin:
        assert admin.maintenance.check().sound
