"""Deciding: offers, the waiting list, kind declines, answers and withdrawals."""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from lt_desktop.core.services.applications.common import ApplicationsPart, application_reference
from lt_desktop.core.services.applications.records import (
    ApplicationRow,
    application_rows,
    places_of,
    rank_key,
)
from lt_desktop.core.services.base import get_or_not_found
from lt_desktop.core.services.memberships import MembershipService
from lt_desktop.domain.errors import ValidationError
from lt_desktop.domain.roles import Permission
from lt_desktop.domain.vocabulary import (
    ApplicationDecision,
    MembershipRole,
    MembershipStatus,
    PersonBase,
)
from lt_desktop.storage.models import Application, Cohort, Person

#: How long an applicant is asked to take to answer an offer.
REPLY_WITHIN = timedelta(days=14)
REPLY_ONCE_STARTED = timedelta(days=7)

#: What staff may decide; the applicant's own answers come through ``answer_offer``.
DECISIONS = (
    ApplicationDecision.OFFERED,
    ApplicationDecision.WAITING_LIST,
    ApplicationDecision.DECLINED,
)
#: Decisions staff may still change: nothing the applicant has answered yet.
OPEN_DECISIONS = frozenset({ApplicationDecision.PENDING, *DECISIONS})
#: Where an applicant may still withdraw from: not yet turned down, nor in the cohort.
WITHDRAWABLE = frozenset(
    {ApplicationDecision.PENDING, ApplicationDecision.OFFERED, ApplicationDecision.WAITING_LIST}
)


#: Reasons staff may choose from when they decline; every one is meant to be read by the
#: applicant, so each is kind, plain and true of many people.
DECLINE_REASONS = [
    "We had many more applications than places this time, so we could not offer a place "
    "to everyone who applied.",
    "The days and times of the sessions do not fit with the times you told us you are free.",
    "We think another course would suit what you hope to learn better, and we would be glad "
    "to talk with you about it.",
]


@dataclass(frozen=True)
class FreePlacesOffered:
    offered: list[ApplicationRow]
    still_free: int
    still_waiting: int
    #: Places left free because no one waiting would keep the numbers even.
    held_for_balance: int = 0


