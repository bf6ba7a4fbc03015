"""The research export takes every known name out of free text, and is formula-safe."""

from __future__ import annotations

import csv
import re
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from lt_desktop.core.name_scrubbing import REPLACEMENT, NameScrubber, names_of
from lt_desktop.core.research_codebook import codebook_rows
from lt_desktop.core.sign_in import sign_in
from lt_desktop.domain.vocabulary import ConsentScope, PersonBase


def _read(path: Path) -> list[dict[str, str]]:
    with open(path, newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def _found(name: str, text: str) -> bool:
    return re.search(rf"(?<!\w){re.escape(name)}(?!\w)", text, re.IGNORECASE) is not None


def test_names_of_other_people_planted_in_stories_do_not_reach_the_export(
    demo_dir: Path, tmp_path: Path
) -> None:
    planted: list[str] = []
    with sign_in(demo_dir, "demo", "demo") as admin:
        people = [admin.people.get_person(p.id) for p in admin.people.list_people()]
        writers = [
            p
            for p in people
            if all(
                s.active
                for s in admin.consent.states(p.id)
                if s.scope in (ConsentScope.STORIES, ConsentScope.SHARE_WITH_UNIVERSITY)
            )
            and admin.stories.by_person(p.id)
        ][:5]
        assert len(writers) == 5
        others = [p for p in people if p.id not in {w.id for w in writers}]
        for n, writer in enumerate(writers):
            named = others[n * 3 : n * 3 + 3]
            full = [f"{p.given_name} {p.family_name}" for p in named]
            alone = [p.given_name for p in named if len(p.given_name) >= 3]
            story = admin.stories.by_person(writer.id)[0].story
            text = (
                f"I sat with {full[0]} and {alone[0]}. {full[1].upper()} spoke about home; "
                f"{alone[-1].lower()} laughed. Later {full[2]} agreed with {writer.given_name}."
            )
            answers = {qid: f"{alone[1]} said it best" for qid in story.answers} or {}
            admin.stories.save(story.session_id, writer.id, text=text, answers=answers)
            planted += full + alone + [writer.given_name]
    with sign_in(demo_dir, "researcher", "demo") as researcher:
        researcher.research.export(tmp_path)
    everything = "\n".join(p.read_text(encoding="utf-8") for p in sorted(tmp_path.glob("*.csv")))
    found = [name for name in planted if _found(name, everything)]
    assert len(planted) >= 30
    assert found == []
    assert everything.count(REPLACEMENT) >= 20


def test_a_story_that_looks_like_a_formula_comes_out_as_text(
    demo_dir: Path, tmp_path: Path
) -> None:
    with sign_in(demo_dir, "demo", "demo") as admin:
        writer = next(
            p
            for p in admin.people.list_people()
            if all(
                s.active
                for s in admin.consent.states(p.id)
                if s.scope in (ConsentScope.STORIES, ConsentScope.SHARE_WITH_UNIVERSITY)
            )
            and admin.stories.by_person(p.id)
        )
        story = admin.stories.by_person(writer.id)[0].story
        admin.stories.save(
            story.session_id, writer.id, text='=HYPERLINK("http://x.example","go")', answers={}
        )
    with sign_in(demo_dir, "researcher", "demo") as researcher:
        researcher.research.export(tmp_path)
    stories = [row["story"] for row in _read(tmp_path / "stories.csv")]
    assert '\'=HYPERLINK("http://x.example","go")' in stories
    assert not any(text.startswith(("=", "+", "@")) for text in stories)


def test_a_name_goes_whole_longest_first_and_the_writers_own_becomes_their_id() -> None:
    scrubber = NameScrubber(
        {"R1": names_of("Mary Ann", "Jones", "Molly"), "R2": names_of("Tom", "Price")}
    )
    text = "mary ann  JONES met Tom Price; Tomorrow Molly saw tom."
    assert scrubber.scrub(text, writer="R1") == "R1 met [name]; Tomorrow R1 saw [name]."
    assert scrubber.scrub(text) == "[name] met [name]; Tomorrow [name] saw [name]."


def test_names_under_three_letters_are_left_as_they_are() -> None:
    scrubber = NameScrubber({"R1": names_of("Al", "Li")})
    assert scrubber.scrub("Al and Li went; all of it") == "Al and Li went; all of it"
    assert scrubber.scrub("al li spoke") == "[name] spoke"


_name = st.text(alphabet=st.characters(categories=["Lu", "Ll"]), min_size=3, max_size=12)


@given(
    names=st.lists(st.tuples(_name, _name), min_size=1, max_size=6),
    filler=st.lists(st.sampled_from(["the", "and", "a", "said", ",", ".", "we"]), max_size=8),
)
def test_no_known_name_survives_in_any_text(
    names: list[tuple[str, str]], filler: list[str]
) -> None:
    scrubber = NameScrubber({f"R{n}": names_of(g, f) for n, (g, f) in enumerate(names)})
    words = [w for pair in names for w in pair] + [f"{g} {f}" for g, f in names]
    text = " ".join(filler + words + filler[::-1])
    scrubbed = scrubber.scrub(text).replace(REPLACEMENT, " ")  # a person may be called Name
    for word in words:
        assert not _found(word, scrubbed), (word, scrubbed)


def test_every_file_says_whether_each_person_is_prison_or_university_based(
    demo_dir: Path, tmp_path: Path
) -> None:
    with sign_in(demo_dir, "demo", "demo") as admin:
        bases = {p.id: admin.people.get_person(p.id).base for p in admin.people.list_people()}
    with sign_in(demo_dir, "researcher", "demo") as researcher:
        export = researcher.research.export(tmp_path)
    for name in set(export.files) - {"codebook.csv", "sense_making.csv"}:
        rows = _read(tmp_path / name)
        assert list(rows[0])[:2] == ["research_id", "base"], name
        assert {row["base"] for row in rows} <= {b.value for b in PersonBase}, name
    # The meetings name no one: they count who attended by base instead.
    (meeting,) = _read(tmp_path / "sense_making.csv")
    assert "research_id" not in meeting
    counts = {b: int(meeting[f"attended_{b.value}_based"]) for b in PersonBase}
    assert counts[PersonBase.PRISON] > 0 and counts[PersonBase.UNIVERSITY] > 0
    stories = _read(tmp_path / "stories.csv")
    assert {"prison", "university"} <= {row["base"] for row in stories}
    assert {b.value for b in bases.values()} >= {row["base"] for row in stories}
    with sign_in(demo_dir, "demo", "demo") as admin:
        (entry,) = admin.audit.entries(action="research.exported")
    assert "base" in entry.details["columns"]


def test_the_codebook_describes_every_column_of_every_file_written(
    demo_dir: Path, tmp_path: Path
) -> None:
    with sign_in(demo_dir, "researcher", "demo") as researcher:
        export = researcher.research.export(tmp_path)
    codebook = _read(tmp_path / "codebook.csv")
    described = {(row["file"], row["column"]) for row in codebook}
    written = {
        (name, column)
        for name in set(export.files) - {"codebook.csv"}
        for column in _read(tmp_path / name)[0]
    }
    assert written == described and len(written) == len(codebook)
    assert all(row["meaning"] and row["values"] for row in codebook)
    base = next(row for row in codebook if row["column"] == "base")
    assert "prison, university, community" == base["values"]
    story = next(row for row in codebook if row["column"] == "story")
    assert "[name]" in story["meaning"]


def test_a_column_the_codebook_has_no_words_for_is_refused() -> None:
    with pytest.raises(KeyError, match="no words for the column 'mood'"):
        codebook_rows({"stories.csv": ["research_id", "mood"]})
