"""exchange with partner sites: site keys, partners, received bundles, conflicts;
every synced record gains the version it replaced and its change sequence

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-25
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "change_counter",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("value", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_change_counter")),
    )
    op.create_table(
        "received_bundles",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("sender_site_id", sa.Uuid(), nullable=False),
        sa.Column("sequence", sa.Integer(), nullable=False),
        sa.Column("digest", sa.String(length=128), nullable=False),
        sa.Column("imported_at", sa.DateTime(), nullable=False),
        sa.Column("records", sa.Integer(), nullable=False),
        sa.Column("applied", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_received_bundles")),
        sa.UniqueConstraint("digest", name=op.f("uq_received_bundles_digest")),
    )
    with op.batch_alter_table("received_bundles", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_received_bundles_sender_site_id"), ["sender_site_id"], unique=False
        )
    op.create_table(
        "site_keys",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("private_keys", sa.LargeBinary(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("retired_at", sa.DateTime(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_site_keys")),
    )
    op.create_table(
        "sync_conflicts",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("table_name", sa.String(length=64), nullable=False),
        sa.Column("record_id", sa.Uuid(), nullable=False),
        sa.Column("kept_version", sa.String(length=64), nullable=False),
        sa.Column("lost_version", sa.String(length=64), nullable=False),
        sa.Column("lost_values", sa.Text(), nullable=False),
        sa.Column("kept_from", sa.String(length=20), nullable=False),
        sa.Column("partner_site_id", sa.Uuid(), nullable=False),
        sa.Column("detected_at", sa.DateTime(), nullable=False),
        sa.Column("reviewed_at", sa.DateTime(), nullable=True),
        sa.Column("reviewed_by_name", sa.String(length=200), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sync_conflicts")),
    )
    op.create_table(
        "partners",
        sa.Column("site_id", sa.Uuid(), nullable=False),
        sa.Column("signing_public", sa.LargeBinary(), nullable=False),
        sa.Column("encryption_public", sa.LargeBinary(), nullable=False),
        sa.Column("fingerprint", sa.String(length=100), nullable=False),
        sa.Column("partnership_id", sa.Uuid(), nullable=True),
        sa.Column("paired_at", sa.DateTime(), nullable=False),
        sa.Column("paired_by_name", sa.String(length=200), nullable=False),
        sa.Column("revoked_at", sa.DateTime(), nullable=True),
        sa.Column("last_sent_sequence", sa.Integer(), nullable=False),
        sa.Column("acknowledged_change_seq", sa.Integer(), nullable=False),
        sa.Column("last_received_sequence", sa.Integer(), nullable=False),
        sa.Column("received_change_seq", sa.Integer(), nullable=False),
        sa.Column("last_exchange_at", sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(["site_id"], ["sites.id"], name=op.f("fk_partners_site_id_sites")),
        sa.PrimaryKeyConstraint("site_id", name=op.f("pk_partners")),
    )
    with op.batch_alter_table("application_scores", schema=None) as batch_op:
        batch_op.add_column(sa.Column("previous_version", sa.String(length=64), nullable=True))
        batch_op.add_column(
            sa.Column("change_seq", sa.Integer(), nullable=False, server_default="1")
        )
        batch_op.create_index(
            batch_op.f("ix_application_scores_change_seq"), ["change_seq"], unique=False
        )

    with op.batch_alter_table("applications", schema=None) as batch_op:
        batch_op.add_column(sa.Column("previous_version", sa.String(length=64), nullable=True))
        batch_op.add_column(
            sa.Column("change_seq", sa.Integer(), nullable=False, server_default="1")
        )
        batch_op.create_index(
            batch_op.f("ix_applications_change_seq"), ["change_seq"], unique=False
        )

    with op.batch_alter_table("attachments", schema=None) as batch_op:
        batch_op.add_column(sa.Column("previous_version", sa.String(length=64), nullable=True))
        batch_op.add_column(
            sa.Column("change_seq", sa.Integer(), nullable=False, server_default="1")
        )
        batch_op.create_index(batch_op.f("ix_attachments_change_seq"), ["change_seq"], unique=False)

    with op.batch_alter_table("attendance", schema=None) as batch_op:
        batch_op.add_column(sa.Column("previous_version", sa.String(length=64), nullable=True))
        batch_op.add_column(
            sa.Column("change_seq", sa.Integer(), nullable=False, server_default="1")
        )
        batch_op.create_index(batch_op.f("ix_attendance_change_seq"), ["change_seq"], unique=False)

    with op.batch_alter_table("certificates", schema=None) as batch_op:
        batch_op.add_column(sa.Column("previous_version", sa.String(length=64), nullable=True))
        batch_op.add_column(
            sa.Column("change_seq", sa.Integer(), nullable=False, server_default="1")
        )
        batch_op.create_index(
            batch_op.f("ix_certificates_change_seq"), ["change_seq"], unique=False
        )

    with op.batch_alter_table("class_sessions", schema=None) as batch_op:
        batch_op.add_column(sa.Column("previous_version", sa.String(length=64), nullable=True))
        batch_op.add_column(
            sa.Column("change_seq", sa.Integer(), nullable=False, server_default="1")
        )
        batch_op.create_index(
            batch_op.f("ix_class_sessions_change_seq"), ["change_seq"], unique=False
        )

    with op.batch_alter_table("cohorts", schema=None) as batch_op:
        batch_op.add_column(sa.Column("previous_version", sa.String(length=64), nullable=True))
        batch_op.add_column(
            sa.Column("change_seq", sa.Integer(), nullable=False, server_default="1")
        )
        batch_op.create_index(batch_op.f("ix_cohorts_change_seq"), ["change_seq"], unique=False)

    with op.batch_alter_table("consents", schema=None) as batch_op:
        batch_op.add_column(sa.Column("previous_version", sa.String(length=64), nullable=True))
        batch_op.add_column(
            sa.Column("change_seq", sa.Integer(), nullable=False, server_default="1")
        )
        batch_op.create_index(batch_op.f("ix_consents_change_seq"), ["change_seq"], unique=False)

    with op.batch_alter_table("courses", schema=None) as batch_op:
        batch_op.add_column(sa.Column("previous_version", sa.String(length=64), nullable=True))
        batch_op.add_column(
            sa.Column("change_seq", sa.Integer(), nullable=False, server_default="1")
        )
        batch_op.create_index(batch_op.f("ix_courses_change_seq"), ["change_seq"], unique=False)

    with op.batch_alter_table("essay_marks", schema=None) as batch_op:
        batch_op.add_column(sa.Column("previous_version", sa.String(length=64), nullable=True))
        batch_op.add_column(
            sa.Column("change_seq", sa.Integer(), nullable=False, server_default="1")
        )
        batch_op.create_index(batch_op.f("ix_essay_marks_change_seq"), ["change_seq"], unique=False)

    with op.batch_alter_table("essays", schema=None) as batch_op:
        batch_op.add_column(sa.Column("previous_version", sa.String(length=64), nullable=True))
        batch_op.add_column(
            sa.Column("change_seq", sa.Integer(), nullable=False, server_default="1")
        )
        batch_op.create_index(batch_op.f("ix_essays_change_seq"), ["change_seq"], unique=False)

    with op.batch_alter_table("graduation_cohorts", schema=None) as batch_op:
        batch_op.add_column(sa.Column("previous_version", sa.String(length=64), nullable=True))
        batch_op.add_column(
            sa.Column("change_seq", sa.Integer(), nullable=False, server_default="1")
        )
        batch_op.create_index(
            batch_op.f("ix_graduation_cohorts_change_seq"), ["change_seq"], unique=False
        )

    with op.batch_alter_table("graduation_events", schema=None) as batch_op:
        batch_op.add_column(sa.Column("previous_version", sa.String(length=64), nullable=True))
        batch_op.add_column(
            sa.Column("change_seq", sa.Integer(), nullable=False, server_default="1")
        )
        batch_op.create_index(
            batch_op.f("ix_graduation_events_change_seq"), ["change_seq"], unique=False
        )

    with op.batch_alter_table("graduation_guests", schema=None) as batch_op:
        batch_op.add_column(sa.Column("previous_version", sa.String(length=64), nullable=True))
        batch_op.add_column(
            sa.Column("change_seq", sa.Integer(), nullable=False, server_default="1")
        )
        batch_op.create_index(
            batch_op.f("ix_graduation_guests_change_seq"), ["change_seq"], unique=False
        )

    with op.batch_alter_table("group_members", schema=None) as batch_op:
        batch_op.add_column(sa.Column("previous_version", sa.String(length=64), nullable=True))
        batch_op.add_column(
            sa.Column("change_seq", sa.Integer(), nullable=False, server_default="1")
        )
        batch_op.create_index(
            batch_op.f("ix_group_members_change_seq"), ["change_seq"], unique=False
        )

    with op.batch_alter_table("interviews", schema=None) as batch_op:
        batch_op.add_column(sa.Column("previous_version", sa.String(length=64), nullable=True))
        batch_op.add_column(
            sa.Column("change_seq", sa.Integer(), nullable=False, server_default="1")
        )
        batch_op.create_index(batch_op.f("ix_interviews_change_seq"), ["change_seq"], unique=False)

    with op.batch_alter_table("membership_status_changes", schema=None) as batch_op:
        batch_op.add_column(sa.Column("previous_version", sa.String(length=64), nullable=True))
        batch_op.add_column(
            sa.Column("change_seq", sa.Integer(), nullable=False, server_default="1")
        )
        batch_op.create_index(
            batch_op.f("ix_membership_status_changes_change_seq"), ["change_seq"], unique=False
        )

    with op.batch_alter_table("memberships", schema=None) as batch_op:
        batch_op.add_column(sa.Column("previous_version", sa.String(length=64), nullable=True))
        batch_op.add_column(
            sa.Column("change_seq", sa.Integer(), nullable=False, server_default="1")
        )
        batch_op.create_index(batch_op.f("ix_memberships_change_seq"), ["change_seq"], unique=False)

    with op.batch_alter_table("mentor_invitations", schema=None) as batch_op:
        batch_op.add_column(sa.Column("previous_version", sa.String(length=64), nullable=True))
        batch_op.add_column(
            sa.Column("change_seq", sa.Integer(), nullable=False, server_default="1")
        )
        batch_op.create_index(
            batch_op.f("ix_mentor_invitations_change_seq"), ["change_seq"], unique=False
        )

    with op.batch_alter_table("mentor_training", schema=None) as batch_op:
        batch_op.add_column(sa.Column("previous_version", sa.String(length=64), nullable=True))
        batch_op.add_column(
            sa.Column("change_seq", sa.Integer(), nullable=False, server_default="1")
        )
        batch_op.create_index(
            batch_op.f("ix_mentor_training_change_seq"), ["change_seq"], unique=False
        )

    with op.batch_alter_table("partnerships", schema=None) as batch_op:
        batch_op.add_column(sa.Column("previous_version", sa.String(length=64), nullable=True))
        batch_op.add_column(
            sa.Column("change_seq", sa.Integer(), nullable=False, server_default="1")
        )
        batch_op.create_index(
            batch_op.f("ix_partnerships_change_seq"), ["change_seq"], unique=False
        )

    with op.batch_alter_table("people", schema=None) as batch_op:
        batch_op.add_column(sa.Column("previous_version", sa.String(length=64), nullable=True))
        batch_op.add_column(
            sa.Column("change_seq", sa.Integer(), nullable=False, server_default="1")
        )
        batch_op.create_index(batch_op.f("ix_people_change_seq"), ["change_seq"], unique=False)

    with op.batch_alter_table("prison_details", schema=None) as batch_op:
        batch_op.add_column(sa.Column("previous_version", sa.String(length=64), nullable=True))
        batch_op.add_column(
            sa.Column("change_seq", sa.Integer(), nullable=False, server_default="1")
        )
        batch_op.create_index(
            batch_op.f("ix_prison_details_change_seq"), ["change_seq"], unique=False
        )

    with op.batch_alter_table("programme_items", schema=None) as batch_op:
        batch_op.add_column(sa.Column("previous_version", sa.String(length=64), nullable=True))
        batch_op.add_column(
            sa.Column("change_seq", sa.Integer(), nullable=False, server_default="1")
        )
        batch_op.create_index(
            batch_op.f("ix_programme_items_change_seq"), ["change_seq"], unique=False
        )

    with op.batch_alter_table("questionnaire_answers", schema=None) as batch_op:
        batch_op.add_column(sa.Column("previous_version", sa.String(length=64), nullable=True))
        batch_op.add_column(
            sa.Column("change_seq", sa.Integer(), nullable=False, server_default="1")
        )
        batch_op.create_index(
            batch_op.f("ix_questionnaire_answers_change_seq"), ["change_seq"], unique=False
        )

    with op.batch_alter_table("questionnaire_items", schema=None) as batch_op:
        batch_op.add_column(sa.Column("previous_version", sa.String(length=64), nullable=True))
        batch_op.add_column(
            sa.Column("change_seq", sa.Integer(), nullable=False, server_default="1")
        )
        batch_op.create_index(
            batch_op.f("ix_questionnaire_items_change_seq"), ["change_seq"], unique=False
        )

    with op.batch_alter_table("questionnaire_responses", schema=None) as batch_op:
        batch_op.add_column(sa.Column("previous_version", sa.String(length=64), nullable=True))
        batch_op.add_column(
            sa.Column("change_seq", sa.Integer(), nullable=False, server_default="1")
        )
        batch_op.create_index(
            batch_op.f("ix_questionnaire_responses_change_seq"), ["change_seq"], unique=False
        )

    with op.batch_alter_table("questionnaire_templates", schema=None) as batch_op:
        batch_op.add_column(sa.Column("previous_version", sa.String(length=64), nullable=True))
        batch_op.add_column(
            sa.Column("change_seq", sa.Integer(), nullable=False, server_default="1")
        )
        batch_op.create_index(
            batch_op.f("ix_questionnaire_templates_change_seq"), ["change_seq"], unique=False
        )

    with op.batch_alter_table("rubric_criteria", schema=None) as batch_op:
        batch_op.add_column(sa.Column("previous_version", sa.String(length=64), nullable=True))
        batch_op.add_column(
            sa.Column("change_seq", sa.Integer(), nullable=False, server_default="1")
        )
        batch_op.create_index(
            batch_op.f("ix_rubric_criteria_change_seq"), ["change_seq"], unique=False
        )

    with op.batch_alter_table("small_groups", schema=None) as batch_op:
        batch_op.add_column(sa.Column("previous_version", sa.String(length=64), nullable=True))
        batch_op.add_column(
            sa.Column("change_seq", sa.Integer(), nullable=False, server_default="1")
        )
        batch_op.create_index(
            batch_op.f("ix_small_groups_change_seq"), ["change_seq"], unique=False
        )

    with op.batch_alter_table("stories", schema=None) as batch_op:
        batch_op.add_column(sa.Column("previous_version", sa.String(length=64), nullable=True))
        batch_op.add_column(
            sa.Column("change_seq", sa.Integer(), nullable=False, server_default="1")
        )
        batch_op.create_index(batch_op.f("ix_stories_change_seq"), ["change_seq"], unique=False)

    with op.batch_alter_table("story_answers", schema=None) as batch_op:
        batch_op.add_column(sa.Column("previous_version", sa.String(length=64), nullable=True))
        batch_op.add_column(
            sa.Column("change_seq", sa.Integer(), nullable=False, server_default="1")
        )
        batch_op.create_index(
            batch_op.f("ix_story_answers_change_seq"), ["change_seq"], unique=False
        )

    with op.batch_alter_table("story_questions", schema=None) as batch_op:
        batch_op.add_column(sa.Column("previous_version", sa.String(length=64), nullable=True))
        batch_op.add_column(
            sa.Column("change_seq", sa.Integer(), nullable=False, server_default="1")
        )
        batch_op.create_index(
            batch_op.f("ix_story_questions_change_seq"), ["change_seq"], unique=False
        )

    # Every record already in the store counts as written at the first change, so the
    # first exchange with a partner takes everything.
    op.execute("INSERT INTO change_counter (id, value) VALUES (1, 1)")


def downgrade() -> None:
    with op.batch_alter_table("story_questions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_story_questions_change_seq"))
        batch_op.drop_column("change_seq")
        batch_op.drop_column("previous_version")

    with op.batch_alter_table("story_answers", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_story_answers_change_seq"))
        batch_op.drop_column("change_seq")
        batch_op.drop_column("previous_version")

    with op.batch_alter_table("stories", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_stories_change_seq"))
        batch_op.drop_column("change_seq")
        batch_op.drop_column("previous_version")

    with op.batch_alter_table("small_groups", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_small_groups_change_seq"))
        batch_op.drop_column("change_seq")
        batch_op.drop_column("previous_version")

    with op.batch_alter_table("rubric_criteria", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_rubric_criteria_change_seq"))
        batch_op.drop_column("change_seq")
        batch_op.drop_column("previous_version")

    with op.batch_alter_table("questionnaire_templates", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_questionnaire_templates_change_seq"))
        batch_op.drop_column("change_seq")
        batch_op.drop_column("previous_version")

    with op.batch_alter_table("questionnaire_responses", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_questionnaire_responses_change_seq"))
        batch_op.drop_column("change_seq")
        batch_op.drop_column("previous_version")

    with op.batch_alter_table("questionnaire_items", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_questionnaire_items_change_seq"))
        batch_op.drop_column("change_seq")
        batch_op.drop_column("previous_version")

    with op.batch_alter_table("questionnaire_answers", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_questionnaire_answers_change_seq"))
        batch_op.drop_column("change_seq")
        batch_op.drop_column("previous_version")

    with op.batch_alter_table("programme_items", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_programme_items_change_seq"))
        batch_op.drop_column("change_seq")
        batch_op.drop_column("previous_version")

    with op.batch_alter_table("prison_details", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_prison_details_change_seq"))
        batch_op.drop_column("change_seq")
        batch_op.drop_column("previous_version")

    with op.batch_alter_table("people", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_people_change_seq"))
        batch_op.drop_column("change_seq")
        batch_op.drop_column("previous_version")

    with op.batch_alter_table("partnerships", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_partnerships_change_seq"))
        batch_op.drop_column("change_seq")
        batch_op.drop_column("previous_version")

    with op.batch_alter_table("mentor_training", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_mentor_training_change_seq"))
        batch_op.drop_column("change_seq")
        batch_op.drop_column("previous_version")

    with op.batch_alter_table("mentor_invitations", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_mentor_invitations_change_seq"))
        batch_op.drop_column("change_seq")
        batch_op.drop_column("previous_version")

    with op.batch_alter_table("memberships", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_memberships_change_seq"))
        batch_op.drop_column("change_seq")
        batch_op.drop_column("previous_version")

    with op.batch_alter_table("membership_status_changes", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_membership_status_changes_change_seq"))
        batch_op.drop_column("change_seq")
        batch_op.drop_column("previous_version")

    with op.batch_alter_table("interviews", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_interviews_change_seq"))
        batch_op.drop_column("change_seq")
        batch_op.drop_column("previous_version")

    with op.batch_alter_table("group_members", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_group_members_change_seq"))
        batch_op.drop_column("change_seq")
        batch_op.drop_column("previous_version")

    with op.batch_alter_table("graduation_guests", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_graduation_guests_change_seq"))
        batch_op.drop_column("change_seq")
        batch_op.drop_column("previous_version")

    with op.batch_alter_table("graduation_events", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_graduation_events_change_seq"))
        batch_op.drop_column("change_seq")
        batch_op.drop_column("previous_version")

    with op.batch_alter_table("graduation_cohorts", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_graduation_cohorts_change_seq"))
        batch_op.drop_column("change_seq")
        batch_op.drop_column("previous_version")

    with op.batch_alter_table("essays", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_essays_change_seq"))
        batch_op.drop_column("change_seq")
        batch_op.drop_column("previous_version")

    with op.batch_alter_table("essay_marks", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_essay_marks_change_seq"))
        batch_op.drop_column("change_seq")
        batch_op.drop_column("previous_version")

    with op.batch_alter_table("courses", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_courses_change_seq"))
        batch_op.drop_column("change_seq")
        batch_op.drop_column("previous_version")

    with op.batch_alter_table("consents", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_consents_change_seq"))
        batch_op.drop_column("change_seq")
        batch_op.drop_column("previous_version")

    with op.batch_alter_table("cohorts", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_cohorts_change_seq"))
        batch_op.drop_column("change_seq")
        batch_op.drop_column("previous_version")

    with op.batch_alter_table("class_sessions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_class_sessions_change_seq"))
        batch_op.drop_column("change_seq")
        batch_op.drop_column("previous_version")

    with op.batch_alter_table("certificates", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_certificates_change_seq"))
        batch_op.drop_column("change_seq")
        batch_op.drop_column("previous_version")

    with op.batch_alter_table("attendance", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_attendance_change_seq"))
        batch_op.drop_column("change_seq")
        batch_op.drop_column("previous_version")

    with op.batch_alter_table("attachments", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_attachments_change_seq"))
        batch_op.drop_column("change_seq")
        batch_op.drop_column("previous_version")

    with op.batch_alter_table("applications", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_applications_change_seq"))
        batch_op.drop_column("change_seq")
        batch_op.drop_column("previous_version")

    with op.batch_alter_table("application_scores", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_application_scores_change_seq"))
        batch_op.drop_column("change_seq")
        batch_op.drop_column("previous_version")

    op.drop_table("partners")
    op.drop_table("sync_conflicts")
    op.drop_table("site_keys")
    op.drop_table("received_bundles")
    op.drop_table("change_counter")
