"""Graduation papers: the guest list for the prison gate, which names the student who
invited each guest but holds no prison number, and the programme booklet.
"""

from __future__ import annotations

import uuid
from collections import Counter
from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from lt_desktop.core.services.base import Service, get_or_not_found
from lt_desktop.core.services.documents.common import (
    CERTIFIED_STATUSES,
    CohortHeading,
    cohort_heading,
)
from lt_desktop.domain.roles import Permission
from lt_desktop.domain.vocabulary import (
    ClearanceStatus,
    GuestCategory,
    MembershipRole,
)
from lt_desktop.storage.models import (
    GraduationCohort,
    GraduationEvent,
    GraduationGuest,
    Membership,
    ProgrammeItem,
)


@dataclass(frozen=True)
class EventInfo:
    id: uuid.UUID
    title: str
    held_on: date
    venue: str
    capacity: int
    guest_deadline: date | None
    cohorts: list[CohortHeading]

    @property
    def partnership_name(self) -> str:
        names = sorted({c.partnership_name for c in self.cohorts})
        return " · ".join(names)


@dataclass(frozen=True)
class GuestLine:
    name: str
    relationship: str
    category: GuestCategory
    clearance: ClearanceStatus
    submitted_on: date | None
    decided_on: date | None
    guest_of: str  # the student who invited them, if a student did


#: The order the gate reads the list in: who may come in first, who may not last.
CLEARANCE_ORDER = (
    ClearanceStatus.CLEARED,
    ClearanceStatus.SUBMITTED,
    ClearanceStatus.NOT_SUBMITTED,
    ClearanceStatus.REFUSED,
)


@dataclass(frozen=True)
class GuestList:
    event: EventInfo
    guests: list[GuestLine]  # by clearance (in CLEARANCE_ORDER), then family name

    def counts(self) -> Counter[ClearanceStatus]:
        return Counter(g.clearance for g in self.guests)


@dataclass(frozen=True)
class ProgrammeLine:
    starts_at: str
    title: str
    who: str


@dataclass(frozen=True)
class GraduationProgramme:
    event: EventInfo
    items: list[ProgrammeLine]
    graduates: list[str]  # names only, by family name


class GraduationLists(Service):
    """What the graduation guest list and programme show."""

    def list_events(self) -> list[EventInfo]:
        self._require(Permission.PRINT_DOCUMENTS)
        with self._store.read() as session:
            visible = self._visible_cohort_ids(session)
            events = []
            for event in session.scalars(
                select(GraduationEvent).order_by(GraduationEvent.held_on.desc())
            ):
                info = _event_info(session, event)
                if visible is None or any(c.cohort_id in visible for c in info.cohorts):
                    events.append(info)
            return events

    def guest_list(self, event_id: uuid.UUID) -> GuestList:
        """Everyone invited to a graduation, for the prison gate."""
        self._require(Permission.PRINT_DOCUMENTS)
        with self._store.read() as session:
            event = self._event(session, event_id)
            inviters = {
                m.id: m.person.display_name
                for m in session.scalars(
                    select(Membership).where(
                        Membership.id.in_(
                            select(GraduationGuest.invited_by_id).where(
                                GraduationGuest.event_id == event_id
                            )
                        )
                    )
                )
            }
            guests = [
                GuestLine(
                    name=g.name,
                    relationship=g.relationship_to_student,
                    category=g.category,
                    clearance=g.clearance,
                    submitted_on=g.submitted_on,
                    decided_on=g.decided_on,
                    guest_of=inviters.get(g.invited_by_id, "") if g.invited_by_id else "",
                )
                for g in session.scalars(
                    select(GraduationGuest).where(GraduationGuest.event_id == event_id)
                )
            ]
            guests.sort(
                key=lambda g: (
                    CLEARANCE_ORDER.index(g.clearance),
                    _family_first(g.name).casefold(),
                )
            )
            return GuestList(_event_info(session, event), guests)

    def graduation_programme(self, event_id: uuid.UUID) -> GraduationProgramme:
        self._require(Permission.PRINT_DOCUMENTS)
        with self._store.read() as session:
            event = self._event(session, event_id)
            info = _event_info(session, event)
            items = [
                ProgrammeLine(i.starts_at, i.title, i.who)
                for i in session.scalars(
                    select(ProgrammeItem)
                    .where(ProgrammeItem.event_id == event_id)
                    .order_by(ProgrammeItem.position, ProgrammeItem.starts_at)
                )
            ]
            graduates = sorted(
                (
                    m.person
                    for m in session.scalars(
                        select(Membership).where(
                            Membership.cohort_id.in_([c.cohort_id for c in info.cohorts]),
                            Membership.role == MembershipRole.STUDENT,
                            Membership.status.in_(CERTIFIED_STATUSES),
                        )
                    )
                ),
                key=lambda p: (p.sort_name.casefold(), p.display_name),
            )
            return GraduationProgramme(info, items, [p.display_name for p in graduates])

    def _event(self, session: Session, event_id: uuid.UUID) -> GraduationEvent:
        event = get_or_not_found(session, GraduationEvent, event_id, "graduation")
        for cohort_id in session.scalars(
            select(GraduationCohort.cohort_id).where(GraduationCohort.event_id == event_id)
        ):
            self._require_cohort_visible(session, cohort_id)
        return event


def _event_info(session: Session, event: GraduationEvent) -> EventInfo:
    cohort_ids = list(
        session.scalars(
            select(GraduationCohort.cohort_id).where(GraduationCohort.event_id == event.id)
        )
    )
    headings = sorted(
        (cohort_heading(session, cohort_id) for cohort_id in cohort_ids),
        key=lambda h: (h.starts_on, h.title),
    )
    return EventInfo(
        event.id,
        event.title,
        event.held_on,
        event.venue,
        event.capacity,
        event.guest_deadline,
        headings,
    )


def _family_first(name: str) -> str:
    """A whole name as the gate looks it up: family name (the last word) first."""
    words = name.split()
    return " ".join(words[-1:] + words[:-1])
