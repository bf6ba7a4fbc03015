"""The one rule every piece of research data passes: consent for that kind of data."""

from __future__ import annotations

import uuid
from datetime import date

from sqlalchemy.orm import Session

from lt_desktop.core.services.consent import current_consent
from lt_desktop.domain.errors import ConsentMissing
from lt_desktop.domain.vocabulary import ConsentScope
from lt_desktop.storage.models import Person


def consent_problem(session: Session, person_id: uuid.UUID, scope: ConsentScope) -> str | None:
    """Why research data of this kind cannot be kept for the person, or None."""
    record = current_consent(session, person_id, scope)
    person = session.get(Person, person_id)
    name = person.display_name if person else "This person"
    if record is None:
        return f"{name} has not consented to {scope.label.lower()}."
    if record.withdrawn_on is not None:
        return (
            f"{name} withdrew consent for {scope.label.lower()} on {record.withdrawn_on:%d %b %Y}."
        )
    return None


def require_consent(
    session: Session, person_id: uuid.UUID, scope: ConsentScope, on: date | None = None
) -> None:
    problem = consent_problem(session, person_id, scope)
    if problem is not None:
        raise ConsentMissing(problem + " Nothing was saved.")
    record = current_consent(session, person_id, scope)
    if on is not None and record is not None and on < record.given_on:
        raise ConsentMissing(
            f"Consent for {scope.label.lower()} was given on {record.given_on:%d %b %Y}, after "
            "this was written. Nothing was saved."
        )
