"""applications: an assessor's score remembers the account that gave it

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-26
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("application_scores", schema=None) as batch_op:
        batch_op.add_column(sa.Column("assessor_id", sa.Uuid(), nullable=True))
        batch_op.create_index(
            batch_op.f("ix_application_scores_assessor_id"), ["assessor_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("application_scores", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_application_scores_assessor_id"))
        batch_op.drop_column("assessor_id")
