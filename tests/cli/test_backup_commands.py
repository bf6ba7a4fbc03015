"""Backups from a terminal: dated files in a folder with the newest kept, and checking a
backup before restoring it."""

from __future__ import annotations

import re
from pathlib import Path

from tests.cli.support import DEMO_USER, assert_failure, run_as


def test_backing_up_to_a_folder_keeps_the_newest_generations(
    demo_dir: Path, tmp_path: Path
) -> None:
    media = tmp_path / "usb"
    media.mkdir()
    refused = run_as(demo_dir, DEMO_USER, "backup")
    assert "Choose the folder backups go to" in assert_failure(refused)
    made = []
    for _ in range(3):
        result = run_as(demo_dir, DEMO_USER, "backup", "--to-folder", media)
        assert result.code == 0, result.err
        found = re.search(r"Backed up to (.+\.ltbackup) and verified", result.out)
        assert found, result.out
        made.append(Path(found.group(1)))
    assert sorted(media.glob("*.ltbackup")) == sorted(made)
    assert all(p.name.startswith("HMP Northfield backup ") for p in made)


def test_restore_check_says_what_a_backup_holds_and_changes_nothing(
    demo_dir: Path, tmp_path: Path
) -> None:
    backup = tmp_path / "demo.ltbackup"
    assert run_as(demo_dir, DEMO_USER, "backup", "--out", backup).code == 0
    before = (demo_dir / "store.db").read_bytes()
    result = run_as(demo_dir, DEMO_USER, "restore", backup, "--check")
    assert result.code == 0, result.err
    assert f"{backup.name} is sound" in result.out
    assert "Site:      HMP Northfield" in result.out
    assert re.search(r"People:\s+\d+", result.out)
    assert "Nothing was changed" in result.out
    assert (demo_dir / "store.db").read_bytes() == before

    wrong = run_as(demo_dir, DEMO_USER, "restore", backup, "--check", secrets=("nope",))
    assert "not right" in assert_failure(wrong)
    marker = run_as(demo_dir, "marker", "restore", backup, "--check")
    assert "does not allow" in assert_failure(marker)
