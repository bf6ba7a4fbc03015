"""The demo's applications: to the running cohort, and a round for the next one."""

from __future__ import annotations

import random
import uuid
from collections.abc import Sequence
from datetime import timedelta

from sqlalchemy import select

from lt_desktop.core import demo_text as text
from lt_desktop.core.demo.base import (
    RECORDER,
    DemoBuilderBase,
    DemoCohort,
)
from lt_desktop.core.services.applications import DECLINE_REASONS, ensure_default_rubric
from lt_desktop.core.services.people import new_research_id
from lt_desktop.domain.roles import Role
from lt_desktop.domain.vocabulary import (
    ApplicationDecision,
    ClearanceStatus,
    MembershipRole,
    PersonBase,
)
from lt_desktop.storage import models as m


class Applications(DemoBuilderBase):
    """Takes applications, scores them and decides them."""

    def _applications(self, cohort: DemoCohort) -> None:
        for membership, person in cohort.members:
            if membership.role is not MembershipRole.STUDENT:
                continue
            self.session.add(
                m.Application(
                    cohort_id=cohort.row.id,
                    person_id=person.id,
                    received_on=cohort.row.starts_on - timedelta(days=self.rng.randint(40, 70)),
                    motivation_statement=" ".join(self.rng.sample(text.STORY_SENTENCES, 2)),
                    heard_about=self.rng.choice(
                        ["Education department", "A friend", "Lecturer", "Poster"]
                    ),
                    decision=ApplicationDecision.ACCEPTED,
                    decided_on=cohort.row.starts_on - timedelta(days=30),
                    answered_on=cohort.row.starts_on - timedelta(days=20),
                )
            )

    def _application_round(self, autumn: DemoCohort) -> None:
        """The second cohort's application round as it ended: every statement assessed
        by two people on the default rubric; besides the students who accepted, a waiting
        list, two kind declines, an offer turned down and an application withdrawn. A
        student has left since, so a place is free for the waiting list. Applicants who
        never enrolled are in no cohort, so they never leave this site. A generator of its
        own, so nothing made before shifts."""
        rng = random.Random(3_2027)
        session = self.session
        ensure_default_rubric(session)
        criteria = session.scalars(
            select(m.RubricCriterion)
            .where(m.RubricCriterion.active.is_(True))
            .order_by(m.RubricCriterion.position)
        ).all()
        admin = session.scalars(
            select(m.User).where(m.User.role == Role.ADMINISTRATOR).order_by(m.User.created_at)
        ).first()
        staff = session.scalars(select(m.User).where(m.User.username == "staff")).first()
        assessors: list[tuple[uuid.UUID | None, str]] = [
            (admin.id if admin else None, admin.display_name if admin else RECORDER),
            (staff.id, staff.display_name) if staff else (None, "Dr Sam Reid"),
        ]
        cohort = autumn.row
        decided_on = cohort.starts_on - timedelta(days=30)  # as the students' applications
        accepted = {
            a.person_id: a
            for a in session.scalars(
                select(m.Application).where(m.Application.cohort_id == cohort.id)
            )
        }
        for membership, person in autumn.members:
            if membership.role is MembershipRole.STUDENT and person.id in accepted:
                self._scores(rng, accepted[person.id], criteria, assessors, 3, 5)
        waiting, declined, turned_down, withdrawn = (
            ApplicationDecision.WAITING_LIST,
            ApplicationDecision.DECLINED,
            ApplicationDecision.OFFER_DECLINED,
            ApplicationDecision.WITHDRAWN,
        )
        # (where they are based, the decision, lowest and highest score)
        plan = [
            (PersonBase.PRISON, waiting, 3, 4),
            (PersonBase.PRISON, waiting, 3, 4),
            (PersonBase.UNIVERSITY, waiting, 3, 4),
            (PersonBase.UNIVERSITY, waiting, 3, 4),
            (PersonBase.PRISON, declined, 1, 3),
            (PersonBase.UNIVERSITY, declined, 1, 3),
            (PersonBase.UNIVERSITY, turned_down, 4, 5),
            (PersonBase.PRISON, withdrawn, 2, 4),
        ]
        reasons = iter(DECLINE_REASONS[:2])
        for base, decision, low, high in plan:
            person = self._applicant(rng, base)
            application = m.Application(
                id=uuid.uuid4(),
                cohort_id=cohort.id,
                person_id=person.id,
                received_on=cohort.starts_on - timedelta(days=rng.randint(40, 70)),
                motivation_statement=" ".join(rng.sample(text.MOTIVATION_SENTENCES, 3)),
                heard_about=rng.choice(text.HEARD_ABOUT),
                availability=rng.choice(text.AVAILABILITY),
                adjustments=rng.choice(text.ADJUSTMENTS),
                decision=decision,
                decision_reason=next(reasons) if decision is declined else "",
                decided_on=None if decision is withdrawn else decided_on,
                answered_on=(
                    decided_on + timedelta(days=rng.randint(3, 10))
                    if decision in (turned_down, withdrawn)
                    else None
                ),
            )
            session.add(application)
            session.flush()
            self._scores(rng, application, criteria, assessors, low, high)

    def _lapsed_applications(self, spring: DemoCohort) -> None:
        """Two applications to the first cohort that led to no place, decided a month
        before it began: one declined, one withdrawn. Their six months are long past, so
        the retention schedule has them due; neither applicant holds anything else here,
        so each is due to be erased altogether. Made last, from a generator of its own,
        so nothing made before shifts."""
        rng = random.Random(4_2026)
        cohort = spring.row
        decided_on = cohort.starts_on - timedelta(days=32)
        for base, decision in (
            (PersonBase.UNIVERSITY, ApplicationDecision.DECLINED),
            (PersonBase.PRISON, ApplicationDecision.WITHDRAWN),
        ):
            person = self._applicant(rng, base)
            self.session.add(
                m.Application(
                    cohort_id=cohort.id,
                    person_id=person.id,
                    received_on=decided_on - timedelta(days=rng.randint(20, 40)),
                    motivation_statement=" ".join(rng.sample(text.MOTIVATION_SENTENCES, 3)),
                    heard_about=rng.choice(text.HEARD_ABOUT),
                    availability=rng.choice(text.AVAILABILITY),
                    decision=decision,
                    decision_reason=(
                        DECLINE_REASONS[0] if decision is ApplicationDecision.DECLINED else ""
                    ),
                    decided_on=decided_on if decision is ApplicationDecision.DECLINED else None,
                    answered_on=(
                        decided_on + timedelta(days=6)
                        if decision is ApplicationDecision.WITHDRAWN
                        else None
                    ),
                )
            )

    def _scores(
        self,
        rng: random.Random,
        application: m.Application,
        criteria: Sequence[m.RubricCriterion],
        assessors: list[tuple[uuid.UUID | None, str]],
        low: int,
        high: int,
    ) -> None:
        for assessor_id, assessor_name in assessors:
            for position, criterion in enumerate(criteria):
                score = rng.randint(low, high)
                self.session.add(
                    m.ApplicationScore(
                        application_id=application.id,
                        criterion_id=criterion.id,
                        assessor_id=assessor_id,
                        assessor_name=assessor_name,
                        score=score,
                        notes=text.ASSESSOR_NOTES[position].get(score, ""),
                    )
                )

    def _applicant(self, rng: random.Random, base: PersonBase) -> m.Person:
        while True:
            given, family = rng.choice(text.GIVEN_NAMES), rng.choice(text.FAMILY_NAMES)
            if (given, family) not in self._names:
                self._names.add((given, family))
                break
        person = m.Person(
            id=uuid.uuid4(),
            given_name=given,
            family_name=family,
            base=base,
            email=(
                f"{given.lower()}.{family.lower().replace(chr(39), '')}@eastbridge.ac.uk"
                if base is PersonBase.UNIVERSITY
                else ""
            ),
            research_id=new_research_id(),
        )
        self.session.add(person)
        self.session.flush()
        if base is PersonBase.PRISON and self.prison_site:
            while True:
                number = (
                    f"{rng.choice('ABG')}{rng.randint(1000, 9999)}"
                    f"{rng.choice('ABCDEFGHJK')}{rng.choice('ABCDEFGHJK')}"
                )
                if number not in self._prison_numbers:
                    self._prison_numbers.add(number)
                    break
            # What only the prison needs, such as the clearance to attend, stays here.
            self.session.add(
                m.PrisonDetails(
                    person_id=person.id,
                    prison_number=number,
                    location=rng.choice(text.PRISON_LOCATIONS),
                    security_notes=rng.choice(text.SECURITY_NOTES),
                    clearance=ClearanceStatus.NOT_SUBMITTED,
                )
            )
        return person
