"""``lt-desktop``: with no command, the app; with one, a task done from a terminal.

Exit status: 0 done, 1 failed (one line says why), 2 the command was misused.
"""

from __future__ import annotations

import argparse
import contextlib
import gc
import logging
import sys
from collections.abc import Sequence
from datetime import date
from pathlib import Path

from lt_desktop import __version__
from lt_desktop.cli import commands, laptop_commands
from lt_desktop.cli.commands import research, sessions, story_questions
from lt_desktop.cli.commands.common import COHORT_HELP, WEEK_HELP
from lt_desktop.cli.commands.retention import add_parser as add_retention_parser
from lt_desktop.cli.terminal import printing_safely
from lt_desktop.cli.usage import UsageError
from lt_desktop.core.logs import configure_logging, log_refused, log_unexpected
from lt_desktop.domain.errors import LtError
from lt_desktop.domain.roles import Role
from lt_desktop.domain.vocabulary import SiteKind
from lt_desktop.storage.folder import default_data_dir, make_private_folder, use_private_umask

log = logging.getLogger(__name__)

PROG = "lt-desktop"
#: Every file a command writes: never inside the store folder, never over a folder or
#: device, and over an existing file only when asked.
REPLACE_HELP = "replace the file if it exists (never one inside the store folder)"


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # type: ignore[override]
        self.print_usage(sys.stderr)
        self.exit(2, f"{self.prog}: {message}\n")


