"""people who move: a learner's transfer to another prison, and two records of one
person made one, travel between sites

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-06
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0011"
down_revision: str | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "person_merges",
        sa.Column("person_id", sa.Uuid(), nullable=False),
        sa.Column("merged_id", sa.Uuid(), nullable=False),
        sa.Column("merged_on", sa.Date(), nullable=False),
        sa.Column("recorded_by_name", sa.String(length=200), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.Column("origin_site_id", sa.Uuid(), nullable=False),
        sa.Column("version", sa.String(length=64), nullable=False),
        sa.Column("previous_version", sa.String(length=64), nullable=True),
        sa.Column("ancestry", sa.Text(), nullable=False),
        sa.Column("change_seq", sa.Integer(), nullable=False),
        sa.Column("deleted_at", sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["person_id"], ["people.id"], name=op.f("fk_person_merges_person_id_people")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_person_merges")),
    )
    with op.batch_alter_table("person_merges", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_person_merges_change_seq"), ["change_seq"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_person_merges_merged_id"), ["merged_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_person_merges_person_id"), ["person_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_person_merges_version"), ["version"], unique=False)

    op.create_table(
        "transfers",
        sa.Column("person_id", sa.Uuid(), nullable=False),
        sa.Column("transferred_on", sa.Date(), nullable=False),
        sa.Column("to_name", sa.String(length=200), nullable=False),
        sa.Column("to_site_id", sa.Uuid(), nullable=True),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("recorded_by_name", sa.String(length=200), nullable=False),
        sa.Column("taken_on", sa.Date(), nullable=True),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.Column("origin_site_id", sa.Uuid(), nullable=False),
        sa.Column("version", sa.String(length=64), nullable=False),
        sa.Column("previous_version", sa.String(length=64), nullable=True),
        sa.Column("ancestry", sa.Text(), nullable=False),
        sa.Column("change_seq", sa.Integer(), nullable=False),
        sa.Column("deleted_at", sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["person_id"], ["people.id"], name=op.f("fk_transfers_person_id_people")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_transfers")),
    )
    with op.batch_alter_table("transfers", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_transfers_change_seq"), ["change_seq"], unique=False)
        batch_op.create_index(batch_op.f("ix_transfers_person_id"), ["person_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_transfers_to_site_id"), ["to_site_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_transfers_version"), ["version"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("transfers", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_transfers_version"))
        batch_op.drop_index(batch_op.f("ix_transfers_to_site_id"))
        batch_op.drop_index(batch_op.f("ix_transfers_person_id"))
        batch_op.drop_index(batch_op.f("ix_transfers_change_seq"))

    op.drop_table("transfers")
    with op.batch_alter_table("person_merges", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_person_merges_version"))
        batch_op.drop_index(batch_op.f("ix_person_merges_person_id"))
        batch_op.drop_index(batch_op.f("ix_person_merges_merged_id"))
        batch_op.drop_index(batch_op.f("ix_person_merges_change_seq"))

    op.drop_table("person_merges")
