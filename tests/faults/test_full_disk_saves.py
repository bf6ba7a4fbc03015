"""A large save with the store on a full disk, for real: a small tmpfs (``small_disk``).

``tests/cli/test_full_disk.py`` fills the disk under ``lt-desktop`` commands (a backup,
an account added, a new store); here the store itself runs out of room in the middle of
one large transaction made through the services, as the register screen makes it.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from lt_desktop.core.sign_in import sign_in
from lt_desktop.domain.errors import DiskFull
from tests.cli.conftest import SmallDisk
from tests.faults.conftest import DEMO_PASSWORD, DEMO_USER, BigStore
from tests.faults.support import unfinished_files

MARGIN = 8 * 1024 * 1024  # room for the write-ahead log of the save, once freed


def _store_size(folder: Path) -> int:
    return sum(path.stat().st_size for path in folder.rglob("*") if path.is_file())


def test_a_large_save_on_a_full_disk_says_so_and_loses_nothing(
    big_store: BigStore, small_disk: Callable[[str], SmallDisk]
) -> None:
    disk = small_disk(f"{(_store_size(big_store.folder) + MARGIN) // 1024}k")
    folder = disk.here / "store"
    shutil.copytree(big_store.folder, folder, ignore=shutil.ignore_patterns("store.lock", "logs"))
    with sign_in(folder, DEMO_USER, DEMO_PASSWORD) as workspace:
        filler = disk.fill(leave=32 * 1024)
        with pytest.raises(DiskFull) as failed:
            workspace.register.mark_everyone_present(big_store.session_id)
        assert str(failed.value).startswith("The disk is full.")
        assert "nothing was lost" in str(failed.value)
        # The store carries on once there is room: nothing of the failed save is there.
        filler.unlink()
        assert workspace.register.register(big_store.session_id).counts() == {}
    with sign_in(folder, DEMO_USER, DEMO_PASSWORD) as workspace:
        assert workspace.register.register(big_store.session_id).counts() == {}
        assert unfinished_files(folder) == []
        changes = workspace.register.mark_everyone_present(big_store.session_id)
        assert len(changes) == big_store.expected
        report = workspace.maintenance.check()
        assert report.sound, report.problems
