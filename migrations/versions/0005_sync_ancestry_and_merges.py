"""sync: every synced record keeps its ancestry (the newest version each site made
that it builds on); merged records are remembered; a bundle's sequence number is
reserved before its file is put in place

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-27
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

#: Every table whose records travel between sites, as of this revision.
SYNCED_TABLES = (
    "application_scores",
    "applications",
    "attachments",
    "attendance",
    "certificates",
    "class_sessions",
    "cohorts",
    "consents",
    "courses",
    "essay_marks",
    "essays",
    "graduation_cohorts",
    "graduation_events",
    "graduation_guests",
    "group_members",
    "interviews",
    "membership_status_changes",
    "memberships",
    "mentor_invitations",
    "mentor_training",
    "partnerships",
    "people",
    "prison_details",
    "programme_items",
    "questionnaire_answers",
    "questionnaire_items",
    "questionnaire_responses",
    "questionnaire_templates",
    "rubric_criteria",
    "small_groups",
    "stories",
    "story_answers",
    "story_questions",
)


def upgrade() -> None:
    # Records already held have no ancestry; it is read from their version and the
    # one it replaced until they next change.
    for table in SYNCED_TABLES:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.add_column(sa.Column("ancestry", sa.Text(), nullable=False, server_default=""))
    with op.batch_alter_table("partners", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("reserved_sequence", sa.Integer(), nullable=False, server_default="0")
        )
        batch_op.add_column(
            sa.Column("reserved_file", sa.Text(), nullable=False, server_default="")
        )
    op.create_table(
        "merged_records",
        sa.Column("record_id", sa.Uuid(), nullable=False),
        sa.Column("table_name", sa.String(length=64), nullable=False),
        sa.Column("merged_into", sa.Uuid(), nullable=False),
        sa.Column("merged_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("record_id", name=op.f("pk_merged_records")),
    )
    with op.batch_alter_table("merged_records", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_merged_records_merged_into"), ["merged_into"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("merged_records", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_merged_records_merged_into"))
    op.drop_table("merged_records")
    with op.batch_alter_table("partners", schema=None) as batch_op:
        batch_op.drop_column("reserved_file")
        batch_op.drop_column("reserved_sequence")
    for table in SYNCED_TABLES:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_column("ancestry")
