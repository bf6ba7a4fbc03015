"""Backups made before an erasure still hold the person: `backup list` says so, with
the erasures' dates and never a name, and a restore warns to erase them again."""

from __future__ import annotations

from pathlib import Path

from lt_desktop.core.sign_in import sign_in
from tests.cli.support import DEMO_PASSWORD, DEMO_USER, run_as
from tests.cli.test_person_erase import _erased, _storyteller


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
    day = f"{later.dates[0].astimezone():%d %b %Y}".lstrip("0")

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
    assert "--erase-again" in restored.out
    assert name in _people(demo_dir)  # the restore brought them back


def _people(folder: Path) -> set[str]:
    with sign_in(folder, DEMO_USER, DEMO_PASSWORD) as workspace:
        return {p.display_name for p in workspace.people.list_people()}


def test_a_restore_can_erase_again_the_people_erased_since(demo_dir: Path, tmp_path: Path) -> None:
    backup = tmp_path / "before.ltbackup"
    assert run_as(demo_dir, DEMO_USER, "backup", "--out", backup).code == 0
    person_id, name = _storyteller(demo_dir)
    assert run_as(demo_dir, DEMO_USER, "person", "erase", "--person", name, "--yes").code == 0
    assert name not in _people(demo_dir)

    restored = run_as(demo_dir, DEMO_USER, "restore", backup, "--erase-again")

    assert restored.code == 0, restored.err
    assert "Erased again 1 of the 1 people erased since the backup." in restored.out
    assert name not in _people(demo_dir)
    assert _erased(demo_dir, person_id)
