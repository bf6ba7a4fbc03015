"""The schema tests give a new store (``tests/helpers/schema_template.py``) is the one
the migrations make."""

from __future__ import annotations

import secrets
from pathlib import Path
from typing import Any

from lt_desktop.storage import creation as store_module
from lt_desktop.storage import migrations
from lt_desktop.storage.database import create_store_engine
from lt_desktop.storage.migrations import head_revision
from tests.helpers import schema_template
from tests.helpers.stores import new_store

PERSISTENT_PRAGMAS = ("page_size", "auto_vacuum", "user_version", "application_id", "encoding")


def _clauses(sql: str | None) -> list[str]:
    """A definition's clauses, in an order of their own: the migrations' batch steps
    write a rebuilt table's constraints, and make its indexes, in an order that can
    differ from one run to the next."""
    if sql is None:
        return []
    return sorted(line.strip().rstrip(",").strip() for line in sql.splitlines())


def _everything(path: Path, key: bytes) -> tuple[list[Any], dict[str, Any], dict[str, Any], Any]:
    """All SQLite keeps about a database's schema, and every row in it."""
    engine = create_store_engine(path, key)
    try:
        with engine.connect() as connection:
            master = sorted(
                (kind, name, table, _clauses(sql))
                for kind, name, table, sql in connection.exec_driver_sql(
                    "SELECT type, name, tbl_name, sql FROM sqlite_master"
                )
            )
            rows = {
                name: connection.exec_driver_sql(f'SELECT * FROM "{name}" ORDER BY rowid').all()
                for kind, name, _, _ in master
                if kind == "table"
            }
            pragmas = {
                pragma: connection.exec_driver_sql(f"PRAGMA {pragma}").scalar()
                for pragma in PERSISTENT_PRAGMAS
            }
            integrity = connection.exec_driver_sql("PRAGMA integrity_check").scalar()
    finally:
        engine.dispose()
    return master, rows, pragmas, integrity


def test_the_template_is_what_the_migrations_make(tmp_path: Path) -> None:
    migrated_key, given_key = secrets.token_bytes(32), secrets.token_bytes(32)
    migrated = create_store_engine(tmp_path / "migrated.db", migrated_key)
    given = create_store_engine(tmp_path / "given.db", given_key)
    try:
        migrations.upgrade_to_head(migrated)
        schema_template.give_schema(given, schema_template.migrated_template())
    finally:
        migrated.dispose()
        given.dispose()
    expected = _everything(tmp_path / "migrated.db", migrated_key)
    assert _everything(tmp_path / "given.db", given_key) == expected
    master, rows, _, integrity = expected
    assert integrity == "ok"
    assert rows["alembic_version"] == [(head_revision(),)]
    assert len(master) > 40  # the whole schema, not an empty one


def test_stores_made_in_tests_take_the_template(tmp_path: Path) -> None:
    assert store_module.upgrade_to_head is schema_template.upgrade_to_head
    made = new_store(tmp_path / "store")
    try:
        assert made.schema_revision == head_revision()
    finally:
        made.close()
