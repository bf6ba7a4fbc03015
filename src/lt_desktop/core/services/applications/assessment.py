"""Assessing: each statement scored against the rubric by one or two assessors."""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from lt_desktop.core.services.applications.common import (
    HIGHEST_SCORE,
    LOWEST_SCORE,
    ApplicationsPart,
    and_list,
    application_reference,
)
from lt_desktop.core.services.applications.rubric import (
    CriterionInfo,
    criterion_info,
    ensure_default_rubric,
    rubric_criteria,
)
from lt_desktop.core.services.applications.scans import scans_of
from lt_desktop.core.services.essays import ScanInfo
from lt_desktop.core.services.settings import BLIND_ASSESSMENT, read_setting
from lt_desktop.domain.errors import PermissionDenied, ValidationError
from lt_desktop.domain.roles import Permission
from lt_desktop.domain.vocabulary import ApplicationDecision
from lt_desktop.storage.models import (
    Application,
    ApplicationScore,
    Attachment,
    Person,
    RubricCriterion,
)

#: How many assessors read each statement.
ASSESSORS_PER_APPLICATION = 2


#: Said wherever the rubric is shown: what an assessor must not weigh.
ASSESSMENT_NOTE = (
    "Score the motivation to learn that the statement shows. Previous qualifications, "
    "spelling and handwriting do not count, for or against."
)


@dataclass(frozen=True)
class Assessment:
    """One assessor's scores for one application."""

    assessor_id: uuid.UUID | None
    assessor_name: str
    scores: dict[uuid.UUID, int]
    notes: dict[uuid.UUID, str]
    total: int
    complete: bool


@dataclass(frozen=True)
class AssessmentItem:
    """An application in an assessor's list: a name only when assessment is not blind."""

    id: uuid.UUID
    reference: str
    name: str | None
    received_on: date
    my_total: int | None
    assessors: int


@dataclass(frozen=True)
class ApplicationToAssess:
    """What an assessor reads. With blind assessment on, the statement and its scans and
    nothing else: no name, nor anything that might say where the person is based."""

    id: uuid.UUID
    reference: str
    blind: bool
    name: str | None
    motivation_statement: str
    heard_about: str | None
    availability: str | None
    adjustments: str | None
    scans: list[ScanInfo]
    criteria: list[CriterionInfo]
    mine: Assessment | None
    other_assessors: int
    open: bool

    @property
    def may_score(self) -> bool:
        return self.open and (
            self.mine is not None or self.other_assessors < ASSESSORS_PER_APPLICATION
        )


