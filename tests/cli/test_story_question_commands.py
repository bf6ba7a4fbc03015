"""`lt-desktop story-questions`: a store made by `init` starts with questions; they are
listed, set for every cohort or one (from the command line or a file), and a cohort is
given every cohort's again. What is refused is said in one line."""

from __future__ import annotations

from pathlib import Path

from lt_desktop.core import defaults
from lt_desktop.core.sign_in import sign_in
from tests.cli.conftest import InitialisedStore
from tests.cli.support import assert_failure, run_as
from tests.helpers.stores import ADMIN, ADMIN_PASSWORD

AUTUMN = "Crime, Justice and Society: September–December 2026"


def _questions(folder: Path, *args: str | Path, user: str = "demo") -> list[str]:
    result = run_as(folder, user, "story-questions", *args)
    assert result.code == 0, result.err
    return result.lines


def test_a_store_made_by_init_has_questions_and_a_questionnaire(
    initialised: InitialisedStore,
) -> None:
    listed = run_as(initialised.folder, ADMIN, "story-questions", "list", secrets=(ADMIN_PASSWORD,))
    assert listed.code == 0, listed.err
    assert listed.lines == [
        "Asked of every cohort without questions of its own:",
        *(f"  {n}. {text}" for n, text in enumerate(defaults.STORY_QUESTIONS, 1)),
    ]
    with sign_in(initialised.folder, ADMIN, ADMIN_PASSWORD) as admin:
        assert [t.name for t in admin.questionnaires.templates()] == [defaults.QUESTIONNAIRE_NAME]


def test_questions_are_set_for_every_cohort_and_answers_keep_theirs(demo_dir: Path) -> None:
    before = _questions(demo_dir, "list")
    assert before == [
        "Asked of every cohort without questions of its own:",
        "  1. What did you learn this week?  [answered]",
        "  2. What surprised you, or changed how you see things?  [answered]",
        "  3. How did learning with others shape your thinking?  [answered]",
    ]
    done = _questions(
        demo_dir, "set", "--all",
        "--question", "What did you learn this week?",
        "--question", "What surprised you most?",
    )  # fmt: skip
    assert done == [
        "Set 2 questions for every cohort: 1 kept, 1 new, 2 retired (the answers given keep "
        "their question).",
        "  1. What did you learn this week?",
        "  2. What surprised you most?",
    ]
    with sign_in(demo_dir, "demo", "demo") as admin:
        spring = next(c for c in admin.programme.list_cohorts() if "January" in c.name)
        week = admin.programme.list_sessions(spring.id)[1]
        shown = [(q.text, q.retired) for q in admin.stories.week(week.id).questions]
    assert shown == [
        ("What did you learn this week?", False),
        ("What surprised you most?", False),
        ("What surprised you, or changed how you see things?", True),
        ("How did learning with others shape your thinking?", True),
    ]


def test_one_cohort_is_given_its_own_from_a_file_and_then_every_cohorts_again(
    demo_dir: Path, tmp_path: Path
) -> None:
    listing = tmp_path / "autumn.txt"
    listing.write_text(
        "# Asked of the autumn cohort from week 11\nWhat will you take away?\n\n"
        "Who helped you think this week?\n",
        encoding="utf-8",
    )
    done = _questions(demo_dir, "set", "--cohort", "september", "--file", listing)
    assert done[0] == f"Set 2 questions for {AUTUMN}: 0 kept, 2 new."
    listed = _questions(demo_dir, "list", "--all")
    assert listed[4:] == [
        "",
        f"{AUTUMN} is asked its own questions:",
        "  1. What will you take away?",
        "  2. Who helped you think this week?",
    ]
    again = _questions(demo_dir, "reset", "--cohort", "september")
    assert again[0] == f"{AUTUMN} is asked every cohort's questions again:"
    assert _questions(demo_dir, "list", "--cohort", "september")[0] == (
        f"{AUTUMN} is asked every cohort's questions:"
    )


def test_what_is_refused_is_said_in_one_line(demo_dir: Path, tmp_path: Path) -> None:
    refused = run_as(
        demo_dir, "facilitator", "story-questions", "set", "--all", "--question", "Why?"
    )
    assert "does not allow you to change the story questions" in assert_failure(refused)
    twice = run_as(
        demo_dir, "staff", "story-questions", "set", "--all", "--question", "Why?",
        "--question", "why? ",
    )  # fmt: skip
    assert "asked twice" in assert_failure(twice)
    empty = tmp_path / "empty.txt"
    empty.write_text("# nothing yet\n\n", encoding="utf-8")
    nothing = run_as(demo_dir, "staff", "story-questions", "set", "--all", "--file", empty)
    assert "holds no questions" in assert_failure(nothing)
    unsure = run_as(demo_dir, "staff", "story-questions", "set", "--question", "Why?")
    assert unsure.code == 2 and "--cohort" in unsure.err
    nothing_to_reset = run_as(demo_dir, "staff", "story-questions", "reset", "--cohort", "sept")
    assert "already asked every cohort's questions" in assert_failure(nothing_to_reset)
    assert _questions(demo_dir, "list")[1] == "  1. What did you learn this week?  [answered]"
