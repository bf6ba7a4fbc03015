from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
import sqlcipher3

from lt_desktop.core.sign_in import sign_in
from lt_desktop.domain.errors import WrongCredentials
from lt_desktop.domain.roles import Role
from lt_desktop.storage.backup import raw_key_pragma
from lt_desktop.storage.keyslots import KeyFile, password_bytes
from tests.helpers.stores import ADMIN, ADMIN_PASSWORD, add_account, new_store


@pytest.fixture
def audited_store(store_dir: Path) -> Path:
    new_store(store_dir).close()
    with sign_in(store_dir, ADMIN, ADMIN_PASSWORD) as admin:
        for name in ("amal", "bea", "cyd"):
            add_account(admin, name, Role.EDUCATION_STAFF)
        admin.accounts.change_role("bea", Role.FACILITATOR)
    return store_dir


@contextmanager
def raw_database(folder: Path) -> Iterator[sqlcipher3.Connection]:
    """The database opened directly with its key, as an insider with the key could."""
    key_file = KeyFile.load(folder / "keys.json")
    slot = key_file.slot_for_user(ADMIN)
    assert slot is not None
    data_key = slot.open(key_file.store_id, password_bytes(ADMIN_PASSWORD))
    assert data_key is not None
    connection = sqlcipher3.connect(str(folder / "store.db"))
    connection.execute(raw_key_pragma(data_key))
    try:
        yield connection
        connection.commit()
    finally:
        connection.close()


def _problems(folder: Path) -> list[str]:
    with sign_in(folder, ADMIN, ADMIN_PASSWORD) as admin:
        return admin.maintenance.check().problems


def test_an_untouched_log_verifies(audited_store: Path) -> None:
    assert _problems(audited_store) == []


def test_an_edited_entry_is_detected(audited_store: Path) -> None:
    with raw_database(audited_store) as db:
        db.execute(
            "UPDATE audit_log SET details = ? WHERE action = 'user.role_changed'",
            (json.dumps({"after": "administrator"}),),
        )
    assert any("has been altered" in p for p in _problems(audited_store))


def test_an_entry_rewritten_with_a_fresh_digest_is_detected(audited_store: Path) -> None:
    with raw_database(audited_store) as db:
        db.execute("UPDATE audit_log SET digest = ? WHERE sequence = 3", ("0" * 64,))
    problems = _problems(audited_store)
    assert any("Audit entry 3" in p for p in problems)
    assert any("Audit entry 4 does not follow" in p for p in problems)


def test_a_removed_entry_in_the_middle_is_detected(audited_store: Path) -> None:
    with raw_database(audited_store) as db:
        db.execute("DELETE FROM audit_log WHERE sequence = 2")
    assert any("entries 2 to 2 are missing" in p for p in _problems(audited_store))


def test_removing_the_newest_entries_is_detected(audited_store: Path) -> None:
    with raw_database(audited_store) as db:
        newest = db.execute("SELECT max(sequence) FROM audit_log").fetchone()[0]
        db.execute("DELETE FROM audit_log WHERE sequence >= ?", (newest - 1,))
    problems = _problems(audited_store)
    assert any(f"to {newest} have been removed" in p for p in problems), problems
    # Later sign-ins grow the log past the gap; the damage is still reported.
    _problems(audited_store)
    problems = _problems(audited_store)
    assert any(f"Audit entry {newest} has been replaced" in p for p in problems), problems


def test_sign_ins_and_failures_are_audited(audited_store: Path) -> None:
    for attempt in ["amal", "nobody-here"]:
        with pytest.raises(WrongCredentials):
            sign_in(audited_store, attempt, "wrong password")
    with sign_in(audited_store, ADMIN, ADMIN_PASSWORD) as admin:
        lines = admin.audit.entries(newest_first=False)
    failed = [line for line in lines if line.action == "sign_in.failed"]
    assert [line.details["username"] for line in failed] == ["amal", "(no such account)"]
    assert lines[-1].action == "sign_in"
    assert failed[0].at < lines[-1].at
    # Each failure is audited once only.
    with sign_in(audited_store, ADMIN, ADMIN_PASSWORD) as admin:
        again = admin.audit.entries(action="sign_in.failed")
    assert len(again) == 2


def test_user_changes_are_audited(audited_store: Path) -> None:
    with sign_in(audited_store, ADMIN, ADMIN_PASSWORD) as admin:
        actions = [line.action for line in admin.audit.entries(newest_first=False)]
    assert actions[:6] == [
        "store.created",
        "sign_in",
        "user.added",
        "user.added",
        "user.added",
        "user.role_changed",
    ]