class AssessmentPart(ApplicationsPart):
    """Scoring statements."""

    def assessment_list(self, cohort_id: uuid.UUID) -> list[AssessmentItem]:
        """The cohort's applications waiting for a decision, for an assessor; by reference
        only when assessment is blind."""
        self._require(Permission.ASSESS_APPLICATIONS)
        with self._store.read() as session:
            self._require_cohort_visible(session, cohort_id)
            blind = bool(read_setting(session, BLIND_ASSESSMENT))
            criteria = rubric_criteria(session)
            pairs = session.execute(
                select(Application, Person)
                .join(Person, Person.id == Application.person_id)
                .where(
                    Application.cohort_id == cohort_id,
                    Application.decision == ApplicationDecision.PENDING,
                )
            ).all()
            assessments = assessments_of(session, criteria, cohort_id=cohort_id)
            items = []
            for application, person in pairs:
                given = assessments.get(application.id, [])
                mine = next((a for a in given if self._is_mine(a)), None)
                items.append(
                    AssessmentItem(
                        id=application.id,
                        reference=application_reference(application.id),
                        name=None if blind else person.display_name,
                        received_on=application.received_on,
                        my_total=mine.total if mine is not None else None,
                        assessors=len(given),
                    )
                )
            # Blind lists go by reference, which follows no order of names or arrival.
            items.sort(
                key=lambda i: i.reference if blind else (i.received_on, i.name or "", i.reference)
            )
            return items

    def open_for_assessment(self, application_id: uuid.UUID) -> ApplicationToAssess:
        self._require(Permission.ASSESS_APPLICATIONS)
        with self._store.read() as session:
            return self._to_assess(session, self._get(session, application_id))

    def assessment_scan(self, application_id: uuid.UUID, scan_id: uuid.UUID) -> bytes:
        self._require(Permission.ASSESS_APPLICATIONS)
        with self._store.read() as session:
            application = self._get(session, application_id)
            scan = session.get(Attachment, scan_id)
            if scan is None or scan.application_id != application.id or scan.is_deleted:
                # Refused alike whether the scan is another application's or none at all.
                raise PermissionDenied("That scan is not part of this application.")
            return scan.data

    def score(
        self,
        application_id: uuid.UUID,
        scores: Mapping[uuid.UUID, int],
        notes: Mapping[uuid.UUID, str] | None = None,
    ) -> ApplicationToAssess:
        """This assessor's scores, one for every criterion of the rubric. They can be
        changed until a decision is made; no more than two assessors score a statement."""
        self._require(Permission.ASSESS_APPLICATIONS)
        notes = notes or {}
        with self._store.write() as session:
            application = self._get(session, application_id)
            if application.decision is not ApplicationDecision.PENDING:
                raise ValidationError(
                    "A decision has been made on this application, so its scores are final."
                )
            ensure_default_rubric(session)
            criteria = {c.id: c for c in rubric_criteria(session)}
            if not criteria:
                raise ValidationError("The rubric has no criteria; ask an administrator.")
            unknown = set(scores) - set(criteria)
            if unknown:
                raise ValidationError("The rubric has changed; open the application again.")
            missing = [c.name for c in criteria.values() if c.id not in scores]
            if missing:
                raise ValidationError(f"Give a score for {and_list(missing)}.")
            for value in scores.values():
                if not LOWEST_SCORE <= value <= HIGHEST_SCORE:
                    raise ValidationError(f"Each score is from {LOWEST_SCORE} to {HIGHEST_SCORE}.")
            given = assessments_of(session, criteria.values(), application_id=application.id).get(
                application.id, []
            )
            if not any(self._is_mine(a) for a in given) and len(given) >= (
                ASSESSORS_PER_APPLICATION
            ):
                raise ValidationError(
                    f"This application has been assessed by {ASSESSORS_PER_APPLICATION} "
                    "people already."
                )
            rows: dict[uuid.UUID, ApplicationScore] = {}
            for row in session.scalars(
                select(ApplicationScore).where(ApplicationScore.application_id == application.id)
            ):
                mine = row.assessor_id == self.actor.user_id or (
                    row.assessor_id is None and row.assessor_name == self.actor.display_name
                )
                if mine:
                    rows[row.criterion_id] = row
                elif row.assessor_name == self.actor.display_name:
                    raise ValidationError(
                        "Another assessor with your name has scored this application; ask an "
                        "administrator to tell your two accounts apart by name."
                    )
            changed = bool(rows)
            for criterion_id, value in scores.items():
                score = rows.get(criterion_id)
                if score is None:
                    score = ApplicationScore(
                        application_id=application.id, criterion_id=criterion_id
                    )
                    session.add(score)
                score.assessor_id = self.actor.user_id
                score.assessor_name = self.actor.display_name
                score.score = int(value)
                score.notes = notes.get(criterion_id, "").strip()
            session.flush()
            self._audit(
                session,
                "application.rescored" if changed else "application.scored",
                "application",
                application.id,
                reference=application_reference(application.id),
                total=sum(int(v) for v in scores.values()),
            )
            return self._to_assess(session, application)

    def _is_mine(self, assessment: Assessment) -> bool:
        if assessment.assessor_id is not None:
            return assessment.assessor_id == self.actor.user_id
        return assessment.assessor_name == self.actor.display_name

    def _to_assess(self, session: Session, application: Application) -> ApplicationToAssess:
        blind = bool(read_setting(session, BLIND_ASSESSMENT))
        criteria = rubric_criteria(session)
        given = assessments_of(session, criteria, application_id=application.id).get(
            application.id, []
        )
        mine = next((a for a in given if self._is_mine(a)), None)
        reference = application_reference(application.id)
        person = None if blind else session.get(Person, application.person_id)
        return ApplicationToAssess(
            id=application.id,
            reference=reference,
            blind=blind,
            name=None if person is None else person.display_name,
            motivation_statement=application.motivation_statement,
            heard_about=None if blind else application.heard_about,
            availability=None if blind else application.availability,
            adjustments=None if blind else application.adjustments,
            scans=scans_of(session, application.id, blind_as=reference if blind else None),
            criteria=[criterion_info(c) for c in criteria],
            mine=mine,
            other_assessors=sum(1 for a in given if a is not mine),
            open=application.decision is ApplicationDecision.PENDING,
        )


def assessments_of(
    session: Session,
    criteria: Iterable[RubricCriterion],
    *,
    cohort_id: uuid.UUID | None = None,
    application_id: uuid.UUID | None = None,
) -> dict[uuid.UUID, list[Assessment]]:
    """The assessments of a cohort's applications (or of one), one per assessor, counted
    against the rubric as it is now."""
    active = {c.id for c in criteria}
    query = select(
        ApplicationScore.application_id,
        ApplicationScore.assessor_id,
        ApplicationScore.assessor_name,
        ApplicationScore.criterion_id,
        ApplicationScore.score,
        ApplicationScore.notes,
    )
    if cohort_id is not None:
        query = query.join(Application, Application.id == ApplicationScore.application_id).where(
            Application.cohort_id == cohort_id
        )
    if application_id is not None:
        query = query.where(ApplicationScore.application_id == application_id)
    grouped: dict[uuid.UUID, dict[tuple[uuid.UUID | None, str], list[tuple[Any, ...]]]] = (
        defaultdict(lambda: defaultdict(list))
    )
    for found, assessor_id, assessor_name, *score in session.execute(query):
        grouped[found][(assessor_id, assessor_name)].append(tuple(score))
    result: dict[uuid.UUID, list[Assessment]] = {}
    for found, by_assessor in grouped.items():
        assessments = []
        for (assessor_id, assessor_name), scores in by_assessor.items():
            counted = [(c, value, note) for c, value, note in scores if c in active]
            assessments.append(
                Assessment(
                    assessor_id=assessor_id,
                    assessor_name=assessor_name,
                    scores={c: value for c, value, _ in counted},
                    notes={c: note for c, _, note in counted if note},
                    total=sum(value for _, value, _ in counted),
                    complete=bool(active) and {c for c, _, _ in counted} == active,
                )
            )
        assessments.sort(key=lambda a: a.assessor_name.casefold())
        result[found] = assessments
    return result
