"""erasures: a person's data erased at some site, kept so the erasure reaches every
site and holds there

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-07
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0016"
down_revision: str | None = "0015"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _enum(name: str, *values: str) -> sa.Enum:
    return sa.Enum(*values, name=name, native_enum=False, length=32)


def upgrade() -> None:
    op.create_table(
        "erasures",
        sa.Column("person_id", sa.Uuid(), nullable=False),
        sa.Column(
            "scope",
            _enum("erasurescope", "everything", "research_data", "interviews", "application"),
            nullable=False,
        ),
        sa.Column("cohort_id", sa.Uuid(), nullable=True),
        sa.Column("base", _enum("personbase", "prison", "university", "community"), nullable=False),
        sa.Column("reason", _enum("erasurereason", "request", "retention"), nullable=False),
        sa.Column("erased_on", sa.Date(), nullable=False),
        sa.Column("travels", sa.Boolean(), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.Column("origin_site_id", sa.Uuid(), nullable=False),
        sa.Column("version", sa.String(length=64), nullable=False),
        sa.Column("previous_version", sa.String(length=64), nullable=True),
        sa.Column("ancestry", sa.Text(), nullable=False),
        sa.Column("change_seq", sa.Integer(), nullable=False),
        sa.Column("deleted_at", sa.DateTime(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_erasures")),
    )
    with op.batch_alter_table("erasures", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_erasures_change_seq"), ["change_seq"], unique=False)
        batch_op.create_index(batch_op.f("ix_erasures_person_id"), ["person_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_erasures_version"), ["version"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("erasures", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_erasures_version"))
        batch_op.drop_index(batch_op.f("ix_erasures_person_id"))
        batch_op.drop_index(batch_op.f("ix_erasures_change_seq"))
    op.drop_table("erasures")
