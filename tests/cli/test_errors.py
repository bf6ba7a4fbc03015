"""How ``lt-desktop`` fails: exit 2 when misused, exit 1 with one line that says why
when something is wrong, and never a traceback."""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from lt_desktop.core.sign_in import sign_in
from tests.cli.conftest import InitialisedStore
from tests.cli.support import (
    DEMO_PASSWORD,
    DEMO_USER,
    assert_failure,
    assert_usage_error,
    damage_table,
    lines,
    raw_database,
    run_as,
    run_as_process,
    slot_opens,
    store_bytes,
)
from tests.helpers.cli import run_cli
from tests.helpers.stores import USER_PASSWORD

# -- who you are -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("user", "password"), [(DEMO_USER, "not the password"), ("nobody", DEMO_PASSWORD)]
)
def test_a_wrong_password_or_user_name_gets_one_line_that_does_not_say_which(
    demo_dir: Path, user: str, password: str
) -> None:
    result = run_as(demo_dir, user, "stats", secrets=(password,))
    assert assert_failure(result) == "lt-desktop: The user name or password is not right."
    assert result.out == ""


def test_a_wrong_current_password_changes_nothing(demo_dir: Path) -> None:
    result = run_as(demo_dir, "staff", "passwd", secrets=("not the password", USER_PASSWORD))
    assert "not right" in assert_failure(result)
    assert slot_opens(demo_dir, "staff", DEMO_PASSWORD)
    assert not slot_opens(demo_dir, "staff", USER_PASSWORD)


@pytest.mark.parametrize(
    ("args", "stdin", "reason"),
    [
        (("stats",), "", "Standard input ended before the password was given."),
        (
            ("user", "add", "sam", "--role", "marker"),
            lines(DEMO_PASSWORD),
            "Standard input ended before the password for sam was given.",
        ),
    ],
    ids=["no-password", "no-password-for-the-new-account"],
)
def test_password_stdin_with_too_few_lines_is_a_usage_error(
    demo_dir: Path, args: tuple[str, ...], stdin: str, reason: str
) -> None:
    result = run_cli(
        *args, "--data-dir", demo_dir, "--user", DEMO_USER, "--password-stdin", stdin=stdin
    )
    assert assert_failure(result, code=2) == f"lt-desktop: {reason}"
    with raw_database(demo_dir) as db:
        assert db.execute("SELECT count(*) FROM users").fetchone()[0] == 5


def test_init_with_empty_standard_input_makes_no_store(store_dir: Path) -> None:
    result = run_cli(
        "init",
        "--data-dir",
        store_dir,
        "--site-name",
        "HMP Testbridge",
        "--site-kind",
        "prison",
        "--admin",
        "admin",
        "--password-stdin",
    )
    assert "Standard input ended" in assert_failure(result, code=2)
    assert not (store_dir / "keys.json").exists()


def test_without_password_stdin_or_a_terminal_it_says_how_to_give_the_password(
    demo_dir: Path,
) -> None:
    result = run_cli("stats", "--data-dir", demo_dir, "--user", DEMO_USER, stdin=DEMO_PASSWORD)
    assert "--password-stdin" in assert_failure(result, code=2)


def test_without_a_user_name_it_asks_for_one(demo_dir: Path) -> None:
    result = run_cli("stats", "--data-dir", demo_dir, "--password-stdin", stdin=lines("demo"))
    assert "--user NAME" in assert_failure(result, code=2)


# -- the store folder ------------------------------------------------------------------


@pytest.mark.parametrize(
    "command",
    [("stats",), ("backup", "--out", "{tmp}/held.ltbackup"), ("restore", "{backup}")],
    ids=["stats", "backup", "restore"],
)
def test_a_store_open_in_another_process_is_refused_and_left_alone(
    demo_dir: Path, demo_backup: Path, tmp_path: Path, command: tuple[str, ...]
) -> None:
    args = [arg.format(tmp=tmp_path, backup=demo_backup) for arg in command]
    with sign_in(demo_dir, DEMO_USER, DEMO_PASSWORD):
        before = store_bytes(demo_dir)
        result = run_as_process(demo_dir, DEMO_USER, *args)
        after = store_bytes(demo_dir)
    message = assert_failure(result)
    assert "already open" in message and f"process {os.getpid()}" in message
    assert after == before
    assert not (tmp_path / "held.ltbackup").exists()


def test_a_folder_without_a_store_is_reported_and_not_created(tmp_path: Path) -> None:
    folder = tmp_path / "no-store"
    result = run_as(folder, DEMO_USER, "stats")
    assert "There is no LT Desktop store in" in assert_failure(result)
    assert not folder.exists()


