"""``lt-desktop print`` and ``csv``: the documents and lists the app prints, made from
a terminal."""

from __future__ import annotations

import argparse
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from lt_desktop.cli.commands.common import (
    _find_cohort,
    _find_event,
    _find_person,
    _find_session,
    _output_file,
    _signed_in,
)

if TYPE_CHECKING:
    from lt_desktop.core.workspace import Workspace
    from lt_desktop.documents.printing import Saved
    from lt_desktop.documents.template import PaperSize


def print_(args: argparse.Namespace, data_dir: Path) -> int:
    from lt_desktop.documents.template import PaperSize

    target = _output_file(args.out, "PDF", data_dir, force=args.force)
    printer = _PRINTERS[args.print_kind]
    workspace, _, _ = _signed_in(args, data_dir, meanwhile=_import_printing)
    with workspace:
        workspace.documents.require_printing()
        saved = printer(workspace, args, target, PaperSize(args.paper))
    print(saved.message)
    return 0


def _print_certificates(
    workspace: Workspace, args: argparse.Namespace, target: Path, paper: PaperSize
) -> Saved:
    from lt_desktop.documents import printing

    cohort = _find_cohort(workspace, args.cohort)
    return printing.save_certificates(
        workspace,
        cohort.id,
        target,
        paper=paper,
        issued_on=args.issued_on,
        only_present=args.only_present,
    )


def _print_register(
    workspace: Workspace, args: argparse.Namespace, target: Path, paper: PaperSize
) -> Saved:
    from lt_desktop.documents import printing

    chosen = _find_session(workspace, _find_cohort(workspace, args.cohort), args.week)
    return printing.save_register(workspace, chosen.id, target, paper=paper)


def _print_handout(
    workspace: Workspace, args: argparse.Namespace, target: Path, paper: PaperSize
) -> Saved:
    from lt_desktop.documents import printing

    chosen = _find_session(workspace, _find_cohort(workspace, args.cohort), args.week)
    return printing.save_handout(workspace, chosen.id, target, paper=paper)


def _print_attendance(
    workspace: Workspace, args: argparse.Namespace, target: Path, paper: PaperSize
) -> Saved:
    from lt_desktop.documents import printing

    cohort = _find_cohort(workspace, args.cohort)
    return printing.save_attendance_summary(workspace, cohort.id, target, paper=paper)


def _print_person_attendance(
    workspace: Workspace, args: argparse.Namespace, target: Path, paper: PaperSize
) -> Saved:
    from lt_desktop.documents import printing

    person = _find_person(workspace, args.person)
    cohort = _find_cohort(workspace, args.cohort) if args.cohort else None
    return printing.save_person_attendance(
        workspace, person.id, target, paper=paper, cohort_id=cohort.id if cohort else None
    )


def _print_guest_list(
    workspace: Workspace, args: argparse.Namespace, target: Path, paper: PaperSize
) -> Saved:
    from lt_desktop.documents import printing

    event = _find_event(workspace, args.event)
    return printing.save_guest_list(workspace, event.id, target, paper=paper)


def _print_programme(
    workspace: Workspace, args: argparse.Namespace, target: Path, paper: PaperSize
) -> Saved:
    from lt_desktop.documents import printing

    event = _find_event(workspace, args.event)
    return printing.save_programme(
        workspace, event.id, target, paper=paper, for_staff=args.copy_for == "staff"
    )


def _print_cohort_report(
    workspace: Workspace, args: argparse.Namespace, target: Path, paper: PaperSize
) -> Saved:
    from lt_desktop.documents import printing

    cohort = _find_cohort(workspace, args.cohort)
    return printing.save_cohort_report(workspace, cohort.id, target, paper=paper)


Printer = Callable[["Workspace", argparse.Namespace, Path, "PaperSize"], "Saved"]


_PRINTERS: dict[str, Printer] = {
    "certificates": _print_certificates,
    "register": _print_register,
    "handout": _print_handout,
    "attendance": _print_attendance,
    "person-attendance": _print_person_attendance,
    "guest-list": _print_guest_list,
    "programme": _print_programme,
    "cohort-report": _print_cohort_report,
}


def csv_list(args: argparse.Namespace, data_dir: Path) -> int:
    from lt_desktop.core.services.documents.csv_exports import CsvKind
    from lt_desktop.documents import printing

    target = _output_file(args.out, "CSV", data_dir, force=args.force)
    kind = CsvKind(args.kind)
    workspace, _, _ = _signed_in(args, data_dir)
    with workspace:
        workspace.documents.require_printing()
        cohort = _find_cohort(workspace, args.cohort) if args.cohort else None
        saved = printing.save_list(
            workspace,
            kind,
            target,
            cohort_id=cohort.id if cohort else None,
            cohort_title=cohort.title if cohort else "",
            force=args.force,
        )
    print(saved.message)
    return 0


def _import_printing() -> None:
    """The documents (and reportlab), imported during the key derivation."""
    import lt_desktop.documents.printing  # noqa: F401
