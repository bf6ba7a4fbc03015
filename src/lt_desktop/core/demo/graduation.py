"""The demo's graduation: the event, its guests and the certificates."""

from __future__ import annotations

import random
from datetime import date, timedelta

from lt_desktop.core import demo_text as text
from lt_desktop.core.demo.base import (
    DemoBuilderBase,
    DemoCohort,
)
from lt_desktop.core.demo.dates import season_of
from lt_desktop.core.services.documents.certificates import serial_number
from lt_desktop.domain.vocabulary import (
    ClearanceStatus,
    GuestCategory,
    MembershipStatus,
)
from lt_desktop.storage import models as m


class Graduation(DemoBuilderBase):
    """Holds the finished cohort's graduation."""

    # -- around the course ---------------------------------------------------------------

    def _graduation(self, cohort: DemoCohort) -> None:
        event = m.GraduationEvent(
            title=f"{season_of(cohort.row.ends_on)} {cohort.row.ends_on.year} graduation",
            held_on=cohort.row.ends_on,
            venue="HMP Northfield chapel",
            capacity=80,
            guest_deadline=cohort.row.ends_on - timedelta(days=21),
        )
        self.session.add(event)
        self.session.flush()
        self.session.add(m.GraduationCohort(event_id=event.id, cohort_id=cohort.row.id))
        for position, (at, title, kind) in enumerate(
            [
                ("14:00", "Welcome", "speech"),
                ("14:15", "Reflections from graduates", "speech"),
                ("14:45", "Presentation of certificates", "presentation"),
                ("15:15", "Music from the prison choir", "music"),
                ("15:30", "Refreshments", "catering"),
            ]
        ):
            self.session.add(
                m.ProgrammeItem(
                    event_id=event.id, position=position, starts_at=at, title=title, kind=kind
                )
            )
        serial = 1
        guests_invited = 0
        for membership, _ in cohort.members:
            if membership.status is not MembershipStatus.GRADUATED:
                continue
            self.session.add(
                m.Certificate(
                    membership_id=membership.id,
                    serial=serial_number(self.store.site.id, cohort.row.ends_on.year, serial),
                    issued_on=cohort.row.ends_on,
                    event_id=event.id,
                )
            )
            serial += 1
            if self.rng.random() < 0.6:
                given = self.rng.choice(text.GIVEN_NAMES)
                family = self.rng.choice(text.FAMILY_NAMES)
                self.session.add(
                    m.GraduationGuest(
                        # The first family invited asked not to be photographed.
                        no_photos=not guests_invited,
                        event_id=event.id,
                        invited_by_id=membership.id,
                        name=f"{given} {family}",
                        relationship_to_student=self.rng.choice(
                            ["Mother", "Partner", "Brother", "Friend"]
                        ),
                        category=GuestCategory.FAMILY,
                        clearance=ClearanceStatus.CLEARED,
                        submitted_on=event.held_on - timedelta(days=35),
                        decided_on=event.held_on - timedelta(days=20),
                        attended=True,
                    )
                )
                guests_invited += 1
        self._guests_not_cleared(event, cohort)

    def _guests_not_cleared(self, event: m.GraduationEvent, cohort: DemoCohort) -> None:
        """Guests whose clearance never came through: two sent on the deadline day that
        the prison had not answered by the ceremony, two added too late to send, and one
        refused. None of them was admitted. A generator of its own, so nothing made
        before shifts."""
        rng = random.Random(3_2026)
        graduated = [
            membership
            for membership, _ in cohort.members
            if membership.status is MembershipStatus.GRADUATED
        ]
        deadline = event.guest_deadline
        assert deadline is not None
        plan: list[tuple[ClearanceStatus, date | None, date | None]] = [
            (ClearanceStatus.SUBMITTED, deadline, None),
            (ClearanceStatus.SUBMITTED, deadline, None),
            (ClearanceStatus.NOT_SUBMITTED, None, None),
            (ClearanceStatus.NOT_SUBMITTED, None, None),
            (
                ClearanceStatus.REFUSED,
                event.held_on - timedelta(days=35),
                event.held_on - timedelta(days=17),
            ),
        ]
        for (clearance, submitted_on, decided_on), inviter in zip(
            plan, rng.sample(graduated, len(plan)), strict=True
        ):
            relationship = rng.choice(["Sister", "Father", "Cousin", "Friend"])
            self.session.add(
                m.GraduationGuest(
                    event_id=event.id,
                    invited_by_id=inviter.id,
                    name=f"{rng.choice(text.GIVEN_NAMES)} {rng.choice(text.FAMILY_NAMES)}",
                    relationship_to_student=relationship,
                    category=(
                        GuestCategory.FRIEND if relationship == "Friend" else GuestCategory.FAMILY
                    ),
                    clearance=clearance,
                    submitted_on=submitted_on,
                    decided_on=decided_on,
                )
            )
