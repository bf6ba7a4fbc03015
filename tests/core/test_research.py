"""Weekly stories, questionnaires and the research export, with consent enforced."""

from __future__ import annotations

import csv
from datetime import date
from pathlib import Path

import pytest

from lt_desktop.core.services.questionnaires import ItemInfo
from lt_desktop.core.sign_in import sign_in
from lt_desktop.core.workspace import Workspace
from lt_desktop.domain.errors import ConsentMissing, PermissionDenied, ValidationError
from lt_desktop.domain.vocabulary import (
    ConsentScope,
    ItemKind,
    MembershipRole,
    QuestionnairePhase,
)
from tests.helpers.questionnaires import item_id


def _autumn(workspace: Workspace):  # noqa: ANN202
    return next(c for c in workspace.programme.list_cohorts() if "September" in c.name)


def _upcoming(workspace: Workspace):  # noqa: ANN202
    return next(
        s
        for s in workspace.programme.list_sessions(_autumn(workspace).id)
        if s.marks_taken == 0 and not s.is_cancelled
    )


def test_a_story_needs_consent_and_the_sheet_says_why(demo: Workspace) -> None:
    session = _upcoming(demo)
    week = demo.stories.week(session.id)
    assert len(week.questions) == 3
    roles = {line.role for line in week.lines}
    assert {
        MembershipRole.STUDENT,
        MembershipRole.MENTOR,
        MembershipRole.FACILITATOR,
        MembershipRole.LECTURER,
    } <= roles
    refused = next(line for line in week.lines if not line.may_have_story)
    assert "consent" in (refused.consent_problem or "")
    with pytest.raises(ConsentMissing, match="Nothing was saved"):
        demo.stories.save(session.id, refused.person_id, text="A story", answers={})
    allowed = next(line for line in week.lines if line.may_have_story and line.story is None)
    answers = {week.questions[0].id: "That justice can repair."}
    saved = demo.stories.save(
        session.id, allowed.person_id, text="We talked about repair.", answers=answers
    )
    assert saved.answers == answers and saved.transcribed_by == "Demo Administrator"
    again = demo.stories.week(session.id)
    line = next(x for x in again.lines if x.person_id == allowed.person_id)
    assert line.story is not None and line.story.text == "We talked about repair."
    history = demo.stories.by_person(allowed.person_id)
    assert history[-1].week == session.week


def test_withdrawal_stops_new_stories(demo: Workspace) -> None:
    session = _upcoming(demo)
    line = next(x for x in demo.stories.week(session.id).lines if x.may_have_story)
    demo.consent.withdraw(line.person_id, ConsentScope.STORIES, on=date(2026, 11, 1))
    with pytest.raises(ConsentMissing, match="withdrew consent"):
        demo.stories.save(session.id, line.person_id, text="Too late", answers={})


def test_questions_can_be_set_for_a_cohort(demo: Workspace) -> None:
    cohort = _autumn(demo)
    demo.stories.set_questions(["What will you take away?"], cohort_id=cohort.id)
    assert [q.text for q in demo.stories.questions(cohort.id)] == ["What will you take away?"]
    with pytest.raises(ValidationError):
        demo.stories.set_questions([" "], cohort_id=cohort.id)


def test_questionnaire_entry_scoring_and_paired_change(demo: Workspace) -> None:
    template = demo.questionnaires.templates()[0]
    spring = next(c for c in demo.programme.list_cohorts() if "January" in c.name)
    comparison = demo.questionnaires.comparison(template.id, spring.id)
    assert comparison.overall.pairs > 5
    assert comparison.overall.mean_change is not None and comparison.overall.mean_change > 0
    assert comparison.overall.ci_low is not None and comparison.overall.ci_low < (
        comparison.overall.mean_change
    )
    assert set(comparison.subscales) == {"Self-efficacy", "Learner identity"}
    # Enter one person's paper form, reverse-scored item included.
    cohort = _autumn(demo)
    grid = demo.questionnaires.grid(template.id, cohort.id, QuestionnairePhase.POST)
    row = next(r for r in grid.rows if r.consent_problem is None)
    likert = template.likert_items
    answers: dict = {item.id: 5 for item in likert}
    answers[template.items[-1].id] = "It changed how I see myself."
    saved = demo.questionnaires.save_response(
        template.id,
        cohort.id,
        row.person_id,
        QuestionnairePhase.POST,
        answers,
        completed_on=date(2026, 11, 24),
    )
    assert saved[item_id(template.items[-1])] == "It changed how I see myself."
    after = demo.questionnaires.comparison(template.id, cohort.id)
    person = next(p for p in after.people if p.person_id == row.person_id)
    reversed_items = sum(1 for i in likert if i.reverse_scored)
    assert person.post == pytest.approx(
        (5 * (len(likert) - reversed_items) + reversed_items) / len(likert)
    )
    with pytest.raises(ValidationError, match="from 1 to 5"):
        demo.questionnaires.save_response(
            template.id, cohort.id, row.person_id, QuestionnairePhase.POST, {item_id(likert[0]): 9}
        )
    refused = next(r for r in grid.rows if r.consent_problem is not None)
    with pytest.raises(ConsentMissing):
        demo.questionnaires.save_response(
            template.id,
            cohort.id,
            refused.person_id,
            QuestionnairePhase.POST,
            {item_id(likert[0]): 3},
        )


