"""The demo builder's shared state and constants, and the cohort it fills in as it goes."""

from __future__ import annotations

import random
import uuid
from dataclasses import dataclass, field
from datetime import date, timedelta

from sqlalchemy.orm import Session

from lt_desktop.domain.roles import Role
from lt_desktop.domain.vocabulary import (
    MembershipStatus,
    SiteKind,
)
from lt_desktop.storage import models as m
from lt_desktop.storage.store import Store

DEMO_PASSWORD = "demo"
DEMO_USERS: list[tuple[str, Role]] = [
    ("staff", Role.EDUCATION_STAFF),
    ("facilitator", Role.FACILITATOR),
    ("marker", Role.MARKER),
    ("researcher", Role.RESEARCHER),
]
STUDENTS_PER_BASE = 12
GROUPS_PER_COHORT = 4
RECORDER = "Demo Administrator"


@dataclass
class DemoCohort:
    row: m.Cohort
    marked_weeks: int
    sessions: list[m.ClassSession] = field(default_factory=list)
    members: list[tuple[m.Membership, m.Person]] = field(default_factory=list)

    def marked(self, session_row: m.ClassSession) -> bool:
        """Whether the session's register was taken: a week before today, not cancelled."""
        return session_row.week <= self.marked_weeks and session_row.cancelled is None


LEFT_EARLY = frozenset(
    {MembershipStatus.WITHDRAWN, MembershipStatus.TRANSFERRED, MembershipStatus.RELEASED}
)


def gone_by(membership: m.Membership, on: date) -> bool:
    """Whether someone had left the course (before finishing it) by ``on``."""
    return membership.status in LEFT_EARLY and on >= membership.status_since


class DemoBuilderBase:
    """What every part of the demo builder shares: the store, the seeded random
    numbers, the open write session and the names already given out."""

    session: Session

    def __init__(
        self, store: Store, rng: random.Random, *, with_accounts: bool, shift: timedelta
    ) -> None:
        self.shift = shift
        self.store = store
        self.rng = rng
        self.with_accounts = with_accounts
        self.marker_id: uuid.UUID | None = None
        self.marker_name = ""
        self.prison_site = store.site.kind is SiteKind.PRISON
        self._names: set[tuple[str, str]] = set()
        self._prison_numbers: set[str] = set()

    def on(self, written: date) -> date:
        """A date as written for ``WRITTEN_FOR``, moved to the demo's today."""
        return written + self.shift
