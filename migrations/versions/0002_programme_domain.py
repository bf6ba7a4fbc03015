"""the programme domain: partnerships to graduation

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-25
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "graduation_events",
        sa.Column("title", sa.String(length=300), nullable=False),
        sa.Column("held_on", sa.Date(), nullable=False),
        sa.Column("venue", sa.String(length=300), nullable=False),
        sa.Column("capacity", sa.Integer(), nullable=False),
        sa.Column("guest_deadline", sa.Date(), nullable=True),
        sa.Column("notes", sa.Text(), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.Column("origin_site_id", sa.Uuid(), nullable=False),
        sa.Column("version", sa.String(length=64), nullable=False),
        sa.Column("deleted_at", sa.DateTime(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_graduation_events")),
    )
    with op.batch_alter_table("graduation_events", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_graduation_events_version"), ["version"], unique=False)

    op.create_table(
        "partnerships",
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("prison_name", sa.String(length=200), nullable=False),
        sa.Column("university_name", sa.String(length=200), nullable=False),
        sa.Column("region", sa.String(length=200), nullable=True),
        sa.Column("started_on", sa.Date(), nullable=True),
        sa.Column("notes", sa.Text(), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.Column("origin_site_id", sa.Uuid(), nullable=False),
        sa.Column("version", sa.String(length=64), nullable=False),
        sa.Column("deleted_at", sa.DateTime(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_partnerships")),
    )
    with op.batch_alter_table("partnerships", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_partnerships_version"), ["version"], unique=False)

    op.create_table(
        "people",
        sa.Column("given_name", sa.String(length=100), nullable=False),
        sa.Column("family_name", sa.String(length=100), nullable=False),
        sa.Column("preferred_name", sa.String(length=100), nullable=False),
        sa.Column(
            "base",
            sa.Enum(
                "prison", "university", "community", name="personbase", native_enum=False, length=32
            ),
            nullable=False,
        ),
        sa.Column("email", sa.String(length=200), nullable=False),
        sa.Column("notes", sa.Text(), nullable=False),
        sa.Column("research_id", sa.String(length=16), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.Column("origin_site_id", sa.Uuid(), nullable=False),
        sa.Column("version", sa.String(length=64), nullable=False),
        sa.Column("deleted_at", sa.DateTime(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_people")),
        sa.UniqueConstraint("research_id", name=op.f("uq_people_research_id")),
    )
    with op.batch_alter_table("people", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_people_version"), ["version"], unique=False)

    op.create_table(
        "questionnaire_templates",
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.Column("origin_site_id", sa.Uuid(), nullable=False),
        sa.Column("version", sa.String(length=64), nullable=False),
        sa.Column("deleted_at", sa.DateTime(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_questionnaire_templates")),
    )
    with op.batch_alter_table("questionnaire_templates", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_questionnaire_templates_version"), ["version"], unique=False
        )

    op.create_table(
        "rubric_criteria",
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("guidance", sa.Text(), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.Column("origin_site_id", sa.Uuid(), nullable=False),
        sa.Column("version", sa.String(length=64), nullable=False),
        sa.Column("deleted_at", sa.DateTime(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_rubric_criteria")),
    )
    with op.batch_alter_table("rubric_criteria", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_rubric_criteria_version"), ["version"], unique=False)

    op.create_table(
        "consents",
        sa.Column("person_id", sa.Uuid(), nullable=False),
        sa.Column(
            "scope",
            sa.Enum(
                "stories",
                "questionnaires",
                "interview",
                "essay_research",
                "graduation_photos",
                "share_with_university",
                name="consentscope",
                native_enum=False,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("given_on", sa.Date(), nullable=False),
        sa.Column("form_reference", sa.String(length=100), nullable=False),
        sa.Column("recorded_by_name", sa.String(length=200), nullable=False),
        sa.Column("withdrawn_on", sa.Date(), nullable=True),
        sa.Column("withdrawal_recorded_by_name", sa.String(length=200), nullable=False),
        sa.Column("notes", sa.Text(), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.Column("origin_site_id", sa.Uuid(), nullable=False),
        sa.Column("version", sa.String(length=64), nullable=False),
        sa.Column("deleted_at", sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["person_id"], ["people.id"], name=op.f("fk_consents_person_id_people")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_consents")),
    )
    with op.batch_alter_table("consents", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_consents_person_id"), ["person_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_consents_version"), ["version"], unique=False)

    op.create_table(
        "courses",
        sa.Column("partnership_id", sa.Uuid(), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("subject", sa.String(length=200), nullable=False),
        sa.Column("accredited", sa.Boolean(), nullable=False),
        sa.Column("credits", sa.Integer(), nullable=True),
        sa.Column("level", sa.String(length=50), nullable=True),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.Column("origin_site_id", sa.Uuid(), nullable=False),
        sa.Column("version", sa.String(length=64), nullable=False),
        sa.Column("deleted_at", sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["partnership_id"],
            ["partnerships.id"],
            name=op.f("fk_courses_partnership_id_partnerships"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_courses")),
    )
    with op.batch_alter_table("courses", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_courses_partnership_id"), ["partnership_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_courses_version"), ["version"], unique=False)

    op.create_table(
        "mentor_training",
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
        sa.Column("deleted_at", sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["person_id"], ["people.id"], name=op.f("fk_mentor_training_person_id_people")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_mentor_training")),
    )
    with op.batch_alter_table("mentor_training", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_mentor_training_person_id"), ["person_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_mentor_training_version"), ["version"], unique=False)

    op.create_table(
        "prison_details",
        sa.Column("person_id", sa.Uuid(), nullable=False),
        sa.Column("prison_number", sa.String(length=20), nullable=False),
        sa.Column("location", sa.String(length=100), nullable=False),
        sa.Column("release_date", sa.Date(), nullable=True),
        sa.Column("security_notes", sa.Text(), nullable=False),
        sa.Column(
            "clearance",
            sa.Enum(
                "not_submitted",
                "submitted",
                "cleared",
                "refused",
                name="clearancestatus",
                native_enum=False,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("clearance_on", sa.Date(), nullable=True),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.Column("origin_site_id", sa.Uuid(), nullable=False),
        sa.Column("version", sa.String(length=64), nullable=False),
        sa.Column("deleted_at", sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["person_id"], ["people.id"], name=op.f("fk_prison_details_person_id_people")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_prison_details")),
        sa.UniqueConstraint("person_id", name=op.f("uq_prison_details_person_id")),
    )
    with op.batch_alter_table("prison_details", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_prison_details_version"), ["version"], unique=False)

    op.create_table(
        "programme_items",
        sa.Column("event_id", sa.Uuid(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("starts_at", sa.String(length=10), nullable=False),
        sa.Column("title", sa.String(length=300), nullable=False),
        sa.Column("kind", sa.String(length=50), nullable=False),
        sa.Column("who", sa.String(length=300), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.Column("origin_site_id", sa.Uuid(), nullable=False),
        sa.Column("version", sa.String(length=64), nullable=False),
        sa.Column("deleted_at", sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["event_id"],
            ["graduation_events.id"],
            name=op.f("fk_programme_items_event_id_graduation_events"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_programme_items")),
    )
    with op.batch_alter_table("programme_items", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_programme_items_event_id"), ["event_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_programme_items_version"), ["version"], unique=False)

    op.create_table(
        "questionnaire_items",
        sa.Column("template_id", sa.Uuid(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column(
            "kind",
            sa.Enum("likert", "free_text", name="itemkind", native_enum=False, length=32),
            nullable=False,
        ),
        sa.Column("scale_points", sa.Integer(), nullable=True),
        sa.Column("reverse_scored", sa.Boolean(), nullable=False),
        sa.Column("subscale", sa.String(length=100), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.Column("origin_site_id", sa.Uuid(), nullable=False),
        sa.Column("version", sa.String(length=64), nullable=False),
        sa.Column("deleted_at", sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["template_id"],
            ["questionnaire_templates.id"],
            name=op.f("fk_questionnaire_items_template_id_questionnaire_templates"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_questionnaire_items")),
    )
    with op.batch_alter_table("questionnaire_items", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_questionnaire_items_template_id"), ["template_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_questionnaire_items_version"), ["version"], unique=False
        )

    op.create_table(
        "cohorts",
        sa.Column("course_id", sa.Uuid(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("starts_on", sa.Date(), nullable=False),
        sa.Column("ends_on", sa.Date(), nullable=False),
        sa.Column("capacity", sa.Integer(), nullable=False),
        sa.Column("notes", sa.Text(), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.Column("origin_site_id", sa.Uuid(), nullable=False),
        sa.Column("version", sa.String(length=64), nullable=False),
        sa.Column("deleted_at", sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["course_id"], ["courses.id"], name=op.f("fk_cohorts_course_id_courses")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_cohorts")),
    )
    with op.batch_alter_table("cohorts", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_cohorts_course_id"), ["course_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_cohorts_version"), ["version"], unique=False)

    op.create_table(
        "applications",
        sa.Column("cohort_id", sa.Uuid(), nullable=False),
        sa.Column("person_id", sa.Uuid(), nullable=False),
        sa.Column("received_on", sa.Date(), nullable=False),
        sa.Column("motivation_statement", sa.Text(), nullable=False),
        sa.Column("heard_about", sa.String(length=300), nullable=False),
        sa.Column("availability", sa.Text(), nullable=False),
        sa.Column("adjustments", sa.Text(), nullable=False),
        sa.Column(
            "decision",
            sa.Enum(
                "pending",
                "offered",
                "waiting_list",
                "declined",
                "accepted",
                "offer_declined",
                "withdrawn",
                name="applicationdecision",
                native_enum=False,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("decision_reason", sa.Text(), nullable=False),
        sa.Column("decided_on", sa.Date(), nullable=True),
        sa.Column("answered_on", sa.Date(), nullable=True),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.Column("origin_site_id", sa.Uuid(), nullable=False),
        sa.Column("version", sa.String(length=64), nullable=False),
        sa.Column("deleted_at", sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["cohort_id"], ["cohorts.id"], name=op.f("fk_applications_cohort_id_cohorts")
        ),
        sa.ForeignKeyConstraint(
            ["person_id"], ["people.id"], name=op.f("fk_applications_person_id_people")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_applications")),
        sa.UniqueConstraint(
            "cohort_id", "person_id", name=op.f("uq_applications_cohort_id_person_id")
        ),
    )
    with op.batch_alter_table("applications", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_applications_cohort_id"), ["cohort_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_applications_person_id"), ["person_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_applications_version"), ["version"], unique=False)

    op.create_table(
        "class_sessions",
        sa.Column("cohort_id", sa.Uuid(), nullable=False),
        sa.Column("week", sa.Integer(), nullable=False),
        sa.Column("held_on", sa.Date(), nullable=False),
        sa.Column("starts_at", sa.Time(), nullable=True),
        sa.Column("ends_at", sa.Time(), nullable=True),
        sa.Column(
            "kind",
            sa.Enum(
                "lecture_and_discussion",
                "writing_workshop",
                "group_project",
                "sense_making",
                "graduation",
                name="sessionkind",
                native_enum=False,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("title", sa.String(length=300), nullable=False),
        sa.Column("lecturer_id", sa.Uuid(), nullable=True),
        sa.Column("reading_1", sa.Text(), nullable=False),
        sa.Column("reading_2", sa.Text(), nullable=False),
        sa.Column("location", sa.String(length=200), nullable=False),
        sa.Column("notes", sa.Text(), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.Column("origin_site_id", sa.Uuid(), nullable=False),
        sa.Column("version", sa.String(length=64), nullable=False),
        sa.Column("deleted_at", sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["cohort_id"], ["cohorts.id"], name=op.f("fk_class_sessions_cohort_id_cohorts")
        ),
        sa.ForeignKeyConstraint(
            ["lecturer_id"], ["people.id"], name=op.f("fk_class_sessions_lecturer_id_people")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_class_sessions")),
    )
    with op.batch_alter_table("class_sessions", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_class_sessions_cohort_id"), ["cohort_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_class_sessions_version"), ["version"], unique=False)

    op.create_table(
        "graduation_cohorts",
        sa.Column("event_id", sa.Uuid(), nullable=False),
        sa.Column("cohort_id", sa.Uuid(), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.Column("origin_site_id", sa.Uuid(), nullable=False),
        sa.Column("version", sa.String(length=64), nullable=False),
        sa.Column("deleted_at", sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["cohort_id"], ["cohorts.id"], name=op.f("fk_graduation_cohorts_cohort_id_cohorts")
        ),
        sa.ForeignKeyConstraint(
            ["event_id"],
            ["graduation_events.id"],
            name=op.f("fk_graduation_cohorts_event_id_graduation_events"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_graduation_cohorts")),
        sa.UniqueConstraint(
            "event_id", "cohort_id", name=op.f("uq_graduation_cohorts_event_id_cohort_id")
        ),
    )
    with op.batch_alter_table("graduation_cohorts", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_graduation_cohorts_cohort_id"), ["cohort_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_graduation_cohorts_event_id"), ["event_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_graduation_cohorts_version"), ["version"], unique=False
        )

    op.create_table(
        "interviews",
        sa.Column("person_id", sa.Uuid(), nullable=False),
        sa.Column("cohort_id", sa.Uuid(), nullable=False),
        sa.Column("scheduled_for", sa.DateTime(), nullable=True),
        sa.Column("interviewer_name", sa.String(length=200), nullable=False),
        sa.Column(
            "status",
            sa.Enum(
                "planned", "done", "cancelled", name="interviewstatus", native_enum=False, length=32
            ),
            nullable=False,
        ),
        sa.Column("notes", sa.Text(), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.Column("origin_site_id", sa.Uuid(), nullable=False),
        sa.Column("version", sa.String(length=64), nullable=False),
        sa.Column("deleted_at", sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["cohort_id"], ["cohorts.id"], name=op.f("fk_interviews_cohort_id_cohorts")
        ),
        sa.ForeignKeyConstraint(
            ["person_id"], ["people.id"], name=op.f("fk_interviews_person_id_people")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_interviews")),
    )
    with op.batch_alter_table("interviews", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_interviews_cohort_id"), ["cohort_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_interviews_person_id"), ["person_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_interviews_version"), ["version"], unique=False)

    op.create_table(
        "memberships",
        sa.Column("cohort_id", sa.Uuid(), nullable=False),
        sa.Column("person_id", sa.Uuid(), nullable=False),
        sa.Column(
            "role",
            sa.Enum(
                "student",
                "mentor",
                "facilitator",
                "lecturer",
                "coordinator",
                name="membershiprole",
                native_enum=False,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column(
            "status",
            sa.Enum(
                "applied",
                "offered",
                "active",
                "withdrawn",
                "transferred",
                "released",
                "completed",
                "graduated",
                name="membershipstatus",
                native_enum=False,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("status_since", sa.Date(), nullable=False),
        sa.Column("joined_on", sa.Date(), nullable=True),
        sa.Column("left_on", sa.Date(), nullable=True),
        sa.Column("notes", sa.Text(), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.Column("origin_site_id", sa.Uuid(), nullable=False),
        sa.Column("version", sa.String(length=64), nullable=False),
        sa.Column("deleted_at", sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["cohort_id"], ["cohorts.id"], name=op.f("fk_memberships_cohort_id_cohorts")
        ),
        sa.ForeignKeyConstraint(
            ["person_id"], ["people.id"], name=op.f("fk_memberships_person_id_people")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_memberships")),
        sa.UniqueConstraint(
            "cohort_id", "person_id", name=op.f("uq_memberships_cohort_id_person_id")
        ),
    )
    with op.batch_alter_table("memberships", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_memberships_cohort_id"), ["cohort_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_memberships_person_id"), ["person_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_memberships_version"), ["version"], unique=False)

    op.create_table(
        "mentor_invitations",
        sa.Column("person_id", sa.Uuid(), nullable=False),
        sa.Column("cohort_id", sa.Uuid(), nullable=False),
        sa.Column("invited_on", sa.Date(), nullable=False),
        sa.Column(
            "answer",
            sa.Enum(
                "awaiting",
                "accepted",
                "declined",
                name="invitationanswer",
                native_enum=False,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("answered_on", sa.Date(), nullable=True),
        sa.Column("notes", sa.Text(), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.Column("origin_site_id", sa.Uuid(), nullable=False),
        sa.Column("version", sa.String(length=64), nullable=False),
        sa.Column("deleted_at", sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["cohort_id"], ["cohorts.id"], name=op.f("fk_mentor_invitations_cohort_id_cohorts")
        ),
        sa.ForeignKeyConstraint(
            ["person_id"], ["people.id"], name=op.f("fk_mentor_invitations_person_id_people")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_mentor_invitations")),
    )
    with op.batch_alter_table("mentor_invitations", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_mentor_invitations_cohort_id"), ["cohort_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_mentor_invitations_person_id"), ["person_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_mentor_invitations_version"), ["version"], unique=False
        )

    op.create_table(
        "questionnaire_responses",
        sa.Column("template_id", sa.Uuid(), nullable=False),
        sa.Column("cohort_id", sa.Uuid(), nullable=False),
        sa.Column("person_id", sa.Uuid(), nullable=False),
        sa.Column(
            "phase",
            sa.Enum("pre", "post", name="questionnairephase", native_enum=False, length=32),
            nullable=False,
        ),
        sa.Column("completed_on", sa.Date(), nullable=True),
        sa.Column("entered_by_name", sa.String(length=200), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.Column("origin_site_id", sa.Uuid(), nullable=False),
        sa.Column("version", sa.String(length=64), nullable=False),
        sa.Column("deleted_at", sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["cohort_id"], ["cohorts.id"], name=op.f("fk_questionnaire_responses_cohort_id_cohorts")
        ),
        sa.ForeignKeyConstraint(
            ["person_id"], ["people.id"], name=op.f("fk_questionnaire_responses_person_id_people")
        ),
        sa.ForeignKeyConstraint(
            ["template_id"],
            ["questionnaire_templates.id"],
            name=op.f("fk_questionnaire_responses_template_id_questionnaire_templates"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_questionnaire_responses")),
        sa.UniqueConstraint(
            "template_id",
            "cohort_id",
            "person_id",
            "phase",
            name=op.f("uq_questionnaire_responses_template_id_cohort_id_person_id_phase"),
        ),
    )
    with op.batch_alter_table("questionnaire_responses", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_questionnaire_responses_cohort_id"), ["cohort_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_questionnaire_responses_person_id"), ["person_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_questionnaire_responses_version"), ["version"], unique=False
        )

    op.create_table(
        "small_groups",
        sa.Column("cohort_id", sa.Uuid(), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.Column("origin_site_id", sa.Uuid(), nullable=False),
        sa.Column("version", sa.String(length=64), nullable=False),
        sa.Column("deleted_at", sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["cohort_id"], ["cohorts.id"], name=op.f("fk_small_groups_cohort_id_cohorts")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_small_groups")),
    )
    with op.batch_alter_table("small_groups", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_small_groups_cohort_id"), ["cohort_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_small_groups_version"), ["version"], unique=False)

    op.create_table(
        "story_questions",
        sa.Column("cohort_id", sa.Uuid(), nullable=True),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.Column("origin_site_id", sa.Uuid(), nullable=False),
        sa.Column("version", sa.String(length=64), nullable=False),
        sa.Column("deleted_at", sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["cohort_id"], ["cohorts.id"], name=op.f("fk_story_questions_cohort_id_cohorts")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_story_questions")),
    )
    with op.batch_alter_table("story_questions", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_story_questions_version"), ["version"], unique=False)

    op.create_table(
        "application_scores",
        sa.Column("application_id", sa.Uuid(), nullable=False),
        sa.Column("criterion_id", sa.Uuid(), nullable=False),
        sa.Column("assessor_name", sa.String(length=200), nullable=False),
        sa.Column("score", sa.Integer(), nullable=False),
        sa.Column("notes", sa.Text(), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.Column("origin_site_id", sa.Uuid(), nullable=False),
        sa.Column("version", sa.String(length=64), nullable=False),
        sa.Column("deleted_at", sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["application_id"],
            ["applications.id"],
            name=op.f("fk_application_scores_application_id_applications"),
        ),
        sa.ForeignKeyConstraint(
            ["criterion_id"],
            ["rubric_criteria.id"],
            name=op.f("fk_application_scores_criterion_id_rubric_criteria"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_application_scores")),
        sa.UniqueConstraint(
            "application_id",
            "criterion_id",
            "assessor_name",
            name=op.f("uq_application_scores_application_id_criterion_id_assessor_name"),
        ),
    )
    with op.batch_alter_table("application_scores", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_application_scores_application_id"), ["application_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_application_scores_version"), ["version"], unique=False
        )

    op.create_table(
        "attendance",
        sa.Column("session_id", sa.Uuid(), nullable=False),
        sa.Column("person_id", sa.Uuid(), nullable=False),
        sa.Column(
            "status",
            sa.Enum(
                "present",
                "late",
                "left_early",
                "absent",
                "excused",
                name="attendancestatus",
                native_enum=False,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column(
            "absence_reason",
            sa.Enum(
                "illness",
                "lockdown",
                "legal_visit",
                "healthcare",
                "work_or_court",
                "transfer",
                "release",
                "personal",
                "unknown",
                name="absencereason",
                native_enum=False,
                length=32,
            ),
            nullable=True,
        ),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("recorded_by_id", sa.Uuid(), nullable=True),
        sa.Column("recorded_by_name", sa.String(length=200), nullable=False),
        sa.Column("recorded_at", sa.DateTime(), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.Column("origin_site_id", sa.Uuid(), nullable=False),
        sa.Column("version", sa.String(length=64), nullable=False),
        sa.Column("deleted_at", sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["person_id"], ["people.id"], name=op.f("fk_attendance_person_id_people")
        ),
        sa.ForeignKeyConstraint(
            ["session_id"],
            ["class_sessions.id"],
            name=op.f("fk_attendance_session_id_class_sessions"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_attendance")),
        sa.UniqueConstraint(
            "session_id", "person_id", name=op.f("uq_attendance_session_id_person_id")
        ),
    )
    with op.batch_alter_table("attendance", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_attendance_person_id"), ["person_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_attendance_session_id"), ["session_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_attendance_version"), ["version"], unique=False)

    op.create_table(
        "certificates",
        sa.Column("membership_id", sa.Uuid(), nullable=False),
        sa.Column("serial", sa.String(length=32), nullable=False),
        sa.Column("issued_on", sa.Date(), nullable=False),
        sa.Column("event_id", sa.Uuid(), nullable=True),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.Column("origin_site_id", sa.Uuid(), nullable=False),
        sa.Column("version", sa.String(length=64), nullable=False),
        sa.Column("deleted_at", sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["event_id"],
            ["graduation_events.id"],
            name=op.f("fk_certificates_event_id_graduation_events"),
        ),
        sa.ForeignKeyConstraint(
            ["membership_id"],
            ["memberships.id"],
            name=op.f("fk_certificates_membership_id_memberships"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_certificates")),
        sa.UniqueConstraint("serial", name=op.f("uq_certificates_serial")),
    )
    with op.batch_alter_table("certificates", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_certificates_membership_id"), ["membership_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_certificates_version"), ["version"], unique=False)

    op.create_table(
        "essays",
        sa.Column("membership_id", sa.Uuid(), nullable=False),
        sa.Column("candidate_number", sa.String(length=16), nullable=False),
        sa.Column("title", sa.String(length=300), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("word_count", sa.Integer(), nullable=False),
        sa.Column("submitted_on", sa.Date(), nullable=True),
        sa.Column("late", sa.Boolean(), nullable=False),
        sa.Column("extension_note", sa.Text(), nullable=False),
        sa.Column("moderation_needed", sa.Boolean(), nullable=False),
        sa.Column("identities_revealed", sa.Boolean(), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.Column("origin_site_id", sa.Uuid(), nullable=False),
        sa.Column("version", sa.String(length=64), nullable=False),
        sa.Column("deleted_at", sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["membership_id"], ["memberships.id"], name=op.f("fk_essays_membership_id_memberships")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_essays")),
        sa.UniqueConstraint("candidate_number", name=op.f("uq_essays_candidate_number")),
        sa.UniqueConstraint("membership_id", name=op.f("uq_essays_membership_id")),
    )
    with op.batch_alter_table("essays", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_essays_version"), ["version"], unique=False)

    op.create_table(
        "graduation_guests",
        sa.Column("event_id", sa.Uuid(), nullable=False),
        sa.Column("invited_by_id", sa.Uuid(), nullable=True),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("relationship_to_student", sa.String(length=100), nullable=False),
        sa.Column(
            "category",
            sa.Enum(
                "family",
                "friend",
                "offender_manager",
                "official",
                "partner",
                name="guestcategory",
                native_enum=False,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column(
            "clearance",
            sa.Enum(
                "not_submitted",
                "submitted",
                "cleared",
                "refused",
                name="clearancestatus",
                native_enum=False,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("submitted_on", sa.Date(), nullable=True),
        sa.Column("decided_on", sa.Date(), nullable=True),
        sa.Column("attended", sa.Boolean(), nullable=True),
        sa.Column("notes", sa.Text(), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.Column("origin_site_id", sa.Uuid(), nullable=False),
        sa.Column("version", sa.String(length=64), nullable=False),
        sa.Column("deleted_at", sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["event_id"],
            ["graduation_events.id"],
            name=op.f("fk_graduation_guests_event_id_graduation_events"),
        ),
        sa.ForeignKeyConstraint(
            ["invited_by_id"],
            ["memberships.id"],
            name=op.f("fk_graduation_guests_invited_by_id_memberships"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_graduation_guests")),
    )
    with op.batch_alter_table("graduation_guests", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_graduation_guests_event_id"), ["event_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_graduation_guests_version"), ["version"], unique=False)

    op.create_table(
        "group_members",
        sa.Column("group_id", sa.Uuid(), nullable=False),
        sa.Column("membership_id", sa.Uuid(), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.Column("origin_site_id", sa.Uuid(), nullable=False),
        sa.Column("version", sa.String(length=64), nullable=False),
        sa.Column("deleted_at", sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["group_id"], ["small_groups.id"], name=op.f("fk_group_members_group_id_small_groups")
        ),
        sa.ForeignKeyConstraint(
            ["membership_id"],
            ["memberships.id"],
            name=op.f("fk_group_members_membership_id_memberships"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_group_members")),
        sa.UniqueConstraint(
            "group_id", "membership_id", name=op.f("uq_group_members_group_id_membership_id")
        ),
    )
    with op.batch_alter_table("group_members", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_group_members_group_id"), ["group_id"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_group_members_membership_id"), ["membership_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_group_members_version"), ["version"], unique=False)

    op.create_table(
        "membership_status_changes",
        sa.Column("membership_id", sa.Uuid(), nullable=False),
        sa.Column(
            "status",
            sa.Enum(
                "applied",
                "offered",
                "active",
                "withdrawn",
                "transferred",
                "released",
                "completed",
                "graduated",
                name="membershipstatus",
                native_enum=False,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("effective_on", sa.Date(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("recorded_by_name", sa.String(length=200), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.Column("origin_site_id", sa.Uuid(), nullable=False),
        sa.Column("version", sa.String(length=64), nullable=False),
        sa.Column("deleted_at", sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["membership_id"],
            ["memberships.id"],
            name=op.f("fk_membership_status_changes_membership_id_memberships"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_membership_status_changes")),
    )
    with op.batch_alter_table("membership_status_changes", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_membership_status_changes_membership_id"),
            ["membership_id"],
            unique=False,
        )
        batch_op.create_index(
            batch_op.f("ix_membership_status_changes_version"), ["version"], unique=False
        )

    op.create_table(
        "questionnaire_answers",
        sa.Column("response_id", sa.Uuid(), nullable=False),
        sa.Column("item_id", sa.Uuid(), nullable=False),
        sa.Column("value", sa.Integer(), nullable=True),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.Column("origin_site_id", sa.Uuid(), nullable=False),
        sa.Column("version", sa.String(length=64), nullable=False),
        sa.Column("deleted_at", sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["item_id"],
            ["questionnaire_items.id"],
            name=op.f("fk_questionnaire_answers_item_id_questionnaire_items"),
        ),
        sa.ForeignKeyConstraint(
            ["response_id"],
            ["questionnaire_responses.id"],
            name=op.f("fk_questionnaire_answers_response_id_questionnaire_responses"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_questionnaire_answers")),
        sa.UniqueConstraint(
            "response_id", "item_id", name=op.f("uq_questionnaire_answers_response_id_item_id")
        ),
    )
    with op.batch_alter_table("questionnaire_answers", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_questionnaire_answers_response_id"), ["response_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_questionnaire_answers_version"), ["version"], unique=False
        )

    op.create_table(
        "stories",
        sa.Column("session_id", sa.Uuid(), nullable=False),
        sa.Column("person_id", sa.Uuid(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("written_on", sa.Date(), nullable=True),
        sa.Column("transcribed_by_name", sa.String(length=200), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.Column("origin_site_id", sa.Uuid(), nullable=False),
        sa.Column("version", sa.String(length=64), nullable=False),
        sa.Column("deleted_at", sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["person_id"], ["people.id"], name=op.f("fk_stories_person_id_people")
        ),
        sa.ForeignKeyConstraint(
            ["session_id"], ["class_sessions.id"], name=op.f("fk_stories_session_id_class_sessions")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_stories")),
        sa.UniqueConstraint(
            "session_id", "person_id", name=op.f("uq_stories_session_id_person_id")
        ),
    )
    with op.batch_alter_table("stories", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_stories_person_id"), ["person_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_stories_session_id"), ["session_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_stories_version"), ["version"], unique=False)

    op.create_table(
        "attachments",
        sa.Column(
            "kind",
            sa.Enum(
                "essay_scan",
                "application_scan",
                "interview_transcript",
                "other",
                name="attachmentkind",
                native_enum=False,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("filename", sa.String(length=255), nullable=False),
        sa.Column("media_type", sa.String(length=100), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("data", sa.LargeBinary(), nullable=True),
        sa.Column("essay_id", sa.Uuid(), nullable=True),
        sa.Column("application_id", sa.Uuid(), nullable=True),
        sa.Column("interview_id", sa.Uuid(), nullable=True),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.Column("origin_site_id", sa.Uuid(), nullable=False),
        sa.Column("version", sa.String(length=64), nullable=False),
        sa.Column("deleted_at", sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["application_id"],
            ["applications.id"],
            name=op.f("fk_attachments_application_id_applications"),
        ),
        sa.ForeignKeyConstraint(
            ["essay_id"], ["essays.id"], name=op.f("fk_attachments_essay_id_essays")
        ),
        sa.ForeignKeyConstraint(
            ["interview_id"], ["interviews.id"], name=op.f("fk_attachments_interview_id_interviews")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_attachments")),
    )
    with op.batch_alter_table("attachments", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_attachments_application_id"), ["application_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_attachments_essay_id"), ["essay_id"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_attachments_interview_id"), ["interview_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_attachments_version"), ["version"], unique=False)

    op.create_table(
        "essay_marks",
        sa.Column("essay_id", sa.Uuid(), nullable=False),
        sa.Column(
            "position",
            sa.Enum("first", "second", "agreed", name="markposition", native_enum=False, length=32),
            nullable=False,
        ),
        sa.Column("marker_id", sa.Uuid(), nullable=True),
        sa.Column("marker_name", sa.String(length=200), nullable=False),
        sa.Column("score", sa.Numeric(precision=5, scale=1, asdecimal=False), nullable=True),
        sa.Column("feedback", sa.Text(), nullable=False),
        sa.Column("submitted_at", sa.DateTime(), nullable=True),
        sa.Column("locked", sa.Boolean(), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.Column("origin_site_id", sa.Uuid(), nullable=False),
        sa.Column("version", sa.String(length=64), nullable=False),
        sa.Column("deleted_at", sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["essay_id"], ["essays.id"], name=op.f("fk_essay_marks_essay_id_essays")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_essay_marks")),
        sa.UniqueConstraint("essay_id", "position", name=op.f("uq_essay_marks_essay_id_position")),
    )
    with op.batch_alter_table("essay_marks", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_essay_marks_essay_id"), ["essay_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_essay_marks_marker_id"), ["marker_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_essay_marks_version"), ["version"], unique=False)

    op.create_table(
        "story_answers",
        sa.Column("story_id", sa.Uuid(), nullable=False),
        sa.Column("question_id", sa.Uuid(), nullable=False),
        sa.Column("answer", sa.Text(), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.Column("origin_site_id", sa.Uuid(), nullable=False),
        sa.Column("version", sa.String(length=64), nullable=False),
        sa.Column("deleted_at", sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["question_id"],
            ["story_questions.id"],
            name=op.f("fk_story_answers_question_id_story_questions"),
        ),
        sa.ForeignKeyConstraint(
            ["story_id"], ["stories.id"], name=op.f("fk_story_answers_story_id_stories")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_story_answers")),
        sa.UniqueConstraint(
            "story_id", "question_id", name=op.f("uq_story_answers_story_id_question_id")
        ),
    )
    with op.batch_alter_table("story_answers", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_story_answers_story_id"), ["story_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_story_answers_version"), ["version"], unique=False)

    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.add_column(sa.Column("person_id", sa.Uuid(), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f("fk_users_person_id_people"),
            "people",
            ["person_id"],
            ["id"],
            ondelete="SET NULL",
        )


def downgrade() -> None:
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("fk_users_person_id_people"), type_="foreignkey")
        batch_op.drop_column("person_id")

    with op.batch_alter_table("story_answers", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_story_answers_version"))
        batch_op.drop_index(batch_op.f("ix_story_answers_story_id"))

    op.drop_table("story_answers")
    with op.batch_alter_table("essay_marks", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_essay_marks_version"))
        batch_op.drop_index(batch_op.f("ix_essay_marks_marker_id"))
        batch_op.drop_index(batch_op.f("ix_essay_marks_essay_id"))

    op.drop_table("essay_marks")
    with op.batch_alter_table("attachments", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_attachments_version"))
        batch_op.drop_index(batch_op.f("ix_attachments_interview_id"))
        batch_op.drop_index(batch_op.f("ix_attachments_essay_id"))
        batch_op.drop_index(batch_op.f("ix_attachments_application_id"))

    op.drop_table("attachments")
    with op.batch_alter_table("stories", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_stories_version"))
        batch_op.drop_index(batch_op.f("ix_stories_session_id"))
        batch_op.drop_index(batch_op.f("ix_stories_person_id"))

    op.drop_table("stories")
    with op.batch_alter_table("questionnaire_answers", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_questionnaire_answers_version"))
        batch_op.drop_index(batch_op.f("ix_questionnaire_answers_response_id"))

    op.drop_table("questionnaire_answers")
    with op.batch_alter_table("membership_status_changes", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_membership_status_changes_version"))
        batch_op.drop_index(batch_op.f("ix_membership_status_changes_membership_id"))

    op.drop_table("membership_status_changes")
    with op.batch_alter_table("group_members", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_group_members_version"))
        batch_op.drop_index(batch_op.f("ix_group_members_membership_id"))
        batch_op.drop_index(batch_op.f("ix_group_members_group_id"))

    op.drop_table("group_members")
    with op.batch_alter_table("graduation_guests", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_graduation_guests_version"))
        batch_op.drop_index(batch_op.f("ix_graduation_guests_event_id"))

    op.drop_table("graduation_guests")
    with op.batch_alter_table("essays", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_essays_version"))

    op.drop_table("essays")
    with op.batch_alter_table("certificates", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_certificates_version"))
        batch_op.drop_index(batch_op.f("ix_certificates_membership_id"))

    op.drop_table("certificates")
    with op.batch_alter_table("attendance", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_attendance_version"))
        batch_op.drop_index(batch_op.f("ix_attendance_session_id"))
        batch_op.drop_index(batch_op.f("ix_attendance_person_id"))

    op.drop_table("attendance")
    with op.batch_alter_table("application_scores", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_application_scores_version"))
        batch_op.drop_index(batch_op.f("ix_application_scores_application_id"))

    op.drop_table("application_scores")
    with op.batch_alter_table("story_questions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_story_questions_version"))

    op.drop_table("story_questions")
    with op.batch_alter_table("small_groups", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_small_groups_version"))
        batch_op.drop_index(batch_op.f("ix_small_groups_cohort_id"))

    op.drop_table("small_groups")
    with op.batch_alter_table("questionnaire_responses", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_questionnaire_responses_version"))
        batch_op.drop_index(batch_op.f("ix_questionnaire_responses_person_id"))
        batch_op.drop_index(batch_op.f("ix_questionnaire_responses_cohort_id"))

    op.drop_table("questionnaire_responses")
    with op.batch_alter_table("mentor_invitations", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_mentor_invitations_version"))
        batch_op.drop_index(batch_op.f("ix_mentor_invitations_person_id"))
        batch_op.drop_index(batch_op.f("ix_mentor_invitations_cohort_id"))

    op.drop_table("mentor_invitations")
    with op.batch_alter_table("memberships", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_memberships_version"))
        batch_op.drop_index(batch_op.f("ix_memberships_person_id"))
        batch_op.drop_index(batch_op.f("ix_memberships_cohort_id"))

    op.drop_table("memberships")
    with op.batch_alter_table("interviews", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_interviews_version"))
        batch_op.drop_index(batch_op.f("ix_interviews_person_id"))
        batch_op.drop_index(batch_op.f("ix_interviews_cohort_id"))

    op.drop_table("interviews")
    with op.batch_alter_table("graduation_cohorts", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_graduation_cohorts_version"))
        batch_op.drop_index(batch_op.f("ix_graduation_cohorts_event_id"))
        batch_op.drop_index(batch_op.f("ix_graduation_cohorts_cohort_id"))

    op.drop_table("graduation_cohorts")
    with op.batch_alter_table("class_sessions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_class_sessions_version"))
        batch_op.drop_index(batch_op.f("ix_class_sessions_cohort_id"))

    op.drop_table("class_sessions")
    with op.batch_alter_table("applications", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_applications_version"))
        batch_op.drop_index(batch_op.f("ix_applications_person_id"))
        batch_op.drop_index(batch_op.f("ix_applications_cohort_id"))

    op.drop_table("applications")
    with op.batch_alter_table("cohorts", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_cohorts_version"))
        batch_op.drop_index(batch_op.f("ix_cohorts_course_id"))

    op.drop_table("cohorts")
    with op.batch_alter_table("questionnaire_items", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_questionnaire_items_version"))
        batch_op.drop_index(batch_op.f("ix_questionnaire_items_template_id"))

    op.drop_table("questionnaire_items")
    with op.batch_alter_table("programme_items", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_programme_items_version"))
        batch_op.drop_index(batch_op.f("ix_programme_items_event_id"))

    op.drop_table("programme_items")
    with op.batch_alter_table("prison_details", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_prison_details_version"))

    op.drop_table("prison_details")
    with op.batch_alter_table("mentor_training", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_mentor_training_version"))
        batch_op.drop_index(batch_op.f("ix_mentor_training_person_id"))

    op.drop_table("mentor_training")
    with op.batch_alter_table("courses", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_courses_version"))
        batch_op.drop_index(batch_op.f("ix_courses_partnership_id"))

    op.drop_table("courses")
    with op.batch_alter_table("consents", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_consents_version"))
        batch_op.drop_index(batch_op.f("ix_consents_person_id"))

    op.drop_table("consents")
    with op.batch_alter_table("rubric_criteria", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_rubric_criteria_version"))

    op.drop_table("rubric_criteria")
    with op.batch_alter_table("questionnaire_templates", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_questionnaire_templates_version"))

    op.drop_table("questionnaire_templates")
    with op.batch_alter_table("people", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_people_version"))

    op.drop_table("people")
    with op.batch_alter_table("partnerships", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_partnerships_version"))

    op.drop_table("partnerships")
    with op.batch_alter_table("graduation_events", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_graduation_events_version"))

    op.drop_table("graduation_events")
