"""``lt-desktop story-questions``: the questions asked with each weekly story, for every
cohort or for one.

``set`` takes the questions in order, each with ``--question`` or one a line from a
file with ``--file`` (blank lines and lines starting with # are left out). A question
kept word for word stays the same question; one left out, or reworded once it has
answers, is retired, so the answers already given keep the question they answered.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TYPE_CHECKING, Any

from lt_desktop.cli.commands.common import (
    COHORT_HELP,
    _find_cohort,
    _read_small_file,
    _signed_in,
)
from lt_desktop.domain.errors import ValidationError
from lt_desktop.domain.wording import counted

if TYPE_CHECKING:
    from lt_desktop.core.services.stories import Question, QuestionSet
    from lt_desktop.core.workspace import Workspace

EVERY_COHORT = "every cohort"


def add_parser(
    sub: argparse._SubParsersAction[Any],
    signed_in: argparse.ArgumentParser,
    parser_class: type[argparse.ArgumentParser],
) -> None:
    questions = sub.add_parser(
        "story-questions",
        help="the questions asked with each weekly story: list them, set them, or give a "
        "cohort every cohort's again",
    )
    actions = questions.add_subparsers(
        dest="questions_command", metavar="ACTION", required=True, parser_class=parser_class
    )
    p = actions.add_parser(
        "list",
        parents=[signed_in],
        help="the questions every cohort is asked (default), one cohort's, or all of them",
    )
    which = p.add_mutually_exclusive_group()
    which.add_argument("--cohort", metavar="NAME", help=COHORT_HELP)
    which.add_argument("--all", action="store_true", help="every cohort's, then each cohort's own")
    p = actions.add_parser(
        "set",
        parents=[signed_in],
        help="set the questions, in order, for every cohort (--all) or one (--cohort); "
        "answers already given keep the question they answered",
    )
    which = p.add_mutually_exclusive_group(required=True)
    which.add_argument("--cohort", metavar="NAME", help=COHORT_HELP)
    which.add_argument(
        "--all",
        action="store_true",
        help="the questions every cohort without its own is asked",
    )
    given = p.add_mutually_exclusive_group(required=True)
    given.add_argument(
        "--question",
        action="append",
        metavar="TEXT",
        help="a question; give one --question for each, in order",
    )
    given.add_argument(
        "--file",
        type=Path,
        metavar="FILE",
        help="a text file with one question a line (UTF-8; # starts a comment line)",
    )
    p = actions.add_parser(
        "reset",
        parents=[signed_in],
        help="retire a cohort's own questions: it is asked every cohort's again",
    )
    p.add_argument("--cohort", required=True, metavar="NAME", help=COHORT_HELP)


def questions(args: argparse.Namespace, data_dir: Path) -> int:
    texts = _texts(args) if args.questions_command == "set" else []
    workspace, _, _ = _signed_in(args, data_dir)
    with workspace:
        stories = workspace.stories
        cohort = _find_cohort(workspace, args.cohort) if args.cohort else None
        cohort_id = cohort.id if cohort else None
        title = cohort.title if cohort else EVERY_COHORT
        if args.questions_command == "list":
            if args.all:
                _print_all(workspace)
            else:
                _print_set(title, stories.question_set(cohort_id))
            return 0
        if args.questions_command == "reset":
            assert cohort_id is not None
            asked = stories.use_every_cohorts_questions(cohort_id)
            print(f"{title} is asked every cohort's questions again:")
            _print_questions(asked, frozenset())
            return 0
        before = stories.question_set(cohort_id)
        asked = stories.set_questions(texts, cohort_id=cohort_id)
        held = {q.id for q in before.questions} if before.own or cohort_id is None else set()
        kept = sum(1 for q in asked if q.id in held)
        retired = len(held - {q.id for q in asked})
        summary = f"{kept} kept, {len(asked) - kept} new"
        if retired:
            summary += f", {retired} retired (the answers given keep their question)"
        print(f"Set {counted(len(asked), 'question')} for {title}: {summary}.")
        _print_questions(asked, frozenset())
        return 0


def _texts(args: argparse.Namespace) -> list[str]:
    if args.question:
        return list(args.question)
    raw = _read_small_file(args.file, "list of questions")
    try:
        lines = raw.decode("utf-8-sig").splitlines()
    except UnicodeDecodeError:
        raise ValidationError(f"{args.file} is not a text file in UTF-8.") from None
    texts = [line.strip() for line in lines if line.strip() and not line.lstrip().startswith("#")]
    if not texts:
        raise ValidationError(f"{args.file} holds no questions.")
    return texts


def _print_all(workspace: Workspace) -> None:
    _print_set(EVERY_COHORT, workspace.stories.question_set())
    for cohort in workspace.programme.list_cohorts():
        own = workspace.stories.question_set(cohort.id)
        if own.own:
            print()
            _print_set(cohort.title, own)


def _print_set(title: str, shown: QuestionSet) -> None:
    if shown.cohort_id is None:
        print("Asked of every cohort without questions of its own:")
    elif shown.own:
        print(f"{title} is asked its own questions:")
    else:
        print(f"{title} is asked every cohort's questions:")
    if not shown.questions:
        print("  (none yet: set them with `story-questions set`)")
    _print_questions(shown.questions, shown.answered)


def _print_questions(questions: list[Question], answered: frozenset[object]) -> None:
    for n, question in enumerate(questions, start=1):
        note = "  [answered]" if question.id in answered else ""
        print(f"  {n}. {question.text}{note}")