class DecisionsPart(ApplicationsPart):
    """Deciding, and the answers to offers."""

    def decide(
        self,
        application_id: uuid.UUID,
        decision: ApplicationDecision,
        *,
        reason: str = "",
        on: date | None = None,
    ) -> ApplicationRow:
        """Offer a place, put on the waiting list, or decline with a reason the applicant
        reads in their letter. Until the applicant answers, a decision can be changed."""
        self._require(Permission.MANAGE_APPLICATIONS)
        if decision not in DECISIONS:
            raise ValidationError(
                "Choose to offer a place, to put on the waiting list, or to decline."
            )
        if decision is ApplicationDecision.DECLINED and not reason.strip():
            raise ValidationError(
                "Give a reason for declining; it goes in the letter, so keep it kind and plain."
            )
        with self._store.write() as session:
            application = self._get(session, application_id)
            self._decide(session, application, decision, reason=reason, on=on or date.today())
            session.flush()
            return application_rows(session, application.cohort_id, only=application.id)[0]

    def answer_offer(
        self, application_id: uuid.UUID, *, accepted: bool, on: date | None = None
    ) -> ApplicationRow:
        """The applicant's answer. Accepting enrols them in the cohort as a student in the
        same transaction: both happen, or neither does."""
        self._require(Permission.MANAGE_APPLICATIONS)
        when = on or date.today()
        with self._store.write() as session:
            application = self._get(session, application_id)
            if application.decision is not ApplicationDecision.OFFERED:
                raise ValidationError("Only an offer of a place can be accepted or declined.")
            if application.decided_on is not None and when < application.decided_on:
                raise ValidationError("An answer cannot be dated before the offer was made.")
            application.answered_on = when
            if accepted:
                membership = MembershipService(self._store, self.actor).enrol_in(
                    session,
                    application.cohort_id,
                    application.person_id,
                    role=MembershipRole.STUDENT,
                    status=MembershipStatus.ACTIVE,
                    on=when,
                    reason="Accepted the offer of a place",
                )
                application.decision = ApplicationDecision.ACCEPTED
                self._audit(
                    session,
                    "application.offer_accepted",
                    "application",
                    application.id,
                    reference=application_reference(application.id),
                    membership=str(membership.id),
                )
            else:
                application.decision = ApplicationDecision.OFFER_DECLINED
                self._audit(
                    session,
                    "application.offer_declined",
                    "application",
                    application.id,
                    reference=application_reference(application.id),
                )
            session.flush()
            return application_rows(session, application.cohort_id, only=application.id)[0]

    def withdraw(self, application_id: uuid.UUID, *, on: date | None = None) -> ApplicationRow:
        """The applicant no longer wishes to take part (before taking up a place)."""
        self._require(Permission.MANAGE_APPLICATIONS)
        with self._store.write() as session:
            application = self._get(session, application_id)
            if application.decision not in WITHDRAWABLE:
                raise ValidationError(
                    "Only an application still waiting for a decision or an answer can be "
                    "withdrawn; a student who has started leaves through the cohort."
                )
            application.decision = ApplicationDecision.WITHDRAWN
            application.answered_on = on or date.today()
            self._audit(
                session,
                "application.withdrawn",
                "application",
                application.id,
                reference=application_reference(application.id),
            )
            session.flush()
            return application_rows(session, application.cohort_id, only=application.id)[0]

    def offer_free_places(
        self, cohort_id: uuid.UUID, *, on: date | None = None
    ) -> FreePlacesOffered:
        """Offer every free place to the waiting list, best assessed first, in a way that
        keeps the numbers even.

        Each place goes to the highest-ranked person waiting whose place leaves the prison-
        and university-based numbers (taken and offered) no more than one apart. A place no
        such person can take stays free for staff to decide."""
        self._require(Permission.MANAGE_APPLICATIONS)
        when = on or date.today()
        with self._store.write() as session:
            self._require_cohort_visible(session, cohort_id)
            cohort = get_or_not_found(session, Cohort, cohort_id, "cohort")
            places = places_of(session, cohort)
            counts = {
                PersonBase.PRISON: places.promised.prison,
                PersonBase.UNIVERSITY: places.promised.university,
            }
            waiting = [
                row
                for row in sorted(application_rows(session, cohort_id), key=rank_key)
                if row.decision is ApplicationDecision.WAITING_LIST
            ]
            bases = dict(
                session.execute(
                    select(Person.id, Person.base).where(
                        Person.id.in_([row.person_id for row in waiting])
                    )
                ).all()
            )
            offered: list[ApplicationRow] = []
            free, held = places.free, 0
            while free and waiting:
                chosen = next(
                    (row for row in waiting if _keeps_balance(counts, bases[row.person_id])),
                    None,
                )
                if chosen is None:
                    held = free
                    break
                waiting.remove(chosen)
                application = self._get(session, chosen.id)
                self._decide(
                    session,
                    application,
                    ApplicationDecision.OFFERED,
                    reason="",
                    on=when,
                    from_waiting_list=True,
                )
                base = bases[chosen.person_id]
                if base in counts:
                    counts[base] += 1
                free -= 1
                offered.append(chosen)
            session.flush()
            fresh = {row.id: row for row in application_rows(session, cohort_id)}
            return FreePlacesOffered(
                offered=[fresh[row.id] for row in offered],
                still_free=free,
                still_waiting=len(waiting),
                held_for_balance=held,
            )

    def _decide(
        self,
        session: Session,
        application: Application,
        decision: ApplicationDecision,
        *,
        reason: str,
        on: date,
        from_waiting_list: bool = False,
    ) -> None:
        if application.decision not in OPEN_DECISIONS:
            raise ValidationError(
                f"This application is closed ({application.decision.label.lower()}); its "
                "decision can no longer change."
            )
        if application.decision is decision:
            raise ValidationError(f"The decision is already: {decision.label.lower()}.")
        if decision is ApplicationDecision.OFFERED:
            cohort = get_or_not_found(session, Cohort, application.cohort_id, "cohort")
            if places_of(session, cohort).free <= 0:
                raise ValidationError(
                    f"All {cohort.capacity} places are taken or offered. Put this application "
                    "on the waiting list, or make the cohort larger first."
                )
        before = application.decision
        application.decision = decision
        application.decided_on = on
        application.decision_reason = (
            reason.strip() if decision is ApplicationDecision.DECLINED else ""
        )
        session.flush()
        self._audit(
            session,
            "application.decided",
            "application",
            application.id,
            reference=application_reference(application.id),
            decision=decision.value,
            before=before.value,
            **({"from_waiting_list": True} if from_waiting_list else {}),
        )


def _keeps_balance(counts: Mapping[PersonBase, int], base: PersonBase) -> bool:
    if base not in counts:
        return True  # neither side: the difference does not move
    other = PersonBase.UNIVERSITY if base is PersonBase.PRISON else PersonBase.PRISON
    return counts[base] + 1 - counts[other] <= 1
