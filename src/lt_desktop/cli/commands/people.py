"""``lt-desktop person``: transfers, taking on, releasing, merging and erasing people,
and exporting everything held about one of them."""

from __future__ import annotations

import argparse
import uuid
from pathlib import Path
from typing import TYPE_CHECKING

from lt_desktop.cli.commands.common import (
    _confirmed,
    _find_cohort,
    _find_person,
    _signed_in,
)
from lt_desktop.cli.secrets_input import SecretReader
from lt_desktop.domain.wording import counted

if TYPE_CHECKING:
    from lt_desktop.core.workspace import Workspace


def person(args: argparse.Namespace, data_dir: Path) -> int:
    workspace, reader, _ = _signed_in(args, data_dir)
    with workspace:
        people = workspace.people
        action = args.person_command
        if action == "erase":
            return _erase(workspace, reader, args)
        if action == "export":
            return _export(workspace, args)
        if action == "transfers":
            for t in people.transfers(arriving_only=args.arriving):
                taken = f", taken on {t.taken_on:%d %b %Y}" if t.taken_on else ""
                print(
                    f"{t.person_id}  {t.person_name}: to {t.to_name} on "
                    f"{t.transferred_on:%d %b %Y}{taken}"
                )
            return 0
        if action == "merge":
            keep, merge = _person_id(workspace, args.keep), _person_id(workspace, args.merge)
            preview = people.preview_merge(keep, merge)
            if args.preview:
                print("Keep:")
                print("\n".join(preview.keep.describe()))
                print("Merge into it:")
                print("\n".join(preview.merge.describe()))
                if preview.shared_cohorts:
                    print("Both in: " + ", ".join(preview.shared_cohorts) + " (one place each)")
                print("Nothing was changed; give --yes to merge them.")
                return 0
            survivor = people.merge_people(keep, merge)
            print(
                f"{preview.merge.name} merged into {preview.keep.name} (record {survivor}); "
                "every site makes the same one record when the merge reaches it."
            )
            return 0
        person_id = _person_id(workspace, args.person)
        if action == "transfer":
            t = people.transfer(person_id, to=args.to, on=args.on, reason=args.reason)
            print(
                f"{t.person_name} transferred to {t.to_name} on {t.transferred_on:%d %b %Y}; "
                "their course record stays here and goes on with the next exchange."
            )
        elif action == "take-on":
            cohort = _find_cohort(workspace, args.cohort)
            t = people.take_on(person_id, cohort.id, on=args.on)
            print(f"{t.person_name} taken on in {cohort.name}.")
        else:
            ended = people.release(person_id, on=args.on, reason=args.reason)
            print(f"Released: {counted(ended, 'place')} ended; the course record stays.")
        return 0


def _erase(workspace: Workspace, reader: SecretReader, args: argparse.Namespace) -> int:
    """Show what will go, and go ahead only when the person's name (or "erase") is
    typed, or with --yes."""
    erasure = workspace.erasure
    preview = erasure.preview(_person_id(workspace, args.person))
    print(f"Erasing {preview.name} removes, here:")
    print("\n".join(f"  {line}" for line in preview.lines()))
    prompt = f'Type "{preview.name}" (or "erase") to erase them'
    if not _confirmed(reader, args, prompt, {preview.name, preview.listed_name, "erase"}):
        print("That was not their name: nothing was erased.")
        return 1
    erasure.erase(preview.person_id)
    print(
        f"Erased: {preview.total} records, kept only as tombstones with no name or text "
        f"(research id {preview.research_id} in the audit log)."
    )
    return 0


def _export(workspace: Workspace, args: argparse.Namespace) -> int:
    from lt_desktop.core.services.access_request import JSON_FILE
    from lt_desktop.documents.access_export import write_person_data

    person_id = _person_id(workspace, args.person)
    done = workspace.access_requests.export(person_id, args.out, pdf=write_person_data)
    print(f"Everything held about them is in {done.folder} (research id {done.research_id}):")
    print(f"  {done.files[0]}, to read; the same data as {JSON_FILE} and CSV files")
    print("\n".join(f"  {line}" for line in done.lines()))
    print(
        "Other people's names are shown as [another participant]. Hand the folder over "
        "in person or on encrypted media, and delete any copy left behind."
    )
    return 0


def _person_id(workspace: Workspace, text: str) -> uuid.UUID:
    try:
        return uuid.UUID(text.strip())
    except ValueError:
        return _find_person(workspace, text).id
