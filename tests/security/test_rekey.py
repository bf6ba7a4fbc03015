"""Re-keying the store: a copy of an old key file, with a disabled account's old
password, no longer opens it; everyone else gets in with what the re-key handed out;
and a crash at any step leaves a whole store under the old credentials or the new."""

from __future__ import annotations

import json
import os
import shutil
import signal
import stat
import subprocess
import sys
from pathlib import Path

import pytest
import sqlcipher3

from lt_desktop.core.sign_in import recover_account, sign_in
from lt_desktop.domain.errors import (
    LtError,
    PermissionDenied,
    StoreCorrupt,
    ValidationError,
    WrongCredentials,
)
from lt_desktop.storage import rekey
from lt_desktop.storage import replacing as store_module
from lt_desktop.storage.backup import raw_key_pragma
from lt_desktop.storage.database import QUIET
from lt_desktop.storage.keyslots import KeyFile, password_bytes
from tests.cli.support import DEMO_ACCOUNTS, DEMO_PASSWORD, DEMO_USER, RECOVERY_KEY, run_as

CHILD = Path(__file__).resolve().parent / "rekey_child.py"
ROOT = CHILD.parents[2]
LEAVER = "staff"
OTHERS = sorted(set(DEMO_ACCOUNTS) - {DEMO_USER, LEAVER})


def data_key_of(key_file_bytes: bytes, username: str, password: str) -> bytes:
    key_file = KeyFile.from_bytes(key_file_bytes)
    slot = key_file.slot_for_user(username)
    assert slot is not None
    data_key = slot.open(key_file.store_id, password_bytes(password))
    assert data_key is not None
    return data_key


def table_counts(folder: Path, data_key: bytes) -> dict[str, int]:
    """Rows in every table but the audit log (which the re-key itself adds to)."""
    connection = sqlcipher3.connect(str(folder / "store.db"))
    try:
        connection.execute(QUIET)
        connection.execute(raw_key_pragma(data_key))
        tables = [
            row[0]
            for row in connection.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
        ]
        return {
            table: connection.execute(f'SELECT count(*) FROM "{table}"').fetchone()[0]
            for table in tables
            if table != "audit_log"
        }
    finally:
        connection.close()


def opens_with(database: Path, data_key: bytes) -> bool:
    connection = sqlcipher3.connect(str(database))
    try:
        connection.execute(QUIET)
        connection.execute(raw_key_pragma(data_key))
        connection.execute("SELECT count(*) FROM sqlite_master").fetchone()
        return True
    except sqlcipher3.DatabaseError:
        return False
    finally:
        connection.close()


def leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.startswith((".restore", ".replaced")))


def disable_leaver(folder: Path) -> None:
    with sign_in(folder, DEMO_USER, DEMO_PASSWORD) as admin:
        admin.accounts.disable_account(LEAVER)


def test_a_copy_of_the_old_key_file_no_longer_opens_the_re_keyed_store(demo_dir: Path) -> None:
    old_key_file = (demo_dir / "keys.json").read_bytes()
    old_data_key = data_key_of(old_key_file, LEAVER, DEMO_PASSWORD)
    assert data_key_of(old_key_file, DEMO_USER, DEMO_PASSWORD) == old_data_key
    disable_leaver(demo_dir)
    counts = table_counts(demo_dir, old_data_key)
    with sign_in(demo_dir, DEMO_USER, DEMO_PASSWORD) as admin:
        done = admin.accounts.rekey_store(DEMO_PASSWORD)
        # The workspace carries on, on the new database.
        assert {a.username for a in admin.accounts.list_accounts()} == set(DEMO_ACCOUNTS)
    assert sorted(done.one_time_passwords) == OTHERS
    assert done.disabled == [LEAVER]
    assert "one_time_passwords" not in repr(done)  # never logged by accident
    new_key_file = (demo_dir / "keys.json").read_bytes()
    new_data_key = data_key_of(new_key_file, DEMO_USER, DEMO_PASSWORD)
    assert new_data_key != old_data_key
    assert leftovers(demo_dir) == []
    if os.name != "nt":
        assert stat.S_IMODE((demo_dir / "store.db").stat().st_mode) == 0o600

    # The old data key, however it was got, does not open the new database.
    assert not opens_with(demo_dir / "store.db", old_data_key)
    assert opens_with(demo_dir / "store.db", new_data_key)

    # The old key file put back: the leaver's old password unwraps the old key, which
    # no longer opens anything.
    (demo_dir / "keys.json").write_bytes(old_key_file)
    with pytest.raises((StoreCorrupt, WrongCredentials)):
        sign_in(demo_dir, LEAVER, DEMO_PASSWORD).close()
    (demo_dir / "keys.json").write_bytes(new_key_file)

    # In the new key file the leaver has no slot at all.
    with pytest.raises(WrongCredentials):
        sign_in(demo_dir, LEAVER, DEMO_PASSWORD).close()
    # Everyone else: only their one-time password.
    for username in OTHERS:
        with pytest.raises(WrongCredentials):
            sign_in(demo_dir, username, DEMO_PASSWORD).close()
        with sign_in(demo_dir, username, done.one_time_passwords[username]) as signed_in:
            assert signed_in.actor.username == username
    with recover_account(demo_dir, str(done.recovery_key), DEMO_USER, "a brand new password"):
        pass
    with sign_in(demo_dir, DEMO_USER, "a brand new password") as admin:
        assert admin.audit.verify().sound
        rekeyed = next(line for line in admin.audit.entries() if line.action == "store.rekeyed")
        assert rekeyed.details == {
            "one_time_passwords_for": OTHERS,
            "disabled_accounts": [LEAVER],
            "stray_slots_dropped": 0,
        }
    assert table_counts(demo_dir, new_data_key) == counts


