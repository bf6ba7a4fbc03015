"""``lt-desktop diagnostics``: the file for support, from a terminal, on a store that opens,
without signing in, and on a store too damaged to open."""

from __future__ import annotations

from pathlib import Path

from lt_desktop.core.sign_in import sign_in
from tests.cli.support import (
    DEMO_PASSWORD,
    DEMO_USER,
    assert_usage_error,
    damage_table,
    run_as,
)
from tests.helpers.cli import run_cli
from tests.helpers.personal_data import PersonalData, personal_data


def _personal(folder: Path) -> PersonalData:
    with sign_in(folder, DEMO_USER, DEMO_PASSWORD) as workspace:
        return personal_data(workspace)


def test_diagnostics_of_the_demo_store_name_no_one(demo_dir: Path, tmp_path: Path) -> None:
    (tmp_path / "stick").mkdir()
    target = tmp_path / "stick" / "for support.txt"
    result = run_as(demo_dir, DEMO_USER, "diagnostics", "--out", target)
    assert result.code == 0, result.err
    assert result.out.startswith(f"Wrote the diagnostics to {target}")
    text = target.read_text(encoding="utf-8")
    assert "What the store holds" in text and "  people " in text
    assert "Schema revision" in text and "SQLCipher" in text
    assert [p.name for p in target.parent.iterdir()] == [target.name]  # nothing half-written
    assert _personal(demo_dir).found_in_text(text) == []


def test_without_signing_in_no_password_is_asked(demo_dir: Path, tmp_path: Path) -> None:
    personal = _personal(demo_dir)
    target = tmp_path / "diagnostics.txt"
    result = run_cli("diagnostics", "--data-dir", demo_dir, "--without-signing-in", "--out", target)
    assert result.code == 0, result.err
    text = target.read_text(encoding="utf-8")
    assert "Settings and counts need someone signed in" in text
    assert "What the store holds" not in text
    assert personal.found_in_text(text) == []


def test_a_store_that_will_not_open_still_gets_its_diagnostics(
    demo_dir: Path, tmp_path: Path
) -> None:
    personal = _personal(demo_dir)
    damage_table(demo_dir, "people")
    target = tmp_path / "diagnostics.txt"
    result = run_as(demo_dir, DEMO_USER, "diagnostics", "--out", target)
    assert result.code == 0, result.err
    assert result.out.startswith("The store did not open.")
    text = target.read_text(encoding="utf-8")
    assert "The store did not open: The store on this computer is damaged" in text
    # Opening it failed its check, and the log said so: the report carries that line.
    assert "ERROR lt_desktop.storage.store: The store failed its quick check" in text
    assert personal.found_in_text(text) == []


def test_diagnostics_needs_a_file_to_write(demo_dir: Path, tmp_path: Path) -> None:
    assert_usage_error(run_as(demo_dir, DEMO_USER, "diagnostics"))
    result = run_as(demo_dir, DEMO_USER, "diagnostics", "--out", tmp_path)
    assert result.code == 2 and "is a folder" in result.err
