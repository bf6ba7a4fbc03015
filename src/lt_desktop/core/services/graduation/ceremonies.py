"""The ceremonies themselves: their day, place and capacity, and the cohorts graduating."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from lt_desktop.core.services.base import get_or_not_found
from lt_desktop.core.services.graduation.common import (
    GraduationPart,
    checked_text,
    cohort_ids_of,
    how_many,
    title_of,
)
from lt_desktop.core.services.graduation.graduates import GraduateLine, graduates_of
from lt_desktop.core.services.graduation.guests import GuestInfo, guests_of
from lt_desktop.core.services.graduation.programme import ProgrammeItemInfo, programme_of
from lt_desktop.core.services.graduation.warnings import GraduationWarnings, warnings_of
from lt_desktop.domain.errors import ConflictError, ValidationError
from lt_desktop.domain.roles import Permission
from lt_desktop.storage.database import INCLUDE_DELETED
from lt_desktop.storage.models import (
    Cohort,
    GraduationCohort,
    GraduationEvent,
    GraduationGuest,
    Membership,
    utc_now,
)

MAX_CAPACITY = 10_000


@dataclass(frozen=True)
class CohortRef:
    cohort_id: uuid.UUID
    title: str


@dataclass(frozen=True)
class EventSummary:
    id: uuid.UUID
    title: str
    held_on: date
    venue: str
    capacity: int
    guest_deadline: date | None
    notes: str
    cohorts: list[CohortRef]

    @property
    def cohort_titles(self) -> str:
        return "; ".join(c.title for c in self.cohorts)


@dataclass(frozen=True)
class GraduationDetails:
    """Everything the Graduation screen shows about one event, read at once."""

    event: EventSummary
    programme: list[ProgrammeItemInfo]
    guests: list[GuestInfo]
    graduates: list[GraduateLine]
    warnings: GraduationWarnings


class CeremoniesPart(GraduationPart):
    """Ceremonies, their cohorts and what needs doing before the day."""

    def list_events(self) -> list[EventSummary]:
        """Graduations this account may see, the next or latest first."""
        self._require(Permission.MANAGE_GRADUATION)
        with self._store.read() as session:
            visible = self._visible_cohort_ids(session)
            events = []
            for event in session.scalars(
                select(GraduationEvent).order_by(
                    GraduationEvent.held_on.desc(), GraduationEvent.title
                )
            ):
                summary = event_summary(session, event)
                if visible is None or any(c.cohort_id in visible for c in summary.cohorts):
                    events.append(summary)
            return events

    def details(self, event_id: uuid.UUID, *, today: date | None = None) -> GraduationDetails:
        self._require(Permission.MANAGE_GRADUATION)
        today = today or date.today()
        with self._store.read() as session:
            event = self._event(session, event_id)
            guests = guests_of(session, event_id)
            graduates = graduates_of(session, event)
            return GraduationDetails(
                event=event_summary(session, event),
                programme=programme_of(session, event_id),
                guests=guests,
                graduates=graduates,
                warnings=warnings_of(event, guests, graduates, today),
            )

    def warnings(self, event_id: uuid.UUID, *, today: date | None = None) -> GraduationWarnings:
        """Guests late for clearance (still pending after the deadline), guests still to
        be submitted as the deadline nears, and the count against capacity."""
        self._require(Permission.MANAGE_GRADUATION)
        today = today or date.today()
        with self._store.read() as session:
            event = self._event(session, event_id)
            return warnings_of(
                event, guests_of(session, event_id), graduates_of(session, event), today
            )

    def create_event(
        self,
        *,
        title: str,
        held_on: date,
        venue: str = "",
        capacity: int = 100,
        guest_deadline: date | None = None,
        notes: str = "",
        cohort_ids: Sequence[uuid.UUID] = (),
    ) -> EventSummary:
        """Arrange a graduation for one or more cohorts."""
        self._require(Permission.MANAGE_GRADUATION)
        values = _event_values(title, held_on, venue, capacity, guest_deadline, notes)
        cohorts = list(dict.fromkeys(cohort_ids))
        with self._store.write() as session:
            event = GraduationEvent(**values)
            session.add(event)
            session.flush()
            for cohort_id in cohorts:
                self._attach(session, event, cohort_id)
            session.flush()
            self._audit(
                session, "graduation.created", "graduation_event", event.id, cohorts=len(cohorts)
            )
            return event_summary(session, event)

    def update_event(
        self,
        event_id: uuid.UUID,
        *,
        title: str,
        held_on: date,
        venue: str,
        capacity: int,
        guest_deadline: date | None,
        notes: str,
    ) -> EventSummary:
        self._require(Permission.MANAGE_GRADUATION)
        values = _event_values(title, held_on, venue, capacity, guest_deadline, notes)
        with self._store.write() as session:
            event = self._event(session, event_id)
            changed = sorted(
                name for name, value in values.items() if getattr(event, name) != value
            )
            for name, value in values.items():
                setattr(event, name, value)
            session.flush()
            if changed:
                self._audit(
                    session, "graduation.updated", "graduation_event", event.id, changed=changed
                )
            return event_summary(session, event)

    def attach_cohort(self, event_id: uuid.UUID, cohort_id: uuid.UUID) -> EventSummary:
        """Add a cohort that graduates at this event too."""
        self._require(Permission.MANAGE_GRADUATION)
        with self._store.write() as session:
            event = self._event(session, event_id)
            self._attach(session, event, cohort_id)
            session.flush()
            self._audit(
                session,
                "graduation.cohort_added",
                "graduation_event",
                event.id,
                cohort_id=str(cohort_id),
            )
            return event_summary(session, event)

    def detach_cohort(self, event_id: uuid.UUID, cohort_id: uuid.UUID) -> EventSummary:
        """Take a cohort off the event; refused while its students' guests are listed."""
        self._require(Permission.MANAGE_GRADUATION)
        with self._store.write() as session:
            event = self._event(session, event_id)
            link = session.scalars(
                select(GraduationCohort).where(
                    GraduationCohort.event_id == event_id, GraduationCohort.cohort_id == cohort_id
                )
            ).first()
            if link is None:
                raise ValidationError("That cohort does not graduate at this event.")
            invited = session.scalar(
                select(func.count())
                .select_from(GraduationGuest)
                .join(Membership, Membership.id == GraduationGuest.invited_by_id)
                .where(
                    GraduationGuest.event_id == event_id,
                    GraduationGuest.deleted_at.is_(None),
                    Membership.cohort_id == cohort_id,
                )
            )
            if invited:
                raise ConflictError(
                    f"Students of that cohort have invited {how_many(invited or 0, 'guest')}. "
                    "Remove those guests first, or keep the cohort at this event."
                )
            link.deleted_at = utc_now()
            session.flush()
            self._audit(
                session,
                "graduation.cohort_removed",
                "graduation_event",
                event.id,
                cohort_id=str(cohort_id),
            )
            return event_summary(session, event)

    def _attach(self, session: Session, event: GraduationEvent, cohort_id: uuid.UUID) -> None:
        self._require_cohort_visible(session, cohort_id)
        cohort = get_or_not_found(session, Cohort, cohort_id, "cohort")
        links = session.scalars(
            select(GraduationCohort)
            .where(GraduationCohort.cohort_id == cohort_id)
            .execution_options(**{INCLUDE_DELETED: True})
        ).all()
        for link in links:
            if link.deleted_at is not None:
                continue
            if link.event_id == event.id:
                raise ConflictError(f"{title_of(cohort)} already graduates at this event.")
            other = session.get(GraduationEvent, link.event_id)
            if other is not None and other.deleted_at is None:
                raise ConflictError(
                    f"{title_of(cohort)} already graduates at {other.title} "
                    f"({other.held_on:%d %b %Y}). A cohort graduates once."
                )
        earlier = next((link for link in links if link.event_id == event.id), None)
        if earlier is not None:
            earlier.deleted_at = None
        else:
            session.add(GraduationCohort(event_id=event.id, cohort_id=cohort_id))


