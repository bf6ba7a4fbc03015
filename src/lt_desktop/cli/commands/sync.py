"""Exchanging records with partner sites: ``site-card``, ``pair``, ``partners``,
``revoke``, ``rotate-keys``, ``export``, ``import`` and ``inspect``."""

from __future__ import annotations

import argparse
from pathlib import Path

from lt_desktop.cli.commands.common import _output_file, _read_small_file, _signed_in
from lt_desktop.cli.usage import UsageError
from lt_desktop.core.output_files import check_output_path
from lt_desktop.domain.errors import LtError


def site_card(args: argparse.Namespace, data_dir: Path) -> int:
    target: Path = args.out
    if target.is_dir():
        raise UsageError(f"{target} is a folder; give the card file's name (e.g. site.ltsite).")
    check_output_path(target, store_root=data_dir, force=args.force)
    sheet = _output_file(args.sheet, "PDF", data_dir, force=args.force) if args.sheet else None
    workspace, _, _ = _signed_in(args, data_dir)
    with workspace:
        card, printed = workspace.sync.save_site_card(target, force=args.force)
        site = workspace.store.site
    if sheet is not None:
        from lt_desktop.documents.site_card_sheet import write_site_card_sheet
        from lt_desktop.sync.identity import read_site_card

        write_site_card_sheet(sheet, read_site_card(card), printed)
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
        partner = workspace.sync.revoke(workspace.sync.partner_id(args.site))
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
    check_output_path(target, store_root=data_dir, force=args.force)
    workspace, _, _ = _signed_in(args, data_dir)
    with workspace:
        result = workspace.sync.export(
            workspace.sync.partner_id(args.to), target, snapshot=args.snapshot, force=args.force
        )
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
