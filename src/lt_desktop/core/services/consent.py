"""Consent to take part in research, per person and per kind of data."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from lt_desktop.core.services.base import Service, get_or_not_found
from lt_desktop.domain.errors import ConflictError, ValidationError
from lt_desktop.domain.roles import Permission
from lt_desktop.domain.vocabulary import ConsentScope, PersonBase
from lt_desktop.storage.models import Consent, Person


@dataclass(frozen=True)
class ConsentState:
    scope: ConsentScope
    given_on: date | None
    withdrawn_on: date | None
    form_reference: str

    @property
    def active(self) -> bool:
        return self.given_on is not None and self.withdrawn_on is None

    def describe(self) -> str:
        if self.given_on is None:
            return "Not given"
        if self.withdrawn_on is not None:
            return f"Withdrawn {self.withdrawn_on:%d %b %Y}"
        return f"Given {self.given_on:%d %b %Y}"


def current_consent(session: Session, person_id: uuid.UUID, scope: ConsentScope) -> Consent | None:
    """The person's latest consent record for ``scope`` (withdrawn or not).

    What is sent to partner sites follows the same rule (``sync.outgoing.consenting``):
    keep the two in step. The id settles a tie the same way at every site.
    """
    return session.scalars(
        select(Consent)
        .where(Consent.person_id == person_id, Consent.scope == scope)
        .order_by(Consent.given_on.desc(), Consent.created_at.desc(), Consent.id.desc())
        .limit(1)
    ).first()


def has_consent(
    session: Session, person_id: uuid.UUID, scope: ConsentScope, on: date | None = None
) -> bool:
    record = current_consent(session, person_id, scope)
    if record is None or record.withdrawn_on is not None:
        return False
    return on is None or record.given_on <= on


def _forget_contact_details(session: Session, person_id: uuid.UUID) -> None:
    """Without consent to keep in touch, a prison-based learner's email is not kept.
    Blanking it makes a new version of the person, so every site that holds it
    blanks it too."""
    person = session.get(Person, person_id)
    if person is not None and person.base is PersonBase.PRISON and person.email:
        person.email = ""


class ConsentService(Service):
    def states(self, person_id: uuid.UUID) -> list[ConsentState]:
        self._require_any(Permission.RECORD_CONSENT, Permission.ENTER_RESEARCH_DATA)
        with self._store.read() as session:
            self._require_person_visible(session, person_id)
            get_or_not_found(session, Person, person_id, "person")
            result = []
            for scope in ConsentScope:
                record = current_consent(session, person_id, scope)
                result.append(
                    ConsentState(scope, None, None, "")
                    if record is None
                    else ConsentState(
                        scope, record.given_on, record.withdrawn_on, record.form_reference
                    )
                )
            return result

    def record(
        self, person_id: uuid.UUID, scope: ConsentScope, *, given_on: date, form_reference: str = ""
    ) -> ConsentState:
        self._require(Permission.RECORD_CONSENT)
        with self._store.write() as session:
            self._require_person_visible(session, person_id)
            get_or_not_found(session, Person, person_id, "person")
            if has_consent(session, person_id, scope):
                raise ConflictError(f"Consent for {scope.label.lower()} is already recorded.")
            session.add(
                Consent(
                    person_id=person_id,
                    scope=scope,
                    given_on=given_on,
                    form_reference=form_reference.strip(),
                    recorded_by_name=self.actor.display_name,
                )
            )
            self._audit(session, "consent.given", "person", person_id, scope=scope.value)
            return ConsentState(scope, given_on, None, form_reference.strip())

    def withdraw(self, person_id: uuid.UUID, scope: ConsentScope, *, on: date) -> ConsentState:
        """Withdrawal takes effect for everything exported from now on.

        Every standing record of this consent is withdrawn, not only the latest: the
        same form may have been entered at two sites (the education department and a
        facilitator's laptop), and an older record left standing would come back as
        current should the newer one be removed.
        """
        self._require(Permission.RECORD_CONSENT)
        with self._store.write() as session:
            self._require_person_visible(session, person_id)
            record = current_consent(session, person_id, scope)
            if record is None or record.withdrawn_on is not None:
                raise ValidationError(f"There is no consent for {scope.label.lower()} to withdraw.")
            if on < record.given_on:
                raise ValidationError("Consent cannot be withdrawn before it was given.")
            standing = session.scalars(
                select(Consent).where(
                    Consent.person_id == person_id,
                    Consent.scope == scope,
                    Consent.withdrawn_on.is_(None),
                )
            )
            for each in standing:
                each.withdrawn_on = max(on, each.given_on)
                each.withdrawal_recorded_by_name = self.actor.display_name
            if scope is ConsentScope.CONTACT_AFTER_RELEASE:
                _forget_contact_details(session, person_id)
            self._audit(session, "consent.withdrawn", "person", person_id, scope=scope.value)
            return ConsentState(scope, record.given_on, on, record.form_reference)
