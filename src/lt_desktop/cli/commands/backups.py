"""``lt-desktop backup`` and ``restore``."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TYPE_CHECKING

from lt_desktop.cli.commands.common import _signed_in
from lt_desktop.cli.secrets_input import SecretReader, username_from
from lt_desktop.cli.usage import UsageError
from lt_desktop.core.output_files import check_output_folder, check_output_path
from lt_desktop.domain.errors import LtError, PermissionDenied

if TYPE_CHECKING:
    from lt_desktop.core.services.maintenance import ErasedSince


def backup(args: argparse.Namespace, data_dir: Path) -> int:
    if args.action == "list":
        return _list(args, data_dir)
    target = args.out
    if target is not None and target.is_dir():
        raise UsageError(f"{target} is a folder; give the backup file's name, or use --to-folder.")
    if target is not None:
        check_output_path(target, store_root=data_dir, force=args.force)
    elif args.to_folder is not None:
        check_output_folder(args.to_folder, store_root=data_dir)
    workspace, _, _ = _signed_in(args, data_dir)
    with workspace:
        if target is not None:
            workspace.maintenance.backup(target, force=args.force)
            print(f"Backed up to {target} and verified ({target.stat().st_size:,} bytes).")
            return 0
        done = workspace.maintenance.back_up_now(args.to_folder)
    print(f"Backed up to {done.path} and verified ({done.size:,} bytes).")
    if done.removed:
        print(f"Removed {len(done.removed)} older backup(s) of this store from {done.path.parent}.")
    return 0


def restore(args: argparse.Namespace, data_dir: Path) -> int:
    from lt_desktop.core.front_door import preview_backup, restore_and_sign_in
    from lt_desktop.core.services.maintenance import RESTORE_BRINGS_BACK

    username = username_from(args.user)
    password = SecretReader(args.password_stdin).read("Password (for an account in the backup)")
    if args.check:
        preview = preview_backup(args.file, username=username, password=password)
        made = preview.made_at.astimezone()
        print(f"{args.file.name} is sound: every byte checks out, and {username} may restore it.")
        print(f"  Site:      {preview.site_name or '(not named)'}")
        print(f"  Made:      {made:%d %b %Y at %H:%M} by LT Desktop {preview.app_version}")
        for label, count in preview.counts.items():
            print(f"  {label.capitalize() + ':':<18} {count:,}")
        print("Nothing was changed. Restore it with the same command without --check.")
        return 0
    later = _erased_since(data_dir, username, password, args.file)
    with restore_and_sign_in(data_dir, args.file, username, password) as workspace:
        print(f"Restored the store in {data_dir} from {args.file}.")
        if later is None:
            return 0
        if not args.erase_again:
            print(f"This backup {later.describe()}. {RESTORE_BRINGS_BACK}")
            print("(Restore with --erase-again to erase them again at once.)")
            return 0
        try:
            again = workspace.erasure.erase_again(later.references)
        except PermissionDenied as error:
            print(
                f"This backup {later.describe()}. {error} Ask someone who may to erase them again."
            )
            return 1
    print(f"Erased again {len(again)} of the {later.count} people erased since the backup.")
    return 0


def _list(args: argparse.Namespace, data_dir: Path) -> int:
    from lt_desktop.core.services.maintenance import RESTORE_BRINGS_BACK

    """This store's backups, newest first; one made before an erasure says so."""
    if args.out is not None:
        raise UsageError("backup list reads a folder: give --to-folder DIR, or nothing.")
    workspace, _, _ = _signed_in(args, data_dir)
    with workspace:
        backups = workspace.maintenance.list_backups(args.to_folder)
        held = workspace.maintenance.erased_since(backups)
    if not backups:
        print("There are no backups of this store in the folder.")
        return 0
    for found in backups:
        made = found.made_at.astimezone()
        size = f"{found.size / 1_048_576:,.1f} MB"
        print(f"{made:%d %b %Y %H:%M}  {size:>10}  {found.path.name}")
        if found.path in held:
            words = held[found.path].describe()
            print(f"    {words[0].upper()}{words[1:]}.")
    if held:
        print(f"{len(held)} backup(s) still hold people erased since. {RESTORE_BRINGS_BACK}")
    return 0


def _erased_since(data_dir: Path, username: str, password: str, backup: Path) -> ErasedSince | None:
    """What the store here says of people erased after the backup was made: best
    effort, as the store may be damaged or the account may not be in it. Signing in
    writes to the store, so ``restore --check``, which changes nothing, does not ask."""
    from lt_desktop.core.front_door import has_store, preview_backup
    from lt_desktop.core.sign_in import sign_in

    if not has_store(data_dir):
        return None
    # The backup is checked first, changing nothing: a backup refused leaves the store
    # here exactly as it was, not signed in to.
    made_at = preview_backup(backup, username=username, password=password).made_at
    try:
        with sign_in(data_dir, username, password) as workspace:
            later = workspace.maintenance.erased_after(made_at)
    except LtError:
        return None
    return later if later.count else None
