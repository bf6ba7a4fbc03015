"""Where a store's files live inside its data folder."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

import platformdirs

DATA_DIR_SETTING = "LT_DESKTOP_DATA"

#: Everything in a store's folder is for its owner alone (where the OS has such modes).
PRIVATE_FILE_MODE = 0o600
PRIVATE_FOLDER_MODE = 0o700
#: What the app and the command line set first, so that files they or the libraries
#: they use create (SQLite's journals, logs, folders) are private from the start.
PRIVATE_UMASK = 0o077


def keep_private(path: Path) -> None:
    """Take away the group's and others' access to ``path``, if it exists.

    A no-op on Windows, whose user folders are private already."""
    if os.name == "nt":
        return
    mode = PRIVATE_FOLDER_MODE if path.is_dir() else PRIVATE_FILE_MODE
    try:
        if path.stat().st_mode & 0o777 != mode:
            os.chmod(path, mode)
    except OSError:
        pass  # gone, or not ours to change: the store still works


def use_private_umask() -> None:
    """From here on, files and folders this process makes are its owner's alone."""
    if os.name != "nt":
        os.umask(PRIVATE_UMASK)


def make_private_folder(path: Path) -> None:
    """``path`` and any missing parents, the last of them private."""
    path.mkdir(mode=PRIVATE_FOLDER_MODE, parents=True, exist_ok=True)
    keep_private(path)


def default_data_dir() -> Path:
    """``$LT_DESKTOP_DATA``, else the user's local (not roaming) data folder."""
    configured = os.environ.get(DATA_DIR_SETTING)
    if configured:
        return Path(configured).expanduser()
    return Path(platformdirs.user_data_dir("LT Desktop", appauthor=False, roaming=False))


@dataclass(frozen=True)
class StoreFolder:
    root: Path

    @property
    def database(self) -> Path:
        return self.root / "store.db"

    @property
    def key_file(self) -> Path:
        return self.root / "keys.json"

    @property
    def lock_file(self) -> Path:
        return self.root / "store.lock"

    @property
    def login_attempts(self) -> Path:
        return self.root / "login-attempts.json"

    @property
    def backups(self) -> Path:
        return self.root / "backups"

    @property
    def logs(self) -> Path:
        return self.root / "logs"

    def database_files(self) -> list[Path]:
        """The database and the journal files SQLite keeps beside it."""
        return [
            self.database.with_name(self.database.name + suffix) for suffix in ("", "-wal", "-shm")
        ]

    def has_store(self) -> bool:
        return self.key_file.exists()
