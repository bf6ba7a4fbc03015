"""Where a store's files live inside its data folder."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

import platformdirs

DATA_DIR_SETTING = "LT_DESKTOP_DATA"


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