def _foreign_database(store: Path, other: Path) -> None:
    shutil.copyfile(other / "store.db", store / "store.db")


def _lost_database(store: Path, other: Path) -> None:
    (store / "store.db").unlink()


def _damaged_records(store: Path, other: Path) -> None:
    damage_table(store, "attendance")


def _foreign_key_file(store: Path, other: Path) -> None:
    (store / "keys.json").write_text('{"notes": "not a key file"}')


def _damaged_key_file(store: Path, other: Path) -> None:
    text = (store / "keys.json").read_text()
    (store / "keys.json").write_text(text.replace('"wrapped_key": "', '"wrapped_key": "!', 1))


@pytest.mark.parametrize(
    ("damage", "reason"),
    [
        (_foreign_database, "damaged or belongs to another store"),
        (_damaged_records, "The store on this computer is damaged"),
        (_lost_database, "lost its database file"),
        (_foreign_key_file, "not an LT Desktop key file"),
        (_damaged_key_file, "The key file is damaged"),
    ],
    ids=[
        "database-of-another-store",
        "register-damaged",
        "database-missing",
        "not-a-key-file",
        "key-file-damaged",
    ],
)
def test_a_damaged_or_foreign_store_is_reported_in_one_line(
    demo_dir: Path,
    initialised: InitialisedStore,
    damage: Callable[[Path, Path], None],
    reason: str,
) -> None:
    damage(demo_dir, initialised.folder)
    result = run_as(demo_dir, DEMO_USER, "stats")
    assert reason in assert_failure(result)


def test_checking_a_damaged_store_prints_only_the_report(demo_dir: Path) -> None:
    damage_table(demo_dir, "settings")  # damage that check can report on
    result = run_as(demo_dir, DEMO_USER, "check")
    assert result.code == 1
    assert "problem(s)" in result.out
    noise = result.err.splitlines()
    assert noise == [], f"{len(noise)} line(s) on stderr, the first: {noise[:3]}"


# -- backups ---------------------------------------------------------------------------


def _not_a_backup(data: bytes) -> bytes:
    return b"Minutes of the steering group, 3 March.\n" * 50


