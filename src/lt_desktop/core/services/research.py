"""The research export: pseudonymised data of consenting people, for R, SPSS or NVivo.

Each person appears under their research id (random, stable, carrying no identity);
no names, no prison details, no dates beyond the session week. A person's data of a
kind goes out only while their consent for that kind, and for sharing research data
with the university team, stands: a withdrawal takes them out of every export from
then on. Free text (stories, their answers, questionnaire answers) goes through
`NameScrubber` first: every name the store knows becomes ``[name]``, or the writer's
research id where the name is their own. Every file carries each person's base
(prison, university or community): comparing prison-based and university-based
students is what the evaluation is for.
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from lt_desktop.core.name_scrubbing import NameScrubber, names_of
from lt_desktop.core.research_codebook import CODEBOOK_FILE, codebook_rows
from lt_desktop.core.services.base import Service
from lt_desktop.core.services.questionnaires import score, scored, template_info
from lt_desktop.core.spreadsheets import csv_bytes
from lt_desktop.domain.errors import ValidationError
from lt_desktop.domain.roles import Permission
from lt_desktop.domain.vocabulary import ConsentScope, ItemKind
from lt_desktop.storage.atomic import write_atomic
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

STORIES_FILE = "stories.csv"
BASE_COLUMN = "base"
BASE_REASON = (
    "Each file has a base column (prison, university or community), because comparing "
    "prison-based and university-based students is the point of the evaluation."
)
ANSWERS_FILE = "questionnaire_answers.csv"
SCORES_FILE = "questionnaire_scores.csv"


@dataclass(frozen=True)
class ResearchExport:
    folder: Path
    files: dict[str, int]  # file name: rows
    people: int


class ResearchService(Service):
    def export(self, folder: Path, *, cohort_ids: list[uuid.UUID] | None = None) -> ResearchExport:
        """Write the data files and their codebook into ``folder``, replacing any an
        earlier export left there; never into the store folder, nor over anything but
        ordinary files."""
        self._require(Permission.EXPORT_RESEARCH)
        if not folder.is_dir():
            raise ValidationError(f"Choose a folder that exists ({folder} does not).")
        folder = self.output_folder(folder)
        targets = {
            name: self.output_path(folder / name, force=True)
            for name in (STORIES_FILE, ANSWERS_FILE, SCORES_FILE, CODEBOOK_FILE)
        }
        with self._store.read() as session:
            allowed = _Consents(session)
            scrubber = _scrubber(session)
            stories = _stories(session, allowed, cohort_ids, scrubber)
            answers, scores = _questionnaires(session, allowed, cohort_ids, scrubber)
            people = {row[0] for row in stories[1:]} | {row[0] for row in answers[1:]}
        tables = {STORIES_FILE: stories, ANSWERS_FILE: answers, SCORES_FILE: scores}
        tables[CODEBOOK_FILE] = codebook_rows({name: rows[0] for name, rows in tables.items()})
        written = {}
        for name, rows in tables.items():
            write_atomic(
                targets[name], csv_bytes(rows, for_excel=False), what="The research export"
            )
            written[name] = len(rows) - 1
        with self._store.write() as session:
            self._audit(
                session,
                "research.exported",
                rows=sum(n for name, n in written.items() if name != CODEBOOK_FILE),
                people=len(people),
                columns=f"{BASE_COLUMN} (prison, university or community) in every data file",
            )
        return ResearchExport(folder, written, len(people))


class _Consents:
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


def _scrubber(session: Session) -> NameScrubber:
    """Every name the store knows, by the research id of the person who has it."""
    return NameScrubber(
        {
            research_id: names_of(given, family, preferred)
            for research_id, given, family, preferred in session.execute(
                select(
                    Person.research_id, Person.given_name, Person.family_name, Person.preferred_name
                )
            )
        }
    )


def _cohort_labels(session: Session) -> dict[uuid.UUID, str]:
    return {
        cohort_id: f"{course_title}: {name}"
        for cohort_id, course_title, name in session.execute(
            select(Cohort.id, Course.title, Cohort.name).join(Course, Course.id == Cohort.course_id)
        )
    }


def _stories(
    session: Session,
    allowed: _Consents,
    cohort_ids: list[uuid.UUID] | None,
    scrubber: NameScrubber,
) -> list[list[object]]:
    questions = session.scalars(
        select(StoryQuestion).order_by(StoryQuestion.cohort_id, StoryQuestion.position)
    ).all()
    header: list[object] = ["research_id", BASE_COLUMN, "cohort", "week", "role", "story"]
    header += [f"q{n}: {q.text}" for n, q in enumerate(questions, start=1)]
    rows: list[list[object]] = [header]
    query = (
        select(Story, ClassSession, Person)
        .join(ClassSession, ClassSession.id == Story.session_id)
        .join(Person, Person.id == Story.person_id)
        .order_by(ClassSession.cohort_id, ClassSession.week, Person.research_id)
    )
    if cohort_ids is not None:
        query = query.where(ClassSession.cohort_id.in_(cohort_ids))
    roles = {(m.cohort_id, m.person_id): m.role.value for m in session.scalars(select(Membership))}
    labels = _cohort_labels(session)
    answered: dict[uuid.UUID, dict[uuid.UUID, str]] = defaultdict(dict)
    for story_id, question_id, answer in session.execute(
        select(StoryAnswer.story_id, StoryAnswer.question_id, StoryAnswer.answer)
    ):
        answered[story_id][question_id] = answer
    for story, class_session, person in session.execute(query).all():
        if not allowed.allows(person.id, ConsentScope.STORIES):
            continue
        answers = answered.get(story.id, {})
        row: list[object] = [
            person.research_id,
            person.base.value,
            labels[class_session.cohort_id],
            class_session.week,
            roles.get((class_session.cohort_id, person.id), ""),
            scrubber.scrub(story.text, writer=person.research_id),
        ]
        row += scrubber.scrub_all(
            (answers.get(q.id, "") for q in questions), writer=person.research_id
        )
        rows.append(row)
    return rows


def _questionnaires(
    session: Session,
    allowed: _Consents,
    cohort_ids: list[uuid.UUID] | None,
    scrubber: NameScrubber,
) -> tuple[list[list[object]], list[list[object]]]:
    answers: list[list[object]] = [
        [
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
    ]
    scores: list[list[object]] = [
        [
            "research_id",
            BASE_COLUMN,
            "cohort",
            "questionnaire",
            "phase",
            "score",
            "subscale",
            "subscale_score",
        ]
    ]
    templates = {
        t.id: template_info(session, t) for t in session.scalars(select(QuestionnaireTemplate))
    }
    query = (
        select(QuestionnaireResponse, Person, Cohort)
        .join(Person, Person.id == QuestionnaireResponse.person_id)
        .join(Cohort, Cohort.id == QuestionnaireResponse.cohort_id)
        .order_by(Cohort.name, Person.research_id, QuestionnaireResponse.phase)
    )
    if cohort_ids is not None:
        query = query.where(QuestionnaireResponse.cohort_id.in_(cohort_ids))
    labels = _cohort_labels(session)
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
    for response, person, cohort in session.execute(query).all():
        if not allowed.allows(person.id, ConsentScope.QUESTIONNAIRES):
            continue
        template = templates[response.template_id]
        given = given_by_response.get(response.id, {})
        common: list[object] = [
            person.research_id,
            person.base.value,
            labels[cohort.id],
            template.name,
            response.phase.value,
        ]
        for item in template.items:
            value = given.get(item.id) if item.id is not None else None
            likert = item.kind is ItemKind.LIKERT and isinstance(value, int)
            answers.append(
                common
                + [
                    item.position + 1,
                    item.text,
                    item.subscale,
                    int(item.reverse_scored),
                    value if likert else "",
                    scored(item, value) if likert else "",  # type: ignore[arg-type]
                    scrubber.scrub(str(value), writer=person.research_id)
                    if item.kind is ItemKind.FREE_TEXT and value
                    else "",
                ]
            )
        overall = score(template.items, given)
        scores.append(common + ["" if overall is None else round(overall, 3), "", ""])
        for subscale in sorted({i.subscale for i in template.likert_items if i.subscale}):
            part = score([i for i in template.items if i.subscale == subscale], given)
            scores.append(common + ["", subscale, "" if part is None else round(part, 3)])
    return answers, scores
