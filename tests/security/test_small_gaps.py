"""Smaller gaps closed: private file modes, a sign-in record that cannot be removed
unnoticed, leftovers of killed commands, names that cannot steer a terminal, and
bundle refusals that say what really happened."""

from __future__ import annotations

import os
import stat
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import select

from lt_desktop.core.sign_in import sign_in
from lt_desktop.core.workspace import Workspace
from lt_desktop.domain.errors import ValidationError, WrongCredentials
from lt_desktop.domain.vocabulary import PersonBase, SiteKind
from lt_desktop.storage.instance_lock import InstanceLock
from lt_desktop.storage.models import User
from lt_desktop.sync.bundle import MAGIC, BundleRejected, RejectReason
from tests.cli.conftest import init_store
from tests.cli.support import (
    DEMO_ACCOUNTS,
    DEMO_PASSWORD,
    DEMO_USER,
    assert_failure,
    lines,
    run_as,
)
from tests.helpers.cli import run_cli
from tests.helpers.sites import (
    UNIVERSITY_ADMIN,
    UNIVERSITY_PASSWORD,
    Site,
    new_site,
    pair,
)
from tests.helpers.stores import ADMIN, ADMIN_PASSWORD, new_store

posix_only = pytest.mark.skipif(os.name == "nt", reason="POSIX file modes")


# -- 1. every file in a store's folder is its owner's alone -----------------------------


def shared_with_others(folder: Path) -> list[str]:
    """Each path under ``folder`` (and ``folder`` itself) that anyone but its owner may use."""
    found = []
    for path in [folder, *folder.rglob("*")]:
        mode = stat.S_IMODE(path.lstat().st_mode)
        if mode & 0o077:
            found.append(f"{path.relative_to(folder.parent)} {mode:o}")
    return found


@pytest.fixture
def ordinary_umask() -> Iterator[None]:
    """The usual umask, under which files a library makes are readable by everyone."""
    before = os.umask(0o022)
    try:
        yield
    finally:
        os.umask(before)


@posix_only
def test_a_store_made_in_code_is_private_whatever_the_umask(
    store_dir: Path, tmp_path: Path, ordinary_umask: None
) -> None:
    new_store(store_dir).close()
    media = tmp_path / "media"
    media.mkdir()
    with sign_in(store_dir, ADMIN, ADMIN_PASSWORD) as workspace:
        workspace.maintenance.backup(media / "store.ltbackup")
        assert (store_dir / "store.db-wal").exists()
        assert shared_with_others(store_dir) == []
    assert stat.S_IMODE((media / "store.ltbackup").stat().st_mode) == 0o600
    with pytest.raises(WrongCredentials):
        sign_in(store_dir, ADMIN, "not the password")
    assert (store_dir / "login-attempts.json").exists()
    assert shared_with_others(store_dir) == []


@posix_only
def test_stores_made_by_the_command_line_are_private(tmp_path: Path) -> None:
    initialised = tmp_path / "init" / "store"
    assert init_store(initialised).code == 0
    demo = tmp_path / "demo"
    made = run_cli("demo", "--data-dir", demo)
    assert made.code == 0, made.err
    failed = run_as(initialised, ADMIN, "stats", secrets=("not the password",))
    assert failed.code == 1
    media = tmp_path / "media"
    media.mkdir()
    backed_up = run_as(demo, DEMO_USER, "backup", "--out", media / "now.ltbackup")
    assert backed_up.code == 0, backed_up.err
    assert stat.S_IMODE((media / "now.ltbackup").stat().st_mode) == 0o600
    assert (initialised / "login-attempts.json").exists()
    assert (demo / "logs" / "lt-desktop.log").exists()
    assert shared_with_others(initialised) == []
    assert shared_with_others(demo) == []


# -- 4. names cannot steer a terminal ---------------------------------------------------

ESCAPE = "\x1b[2J\x1b[31m"
RIGHT_TO_LEFT_OVERRIDE = "\u202e"


@pytest.mark.parametrize(
    "display_name",
    [f"Eve{ESCAPE}Administrator", f"Eve {RIGHT_TO_LEFT_OVERRIDE}rotartsinimda", "Eve\u2066x\u2069"],
)
def test_a_display_name_with_control_characters_is_refused(
    demo_dir: Path, display_name: str
) -> None:
    added = run_as(
        demo_dir,
        DEMO_USER,
        "user",
        "add",
        "eve",
        "--role",
        "marker",
        "--display-name",
        display_name,
        secrets=(DEMO_PASSWORD, "a long new password"),
    )
    message = assert_failure(added)
    assert "invisible control character" in message
    listed = run_as(demo_dir, DEMO_USER, "user", "list")
    assert listed.code == 0, listed.err
    assert "eve" not in listed.out.split()


