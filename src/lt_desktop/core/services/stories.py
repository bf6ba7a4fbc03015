"""Weekly research stories: a participant's story of their learning each session
week, with answers to the cohort's questions. Only for people whose consent covers
weekly stories.

The questions are asked of every cohort, or a cohort has its own. Administrators and
education staff change them; an answer always keeps the question it answered: a
question with answers whose wording changes is retired and a new one made, and a
question taken off the list is retired, never removed. A retired question is shown
beside the answers given to it."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from sqlalchemy import Select, select
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
    week_in_words,
)
from lt_desktop.storage.database import INCLUDE_DELETED
from lt_desktop.storage.models import ClassSession, Cohort, Story, StoryAnswer, StoryQuestion

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
    #: No longer asked: shown only beside the answers given to it.
    retired: bool = False


@dataclass(frozen=True)
class QuestionLine:
    """A question as it is set: its wording, and the question it was (None: a new one)."""

    text: str
    was: uuid.UUID | None = None


@dataclass(frozen=True)
class QuestionSet:
    """The questions asked of every cohort (``cohort_id`` None) or of one cohort."""

    cohort_id: uuid.UUID | None
    #: For one cohort: whether it has questions of its own, or is asked every cohort's.
    own: bool
    questions: list[Question]
    #: Those with answers: changing their wording retires them and makes a new question.
    answered: frozenset[uuid.UUID]


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
    return _asked(session, cohort_id) or _asked(session, None)


def _scope(cohort_id: uuid.UUID | None) -> Select[StoryQuestion]:
    """The questions asked now of one cohort as its own, or of every cohort (None)."""
    condition = (
        StoryQuestion.cohort_id.is_(None)
        if cohort_id is None
        else StoryQuestion.cohort_id == cohort_id
    )
    return (
        select(StoryQuestion)
        .where(condition, StoryQuestion.active.is_(True))
        .order_by(StoryQuestion.position, StoryQuestion.created_at, StoryQuestion.id)
    )


def _asked(session: Session, cohort_id: uuid.UUID | None) -> list[Question]:
    return [Question(q.id, q.position, q.text) for q in session.scalars(_scope(cohort_id))]


def _answered(session: Session, question_ids: list[uuid.UUID]) -> frozenset[uuid.UUID]:
    """Those of the questions that any story has answered."""
    return frozenset(
        session.scalars(
            select(StoryAnswer.question_id)
            .where(StoryAnswer.question_id.in_(question_ids), StoryAnswer.answer != "")
            .distinct()
        )
    )


def _wording(text: str) -> str:
    """A question's wording as compared: spacing and capitals aside."""
    return " ".join(text.split()).casefold()


def _cleaned(texts: Sequence[str | QuestionLine]) -> list[QuestionLine]:
    lines = [
        QuestionLine(" ".join(t.split()))
        if isinstance(t, str)
        else QuestionLine(" ".join(t.text.split()), t.was)
        for t in texts
    ]
    lines = [line for line in lines if line.text]
    if not lines:
        raise ValidationError("Keep at least one question.")
    seen: set[str] = set()
    for line in lines:
        if _wording(line.text) in seen:
            raise ValidationError(f"“{line.text}” is asked twice; keep it once.")
        seen.add(_wording(line.text))
    return lines


