from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
import sqlcipher3

from lt_desktop.core.sign_in import recover_account, sign_in
from lt_desktop.domain.errors import (
    InvalidRecoveryKey,
    StoreAlreadyExists,
    StoreCorrupt,
    StoreInUse,
    StoreNotFound,
    StoreTooNew,
    WrongCredentials,
)
from lt_desktop.domain.roles import Role
from lt_desktop.storage.backup import raw_key_pragma
from lt_desktop.storage.folder import StoreFolder
from lt_desktop.storage.keyslots import KeyFile, password_bytes
from lt_desktop.storage.recovery_key import RecoveryKey
from lt_desktop.storage.store import LockedStore
from tests.helpers.stores import (
    ADMIN,
    ADMIN_PASSWORD,
    USER_PASSWORD,
    add_account,
    new_store,
    sign_in_as,
)

PAGE = 4096


def _data_key(folder: Path, username: str, password: str) -> bytes:
    key_file = KeyFile.load(folder / "keys.json")
    slot = key_file.slot_for_user(username)
    assert slot is not None
    key = slot.open(key_file.store_id, password_bytes(password))
    assert key is not None
    return key


def _pages(path: Path) -> list[bytes]:
    data = path.read_bytes()
    return [data[i : i + PAGE] for i in range(0, len(data), PAGE)]


def test_a_new_store_is_a_folder_with_a_database_and_a_key_file(store_dir: Path) -> None:
    new_store(store_dir).close()
    assert {"store.db", "keys.json"} <= {p.name for p in store_dir.iterdir()}
    assert StoreFolder(store_dir).has_store()


def test_the_database_is_sqlcipher_keyed_with_the_raw_data_key(store_dir: Path) -> None:
    new_store(store_dir).close()
    database = store_dir / "store.db"
    assert not database.read_bytes().startswith(b"SQLite format 3")
    connection = sqlcipher3.connect(str(database))
    connection.execute(raw_key_pragma(_data_key(store_dir, ADMIN, ADMIN_PASSWORD)))
    assert connection.execute("SELECT count(*) FROM users").fetchone() == (1,)
    assert connection.execute("PRAGMA cipher_version").fetchone()[0].startswith("4.")
    connection.close()
    stranger = sqlcipher3.connect(str(database))
    stranger.execute(raw_key_pragma(bytes(32)))
    with pytest.raises(sqlcipher3.DatabaseError):
        stranger.execute("SELECT count(*) FROM users").fetchone()
    stranger.close()


def test_a_wrong_password_and_an_unknown_user_get_the_same_answer(store_dir: Path) -> None:
    new_store(store_dir).close()
    for username, password in [(ADMIN, "not the password"), ("nobody", ADMIN_PASSWORD)]:
        with pytest.raises(WrongCredentials, match="user name or password is not right"):
            sign_in(store_dir, username, password)
    with sign_in(store_dir, " Admin ", ADMIN_PASSWORD) as workspace:
        assert workspace.actor.username == ADMIN
        assert workspace.actor.role is Role.ADMINISTRATOR


def test_slots_are_added_changed_and_removed_with_accounts(store_dir: Path) -> None:
    new_store(store_dir).close()
    with sign_in(store_dir, ADMIN, ADMIN_PASSWORD) as admin:
        add_account(admin, "sam", Role.EDUCATION_STAFF)
        assert len(admin.store.key_file.slots) == 3  # admin, recovery, sam
    with sign_in_as(store_dir, "sam") as sam:
        sam.accounts.change_own_password(USER_PASSWORD, "a brand new password")
    with pytest.raises(WrongCredentials):
        sign_in_as(store_dir, "sam")
    sign_in(store_dir, "sam", "a brand new password").close()
    with sign_in(store_dir, ADMIN, ADMIN_PASSWORD) as admin:
        admin.accounts.disable_account("sam")
        assert len(admin.store.key_file.slots) == 2
    with pytest.raises(WrongCredentials):
        sign_in(store_dir, "sam", "a brand new password")


def test_a_password_change_reencrypts_nothing(demo_dir: Path) -> None:
    data_key = _data_key(demo_dir, "demo", "demo")
    pages_before = _pages(demo_dir / "store.db")
    with sign_in(demo_dir, "staff", "demo") as staff:
        slots_before = {slot.slot_id: slot for slot in staff.store.key_file.slots}
        staff.store.set_password(staff.actor.user_id, "staff", "a much longer password")
        slots_after = {slot.slot_id: slot for slot in staff.store.key_file.slots}
        staff.store.checkpoint()
        staff_id = staff.actor.user_id
    changed = [i for i, slot in slots_before.items() if slots_after[i] != slot]
    assert changed == [staff_id]
    assert _data_key(demo_dir, "staff", "a much longer password") == data_key
    pages_after = _pages(demo_dir / "store.db")
    unchanged = sum(1 for a, b in zip(pages_before, pages_after, strict=False) if a == b)
    # Signing in writes a few pages (the audit log); re-encrypting would rewrite them all.
    assert unchanged >= 0.9 * len(pages_before)


def test_the_recovery_key_resets_a_forgotten_password(store_dir: Path) -> None:
    printed: list[str] = []
    new_store(store_dir, recovery=printed).close()
    with pytest.raises(InvalidRecoveryKey):
        recover_account(store_dir, str(RecoveryKey.generate()), ADMIN, "new password 1")
    with recover_account(store_dir, printed[0].lower(), ADMIN, "new password 1") as workspace:
        actions = [line.action for line in workspace.audit.entries()]
        assert "user.recovered" in actions
    with pytest.raises(WrongCredentials):
        sign_in(store_dir, ADMIN, ADMIN_PASSWORD)
    sign_in(store_dir, ADMIN, "new password 1").close()


