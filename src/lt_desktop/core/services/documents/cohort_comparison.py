"""What the cohort report sets beside a cohort's own figures: the partnership's earlier
cohorts, and a few quotations from the weekly stories of those who agreed to be quoted.

Neither names anyone. An earlier cohort is figures only. A quotation is the words of
one answer in a weekly story, with its week and question, never its author's name or
research id, and only while the author's consent both to weekly stories and to being
quoted (``ConsentScope.QUOTATION``) stands on the day the report is made: a withdrawal
takes their words out of every report made from then on.
"""

from __future__ import annotations

import statistics
import uuid
from collections import Counter
from collections.abc import Collection
from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from lt_desktop.core.services.attendance import AttendanceFigures, figures_by_cohort
from lt_desktop.core.services.consent import has_consent
from lt_desktop.core.services.documents.common import CERTIFIED_STATUSES, NOT_STARTED_STATUSES
from lt_desktop.domain.vocabulary import (
    ConsentScope,
    MarkPosition,
    MembershipRole,
    MembershipStatus,
)
from lt_desktop.storage.models import (
    ClassSession,
    Cohort,
    Course,
    Essay,
    EssayMark,
    Membership,
    Story,
    StoryAnswer,
    StoryQuestion,
)

#: How many quotations a report carries, and the longest a quotation may be: a line or
#: two a reader takes in at a glance, not a passage that could identify its author.
QUOTES = 3
QUOTE_LIMIT = 240
#: Shorter than this is not worth quoting ("Yes.", "Not sure").
_QUOTE_WORDS = 5


@dataclass(frozen=True)
class CohortFiguresLine:
    """One cohort's main figures, for setting cohorts side by side."""

    cohort_id: uuid.UUID
    title: str  # the cohort's name, with its course's title where that differs
    starts_on: date
    ends_on: date
    started: int
    completed: int
    taking_part: int  # students still taking part: the cohort is under way
    attendance: AttendanceFigures
    mean_mark: float | None

    @property
    def completion_rate(self) -> float | None:
        return self.completed / self.started if self.started else None


@dataclass(frozen=True)
class Quote:
    """Words from a weekly story, quoted with consent and without a name."""

    text: str
    week: int
    question: str


def earlier_cohorts(
    session: Session,
    cohort: Cohort,
    *,
    today: date | None = None,
    visible: Collection[uuid.UUID] | None = None,
) -> list[CohortFiguresLine]:
    """The partnership's cohorts (of any of its courses) that ended before ``cohort``
    started, oldest first, each with its figures. ``visible`` limits them to those the
    account may see (None: all)."""
    query = (
        select(Cohort)
        .join(Course, Course.id == Cohort.course_id)
        .where(
            Course.partnership_id == cohort.course.partnership_id,
            Cohort.ends_on < cohort.starts_on,
            Cohort.id != cohort.id,
        )
        .order_by(Cohort.starts_on, Cohort.name)
    )
    earlier = [c for c in session.scalars(query) if visible is None or c.id in visible]
    return cohort_lines(session, earlier, course_title=cohort.course.title, today=today)


def cohort_lines(
    session: Session, cohorts: list[Cohort], *, course_title: str, today: date | None = None
) -> list[CohortFiguresLine]:
    """Each cohort's main figures, in the order given; a cohort of a course other than
    ``course_title`` is named with its course."""
    ids = [c.id for c in cohorts]
    if not ids:
        return []
    attendance = figures_by_cohort(session, today=today, cohort_ids=ids)
    started: Counter[uuid.UUID] = Counter()
    completed: Counter[uuid.UUID] = Counter()
    taking_part: Counter[uuid.UUID] = Counter()
    for cohort_id, status in session.execute(
        select(Membership.cohort_id, Membership.status).where(
            Membership.cohort_id.in_(ids), Membership.role == MembershipRole.STUDENT
        )
    ):
        if status in NOT_STARTED_STATUSES:
            continue
        started[cohort_id] += 1
        completed[cohort_id] += status in CERTIFIED_STATUSES
        taking_part[cohort_id] += status is MembershipStatus.ACTIVE
    marks: dict[uuid.UUID, list[float]] = {}
    for cohort_id, score in session.execute(
        select(Membership.cohort_id, EssayMark.score)
        .join(Essay, Essay.id == EssayMark.essay_id)
        .join(Membership, Membership.id == Essay.membership_id)
        .where(
            Membership.cohort_id.in_(ids),
            EssayMark.position == MarkPosition.AGREED,
            EssayMark.score.is_not(None),
        )
    ):
        if score is not None:
            marks.setdefault(cohort_id, []).append(float(score))
    return [
        CohortFiguresLine(
            cohort_id=c.id,
            title=c.name if c.course.title == course_title else f"{c.course.title}: {c.name}",
            starts_on=c.starts_on,
            ends_on=c.ends_on,
            started=started[c.id],
            completed=completed[c.id],
            taking_part=taking_part[c.id],
            attendance=attendance.get(c.id, AttendanceFigures()),
            mean_mark=statistics.fmean(marks[c.id]) if c.id in marks else None,
        )
        for c in cohorts
    ]


def quotes(session: Session, cohort_id: uuid.UUID, *, limit: int = QUOTES) -> list[Quote]:
    """A few answers from the cohort's weekly stories, quoted with consent.

    Chosen the same way every time: the most recent weeks first, one answer from each
    author at most, no answer twice, none too short or too long; from authors whose
    consent to weekly stories and to being quoted stands today.
    """
    rows = session.execute(
        select(
            StoryAnswer.answer,
            Story.person_id,
            ClassSession.week,
            StoryQuestion.text,
        )
        .join(Story, Story.id == StoryAnswer.story_id)
        .join(ClassSession, ClassSession.id == Story.session_id)
        .join(StoryQuestion, StoryQuestion.id == StoryAnswer.question_id)
        .where(ClassSession.cohort_id == cohort_id)
        .order_by(
            ClassSession.week.desc(),
            StoryQuestion.position,
            Story.id,
        )
    ).all()
    consenting: dict[uuid.UUID, bool] = {}
    quoted_authors: set[uuid.UUID] = set()
    chosen: list[Quote] = []
    seen: set[str] = set()
    for answer, person_id, week, question in rows:
        if len(chosen) >= limit:
            break
        text = " ".join(answer.split())
        if (
            person_id in quoted_authors
            or text.casefold() in seen
            or len(text) > QUOTE_LIMIT
            or len(text.split()) < _QUOTE_WORDS
        ):
            continue
        if person_id not in consenting:
            consenting[person_id] = has_consent(
                session, person_id, ConsentScope.STORIES
            ) and has_consent(session, person_id, ConsentScope.QUOTATION)
        if not consenting[person_id]:
            continue
        chosen.append(Quote(text, week, question))
        quoted_authors.add(person_id)
        seen.add(text.casefold())
    return chosen