def test_the_old_recovery_key_stops_working(demo_dir: Path) -> None:
    made = run_as(demo_dir, DEMO_USER, "rekey")
    assert made.code == 0, made.err
    first = RECOVERY_KEY.search(made.out)
    assert first is not None
    again = run_as(demo_dir, DEMO_USER, "rekey")
    assert again.code == 0, again.err
    with pytest.raises(LtError, match="recovery key"):
        recover_account(demo_dir, first.group(0), DEMO_USER, "a brand new password").close()


def test_only_an_administrator_who_types_their_password_may_re_key(demo_dir: Path) -> None:
    before = KeyFile.load(demo_dir / "keys.json").slots
    with sign_in(demo_dir, "staff", DEMO_PASSWORD) as staff:
        with pytest.raises(PermissionDenied):
            staff.accounts.rekey_store(DEMO_PASSWORD)
    with sign_in(demo_dir, DEMO_USER, DEMO_PASSWORD) as admin:
        with pytest.raises(ValidationError, match="password is not right"):
            admin.accounts.rekey_store("not my password")
    assert KeyFile.load(demo_dir / "keys.json").slots == before


def test_a_failure_mid_swap_rolls_back_and_the_store_carries_on(
    demo_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The old files are moved out, then the swap fails: it is rolled back at once,
    and the open workspace goes on working under the old key."""
    sign_in(demo_dir, DEMO_USER, DEMO_PASSWORD).close()  # what a first sign-in records
    before = (demo_dir / "keys.json").read_bytes()
    old_data_key = data_key_of(before, DEMO_USER, DEMO_PASSWORD)
    counts = table_counts(demo_dir, old_data_key)

    fsync_directory = store_module.fsync_directory
    failures = [OSError(5, "Input/output error")]

    def broken_once(folder: Path) -> None:
        if failures:
            raise failures.pop()
        fsync_directory(folder)

    with sign_in(demo_dir, DEMO_USER, DEMO_PASSWORD) as admin:
        monkeypatch.setattr(store_module, "fsync_directory", broken_once)
        with pytest.raises(LtError):
            admin.accounts.rekey_store(DEMO_PASSWORD)
        monkeypatch.undo()
        assert {a.username for a in admin.accounts.list_accounts()} == set(DEMO_ACCOUNTS)
        admin.accounts.reset_password("marker", "after the failed re-key")
    assert (demo_dir / "keys.json").read_bytes() != before  # the reset landed
    assert leftovers(demo_dir) == []
    assert table_counts(demo_dir, old_data_key) == counts
    with sign_in(demo_dir, "facilitator", DEMO_PASSWORD):
        pass


def test_a_damaged_export_is_caught_before_anything_is_swapped(
    demo_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    before = KeyFile.load(demo_dir / "keys.json").slots
    export = rekey._export_database

    def damaged_export(store: object, target: Path, data_key: bytes) -> None:
        export(store, target, data_key)  # type: ignore[arg-type]
        data = bytearray(target.read_bytes())
        data[len(data) // 2] ^= 0xFF
        target.write_bytes(bytes(data))

    monkeypatch.setattr(rekey, "_export_database", damaged_export)
    with sign_in(demo_dir, DEMO_USER, DEMO_PASSWORD) as admin:
        with pytest.raises(StoreCorrupt, match="failed its check, so nothing was changed"):
            admin.accounts.rekey_store(DEMO_PASSWORD)
        assert {a.username for a in admin.accounts.list_accounts()} == set(DEMO_ACCOUNTS)
    assert KeyFile.load(demo_dir / "keys.json").slots == before
    assert leftovers(demo_dir) == []
    with sign_in(demo_dir, "marker", DEMO_PASSWORD):
        pass


# -- killed part-way ----------------------------------------------------------------------

STEPS = ["exported", "staged", "old-moved-out", "database-in", "key-file-in", "reopening"]


@pytest.mark.parametrize("step", STEPS)
def test_killed_at_any_step_the_store_opens_whole_with_old_or_new_credentials(
    demo_dir: Path, step: str
) -> None:
    disable_leaver(demo_dir)
    old_data_key = data_key_of((demo_dir / "keys.json").read_bytes(), DEMO_USER, DEMO_PASSWORD)
    counts = table_counts(demo_dir, old_data_key)
    child = subprocess.run(
        [sys.executable, str(CHILD), str(demo_dir), DEMO_USER, DEMO_PASSWORD, step],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env={**os.environ, "LT_DESKTOP_TEST_KDF": "cheap"},
        timeout=300,
    )
    assert child.returncode == -signal.SIGKILL, (child.returncode, child.stderr[-2000:])
    said = dict(line.split(" ", 1) for line in child.stdout.splitlines() if " " in line)
    one_time_passwords = json.loads(said["plan"])

    # The admin's own password opens whichever store is there.
    with sign_in(demo_dir, DEMO_USER, DEMO_PASSWORD) as admin:
        assert admin.audit.verify().sound
        assert admin.store.integrity_problems() == []
    assert leftovers(demo_dir) == []
    key_file = (demo_dir / "keys.json").read_bytes()
    data_key = data_key_of(key_file, DEMO_USER, DEMO_PASSWORD)
    rekeyed = data_key != old_data_key
    expected_new = step in ("key-file-in", "reopening")
    assert rekeyed is expected_new, step
    for username in OTHERS:
        password = one_time_passwords[username] if rekeyed else DEMO_PASSWORD
        with sign_in(demo_dir, username, password):
            pass
        wrong = DEMO_PASSWORD if rekeyed else one_time_passwords[username]
        with pytest.raises(WrongCredentials):
            sign_in(demo_dir, username, wrong).close()
    if rekeyed:
        assert not opens_with(demo_dir / "store.db", old_data_key)
        with recover_account(demo_dir, said["recovery"], DEMO_USER, "a brand new password"):
            pass
    # Sign-ins since add to the audit log only.
    assert table_counts(demo_dir, data_key) == counts


# -- the command line -----------------------------------------------------------------------


def test_lt_desktop_rekey_prints_the_new_passwords_and_recovery_key_once(demo_dir: Path) -> None:
    old_key_file = (demo_dir / "keys.json").read_bytes()
    disabled = run_as(demo_dir, DEMO_USER, "user", "disable", LEAVER)
    assert disabled.code == 0, disabled.err
    assert "re-key" in disabled.out
    result = run_as(demo_dir, DEMO_USER, "rekey")
    assert result.code == 0, result.err
    passwords = {
        parts[0]: parts[1]
        for parts in (line.split() for line in result.out.splitlines())
        if len(parts) == 2 and parts[0] in OTHERS
    }
    assert sorted(passwords) == OTHERS
    recovery = RECOVERY_KEY.search(result.out)
    assert recovery is not None
    for username, password in passwords.items():
        changed = run_as(demo_dir, username, "passwd", secrets=(password, "my own new password"))
        assert changed.code == 0, changed.err
    with sign_in(demo_dir, OTHERS[0], "my own new password"):
        pass
    (demo_dir / "keys.json").write_bytes(old_key_file)
    refused = run_as(demo_dir, LEAVER, "stats")
    assert refused.code == 1
    assert "Traceback" not in refused.err


def test_a_copy_of_the_whole_old_folder_still_opens_as_it_was(demo_dir: Path) -> None:
    """What re-keying cannot do: a copy of the whole folder made before still opens
    with the old passwords (and holds the data as it was then)."""
    copy = demo_dir.parent / "copy"
    shutil.copytree(demo_dir, copy, ignore=shutil.ignore_patterns("store.lock", "logs"))
    with sign_in(demo_dir, DEMO_USER, DEMO_PASSWORD) as admin:
        admin.accounts.rekey_store(DEMO_PASSWORD)
    with sign_in(copy, LEAVER, DEMO_PASSWORD) as old:
        assert old.actor.username == LEAVER
