"""sync: a partner's record that names one not here yet waits, and is taken in once
what it names arrives; every partner is sent everything again once, so records
earlier versions left out (marks of prison learners' essays, sessions' lecturers)
reach it

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-03
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "waiting_records",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("sender_site_id", sa.Uuid(), nullable=False),
        sa.Column("table_name", sa.String(length=64), nullable=False),
        sa.Column("record_id", sa.Uuid(), nullable=False),
        sa.Column("version", sa.String(length=64), nullable=False),
        sa.Column("line", sa.LargeBinary(), nullable=False),
        sa.Column("waiting_since", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_waiting_records")),
        sa.UniqueConstraint(
            "table_name",
            "record_id",
            "version",
            name=op.f("uq_waiting_records_table_name_record_id_version"),
        ),
    )
    with op.batch_alter_table("waiting_records", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_waiting_records_sender_site_id"), ["sender_site_id"], unique=False
        )
    # What this site has sent is sent again, once: the receiver finds most of it
    # unchanged, and takes in what earlier versions of the export left out.
    op.execute("UPDATE partners SET acknowledged_change_seq = 0")


def downgrade() -> None:
    with op.batch_alter_table("waiting_records", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_waiting_records_sender_site_id"))
    op.drop_table("waiting_records")