def _retired_answered_in(
    session: Session, session_id: uuid.UUID, asked: list[Question]
) -> list[Question]:
    """Questions no longer asked that stories of this week answered: shown beside the
    answers, so each answer keeps the question it answered."""
    asked_ids = {q.id for q in asked}
    rows = session.scalars(
        select(StoryQuestion)
        .where(
            StoryQuestion.id.in_(
                select(StoryAnswer.question_id)
                .join(Story, Story.id == StoryAnswer.story_id)
                .where(Story.session_id == session_id, StoryAnswer.answer != "")
            )
        )
        .order_by(StoryQuestion.cohort_id.is_(None), StoryQuestion.position, StoryQuestion.id)
    )
    return [Question(q.id, q.position, q.text, retired=True) for q in rows if q.id not in asked_ids]


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
        """The questions asked: of every cohort, or of one (its own, or every cohort's)."""
        self._require_any(Permission.ENTER_RESEARCH_DATA, Permission.SET_RESEARCH_QUESTIONS)
        with self._store.read() as session:
            if cohort_id is None:
                return _asked(session, None)
            self._require_cohort_visible(session, cohort_id)
            return questions_for(session, cohort_id)

    def question_set(self, cohort_id: uuid.UUID | None = None) -> QuestionSet:
        """The questions as they are set for every cohort or for one, to change them."""
        self._require_any(Permission.ENTER_RESEARCH_DATA, Permission.SET_RESEARCH_QUESTIONS)
        with self._store.read() as session:
            if cohort_id is not None:
                self._require_cohort_visible(session, cohort_id)
                get_or_not_found(session, Cohort, cohort_id, "cohort")
            own = _asked(session, cohort_id)
            shown = own if own or cohort_id is None else _asked(session, None)
            return QuestionSet(
                cohort_id, bool(own), shown, _answered(session, [q.id for q in shown])
            )

    def set_questions(
        self, texts: Sequence[str | QuestionLine], *, cohort_id: uuid.UUID | None = None
    ) -> list[Question]:
        """Set the questions (of one cohort, or the ones every cohort is asked), in order.

        A line names the question it was (``QuestionLine.was``), or is matched to one
        asked now by its wording. A question kept as it was stays the same question; one
        reworded is changed where it has no answers, and otherwise retired and asked anew,
        so the answers already given keep the question they answered. A question left
        off is retired."""
        self._require(Permission.SET_RESEARCH_QUESTIONS)
        lines = _cleaned(texts)
        with self._store.write() as session:
            if cohort_id is not None:
                get_or_not_found(session, Cohort, cohort_id, "cohort")
                self._require_cohort_visible(session, cohort_id)
            current = list(session.scalars(_scope(cohort_id)))
            answered = _answered(session, [q.id for q in current])
            by_id = {q.id: q for q in current}
            by_wording = {_wording(q.text): q for q in current}
            kept: set[uuid.UUID] = set()
            asked: list[StoryQuestion] = []
            for position, line in enumerate(lines):
                old = by_id.get(line.was) if line.was is not None else None
                old = old or by_wording.get(_wording(line.text))
                if (
                    old is not None
                    and old.id not in kept
                    and (old.text == line.text or old.id not in answered)
                ):
                    kept.add(old.id)
                    if (old.text, old.position) != (line.text, position):
                        old.text, old.position = line.text, position
                    asked.append(old)
                    continue
                new = StoryQuestion(cohort_id=cohort_id, position=position, text=line.text)
                session.add(new)
                asked.append(new)
            retired = [q for q in current if q.id not in kept]
            for question in retired:
                question.active = False
            session.flush()
            self._audit(
                session,
                "stories.questions_changed",
                "cohort" if cohort_id else None,
                cohort_id,
                asked=len(asked),
                retired=len(retired),
            )
            return [Question(q.id, q.position, q.text) for q in asked]

    def use_every_cohorts_questions(self, cohort_id: uuid.UUID) -> list[Question]:
        """Retire a cohort's own questions: it is asked every cohort's again."""
        self._require(Permission.SET_RESEARCH_QUESTIONS)
        with self._store.write() as session:
            get_or_not_found(session, Cohort, cohort_id, "cohort")
            self._require_cohort_visible(session, cohort_id)
            own = list(session.scalars(_scope(cohort_id)))
            if not own:
                raise ValidationError("This cohort is already asked every cohort's questions.")
            for question in own:
                question.active = False
            session.flush()
            self._audit(session, "stories.questions_changed", "cohort", cohort_id, retired=len(own))
            return _asked(session, None)

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
            asked = questions_for(session, class_session.cohort_id)
            return StoryWeek(
                session_id,
                class_session.cohort_id,
                class_session.week,
                class_session.held_on,
                asked + _retired_answered_in(session, session_id, asked),
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
            if class_session.cancelled is not None:
                raise ValidationError(
                    f"{week_in_words(class_session.week).capitalize()} was cancelled: no "
                    "story is kept for a week that did not take place. Reinstate it first "
                    "if it did."
                )
            require_consent(session, person_id, ConsentScope.STORIES, written_on)
            if not text.strip() and not any(a.strip() for a in answers.values()):
                raise ValidationError("Type the story, or at least one answer.")
            asked = questions_for(session, class_session.cohort_id)
            retired = {q.id for q in _retired_answered_in(session, session_id, asked)}
            if set(answers) - {q.id for q in asked} - retired:
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
                if row is None and question_id in retired and not answer.strip():
                    continue  # no longer asked, and not answered in this story
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
