"""``lt-desktop conflicts``: list the conflicts exchanges found, settle them, mark them
seen."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TYPE_CHECKING

from lt_desktop.cli.commands.common import _signed_in
from lt_desktop.cli.usage import UsageError
from lt_desktop.domain.errors import LtError

if TYPE_CHECKING:
    from lt_desktop.core.services.sync import ConflictInfo
    from lt_desktop.core.workspace import Workspace


def conflicts(args: argparse.Namespace, data_dir: Path) -> int:
    workspace, _, _ = _signed_in(args, data_dir)
    with workspace:
        if args.conflicts_action == "resolve":
            chosen = _numbered(workspace, args.number)
            if not chosen.choosable:
                why = (
                    f"cannot be chosen here: {chosen.state_words()}"
                    if chosen.waiting
                    else f"is settled already ({chosen.state_words()}); nothing to choose."
                )
                raise LtError(
                    f"Conflict {args.number} {why} `lt-desktop conflicts seen "
                    f"{args.number}` takes it off the list."
                )
            settled = workspace.sync.resolve_conflict(chosen.id, args.keep)
            side = settled.ours if args.keep == "ours" else settled.theirs
            print(f"Conflict {args.number} settled: {settled.title}.")
            print(f"Kept {side.site}'s version ({args.keep}). Every site takes the same in its")
            print("next exchange with this one.")
            for f in settled.fields:
                print(f"  {f.label}: {_one_line(f.now)}")
            return 0
        if args.conflicts_action == "seen":
            chosen = _numbered(workspace, args.number)
            if chosen.choosable:
                raise LtError(
                    f"Conflict {args.number} waits for a choice: `lt-desktop conflicts "
                    f"resolve {args.number} --keep ours|theirs`."
                )
            workspace.sync.mark_reviewed(chosen.id)
            print(f"Conflict {args.number} is off the list: {chosen.title}.")
            return 0
        listed = workspace.sync.conflicts(include_reviewed=args.all)
    if not listed:
        print("No conflicts to review.")
        return 0
    number = 0
    for conflict in listed:
        if conflict.reviewed_at is None:
            number += 1
            print(f"{number}. {conflict.title}")
        else:
            print(f"-  {conflict.title}")
        for f in conflict.fields:
            print(f"   {f.label}: {_one_line(f.ours)} (ours) vs {_one_line(f.theirs)} (theirs)")
        if not conflict.fields:
            print("   The two versions say the same; they differ only in who made them and when.")
        print(f"   ours:   {conflict.ours.words()}")
        print(f"   theirs: {conflict.theirs.words()}")
        print(f"   {conflict.state_words()}")
    if any(c.choosable for c in listed):
        print()
        print("Choose which version stands, at every site: lt-desktop conflicts resolve N --keep")
        print("ours|theirs (ours: the version this site held when the partner's came).")
    if any(c.reviewed_at is None and not c.choosable for c in listed):
        print()
        print("Once you have read what happened, lt-desktop conflicts seen N takes it off")
        print("the list.")
    return 0


def _numbered(workspace: Workspace, number: int) -> ConflictInfo:
    """The conflict numbered ``number`` in the list `lt-desktop conflicts` prints."""
    listed = workspace.sync.conflicts()
    if not listed:
        raise UsageError("There are no conflicts on the list.")
    if not 1 <= number <= len(listed):
        raise UsageError(
            f"There is no conflict {number}: `lt-desktop conflicts` lists "
            f"{'one' if len(listed) == 1 else f'1 to {len(listed)}'}."
        )
    return listed[number - 1]


def _one_line(text: str, limit: int = 70) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"