def build_parser() -> argparse.ArgumentParser:
    store = _Parser(add_help=False)
    store.add_argument(
        "--data-dir",
        type=Path,
        default=argparse.SUPPRESS,
        help="the store folder (default: $LT_DESKTOP_DATA, else your user data folder)",
    )
    signed_in = _Parser(add_help=False, parents=[store])
    signed_in.add_argument("--user", help="your user name (default: $LT_DESKTOP_USER)")
    signed_in.add_argument(
        "--password-stdin",
        action="store_true",
        help="read the password (and any other secret asked for) from standard input, one per line",
    )

    parser = _Parser(
        prog=PROG,
        description=(
            "LT Desktop runs Learning Together partnerships. With no command, it opens the app."
        ),
        parents=[store],
    )
    parser.add_argument("--version", action="version", version=f"LT Desktop {__version__}")
    parser.add_argument(
        "--smoke-test",
        action="store_true",
        help="open the app on --data-dir (else on a temporary folder), making a demo store "
        "there if it has none; sign in as the demo account if there is one, then quit",
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)

    p = sub.add_parser(
        "init", parents=[store], help="set up a new store; prints its recovery key once"
    )
    p.add_argument("--site-name", required=True)
    p.add_argument("--site-kind", required=True, choices=[k.value for k in SiteKind])
    p.add_argument("--admin", required=True, metavar="USER", help="the administrator's user name")
    p.add_argument("--admin-name", default="", help="the administrator's full name")
    p.add_argument(
        "--password-stdin",
        action="store_true",
        help="read the administrator's password from standard input",
    )

    p = sub.add_parser("demo", parents=[store], help="make a store full of realistic made-up data")
    p.add_argument(
        "--site-kind", default=SiteKind.PRISON.value, choices=[k.value for k in SiteKind]
    )
    p.add_argument(
        "--admin", metavar="USER", help="an administrator of your own instead of demo/demo"
    )
    p.add_argument(
        "--password-stdin",
        action="store_true",
        help="with --admin: read its password from standard input",
    )

    p = sub.add_parser("stats", parents=[signed_in], help="count each kind of record in the store")
    p.add_argument("--json", action="store_true", help="print the counts as JSON")

    sub.add_parser(
        "check", parents=[signed_in], help="check the store's integrity and its audit log"
    )

    p = sub.add_parser(
        "diagnostics",
        parents=[signed_in],
        help="write a file for support: versions, settings, counts and recent errors, with no "
        "personal data",
    )
    p.add_argument("--out", required=True, type=Path, metavar="FILE", help="the file to write")
    p.add_argument("--force", action="store_true", help=REPLACE_HELP)
    p.add_argument(
        "--without-signing-in",
        action="store_true",
        help="for a store that will not open, or a forgotten password: no settings or counts",
    )

    user = sub.add_parser("user", help="manage user accounts (administrators)")
    user_sub = user.add_subparsers(
        dest="user_command", metavar="ACTION", required=True, parser_class=_Parser
    )
    p = user_sub.add_parser(
        "add", parents=[signed_in], help="add an account (stdin: your password, then theirs)"
    )
    p.add_argument("username")
    p.add_argument("--role", required=True, choices=[r.value for r in Role])
    p.add_argument("--display-name", default="")
    user_sub.add_parser("list", parents=[signed_in], help="list the accounts")
    p = user_sub.add_parser("disable", parents=[signed_in], help="stop an account from signing in")
    p.add_argument("username")

    sub.add_parser(
        "passwd", parents=[signed_in], help="change your password (stdin: current, then new)"
    )
    sub.add_parser(
        "rekey",
        parents=[signed_in],
        help="re-encrypt the store under a new key (administrators): prints each other "
        "account's one-time password and the new recovery key once",
    )

    person = sub.add_parser(
        "person", help="people: transfer, take on, release, merge, erase, export their data"
    )
    person_sub = person.add_subparsers(
        dest="person_command", metavar="ACTION", required=True, parser_class=_Parser
    )
    who = "a name, or the id `person transfers` shows"
    p = person_sub.add_parser(
        "transfer", parents=[signed_in], help="record a learner's transfer to another prison"
    )
    p.add_argument("person", metavar="PERSON", help=who)
    p.add_argument("--to", required=True, metavar="PRISON", help="the prison they went to")
    p.add_argument("--on", type=_iso_date, metavar="DATE", help="default: today")
    p.add_argument("--reason", default="")
    p = person_sub.add_parser("transfers", parents=[signed_in], help="list transfers held here")
    p.add_argument(
        "--arriving", action="store_true", help="only learners transferred here, to take on"
    )
    p = person_sub.add_parser(
        "take-on", parents=[signed_in], help="enrol a learner transferred here in a cohort"
    )
    p.add_argument("person", metavar="PERSON", help=who)
    p.add_argument("--cohort", required=True, metavar="NAME")
    p.add_argument("--on", type=_iso_date, metavar="DATE", help="default: today")
    p = person_sub.add_parser(
        "release", parents=[signed_in], help="record that a learner was released"
    )
    p.add_argument("person", metavar="PERSON", help=who)
    p.add_argument("--on", type=_iso_date, metavar="DATE", help="default: today")
    p.add_argument("--reason", default="")
    p = person_sub.add_parser(
        "merge", parents=[signed_in], help="make two records of one person one (audited)"
    )
    p.add_argument("keep", metavar="KEEP", help="the record whose name and details stand")
    p.add_argument("merge", metavar="MERGE", help="the other record of the same person")
    choice = p.add_mutually_exclusive_group(required=True)
    choice.add_argument("--preview", action="store_true", help="show what each holds")
    choice.add_argument("--yes", action="store_true", help="merge them")
    p = person_sub.add_parser(
        "erase",
        parents=[signed_in],
        help="erase a person and everything held about them, after a preview (audited)",
    )
    p.add_argument("--person", required=True, metavar="PERSON", help=who)
    p.add_argument("--yes", action="store_true", help="erase without asking (stdin: password only)")
    p = person_sub.add_parser(
        "export",
        parents=[signed_in],
        help="write everything held about a person into a new folder: a PDF, JSON and "
        "CSV files, other people's names replaced (audited)",
    )
    p.add_argument("--person", required=True, metavar="PERSON", help=who)
    p.add_argument(
        "--out", required=True, type=Path, metavar="FOLDER", help="a new (or empty) folder"
    )

    p = sub.add_parser(
        "recover",
        parents=[store],
        help="set a new password with the recovery key (stdin: key, then password)",
    )
    p.add_argument("--user", required=True, help="the account to recover")
    p.add_argument("--password-stdin", action="store_true")

    p = sub.add_parser(
        "backup",
        parents=[signed_in],
        help="write an encrypted, verified backup of the store (by default a dated file in "
        "the backup folder chosen in the app, keeping its newest generations)",
    )
    p.add_argument(
        "action",
        nargs="?",
        choices=["list"],
        help="list: this store's backups in the backup folder (or --to-folder), and which "
        "still hold people erased since",
    )
    where = p.add_mutually_exclusive_group()
    where.add_argument("--out", type=Path, metavar="FILE", help="write exactly this file")
    where.add_argument(
        "--to-folder",
        type=Path,
        metavar="DIR",
        help="a dated file in DIR, then remove this store's oldest backups there beyond the "
        "number kept",
    )
    p.add_argument("--force", action="store_true", help=REPLACE_HELP)

    p = sub.add_parser(
        "site-card", parents=[signed_in], help="write this site's card for a partner to pair with"
    )
    p.add_argument("--out", required=True, type=Path, metavar="FILE")
    p.add_argument("--sheet", type=Path, metavar="PDF", help="also print the fingerprint sheet")
    p.add_argument("--force", action="store_true", help=REPLACE_HELP)

    p = sub.add_parser(
        "pair", parents=[signed_in], help="trust a partner site from its card (administrators)"
    )
    p.add_argument("card", type=Path, metavar="FILE")
    p.add_argument(
        "--fingerprint",
        required=True,
        metavar="FP",
        help="the fingerprint the other site read out (twelve groups of five digits)",
    )
    p.add_argument(
        "--partnership",
        metavar="NAME",
        help="the partnership the other site belongs to (on a university hub, and at a "
        "prison that runs more than one)",
    )

    sub.add_parser("partners", parents=[signed_in], help="list the paired sites")
    p = sub.add_parser("revoke", parents=[signed_in], help="stop trusting a paired site")
    p.add_argument("site", metavar="SITE", help="the paired site's name or fingerprint")
    sub.add_parser(
        "rotate-keys", parents=[signed_in], help="give this site new keys (partners pair again)"
    )

    p = sub.add_parser("export", parents=[signed_in], help="write a bundle for a paired site")
    p.add_argument("--to", required=True, metavar="SITE", help="its name or fingerprint")
    p.add_argument("--out", required=True, type=Path, metavar="FILE")
    p.add_argument("--snapshot", action="store_true", help="everything, not only what changed")
    p.add_argument("--force", action="store_true", help=REPLACE_HELP)

    p = sub.add_parser("import", parents=[signed_in], help="take in a bundle from a paired site")
    p.add_argument("file", type=Path, metavar="FILE")
    p.add_argument("--dry-run", action="store_true", help="say what would change; change nothing")

    p = sub.add_parser("inspect", parents=[signed_in], help="verify a bundle without importing it")
    p.add_argument("file", type=Path, metavar="FILE")

    p = sub.add_parser(
        "conflicts",
        parents=[signed_in],
        help="records changed at two sites at once: list them, or choose which version stands",
    )
    p.add_argument("--all", action="store_true", help="include those already settled or seen")
    # Given again after the action, these must not undo what was given before it.
    signed_in_again = _Parser(add_help=False)
    signed_in_again.add_argument("--data-dir", type=Path, default=argparse.SUPPRESS)
    signed_in_again.add_argument("--user", default=argparse.SUPPRESS)
    signed_in_again.add_argument("--password-stdin", action="store_true", default=argparse.SUPPRESS)
    actions = p.add_subparsers(dest="conflicts_action", metavar="ACTION", parser_class=_Parser)
    p = actions.add_parser(
        "resolve",
        parents=[signed_in_again],
        help="choose which version of conflict N stands; the choice travels to every site",
    )
    p.add_argument("number", type=int, metavar="N", help="its number in `conflicts`")
    p.add_argument(
        "--keep",
        required=True,
        choices=["ours", "theirs"],
        help="ours: the version this site held; theirs: the partner's",
    )
    p = actions.add_parser(
        "seen",
        parents=[signed_in_again],
        help="take conflict N off the list once you have read that your change was replaced",
    )
    p.add_argument("number", type=int, metavar="N", help="its number in `conflicts`")

    p = sub.add_parser(
        "restore",
        parents=[signed_in],
        help="replace the store with a backup (sign in as an account in the backup)",
    )
    p.add_argument("file", type=Path, metavar="FILE")
    p.add_argument(
        "--check",
        action="store_true",
        help="verify the backup and say what it holds, changing nothing",
    )
    p.add_argument(
        "--erase-again",
        action="store_true",
        help="after restoring, erase again the people erased here since the backup was made "
        "(by the research ids in this store's audit log)",
    )

    document = _Parser(add_help=False, parents=[signed_in])
    document.add_argument(
        "--out", required=True, type=Path, metavar="FILE", help="the PDF to write"
    )
    document.add_argument(
        "--paper", choices=["a4", "letter"], default="a4", help="paper size (default: a4)"
    )
    document.add_argument("--force", action="store_true", help=REPLACE_HELP)
    printing = sub.add_parser("print", help="print a document to PDF (see `print --help`)")
    print_sub = printing.add_subparsers(
        dest="print_kind", metavar="KIND", required=True, parser_class=_Parser
    )
    p = print_sub.add_parser(
        "certificates",
        parents=[document],
        help="a certificate for each student who completed a cohort (records their serials)",
    )
    p.add_argument("--cohort", required=True, metavar="NAME", help=COHORT_HELP)
    p.add_argument(
        "--issued-on",
        type=_iso_date,
        metavar="YYYY-MM-DD",
        help="the date on new certificates (default: today; re-prints keep theirs)",
    )
    p.add_argument(
        "--only-present",
        action="store_true",
        help="only for those marked present at the cohort's graduation",
    )
    p = print_sub.add_parser(
        "register", parents=[document], help="a blank register for one session, by small group"
    )
    p.add_argument("--cohort", required=True, metavar="NAME", help=COHORT_HELP)
    p.add_argument("--week", required=True, type=int, metavar="N", help=WEEK_HELP)
    p = print_sub.add_parser(
        "handout",
        parents=[document],
        help="the session handout: the session, its readings with author and pages, and "
        "room for notes, to copy for every student",
    )
    p.add_argument("--cohort", required=True, metavar="NAME", help=COHORT_HELP)
    p.add_argument("--week", required=True, type=int, metavar="N", help=WEEK_HELP)
    p = print_sub.add_parser(
        "attendance", parents=[document], help="a cohort's attendance so far, week by week"
    )
    p.add_argument("--cohort", required=True, metavar="NAME", help=COHORT_HELP)
    p = print_sub.add_parser(
        "person-attendance", parents=[document], help="one person's sessions and marks"
    )
    p.add_argument("--person", required=True, metavar="NAME", help="the person's name")
    p.add_argument("--cohort", metavar="NAME", help="only this cohort (default: all of theirs)")
    for kind, what in (
        ("guest-list", "the graduation guest list for the prison gate"),
        ("programme", "the graduation programme booklet, for guests or for staff"),
    ):
        p = print_sub.add_parser(kind, parents=[document], help=what)
        p.add_argument(
            "--event", metavar="TITLE", help="the graduation's title (needed if there are several)"
        )
    p.add_argument(
        "--for",
        dest="copy_for",
        required=True,
        choices=["guests", "staff"],
        help="the copy handed to guests (names only), or the staff's copy, which marks "
        "who may not be photographed",
    )
    p = print_sub.add_parser(
        "cohort-report",
        parents=[document],
        help="a cohort's figures and charts for the partnership and funders (no names)",
    )
    p.add_argument("--cohort", required=True, metavar="NAME", help=COHORT_HELP)

    p = sub.add_parser(
        "csv",
        parents=[signed_in],
        help="write a list as CSV for Excel: people, memberships or attendance",
    )
    p.add_argument("kind", choices=["people", "memberships", "attendance"], metavar="KIND")
    p.add_argument("--out", required=True, type=Path, metavar="FILE")
    p.add_argument("--cohort", metavar="NAME", help="only this cohort (default: all you see)")
    p.add_argument("--force", action="store_true", help=REPLACE_HELP)

    sessions.add_parser(sub, signed_in, _Parser)
    story_questions.add_parser(sub, signed_in, _Parser)
    research.add_parser(sub, signed_in, _Parser)
    add_retention_parser(sub, signed_in, _Parser)
    laptop_commands.add_parser(sub, store, signed_in, _Parser)
    return parser


