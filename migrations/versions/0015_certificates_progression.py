"""certificates and progression: a partnership's stationery (signatories, logo, return
address, whether the prison signs certificates), a guest's wish not to be photographed,
and what people go on to do after a cohort

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-07
"""

from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from alembic import op

revision: str = "0015"
down_revision: str | None = "0014"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _synced_columns() -> list[sa.Column[Any]]:
    return [
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.Column("origin_site_id", sa.Uuid(), nullable=False),
        sa.Column("version", sa.String(length=64), nullable=False),
        sa.Column("previous_version", sa.String(length=64), nullable=True),
        sa.Column("ancestry", sa.Text(), nullable=False),
        sa.Column("change_seq", sa.Integer(), nullable=False),
        sa.Column("deleted_at", sa.DateTime(), nullable=True),
    ]


def upgrade() -> None:
    op.create_table(
        "stationery",
        sa.Column("partnership_id", sa.Uuid(), nullable=False),
        sa.Column("prison_signature_on_certificates", sa.Boolean(), nullable=False),
        sa.Column("university_signatory", sa.String(length=200), nullable=False),
        sa.Column("university_signatory_title", sa.String(length=200), nullable=False),
        sa.Column("prison_signatory", sa.String(length=200), nullable=False),
        sa.Column("prison_signatory_title", sa.String(length=200), nullable=False),
        sa.Column("return_address", sa.Text(), nullable=False),
        sa.Column("logo", sa.LargeBinary(), nullable=True),
        sa.Column("logo_type", sa.String(length=20), nullable=False),
        *_synced_columns(),
        sa.ForeignKeyConstraint(
            ["partnership_id"],
            ["partnerships.id"],
            name=op.f("fk_stationery_partnership_id_partnerships"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_stationery")),
        sa.UniqueConstraint("partnership_id", name=op.f("uq_stationery_partnership_id")),
    )
    with op.batch_alter_table("stationery", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_stationery_change_seq"), ["change_seq"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_stationery_partnership_id"), ["partnership_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_stationery_version"), ["version"], unique=False)

    op.create_table(
        "progressions",
        sa.Column("person_id", sa.Uuid(), nullable=False),
        sa.Column("cohort_id", sa.Uuid(), nullable=True),
        sa.Column(
            "kind",
            sa.Enum(
                "further_study",
                "mentoring",
                "facilitating",
                "employment",
                "keeping_in_touch",
                name="progressionkind",
                native_enum=False,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("started_on", sa.Date(), nullable=False),
        sa.Column("ended_on", sa.Date(), nullable=True),
        sa.Column("notes", sa.Text(), nullable=False),
        sa.Column("recorded_by_name", sa.String(length=200), nullable=False),
        *_synced_columns(),
        sa.ForeignKeyConstraint(
            ["cohort_id"], ["cohorts.id"], name=op.f("fk_progressions_cohort_id_cohorts")
        ),
        sa.ForeignKeyConstraint(
            ["person_id"], ["people.id"], name=op.f("fk_progressions_person_id_people")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_progressions")),
    )
    with op.batch_alter_table("progressions", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_progressions_change_seq"), ["change_seq"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_progressions_cohort_id"), ["cohort_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_progressions_person_id"), ["person_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_progressions_version"), ["version"], unique=False)

    with op.batch_alter_table("graduation_guests", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("no_photos", sa.Boolean(), nullable=False, server_default=sa.false())
        )


def downgrade() -> None:
    with op.batch_alter_table("graduation_guests", schema=None) as batch_op:
        batch_op.drop_column("no_photos")

    with op.batch_alter_table("progressions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_progressions_version"))
        batch_op.drop_index(batch_op.f("ix_progressions_person_id"))
        batch_op.drop_index(batch_op.f("ix_progressions_cohort_id"))
        batch_op.drop_index(batch_op.f("ix_progressions_change_seq"))
    op.drop_table("progressions")

    with op.batch_alter_table("stationery", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_stationery_version"))
        batch_op.drop_index(batch_op.f("ix_stationery_partnership_id"))
        batch_op.drop_index(batch_op.f("ix_stationery_change_seq"))
    op.drop_table("stationery")
