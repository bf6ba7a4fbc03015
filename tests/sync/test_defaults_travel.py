"""Every new installation starts with the same default story questions and questionnaire.
A university and the prisons it works with each set one up; when they exchange, the
defaults are one set of records, not one set per site."""

from __future__ import annotations

from pathlib import Path

from lt_desktop.core import defaults
from lt_desktop.core.front_door import make_store
from lt_desktop.core.services.stories import QuestionLine
from lt_desktop.domain.vocabulary import SiteKind
from tests.helpers.sites import Site, pair

PASSWORD = "a long enough password"


def _installed(folder: Path, name: str, kind: SiteKind) -> Site:
    make_store(
        folder,
        site_name=name,
        site_kind=kind,
        admin_username="admin",
        admin_display_name="Ada Admin",
        admin_password=PASSWORD,
    )
    return Site(name, folder, "admin", PASSWORD)


def _defaults_held(site: Site) -> dict[str, int]:
    with site.open() as workspace:
        counts = workspace.stats.counts()
        assert workspace.sync.conflicts(include_reviewed=True) == []
    return {
        table: counts[table]
        for table in ("story_questions", "questionnaire_templates", "questionnaire_items")
    }


def test_the_defaults_of_three_sites_are_one_set_of_records(tmp_path: Path) -> None:
    university = _installed(tmp_path / "u", "University of Eastbridge", SiteKind.UNIVERSITY)
    north = _installed(tmp_path / "n", "HMP Northfield", SiteKind.PRISON)
    south = _installed(tmp_path / "s", "HMP Southgate", SiteKind.PRISON)
    one_set = {
        "story_questions": len(defaults.STORY_QUESTIONS),
        "questionnaire_templates": 1,
        "questionnaire_items": len(defaults.QUESTIONNAIRE_ITEMS) + 1,
    }
    for prison in (north, south):
        pair(prison, university)
        taken = university.take_in(
            prison.export_to(university, tmp_path / f"{prison.folder.name}.ltbundle").info.path
        )
        for table in one_set:
            assert table not in taken.summary.added, taken.describe()
        assert taken.summary.unchanged >= sum(one_set.values())
        assert _defaults_held(university) == one_set
    # A default changed at a prison is changed at the university, as any edit is.
    with north.open() as workspace:
        first, *others = workspace.stories.question_set().questions
        reworded = workspace.stories.set_questions(
            [QuestionLine("What did you learn this week?", first.id), *(q.text for q in others)]
        )
        assert reworded[0].id == first.id  # no answers yet: changed where it is
    taken = university.take_in(north.export_to(university, tmp_path / "n2.ltbundle").info.path)
    assert taken.summary.updated["story_questions"] == 1, taken.describe()
    assert _defaults_held(university) == one_set
    with university.open() as workspace:
        assert workspace.stories.questions()[0].text == "What did you learn this week?"
    # The other prison's copy of it, unchanged, does not undo that.
    taken = university.take_in(south.export_to(university, tmp_path / "s2.ltbundle").info.path)
    assert not taken.summary.updated, taken.describe()
    with university.open() as workspace:
        assert workspace.stories.questions()[0].text == "What did you learn this week?"
    assert _defaults_held(university) == one_set
