"""Three real stores that exchange real bundles, for the conflict tests: the education
department's PC at a prison (P), a facilitator's laptop at the same prison (L, paired
with P only) and the university (U, paired with P only), with a small cohort made at
the prison and shared with both."""

from __future__ import annotations

import time
import uuid
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

from sqlalchemy import select

from lt_desktop.core.services.register import Mark
from lt_desktop.core.services.sync import ConflictInfo
from lt_desktop.core.workspace import Workspace
from lt_desktop.domain.vocabulary import (
    AttendanceStatus,
    MarkReason,
    MembershipRole,
    PersonBase,
    SiteKind,
)
from lt_desktop.storage.database import INCLUDE_DELETED
from lt_desktop.storage.models import AttendanceMark
from lt_desktop.sync.exchange_results import ImportResult
from tests.helpers.sites import (
    LAPTOP_ADMIN,
    LAPTOP_PASSWORD,
    UNIVERSITY_ADMIN,
    UNIVERSITY_PASSWORD,
    Site,
    copy_site,
    new_site,
    pair,
)

PRISON, LAPTOP, UNIVERSITY = "HMP Northfield", "Northfield laptop", "University of Eastbridge"
PRISON_ADMIN, PRISON_PASSWORD = "education", "education password"
#: The accounts' names as their records keep them (``new_site`` titles the user name).
ACCOUNT = {PRISON: "Education", LAPTOP: "Laptop", UNIVERSITY: "Coord"}
WEEK_ONE = "Register mark — Amir Okafor, September 2026, week 1 (Mon 7 Sep 2026)"


@dataclass(frozen=True)
class Seed:
    people: tuple[uuid.UUID, ...]  # Amir Okafor, Dana Shaw
    sessions: tuple[uuid.UUID, ...]  # weeks 1 to 3; the register taken for week 1


@dataclass
class Sites:
    prison: Site
    laptop: Site
    university: Site
    seed: Seed
    bundles: Path
    _count: list[int] = field(default_factory=lambda: [0])

    def carry(self, sender: Site, recipient: Site) -> ImportResult:
        """``sender`` writes a bundle for ``recipient``, which takes it in."""
        return recipient.take_in(self.write(sender, recipient))

    def write(self, sender: Site, recipient: Site) -> Path:
        self._count[0] += 1
        target = self.bundles / f"{self._count[0]}.ltbundle"
        sender.export_to(recipient, target)
        return target

    def copy(self, folder: Path) -> Sites:
        """Private copies of the three stores, in ``folder``."""
        copied = Sites(
            copy_site(self.prison, folder / "P"),
            copy_site(self.laptop, folder / "L"),
            copy_site(self.university, folder / "U"),
            self.seed,
            folder / "bundles",
        )
        copied.bundles.mkdir()
        return copied


def three_sites(root: Path) -> Sites:
    """The three sites, paired, seeded at the prison, and exchanged until they agree."""
    prison = new_site(root / "P", PRISON, SiteKind.PRISON, PRISON_ADMIN, PRISON_PASSWORD)
    laptop = new_site(root / "L", LAPTOP, SiteKind.PRISON, LAPTOP_ADMIN, LAPTOP_PASSWORD)
    university = new_site(
        root / "U", UNIVERSITY, SiteKind.UNIVERSITY, UNIVERSITY_ADMIN, UNIVERSITY_PASSWORD
    )
    pair(prison, laptop)
    pair(prison, university)
    with prison.open() as workspace:
        seed = _seed(workspace)
    sites = Sites(prison, laptop, university, seed, root / "bundles")
    sites.bundles.mkdir()
    for other in (laptop, university):
        sites.carry(prison, other)
        sites.carry(other, prison)
    return sites


def _seed(workspace: Workspace) -> Seed:
    programme = workspace.programme
    partnership = programme.add_partnership(
        name="Northfield and Eastbridge Learning Together",
        prison_name=PRISON,
        university_name=UNIVERSITY,
    )
    course = programme.add_course(partnership_id=partnership.id, title="Crime, Justice and Society")
    cohort = programme.add_cohort(
        course_id=course.id,
        name="September 2026",
        starts_on=date(2026, 9, 7),
        ends_on=date(2026, 12, 14),
    )
    people = []
    for given_name, family_name, base in (
        ("Amir", "Okafor", PersonBase.PRISON),
        ("Dana", "Shaw", PersonBase.UNIVERSITY),
    ):
        person = workspace.people.add_person(
            given_name=given_name, family_name=family_name, base=base
        )
        workspace.memberships.enrol(
            cohort.id, person.id, role=MembershipRole.STUDENT, on=date(2026, 9, 7)
        )
        people.append(person.id)
    sessions = [
        programme.add_session(
            cohort_id=cohort.id,
            week=week,
            held_on=date(2026, 9, 7) + timedelta(weeks=week - 1),
            title=f"Week {week}",
        ).id
        for week in range(1, 4)
    ]
    workspace.register.mark_everyone_present(sessions[0])
    return Seed(tuple(people), tuple(sessions))


def mark(site: Site, session_id: uuid.UUID, person_id: uuid.UUID, given: Mark) -> None:
    with site.open() as workspace:
        workspace.register.mark(session_id, person_id, given)
    time.sleep(0.002)  # the next site's change is later by the clock, so it wins


def held_mark(site: Site, session_id: uuid.UUID, person_id: uuid.UUID) -> tuple[object, ...]:
    """The one mark the site holds for a person at a session: id, values and version."""
    with site.open() as workspace, workspace.store.read() as session:
        rows = session.scalars(
            select(AttendanceMark)
            .where(AttendanceMark.session_id == session_id, AttendanceMark.person_id == person_id)
            .execution_options(**{INCLUDE_DELETED: True})
        ).all()
        assert len(rows) == 1, f"{site.name} holds {len(rows)} marks for one person"
        row = rows[0]
        return row.id, row.status, row.absence_reason, row.version


def listed(site: Site, *, everything: bool = False) -> list[ConflictInfo]:
    with site.open() as workspace:
        return workspace.sync.conflicts(include_reviewed=everything)


def clash_over_week_one(sites: Sites) -> None:
    """The prison marks Amir absent through illness for week 1; the laptop, a moment
    later, late. Both exchange: each lists the clash, and both keep the laptop's."""
    session_id, amir = sites.seed.sessions[0], sites.seed.people[0]
    mark(sites.prison, session_id, amir, Mark(AttendanceStatus.ABSENT, MarkReason.ILLNESS))
    mark(sites.laptop, session_id, amir, Mark(AttendanceStatus.LATE))
    at_laptop = sites.carry(sites.prison, sites.laptop)
    at_prison = sites.carry(sites.laptop, sites.prison)
    assert len(at_laptop.summary.conflicts) == 1 and len(at_prison.summary.conflicts) == 1
