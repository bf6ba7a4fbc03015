"""Keeping data only as long as needed: the retention schedule, what it says is due,
and erasing that once a person has confirmed it.

The schedule (``domain.retention``) is this organisation's own and never travels. What
is due is worked out afresh from the records each time it is asked for, as erasure
requests (``core.services.erasure``): the same erasure a person's own request makes,
scoped to one cohort's research data, interviews or application where that is all that
is due. It is blanked here and, for people based at this side, travels to every site
like any erasure; what this site erases of people based at the other side holds here
only, as that side keeps its own records by its own schedule (``core.services.erasure``).

Nothing is erased by the schedule on its own: ``apply`` is called only after a person
has seen what is due and confirmed it.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from lt_desktop.core.services.base import Service
from lt_desktop.core.services.erasure import ErasureCount, ErasureRequest, ErasureService
from lt_desktop.domain.errors import ValidationError
from lt_desktop.domain.retention import (
    DEFAULTS,
    LONGEST,
    PeriodUnit,
    RetentionKind,
    RetentionPeriod,
)
from lt_desktop.domain.roles import Permission
from lt_desktop.domain.vocabulary import ApplicationDecision, ErasureReason, ErasureScope
from lt_desktop.domain.wording import counted
from lt_desktop.storage.models import (
    Application,
    ClassSession,
    Cohort,
    FacilitatorTraining,
    Interview,
    Membership,
    MentorInvitation,
    MentorTraining,
    Person,
    Progression,
    QuestionnaireResponse,
    RetentionSetting,
    Story,
    User,
    utc_now,
)
from lt_desktop.sync import erasures

#: Decisions that leave an applicant without a place: declined by the site, the offer
#: turned down, or withdrawn. (A waiting-list application joins them once its cohort
#: has ended; a pending one waits for a decision.)
NOT_OFFERED_A_PLACE = frozenset(
    {
        ApplicationDecision.DECLINED,
        ApplicationDecision.OFFER_DECLINED,
        ApplicationDecision.WITHDRAWN,
    }
)


@dataclass(frozen=True)
class Due:
    """What one kind's period says is due today: the erasures, and what they remove."""

    period: RetentionPeriod
    requests: tuple[ErasureRequest, ...] = ()
    #: Records that would go, by kind, summed over the requests.
    counts: tuple[ErasureCount, ...] = ()

    @property
    def kind(self) -> RetentionKind:
        return self.period.kind

    @property
    def people(self) -> int:
        return len({request.person_id for request in self.requests})

    @property
    def total(self) -> int:
        return sum(count.count for count in self.counts)

    def describe(self) -> str:
        """What is due in a line: "Due: 14 records about 3 people"."""
        if self.kind.until_a_date and self.period.until is None and not self.period.off:
            return "Nothing is due until the study's end date is set."
        if not self.requests:
            return "Nothing is due."
        return (
            f"Due: {counted(self.total, 'record')} about {counted(self.people, 'person', 'people')}"
        )

    def lines(self) -> list[str]:
        return [f"{count.words}: {count.count}" for count in self.counts]


@dataclass(frozen=True)
class RetentionErased:
    """What one use of the schedule erased."""

    kinds: tuple[RetentionKind, ...]
    people: int
    counts: tuple[ErasureCount, ...] = field(default=())

    @property
    def total(self) -> int:
        return sum(count.count for count in self.counts)