def test_a_replaced_recovery_key_retires_the_old_one(store_dir: Path) -> None:
    printed: list[str] = []
    new_store(store_dir, recovery=printed).close()
    with sign_in(store_dir, ADMIN, ADMIN_PASSWORD) as admin:
        fresh = admin.accounts.replace_recovery_key()
    with pytest.raises(InvalidRecoveryKey, match="does not belong"):
        recover_account(store_dir, printed[0], ADMIN, "new password 2")
    recover_account(store_dir, str(fresh), ADMIN, "new password 2").close()


def test_init_refuses_a_folder_that_already_holds_a_store(store_dir: Path) -> None:
    new_store(store_dir).close()
    with pytest.raises(StoreAlreadyExists):
        new_store(store_dir)


def test_an_interrupted_setup_is_set_aside_not_deleted(store_dir: Path) -> None:
    store_dir.mkdir()
    (store_dir / "store.db").write_bytes(b"left over by a crash during set-up")
    new_store(store_dir).close()
    leftovers = list(store_dir.glob("store.db.orphaned-*"))
    assert len(leftovers) == 1
    assert leftovers[0].read_bytes() == b"left over by a crash during set-up"


def test_opening_a_folder_without_a_store_says_so(tmp_path: Path) -> None:
    with pytest.raises(StoreNotFound, match="no LT Desktop store"):
        LockedStore(tmp_path / "missing")
    (tmp_path / "empty").mkdir()
    with pytest.raises(StoreNotFound):
        LockedStore(tmp_path / "empty")


def test_a_lost_database_file_is_reported_not_recreated(store_dir: Path) -> None:
    new_store(store_dir).close()
    (store_dir / "store.db").unlink()
    with pytest.raises(StoreCorrupt, match="lost its database"):
        sign_in(store_dir, ADMIN, ADMIN_PASSWORD)
    assert not (store_dir / "store.db").exists()


def test_a_database_from_another_store_is_refused(tmp_path: Path) -> None:
    new_store(tmp_path / "one").close()
    new_store(tmp_path / "two").close()
    (tmp_path / "two" / "store.db").write_bytes((tmp_path / "one" / "store.db").read_bytes())
    with pytest.raises(StoreCorrupt, match="another store"):
        sign_in(tmp_path / "two", ADMIN, ADMIN_PASSWORD)


def test_a_store_from_a_newer_version_is_refused_and_left_alone(store_dir: Path) -> None:
    new_store(store_dir).close()
    connection = sqlcipher3.connect(str(store_dir / "store.db"))
    connection.execute(raw_key_pragma(_data_key(store_dir, ADMIN, ADMIN_PASSWORD)))
    connection.execute("UPDATE alembic_version SET version_num = '9999'")
    connection.commit()
    connection.close()
    before = (store_dir / "store.db").read_bytes()
    with pytest.raises(StoreTooNew, match="newer version of LT Desktop"):
        sign_in(store_dir, ADMIN, ADMIN_PASSWORD)
    assert (store_dir / "store.db").read_bytes() == before
    assert not (store_dir / "backups").exists()


def test_a_second_opener_is_refused_clearly(store_dir: Path) -> None:
    new_store(store_dir).close()
    with sign_in(store_dir, ADMIN, ADMIN_PASSWORD):
        with pytest.raises(StoreInUse, match=f"already open.*process {os.getpid()}"):
            LockedStore(store_dir)
        with pytest.raises(StoreInUse):
            sign_in(store_dir, ADMIN, ADMIN_PASSWORD)
    sign_in(store_dir, ADMIN, ADMIN_PASSWORD).close()


def test_a_lock_left_by_a_crashed_process_is_taken_over(store_dir: Path) -> None:
    new_store(store_dir).close()
    with subprocess.Popen(
        [
            sys.executable,
            "-c",
            textwrap.dedent(
                f"""
                import sys, time
                from lt_desktop.core.sign_in import sign_in
                workspace = sign_in({str(store_dir)!r}, {ADMIN!r}, {ADMIN_PASSWORD!r})
                print("open", flush=True)
                time.sleep(600)
                """
            ),
        ],
        stdout=subprocess.PIPE,
        text=True,
        env={**os.environ, "LT_DESKTOP_TEST_KDF": "cheap"},
    ) as holder:
        try:
            assert holder.stdout is not None
            assert holder.stdout.readline().strip() == "open"
            with pytest.raises(StoreInUse, match=f"process {holder.pid}"):
                LockedStore(store_dir)
            holder.send_signal(signal.SIGKILL)
            holder.wait(timeout=30)
        finally:
            holder.kill()
    assert (store_dir / "store.lock").exists()  # the crash left its lock file behind
    with sign_in(store_dir, ADMIN, ADMIN_PASSWORD) as workspace:
        assert workspace.store.integrity_problems() == []


def test_a_locked_store_leaves_nothing_of_its_key_in_memory(store_dir: Path) -> None:
    """After a lock, the engine (whose address carries the database key) and the
    session makers are let go, however many sessions were opened before."""
    import gc
    import weakref

    from sqlalchemy import Engine

    store = new_store(store_dir)
    with store.write() as written:
        written.flush()
    with store.read() as read:
        read.flush()
    del written, read
    engine = weakref.ref(store.engine)
    factory = weakref.ref(store.sessions)
    key_text = store.engine.url.password
    assert key_text
    door = store.lock()
    del store
    gc.collect()
    assert engine() is None, "the engine outlived the lock"
    assert factory() is None, "the session factory outlived the lock"
    left = [e for e in gc.get_objects() if isinstance(e, Engine) and e.url.password == key_text]
    assert not left
    door.release()
