"""`lt-desktop research export`: the researcher writes the export into a folder, for
chosen cohorts, with dates shifted if asked; what is refused is said in one line."""

from __future__ import annotations

import csv
from pathlib import Path

from tests.cli.support import assert_failure, run_as


def _rows(path: Path) -> list[dict[str, str]]:
    with open(path, newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def test_the_researcher_exports_one_cohort_with_dates_shifted(
    demo_dir: Path, tmp_path: Path
) -> None:
    real, shifted = tmp_path / "real", tmp_path / "shifted"
    real.mkdir()
    shifted.mkdir()
    done = run_as(demo_dir, "researcher", "research", "export", "--out", real)
    assert done.code == 0, done.err
    assert done.lines[0].startswith("Exported data of ") and "(real dates):" in done.lines[0]
    assert "  interviews.csv: 14 rows" in done.lines
    assert "  transcripts/: 2 interview transcripts" in done.lines
    done = run_as(
        demo_dir, "researcher",
        "research", "export", "--out", shifted, "--cohort", "january-march 2026", "--shift-dates",
    )  # fmt: skip
    assert done.code == 0, done.err
    assert "(dates shifted per person):" in done.lines[0]
    assert "  sense_making.csv: 1 row" in done.lines
    interviews = _rows(shifted / "interviews.csv")
    assert interviews and all("January" in row["cohort"] for row in interviews)
    before = {row["interview"]: row["held_on"] for row in _rows(real / "interviews.csv")}
    moved = [row for row in interviews if row["held_on"] != before[row["interview"]]]
    assert len(moved) >= len(interviews) - 1  # a person's days may be 0, rarely
    held = next(
        row
        for row in _rows(shifted / "codebook.csv")
        if (row["file"], row["column"]) == ("interviews.csv", "held_on")
    )
    assert "Shifted" in held["meaning"]


def test_what_the_research_export_refuses_is_said_in_one_line(
    demo_dir: Path, tmp_path: Path
) -> None:
    missing = run_as(demo_dir, "researcher", "research", "export", "--out", tmp_path / "none")
    assert "does not exist" in assert_failure(missing)
    unknown = run_as(
        demo_dir, "researcher", "research", "export", "--out", tmp_path, "--cohort", "Nope"
    )
    assert "no cohort called 'Nope'" in assert_failure(unknown)
    staff = run_as(demo_dir, "staff", "research", "export", "--out", tmp_path)
    assert_failure(staff)
    inside = run_as(demo_dir, "researcher", "research", "export", "--out", demo_dir)
    assert "store folder" in assert_failure(inside)
