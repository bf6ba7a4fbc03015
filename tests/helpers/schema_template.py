"""New stores in tests take their schema from one migrated store, not from the migrations.

Running every migration costs a new store most of its making: batch migrations
rebuild tables, and each step reflects the schema again. The tests make hundreds of
stores, so each test process migrates one database, once, and records what the
migrations left: every table, index and trigger as SQLite keeps its definition, in
the order they were made, and the rows in them (the schema revision, the change
counter). A new store is then given exactly that, in one transaction.

Only a store being made takes this path: a store opened at an older schema is
upgraded by the real migrations, as is everything in ``tests/storage/test_migrations.py``.
``tests/storage/test_schema_template.py`` proves that what a new store is given here is
what the migrations make.
"""

from __future__ import annotations

import secrets
import tempfile
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from sqlalchemy import Engine

from lt_desktop.storage import migrations
from lt_desktop.storage.database import create_store_engine
from lt_desktop.storage.migrations import current_revision


@dataclass(frozen=True)
class Table:
    name: str
    columns: tuple[str, ...]
    rows: tuple[tuple[object, ...], ...]


@dataclass(frozen=True)
class SchemaTemplate:
    statements: tuple[str, ...]  # CREATE statements, in the order SQLite keeps them
    tables: tuple[Table, ...]  # the rows the migrations wrote


def schema_of(engine: Engine) -> SchemaTemplate:
    """What a database holds, as statements that make it again."""
    with engine.connect() as connection:
        objects = connection.exec_driver_sql(
            "SELECT type, name, sql FROM sqlite_master "
            "WHERE sql IS NOT NULL AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' ORDER BY rowid"
        ).all()
        tables = []
        for kind, name, _ in objects:
            if kind != "table":
                continue
            result = connection.exec_driver_sql(f'SELECT * FROM "{name}" ORDER BY rowid')
            rows = tuple(tuple(row) for row in result)
            if rows:
                tables.append(Table(name, tuple(result.keys()), rows))
    return SchemaTemplate(tuple(sql for _, _, sql in objects), tuple(tables))


@cache
def migrated_template() -> SchemaTemplate:
    """The schema the migrations make, made once in this process."""
    with tempfile.TemporaryDirectory() as folder:
        engine = create_store_engine(Path(folder) / "template.db", secrets.token_bytes(32))
        try:
            migrations.upgrade_to_head(engine)
            return schema_of(engine)
        finally:
            engine.dispose()


def give_schema(engine: Engine, template: SchemaTemplate) -> None:
    """Make ``template`` in the empty database behind ``engine``, in one transaction,
    the way ``upgrade_to_head`` makes it: foreign keys checked once, at the end."""
    with engine.connect() as connection:
        driver = connection.connection.driver_connection
        assert driver is not None
        driver.execute("PRAGMA foreign_keys = OFF")
        try:
            with connection.execution_options(write=True).begin():
                for statement in template.statements:
                    connection.exec_driver_sql(statement)
                for table in template.tables:
                    names = ", ".join(f'"{column}"' for column in table.columns)
                    marks = ", ".join("?" for _ in table.columns)
                    connection.exec_driver_sql(
                        f'INSERT INTO "{table.name}" ({names}) VALUES ({marks})', list(table.rows)
                    )
                problems = connection.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
                assert not problems, problems
        finally:
            driver.execute("PRAGMA foreign_keys = ON")


def _is_empty(engine: Engine) -> bool:
    with engine.connect() as connection:
        (count,) = connection.exec_driver_sql("SELECT count(*) FROM sqlite_master").one()
        return count == 0 and current_revision(connection) is None


def upgrade_to_head(engine: Engine) -> None:
    """What a store being made calls: an empty database is given the migrated schema;
    any other goes through the real migrations."""
    if _is_empty(engine):
        give_schema(engine, migrated_template())
    else:
        migrations.upgrade_to_head(engine)