class RetentionService(Service):
    # -- the schedule -----------------------------------------------------------------

    def periods(self) -> list[RetentionPeriod]:
        """Each kind's period, in the order screens list them (defaults where unchanged)."""
        self._require(Permission.VIEW_RETENTION)
        with self._store.read() as session:
            return [_period(session, kind) for kind in RetentionKind]

    def set_period(self, kind: RetentionKind, amount: int, unit: PeriodUnit) -> RetentionPeriod:
        """Keep ``kind`` for ``amount`` months or years (and turn it on if it was off)."""
        self._require(Permission.MANAGE_RETENTION)
        if kind.until_a_date:
            raise ValidationError(
                f"{kind.label} are kept until the study ends: set the study's end date."
            )
        longest = LONGEST[unit]
        if not 1 <= amount <= longest:
            raise ValidationError(f"Choose from 1 to {longest} {unit.value}.")
        return self._change(kind, off=False, amount=amount, unit=unit)

    def set_study_end(self, ends_on: date | None) -> RetentionPeriod:
        """The day the study ends, from which interview transcripts and notes are due;
        None: not known yet, so none are due."""
        self._require(Permission.MANAGE_RETENTION)
        return self._change(RetentionKind.INTERVIEWS, off=False, until=ends_on, set_until=True)

    def set_off(self, kind: RetentionKind, off: bool) -> RetentionPeriod:
        """Turn a kind off (never due) or back on, keeping its period."""
        self._require(Permission.MANAGE_RETENTION)
        return self._change(kind, off=off)

    def use_default(self, kind: RetentionKind) -> RetentionPeriod:
        """Go back to the default period for ``kind``."""
        self._require(Permission.MANAGE_RETENTION)
        with self._store.write() as session:
            before = _period(session, kind)
            row = session.get(RetentionSetting, kind)
            if row is not None:
                session.delete(row)
            return self._changed(session, kind, before, DEFAULTS[kind])

    def _change(
        self,
        kind: RetentionKind,
        *,
        off: bool,
        amount: int | None = None,
        unit: PeriodUnit | None = None,
        until: date | None = None,
        set_until: bool = False,
    ) -> RetentionPeriod:
        with self._store.write() as session:
            before = _period(session, kind)
            row = session.get(RetentionSetting, kind)
            if row is None:
                row = RetentionSetting(
                    kind=kind, amount=before.amount, unit=before.unit, until=before.until
                )
                session.add(row)
            row.off = off
            if amount is not None:
                row.amount = amount
            if unit is not None:
                row.unit = unit
            if set_until:
                row.until = until
            row.changed_at = utc_now()
            return self._changed(session, kind, before, _from_row(row))

    def _changed(
        self,
        session: Session,
        kind: RetentionKind,
        before: RetentionPeriod,
        after: RetentionPeriod,
    ) -> RetentionPeriod:
        """Audit a change of ``kind``'s period, and give the period it now has."""
        self._audit(
            session,
            "retention.changed",
            "retention",
            kind.value,
            before=before.describe(),
            after=after.describe(),
        )
        return after

    # -- what is due ------------------------------------------------------------------

    def due(
        self, today: date | None = None, kinds: Iterable[RetentionKind] | None = None
    ) -> list[Due]:
        """For each kind (or those asked for), what its period says is due ``today``:
        the erasures and the records they would remove, counted by kind."""
        self._require(Permission.VIEW_RETENTION)
        today = today or date.today()
        wanted = _kinds(kinds)
        with self._store.read() as session:
            found = [
                (period, _requests(session, period, today))
                for period in _periods(session)
                if period.kind in wanted
            ]
        erasure = ErasureService(self._store, self.actor)
        return [
            Due(
                period,
                requests,
                _in_order(erasure.preview_requests(requests)) if requests else (),
            )
            for period, requests in found
        ]

    def apply(
        self, kinds: Iterable[RetentionKind] | None = None, today: date | None = None
    ) -> RetentionErased:
        """Erase what is due ``today`` for ``kinds`` (all of them if None), in one
        transaction, kept to travel as erasures do. Only after a person has confirmed it."""
        self._require(Permission.MANAGE_RETENTION)
        if today is not None and today > date.today():
            raise ValidationError("Only what is due by today can be erased, not a later day.")
        today = today or date.today()
        wanted = _kinds(kinds)
        with self._store.read() as session:
            requests = [
                request
                for period in _periods(session)
                if period.kind in wanted
                for request in _requests(session, period, today)
            ]
        requests = _without_overlaps(requests)
        chosen = tuple(kind for kind in RetentionKind if kind in wanted)
        people = len({request.person_id for request in requests})
        counts: tuple[ErasureCount, ...] = ()
        if requests:
            erasure = ErasureService(self._store, self.actor)
            counts = _in_order(erasure.erase_requests(requests, reason=ErasureReason.RETENTION))
        with self._store.write() as session:
            self._audit(
                session,
                "retention.applied",
                "retention",
                ",".join(kind.value for kind in chosen),
                on=today.isoformat(),
                people=people,
                **{count.words: count.count for count in counts},
            )
        return RetentionErased(chosen, people, counts)


