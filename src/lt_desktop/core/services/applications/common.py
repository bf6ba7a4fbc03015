"""What every part of the applications service shares: scores, references and
finding an application."""

from __future__ import annotations

import uuid

from sqlalchemy.orm import Session

from lt_desktop.core.services.base import Service, get_or_not_found
from lt_desktop.storage.models import Application

LOWEST_SCORE, HIGHEST_SCORE = 1, 5


_REFERENCE_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"


def application_reference(application_id: uuid.UUID) -> str:
    """What an application is called where names are hidden. Drawn from its random id,
    so it says nothing about the applicant or the order applications came in."""
    bits = application_id.int >> 88  # the first 40 bits, all random in a version-4 id
    return "A-" + "".join(_REFERENCE_ALPHABET[(bits >> shift) & 31] for shift in range(35, -1, -5))


class ApplicationsPart(Service):
    """What each part of the service is built on: finding an application this account may see."""

    def _get(self, session: Session, application_id: uuid.UUID) -> Application:
        application = get_or_not_found(session, Application, application_id, "application")
        self._require_cohort_visible(session, application.cohort_id)
        return application


def and_list(words: list[str]) -> str:
    return words[0] if len(words) == 1 else ", ".join(words[:-1]) + " and " + words[-1]
