"""Story questions on a real installation: a new store starts with sensible ones and a
real questionnaire; administrators and education staff change the questions, for every
cohort or one, and an answer always keeps the question it answered."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from lt_desktop.core import defaults
from lt_desktop.core.front_door import make_store
from lt_desktop.core.services.stories import QuestionLine
from lt_desktop.core.sign_in import sign_in
from lt_desktop.core.workspace import Workspace
from lt_desktop.domain.errors import PermissionDenied, ValidationError
from lt_desktop.domain.vocabulary import (
    ConsentScope,
    ItemKind,
    MembershipRole,
    PersonBase,
    SiteKind,
)


def _cohort(workspace: Workspace, month: str):  # noqa: ANN202
    return next(c for c in workspace.programme.list_cohorts() if month in c.name)


def test_a_new_store_starts_with_questions_and_a_real_questionnaire(tmp_path: Path) -> None:
    folder = tmp_path / "store"
    make_store(
        folder,
        site_name="HMP Brookfield",
        site_kind=SiteKind.PRISON,
        admin_username="admin",
        admin_display_name="Ada Admin",
        admin_password="a long enough password",
    )
    with sign_in(folder, "admin", "a long enough password") as admin:
        asked = admin.stories.questions()
        assert [q.text for q in asked] == defaults.STORY_QUESTIONS
        (template,) = admin.questionnaires.templates()
        assert template.name == defaults.QUESTIONNAIRE_NAME and "example" not in template.name
        assert len(template.likert_items) == len(defaults.QUESTIONNAIRE_ITEMS)
        assert {i.subscale for i in template.likert_items} == {"Confidence", "Belonging", "Hope"}
        assert template.items[-1].kind is ItemKind.FREE_TEXT
        # A story can be kept on the very first day.
        partnership = admin.programme.add_partnership(
            name="Brookfield", prison_name="HMP Brookfield", university_name="Uni"
        )
        course = admin.programme.add_course(partnership_id=partnership.id, title="Philosophy")
        cohort = admin.programme.add_cohort(
            course_id=course.id, name="Spring", starts_on=date(2027, 1, 4), ends_on=date(2027, 3, 8)
        )
        week = admin.programme.add_session(cohort_id=cohort.id, week=1, held_on=date(2027, 1, 4))
        person = admin.people.add_person(
            given_name="Sam", family_name="Reed", base=PersonBase.PRISON
        )
        admin.memberships.enrol(cohort.id, person.id, role=MembershipRole.STUDENT)
        admin.consent.record(person.id, ConsentScope.STORIES, given_on=date(2027, 1, 4))
        sheet = admin.stories.week(week.id)
        assert [q.text for q in sheet.questions] == defaults.STORY_QUESTIONS
        saved = admin.stories.save(
            week.id, person.id, text="We argued kindly.", answers={asked[0].id: "Patience."}
        )
        assert saved.answers[asked[0].id] == "Patience."


def test_answers_keep_the_question_they_answered(demo_dir: Path) -> None:
    with sign_in(demo_dir, "staff", "demo") as staff:
        spring = _cohort(staff, "January")
        before = staff.stories.question_set()
        assert before.cohort_id is None and len(before.questions) == 3
        assert before.answered == {q.id for q in before.questions}
        learned, surprised, together = before.questions
        asked = staff.stories.set_questions(
            [
                QuestionLine("What did you learn this week?", learned.id),  # kept as it was
                QuestionLine("What surprised you most?", surprised.id),  # reworded
                "Who would you like to hear more from next week?",  # new
            ]
        )
        assert asked[0].id == learned.id
        assert asked[1].id != surprised.id and asked[1].text == "What surprised you most?"
        assert [q.text for q in staff.stories.questions()] == [q.text for q in asked]
        # An earlier week shows the questions its stories answered, retired ones too.
        week = next(s for s in staff.programme.list_sessions(spring.id) if s.week == 2)
        sheet = staff.stories.week(week.id)
        shown = {q.id: q for q in sheet.questions}
        assert shown[surprised.id].retired and shown[together.id].retired
        assert shown[surprised.id].text == surprised.text
        assert not shown[asked[1].id].retired
        told = next(line.story for line in sheet.lines if line.story is not None)
        assert told is not None and told.answers[surprised.id]
        # Correcting that story keeps its old answers where they were.
        again = staff.stories.save(
            week.id,
            next(line.person_id for line in sheet.lines if line.story is told),
            text=told.text + " Corrected.",
            answers={q.id: told.answers.get(q.id, "") for q in sheet.questions},
        )
        assert again.answers[surprised.id] == told.answers[surprised.id]
        assert again.answers.get(asked[2].id, "") == ""  # nothing typed for it


def test_a_question_with_no_answers_is_reworded_in_place(demo: Workspace) -> None:
    (fresh,) = [q for q in demo.stories.set_questions(["A", "B"]) if q.text == "B"]
    assert demo.stories.question_set().answered == frozenset()
    reworded = demo.stories.set_questions(["A", QuestionLine("B, put better", fresh.id)])
    assert reworded[1].id == fresh.id and reworded[1].text == "B, put better"
    # Matched by wording when no line names it, and moved.
    moved = demo.stories.set_questions(["b, PUT  better", "A"])
    assert moved[0].id == fresh.id
    with pytest.raises(ValidationError, match="twice"):
        demo.stories.set_questions(["A", "a "])
    with pytest.raises(ValidationError, match="at least one"):
        demo.stories.set_questions([" ", ""])


def test_one_cohort_can_have_its_own_questions_and_go_back(demo: Workspace) -> None:
    autumn, spring = _cohort(demo, "September"), _cohort(demo, "January")
    every = demo.stories.question_set()
    shown = demo.stories.question_set(autumn.id)
    assert not shown.own and shown.questions == every.questions
    own = demo.stories.set_questions(["What will you take away?"], cohort_id=autumn.id)
    assert demo.stories.question_set(autumn.id).own
    assert [q.text for q in demo.stories.questions(autumn.id)] == ["What will you take away?"]
    assert demo.stories.questions(spring.id) == every.questions
    upcoming = next(s for s in demo.programme.list_sessions(autumn.id) if s.marks_taken == 0)
    assert [q.id for q in demo.stories.week(upcoming.id).questions] == [own[0].id]
    back = demo.stories.use_every_cohorts_questions(autumn.id)
    assert back == every.questions == demo.stories.questions(autumn.id)
    with pytest.raises(ValidationError, match="already"):
        demo.stories.use_every_cohorts_questions(autumn.id)


@pytest.mark.parametrize("username", ["facilitator", "marker", "researcher"])
def test_only_administrators_and_education_staff_change_the_questions(
    demo_dir: Path, username: str
) -> None:
    with sign_in(demo_dir, username, "demo") as workspace:
        with pytest.raises(PermissionDenied):
            workspace.stories.set_questions(["Something else?"])
        with pytest.raises(PermissionDenied):
            workspace.questionnaires.save_template(None, name="Mine", description="", items=[])
    with sign_in(demo_dir, "staff", "demo") as staff:
        assert staff.stories.set_questions(["Something else?"])[0].text == "Something else?"
        template = staff.questionnaires.templates()[0]
        saved = staff.questionnaires.save_template(
            template.id, name=template.name, description="Changed.", items=template.items
        )
        assert saved.description == "Changed."
        assert "(example)" not in saved.name
