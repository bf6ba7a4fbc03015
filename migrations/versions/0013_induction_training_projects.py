"""induction, facilitator training and group projects: who trained the facilitators,
and which small groups joined each cohort's project (an induction is a session of its
own kind, held in week 0, and needs no change to the schema)

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-07
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0013"
down_revision: str | None = "0012"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "facilitator_training",
        sa.Column("person_id", sa.Uuid(), nullable=False),
        sa.Column("held_on", sa.Date(), nullable=False),
        sa.Column("title", sa.String(length=300), nullable=False),
        sa.Column("attended", sa.Boolean(), nullable=False),
        sa.Column("notes", sa.Text(), nullable=False),
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
            ["person_id"], ["people.id"], name=op.f("fk_facilitator_training_person_id_people")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_facilitator_training")),
    )
    with op.batch_alter_table("facilitator_training", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_facilitator_training_change_seq"), ["change_seq"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_facilitator_training_person_id"), ["person_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_facilitator_training_version"), ["version"], unique=False
        )

    op.create_table(
        "group_projects",
        sa.Column("cohort_id", sa.Uuid(), nullable=False),
        sa.Column("topic", sa.String(length=300), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("presentation_session_id", sa.Uuid(), nullable=True),
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
            ["cohort_id"], ["cohorts.id"], name=op.f("fk_group_projects_cohort_id_cohorts")
        ),
        sa.ForeignKeyConstraint(
            ["presentation_session_id"],
            ["class_sessions.id"],
            name=op.f("fk_group_projects_presentation_session_id_class_sessions"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_group_projects")),
    )
    with op.batch_alter_table("group_projects", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_group_projects_change_seq"), ["change_seq"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_group_projects_cohort_id"), ["cohort_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_group_projects_version"), ["version"], unique=False)

    op.create_table(
        "project_groups",
        sa.Column("project_id", sa.Uuid(), nullable=False),
        sa.Column("group_id", sa.Uuid(), nullable=False),
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
            ["group_id"], ["small_groups.id"], name=op.f("fk_project_groups_group_id_small_groups")
        ),
        sa.ForeignKeyConstraint(
            ["project_id"],
            ["group_projects.id"],
            name=op.f("fk_project_groups_project_id_group_projects"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_project_groups")),
        sa.UniqueConstraint(
            "project_id", "group_id", name=op.f("uq_project_groups_project_id_group_id")
        ),
    )
    with op.batch_alter_table("project_groups", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_project_groups_change_seq"), ["change_seq"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_project_groups_group_id"), ["group_id"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_project_groups_project_id"), ["project_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_project_groups_version"), ["version"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("project_groups", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_project_groups_version"))
        batch_op.drop_index(batch_op.f("ix_project_groups_project_id"))
        batch_op.drop_index(batch_op.f("ix_project_groups_group_id"))
        batch_op.drop_index(batch_op.f("ix_project_groups_change_seq"))

    op.drop_table("project_groups")
    with op.batch_alter_table("group_projects", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_group_projects_version"))
        batch_op.drop_index(batch_op.f("ix_group_projects_cohort_id"))
        batch_op.drop_index(batch_op.f("ix_group_projects_change_seq"))

    op.drop_table("group_projects")
    with op.batch_alter_table("facilitator_training", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_facilitator_training_version"))
        batch_op.drop_index(batch_op.f("ix_facilitator_training_person_id"))
        batch_op.drop_index(batch_op.f("ix_facilitator_training_change_seq"))

    op.drop_table("facilitator_training")
