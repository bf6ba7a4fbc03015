"""The demo builder: every part of it together, and the store it fills."""

from __future__ import annotations

import random
from datetime import date, timedelta
from pathlib import Path

from lt_desktop.core.demo.after_course import AfterTheCourse
from lt_desktop.core.demo.applications import Applications
from lt_desktop.core.demo.base import RECORDER
from lt_desktop.core.demo.cohorts import CohortsAndMembers
from lt_desktop.core.demo.course_life import CourseLife
from lt_desktop.core.demo.essays import EssaysAndMarks
from lt_desktop.core.demo.graduation import Graduation
from lt_desktop.core.demo.registers import Registers
from lt_desktop.core.demo.research import ResearchData
from lt_desktop.core.stores import create_store
from lt_desktop.domain.vocabulary import (
    MembershipRole,
    MembershipStatus,
    PersonBase,
    SiteKind,
)
from lt_desktop.storage import models as m
from lt_desktop.storage.recovery_key import RecoveryKey

#: The running cohort's week the prison locked down (Mon 26 Oct 2026 as written).
LOCKDOWN_WEEK = 7


def build_store(
    root: Path, site_kind: SiteKind, admin: str, password: str, seed: int, shift: timedelta
) -> RecoveryKey:
    """Create a store in ``root`` and fill it with the demo's story, drawn from
    ``seed`` and moved by ``shift``; returns its recovery key."""
    created = create_store(
        root,
        site_name="HMP Northfield" if site_kind is SiteKind.PRISON else "University of Eastbridge",
        site_kind=site_kind,
        admin_username=admin,
        admin_display_name=RECORDER,
        admin_password=password,
    )
    store = created.store
    try:
        DemoBuilder(store, random.Random(seed), with_accounts=admin == "demo", shift=shift).build()
    finally:
        store.close()
    return created.recovery_key


class DemoBuilder(
    CohortsAndMembers,
    Registers,
    EssaysAndMarks,
    ResearchData,
    Graduation,
    Applications,
    AfterTheCourse,
    CourseLife,
):
    """Fills a new store with the demo's story, one part of the programme after another."""

    def build(self) -> None:
        with self.store.write() as session:
            self.session = session
            partnership = m.Partnership(
                name="Northfield and Eastbridge Learning Together",
                prison_name="HMP Northfield",
                university_name="University of Eastbridge",
                region="South East",
                started_on=self.on(date(2025, 9, 1)),
            )
            course = m.Course(
                partnership=partnership,
                title="Crime, Justice and Society",
                subject="Criminology",
                accredited=True,
                credits=15,
                level="Level 4",
                description="An introduction to criminology, studied together.",
            )
            session.add_all([partnership, course])
            session.flush()
            lecturers = [self._person(PersonBase.UNIVERSITY) for _ in range(3)]
            coordinator = self._person(PersonBase.UNIVERSITY)
            spring = self._cohort(course, self.on(date(2026, 1, 12)), 10, 10)
            autumn = self._cohort(course, self.on(date(2026, 9, 14)), 12, 10)
            self._lockdown(autumn, LOCKDOWN_WEEK)
            self._staff(spring, lecturers, coordinator, graduates=[])
            self._students(spring, finished=True)
            graduates = [
                p
                for mem, p in spring.members
                if mem.role is MembershipRole.STUDENT and mem.status is MembershipStatus.GRADUATED
            ]
            facilitator_person = self._staff(autumn, lecturers, coordinator, graduates=graduates)
            self._students(autumn, finished=False)
            if self.with_accounts:
                self._accounts(facilitator_person)
            questions = self._story_questions()
            template, items = self._questionnaire()
            everyone = {p.id: p for c in (spring, autumn) for _, p in c.members}
            self._consents(list(everyone.values()))
            session.flush()
            for cohort in (spring, autumn):
                self._groups(cohort)
                self._attendance(cohort)
                self._essays(cohort, finished=cohort is spring)
                self._stories(cohort, questions)
                self._questionnaires(cohort, template, items, finished=cohort is spring)
            self._graduation(spring)
            self._applications(autumn)
            self._mentoring_and_evaluation(spring, autumn, graduates)
            self._application_round(autumn)
            self._after_the_course(spring, autumn, graduates)
            self._stationery(partnership)
            self._course_life([spring, autumn])
            self._lapsed_applications(spring)
            self.store.audit(
                session,
                actor_id=None,
                actor_name=RECORDER,
                action="store.demo_filled",
                details={"people": len(everyone)},
            )
