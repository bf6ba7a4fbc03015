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
from lt_desktop.storage.atomic import write_atomic
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


def site_card(args: argparse.Namespace, data_dir: Path) -> int:
    workspace, _, _ = _signed_in(args, data_dir)
    with workspace:
        card, printed = workspace.sync.site_card()
        site = workspace.store.site
    target: Path = args.out
    if target.is_dir():
        raise UsageError(f"{target} is a folder; give the card file's name (e.g. site.ltsite).")
    write_atomic(target, card, what="The site card")
    if args.sheet:
        from lt_desktop.documents.site_card_sheet import write_site_card_sheet
        from lt_desktop.sync.identity import read_site_card

        write_site_card_sheet(args.sheet, read_site_card(card), printed)
        print(f"Printed the fingerprint sheet to {args.sheet}.")
    print(f"Wrote the site card of {site.name} to {target}.")
    print("Give it to the other site, and read them this fingerprint to confirm it:")
    print(printed)
    return 0


def pair(args: argparse.Namespace, data_dir: Path) -> int:
    raw = _read_small_file(args.card, "site card")
    workspace, _, _ = _signed_in(args, data_dir)
    with workspace:
        partnership_id = None
        if args.partnership:
            partnership_id = next(
                (
                    p.id
                    for p in workspace.programme.list_partnerships()
                    if p.name.casefold() == args.partnership.strip().casefold()
                ),
                None,
            )
            if partnership_id is None:
                raise LtError(f"There is no partnership called {args.partnership!r} here.")
        partner = workspace.sync.pair(raw, args.fingerprint, partnership_id=partnership_id)
    print(f"Paired with {partner.name} ({partner.kind.label.lower()} site).")
    return 0


def partners(args: argparse.Namespace, data_dir: Path) -> int:
    workspace, _, _ = _signed_in(args, data_dir)
    with workspace:
        listed = workspace.sync.partners()
    if not listed:
        print("No paired sites yet. Exchange site cards with `lt-desktop site-card` and `pair`.")
    for partner in listed:
        state = "revoked" if partner.revoked_at else "paired"
        last = f"{partner.last_exchange_at:%d %b %Y %H:%M}" if partner.last_exchange_at else "never"
        print(f"{partner.name}  ({partner.kind.value}, {state})")
        print(f"    fingerprint {partner.fingerprint}")
        print(
            f"    last exchange {last}; sent up to bundle {partner.last_sent_sequence}, "
            f"received up to {partner.last_received_sequence}; "
            f"{partner.pending_changes:,} record(s) changed since its last acknowledgement"
        )
    return 0


def revoke(args: argparse.Namespace, data_dir: Path) -> int:
    workspace, _, _ = _signed_in(args, data_dir)
    with workspace:
        partner = workspace.sync.find_partner(args.site)
        workspace.sync.revoke(partner.site_id)
    print(f"Revoked {partner.name}: nothing from it will be imported until it is paired again.")
    return 0


def rotate_keys(args: argparse.Namespace, data_dir: Path) -> int:
    workspace, _, _ = _signed_in(args, data_dir)
    with workspace:
        printed = workspace.sync.rotate_keys()
    print("This site has new keys. Send its new card to every partner to pair again.")
    print(printed)
    return 0


def export(args: argparse.Namespace, data_dir: Path) -> int:
    target: Path = args.out
    if target.is_dir():
        raise UsageError(f"{target} is a folder; give the bundle's file name.")
    workspace, _, _ = _signed_in(args, data_dir)
    with workspace:
        partner = workspace.sync.find_partner(args.to)
        result = workspace.sync.export(partner.site_id, target, snapshot=args.snapshot)
    kind = "snapshot" if result.snapshot else "changes"
    removals = f" and {result.redactions:,} removal(s)" if result.redactions else ""
    print(
        f"Wrote bundle {result.sequence} ({kind}) for {result.partner} to {target}: "
        f"{sum(result.records.values()):,} record(s){removals}, {result.info.size:,} bytes, "
        "read back and verified."
    )
    return 0


def import_(args: argparse.Namespace, data_dir: Path) -> int:
    workspace, _, _ = _signed_in(args, data_dir)
    with workspace:
        result = workspace.sync.import_bundle(args.file, dry_run=args.dry_run)
    print(result.describe())
    return 0


def inspect(args: argparse.Namespace, data_dir: Path) -> int:
    workspace, _, _ = _signed_in(args, data_dir)
    with workspace:
        info = workspace.sync.inspect(args.file)
        sender = next(
            (p.name for p in workspace.sync.partners() if p.site_id == info.header.sender), "?"
        )
    header = info.header
    print(
        f"{args.file.name}: a sound bundle from {sender}, number {header.sequence} "
        f"({header.kind}), made {header.created_at:%d %b %Y %H:%M} UTC; "
        f"{info.plaintext_bytes:,} bytes of records. Nothing was imported."
    )
    return 0


def conflicts(args: argparse.Namespace, data_dir: Path) -> int:
    workspace, _, _ = _signed_in(args, data_dir)
    with workspace:
        listed = workspace.sync.conflicts(include_reviewed=args.all)
    if not listed:
        print("No conflicts to review.")
    for conflict in listed:
        kept = "this site's" if conflict.kept_from == "this site" else f"{conflict.partner}'s"
        print(
            f"{conflict.detected_at:%d %b %Y %H:%M}  {conflict.table} {conflict.record_id}: "
            f"kept {kept} version; the other is kept here for review."
        )
    return 0


def _read_small_file(path: Path, what: str) -> bytes:
    try:
        with open(path, "rb") as handle:
            raw = handle.read(64 * 1024 + 1)
    except OSError as error:
        raise LtError(f"The {what} {path} cannot be read: {error.strerror}.") from error
    if len(raw) > 64 * 1024:
        raise LtError(f"{path.name} is far too large to be a {what}.")
    return raw


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
    "site-card": site_card,
    "pair": pair,
    "partners": partners,
    "revoke": revoke,
    "rotate-keys": rotate_keys,
    "export": export,
    "import": import_,
    "inspect": inspect,
    "conflicts": conflicts,
}
