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
from lt_desktop.core.services.stationery import Logo, stationery_of
from lt_desktop.domain.errors import ValidationError
from lt_desktop.domain.roles import Permission
from lt_desktop.domain.vocabulary import ApplicationDecision, PersonBase, SiteKind
from lt_desktop.storage.models import Application, Cohort, Person, PrisonDetails


@dataclass(frozen=True)
class ApplicationLetter:
    """What a letter about an application says, in the same words for everyone.

    Only its address block can tell where the person is: a letter to someone in prison
    goes through the prison's mail, which needs their name, prison number and the
    prison's name (and nothing more of the prison-only details). Anyone else's block
    is their name alone: no postal address is kept.
    """

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
    #: Who it goes to, as the envelope and the top of the letter say it.
    address: tuple[str, ...] = ()
    #: The partnership's return address, and its logo (``services.stationery``).
    return_address: tuple[str, ...] = ()
    logo: Logo | None = None


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
        stationery = stationery_of(session, cohort.course.partnership_id)
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
            address=self._address(session, person, cohort.course.partnership.prison_name),
            return_address=tuple(stationery.return_address_lines),
            logo=stationery.logo,
        )

    def _address(self, session: Session, person: Person, prison_name: str) -> tuple[str, ...]:
        """Where the letter goes: in prison, the lines the prison's mail needs (full
        name, prison number where this prison site holds one, the prison's name);
        anyone else, their name."""
        name = f"{person.given_name} {person.family_name}".strip()
        if person.base is not PersonBase.PRISON:
            return (name,)
        number = ""
        if self.site_kind is SiteKind.PRISON and self.actor.may(Permission.VIEW_PRISON_DETAILS):
            number = (
                session.scalar(
                    select(PrisonDetails.prison_number).where(PrisonDetails.person_id == person.id)
                )
                or ""
            )
        return tuple(line for line in (name, number.strip(), prison_name) if line)
