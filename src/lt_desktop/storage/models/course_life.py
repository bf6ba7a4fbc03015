"""Around the classroom: applications, the mentor pathway, graduation, certificates."""

from __future__ import annotations

import uuid
from datetime import date

from sqlalchemy import ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from lt_desktop.domain.vocabulary import (
    ApplicationDecision,
    ClearanceStatus,
    GuestCategory,
    InvitationAnswer,
)
from lt_desktop.storage.models.base import SyncedRecord, enum_column, same_thing, site_code_column


class Application(SyncedRecord):
    """One application to a cohort: the same process for everyone."""

    __tablename__ = "applications"
    __table_args__ = (same_thing("cohort_id", "person_id"),)

    cohort_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("cohorts.id"), index=True)
    person_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("people.id"), index=True)
    received_on: Mapped[date]
    motivation_statement: Mapped[str] = mapped_column(Text, default="")
    heard_about: Mapped[str] = mapped_column(String(300), default="")
    availability: Mapped[str] = mapped_column(Text, default="")
    adjustments: Mapped[str] = mapped_column(Text, default="")
    decision: Mapped[ApplicationDecision] = enum_column(
        ApplicationDecision, default=ApplicationDecision.PENDING
    )
    decision_reason: Mapped[str] = mapped_column(Text, default="")
    decided_on: Mapped[date | None] = mapped_column(default=None)
    answered_on: Mapped[date | None] = mapped_column(default=None)


class RubricCriterion(SyncedRecord):
    """A criterion for judging motivation to learn, scored 1 to 5."""

    __tablename__ = "rubric_criteria"

    position: Mapped[int] = mapped_column(default=0)
    name: Mapped[str] = mapped_column(String(200))
    guidance: Mapped[str] = mapped_column(Text, default="")
    active: Mapped[bool] = mapped_column(default=True)


class ApplicationScore(SyncedRecord):
    """One assessor's score for one criterion of one application."""

    __tablename__ = "application_scores"
    __table_args__ = (same_thing("application_id", "criterion_id", "assessor_name"),)

    application_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("applications.id"), index=True)
    criterion_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("rubric_criteria.id"))
    # The assessor's account, where they scored in the app; kept as an id and a name.
    assessor_id: Mapped[uuid.UUID | None] = mapped_column(index=True, default=None)
    assessor_name: Mapped[str] = mapped_column(String(200))
    score: Mapped[int]
    notes: Mapped[str] = mapped_column(Text, default="")


class MentorInvitation(SyncedRecord):
    """A graduate invited back to mentor a later cohort."""

    __tablename__ = "mentor_invitations"

    person_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("people.id"), index=True)
    cohort_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("cohorts.id"), index=True)
    invited_on: Mapped[date]
    answer: Mapped[InvitationAnswer] = enum_column(
        InvitationAnswer, default=InvitationAnswer.AWAITING
    )
    answered_on: Mapped[date | None] = mapped_column(default=None)
    notes: Mapped[str] = mapped_column(Text, default="")


class MentorTraining(SyncedRecord):
    __tablename__ = "mentor_training"

    person_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("people.id"), index=True)
    held_on: Mapped[date]
    title: Mapped[str] = mapped_column(String(300))
    attended: Mapped[bool] = mapped_column(default=True)
    notes: Mapped[str] = mapped_column(Text, default="")


class FacilitatorTraining(SyncedRecord):
    """A training session a facilitator came to (or was expected at): the university's
    for its early-career academics, the prison's on working inside."""

    __tablename__ = "facilitator_training"

    person_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("people.id"), index=True)
    held_on: Mapped[date]
    title: Mapped[str] = mapped_column(String(300))
    attended: Mapped[bool] = mapped_column(default=True)
    notes: Mapped[str] = mapped_column(Text, default="")


class GraduationEvent(SyncedRecord):
    __tablename__ = "graduation_events"

    title: Mapped[str] = mapped_column(String(300))
    held_on: Mapped[date]
    venue: Mapped[str] = mapped_column(String(300), default="")
    capacity: Mapped[int] = mapped_column(default=100)
    guest_deadline: Mapped[date | None] = mapped_column(default=None)
    notes: Mapped[str] = mapped_column(Text, default="")


class GraduationCohort(SyncedRecord):
    """Cohorts graduating at an event (one event may serve several cohorts)."""

    __tablename__ = "graduation_cohorts"
    __table_args__ = (same_thing("event_id", "cohort_id"),)

    event_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("graduation_events.id"), index=True)
    cohort_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("cohorts.id"), index=True)


class ProgrammeItem(SyncedRecord):
    __tablename__ = "programme_items"

    event_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("graduation_events.id"), index=True)
    position: Mapped[int] = mapped_column(default=0)
    starts_at: Mapped[str] = mapped_column(String(10), default="")
    title: Mapped[str] = mapped_column(String(300))
    kind: Mapped[str] = mapped_column(String(50), default="")
    who: Mapped[str] = mapped_column(String(300), default="")


class GraduationGuest(SyncedRecord):
    """A visitor to the ceremony, who must be cleared by the prison in advance."""

    __tablename__ = "graduation_guests"

    event_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("graduation_events.id"), index=True)
    invited_by_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("memberships.id"), default=None
    )
    name: Mapped[str] = mapped_column(String(200))
    relationship_to_student: Mapped[str] = mapped_column(String(100), default="")
    category: Mapped[GuestCategory] = enum_column(GuestCategory)
    clearance: Mapped[ClearanceStatus] = enum_column(
        ClearanceStatus, default=ClearanceStatus.NOT_SUBMITTED
    )
    submitted_on: Mapped[date | None] = mapped_column(default=None)
    decided_on: Mapped[date | None] = mapped_column(default=None)
    attended: Mapped[bool | None] = mapped_column(default=None)
    notes: Mapped[str] = mapped_column(Text, default="")
    #: The guest asked not to be photographed: marked on the lists staff use on the day.
    no_photos: Mapped[bool] = mapped_column(default=False)


class Certificate(SyncedRecord):
    """A certificate issued to a student who completed a cohort.

    Its serial is printed on it and never changes. Each site numbers its own, with its
    code in them (``LT-2026-K7QD-0001``), so serials from two sites differ; those issued
    before serials named their site (``LT-2026-0001``) may not. A serial is a label, not
    what the certificate is: two certificates with one serial stay two records.
    """

    __tablename__ = "certificates"

    membership_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("memberships.id"), index=True)
    serial: Mapped[str] = site_code_column(32)
    issued_on: Mapped[date]
    event_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("graduation_events.id"), default=None
    )
