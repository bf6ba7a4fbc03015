"""What the commands share: signing in, checking an output file before any password is
asked for, reading a small file, and finding a cohort, person or graduation by the name
someone typed."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from lt_desktop.cli.secrets_input import SecretReader, username_from
from lt_desktop.cli.usage import UsageError
from lt_desktop.core.output_files import check_output_path
from lt_desktop.domain.errors import LtError
from lt_desktop.domain.vocabulary import INDUCTION_WEEK, week_number

if TYPE_CHECKING:
    from lt_desktop.core.services.documents.graduation_lists import EventInfo
    from lt_desktop.core.services.people import PersonListing
    from lt_desktop.core.services.programme import CohortInfo, SessionInfo
    from lt_desktop.core.workspace import Workspace

Handler = Callable[[argparse.Namespace, Path], int]


def _signed_in(
    args: argparse.Namespace, data_dir: Path, *, meanwhile: Callable[[], object] | None = None
) -> tuple[Workspace, SecretReader, str]:
    """Sign in as the account given, asking for its password. ``meanwhile`` imports
    what the command will need, during the key derivation."""
    from lt_desktop.core.sign_in import sign_in  # the store's machinery, once it is needed

    username = username_from(args.user)
    reader = SecretReader(args.password_stdin)
    password = reader.read("Password")
    return sign_in(data_dir, username, password, meanwhile=meanwhile), reader, password


def _output_file(target: Path, what: str, data_dir: Path, *, force: bool) -> Path:
    """``target`` checked before anyone is asked for a password: a file's name in a
    folder that exists, outside the store folder, and new unless ``force``."""
    if target.is_dir():
        raise UsageError(f"{target} is a folder; give the {what} file's name.")
    if not target.parent.is_dir():
        raise LtError(f"The folder {target.parent} does not exist.")
    return check_output_path(target, store_root=data_dir, force=force)


def _plain(text: str) -> str:
    """Text as people type it: any dash is a hyphen, case and spacing do not matter."""
    for dash in "\u2010\u2011\u2012\u2013\u2014\u2212":
        text = text.replace(dash, "-")
    return " ".join(text.casefold().split())


def _confirmed(
    reader: SecretReader, args: argparse.Namespace, prompt: str, accepted: set[str]
) -> bool:
    """Whether an erasure may go ahead: --yes, or one of ``accepted`` typed (as people
    type it) at the terminal, or on standard input after the password."""
    if args.yes:
        return True
    if args.password_stdin:
        typed = reader.read("Confirmation")
    elif sys.stdin.isatty():
        typed = input(f"{prompt}: ")
    else:
        raise UsageError("No terminal to confirm the erasure: give --yes.")
    return _plain(typed) in {_plain(text) for text in accepted}


def _pick(text: str, what: str, named: dict[str, list[str]], *, plural: str = "") -> str:
    """The one key whose names match ``text``: exactly if any does, else in part."""
    wanted = _plain(text)
    exact = [key for key, names in named.items() if wanted in map(_plain, names)]
    matches = exact or [
        key for key, names in named.items() if any(wanted in _plain(n) for n in names)
    ]
    if len(matches) == 1:
        return matches[0]
    if not matches:
        raise LtError(f"There is no {what} called {text!r} that you can see.")
    shown = "; ".join(named[key][-1] for key in matches[:5])
    more = f" and {len(matches) - 5} more" if len(matches) > 5 else ""
    raise LtError(
        f"{text!r} matches {len(matches)} {plural or what + 's'} ({shown}{more}); "
        "give more of the name."
    )


COHORT_HELP = "the cohort's name, or the course and cohort (e.g. 'January-March 2026')"
WEEK_HELP = "the session's week: 1 and on, or 0 for the induction held before week 1"


def _find_cohort(workspace: Workspace, text: str) -> CohortInfo:
    cohorts = {str(c.id): c for c in workspace.programme.list_cohorts()}
    key = _pick(text, "cohort", {k: [c.name, c.title] for k, c in cohorts.items()})
    return cohorts[key]


def _find_session(workspace: Workspace, cohort: CohortInfo, week: int) -> SessionInfo:
    sessions = workspace.programme.list_sessions(cohort.id)
    chosen = next((s for s in sessions if s.week == week), None)
    if chosen is None:
        weeks = ", ".join(week_number(s.week).lower() for s in sessions) or "none planned yet"
        what = "induction" if week == INDUCTION_WEEK else f"session in week {week}"
        raise LtError(f"{cohort.title} has no {what} (weeks: {weeks}).")
    return chosen


def _find_person(workspace: Workspace, text: str) -> PersonListing:
    people = {str(p.id): p for p in workspace.people.list_people()}
    key = _pick(
        text,
        "person",
        {k: [p.sort_name, p.display_name] for k, p in people.items()},
        plural="people",
    )
    return people[key]


def _find_event(workspace: Workspace, text: str | None) -> EventInfo:
    events = {str(e.id): e for e in workspace.documents.list_events()}
    if text is None:
        if len(events) == 1:
            return next(iter(events.values()))
        if not events:
            raise LtError("There is no graduation here yet that you can see.")
        titles = "; ".join(e.title for e in events.values())
        raise UsageError(f"There are several graduations ({titles}); choose one with --event.")
    return events[_pick(text, "graduation", {k: [e.title] for k, e in events.items()})]


def _read_small_file(path: Path, what: str) -> bytes:
    try:
        with open(path, "rb") as handle:
            raw = handle.read(64 * 1024 + 1)
    except OSError as error:
        raise LtError(f"The {what} {path} cannot be read: {error.strerror}.") from error
    if len(raw) > 64 * 1024:
        raise LtError(f"{path.name} is far too large to be a {what}.")
    return raw
