"""The everyday backup routine: dated backups to a chosen folder, the newest kept,
a reminder when one is due, a preview before restoring, and damage found on opening."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from lt_desktop.core.services.settings import BACKUP_GENERATIONS
from lt_desktop.core.sign_in import restore_and_sign_in, sign_in
from lt_desktop.core.stores import preview_backup
from lt_desktop.domain.errors import (
    BackupInvalid,
    PermissionDenied,
    StoreCorrupt,
    ValidationError,
    WrongCredentials,
)
from lt_desktop.domain.roles import Role
from lt_desktop.domain.vocabulary import PersonBase
from lt_desktop.storage.backup_catalogue import backups_in, known_backups
from lt_desktop.storage.folder import StoreFolder
from tests.helpers.stores import ADMIN, ADMIN_PASSWORD, USER_PASSWORD, add_account, new_store


@pytest.fixture
def media(tmp_path: Path) -> Path:
    folder = tmp_path / "USB stick"
    folder.mkdir()
    return folder


def test_backing_up_keeps_only_the_newest_generations(store_dir: Path, media: Path) -> None:
    new_store(store_dir).close()
    stranger = media / "someone else's.ltbackup"
    with sign_in(store_dir, ADMIN, ADMIN_PASSWORD) as other_store_admin:
        other_store_admin.maintenance.backup(stranger)  # same store: counts as a generation
    unrelated = media / "notes.txt"
    unrelated.write_text("not a backup")
    with sign_in(store_dir, ADMIN, ADMIN_PASSWORD) as workspace:
        workspace.settings.set_number(BACKUP_GENERATIONS, 3)
        with pytest.raises(ValidationError, match="Choose the folder"):
            workspace.maintenance.back_up_now()
        workspace.maintenance.set_backup_folder(media)
        made = [workspace.maintenance.back_up_now() for _ in range(4)]
        listed = workspace.maintenance.list_backups()
    assert [b.path for b in listed] == [d.path for d in reversed(made[1:])]
    assert all(not p.exists() for d in made[:1] for p in [d.path])
    assert not stranger.exists() and unrelated.exists()
    assert made[3].removed == [made[0].path]
    assert all(d.path.name.startswith("HMP Testbridge backup ") for d in made)


def test_another_stores_backups_are_never_removed(store_dir: Path, tmp_path: Path) -> None:
    media = tmp_path / "media"
    media.mkdir()
    other = tmp_path / "other"
    new_store(other).close()
    with sign_in(other, ADMIN, ADMIN_PASSWORD) as workspace:
        theirs = workspace.maintenance.back_up_now(media).path
    new_store(store_dir).close()
    with sign_in(store_dir, ADMIN, ADMIN_PASSWORD) as workspace:
        workspace.settings.set_number(BACKUP_GENERATIONS, 1)
        for _ in range(2):
            workspace.maintenance.back_up_now(media)
        mine = workspace.maintenance.list_backups(media)
    assert theirs.exists()
    assert len(mine) == 1 and len(backups_in(media)) == 2


def test_the_reminder_is_due_until_a_backup_is_made(store_dir: Path, media: Path) -> None:
    new_store(store_dir).close()
    with sign_in(store_dir, ADMIN, ADMIN_PASSWORD) as workspace:
        status = workspace.maintenance.backup_status()
        assert status.overdue() and status.describe() == "No backup has been made yet."
        workspace.maintenance.back_up_now(media)
        status = workspace.maintenance.backup_status()
    assert status.last_at is not None and not status.overdue()
    assert "made today" in status.describe()
    later = status.last_at + timedelta(days=status.reminder_days)
    assert status.overdue(later)
    assert f"{status.reminder_days} days ago" in status.describe(later)


def test_a_damaged_store_can_find_its_newest_backup(store_dir: Path, media: Path) -> None:
    new_store(store_dir).close()
    with sign_in(store_dir, ADMIN, ADMIN_PASSWORD) as workspace:
        workspace.maintenance.set_backup_folder(media)
        first = workspace.maintenance.back_up_now().path
        newest = workspace.maintenance.back_up_now().path
    found = known_backups(StoreFolder(store_dir), None)
    assert [b.path for b in found][:2] == [newest, first]


def test_the_preview_checks_everything_and_counts_what_is_inside(
    store_dir: Path, media: Path
) -> None:
    new_store(store_dir).close()
    with sign_in(store_dir, ADMIN, ADMIN_PASSWORD) as workspace:
        for n in range(3):
            workspace.people.add_person(
                given_name=f"Person{n}", family_name="Kept", base=PersonBase.UNIVERSITY
            )
        add_account(workspace, "reader", Role.RESEARCHER)
        backup = workspace.maintenance.back_up_now(media).path
    before = (store_dir / "store.db").read_bytes()
    preview = preview_backup(backup, username=ADMIN, password=ADMIN_PASSWORD)
    assert preview.site_name == "HMP Testbridge"
    assert preview.counts["people"] == 3 and preview.counts["accounts"] == 2
    assert abs(preview.made_at - datetime.now(UTC)) < timedelta(minutes=5)
    assert (store_dir / "store.db").read_bytes() == before
    with pytest.raises(WrongCredentials):
        preview_backup(backup, username=ADMIN, password="not the password")
    with pytest.raises(PermissionDenied, match="does not allow"):
        preview_backup(backup, username="reader", password=USER_PASSWORD)
    damaged = bytearray(backup.read_bytes())
    damaged[len(damaged) // 2] ^= 0x01
    backup.write_bytes(bytes(damaged))
    with pytest.raises(BackupInvalid, match="changed or damaged"):
        preview_backup(backup, username=ADMIN, password=ADMIN_PASSWORD)


def test_restoring_signs_in_to_the_restored_store_and_audits_it(
    store_dir: Path, media: Path
) -> None:
    new_store(store_dir).close()
    with sign_in(store_dir, ADMIN, ADMIN_PASSWORD) as workspace:
        workspace.people.add_person(given_name="Ada", family_name="Kept", base=PersonBase.PRISON)
        backup = workspace.maintenance.back_up_now(media).path
        workspace.people.add_person(given_name="Bo", family_name="Lost", base=PersonBase.PRISON)
    with restore_and_sign_in(store_dir, backup, ADMIN, ADMIN_PASSWORD) as restored:
        assert [p.display_name for p in restored.people.list_people()] == ["Ada Kept"]
        actions = [e.action for e in restored.audit.entries(limit=5)]
    assert "store.restored" in actions


def test_damage_is_found_when_the_store_opens(store_dir: Path) -> None:
    new_store(store_dir).close()
    with sign_in(store_dir, ADMIN, ADMIN_PASSWORD) as workspace:
        for n in range(200):
            workspace.people.add_person(
                given_name=f"Person{n}", family_name="Filler", base=PersonBase.UNIVERSITY
            )
        workspace.store.checkpoint()
    database = store_dir / "store.db"
    data = bytearray(database.read_bytes())
    page = 4096
    assert len(data) > 8 * page
    # One byte in the middle of a page of people (not of the few tables a sign-in
    # writes to, which even the full check needs to be able to write).
    data[(len(data) // page - 4) * page + 100] ^= 0xFF
    database.write_bytes(bytes(data))
    with pytest.raises(StoreCorrupt, match="Restore the newest good backup"):
        sign_in(store_dir, ADMIN, ADMIN_PASSWORD)
    # The full check still opens it, to say what is wrong.
    with sign_in(store_dir, ADMIN, ADMIN_PASSWORD, check_on_open=False) as workspace:
        assert not workspace.maintenance.check().sound
