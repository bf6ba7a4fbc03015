"""Date shifting in the research export: each person's dates move back by their own
days, the same in every file and every export, and the codebook says so."""

from __future__ import annotations

import csv
from datetime import date
from pathlib import Path

from sqlalchemy import select

from lt_desktop.core.research_dates import LONGEST_SHIFT_DAYS, SHIFT_SECRET_SETTING, DateShift
from lt_desktop.core.sign_in import sign_in
from lt_desktop.storage.models import Setting

#: Each file's person dates, and the columns that tell its rows apart.
PERSON_DATES = {
    "interviews.csv": ("held_on", ("interview",)),
    "essays.csv": ("submitted_on", ("research_id", "cohort")),
    "questionnaire_scores.csv": (
        "completed_on",
        ("research_id", "cohort", "questionnaire", "phase", "subscale"),
    ),
}


def _read(path: Path) -> list[dict[str, str]]:
    with open(path, newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def _dates(folder: Path) -> dict[tuple[str, ...], tuple[str, date]]:
    """Every person date of an export: (file, row key) -> (research id, date)."""
    found = {}
    for name, (column, key) in PERSON_DATES.items():
        for row in _read(folder / name):
            if row[column]:
                found[(name, *(row[k] for k in key))] = (
                    row["research_id"],
                    date.fromisoformat(row[column]),
                )
    return found


def _export(demo_dir: Path, out: Path, *, shift_dates: bool) -> None:
    out.mkdir()
    with sign_in(demo_dir, "researcher", "demo") as researcher:
        researcher.research.export(out, shift_dates=shift_dates)


def test_each_person_moves_by_their_own_days_in_every_file_and_every_export(
    demo_dir: Path, tmp_path: Path
) -> None:
    _export(demo_dir, tmp_path / "real", shift_dates=False)
    _export(demo_dir, tmp_path / "first", shift_dates=True)
    _export(demo_dir, tmp_path / "second", shift_dates=True)
    real, first, second = (_dates(tmp_path / n) for n in ("real", "first", "second"))
    assert set(real) == set(first) == set(second) and len(real) > 100
    assert first == second  # stable between exports: nothing to compare to find a shift
    shifts: dict[str, set[int]] = {}
    files: dict[str, set[str]] = {}
    for key, (research_id, day) in real.items():
        shifts.setdefault(research_id, set()).add((day - first[key][1]).days)
        files.setdefault(research_id, set()).add(key[0])
    assert all(len(days) == 1 for days in shifts.values()), shifts
    across = [rid for rid, seen in files.items() if len(seen) == 3]
    assert len(across) >= 3  # people with dates in all three files move alike in each
    days = {rid: next(iter(d)) for rid, d in shifts.items()}
    assert all(0 <= n <= LONGEST_SHIFT_DAYS for n in days.values())
    assert len(set(days.values())) > len(days) // 2  # different people, different days
    # The meeting of the whole cohort moves by the cohort's days, the same each time.
    (meeting_real,) = _read(tmp_path / "real" / "sense_making.csv")
    (meeting_1,) = _read(tmp_path / "first" / "sense_making.csv")
    (meeting_2,) = _read(tmp_path / "second" / "sense_making.csv")
    moved = date.fromisoformat(meeting_real["held_on"]) - date.fromisoformat(meeting_1["held_on"])
    assert 0 <= moved.days <= LONGEST_SHIFT_DAYS and meeting_1 == meeting_2


def test_the_codebook_says_whether_dates_are_shifted_and_the_secret_stays_home(
    demo_dir: Path, tmp_path: Path
) -> None:
    _export(demo_dir, tmp_path / "real", shift_dates=False)
    _export(demo_dir, tmp_path / "shifted", shift_dates=True)
    for folder, words in (("real", "Not shifted: the real date."), ("shifted", "Shifted: moved")):
        codebook = _read(tmp_path / folder / "codebook.csv")
        dated = [r for r in codebook if r["values"] == "date, YYYY-MM-DD"]
        assert {(r["file"], r["column"]) for r in dated} == {
            ("interviews.csv", "held_on"),
            ("essays.csv", "submitted_on"),
            ("questionnaire_scores.csv", "completed_on"),
            ("sense_making.csv", "held_on"),
        }
        assert all(words in r["meaning"] for r in dated), folder
    with sign_in(demo_dir, "demo", "demo") as admin, admin.store.read() as session:
        secret = session.scalars(
            select(Setting.value).where(Setting.key == SHIFT_SECRET_SETTING)
        ).one()
    exported = "".join(
        p.read_text(encoding="utf-8") for p in (tmp_path / "shifted").rglob("*") if p.is_file()
    )
    assert secret.strip('"') not in exported


def test_without_a_secret_nothing_moves_and_with_one_the_days_follow_the_id() -> None:
    assert DateShift(None).person_date("R1", date(2026, 3, 1)) == date(2026, 3, 1)
    shift = DateShift(b"k" * 32)
    again = DateShift(b"k" * 32)
    other = DateShift(b"j" * 32)
    ids = [f"R{n:09d}" for n in range(200)]
    assert [shift.days(f"person:{i}") for i in ids] == [again.days(f"person:{i}") for i in ids]
    assert [shift.days(f"person:{i}") for i in ids] != [other.days(f"person:{i}") for i in ids]
    assert {shift.days(f"person:{i}") for i in ids} <= set(range(LONGEST_SHIFT_DAYS + 1))
    assert len({shift.days(f"person:{i}") for i in ids}) > 150
