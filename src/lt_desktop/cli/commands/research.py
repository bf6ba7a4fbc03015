"""``lt-desktop research export``: the research export, as the Research export screen
writes it, into a folder: a CSV for each kind of data, the interview transcripts, and
the codebook. ``--shift-dates`` moves each person's dates back by their own days."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from lt_desktop.cli.commands.common import _pick, _signed_in
from lt_desktop.core.output_files import check_output_folder
from lt_desktop.domain.errors import LtError
from lt_desktop.domain.wording import counted


def add_parser(
    sub: argparse._SubParsersAction[Any],
    signed_in: argparse.ArgumentParser,
    parser_class: type[argparse.ArgumentParser],
) -> None:
    research = sub.add_parser(
        "research", help="the research export: pseudonymised data of consenting people"
    )
    actions = research.add_subparsers(
        dest="research_command", metavar="ACTION", required=True, parser_class=parser_class
    )
    p = actions.add_parser(
        "export",
        parents=[signed_in],
        help="write the research CSV files, interview transcripts and codebook into a folder "
        "(replacing an earlier export there); each file says whether each person is "
        "prison-based or university-based, the comparison the evaluation is for",
    )
    p.add_argument("--out", required=True, type=Path, metavar="DIR", help="the folder to write")
    p.add_argument(
        "--cohort",
        action="append",
        metavar="NAME",
        help="only this cohort (give one --cohort for each; default: every cohort)",
    )
    p.add_argument(
        "--shift-dates",
        action="store_true",
        help="move each person's dates back by their own 0 to 364 days, the same in every "
        "file and every export (the codebook says so)",
    )


def export_research(args: argparse.Namespace, data_dir: Path) -> int:
    folder: Path = args.out
    if not folder.is_dir():
        raise LtError(f"The folder {folder} does not exist; make it first.")
    check_output_folder(folder, store_root=data_dir)
    workspace, _, _ = _signed_in(args, data_dir)
    with workspace:
        cohort_ids = None
        if args.cohort:
            labels = {str(cid): label for cid, label in workspace.research.cohorts()}
            named = {key: [label.split(": ", 1)[-1], label] for key, label in labels.items()}
            chosen = [_pick(text, "cohort", named) for text in args.cohort]
            cohort_ids = [cid for cid, _ in workspace.research.cohorts() if str(cid) in chosen]
        done = workspace.research.export(
            folder, cohort_ids=cohort_ids, shift_dates=args.shift_dates
        )
    dates = "dates shifted per person" if done.dates_shifted else "real dates"
    print(
        f"Exported data of {counted(done.people, 'person', 'people')} to {done.folder} ({dates}):"
    )
    for name, rows in done.files.items():
        print(f"  {name}: {counted(rows, 'row')}")
    if done.transcripts:
        print(f"  transcripts/: {counted(done.transcripts, 'interview transcript')}")
    return 0
