"""``lt-desktop laptop``: classroom laptops from a terminal.

At the education PC: ``create`` (a laptop for chosen cohorts, its kit written to a
stick, its passphrase printed once), ``list``, ``revoke`` and ``exchange`` (take in
every laptop's registers on the stick and write each its updates beside them). On a
laptop: ``set-up`` (make this computer's store from a kit) and ``exchange`` (take in
the PC's updates on the stick, then save this laptop's registers to it).
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TYPE_CHECKING, Any

from lt_desktop.cli.commands.common import _find_cohort, _signed_in
from lt_desktop.cli.secrets_input import SecretReader, username_from
from lt_desktop.cli.usage import UsageError
from lt_desktop.core.passwords import check_password, check_username
from lt_desktop.domain.errors import NotFound
from lt_desktop.domain.wording import counted

if TYPE_CHECKING:
    from lt_desktop.core.services.laptops import LaptopService


def add_parser(
    sub: argparse._SubParsersAction[Any],
    store: argparse.ArgumentParser,
    signed_in: argparse.ArgumentParser,
    parser_class: type[argparse.ArgumentParser],
) -> None:
    laptop = sub.add_parser(
        "laptop", help="classroom laptops: set one up, carry registers, revoke a lost one"
    )
    actions = laptop.add_subparsers(
        dest="laptop_command", metavar="ACTION", required=True, parser_class=parser_class
    )
    p = actions.add_parser(
        "create",
        parents=[signed_in],
        help="at the education PC: set up a laptop for chosen cohorts and write its kit to "
        "a stick; prints the kit's one-time passphrase",
    )
    p.add_argument("--name", required=True, help="the laptop's name, e.g. 'Classroom laptop 1'")
    p.add_argument(
        "--cohort",
        required=True,
        action="append",
        metavar="NAME",
        help="a cohort whose registers it carries (give --cohort again for more)",
    )
    p.add_argument("--folder", required=True, type=Path, metavar="DIR", help="the stick")
    actions.add_parser("list", parents=[signed_in], help="at the education PC: its laptops")
    p = actions.add_parser(
        "revoke",
        parents=[signed_in],
        help="at the education PC: a lost laptop; nothing from it is taken in again",
    )
    p.add_argument("name", metavar="NAME", help="the laptop's name")
    p = actions.add_parser(
        "exchange",
        parents=[signed_in],
        help="carry registers: at the PC, take in the laptops' registers and write their "
        "updates; on a laptop, take in the updates, then save its registers",
    )
    p.add_argument(
        "--folder",
        type=Path,
        metavar="DIR",
        help="the stick (default: the folder used last time)",
    )
    p = actions.add_parser(
        "set-up",
        parents=[store],
        help="on the laptop: make this computer's store from a kit (standard input: the "
        "kit's passphrase, then your new password)",
    )
    p.add_argument("--kit", required=True, type=Path, metavar="FILE")
    p.add_argument("--user", required=True, help="your user name on the laptop")
    p.add_argument("--name", default="", help="your full name")
    p.add_argument("--password-stdin", action="store_true")


def laptop(args: argparse.Namespace, data_dir: Path) -> int:
    if args.laptop_command == "set-up":
        return _set_up(args, data_dir)
    workspace, _, _ = _signed_in(args, data_dir)
    with workspace:
        service = workspace.laptops
        if args.laptop_command == "create":
            cohorts = [_find_cohort(workspace, name) for name in args.cohort]
            made = service.create(args.name, [c.id for c in cohorts], args.folder)
            print(f"{made.laptop.name} is set up for {', '.join(made.laptop.cohorts)}.")
            print(f"Its kit is {made.kit}.")
            print()
            print(
                "Passphrase (shown only now: type it on the laptop; never write it on the stick):"
            )
            print()
            print(f"    {made.passphrase}")
            print()
            print("On the laptop: lt-desktop laptop set-up --kit FILE --user NAME")
            return 0
        if args.laptop_command == "list":
            listed = service.laptops()
            if not listed:
                print("No classroom laptops yet. Set one up with `lt-desktop laptop create`.")
            for item in listed:
                state = f"revoked {item.revoked_at:%d %b %Y}" if item.revoked_at else "in use"
                last = (
                    f"{item.last_exchange_at:%d %b %Y %H:%M}" if item.last_exchange_at else "never"
                )
                print(f"{item.name}  ({state})")
                print(f"    cohorts: {', '.join(item.cohorts)}")
                print(
                    f"    set up {item.paired_at:%d %b %Y} by {item.paired_by or 'someone'}; "
                    f"registers last carried {last}"
                )
            return 0
        if args.laptop_command == "revoke":
            revoked = service.revoke(service.find(args.name).site_id)
            print(
                f"Revoked {revoked.name}: its registers will be refused from now on. Set up "
                "a new laptop with `lt-desktop laptop create`."
            )
            return 0
        # exchange
        if service.this_laptop() is None:
            taken = service.take_in_registers(args.folder or _remembered(service))
            print(taken.describe())
            return 1 if taken.refused else 0
        try:
            for result in service.take_in_updates(args.folder):
                print(result.describe())
        except NotFound as nothing:
            print(nothing)
        saved = service.save_registers(args.folder)
        print(
            f"Saved {counted(saved.total, 'record')} of this laptop's registers to "
            f"{saved.info.path}: take the stick to the education PC."
        )
        return 0


def _remembered(service: LaptopService) -> Path:
    folder = service.remembered_folder()
    if not folder:
        raise UsageError("Say which folder the stick is with --folder DIR.")
    return Path(folder)


def _set_up(args: argparse.Namespace, data_dir: Path) -> int:
    from lt_desktop.core.services.laptops import read_kit, remove_kit, set_up_laptop

    username = check_username(username_from(args.user))
    reader = SecretReader(args.password_stdin)
    kit = read_kit(args.kit, reader.read("The kit's passphrase"))
    password = reader.read_new("Your password on the laptop")
    check_password(password, username)
    made = set_up_laptop(
        data_dir,
        kit,
        username=username,
        display_name=args.name or username,
        password=password,
    )
    removed = remove_kit(args.kit)
    print(f"This computer is now {made.name}, a classroom laptop of {made.education_pc}.")
    print(made.first_bundle.describe())
    if not removed:
        print(f"Delete the kit {args.kit} from the stick: it holds this laptop's keys.")
    print()
    print("Recovery key (shown only now: write it down or print it, and keep it locked away):")
    print()
    print(f"    {made.recovery_key}")
    print()
    return 0