def _iso_date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a date like 2026-03-16") from None


def main(argv: Sequence[str] | None = None, *, ending: bool = False) -> int:
    """Run ``lt-desktop`` with ``argv``; its exit status. ``ending``: the process ends
    after it (``leaving``)."""
    status = _main(argv)
    return leaving(status) if ending else status


def _main(argv: Sequence[str] | None) -> int:
    use_private_umask()
    parser = build_parser()
    args = parser.parse_args(argv)
    data_dir: Path = getattr(args, "data_dir", None) or default_data_dir()
    if args.smoke_test and args.command is not None:
        parser.error("--smoke-test goes without a command")
    if args.command is None:
        if args.smoke_test:
            from lt_desktop.ui.smoke import run_smoke_test

            return run_smoke_test(getattr(args, "data_dir", None))
        from lt_desktop.ui.app import run_app  # Qt is loaded only for the app itself

        return run_app(data_dir)
    if args.command in ("init", "demo"):
        with contextlib.suppress(OSError):
            make_private_folder(data_dir)
    if not data_dir.is_dir() or configure_logging(data_dir / "logs") is None:
        logging.getLogger().addHandler(logging.NullHandler())
    handler = laptop_commands.laptop if args.command == "laptop" else commands.handler(args.command)
    with printing_safely():
        return _run(handler, args, data_dir)