def _in_order(counts: Iterable[ErasureCount]) -> tuple[ErasureCount, ...]:
    """Counts in the order erasures list their kinds (person record first), however
    the people they were summed over happened to be ordered."""
    order: dict[str, int] = {}
    for kind in erasures.KINDS:
        order.setdefault(kind.words, len(order))
    return tuple(sorted(counts, key=lambda count: order.get(count.words, len(order))))


def _kinds(kinds: Iterable[RetentionKind] | None) -> frozenset[RetentionKind]:
    return frozenset(RetentionKind) if kinds is None else frozenset(kinds)


def _from_row(row: RetentionSetting) -> RetentionPeriod:
    return RetentionPeriod(row.kind, off=row.off, amount=row.amount, unit=row.unit, until=row.until)


def _period(session: Session, kind: RetentionKind) -> RetentionPeriod:
    row = session.get(RetentionSetting, kind)
    return DEFAULTS[kind] if row is None else _from_row(row)


def _periods(session: Session) -> list[RetentionPeriod]:
    return [_period(session, kind) for kind in RetentionKind]


def read_periods(session: Session) -> list[RetentionPeriod]:
    """Each kind's period as the store holds it (defaults where unchanged)."""
    return _periods(session)


def _requests(session: Session, period: RetentionPeriod, today: date) -> tuple[ErasureRequest, ...]:
    if period.off:
        return ()
    finders = {
        RetentionKind.RESEARCH_DATA: _research_data,
        RetentionKind.INTERVIEWS: _interviews,
        RetentionKind.APPLICATIONS: _applications,
        RetentionKind.COURSE_RECORDS: _course_records,
    }
    return tuple(finders[period.kind](session, period, today))


def _cohort_ends(session: Session) -> dict[uuid.UUID, date]:
    return {
        cohort_id: ends_on
        for cohort_id, ends_on in session.execute(select(Cohort.id, Cohort.ends_on))
    }


def _research_data(session: Session, period: RetentionPeriod, today: date) -> list[ErasureRequest]:
    """A cohort's research data, for each person who has some, once the period after
    the cohort's end has run."""
    ended = {
        cohort_id
        for cohort_id, ends_on in session.execute(select(Cohort.id, Cohort.ends_on))
        if period.is_due(ends_on, today)
    }
    if not ended:
        return []
    held: set[tuple[uuid.UUID, uuid.UUID]] = set()
    stories = session.execute(
        select(Story.person_id, ClassSession.cohort_id)
        .join(ClassSession, Story.session_id == ClassSession.id)
        .join(Person, Person.id == Story.person_id)
    )
    held.update((person_id, cohort_id) for person_id, cohort_id in stories)
    for model in (QuestionnaireResponse, Interview):
        rows = session.execute(
            select(model.person_id, model.cohort_id).join(Person, Person.id == model.person_id)
        )
        held.update((person_id, cohort_id) for person_id, cohort_id in rows)
    return [
        ErasureRequest(person_id, ErasureScope.RESEARCH_DATA, cohort_id)
        for person_id, cohort_id in sorted(held)
        if cohort_id in ended
    ]


def _interviews(session: Session, period: RetentionPeriod, today: date) -> list[ErasureRequest]:
    """Every interview and its files, from the day the study ends (none while no end
    date is set)."""
    if period.until is None or today < period.until:
        return []
    rows = session.execute(
        select(Interview.person_id, Interview.cohort_id).join(
            Person, Person.id == Interview.person_id
        )
    )
    pairs = {(person_id, cohort_id) for person_id, cohort_id in rows}
    return [
        ErasureRequest(person_id, ErasureScope.INTERVIEWS, cohort_id)
        for person_id, cohort_id in sorted(pairs)
    ]


