"""Erasing one kind of a person's data about one cohort (what a retention schedule
removes): exactly that goes, as tombstones with their text blank, and the erasure is
kept to travel; the person and the rest of their record stay."""

from __future__ import annotations

import uuid
from pathlib import Path

import pytest
from sqlalchemy import func, select

from lt_desktop.core.services.erasure import ErasureCount, ErasureRequest
from lt_desktop.core.sign_in import sign_in
from lt_desktop.core.workspace import Workspace
from lt_desktop.domain.errors import PermissionDenied, ValidationError
from lt_desktop.domain.vocabulary import ErasureReason, ErasureScope, PersonBase
from lt_desktop.storage.database import INCLUDE_DELETED
from lt_desktop.storage.models import (
    Application,
    AttendanceMark,
    AuditEntry,
    ClassSession,
    Erasure,
    Person,
    QuestionnaireResponse,
    Story,
)


def _writer_in_two_cohorts(demo: Workspace) -> tuple[uuid.UUID, uuid.UUID, uuid.UUID]:
    """A person with stories in two cohorts: them, the cohort to erase, the other."""
    with demo.store.read() as session:
        rows = session.execute(
            select(Story.person_id, ClassSession.cohort_id, func.count())
            .join(ClassSession, ClassSession.id == Story.session_id)
            .group_by(Story.person_id, ClassSession.cohort_id)
        ).all()
    cohorts: dict[uuid.UUID, list[uuid.UUID]] = {}
    for person_id, cohort_id, _ in rows:
        cohorts.setdefault(person_id, []).append(cohort_id)
    person_id, (first, second, *_) = next((p, c) for p, c in cohorts.items() if len(c) >= 2)
    return person_id, first, second


def _stories(demo: Workspace, person_id: uuid.UUID, cohort_id: uuid.UUID) -> list[Story]:
    with demo.store.read() as session:
        return list(
            session.scalars(
                select(Story)
                .join(ClassSession, ClassSession.id == Story.session_id)
                .where(Story.person_id == person_id, ClassSession.cohort_id == cohort_id)
                .execution_options(**{INCLUDE_DELETED: True})
            )
        )


def test_research_data_of_one_cohort_goes_and_nothing_else(demo: Workspace) -> None:
    person_id, erased_cohort, kept_cohort = _writer_in_two_cohorts(demo)
    kept_before = [(s.id, s.text) for s in _stories(demo, person_id, kept_cohort)]
    with demo.store.read() as session:
        responses = session.scalar(
            select(func.count())
            .select_from(QuestionnaireResponse)
            .where(
                QuestionnaireResponse.person_id == person_id,
                QuestionnaireResponse.cohort_id == erased_cohort,
            )
        )
        marks_before = session.scalar(
            select(func.count())
            .select_from(AttendanceMark)
            .where(AttendanceMark.person_id == person_id)
        )
    request = ErasureRequest(person_id, ErasureScope.RESEARCH_DATA, erased_cohort)
    stories = len(_stories(demo, person_id, erased_cohort))

    preview = dict((c.words, c.count) for c in demo.erasure.preview_requests([request]))
    assert preview["stories"] == stories > 0
    assert preview.get("questionnaire responses", 0) == responses
    assert "register marks" not in preview and "person record" not in preview

    erased = demo.erasure.erase_requests([request], reason=ErasureReason.RETENTION)

    assert dict((c.words, c.count) for c in erased) == preview
    for story in _stories(demo, person_id, erased_cohort):
        assert story.deleted_at is not None and story.text == "" and story.written_on is None
    assert [(s.id, s.text) for s in _stories(demo, person_id, kept_cohort)] == kept_before
    with demo.store.read() as session:
        assert session.get(Person, person_id) is not None
        assert marks_before == session.scalar(
            select(func.count())
            .select_from(AttendanceMark)
            .where(AttendanceMark.person_id == person_id)
        )
        (erasure,) = session.scalars(select(Erasure)).all()
        assert (erasure.person_id, erasure.scope, erasure.cohort_id, erasure.reason) == (
            person_id,
            ErasureScope.RESEARCH_DATA,
            erased_cohort,
            ErasureReason.RETENTION,
        )
        person = session.get(Person, person_id)
        assert person is not None
        # It travels when made at the person's home side (this demo is a prison);
        # otherwise it holds here only.
        assert erasure.travels is (person.base is PersonBase.PRISON)
        audit = session.scalars(
            select(AuditEntry).where(AuditEntry.action == "person.data_erased")
        ).one()
        assert audit.subject_id == person.research_id
        assert person.family_name not in audit.details


def test_an_application_goes_with_its_scores_and_the_person_stays(demo: Workspace) -> None:
    with demo.store.read() as session:
        application = session.scalars(select(Application)).first()
        assert application is not None
        person_id, cohort_id = application.person_id, application.cohort_id
    request = ErasureRequest(person_id, ErasureScope.APPLICATION, cohort_id)
    counts = demo.erasure.erase_requests([request], reason=ErasureReason.RETENTION)
    assert ErasureCount("applications", 1) in counts
    with demo.store.read() as session:
        gone = session.scalars(
            select(Application)
            .where(Application.id == application.id)
            .execution_options(**{INCLUDE_DELETED: True})
        ).one()
        assert gone.deleted_at is not None and gone.motivation_statement == ""
        assert session.get(Person, person_id) is not None


def test_a_scoped_erasure_needs_its_cohort(demo: Workspace) -> None:
    with demo.store.read() as session:
        person_id = session.scalars(select(Person.id)).first()
    assert person_id is not None
    with pytest.raises(ValidationError, match="needs a cohort"):
        demo.erasure.preview_requests([ErasureRequest(person_id, ErasureScope.INTERVIEWS)])


def test_only_those_who_may_erase_people_may_erase_for_retention(demo_dir: Path) -> None:
    with sign_in(demo_dir, "demo", "demo") as demo:
        person_id, cohort_id, _ = _writer_in_two_cohorts(demo)
    request = ErasureRequest(person_id, ErasureScope.RESEARCH_DATA, cohort_id)
    with sign_in(demo_dir, "facilitator", "demo") as facilitator:
        with pytest.raises(PermissionDenied):
            facilitator.erasure.erase_requests([request], reason=ErasureReason.RETENTION)
