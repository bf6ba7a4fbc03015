"""Backups made before an erasure still hold the person: `backup list` says so, with
the erasures' dates and never a name, and a restore warns to erase them again."""

from __future__ import annotations

from pathlib import Path

from lt_desktop.core.sign_in import sign_in
from tests.cli.support import DEMO_PASSWORD, DEMO_USER, run_as
from tests.cli.test_person_erase import _storyteller


def test_a_backup_made_before_an_erasure_still_holds_the_person(
    demo_dir: Path, tmp_path: Path
) -> None:
    media = tmp_path / "usb"
    media.mkdir()
    assert run_as(demo_dir, DEMO_USER, "backup", "--to-folder", media).code == 0
    before = run_as(demo_dir, DEMO_USER, "backup", "list", "--to-folder", media)
    assert before.code == 0, before.err
    assert "HMP Northfield backup " in before.out
    assert "erased" not in before.out

    _, name = _storyteller(demo_dir)
    erased = run_as(demo_dir, DEMO_USER, "person", "erase", "--person", name, "--yes")
    assert erased.code == 0, erased.err
    with sign_in(demo_dir, DEMO_USER, DEMO_PASSWORD) as workspace:
        later = workspace.maintenance.erased_after(
            workspace.maintenance.list_backups(media)[0].made_at
        )
    day = f"{later.dates[0].astimezone():%-d %b %Y}"

    listed = run_as(demo_dir, DEMO_USER, "backup", "list", "--to-folder", media)
    assert listed.code == 0, listed.err
    assert f"Still holds 1 person erased since (on {day})." in listed.out
    assert "brings those people back: erase them again" in listed.out
    for part in name.split():
        assert part not in listed.out

    backup = next(media.glob("*.ltbackup"))
    restored = run_as(demo_dir, DEMO_USER, "restore", backup)
    assert restored.code == 0, restored.err
    assert "Restored the store" in restored.out
    assert "erase them again after the restore" in restored.out
