"""Commands about accounts: ``user``, ``passwd``, ``rekey`` and ``recover``."""

from __future__ import annotations

import argparse
from pathlib import Path

from lt_desktop.cli.commands.common import _signed_in
from lt_desktop.cli.secrets_input import SecretReader
from lt_desktop.core.names import shown
from lt_desktop.domain.roles import Role


def user(args: argparse.Namespace, data_dir: Path) -> int:
    workspace, reader, _ = _signed_in(args, data_dir)
    with workspace:
        if args.user_command == "list":
            for account in workspace.accounts.list_accounts():
                state = "disabled" if account.disabled else "active"
                print(
                    f"{account.username:<20} {account.role.label:<16} {state:<9} "
                    f"{shown(account.display_name)}"
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
            print(
                "A copy of the old key file still opens the store with that account's old "
                "password until you re-key it: `lt-desktop rekey`."
            )
    return 0


def passwd(args: argparse.Namespace, data_dir: Path) -> int:
    workspace, reader, current_password = _signed_in(args, data_dir)
    with workspace:
        new_password = reader.read_new("New password")
        workspace.accounts.change_own_password(current_password, new_password)
    print("Your password has been changed.")
    return 0


def rekey(args: argparse.Namespace, data_dir: Path) -> int:
    workspace, _, password = _signed_in(args, data_dir)
    with workspace:
        done = workspace.accounts.rekey_store(password)
    print("The store is re-encrypted under a new key. No earlier key file opens it now.")
    print("Your own password is unchanged.")
    if done.one_time_passwords:
        print()
        print("One-time passwords (shown only now: hand each over in person; each person")
        print("should change theirs with `lt-desktop passwd` when they next sign in):")
        print()
        width = max(len(name) for name in done.one_time_passwords)
        for username, one_time in done.one_time_passwords.items():
            print(f"    {username:<{width}}  {one_time}")
    print()
    print("New recovery key (shown only now: the old recovery sheet no longer works):")
    print()
    print(f"    {done.recovery_key}")
    print()
    return 0


def recover(args: argparse.Namespace, data_dir: Path) -> int:
    reader = SecretReader(args.password_stdin)
    key = reader.read("Recovery key")
    new_password = reader.read_new(f"New password for {args.user}")
    from lt_desktop.core.sign_in import recover_account

    with recover_account(data_dir, key, args.user, new_password):
        pass
    print(f"{args.user} has a new password and can sign in with it.")
    return 0
