"""``lt-desktop backup`` and ``restore``."""

from __future__ import annotations

import argparse
from pathlib import Path

from lt_desktop.cli.commands.common import _signed_in
from lt_desktop.cli.secrets_input import SecretReader, username_from
from lt_desktop.cli.usage import UsageError
from lt_desktop.core.front_door import (
    preview_backup,
    restore_and_sign_in,
)
from lt_desktop.core.output_files import check_output_folder, check_output_path


def backup(args: argparse.Namespace, data_dir: Path) -> int:
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
    restore_and_sign_in(data_dir, args.file, username, password).close()
    print(f"Restored the store in {data_dir} from {args.file}.")
    return 0
