"""sync conflicts: the version kept is kept whole beside the one not kept; a clash
settled here or at another site is remembered, and whether this site's change gave
way to it

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-10
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("sync_conflicts", schema=None) as batch_op:
        batch_op.add_column(sa.Column("kept_values", sa.Text(), nullable=False, server_default=""))
        batch_op.add_column(sa.Column("settled_version", sa.String(length=64), nullable=True))
        batch_op.add_column(
            sa.Column("ours_replaced", sa.Boolean(), nullable=False, server_default=sa.false())
        )


def downgrade() -> None:
    with op.batch_alter_table("sync_conflicts", schema=None) as batch_op:
        batch_op.drop_column("ours_replaced")
        batch_op.drop_column("settled_version")
        batch_op.drop_column("kept_values")
