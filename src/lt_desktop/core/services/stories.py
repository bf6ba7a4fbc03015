"""Weekly research stories: a participant's story of their learning each session
week, with answers to the cohort's questions. Only for people whose consent covers
weekly stories."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from lt_desktop.core.services.base import Service, get_or_not_found
from lt_desktop.core.services.memberships import member_infos
from lt_desktop.core.services.research_consent import consent_problem, require_consent
from lt_desktop.domain.errors import ValidationError
from lt_desktop.domain.roles import Permission
from lt_desktop.domain.vocabulary import (
    ConsentScope,
    MembershipRole,
    MembershipStatus,
    SessionKind,
)
from lt_desktop.storage.database import INCLUDE_DELETED
from lt_desktop.storage.models import ClassSession, Story, StoryAnswer, StoryQuestion

#: Everyone in the room may share a story, not only students.
STORYTELLERS = (
    MembershipRole.STUDENT,
    MembershipRole.MENTOR,
    MembershipRole.FACILITATOR,
    MembershipRole.LECTURER,
)


@dataclass(frozen=True)
class Question:
    id: uuid.UUID
    position: int
    text: str


@dataclass(frozen=True)
class StoryInfo:
    id: uuid.UUID
    session_id: uuid.UUID
    person_id: uuid.UUID
    text: str
    written_on: date | None
    answers: dict[uuid.UUID, str]
    transcribed_by: str


@dataclass(frozen=True)
class StoryLine:
    person_id: uuid.UUID
    display_name: str
    role: MembershipRole
    consent_problem: str | None  # why no story can be kept, or None
    story: StoryInfo | None

    @property
    def may_have_story(self) -> bool:
        return self.consent_problem is None


@dataclass(frozen=True)
class StoryWeek:
    session_id: uuid.UUID
    cohort_id: uuid.UUID
    week: int
    held_on: date
    questions: list[Question]
    lines: list[StoryLine]


@dataclass(frozen=True)
class PersonStory:
    week: int
    held_on: date
    cohort_name: str
    story: StoryInfo


def questions_for(session: Session, cohort_id: uuid.UUID) -> list[Question]:
    """The cohort's own questions, or the questions every cohort uses."""
    for condition in (StoryQuestion.cohort_id == cohort_id, StoryQuestion.cohort_id.is_(None)):
        rows = session.scalars(
            select(StoryQuestion)
            .where(condition, StoryQuestion.active.is_(True))
            .order_by(StoryQuestion.position)
        ).all()
        if rows:
            return [Question(q.id, q.position, q.text) for q in rows]
    return []


def _story_info(session: Session, story: Story) -> StoryInfo:
    answers = {
        a.question_id: a.answer
        for a in session.scalars(select(StoryAnswer).where(StoryAnswer.story_id == story.id))
    }
    return StoryInfo(
        story.id,
        story.session_id,
        story.person_id,
        story.text,
        story.written_on,
        answers,
        story.transcribed_by_name,
    )