def _applications(session: Session, period: RetentionPeriod, today: date) -> list[ErasureRequest]:
    """Applications that did not lead to a place, once the period after the decision
    has run; an applicant who holds nothing else here is erased altogether, so no bare
    record of them is left behind."""
    ends_on = _cohort_ends(session)
    applications = list(
        session.scalars(select(Application).join(Person, Person.id == Application.person_id))
    )
    due: list[Application] = []
    for application in applications:
        start = _no_place_since(application, ends_on.get(application.cohort_id))
        if start is not None and period.is_due(start, today):
            due.append(application)
    if not due:
        return []
    due_ids = {application.id for application in due}
    others: dict[uuid.UUID, int] = {}
    for application in applications:
        if application.id not in due_ids:
            others[application.person_id] = others.get(application.person_id, 0) + 1
    applicants = {application.person_id for application in due}
    holding = _holding_more(session, applicants) | set(others)
    requests: list[ErasureRequest] = []
    for person_id in sorted(applicants - holding):
        requests.append(ErasureRequest(person_id, ErasureScope.EVERYTHING))
    for application in sorted(due, key=lambda a: (a.person_id, a.cohort_id)):
        if application.person_id in holding:
            requests.append(
                ErasureRequest(
                    application.person_id, ErasureScope.APPLICATION, application.cohort_id
                )
            )
    return requests


def _no_place_since(application: Application, cohort_ends_on: date | None) -> date | None:
    """The day an application was settled without a place, if it was: the applicant's
    answer or withdrawal, else the decision; a waiting-list place lapses when the
    cohort ends."""
    if application.decision in NOT_OFFERED_A_PLACE:
        if application.decision is ApplicationDecision.DECLINED:
            return application.decided_on or application.received_on
        return application.answered_on or application.decided_on or application.received_on
    if application.decision is ApplicationDecision.WAITING_LIST:
        return cohort_ends_on
    return None


def _holding_more(session: Session, people: set[uuid.UUID]) -> set[uuid.UUID]:
    """Those of ``people`` who hold anything here besides applications: a place in a
    cohort, research data, a step after a course, training or an invitation to mentor,
    a session they lectured, or an account."""
    if not people:
        return set()
    ids = sorted(people)
    holding: set[uuid.UUID] = set()
    for column in (
        Membership.person_id,
        Story.person_id,
        QuestionnaireResponse.person_id,
        Interview.person_id,
        Progression.person_id,
        MentorInvitation.person_id,
        MentorTraining.person_id,
        FacilitatorTraining.person_id,
        ClassSession.lecturer_id,
        User.person_id,
    ):
        for start in range(0, len(ids), 500):
            chunk = ids[start : start + 500]
            holding.update(
                found for found in session.scalars(select(column).where(column.in_(chunk))) if found
            )
    return holding


def _course_records(session: Session, period: RetentionPeriod, today: date) -> list[ErasureRequest]:
    """Everyone whose last cohort (a place, an application or an invitation to mentor)
    ended the period ago, and who has no account here: all of it."""
    ends_on = _cohort_ends(session)
    last: dict[uuid.UUID, date] = {}
    placed: set[uuid.UUID] = set()
    for model in (Membership, Application, MentorInvitation):
        rows = session.execute(
            select(model.person_id, model.cohort_id).join(Person, Person.id == model.person_id)
        )
        for person_id, cohort_id in rows:
            if model is Membership:
                placed.add(person_id)
            ended = ends_on.get(cohort_id)
            if ended is not None and (person_id not in last or ended > last[person_id]):
                last[person_id] = ended
    with_accounts = {
        person_id
        for person_id in session.scalars(
            select(User.person_id).where(User.person_id.is_not(None), User.disabled.is_(False))
        )
        if person_id is not None
    }
    return [
        ErasureRequest(person_id, ErasureScope.EVERYTHING)
        for person_id in sorted(placed - with_accounts)
        if period.is_due(last[person_id], today)
    ]


def _without_overlaps(requests: Sequence[ErasureRequest]) -> list[ErasureRequest]:
    """One erasure per thing: someone erased altogether needs nothing narrower, and a
    cohort's research data takes in its interviews."""
    everything = {r.person_id for r in requests if r.scope is ErasureScope.EVERYTHING}
    research = {
        (r.person_id, r.cohort_id) for r in requests if r.scope is ErasureScope.RESEARCH_DATA
    }
    kept: list[ErasureRequest] = []
    seen: set[ErasureRequest] = set()
    for request in requests:
        if request in seen:
            continue
        if request.scope is not ErasureScope.EVERYTHING and request.person_id in everything:
            continue
        if (
            request.scope is ErasureScope.INTERVIEWS
            and (request.person_id, request.cohort_id) in research
        ):
            continue
        seen.add(request)
        kept.append(request)
    return kept


__all__ = ["NOT_OFFERED_A_PLACE", "Due", "RetentionErased", "RetentionService", "read_periods"]
