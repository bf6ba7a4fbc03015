"""What every part of the graduation service shares: counts, titles, checked text,
and finding a ceremony this account may see."""

from __future__ import annotations

import uuid

from sqlalchemy import select
from sqlalchemy.orm import Session

from lt_desktop.core.services.base import Service, get_or_not_found
from lt_desktop.domain.errors import ValidationError
from lt_desktop.storage.models import Cohort, GraduationCohort, GraduationEvent


class GraduationPart(Service):
    """What each part of the service is built on: finding a ceremony this account may see."""

    def _event(self, session: Session, event_id: uuid.UUID) -> GraduationEvent:
        event = get_or_not_found(session, GraduationEvent, event_id, "graduation")
        for cohort_id in cohort_ids_of(session, event_id):
            self._require_cohort_visible(session, cohort_id)
        return event


def how_many(n: int, one: str, many: str | None = None) -> str:
    if n == 1:
        return f"1 {one}"
    if many is None:
        many = one + "s"
    return f"{n} {many}"


def title_of(cohort: Cohort) -> str:
    return f"{cohort.course.title}: {cohort.name}"


def cohort_ids_of(session: Session, event_id: uuid.UUID) -> list[uuid.UUID]:
    return list(
        session.scalars(
            select(GraduationCohort.cohort_id).where(GraduationCohort.event_id == event_id)
        )
    )


def checked_text(value: str, what: str, limit: int, *, required: bool = False) -> str:
    cleaned = value.strip()
    if required and not cleaned:
        raise ValidationError(f"Give the {what}.")
    if len(cleaned) > limit:
        raise ValidationError(f"The {what} is limited to {limit} characters.")
    return cleaned