def test_answered_items_keep_their_meaning(demo: Workspace) -> None:
    template = demo.questionnaires.templates()[0]
    items = list(template.items)
    flipped = [
        ItemInfo(i.id, i.position, i.text, i.kind, i.scale_points, not i.reverse_scored, i.subscale)
        if n == 0
        else i
        for n, i in enumerate(items)
    ]
    with pytest.raises(ValidationError, match="cannot change"):
        demo.questionnaires.save_template(
            template.id, name=template.name, description="", items=flipped
        )
    with pytest.raises(ValidationError, match="cannot be removed"):
        demo.questionnaires.save_template(
            template.id, name=template.name, description="", items=items[1:]
        )
    added = items + [
        ItemInfo(None, len(items), "I look forward to learning.", ItemKind.LIKERT, 7, False, "")
    ]
    saved = demo.questionnaires.save_template(
        template.id, name="Renamed", description="d", items=added
    )
    assert saved.name == "Renamed" and saved.items[-1].scale_points == 7


def _read(path: Path) -> list[dict[str, str]]:
    with open(path, newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def test_the_research_export_is_pseudonymised_and_consented(demo_dir: Path, tmp_path: Path) -> None:
    with sign_in(demo_dir, "demo", "demo") as admin:
        people = {p.id: admin.people.get_person(p.id) for p in admin.people.list_people()}
        with admin.store.read() as session:
            from sqlalchemy import select

            from lt_desktop.storage.models import Person

            research_ids = {p.id: p.research_id for p in session.scalars(select(Person))}
        withdrawn = next(
            pid
            for pid in people
            if {s.scope: s for s in admin.consent.states(pid)}[ConsentScope.STORIES].active
            and {s.scope: s for s in admin.consent.states(pid)}[
                ConsentScope.SHARE_WITH_UNIVERSITY
            ].active
            and admin.stories.by_person(pid)
        )
        admin.consent.withdraw(withdrawn, ConsentScope.STORIES, on=date(2026, 11, 24))
        consents = {pid: {s.scope: s.active for s in admin.consent.states(pid)} for pid in people}
        prison_numbers = [
            d.prison_number for pid in people if (d := admin.people.prison_details(pid)) is not None
        ]
    with sign_in(demo_dir, "researcher", "demo") as researcher:
        with pytest.raises(PermissionDenied):
            researcher.people.list_people()
        export = researcher.research.export(tmp_path)
    assert set(export.files) == {
        "stories.csv",
        "questionnaire_answers.csv",
        "questionnaire_scores.csv",
        "questionnaire_pairs.csv",
        "interviews.csv",
        "sense_making.csv",
        "essays.csv",
        "codebook.csv",
    }
    stories = _read(tmp_path / "stories.csv")
    answers = _read(tmp_path / "questionnaire_answers.csv")
    assert stories and answers and export.people > 10
    everything = "".join(p.read_text(encoding="utf-8") for p in tmp_path.glob("*.csv"))
    for person in people.values():
        for part in (person.given_name, person.family_name):
            if len(part) > 3:
                assert part not in everything, part
    for number in prison_numbers:
        assert number not in everything
    by_research_id = {rid: pid for pid, rid in research_ids.items()}
    assert research_ids[withdrawn] not in {row["research_id"] for row in stories}
    for row in stories:
        scopes = consents[by_research_id[row["research_id"]]]
        assert scopes[ConsentScope.STORIES] and scopes[ConsentScope.SHARE_WITH_UNIVERSITY]
    for row in answers:
        scopes = consents[by_research_id[row["research_id"]]]
        assert scopes[ConsentScope.QUESTIONNAIRES] and scopes[ConsentScope.SHARE_WITH_UNIVERSITY]
    assert "week" in stories[0] and not any("date" in key for key in stories[0])