def test_a_display_name_over_a_hundred_characters_is_refused(demo_dir: Path) -> None:
    added = run_as(
        demo_dir,
        DEMO_USER,
        "user",
        "add",
        "eve",
        "--role",
        "marker",
        "--display-name",
        "E" * 101,
        secrets=(DEMO_PASSWORD, "a long new password"),
    )
    assert "limited to 100 characters" in assert_failure(added)


def test_init_refuses_an_administrator_name_with_control_characters(tmp_path: Path) -> None:
    made = run_cli(
        "init",
        "--data-dir",
        tmp_path / "store",
        "--site-name",
        "HMP Testbridge",
        "--site-kind",
        "prison",
        "--admin",
        ADMIN,
        "--admin-name",
        f"Ada{ESCAPE}",
        "--password-stdin",
        stdin=lines(ADMIN_PASSWORD),
    )
    assert "invisible control character" in assert_failure(made)
    assert not (tmp_path / "store" / "keys.json").exists()


def test_user_list_shows_control_characters_from_an_older_store_harmlessly(
    demo_dir: Path,
) -> None:
    with sign_in(demo_dir, DEMO_USER, DEMO_PASSWORD) as workspace, workspace.store.write() as s:
        marker = s.scalars(select(User).where(User.username == "marker")).one()
        marker.display_name = f"Mark{ESCAPE}{RIGHT_TO_LEFT_OVERRIDE}er\nadmin  Administrator"
    listed = run_as(demo_dir, DEMO_USER, "user", "list")
    assert listed.code == 0, listed.err
    assert "\x1b" not in listed.out
    assert RIGHT_TO_LEFT_OVERRIDE not in listed.out
    marker_line = next(line for line in listed.lines if line.startswith("marker "))
    assert marker_line.endswith("Mark\ufffd[2J\ufffd[31m\ufffder\ufffdadmin  Administrator")
    assert len(listed.lines) == len(DEMO_ACCOUNTS)


@pytest.mark.parametrize("field", ["given_name", "family_name", "preferred_name"])
def test_a_persons_name_with_control_characters_is_refused(demo: Workspace, field: str) -> None:
    names = {"given_name": "Amira", "family_name": "Haddad", "preferred_name": ""}
    names[field] = f"Ami{RIGHT_TO_LEFT_OVERRIDE}ra"
    before = len(demo.people.list_people())
    with pytest.raises(ValidationError, match="invisible control character"):
        demo.people.add_person(base=PersonBase.UNIVERSITY, **names)
    names[field] = "A" * 101
    with pytest.raises(ValidationError, match="limited to 100 characters"):
        demo.people.add_person(base=PersonBase.UNIVERSITY, **names)
    assert len(demo.people.list_people()) == before


# -- 5. bundle refusals say what happened -----------------------------------------------


@pytest.fixture
def paired_sites(tmp_path: Path) -> tuple[Site, Site]:
    prison = new_site(
        tmp_path / "prison", "HMP Northfield", SiteKind.PRISON, "officer", "officer password"
    )
    university = new_site(
        tmp_path / "university",
        "University of Eastbridge",
        SiteKind.UNIVERSITY,
        UNIVERSITY_ADMIN,
        UNIVERSITY_PASSWORD,
    )
    pair(prison, university)
    return prison, university


def test_a_bundle_from_a_partner_with_new_keys_says_to_pair_again(
    paired_sites: tuple[Site, Site], tmp_path: Path
) -> None:
    prison, university = paired_sites
    with prison.open() as workspace:
        workspace.sync.rotate_keys()
    bundle = prison.export_to(university, tmp_path / "p1.ltbundle").info.path
    with pytest.raises(BundleRejected) as refused:
        university.take_in(bundle)
    assert refused.value.reason is RejectReason.SENDER_HAS_NEW_KEYS
    taken = run_as(
        university.folder, UNIVERSITY_ADMIN, "import", bundle, secrets=(UNIVERSITY_PASSWORD,)
    )
    message = assert_failure(taken)
    assert message == (
        "lt-desktop: p1.ltbundle comes from HMP Northfield, which has new keys since you "
        "paired: pair with HMP Northfield again (compare the fingerprint)."
    )
    assert "damaged" not in message