def _truncated(data: bytes) -> bytes:
    return data[: len(data) // 2]


def _flip(position: Callable[[int], int]) -> Callable[[bytes], bytes]:
    def flip(data: bytes) -> bytes:
        changed = bytearray(data)
        changed[position(len(data))] ^= 0x01
        return bytes(changed)

    return flip


@pytest.mark.parametrize(
    ("spoil", "reason"),
    [
        (_not_a_backup, "is not an LT Desktop backup"),
        (_truncated, "is incomplete"),
        (_flip(lambda size: size // 2), "has been changed or damaged since it was written"),
        (_flip(lambda size: 30), "is damaged"),
    ],
    ids=["not-a-backup", "truncated", "byte-flipped-in-data", "byte-flipped-in-header"],
)
def test_restoring_a_bad_backup_is_refused_and_the_store_kept(
    demo_dir: Path,
    demo_backup: Path,
    tmp_path: Path,
    spoil: Callable[[bytes], bytes],
    reason: str,
) -> None:
    bad = tmp_path / "spring.ltbackup"
    bad.write_bytes(spoil(demo_backup.read_bytes()))
    before = store_bytes(demo_dir)
    result = run_as(demo_dir, DEMO_USER, "restore", bad)
    assert reason in assert_failure(result)
    assert store_bytes(demo_dir) == before
    assert [p.name for p in demo_dir.iterdir() if p.name.startswith(".")] == []


def test_restoring_with_a_wrong_password_is_refused(demo_dir: Path, demo_backup: Path) -> None:
    before = store_bytes(demo_dir)
    result = run_as(demo_dir, DEMO_USER, "restore", demo_backup, secrets=("guess",))
    assert "not right for the store in this backup" in assert_failure(result)
    assert store_bytes(demo_dir) == before


def test_restoring_a_missing_file_says_so(demo_dir: Path, tmp_path: Path) -> None:
    result = run_as(demo_dir, DEMO_USER, "restore", tmp_path / "gone.ltbackup")
    assert "gone.ltbackup cannot be read" in assert_failure(result)


def test_a_backup_needs_a_file_name_not_a_folder(demo_dir: Path, tmp_path: Path) -> None:
    result = run_as(demo_dir, DEMO_USER, "backup", "--out", tmp_path)
    assert "is a folder" in assert_failure(result, code=2)


def test_a_backup_into_a_missing_folder_fails_in_one_line(demo_dir: Path, tmp_path: Path) -> None:
    result = run_as(demo_dir, DEMO_USER, "backup", "--out", tmp_path / "usb" / "b.ltbackup")
    assert "usb" in assert_failure(result)
    assert not (tmp_path / "usb").exists()


# -- what each role may do -------------------------------------------------------------


@pytest.mark.parametrize(
    ("args", "reason"),
    [
        (("user", "list"), "does not allow you to manage user accounts"),
        (("user", "add", "sam", "--role", "marker"), "does not allow you to manage user accounts"),
        (("backup", "--out", "{tmp}/marker.ltbackup"), "does not allow you to back up"),
        (("restore", "{backup}"), "does not allow you to back up or restore"),
    ],
    ids=["user-list", "user-add", "backup", "restore"],
)
def test_a_marker_may_not_manage_accounts_or_the_store(
    demo_dir: Path, demo_backup: Path, tmp_path: Path, args: tuple[str, ...], reason: str
) -> None:
    with raw_database(demo_dir) as db:
        db.execute("UPDATE users SET display_name = 'Changed since the backup'")
    command = [arg.format(tmp=tmp_path, backup=demo_backup) for arg in args]
    result = run_as(demo_dir, "marker", *command, secrets=(DEMO_PASSWORD, USER_PASSWORD))
    assert reason in assert_failure(result)
    assert not (tmp_path / "marker.ltbackup").exists()
    assert not slot_opens(demo_dir, "sam", USER_PASSWORD)
    with raw_database(demo_dir) as db:
        names = {row[0] for row in db.execute("SELECT display_name FROM users")}
    assert names == {"Changed since the backup"}  # the store was not replaced


def test_you_cannot_disable_your_own_account(demo_dir: Path) -> None:
    result = run_as(demo_dir, DEMO_USER, "user", "disable", DEMO_USER)
    assert "You cannot disable your own account." in assert_failure(result)
    assert slot_opens(demo_dir, DEMO_USER, DEMO_PASSWORD)


def test_disabling_an_unknown_account_says_so(demo_dir: Path) -> None:
    result = run_as(demo_dir, DEMO_USER, "user", "disable", "nobody")
    assert "There is no account called nobody." in assert_failure(result)


def test_an_unknown_role_is_a_usage_error(demo_dir: Path) -> None:
    before = store_bytes(demo_dir)
    result = run_as(
        demo_dir,
        DEMO_USER,
        "user",
        "add",
        "sam",
        "--role",
        "governor",
        secrets=(DEMO_PASSWORD, USER_PASSWORD),
    )
    reason = assert_usage_error(result)
    assert "governor" in reason and "education_staff" in reason
    assert store_bytes(demo_dir) == before


@pytest.mark.parametrize(
    ("username", "password", "reason"),
    [
        ("sam", "short", "at least 8 characters"),
        ("librarian", "Librarian", "must not be the same as the user name"),
    ],
    ids=["short-password", "password-is-user-name"],
)
def test_user_add_refuses_weak_credentials_and_adds_nothing(
    demo_dir: Path, username: str, password: str, reason: str
) -> None:
    result = run_as(
        demo_dir,
        DEMO_USER,
        "user",
        "add",
        username,
        "--role",
        "facilitator",
        secrets=(DEMO_PASSWORD, password),
    )
    assert reason in assert_failure(result)
    assert not slot_opens(demo_dir, username, password)
    with raw_database(demo_dir) as db:
        assert db.execute("SELECT count(*) FROM users").fetchone()[0] == 5


# -- misuse ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("args", "named"),
    [
        (("frobnicate",), "frobnicate"),
        (("backup", "--user", "demo", "--out", "a", "--to-folder", "b"), "--to-folder"),
        (("init", "--site-name", "X", "--site-kind", "castle", "--admin", "a"), "castle"),
    ],
    ids=["unknown-command", "backup-to-two-places", "unknown-site-kind"],
)
def test_misuse_exits_2_and_names_the_problem(
    tmp_path: Path, args: tuple[str, ...], named: str
) -> None:
    result = run_cli(*args, "--data-dir", tmp_path / "store")
    assert named in assert_usage_error(result)
    assert not (tmp_path / "store").exists()


# -- the unexpected --------------------------------------------------------------------


def test_an_unexpected_error_is_one_line_pointing_at_the_log(demo_dir: Path) -> None:
    # A site kind this version has never heard of: nothing a user could do causes it.
    with raw_database(demo_dir) as db:
        db.execute("UPDATE sites SET kind = 'observatory'")
    result = run_as(demo_dir, DEMO_USER, "stats")
    message = assert_failure(result)
    assert "something went wrong that LT Desktop did not expect" in message
    assert str(demo_dir / "logs") in message
    log = (demo_dir / "logs" / "lt-desktop.log").read_text()
    assert "The stats command failed" in log
    assert "HMP Northfield" not in log and "observatory" not in log
