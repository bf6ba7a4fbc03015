"""The letters that tell applicants what was decided."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from lt_desktop.core.services.applications.common import ApplicationsPart
from lt_desktop.core.services.applications.decisions import (
    DECISIONS,
    REPLY_ONCE_STARTED,
    REPLY_WITHIN,
)
from lt_desktop.core.services.base import get_or_not_found
from lt_desktop.domain.errors import ValidationError
from lt_desktop.domain.roles import Permission
from lt_desktop.domain.vocabulary import ApplicationDecision
from lt_desktop.storage.models import Application, Cohort, Person


@dataclass(frozen=True)
class ApplicationLetter:
    """What a letter about an application says. Deliberately nothing about where the
    person is based, and none of the prison-only details."""

    kind: ApplicationDecision
    name: str
    first_name: str
    course_title: str
    cohort_name: str
    partnership_name: str
    starts_on: date
    ends_on: date
    written_on: date
    reply_by: date | None
    reason: str
    signed_by: str


class LettersPart(ApplicationsPart):
    """Letters to applicants."""

    def letter(self, application_id: uuid.UUID) -> ApplicationLetter:
        self._require(Permission.MANAGE_APPLICATIONS)
        with self._store.read() as session:
            return self._letter(session, self._get(session, application_id))

    def letters(
        self, cohort_id: uuid.UUID, decision: ApplicationDecision
    ) -> list[ApplicationLetter]:
        """A letter for everyone in the cohort with this decision, in name order."""
        self._require(Permission.MANAGE_APPLICATIONS)
        if decision not in DECISIONS:
            raise ValidationError("Letters are written for offers, the waiting list and declines.")
        with self._store.read() as session:
            self._require_cohort_visible(session, cohort_id)
            applications = session.scalars(
                select(Application)
                .join(Person, Person.id == Application.person_id)
                .where(Application.cohort_id == cohort_id, Application.decision == decision)
                .order_by(Person.family_name, Person.given_name)
            ).all()
            return [self._letter(session, a) for a in applications]

    def _letter(self, session: Session, application: Application) -> ApplicationLetter:
        if application.decision not in DECISIONS:
            raise ValidationError(
                "Letters are written once the application is offered a place, put on the "
                "waiting list or declined."
            )
        person = get_or_not_found(session, Person, application.person_id, "person")
        cohort = get_or_not_found(session, Cohort, application.cohort_id, "cohort")
        written_on = application.decided_on or date.today()
        reply_by = None
        if application.decision is ApplicationDecision.OFFERED:
            if written_on < cohort.starts_on:  # an answer before the first session
                reply_by = max(
                    written_on + timedelta(days=1),
                    min(written_on + REPLY_WITHIN, cohort.starts_on - timedelta(days=1)),
                )
            else:  # a place freed once the course is under way: a week to answer
                reply_by = written_on + REPLY_ONCE_STARTED
        return ApplicationLetter(
            kind=application.decision,
            name=person.display_name,
            first_name=person.preferred_name or person.given_name,
            course_title=cohort.course.title,
            cohort_name=cohort.name,
            partnership_name=cohort.course.partnership.name,
            starts_on=cohort.starts_on,
            ends_on=cohort.ends_on,
            written_on=written_on,
            reply_by=reply_by,
            reason=application.decision_reason,
            signed_by=self.actor.display_name,
        )