def test_a_bundle_changed_after_signing_is_still_called_damaged(
    paired_sites: tuple[Site, Site], tmp_path: Path
) -> None:
    """Naming a new key does not get a changed bundle past its signature."""
    prison, university = paired_sites
    with prison.open() as workspace:
        workspace.sync.rotate_keys()
    bundle = prison.export_to(university, tmp_path / "p1.ltbundle").info.path
    data = bytearray(bundle.read_bytes())
    data[-100] ^= 0x01
    bundle.write_bytes(bytes(data))
    with pytest.raises(BundleRejected, match="changed, damaged or cut short") as refused:
        university.take_in(bundle)
    assert refused.value.reason is RejectReason.BAD_SIGNATURE


@pytest.mark.parametrize(("offset", "flip"), [(0, 0xFF), (1, 0xFF), (1, 0x01)])
def test_a_flipped_format_byte_is_called_damaged_not_newer(
    paired_sites: tuple[Site, Site], tmp_path: Path, offset: int, flip: int
) -> None:
    prison, university = paired_sites
    bundle = prison.export_to(university, tmp_path / "p1.ltbundle").info.path
    data = bytearray(bundle.read_bytes())
    data[len(MAGIC) + offset] ^= flip
    bundle.write_bytes(bytes(data))
    for command in ("import", "inspect"):
        refused = run_as(
            university.folder, UNIVERSITY_ADMIN, command, bundle, secrets=(UNIVERSITY_PASSWORD,)
        )
        message = assert_failure(refused)
        assert "p1.ltbundle is damaged or incomplete" in message
        assert "newer" not in message
        assert "format 65281" not in message


# -- 3. what a killed command left is cleared on the next run ---------------------------

AN_HOUR_AGO = time.time() - 3600


def left_by_a_killed_run(folder: Path) -> Path:
    """A store half-built by a process that died: its database begun, its lock free."""
    folder.mkdir()
    (folder / "store.db").write_bytes(os.urandom(4096))
    (folder / "store.lock").write_bytes(b"\0")
    for path in (*folder.iterdir(), folder):
        os.utime(path, (AN_HOUR_AGO, AN_HOUR_AGO))
    return folder


def test_demo_clears_the_staging_folders_a_killed_demo_left(tmp_path: Path) -> None:
    target = tmp_path / "demo"
    abandoned = [left_by_a_killed_run(tmp_path / f".demo.demo-{n:08x}") for n in (1, 2)]
    held = left_by_a_killed_run(tmp_path / ".demo.demo-00000003")
    another_targets = left_by_a_killed_run(tmp_path / ".other.demo-00000004")
    with InstanceLock(held / "store.lock"):
        made = run_cli("demo", "--data-dir", target)
    assert made.code == 0, made.err
    assert not any(folder.exists() for folder in abandoned)
    assert held.exists()  # a run that still holds its folder is building it now
    assert another_targets.exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        ".demo.demo-00000003",
        ".other.demo-00000004",
        "demo",
    ]


def test_a_backup_clears_the_hidden_files_a_killed_backup_left(
    demo_dir: Path, tmp_path: Path
) -> None:
    media = tmp_path / "media"
    media.mkdir()
    abandoned = [
        media / ".now.ltbackup.0123456789ab.partial",
        media / ".HMP-Northfield-20261123.db.ba9876543210.partial",
    ]
    being_written = media / ".other.ltbackup.00000000ffff.partial"
    not_ours = media / ".notes.txt.partial"
    for path in (*abandoned, being_written, not_ours):
        path.write_bytes(os.urandom(1024))
    for path in (*abandoned, not_ours):
        os.utime(path, (AN_HOUR_AGO, AN_HOUR_AGO))
    backed_up = run_as(demo_dir, DEMO_USER, "backup", "--out", media / "now.ltbackup")
    assert backed_up.code == 0, backed_up.err
    assert sorted(p.name for p in media.iterdir()) == sorted(
        [being_written.name, not_ours.name, "now.ltbackup"]
    )


# -- 2. the record of failed sign-ins cannot be removed unnoticed ------------------------


def fail_to_sign_in(folder: Path, times: int) -> None:
    for _ in range(times):
        failed = run_as(folder, ADMIN, "stats", secrets=("not the password",))
        assert "not right" in assert_failure(failed)


def record_lost_entries(folder: Path) -> list[dict[str, object]]:
    with sign_in(folder, ADMIN, ADMIN_PASSWORD) as workspace:
        return [line.details for line in workspace.audit.entries(action="sign_in.record_lost")]


