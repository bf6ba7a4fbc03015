"""Schema migrations, run by the app when a store is opened.

The revision scripts live in the top-level ``migrations/`` folder (shipped inside
the wheel as ``lt_desktop/_migrations`` and beside the frozen app).

Nearly every opening finds the store at the newest revision. That is told from the
scripts' own ``revision``/``down_revision`` lines and one query of ``alembic_version``,
without Alembic, which is imported (a tenth of a second) only to upgrade a store, or
when the scripts say something those lines cannot (a merge, a script without them).
"""

from __future__ import annotations

import logging
import re
import sys
from enum import Enum
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

from lt_desktop.domain.errors import StoreCorrupt

if TYPE_CHECKING:
    from alembic.config import Config
    from alembic.script import ScriptDirectory
    from sqlalchemy import Connection, Engine

#: Alembic says which plug-ins it set up as it is imported. Imported with the app, before
#: the log was opened, that went to no log; imported only to upgrade, it goes to none still.
logging.getLogger("alembic.runtime.plugins").setLevel(logging.WARNING)

_REVISION = re.compile(r"^revision(?:\s*:\s*str)?\s*=\s*[\"']([^\"']+)[\"']\s*$", re.M)
_DOWN_REVISION = re.compile(
    r"^down_revision(?:\s*:[^=]+)?\s*=\s*(?:None|[\"']([^\"']+)[\"'])\s*$", re.M
)


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
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(migrations_folder()))
    if connection is not None:
        config.attributes["connection"] = connection
    return config


@lru_cache(maxsize=4)
def _scripts(folder: Path) -> ScriptDirectory:
    """The revision scripts in ``folder``, read once: Alembic compiles every script each
    time a new ``ScriptDirectory`` is asked about them, and each store opening asked twice."""
    from alembic.config import Config
    from alembic.script import ScriptDirectory

    config = Config()
    config.set_main_option("script_location", str(folder))
    return ScriptDirectory.from_config(config)


@lru_cache(maxsize=4)
def _chain(folder: Path) -> tuple[str, frozenset[str]] | None:
    """The head and every revision, read from the scripts' ``revision`` and
    ``down_revision`` lines; None when they are not one plain line of revisions."""
    scripts = sorted((folder / "versions").glob("*.py"))
    revises: dict[str, str | None] = {}
    for script in scripts:
        text = script.read_text(encoding="utf-8")
        revision, down = _REVISION.findall(text), _DOWN_REVISION.findall(text)
        if len(revision) != 1 or len(down) != 1 or revision[0] in revises:
            return None
        revises[revision[0]] = down[0] or None
    heads = set(revises) - set(revises.values())
    if len(heads) != 1 or list(revises.values()).count(None) != 1:
        return None
    return heads.pop(), frozenset(revises)


def head_revision() -> str:
    folder = migrations_folder()
    chain = _chain(folder)
    if chain is not None:
        return chain[0]
    head = _scripts(folder).get_current_head()
    assert head is not None
    return head


def current_revision(connection: Connection) -> str | None:
    """The store's revision, with one query; as Alembic's ``get_current_revision``."""
    has_table = connection.exec_driver_sql(
        "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'alembic_version'"
    ).first()
    if has_table is None:
        return None
    rows = connection.exec_driver_sql("SELECT version_num FROM alembic_version").fetchall()
    if len(rows) > 1:
        from alembic.runtime.migration import MigrationContext

        return MigrationContext.configure(connection).get_current_revision()
    return str(rows[0][0]) if rows else None


class SchemaState(Enum):
    EMPTY = "empty"
    CURRENT = "current"
    OLDER = "older"
    NEWER = "newer"


def schema_state(revision: str | None) -> SchemaState:
    if revision is None:
        return SchemaState.EMPTY
    folder = migrations_folder()
    chain = _chain(folder)
    if chain is not None and revision in chain[1]:
        return SchemaState.CURRENT if revision == chain[0] else SchemaState.OLDER
    from alembic.util.exc import CommandError

    scripts = _scripts(folder)
    if revision == scripts.get_current_head():
        return SchemaState.CURRENT
    try:
        scripts.get_revision(revision)
    except CommandError:
        return SchemaState.NEWER
    return SchemaState.OLDER


def upgrade_to_head(engine: Engine) -> None:
    """Upgrade in one transaction: a crash part-way leaves the old schema intact."""
    from alembic import command

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
