"""``lt-desktop session``: a cohort's weeks, and a session cancelled or moved.

A lockdown, a staff shortage or a change to the prison's regime calls a whole session
off: ``cancel`` keeps its week in the programme and leaves it out of every attendance
figure; ``reinstate`` undoes that; ``move`` reschedules it, keeping everything else.
"""

from __future__ import annotations

import argparse
from datetime import date, datetime, time
from pathlib import Path
from typing import TYPE_CHECKING, Any

from lt_desktop.cli.commands.common import (
    COHORT_HELP,
    WEEK_HELP,
    _find_cohort,
    _find_session,
    _signed_in,
)
from lt_desktop.domain.vocabulary import INDUCTION_WEEK, Cancellation, week_in_words

if TYPE_CHECKING:
    from lt_desktop.core.services.programme import SessionInfo


def add_parser(
    sub: argparse._SubParsersAction[Any],
    signed_in: argparse.ArgumentParser,
    parser_class: type[argparse.ArgumentParser],
) -> None:
    session = sub.add_parser("session", help="a cohort's sessions: list, cancel, reinstate, move")
    actions = session.add_subparsers(
        dest="session_command", metavar="ACTION", required=True, parser_class=parser_class
    )
    p = actions.add_parser("list", parents=[signed_in], help="a cohort's weeks, as planned")
    p.add_argument("--cohort", required=True, metavar="NAME", help=COHORT_HELP)
    p = actions.add_parser(
        "cancel",
        parents=[signed_in],
        help="call a whole session off: it keeps its week, takes no register and counts in "
        "no attendance figure",
    )
    p.add_argument("--cohort", required=True, metavar="NAME", help=COHORT_HELP)
    p.add_argument("--week", required=True, type=int, metavar="N", help=WEEK_HELP)
    p.add_argument(
        "--reason",
        required=True,
        choices=[c.value for c in Cancellation],
        help="lockdown, staff (a staff shortage), regime (a change to the regime) or other "
        "(say what with --note)",
    )
    p.add_argument("--note", default="", help="a few words on what happened")
    p = actions.add_parser(
        "reinstate", parents=[signed_in], help="undo a cancellation: the session runs after all"
    )
    p.add_argument("--cohort", required=True, metavar="NAME", help=COHORT_HELP)
    p.add_argument("--week", required=True, type=int, metavar="N", help=WEEK_HELP)
    p = actions.add_parser(
        "move", parents=[signed_in], help="reschedule a session to another day or time"
    )
    p.add_argument("--cohort", required=True, metavar="NAME", help=COHORT_HELP)
    p.add_argument("--week", required=True, type=int, metavar="N", help=WEEK_HELP)
    p.add_argument(
        "--to",
        required=True,
        type=_day_and_time,
        metavar="YYYY-MM-DD[THH:MM]",
        help="the new day, and the new start time if it changes",
    )


def session(args: argparse.Namespace, data_dir: Path) -> int:
    workspace, _, _ = _signed_in(args, data_dir)
    with workspace:
        cohort = _find_cohort(workspace, args.cohort)
        programme = workspace.programme
        if args.session_command == "list":
            sessions = programme.list_sessions(cohort.id)
            if not sessions:
                print(f"{cohort.title} has no sessions planned yet.")
            for item in sessions:
                print(_line(item))
            return 0
        chosen = _find_session(workspace, cohort, args.week)
        if args.session_command == "cancel":
            done = programme.cancel_session(chosen.id, Cancellation(args.reason), note=args.note)
            print(
                f"Cancelled {week_in_words(done.week)} of {cohort.title} "
                f"({done.cancellation()}). "
                "It takes no register and counts in no attendance figure."
            )
        elif args.session_command == "reinstate":
            done = programme.reinstate_session(chosen.id)
            again = week_in_words(done.week).capitalize()
            print(f"{again} of {cohort.title} runs again: {_when(done)}.")
        else:
            day, starts_at = args.to
            done = programme.move_session(chosen.id, day, starts_at=starts_at)
            print(f"Moved {week_in_words(done.week)} of {cohort.title} to {_when(done)}.")
        return 0


def _line(item: SessionInfo) -> str:
    title = item.title or item.kind.label
    state = f"  CANCELLED: {item.cancellation()}" if item.is_cancelled else ""
    taken = f"  register: {item.marks_taken} marks" if item.marks_taken else ""
    which = "induction" if item.week == INDUCTION_WEEK else f"week {item.week:>2}"
    return f"{which}  {_when(item)}  {title}{taken}{state}"


def _when(item: SessionInfo) -> str:
    hours = ""
    if item.starts_at is not None:
        hours = f" {item.starts_at:%H:%M}"
        if item.ends_at is not None:
            hours += f"-{item.ends_at:%H:%M}"
    return f"{item.held_on:%a %d %b %Y}{hours}"


def _day_and_time(text: str) -> tuple[date, time | None]:
    try:
        if "T" in text:
            moment = datetime.fromisoformat(text)
            return moment.date(), moment.time().replace(second=0, microsecond=0)
        return date.fromisoformat(text), None
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"{text!r} is not a day like 2026-03-16 or a day and time like 2026-03-16T14:00"
        ) from None
