"""Commands about the store itself: ``init``, ``demo``, ``stats``, ``check`` and ``diagnostics``."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from lt_desktop.cli.commands.common import _output_file, _signed_in
from lt_desktop.cli.secrets_input import SecretReader, username_from
from lt_desktop.cli.usage import UsageError
from lt_desktop.core.names import checked_name
from lt_desktop.core.passwords import check_password, check_username
from lt_desktop.domain.errors import LtError, StoreCorrupt, StoreTooNew
from lt_desktop.domain.vocabulary import SiteKind


def init(args: argparse.Namespace, data_dir: Path) -> int:
    from lt_desktop.core.front_door import has_store, make_store

    admin = check_username(args.admin)
    admin_name = checked_name(args.admin_name, "The administrator's full name")
    if has_store(data_dir):
        raise LtError(f"{data_dir} already holds a store. Open it, or choose another folder.")
    password = SecretReader(args.password_stdin).read_new("Administrator's password")
    check_password(password, admin)
    recovery_key = make_store(
        data_dir,
        site_name=args.site_name.strip(),
        site_kind=SiteKind(args.site_kind),
        admin_username=admin,
        admin_display_name=admin_name or admin,
        admin_password=password,
    )
    print(f"Created a store for {args.site_name.strip()} in {data_dir}.")
    print(f"Administrator: {admin}")
    print()
    print("Recovery key (shown only now: write it down or print it, and keep it locked away):")
    print()
    print(f"    {recovery_key}")
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
    from lt_desktop.core.sign_in import sign_in

    username = username_from(args.user)
    password = SecretReader(args.password_stdin).read("Password")
    workspace = sign_in(data_dir, username, password, check_on_open=False)
    with workspace:
        report = workspace.maintenance.check()
    for notice in report.notices:
        print(f"Note: {notice}")
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


def diagnostics(args: argparse.Namespace, data_dir: Path) -> int:
    from lt_desktop.core.diagnostics import report_without_signing_in, save_diagnostics

    target = _output_file(args.out, "diagnostics", data_dir, force=args.force)
    if args.without_signing_in:
        save_diagnostics(
            target, report_without_signing_in(data_dir), store_root=data_dir, force=args.force
        )
        print(f"Wrote the diagnostics to {target}, without signing in: versions, the store's")
        print("files and recent errors, but no settings or counts. No personal data.")
        return 0
    try:
        workspace, _, _ = _signed_in(args, data_dir)
    except (StoreCorrupt, StoreTooNew) as error:
        # What support most needs to see: the report says why the store did not open.
        save_diagnostics(
            target,
            report_without_signing_in(data_dir, f"The store did not open: {error}"),
            store_root=data_dir,
            force=args.force,
        )
        print(f"The store did not open. Wrote the diagnostics to {target}, with why, but")
        print("without settings or counts. No personal data.")
        return 0
    with workspace:
        workspace.diagnostics.save(target, force=args.force)
    print(f"Wrote the diagnostics to {target}: versions, settings, counts and recent")
    print("errors. No personal data.")
    return 0
