"""partners: a classroom laptop of the prison site (or the education PC a laptop
belongs to), the cohorts whose registers it carries, and the folder registers were
last carried through

Revision ID: 0010
Revises: 0009
Create Date: 2027-01-12
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("partners", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("classroom", sa.String(length=20), nullable=False, server_default="")
        )
        batch_op.add_column(
            sa.Column("laptop_cohorts", sa.Text(), nullable=False, server_default="")
        )
        batch_op.add_column(
            sa.Column("exchange_folder", sa.Text(), nullable=False, server_default="")
        )


def downgrade() -> None:
    with op.batch_alter_table("partners", schema=None) as batch_op:
        batch_op.drop_column("exchange_folder")
        batch_op.drop_column("laptop_cohorts")
        batch_op.drop_column("classroom")