def event_summary(session: Session, event: GraduationEvent) -> EventSummary:
    cohorts = sorted(
        (
            c
            for c in session.scalars(
                select(Cohort).where(Cohort.id.in_(cohort_ids_of(session, event.id)))
            )
        ),
        key=lambda c: (c.starts_on, title_of(c)),
    )
    return EventSummary(
        event.id,
        event.title,
        event.held_on,
        event.venue,
        event.capacity,
        event.guest_deadline,
        event.notes,
        [CohortRef(c.id, title_of(c)) for c in cohorts],
    )


def _event_values(
    title: str,
    held_on: date,
    venue: str,
    capacity: int,
    guest_deadline: date | None,
    notes: str,
) -> dict[str, object]:
    if not 1 <= capacity <= MAX_CAPACITY:
        raise ValidationError(f"Give the number of places, from 1 to {MAX_CAPACITY:,}.")
    if guest_deadline is not None and guest_deadline >= held_on:
        raise ValidationError(
            "The deadline for guests must come before the graduation, so the prison has time "
            "to clear them."
        )
    return {
        "title": checked_text(title, "graduation's title", 300, required=True),
        "held_on": held_on,
        "venue": checked_text(venue, "venue", 300),
        "capacity": capacity,
        "guest_deadline": guest_deadline,
        "notes": checked_text(notes, "notes", 5_000),
    }