def failures_in_audit_log(folder: Path) -> int:
    with sign_in(folder, ADMIN, ADMIN_PASSWORD) as workspace:
        return len(workspace.audit.entries(action="sign_in.failed"))


@pytest.fixture
def signed_in_once(tmp_path: Path) -> Path:
    folder = tmp_path / "store"
    assert init_store(folder).code == 0
    assert run_as(folder, ADMIN, "stats", secrets=(ADMIN_PASSWORD,)).code == 0
    return folder


def test_deleting_the_record_of_failed_sign_ins_is_audited_and_checked(
    signed_in_once: Path,
) -> None:
    fail_to_sign_in(signed_in_once, 2)
    (signed_in_once / "login-attempts.json").unlink()
    checked = run_as(signed_in_once, ADMIN, "check", secrets=(ADMIN_PASSWORD,))
    assert checked.code == 0, checked.err
    (note,) = [line for line in checked.lines if line.startswith("Note:")]
    assert "the record of failed sign-ins was removed or put back" in note
    assert "may be missing from the audit log" in note
    assert record_lost_entries(signed_in_once) == [
        {
            "what": "the record of failed sign-ins was removed or put back",
            "found": "it was missing or unreadable",
        }
    ]
    assert failures_in_audit_log(signed_in_once) == 0  # what the deletion took away


def test_putting_back_an_older_record_is_audited(signed_in_once: Path, tmp_path: Path) -> None:
    record = signed_in_once / "login-attempts.json"
    kept = tmp_path / "kept-copy.json"
    kept.write_bytes(record.read_bytes())
    assert run_as(signed_in_once, ADMIN, "stats", secrets=(ADMIN_PASSWORD,)).code == 0
    fail_to_sign_in(signed_in_once, 3)
    record.write_bytes(kept.read_bytes())
    assert run_as(signed_in_once, ADMIN, "stats", secrets=(ADMIN_PASSWORD,)).code == 0
    assert [entry["found"] for entry in record_lost_entries(signed_in_once)] == [
        "an older copy had been put back"
    ]


def test_another_record_in_its_place_is_audited(signed_in_once: Path, tmp_path: Path) -> None:
    fail_to_sign_in(signed_in_once, 2)
    (signed_in_once / "login-attempts.json").unlink()
    fail_to_sign_in(signed_in_once, 1)  # a new record, begun afresh
    assert run_as(signed_in_once, ADMIN, "stats", secrets=(ADMIN_PASSWORD,)).code == 0
    assert [entry["found"] for entry in record_lost_entries(signed_in_once)] == [
        "another file had taken its place"
    ]


def test_failures_kept_as_they_should_be_raise_no_alarm(signed_in_once: Path) -> None:
    fail_to_sign_in(signed_in_once, 2)
    checked = run_as(signed_in_once, ADMIN, "check", secrets=(ADMIN_PASSWORD,))
    assert checked.code == 0, checked.err
    assert not [line for line in checked.lines if line.startswith("Note:")]
    assert record_lost_entries(signed_in_once) == []
    assert failures_in_audit_log(signed_in_once) == 2


def test_a_store_made_in_code_refuses_an_administrator_name_with_control_characters(
    tmp_path: Path,
) -> None:
    from lt_desktop.core.stores import create_store

    with pytest.raises(ValidationError, match="U\\+202E"):
        create_store(
            tmp_path / "store",
            site_name="HMP Testbridge",
            site_kind=SiteKind.PRISON,
            admin_username="admin",
            admin_display_name="Ada \u202eAdministrator",
            admin_password=ADMIN_PASSWORD,
        )
    assert not (tmp_path / "store" / "keys.json").exists()


def test_setting_up_a_laptop_clears_what_a_killed_set_up_left(tmp_path: Path) -> None:
    from lt_desktop.core.services.laptops import set_up_laptop

    leftover = tmp_path / ".laptop.laptop-0badf00d"
    leftover.mkdir()
    (leftover / "store.db").write_bytes(b"half made")
    old = time.time() - 3600
    os.utime(leftover, (old, old))
    with pytest.raises(Exception):  # noqa: B017 - only what happens before the kit matters
        set_up_laptop(
            tmp_path / "laptop",
            None,  # type: ignore[arg-type]
            username="amina",
            display_name="Amina Yusuf",
            password=ADMIN_PASSWORD,
        )
    assert not leftover.exists()
