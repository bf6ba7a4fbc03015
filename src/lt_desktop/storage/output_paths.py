"""Where the app may write a file someone chose: never into a store, never over
something that is not an ordinary file, and over an existing file only when asked.

Every file the app writes at a path given on the command line or in a Save dialog
goes through ``check_output_path`` first; every folder it writes files of its own
naming into goes through ``check_output_folder``. The store's own files (the key file,
the database, its backups before an upgrade) are written elsewhere, never through here.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

from lt_desktop.domain.errors import OutputExists, OutputRefused

#: A folder holding both is a store, whichever store it is.
_STORE_FILES = ("keys.json", "store.db")


def check_output_path(target: Path, *, store_root: Path | None, force: bool) -> Path:
    """The path to write ``target`` to, with symlinks and ``..`` resolved.

    Raises OutputRefused when the file would land inside ``store_root`` or any other
    store folder, or would replace a folder, device, pipe or socket; OutputExists when
    a file is there already and ``force`` is not given.
    """
    resolved = _resolve(target)
    if _inside_a_store(resolved, store_root):
        raise OutputRefused(
            f"{target} is inside the store folder; choose a file elsewhere, such as the "
            "removable media."
        )
    try:
        mode = os.stat(resolved).st_mode
    except FileNotFoundError:
        return resolved
    except OSError as error:
        raise OutputRefused(
            f"{target} cannot be checked ({error.strerror}); choose another name."
        ) from error
    if not stat.S_ISREG(mode):
        raise OutputRefused(
            f"{target} is not a regular file (a device or folder); choose another name."
        )
    if not force:
        raise OutputExists(f"{target} already exists; add --force to replace it.")
    return resolved


def check_output_folder(folder: Path, *, store_root: Path | None) -> Path:
    """The folder to write files of the app's own naming into, resolved; refused when
    it is a store folder or inside one."""
    resolved = _resolve(folder)
    if _inside_a_store(resolved, store_root):
        raise OutputRefused(
            f"{folder} is inside the store folder; choose a folder elsewhere, such as the "
            "removable media."
        )
    return resolved


def _resolve(path: Path) -> Path:
    try:
        return Path(os.path.abspath(Path(path).expanduser())).resolve()
    except (OSError, RuntimeError) as error:  # a symlink loop
        raise OutputRefused(f"{path} cannot be followed; choose another name.") from error


def _inside_a_store(resolved: Path, store_root: Path | None) -> bool:
    """Whether ``resolved`` is the store folder, a store folder, or anywhere below one.

    Each folder on the way up is compared with the store folder as the file system
    sees it (so case, links and ``..`` cannot disguise it), and checked for a store's
    files (so a store other than the open one is as safe)."""
    store = _resolve(store_root) if store_root is not None else None
    for folder in (resolved, *resolved.parents):
        if store is not None and (
            os.path.normcase(folder) == os.path.normcase(store) or _same_folder(folder, store)
        ):
            return True
        if all((folder / name).is_file() for name in _STORE_FILES):
            return True
    return False


def _same_folder(a: Path, b: Path) -> bool:
    try:
        return os.path.samefile(a, b)
    except OSError:
        return False
