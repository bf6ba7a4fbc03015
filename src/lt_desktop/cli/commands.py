"""What each ``lt-desktop`` command does. Each returns the exit status."""

from __future__ import annotations

import argparse
import json
from collections.abc import Callable
from pathlib import Path

from lt_desktop.cli.secrets_input import SecretReader, username_from
from lt_desktop.cli.usage import UsageError
from lt_desktop.core.errors import LtError
from lt_desktop.core.passwords import check_password, check_username
from lt_desktop.core.roles import Role
from lt_desktop.core.sign_in import recover_account, sign_in
from lt_desktop.core.vocabulary import SiteKind
from lt_desktop.core.workspace import Workspace
from lt_desktop.storage.folder import StoreFolder
from lt_desktop.storage.store import create_store, restore_store

Handler = Callable[[argparse.Namespace, Path], int]


def _signed_in(args: argparse.Namespace, data_dir: Path) -> tuple[Workspace, SecretReader, str]:
    username = username_from(args.user)
    reader = SecretReader(args.password_stdin)
    password = reader.read("Password")
    return sign_in(data_dir, username, password), reader, password


def init(args: argparse.Namespace, data_dir: Path) -> int:
    admin = check_username(args.admin)
    if StoreFolder(data_dir).has_store():
        raise LtError(f"{data_dir} already holds a store. Open it, or choose another folder.")
    password = SecretReader(args.password_stdin).read_new("Administrator's password")
    check_password(password, admin)
    created = create_store(
        data_dir,
        site_name=args.site_name.strip(),
        site_kind=SiteKind(args.site_kind),
        admin_username=admin,
        admin_display_name=args.admin_name or admin,
        admin_password=password,
    )
    created.store.close()
    print(f"Created a store for {args.site_name.strip()} in {data_dir}.")
    print(f"Administrator: {admin}")
    print()
    print("Recovery key (shown only now: write it down or print it, and keep it locked away):")
    print()
    print(f"    {created.recovery_key}")
    print()
    print("With it, `lt-desktop recover` sets a new password when one is forgotten.")
    return 0


def demo(args: argparse.Namespace, data_dir: Path) -> int:
    from lt_desktop.core.demo import DEMO_PASSWORD, DEMO_USERS, build_demo_store

    if args.password_stdin and not args.admin:
        raise UsageError("--password-stdin goes with --admin.")
    if args.admin:
        admin = check_username(args.admin)
        password = SecretReader(args.password_stdin).read_new("Administrator's password")
        check_password(password, admin)
    else:
        admin, password = "demo", DEMO_PASSWORD
    recovery_key = build_demo_store(
        data_dir, site_kind=SiteKind(args.site_kind), admin=admin, password=password
    )
    print(f"Created a demo store (made-up people, {args.site_kind} site) in {data_dir}.")
    if args.admin:
        print(f"Sign in as {admin} with the password you chose.")
    else:
        print(f"Sign in as {admin} with the password {password}.")
        others = ", ".join(f"{name} ({role.label.lower()})" for name, role in DEMO_USERS)
        print(f"Other demo accounts, same password: {others}.")
    print(f"Recovery key: {recovery_key}")
    return 0


def stats(args: argparse.Namespace, data_dir: Path) -> int:
    workspace, _, _ = _signed_in(args, data_dir)
    with workspace:
        counts = workspace.stats.counts()
    if args.json:
        print(json.dumps(counts, indent=2))
    else:
        width = max(len(name) for name in counts)
        for name, count in counts.items():
            print(f"{name.replace('_', ' '):<{width}}  {count:>9,}")
    return 0


def check(args: argparse.Namespace, data_dir: Path) -> int:
    workspace, _, _ = _signed_in(args, data_dir)
    with workspace:
        report = workspace.maintenance.check()
    if not report.sound:
        print(f"The store has {len(report.problems)} problem(s):")
        for problem in report.problems:
            print(f"  - {problem}")
        print("Restore the newest good backup (`lt-desktop restore FILE`) or ask for support.")
        return 1
    print(
        "The store is sound: encryption, structure and the audit log "
        f"({report.audit_entries} entries) all check out."
    )
    return 0


def user(args: argparse.Namespace, data_dir: Path) -> int:
    workspace, reader, _ = _signed_in(args, data_dir)
    with workspace:
        if args.user_command == "list":
            for account in workspace.accounts.list_accounts():
                state = "disabled" if account.disabled else "active"
                print(
                    f"{account.username:<20} {account.role.label:<16} {state:<9} "
                    f"{account.display_name}"
                )
        elif args.user_command == "add":
            password = reader.read_new(f"Password for {args.username}")
            account = workspace.accounts.add_account(
                args.username,
                display_name=args.display_name,
                role=Role(args.role),
                password=password,
            )
            print(f"Added {account.username} ({account.role.label.lower()}).")
        elif args.user_command == "disable":
            account = workspace.accounts.disable_account(args.username)
            print(f"Disabled {account.username}: the account can no longer sign in.")
    return 0


def passwd(args: argparse.Namespace, data_dir: Path) -> int:
    workspace, reader, current_password = _signed_in(args, data_dir)
    with workspace:
        new_password = reader.read_new("New password")
        workspace.accounts.change_own_password(current_password, new_password)
    print("Your password has been changed.")
    return 0


def recover(args: argparse.Namespace, data_dir: Path) -> int:
    reader = SecretReader(args.password_stdin)
    key = reader.read("Recovery key")
    new_password = reader.read_new(f"New password for {args.user}")
    with recover_account(data_dir, key, args.user, new_password):
        pass
    print(f"{args.user} has a new password and can sign in with it.")
    return 0


def backup(args: argparse.Namespace, data_dir: Path) -> int:
    workspace, _, _ = _signed_in(args, data_dir)
    target = args.out
    if target.is_dir():
        raise UsageError(f"{target} is a folder; give the backup file's name.")
    with workspace:
        workspace.maintenance.backup(target)
    print(f"Backed up to {target} and verified ({target.stat().st_size:,} bytes).")
    return 0


def restore(args: argparse.Namespace, data_dir: Path) -> int:
    username = username_from(args.user)
    password = SecretReader(args.password_stdin).read("Password (for an account in the backup)")
    store, user_id = restore_store(data_dir, args.file, username=username, password=password)
    try:
        with store.write() as session:
            from lt_desktop.storage.models import User

            user_row = session.get(User, user_id)
            store.audit(
                session,
                actor_id=user_id,
                actor_name=user_row.display_name if user_row else username,
                action="store.restored",
                details={"backup": args.file.name},
            )
    finally:
        store.close()
    print(f"Restored the store in {data_dir} from {args.file}.")
    return 0


HANDLERS: dict[str, Handler] = {
    "init": init,
    "demo": demo,
    "stats": stats,
    "check": check,
    "user": user,
    "passwd": passwd,
    "recover": recover,
    "backup": backup,
    "restore": restore,
}
