"""Pre- and post-course questionnaires: templates, entry from paper, and the change
over the course for each person and for the cohort."""

from __future__ import annotations

import math
import statistics
import uuid
from dataclasses import dataclass, field
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
    ItemKind,
    MembershipRole,
    QuestionnairePhase,
)
from lt_desktop.storage.database import INCLUDE_DELETED
from lt_desktop.storage.models import (
    Cohort,
    QuestionnaireAnswer,
    QuestionnaireItem,
    QuestionnaireResponse,
    QuestionnaireTemplate,
    utc_now,
)

SCALES = (5, 7)
# Two-sided 95% points of Student's t, for the paired change's confidence interval.
_T95 = [
    12.706,
    4.303,
    3.182,
    2.776,
    2.571,
    2.447,
    2.365,
    2.306,
    2.262,
    2.228,
    2.201,
    2.179,
    2.160,
    2.145,
    2.131,
    2.120,
    2.110,
    2.101,
    2.093,
    2.086,
    2.080,
    2.074,
    2.069,
    2.064,
    2.060,
    2.056,
    2.052,
    2.048,
    2.045,
    2.042,
]


@dataclass(frozen=True)
class ItemInfo:
    id: uuid.UUID | None
    position: int
    text: str
    kind: ItemKind
    scale_points: int | None = 5
    reverse_scored: bool = False
    subscale: str = ""


@dataclass(frozen=True)
class TemplateInfo:
    id: uuid.UUID
    name: str
    description: str
    items: list[ItemInfo]

    @property
    def likert_items(self) -> list[ItemInfo]:
        return [i for i in self.items if i.kind is ItemKind.LIKERT]


@dataclass(frozen=True)
class GridRow:
    person_id: uuid.UUID
    display_name: str
    consent_problem: str | None
    completed_on: date | None
    answers: dict[uuid.UUID, int | str]


@dataclass(frozen=True)
class Grid:
    template: TemplateInfo
    cohort_id: uuid.UUID
    phase: QuestionnairePhase
    rows: list[GridRow]


@dataclass(frozen=True)
class PersonChange:
    person_id: uuid.UUID
    display_name: str
    pre: float | None
    post: float | None

    @property
    def change(self) -> float | None:
        return None if self.pre is None or self.post is None else self.post - self.pre


@dataclass(frozen=True)
class Summary:
    """Paired change: only people with both a pre and a post score count."""

    pairs: int
    mean_pre: float | None
    mean_post: float | None
    mean_change: float | None
    sd_change: float | None
    ci_low: float | None
    ci_high: float | None


@dataclass(frozen=True)
class Comparison:
    template: TemplateInfo
    people: list[PersonChange]
    overall: Summary
    subscales: dict[str, Summary] = field(default_factory=dict)


def template_info(session: Session, template: QuestionnaireTemplate) -> TemplateInfo:
    items = session.scalars(
        select(QuestionnaireItem)
        .where(QuestionnaireItem.template_id == template.id)
        .order_by(QuestionnaireItem.position)
    )
    return TemplateInfo(
        template.id,
        template.name,
        template.description,
        [
            ItemInfo(i.id, i.position, i.text, i.kind, i.scale_points, i.reverse_scored, i.subscale)
            for i in items
        ],
    )


def scored(item: ItemInfo, value: int) -> int:
    """A Likert answer as it counts: reverse-scored items are turned round."""
    assert item.scale_points is not None
    return item.scale_points + 1 - value if item.reverse_scored else value


def score(items: list[ItemInfo], answers: dict[uuid.UUID, int | str]) -> float | None:
    """The mean scored answer over the Likert items, if at least half were answered."""
    likert = [i for i in items if i.kind is ItemKind.LIKERT and i.id is not None]
    values = [
        scored(item, value)
        for item in likert
        if item.id is not None and isinstance(value := answers.get(item.id), int)
    ]
    if not likert or len(values) * 2 < len(likert):
        return None
    return sum(values) / len(values)


def summarise(people: list[tuple[float | None, float | None]]) -> Summary:
    pairs = [(pre, post) for pre, post in people if pre is not None and post is not None]
    if not pairs:
        return Summary(0, None, None, None, None, None, None)
    changes = [post - pre for pre, post in pairs]
    mean_change = statistics.fmean(changes)
    sd = statistics.stdev(changes) if len(changes) > 1 else None
    low = high = None
    if sd is not None:
        t = _T95[len(changes) - 2] if len(changes) - 1 <= len(_T95) else 1.96
        margin = t * sd / math.sqrt(len(changes))
        low, high = mean_change - margin, mean_change + margin
    return Summary(
        len(pairs),
        statistics.fmean(p for p, _ in pairs),
        statistics.fmean(q for _, q in pairs),
        mean_change,
        sd,
        low,
        high,
    )


