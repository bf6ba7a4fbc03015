"""``lt-desktop retention``: each kind of data with how long it is kept and what is due,
counted; with ``--apply``, erasing what is due once confirmed; and changing a period."""

from __future__ import annotations

import argparse
import re
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from lt_desktop.cli.commands.common import _confirmed, _plain, _signed_in
from lt_desktop.cli.usage import UsageError
from lt_desktop.core.dates import format_date
from lt_desktop.domain.retention import PeriodUnit, RetentionKind
from lt_desktop.domain.wording import counted

if TYPE_CHECKING:
    from lt_desktop.core.services.retention import Due
    from lt_desktop.core.workspace import Workspace

KINDS = {kind.option: kind for kind in RetentionKind}
_PERIOD = re.compile(r"^(\d+)\s*(m|months?|y|years?)$")


def add_parser(
    sub: argparse._SubParsersAction[Any],
    signed_in: argparse.ArgumentParser,
    parser_class: type[argparse.ArgumentParser],
) -> None:
    p = sub.add_parser(
        "retention",
        parents=[signed_in],
        help="how long each kind of data is kept, and what is due for erasure; --apply "
        "erases it after asking",
    )
    p.add_argument(
        "--kind",
        action="append",
        choices=list(KINDS),
        metavar="KIND",
        help="only this kind (again for more): " + ", ".join(KINDS),
    )
    p.add_argument(
        "--apply",
        action="store_true",
        help="erase what is due, after showing it and asking (administrators)",
    )
    p.add_argument(
        "--yes", action="store_true", help="with --apply: erase without asking (stdin: password)"
    )
    p.add_argument(
        "--on",
        type=_day,
        metavar="YYYY-MM-DD",
        help="show what will be due on a later day (not with --apply)",
    )
    p.add_argument(
        "--set",
        nargs=2,
        metavar=("KIND", "PERIOD"),
        help='change how long a kind is kept (administrators): "5 years", "6 months", '
        '"off", "on" or "default"',
    )
    p.add_argument(
        "--study-ends",
        type=_day_or_none,
        metavar="YYYY-MM-DD",
        help='the day the study ends, when interview transcripts and notes fall due ("none": '
        "not known yet)",
    )


def retention(args: argparse.Namespace, data_dir: Path) -> int:
    if args.yes and not args.apply:
        raise UsageError("--yes goes with --apply.")
    if args.apply and args.on is not None:
        raise UsageError("--apply erases what is due today; --on only shows a later day.")
    setting = _setting(args.set) if args.set else None
    workspace, reader, _ = _signed_in(args, data_dir)
    with workspace:
        service = workspace.retention
        if setting is not None:
            kind, change = setting
            print(f"{kind.label}: {change(workspace).describe()}.")
        if args.study_ends is not None:
            ends_on = None if args.study_ends == "none" else args.study_ends
            print(f"{RetentionKind.INTERVIEWS.label}: {service.set_study_end(ends_on).describe()}.")
        kinds = [KINDS[option] for option in args.kind] if args.kind else None
        today = args.on or date.today()
        dues = service.due(today, kinds)
        print(f"Retention, as of {format_date(today)}:")
        for due in dues:
            _show(due)
        if not args.apply:
            return 0
        if not any(due.requests for due in dues):
            print("Nothing is due: nothing was erased.")
            return 0
        if not _confirmed(reader, args, 'Type "erase" to erase what is due', {"erase"}):
            print("Nothing was erased.")
            return 1
        erased = service.apply([due.kind for due in dues if due.requests], today)
        print(
            f"Erased: {counted(erased.total, 'record')} about "
            f"{counted(erased.people, 'person', 'people')}, kept only as tombstones with no "
            "name or text. "
            "What is about people based here goes to the other sites with the next exchange."
        )
        return 0


def _show(due: Due) -> None:
    print(f"{due.kind.label} ({due.kind.option}): {due.period.describe()}")
    print(f"  {due.describe()}")
    for line in due.lines():
        print(f"    {line}")


def _setting(values: list[str]) -> tuple[RetentionKind, Any]:
    """The kind named and the change asked for, checked before any password is asked."""
    option, period = values
    kind = KINDS.get(option)
    if kind is None:
        raise UsageError(f"There is no kind {option!r}: choose from {', '.join(KINDS)}.")
    wanted = _plain(period)
    if wanted in ("off", "on"):
        return kind, lambda ws: ws.retention.set_off(kind, wanted == "off")
    if wanted == "default":
        return kind, lambda ws: ws.retention.use_default(kind)
    if kind.until_a_date:
        raise UsageError(f"{kind.label} are kept until the study ends: give --study-ends.")
    match = _PERIOD.match(wanted)
    if match is None:
        raise UsageError(f'{period!r} is not a period: type it as "5 years" or "6 months".')
    amount = int(match.group(1))
    unit = PeriodUnit.YEARS if match.group(2).startswith("y") else PeriodUnit.MONTHS
    return kind, lambda ws: _set_period(ws, kind, amount, unit)


def _set_period(workspace: Workspace, kind: RetentionKind, amount: int, unit: PeriodUnit) -> Any:
    return workspace.retention.set_period(kind, amount, unit)


def _day(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a date like 2027-03-31") from None


def _day_or_none(text: str) -> date | str:
    return "none" if _plain(text) == "none" else _day(text)