class StoryService(Service):
    def questions(self, cohort_id: uuid.UUID | None = None) -> list[Question]:
        self._require_any(Permission.ENTER_RESEARCH_DATA, Permission.MANAGE_SETTINGS)
        with self._store.read() as session:
            if cohort_id is None:
                rows = session.scalars(
                    select(StoryQuestion)
                    .where(StoryQuestion.cohort_id.is_(None), StoryQuestion.active.is_(True))
                    .order_by(StoryQuestion.position)
                )
                return [Question(q.id, q.position, q.text) for q in rows]
            self._require_cohort_visible(session, cohort_id)
            return questions_for(session, cohort_id)

    def set_questions(
        self, texts: list[str], *, cohort_id: uuid.UUID | None = None
    ) -> list[Question]:
        """Replace the questions (of one cohort, or the ones every cohort uses). Answers
        already given stay with the questions they answered."""
        self._require(Permission.MANAGE_SETTINGS)
        cleaned = [t.strip() for t in texts if t.strip()]
        if not cleaned:
            raise ValidationError("Keep at least one question.")
        with self._store.write() as session:
            condition = (
                StoryQuestion.cohort_id.is_(None)
                if cohort_id is None
                else StoryQuestion.cohort_id == cohort_id
            )
            for old in session.scalars(select(StoryQuestion).where(condition)):
                old.active = False
            rows = [
                StoryQuestion(cohort_id=cohort_id, position=n, text=text)
                for n, text in enumerate(cleaned)
            ]
            session.add_all(rows)
            session.flush()
            self._audit(session, "stories.questions_changed", "cohort", cohort_id)
            return [Question(q.id, q.position, q.text) for q in rows]

    def week(self, session_id: uuid.UUID) -> StoryWeek:
        """Everyone who may share a story for the session's week, with consent shown."""
        self._require(Permission.ENTER_RESEARCH_DATA)
        with self._store.read() as session:
            class_session = get_or_not_found(session, ClassSession, session_id, "session")
            self._require_cohort_visible(session, class_session.cohort_id)
            _refuse_induction(class_session)
            stories = {
                s.person_id: s
                for s in session.scalars(select(Story).where(Story.session_id == session_id))
            }
            lines = []
            for member in member_infos(session, class_session.cohort_id):
                if member.role not in STORYTELLERS:
                    continue
                story = stories.get(member.person_id)
                if member.status is not MembershipStatus.ACTIVE and story is None:
                    continue
                lines.append(
                    StoryLine(
                        member.person_id,
                        member.display_name,
                        member.role,
                        consent_problem(session, member.person_id, ConsentScope.STORIES),
                        None if story is None else _story_info(session, story),
                    )
                )
            return StoryWeek(
                session_id,
                class_session.cohort_id,
                class_session.week,
                class_session.held_on,
                questions_for(session, class_session.cohort_id),
                lines,
            )

    def save(
        self,
        session_id: uuid.UUID,
        person_id: uuid.UUID,
        *,
        text: str,
        answers: dict[uuid.UUID, str],
        written_on: date | None = None,
    ) -> StoryInfo:
        """Keep (or correct) a person's story for a week. Refused without consent."""
        self._require(Permission.ENTER_RESEARCH_DATA)
        with self._store.write() as session:
            class_session = get_or_not_found(session, ClassSession, session_id, "session")
            self._require_cohort_visible(session, class_session.cohort_id)
            self._require_person_visible(session, person_id)
            _refuse_induction(class_session)
            require_consent(session, person_id, ConsentScope.STORIES, written_on)
            if not text.strip() and not any(a.strip() for a in answers.values()):
                raise ValidationError("Type the story, or at least one answer.")
            valid = {q.id for q in questions_for(session, class_session.cohort_id)}
            if set(answers) - valid:
                raise ValidationError("Some answers are to questions this cohort does not ask.")
            story = session.scalars(
                select(Story)
                .where(Story.session_id == session_id, Story.person_id == person_id)
                .execution_options(**{INCLUDE_DELETED: True})
            ).first()
            if story is None:
                story = Story(session_id=session_id, person_id=person_id)
                session.add(story)
            story.deleted_at = None
            story.text = text.strip()
            story.written_on = written_on or class_session.held_on
            story.transcribed_by_name = self.actor.display_name
            session.flush()
            existing = {
                a.question_id: a
                for a in session.scalars(
                    select(StoryAnswer)
                    .where(StoryAnswer.story_id == story.id)
                    .execution_options(**{INCLUDE_DELETED: True})
                )
            }
            for question_id, answer in answers.items():
                row = existing.get(question_id)
                if row is None:
                    row = StoryAnswer(story_id=story.id, question_id=question_id)
                    session.add(row)
                row.answer, row.deleted_at = answer.strip(), None
            session.flush()
            return _story_info(session, story)

    def by_person(self, person_id: uuid.UUID) -> list[PersonStory]:
        self._require(Permission.ENTER_RESEARCH_DATA)
        with self._store.read() as session:
            self._require_person_visible(session, person_id)
            visible = self._visible_cohort_ids(session)
            result = []
            for story, class_session in session.execute(
                select(Story, ClassSession)
                .join(ClassSession, ClassSession.id == Story.session_id)
                .where(Story.person_id == person_id)
                .order_by(ClassSession.held_on)
            ).all():
                if visible is not None and class_session.cohort_id not in visible:
                    continue
                result.append(
                    PersonStory(
                        class_session.week,
                        class_session.held_on,
                        class_session.cohort.name,
                        _story_info(session, story),
                    )
                )
            return result


def _refuse_induction(class_session: ClassSession) -> None:
    """Stories are of the course's weeks of learning: the induction, before week 1, has
    none."""
    if class_session.kind is SessionKind.INDUCTION:
        raise ValidationError(
            "The induction comes before the course's first week: no story is kept for it."
        )