class QuestionnaireService(Service):
    def templates(self) -> list[TemplateInfo]:
        self._require_any(Permission.ENTER_RESEARCH_DATA, Permission.SET_RESEARCH_QUESTIONS)
        with self._store.read() as session:
            return [
                template_info(session, t)
                for t in session.scalars(
                    select(QuestionnaireTemplate).order_by(QuestionnaireTemplate.name)
                )
            ]

    def save_template(
        self,
        template_id: uuid.UUID | None,
        *,
        name: str,
        description: str,
        items: list[ItemInfo],
    ) -> TemplateInfo:
        """Create or edit a template. Items already answered keep their meaning: their
        kind, scale and scoring cannot change, and they cannot be removed."""
        self._require(Permission.SET_RESEARCH_QUESTIONS)
        if not name.strip():
            raise ValidationError("Give the questionnaire a name.")
        if not items:
            raise ValidationError("A questionnaire needs at least one item.")
        for item in items:
            if not item.text.strip():
                raise ValidationError("Every item needs its wording.")
            if item.kind is ItemKind.LIKERT and item.scale_points not in SCALES:
                raise ValidationError("A scale has 5 or 7 points.")
        with self._store.write() as session:
            if template_id is None:
                template = QuestionnaireTemplate(name=name.strip(), description=description)
                session.add(template)
                session.flush()
            else:
                template = get_or_not_found(
                    session, QuestionnaireTemplate, template_id, "questionnaire"
                )
                template.name, template.description = name.strip(), description
            existing = {
                i.id: i
                for i in session.scalars(
                    select(QuestionnaireItem).where(QuestionnaireItem.template_id == template.id)
                )
            }
            answered = set(
                session.scalars(
                    select(QuestionnaireAnswer.item_id).where(
                        QuestionnaireAnswer.item_id.in_(list(existing))
                    )
                )
            )
            kept = {i.id for i in items if i.id is not None}
            for gone in set(existing) - kept:
                if gone in answered:
                    raise ValidationError(
                        f"“{existing[gone].text}” has answers, so it cannot be removed."
                    )
                existing[gone].deleted_at = existing[gone].deleted_at or utc_now()
            for position, item in enumerate(items):
                row = existing.get(item.id) if item.id is not None else None
                if row is None:
                    row = QuestionnaireItem(
                        template_id=template.id, position=position, text=item.text, kind=item.kind
                    )
                    session.add(row)
                elif row.id in answered and (row.kind, row.scale_points, row.reverse_scored) != (
                    item.kind,
                    item.scale_points,
                    item.reverse_scored,
                ):
                    raise ValidationError(
                        f"“{row.text}” has answers, so its scale and scoring cannot change."
                    )
                row.position, row.text, row.kind = position, item.text.strip(), item.kind
                row.scale_points = item.scale_points if item.kind is ItemKind.LIKERT else None
                row.reverse_scored = item.reverse_scored and item.kind is ItemKind.LIKERT
                row.subscale = item.subscale.strip()
            session.flush()
            self._audit(session, "questionnaire.saved", "questionnaire", template.id)
            return template_info(session, template)

    def grid(self, template_id: uuid.UUID, cohort_id: uuid.UUID, phase: QuestionnairePhase) -> Grid:
        """The cohort's students, one row each, with any answers already entered."""
        self._require(Permission.ENTER_RESEARCH_DATA)
        with self._store.read() as session:
            self._require_cohort_visible(session, cohort_id)
            template = template_info(
                session,
                get_or_not_found(session, QuestionnaireTemplate, template_id, "questionnaire"),
            )
            responses = {
                r.person_id: r
                for r in session.scalars(
                    select(QuestionnaireResponse).where(
                        QuestionnaireResponse.template_id == template_id,
                        QuestionnaireResponse.cohort_id == cohort_id,
                        QuestionnaireResponse.phase == phase,
                    )
                )
            }
            rows = []
            for member in member_infos(session, cohort_id):
                if member.role is not MembershipRole.STUDENT:
                    continue
                response = responses.get(member.person_id)
                rows.append(
                    GridRow(
                        member.person_id,
                        member.display_name,
                        consent_problem(session, member.person_id, ConsentScope.QUESTIONNAIRES),
                        response.completed_on if response else None,
                        _answers(session, response.id) if response else {},
                    )
                )
            return Grid(template, cohort_id, phase, rows)

    def save_response(
        self,
        template_id: uuid.UUID,
        cohort_id: uuid.UUID,
        person_id: uuid.UUID,
        phase: QuestionnairePhase,
        answers: dict[uuid.UUID, int | str | None],
        *,
        completed_on: date | None = None,
    ) -> dict[uuid.UUID, int | str]:
        """Keep one person's answers from their paper form. Refused without consent."""
        self._require(Permission.ENTER_RESEARCH_DATA)
        with self._store.write() as session:
            self._require_cohort_visible(session, cohort_id)
            get_or_not_found(session, Cohort, cohort_id, "cohort")
            template = template_info(
                session,
                get_or_not_found(session, QuestionnaireTemplate, template_id, "questionnaire"),
            )
            self._require_person_visible(session, person_id)
            require_consent(session, person_id, ConsentScope.QUESTIONNAIRES, completed_on)
            items = {i.id: i for i in template.items}
            for item_id, value in answers.items():
                item = items.get(item_id)
                if item is None:
                    raise ValidationError("An answer is to an item not in this questionnaire.")
                if value is None or item.kind is ItemKind.FREE_TEXT:
                    continue
                if not isinstance(value, int) or not 1 <= value <= (item.scale_points or 0):
                    raise ValidationError(
                        f"Item {item.position + 1} takes a number from 1 to {item.scale_points}."
                    )
            response = session.scalars(
                select(QuestionnaireResponse)
                .where(
                    QuestionnaireResponse.template_id == template_id,
                    QuestionnaireResponse.cohort_id == cohort_id,
                    QuestionnaireResponse.person_id == person_id,
                    QuestionnaireResponse.phase == phase,
                )
                .execution_options(**{INCLUDE_DELETED: True})
            ).first()
            if response is None:
                response = QuestionnaireResponse(
                    template_id=template_id, cohort_id=cohort_id, person_id=person_id, phase=phase
                )
                session.add(response)
            response.deleted_at = None
            response.completed_on = completed_on
            response.entered_by_name = self.actor.display_name
            session.flush()
            existing = {
                a.item_id: a
                for a in session.scalars(
                    select(QuestionnaireAnswer)
                    .where(QuestionnaireAnswer.response_id == response.id)
                    .execution_options(**{INCLUDE_DELETED: True})
                )
            }
            for item_id, value in answers.items():
                row = existing.get(item_id)
                if row is None:
                    row = QuestionnaireAnswer(response_id=response.id, item_id=item_id)
                    session.add(row)
                row.deleted_at = None
                if items[item_id].kind is ItemKind.FREE_TEXT:
                    row.value, row.text = None, str(value or "").strip()
                else:
                    row.value, row.text = (value if isinstance(value, int) else None), ""
            session.flush()
            return _answers(session, response.id)

    def comparison(self, template_id: uuid.UUID, cohort_id: uuid.UUID) -> Comparison:
        """Each student's score before and after, and the cohort's paired change."""
        self._require(Permission.ENTER_RESEARCH_DATA)
        with self._store.read() as session:
            self._require_cohort_visible(session, cohort_id)
            template = template_info(
                session,
                get_or_not_found(session, QuestionnaireTemplate, template_id, "questionnaire"),
            )
            by_person: dict[uuid.UUID, dict[QuestionnairePhase, dict[uuid.UUID, int | str]]] = {}
            for response in session.scalars(
                select(QuestionnaireResponse).where(
                    QuestionnaireResponse.template_id == template_id,
                    QuestionnaireResponse.cohort_id == cohort_id,
                )
            ):
                by_person.setdefault(response.person_id, {})[response.phase] = _answers(
                    session, response.id
                )
            names = {m.person_id: m.display_name for m in member_infos(session, cohort_id)}
        people = []
        for person_id, phases in by_person.items():
            people.append(
                PersonChange(
                    person_id,
                    names.get(person_id, ""),
                    score(template.items, phases.get(QuestionnairePhase.PRE, {})),
                    score(template.items, phases.get(QuestionnairePhase.POST, {})),
                )
            )
        people.sort(key=lambda p: p.display_name.casefold())
        subscales = {}
        for subscale in sorted({i.subscale for i in template.likert_items if i.subscale}):
            items = [i for i in template.items if i.subscale == subscale]
            subscales[subscale] = summarise(
                [
                    (
                        score(items, phases.get(QuestionnairePhase.PRE, {})),
                        score(items, phases.get(QuestionnairePhase.POST, {})),
                    )
                    for phases in by_person.values()
                ]
            )
        return Comparison(template, people, summarise([(p.pre, p.post) for p in people]), subscales)


def _answers(session: Session, response_id: uuid.UUID) -> dict[uuid.UUID, int | str]:
    result: dict[uuid.UUID, int | str] = {}
    for answer in session.scalars(
        select(QuestionnaireAnswer).where(QuestionnaireAnswer.response_id == response_id)
    ):
        if answer.value is not None:
            result[answer.item_id] = answer.value
        elif answer.text:
            result[answer.item_id] = answer.text
    return result
