"""retention: how long this organisation keeps each kind of data, where an
administrator has changed it from the default; never travels

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-07
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0017"
down_revision: str | None = "0016"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "retention_settings",
        sa.Column(
            "kind",
            sa.Enum(
                "research_data",
                "interviews",
                "applications",
                "course_records",
                name="retentionkind",
                native_enum=False,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("off", sa.Boolean(), nullable=False),
        sa.Column("amount", sa.Integer(), nullable=False),
        sa.Column(
            "unit",
            sa.Enum("months", "years", name="periodunit", native_enum=False, length=32),
            nullable=False,
        ),
        sa.Column("until", sa.Date(), nullable=True),
        sa.Column("changed_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("kind", name=op.f("pk_retention_settings")),
    )


def downgrade() -> None:
    op.drop_table("retention_settings")
