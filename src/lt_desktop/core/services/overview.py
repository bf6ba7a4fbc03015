"""The overview of a site's partnerships: aggregates only, for a university hub that
works with several prisons (and useful to any site with more than one course).

Nothing here names a person. Counts come straight from SQL aggregates, so the view
stays quick on a hub holding years of cohorts.
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime

from sqlalchemy import func, select

from lt_desktop.core.services.attendance import AttendanceFigures, figures_by_cohort
from lt_desktop.core.services.base import Service
from lt_desktop.core.services.progression import progression_counts
from lt_desktop.domain.roles import Permission
from lt_desktop.domain.vocabulary import (
    MembershipRole,
    MembershipStatus,
    PersonBase,
)
from lt_desktop.storage.models import (
    Cohort,
    Course,
    Membership,
    Partner,
    Partnership,
    Person,
    Site,
)
from lt_desktop.sync.pairing import partnerships_for

_NOT_STARTED = (MembershipStatus.APPLIED, MembershipStatus.OFFERED)
_COMPLETED = frozenset({MembershipStatus.COMPLETED, MembershipStatus.GRADUATED})


def _rate(part: int, whole: int) -> float | None:
    return part / whole if whole else None


@dataclass
class PartnershipSummary:
    id: uuid.UUID
    name: str
    prison_name: str
    university_name: str
    cohorts: int = 0
    running: int = 0  # cohorts under way today
    students: int = 0  # students who started, in every cohort
    by_base: dict[PersonBase, int] = field(default_factory=dict)
    finished_students: int = 0  # students who started a cohort that has ended
    completed: int = 0  # of those, who completed or graduated
    #: Students' attendance and engagement, every cohort together (``services/attendance.py``).
    attendance: AttendanceFigures = field(default_factory=AttendanceFigures)
    partner_sites: list[str] = field(default_factory=list)
    last_exchange_at: datetime | None = None
    #: What students went on to do after its cohorts: (what, how many people), with
    #: their consent (``services.progression``).
    progression: list[tuple[str, int]] = field(default_factory=list)

    @property
    def completion_rate(self) -> float | None:
        return _rate(self.completed, self.finished_students)

    @property
    def attendance_rate(self) -> float | None:
        return self.attendance.attendance

    @property
    def engagement_rate(self) -> float | None:
        return self.attendance.engagement


class OverviewService(Service):
    def partnerships(self, *, today: date | None = None) -> list[PartnershipSummary]:
        """Every partnership this site holds, with its cohorts' figures and when its
        sites last exchanged data with this one."""
        self._require(Permission.VIEW_STATS)
        self._require(Permission.VIEW_ALL_COHORTS)
        today = today or date.today()
        with self._store.read() as session:
            summaries = {
                p.id: PartnershipSummary(p.id, p.name, p.prison_name, p.university_name)
                for p in session.scalars(select(Partnership))
            }
            finished: set[uuid.UUID] = set()
            cohort_partnership: dict[uuid.UUID, uuid.UUID] = {}
            for cohort_id, partnership_id, starts_on, ends_on in session.execute(
                select(Cohort.id, Course.partnership_id, Cohort.starts_on, Cohort.ends_on).join(
                    Course, Course.id == Cohort.course_id
                )
            ):
                summary = summaries[partnership_id]
                cohort_partnership[cohort_id] = partnership_id
                summary.cohorts += 1
                if starts_on <= today <= ends_on:
                    summary.running += 1
                if ends_on < today:
                    finished.add(cohort_id)

            bases: dict[uuid.UUID, dict[PersonBase, int]] = defaultdict(dict)
            for cohort_id, base, status, count in session.execute(
                select(Membership.cohort_id, Person.base, Membership.status, func.count())
                .join(Person, Person.id == Membership.person_id)
                .where(
                    Membership.role == MembershipRole.STUDENT,
                    Membership.status.not_in(_NOT_STARTED),
                )
                .group_by(Membership.cohort_id, Person.base, Membership.status)
            ):
                summary = summaries[cohort_partnership[cohort_id]]
                summary.students += count
                counted = bases[summary.id]
                counted[base] = counted.get(base, 0) + count
                if cohort_id in finished:
                    summary.finished_students += count
                    if status in _COMPLETED:
                        summary.completed += count
            for partnership_id, counted in bases.items():
                summaries[partnership_id].by_base = counted

            for cohort_id, figures in figures_by_cohort(session, today=today).items():
                summary = summaries[cohort_partnership[cohort_id]]
                summary.attendance += figures

            cohorts_of: dict[uuid.UUID, list[uuid.UUID]] = defaultdict(list)
            for cohort_id, partnership_id in cohort_partnership.items():
                cohorts_of[partnership_id].append(cohort_id)
            for partnership_id, cohort_ids in cohorts_of.items():
                summaries[partnership_id].progression = progression_counts(session, cohort_ids)

            for partner in session.scalars(select(Partner).where(Partner.revoked_at.is_(None))):
                site = session.get(Site, partner.site_id)
                scope = partnerships_for(session, self._store, partner)
                for partnership_id in summaries if scope is None else scope:
                    held = summaries.get(partnership_id)
                    if held is None:
                        continue
                    if site is not None:
                        held.partner_sites.append(site.name)
                    if partner.last_exchange_at is not None and (
                        held.last_exchange_at is None
                        or partner.last_exchange_at > held.last_exchange_at
                    ):
                        held.last_exchange_at = partner.last_exchange_at
        return sorted(summaries.values(), key=lambda s: s.name.casefold())
