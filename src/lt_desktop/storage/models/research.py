"""Consent, weekly stories, questionnaires and reflective interviews."""

from __future__ import annotations

import uuid
from datetime import date, datetime

from sqlalchemy import ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from lt_desktop.domain.vocabulary import (
    ConsentScope,
    InterviewStatus,
    ItemKind,
    QuestionnairePhase,
)
from lt_desktop.storage.models.base import SyncedRecord, enum_column, same_thing


class Consent(SyncedRecord):
    """Consent for one kind of research data, as given on a paper form, and its
    withdrawal. A person may consent again later: that is a new record."""

    __tablename__ = "consents"

    person_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("people.id"), index=True)
    scope: Mapped[ConsentScope] = enum_column(ConsentScope)
    given_on: Mapped[date]
    form_reference: Mapped[str] = mapped_column(String(100), default="")
    recorded_by_name: Mapped[str] = mapped_column(String(200), default="")
    withdrawn_on: Mapped[date | None] = mapped_column(default=None)
    withdrawal_recorded_by_name: Mapped[str] = mapped_column(String(200), default="")
    notes: Mapped[str] = mapped_column(Text, default="")


class StoryQuestion(SyncedRecord):
    """A question asked with each weekly story; a cohort may have its own set."""

    __tablename__ = "story_questions"

    cohort_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("cohorts.id"), default=None)
    position: Mapped[int] = mapped_column(default=0)
    text: Mapped[str] = mapped_column(Text)
    active: Mapped[bool] = mapped_column(default=True)


class Story(SyncedRecord):
    """A participant's story of their learning in one session week."""

    __tablename__ = "stories"
    __table_args__ = (same_thing("session_id", "person_id"),)

    session_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("class_sessions.id"), index=True)
    person_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("people.id"), index=True)
    text: Mapped[str] = mapped_column(Text, default="")
    written_on: Mapped[date | None] = mapped_column(default=None)
    transcribed_by_name: Mapped[str] = mapped_column(String(200), default="")


class StoryAnswer(SyncedRecord):
    __tablename__ = "story_answers"
    __table_args__ = (same_thing("story_id", "question_id"),)

    story_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("stories.id"), index=True)
    question_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("story_questions.id"))
    answer: Mapped[str] = mapped_column(Text, default="")


class QuestionnaireTemplate(SyncedRecord):
    __tablename__ = "questionnaire_templates"

    name: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")


class QuestionnaireItem(SyncedRecord):
    __tablename__ = "questionnaire_items"

    template_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("questionnaire_templates.id"), index=True
    )
    position: Mapped[int]
    text: Mapped[str] = mapped_column(Text)
    kind: Mapped[ItemKind] = enum_column(ItemKind)
    scale_points: Mapped[int | None] = mapped_column(default=5)
    reverse_scored: Mapped[bool] = mapped_column(default=False)
    subscale: Mapped[str] = mapped_column(String(100), default="")


class QuestionnaireResponse(SyncedRecord):
    """One person's completed questionnaire, before or after a course."""

    __tablename__ = "questionnaire_responses"
    __table_args__ = (same_thing("template_id", "cohort_id", "person_id", "phase"),)

    template_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("questionnaire_templates.id"))
    cohort_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("cohorts.id"), index=True)
    person_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("people.id"), index=True)
    phase: Mapped[QuestionnairePhase] = enum_column(QuestionnairePhase)
    completed_on: Mapped[date | None] = mapped_column(default=None)
    entered_by_name: Mapped[str] = mapped_column(String(200), default="")


class QuestionnaireAnswer(SyncedRecord):
    __tablename__ = "questionnaire_answers"
    __table_args__ = (same_thing("response_id", "item_id"),)

    response_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("questionnaire_responses.id"), index=True
    )
    item_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("questionnaire_items.id"))
    value: Mapped[int | None] = mapped_column(default=None)
    text: Mapped[str] = mapped_column(Text, default="")


class Interview(SyncedRecord):
    """A reflective interview at the end of a course (needs interview consent)."""

    __tablename__ = "interviews"

    person_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("people.id"), index=True)
    cohort_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("cohorts.id"), index=True)
    scheduled_for: Mapped[datetime | None] = mapped_column(default=None)
    interviewer_name: Mapped[str] = mapped_column(String(200), default="")
    status: Mapped[InterviewStatus] = enum_column(InterviewStatus, default=InterviewStatus.PLANNED)
    notes: Mapped[str] = mapped_column(Text, default="")
