"""cancelled sessions: a whole session called off (a lockdown, a staff shortage, a
change of regime) keeps its week but takes no register

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-07
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0012"
down_revision: str | None = "0011"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("class_sessions", schema=None) as batch_op:
        batch_op.add_column(sa.Column("cancelled", sa.String(length=32), nullable=True))
        batch_op.add_column(
            sa.Column("cancelled_note", sa.Text(), nullable=False, server_default="")
        )


def downgrade() -> None:
    with op.batch_alter_table("class_sessions", schema=None) as batch_op:
        batch_op.drop_column("cancelled_note")
        batch_op.drop_column("cancelled")
