"""A full disk, for real: small tmpfs mounts (see ``small_disk``), never a simulated error.

A full disk must fail the command in one line that says so, leave no partial file, and
leave the store exactly as sound as it was.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

import pytest

from lt_desktop.storage.keyslots import KeyFile
from tests.cli.conftest import SmallDisk
from tests.cli.support import DEMO_PASSWORD, DEMO_USER, assert_failure, lines
from tests.helpers.cli import Result
from tests.helpers.stores import ADMIN, ADMIN_PASSWORD, SITE_NAME, USER_PASSWORD

#: Free space is given back this much at a time while a command is retried.
STEP = 8 * 1024
MOST_FREE_SPACE_TRIED = 512 * 1024
STORE_FILES = {"keys.json", "store.db", "store.db-wal", "store.db-shm", "store.lock", "logs"}


def _init_on(disk: SmallDisk, store: Path) -> Result:
    return disk.cli(
        "init",
        "--data-dir",
        store,
        "--site-name",
        SITE_NAME,
        "--site-kind",
        "prison",
        "--admin",
        ADMIN,
        "--password-stdin",
        stdin=lines(ADMIN_PASSWORD),
    )


def _signed_in(disk: SmallDisk, store: Path, user: str, *args: str, secrets: str) -> Result:
    return disk.cli(*args, "--data-dir", store, "--user", user, "--password-stdin", stdin=secrets)


@pytest.mark.parametrize(
    "room",
    [0.5, 1.5],  # the backup first snapshots the database, then writes itself beside it
    ids=["no-room-for-the-snapshot", "room-for-the-snapshot-not-the-backup"],
)
def test_a_backup_onto_a_full_disk_fails_and_leaves_nothing_there(
    demo_dir: Path, small_disk: Callable[[str], SmallDisk], room: float
) -> None:
    disk = small_disk(f"{int(room * (demo_dir / 'store.db').stat().st_size) // 1024}k")
    result = _signed_in(
        disk,
        demo_dir,
        DEMO_USER,
        "backup",
        "--out",
        str(disk.path / "spring.ltbackup"),
        secrets=lines(DEMO_PASSWORD),
    )
    assert "The disk is full" in assert_failure(result)
    assert sorted(os.listdir(disk.here)) == []
    assert {p.name for p in demo_dir.iterdir()} <= STORE_FILES | {"login-attempts.json"}
    check = _signed_in(disk, demo_dir, DEMO_USER, "check", secrets=lines(DEMO_PASSWORD))
    assert check.code == 0, (check.out, check.err)


def _how_it_failed(result: Result, store: Path, free: int) -> list[str]:
    """What is wrong with how ``user add`` failed with ``free`` bytes left (nothing, ideally)."""
    where = f"with {free // 1024} KiB free"
    problems = []
    message = [line for line in result.err.splitlines() if line.strip()]
    if result.code != 1 or "Traceback" in result.err or len(message) != 1:
        problems.append(f"{where}: exit {result.code}, stderr {result.err[-300:]!r}")
    elif "disk is full" not in message[0]:
        problems.append(f"{where}: the message does not say the disk is full: {message[0]!r}")
    if KeyFile.load(store / "keys.json").slot_for_user("sam") is not None:
        problems.append(f"{where}: sam's key slot was saved though adding sam failed")
    leftovers = {p.name for p in store.iterdir()} - STORE_FILES - {"login-attempts.json"}
    if leftovers:
        problems.append(f"{where}: files left behind: {sorted(leftovers)}")
    return problems


def test_user_add_on_a_nearly_full_disk_fails_cleanly_and_half_writes_nothing(
    small_disk: Callable[[str], SmallDisk],
) -> None:
    disk = small_disk("8m")
    store, store_here = disk.path / "store", disk.here / "store"
    made = _init_on(disk, store)
    assert made.code == 0, made.err
    filler = disk.fill()
    problems: list[str] = []
    added_with = None
    # From a full disk, give space back a little at a time: whichever write the disk
    # runs out in (the sign-in, the account, its key slot, the audit anchor), the
    # command must fail cleanly, until there is room and it succeeds.
    for wanted in range(0, MOST_FREE_SPACE_TRIED, STEP):
        disk.free_up_to(filler, wanted)
        free = disk.free_bytes()
        result = _signed_in(
            disk,
            store,
            ADMIN,
            "user",
            "add",
            "sam",
            "--role",
            "education_staff",
            secrets=lines(ADMIN_PASSWORD, USER_PASSWORD),
        )
        if result.code == 0:
            added_with = free
            break
        problems += _how_it_failed(result, store_here, free)
    filler.unlink()
    assert added_with is not None, f"user add never succeeded; {problems}"
    check = _signed_in(disk, store, ADMIN, "check", secrets=lines(ADMIN_PASSWORD))
    if check.code != 0:
        problems.append(f"afterwards check fails: {check.out.strip()} {check.err.strip()}")
    sam = _signed_in(disk, store, "sam", "stats", secrets=lines(USER_PASSWORD))
    if sam.code != 0:
        problems.append(
            f"sam, added with {added_with // 1024} KiB free, cannot sign in: {sam.err.strip()}"
        )
    assert not problems, "\n".join(problems)


def test_init_on_a_full_disk_says_the_disk_is_full(
    small_disk: Callable[[str], SmallDisk],
) -> None:
    disk = small_disk("256k")
    result = _init_on(disk, disk.path / "store")
    assert "The disk is full" in assert_failure(result)
    assert not (disk.here / "store" / "keys.json").exists()


def test_demo_on_a_full_disk_leaves_no_store_and_no_scraps(
    small_disk: Callable[[str], SmallDisk],
) -> None:
    disk = small_disk("2m")
    result = disk.cli("demo", "--data-dir", disk.path / "demo")
    assert "The disk is full" in assert_failure(result)
    assert sorted(os.listdir(disk.here)) == ["demo"]  # the folder asked for, and no staging
    assert not (disk.here / "demo" / "keys.json").exists()
    assert not (disk.here / "demo" / "store.db").exists()
