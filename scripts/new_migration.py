"""Write a new migration revision by comparing the models with the current head.

    python scripts/new_migration.py "add graduation seating"

Runs against a throwaway plain SQLite database upgraded to head; review the
generated file before committing it.
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

from alembic import command
from sqlalchemy import create_engine

from lt_desktop.storage.migrations import alembic_config, migrations_folder


def _next_revision_id() -> str:
    numbers = [
        int(path.name[:4])
        for path in (migrations_folder() / "versions").glob("[0-9][0-9][0-9][0-9]_*.py")
    ]
    return f"{max(numbers, default=0) + 1:04d}"


def main() -> int:
    if len(sys.argv) != 2:
        print(__doc__)
        return 2
    with tempfile.TemporaryDirectory() as folder:
        engine = create_engine(f"sqlite:///{Path(folder) / 'schema.db'}")
        with engine.begin() as connection:
            config = alembic_config(connection)
            command.upgrade(config, "head")
            command.revision(
                config, message=sys.argv[1], autogenerate=True, rev_id=_next_revision_id()
            )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
