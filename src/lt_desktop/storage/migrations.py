"""Schema migrations, run by the app when a store is opened.

The revision scripts live in the top-level ``migrations/`` folder (shipped inside
the wheel as ``lt_desktop/_migrations`` and beside the frozen app).
"""

from __future__ import annotations

import sys
from enum import Enum
from functools import lru_cache
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from alembic.util.exc import CommandError
from sqlalchemy import Connection, Engine

from lt_desktop.domain.errors import StoreCorrupt


def migrations_folder() -> Path:
    package = Path(__file__).resolve().parent.parent
    candidates = [
        package / "_migrations",  # installed wheel
        Path(getattr(sys, "_MEIPASS", package)) / "migrations",  # frozen app
        package.parent.parent / "migrations",  # source checkout
    ]
    for candidate in candidates:
        if (candidate / "env.py").is_file():
            return candidate
    raise RuntimeError("LT Desktop is incomplete: its migrations folder is missing")


def alembic_config(connection: Connection | None = None) -> Config:
    config = Config()
    config.set_main_option("script_location", str(migrations_folder()))
    if connection is not None:
        config.attributes["connection"] = connection
    return config


@lru_cache(maxsize=4)
def _scripts(folder: Path) -> ScriptDirectory:
    """The revision scripts in ``folder``, read once: Alembic compiles every script each
    time a new ``ScriptDirectory`` is asked about them, and each store opening asked twice."""
    config = Config()
    config.set_main_option("script_location", str(folder))
    return ScriptDirectory.from_config(config)


def head_revision() -> str:
    head = _scripts(migrations_folder()).get_current_head()
    assert head is not None
    return head


def current_revision(connection: Connection) -> str | None:
    return MigrationContext.configure(connection).get_current_revision()


class SchemaState(Enum):
    EMPTY = "empty"
    CURRENT = "current"
    OLDER = "older"
    NEWER = "newer"


def schema_state(revision: str | None) -> SchemaState:
    if revision is None:
        return SchemaState.EMPTY
    scripts = _scripts(migrations_folder())
    if revision == scripts.get_current_head():
        return SchemaState.CURRENT
    try:
        scripts.get_revision(revision)
    except CommandError:
        return SchemaState.NEWER
    return SchemaState.OLDER


def upgrade_to_head(engine: Engine) -> None:
    """Upgrade in one transaction: a crash part-way leaves the old schema intact."""
    with engine.connect() as connection:
        driver = connection.connection.driver_connection
        assert driver is not None
        # Batch migrations rebuild tables; foreign keys are checked once at the end.
        # The pragma only takes effect outside a transaction.
        driver.execute("PRAGMA foreign_keys = OFF")
        try:
            with connection.execution_options(write=True).begin():
                command.upgrade(alembic_config(connection), "head")
                problems = connection.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
                if problems:
                    raise StoreCorrupt(
                        f"Upgrading the store would break {len(problems)} links between "
                        "records; it was left as it was."
                    )
        finally:
            driver.execute("PRAGMA foreign_keys = ON")
