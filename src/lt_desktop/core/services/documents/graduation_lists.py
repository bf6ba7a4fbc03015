"""Graduation papers: the guest list for the prison gate, which names the student who
invited each guest but holds no prison number, and the programme booklet.

Photographs at a graduation in prison need care: the guest list and the programme for
staff mark every graduate who has not consented to being photographed, and every
guest who asked not to be. The programme for guests is handed to everyone, so it is
never given that: the service leaves it out, not the renderer.
"""

from __future__ import annotations

import uuid
from collections import Counter
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from lt_desktop.core.services.base import Service, get_or_not_found
from lt_desktop.core.services.consent import has_consent
from lt_desktop.core.services.documents.common import (
    CERTIFIED_STATUSES,
    CohortHeading,
    cohort_heading,
)
from lt_desktop.domain.roles import Permission
from lt_desktop.domain.vocabulary import (
    ClearanceStatus,
    ConsentScope,
    GuestCategory,
    MembershipRole,
)
from lt_desktop.storage.models import (
    GraduationCohort,
    GraduationEvent,
    GraduationGuest,
    Membership,
    Person,
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
    #: The guest asked not to be photographed.
    no_photos: bool = False
    #: The student who invited them has not consented to photographs at graduation.
    guest_of_no_photos: bool = False


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
    #: Graduates who have not consented to photographs at graduation, by family name.
    not_photographed: list[str] = field(default_factory=list)

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
    #: The copy for staff: it says who may not be photographed. The copy for guests
    #: never holds that.
    for_staff: bool = False
    #: For staff only: beside each graduate, in order, whether they have not consented
    #: to photographs at graduation.
    no_photos: tuple[bool, ...] = ()

    @property
    def not_photographed(self) -> list[str]:
        return [name for name, no in zip(self.graduates, self.no_photos, strict=False) if no]


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
                m.id: (m.person.display_name, _no_photos(session, m.person_id))
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
            guests = []
            for g in session.scalars(
                select(GraduationGuest).where(GraduationGuest.event_id == event_id)
            ):
                inviter, inviter_no_photos = (
                    inviters.get(g.invited_by_id, ("", False)) if g.invited_by_id else ("", False)
                )
                guests.append(
                    GuestLine(
                        name=g.name,
                        relationship=g.relationship_to_student,
                        category=g.category,
                        clearance=g.clearance,
                        submitted_on=g.submitted_on,
                        decided_on=g.decided_on,
                        guest_of=inviter,
                        no_photos=g.no_photos,
                        guest_of_no_photos=inviter_no_photos,
                    )
                )
            guests.sort(
                key=lambda g: (
                    CLEARANCE_ORDER.index(g.clearance),
                    _family_first(g.name).casefold(),
                )
            )
            info = _event_info(session, event)
            return GuestList(
                info,
                guests,
                [p.display_name for p in _graduates(session, info) if _no_photos(session, p.id)],
            )

    def graduation_programme(
        self, event_id: uuid.UUID, *, for_staff: bool = False
    ) -> GraduationProgramme:
        """The programme booklet: for guests (every graduate by name, nothing more), or
        ``for_staff``, with each graduate who has not consented to being photographed
        marked."""
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
            graduates = _graduates(session, info)
            return GraduationProgramme(
                info,
                items,
                [p.display_name for p in graduates],
                for_staff=for_staff,
                no_photos=(
                    tuple(_no_photos(session, p.id) for p in graduates) if for_staff else ()
                ),
            )

    def _event(self, session: Session, event_id: uuid.UUID) -> GraduationEvent:
        event = get_or_not_found(session, GraduationEvent, event_id, "graduation")
        for cohort_id in session.scalars(
            select(GraduationCohort.cohort_id).where(GraduationCohort.event_id == event_id)
        ):
            self._require_cohort_visible(session, cohort_id)
        return event


def _graduates(session: Session, info: EventInfo) -> list[Person]:
    """The students graduating at the event who completed the course, by family name."""
    return sorted(
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


def _no_photos(session: Session, person_id: uuid.UUID) -> bool:
    """Whether the person has not consented (or no longer consents) to photographs at
    graduation."""
    return not has_consent(session, person_id, ConsentScope.GRADUATION_PHOTOS)


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