def run() -> int:
    """The installed ``lt-desktop`` command: ``main``, then the process ends."""
    return main(ending=True)


def leaving(status: int) -> int:
    """``status``, once the objects left are kept from a last collection: the process is
    ending and lets them go all at once, and collecting them first (the models and all
    SQLAlchemy holds about them) took a fifth of a second of every command."""
    gc.freeze()
    return status


def _run(handler: commands.Handler, args: argparse.Namespace, data_dir: Path) -> int:
    try:
        return handler(args, data_dir)
    except UsageError as error:
        print(f"{PROG}: {error}", file=sys.stderr)
        return 2
    except LtError as error:
        log_refused(log, f"The {args.command} command", error)
        print(f"{PROG}: {error}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print(f"{PROG}: stopped; nothing was changed by the unfinished step.", file=sys.stderr)
        return 130
    except OSError as error:
        log_unexpected(log, f"The {args.command} command", error)
        print(f"{PROG}: {error.strerror or error} ({error.filename or 'no file'})", file=sys.stderr)
        return 1
    except Exception as error:
        log_unexpected(log, f"The {args.command} command", error)
        print(
            f"{PROG}: something went wrong that LT Desktop did not expect. "
            f"Nothing was half-saved. Details are in {data_dir / 'logs'}.",
            file=sys.stderr,
        )
        return 1
