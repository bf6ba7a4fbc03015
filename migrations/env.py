"""Alembic environment for LT Desktop stores.

The app runs migrations itself over the store's own (encrypted) connection when
a store is opened; see ``lt_desktop.storage.migrations``. Developers create new
revisions with ``python scripts/new_migration.py "message"``.
"""

from typing import Any

from alembic import context

from lt_desktop.storage.models import Base
from lt_desktop.storage.models.base import UtcDateTime


def render_item(kind: str, item: Any, autogen_context: Any) -> str | bool:
    # Revisions must not depend on model code that may move: UtcDateTime is
    # stored as a plain DATETIME.
    if kind == "type" and isinstance(item, UtcDateTime):
        return "sa.DateTime()"
    return False


config = context.config
connection = config.attributes.get("connection")
if connection is None:
    raise RuntimeError(
        "LT Desktop migrations run from the app, over an open store's connection; "
        "use scripts/new_migration.py to write a new revision."
    )

context.configure(
    connection=connection,
    target_metadata=Base.metadata,
    render_as_batch=True,
    compare_type=True,
    render_item=render_item,
)

with context.begin_transaction():
    context.run_migrations()
