"""What the research export reads from the store: who may be included, every name to
take out of free text, and the weekly stories and questionnaires.

Each builder returns a table (its header first) ready for `csv_bytes`; nothing here
writes a file. The end-of-course sources (interviews, sense-making, essays) are in
`research_evaluation`.
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from lt_desktop.core.name_scrubbing import NameScrubber, names_in
from lt_desktop.core.research_dates import DateShift
from lt_desktop.core.services.known_names import names_in_a_line, people_names
from lt_desktop.core.services.questionnaires import score, scored, template_info
from lt_desktop.domain.vocabulary import ConsentScope, ItemKind, QuestionnairePhase
from lt_desktop.storage.models import (
    ClassSession,
    Cohort,
    Consent,
    Course,
    Membership,
    Person,
    QuestionnaireAnswer,
    QuestionnaireResponse,
    QuestionnaireTemplate,
    Story,
    StoryAnswer,
    StoryQuestion,
)

BASE_COLUMN = "base"
Table = list[list[object]]


class Consents:
    """Whose data of each kind may go out, read in one pass over the consent records.

    A person's standing consent for a scope is their latest record for it, as
    `current_consent` has it: newest given date first, then newest entered.
    """

    def __init__(self, session: Session) -> None:
        latest: dict[tuple[uuid.UUID, ConsentScope], Consent] = {}
        for record in session.scalars(
            select(Consent).order_by(Consent.given_on, Consent.created_at)
        ):
            latest[(record.person_id, record.scope)] = record
        self._standing = {key for key, record in latest.items() if record.withdrawn_on is None}

    def allows(self, person_id: uuid.UUID, scope: ConsentScope) -> bool:
        return (person_id, scope) in self._standing and (
            person_id,
            ConsentScope.SHARE_WITH_UNIVERSITY,
        ) in self._standing


@dataclass(frozen=True)
class Reading:
    """One export's view of the store: the open session, whose data may go, the
    cohorts chosen (None: all), the names to take out and how dates move."""

    session: Session
    allowed: Consents
    cohort_ids: list[uuid.UUID] | None
    scrubber: NameScrubber
    shift: DateShift
    labels: dict[uuid.UUID, str]

    @classmethod
    def of(cls, session: Session, cohort_ids: list[uuid.UUID] | None, shift: DateShift) -> Reading:
        return cls(
            session, Consents(session), cohort_ids, scrubber(session), shift, cohort_labels(session)
        )

    def chosen(self, cohort_id: uuid.UUID) -> bool:
        return self.cohort_ids is None or cohort_id in self.cohort_ids


def scrubber(session: Session) -> NameScrubber:
    """Every name the store knows: each person's, by their research id, and the names
    kept as a line of text (accounts, guests, markers, interviewers, those who recorded,
    transcribed or entered data), which belong to no research id."""
    people = people_names(session)
    people[""] = [form for name in sorted(names_in_a_line(session)) for form in names_in(name)]
    return NameScrubber(people)


def cohort_labels(session: Session) -> dict[uuid.UUID, str]:
    return {
        cohort_id: f"{course_title}: {name}"
        for cohort_id, course_title, name in session.execute(
            select(Cohort.id, Course.title, Cohort.name).join(Course, Course.id == Cohort.course_id)
        )
    }


def stories(reading: Reading) -> Table:
    session, scrub = reading.session, reading.scrubber
    questions = session.scalars(
        select(StoryQuestion).order_by(StoryQuestion.cohort_id, StoryQuestion.position)
    ).all()
    header: list[object] = ["research_id", BASE_COLUMN, "cohort", "week", "role", "story"]
    header += [f"q{n}: {q.text}" for n, q in enumerate(questions, start=1)]
    rows: Table = [header]
    query = (
        select(Story, ClassSession, Person)
        .join(ClassSession, ClassSession.id == Story.session_id)
        .join(Person, Person.id == Story.person_id)
        .order_by(ClassSession.cohort_id, ClassSession.week, Person.research_id)
    )
    if reading.cohort_ids is not None:
        query = query.where(ClassSession.cohort_id.in_(reading.cohort_ids))
    roles = {(m.cohort_id, m.person_id): m.role.value for m in session.scalars(select(Membership))}
    answered: dict[uuid.UUID, dict[uuid.UUID, str]] = defaultdict(dict)
    for story_id, question_id, answer in session.execute(
        select(StoryAnswer.story_id, StoryAnswer.question_id, StoryAnswer.answer)
    ):
        answered[story_id][question_id] = answer
    for story, class_session, person in session.execute(query).all():
        if not reading.allowed.allows(person.id, ConsentScope.STORIES):
            continue
        answers = answered.get(story.id, {})
        row: list[object] = [
            person.research_id,
            person.base.value,
            reading.labels[class_session.cohort_id],
            class_session.week,
            roles.get((class_session.cohort_id, person.id), ""),
            scrub.scrub(story.text, writer=person.research_id),
        ]
        row += scrub.scrub_all(
            (answers.get(q.id, "") for q in questions), writer=person.research_id
        )
        rows.append(row)
    return rows


ANSWERS_HEADER: list[object] = [
    "research_id",
    BASE_COLUMN,
    "cohort",
    "questionnaire",
    "phase",
    "item",
    "wording",
    "subscale",
    "reverse_scored",
    "answer",
    "scored",
    "text",
]
SCORES_HEADER: list[object] = [
    "research_id",
    BASE_COLUMN,
    "cohort",
    "questionnaire",
    "phase",
    "completed_on",
    "score",
    "subscale",
    "subscale_score",
]
PAIRS_HEADER: list[object] = [
    "research_id",
    BASE_COLUMN,
    "cohort",
    "questionnaire",
    "item",
    "wording",
    "subscale",
    "reverse_scored",
    "pre",
    "post",
    "change",
]


@dataclass(frozen=True)
class QuestionnaireTables:
    answers: Table
    scores: Table
    pairs: Table


def questionnaires(reading: Reading) -> QuestionnaireTables:
    """Every answer, every score, and each rating item's before and after side by side
    for everyone who filled in both."""
    session, scrub = reading.session, reading.scrubber
    answers: Table = [list(ANSWERS_HEADER)]
    scores: Table = [list(SCORES_HEADER)]
    templates = {
        t.id: template_info(session, t) for t in session.scalars(select(QuestionnaireTemplate))
    }
    query = (
        select(QuestionnaireResponse, Person, Cohort)
        .join(Person, Person.id == QuestionnaireResponse.person_id)
        .join(Cohort, Cohort.id == QuestionnaireResponse.cohort_id)
        .order_by(Cohort.name, Person.research_id, QuestionnaireResponse.phase)
    )
    if reading.cohort_ids is not None:
        query = query.where(QuestionnaireResponse.cohort_id.in_(reading.cohort_ids))
    given_by_response: dict[uuid.UUID, dict[uuid.UUID, int | str]] = defaultdict(dict)
    for response_id, item_id, number, words in session.execute(
        select(
            QuestionnaireAnswer.response_id,
            QuestionnaireAnswer.item_id,
            QuestionnaireAnswer.value,
            QuestionnaireAnswer.text,
        )
    ):
        given_by_response[response_id][item_id] = number if number is not None else words
    # (research id, cohort, template) -> phase -> item id -> scored answer
    by_phase: dict[tuple[str, uuid.UUID, uuid.UUID], dict[QuestionnairePhase, dict[uuid.UUID, int]]]
    by_phase = defaultdict(dict)
    first_columns: dict[tuple[str, uuid.UUID, uuid.UUID], list[object]] = {}
    for response, person, cohort in session.execute(query).all():
        if not reading.allowed.allows(person.id, ConsentScope.QUESTIONNAIRES):
            continue
        template = templates[response.template_id]
        given = given_by_response.get(response.id, {})
        common: list[object] = [
            person.research_id,
            person.base.value,
            reading.labels[cohort.id],
            template.name,
            response.phase.value,
        ]
        key = (person.research_id, cohort.id, template.id)
        first_columns[key] = common[:4]
        counted = by_phase[key].setdefault(response.phase, {})
        for item in template.items:
            value = given.get(item.id) if item.id is not None else None
            likert = item.kind is ItemKind.LIKERT and isinstance(value, int)
            if likert and item.id is not None:
                counted[item.id] = scored(item, value)  # type: ignore[arg-type]
            answers.append(
                common
                + [
                    item.position + 1,
                    item.text,
                    item.subscale,
                    int(item.reverse_scored),
                    value if likert else "",
                    scored(item, value) if likert else "",  # type: ignore[arg-type]
                    scrub.scrub(str(value), writer=person.research_id)
                    if item.kind is ItemKind.FREE_TEXT and value
                    else "",
                ]
            )
        completed = reading.shift.person_date(person.research_id, response.completed_on)
        dated = common + ["" if completed is None else completed.isoformat()]
        overall = score(template.items, given)
        scores.append(dated + ["" if overall is None else round(overall, 3), "", ""])
        for subscale in sorted({i.subscale for i in template.likert_items if i.subscale}):
            part = score([i for i in template.items if i.subscale == subscale], given)
            scores.append(dated + ["", subscale, "" if part is None else round(part, 3)])
    pairs: Table = [list(PAIRS_HEADER)]
    for key, phases in by_phase.items():
        before, after = phases.get(QuestionnairePhase.PRE), phases.get(QuestionnairePhase.POST)
        if before is None or after is None:
            continue  # unpaired: in the answers and scores files only
        for item in templates[key[2]].likert_items:
            assert item.id is not None
            pre, post = before.get(item.id), after.get(item.id)
            pairs.append(
                first_columns[key]
                + [
                    item.position + 1,
                    item.text,
                    item.subscale,
                    int(item.reverse_scored),
                    "" if pre is None else pre,
                    "" if post is None else post,
                    "" if pre is None or post is None else post - pre,
                ]
            )
    return QuestionnaireTables(answers, scores, pairs)
