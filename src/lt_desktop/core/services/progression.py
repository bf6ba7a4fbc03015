"""After the course: what a person goes on to do, recorded with their consent.

A person's journey continues after the cohort: further study, mentoring or
facilitating a later cohort, work, or (for someone released from prison) keeping in
touch. Each step is recorded with its dates, and only while the person's consent to
being followed (``ConsentScope.PROGRESSION``) stands: without it nothing is saved.

Once that consent is withdrawn, what was recorded here stays here but is counted
nowhere and sent nowhere, and the copies partners hold are blanked at the next
exchange, as research data is (``sync.outgoing.CONSENTED``). The figures
(``progression_counts``) are numbers of people, never names.

Both sides record it: the prison the mentoring and facilitating inside, the
university what people go on to do after release (``sync.authority.RULES``).
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from lt_desktop.core.services.base import Service, get_or_not_found
from lt_desktop.core.services.research_consent import consent_problem
from lt_desktop.domain.errors import ConsentMissing, ValidationError
from lt_desktop.domain.roles import Permission
from lt_desktop.domain.vocabulary import ConsentScope, MembershipRole, PersonBase, ProgressionKind
from lt_desktop.storage.models import Cohort, Membership, Person, Progression, utc_now
from lt_desktop.sync.outgoing import consenting

NOTES_LIMIT = 2000


@dataclass(frozen=True)
class ProgressionInfo:
    id: uuid.UUID
    person_id: uuid.UUID
    kind: ProgressionKind
    started_on: date
    ended_on: date | None
    cohort_id: uuid.UUID | None
    cohort_title: str  # the cohort it follows, "" for none
    notes: str
    recorded_by_name: str
    #: Whether the person's consent to being followed stands: without it this is
    #: counted nowhere and sent nowhere.
    consented: bool

    def describe_dates(self) -> str:
        since = f"{self.started_on:%d %b %Y}"
        if self.ended_on is None:
            return f"since {since}"
        return f"{since} to {self.ended_on:%d %b %Y}"


@dataclass(frozen=True)
class FollowedCohort:
    """A cohort a step after the course may follow: one the person had a place in."""

    id: uuid.UUID
    title: str
    ends_on: date


class ProgressionService(Service):
    """What people go on to do after a cohort, kept by those who keep people's records."""

    def list_for(self, person_id: uuid.UUID) -> list[ProgressionInfo]:
        """The person's steps after the course, the latest first."""
        self._require(Permission.EDIT_PEOPLE)
        with self._store.read() as session:
            self._require_person_visible(session, person_id)
            get_or_not_found(session, Person, person_id, "person")
            consented = consent_problem(session, person_id, ConsentScope.PROGRESSION) is None
            rows = session.scalars(
                select(Progression)
                .where(Progression.person_id == person_id)
                .order_by(Progression.started_on.desc(), Progression.created_at.desc())
            )
            return [_info(session, row, consented) for row in rows]

    def cohorts_for(self, person_id: uuid.UUID) -> list[FollowedCohort]:
        """The cohorts a step of this person's may follow: those they studied in, the
        latest first, then those they had another part in (as a mentor, say)."""
        self._require(Permission.EDIT_PEOPLE)
        with self._store.read() as session:
            self._require_person_visible(session, person_id)
            places = session.execute(
                select(Cohort, Membership.role)
                .join(Membership, Membership.cohort_id == Cohort.id)
                .where(Membership.person_id == person_id)
                .order_by(Cohort.ends_on.desc())
            ).all()
            studied = [c for c, role in places if role is MembershipRole.STUDENT]
            found = [
                FollowedCohort(c.id, f"{c.course.title}: {c.name}", c.ends_on) for c in studied
            ]
            found += [
                FollowedCohort(
                    c.id, f"{c.course.title}: {c.name} (as {role.label.lower()})", c.ends_on
                )
                for c, role in places
                if c not in studied
            ]
            return found

    def record(
        self,
        person_id: uuid.UUID,
        *,
        kind: ProgressionKind,
        started_on: date,
        ended_on: date | None = None,
        cohort_id: uuid.UUID | None = None,
        notes: str = "",
    ) -> ProgressionInfo:
        """Record a step the person took after a cohort; refused without their consent."""
        self._require(Permission.EDIT_PEOPLE)
        with self._store.write() as session:
            self._require_person_visible(session, person_id)
            person = get_or_not_found(session, Person, person_id, "person")
            _require_followed(session, person_id)
            row = Progression(person_id=person_id)
            _fill(session, row, person, kind, started_on, ended_on, cohort_id, notes)
            row.recorded_by_name = self.actor.display_name
            session.add(row)
            session.flush()
            self._audit(session, "progression.recorded", "person", person_id, kind=kind.value)
            return _info(session, row, True)

    def edit(
        self,
        progression_id: uuid.UUID,
        *,
        kind: ProgressionKind,
        started_on: date,
        ended_on: date | None = None,
        cohort_id: uuid.UUID | None = None,
        notes: str = "",
    ) -> ProgressionInfo:
        self._require(Permission.EDIT_PEOPLE)
        with self._store.write() as session:
            row = self._progression(session, progression_id)
            person = get_or_not_found(session, Person, row.person_id, "person")
            _require_followed(session, row.person_id)
            _fill(session, row, person, kind, started_on, ended_on, cohort_id, notes)
            row.recorded_by_name = self.actor.display_name
            session.flush()
            self._audit(session, "progression.changed", "person", row.person_id, kind=kind.value)
            return _info(session, row, True)

    def remove(self, progression_id: uuid.UUID) -> None:
        """Remove a step, whatever the person's consent: the removal reaches every site
        that holds it."""
        self._require(Permission.EDIT_PEOPLE)
        with self._store.write() as session:
            row = self._progression(session, progression_id)
            row.deleted_at = utc_now()
            self._audit(
                session, "progression.removed", "person", row.person_id, kind=row.kind.value
            )

    def _progression(self, session: Session, progression_id: uuid.UUID) -> Progression:
        # Whose it is is found first, so a record out of reach is refused the same way
        # whether or not it exists.
        person_id = session.scalar(
            select(Progression.person_id).where(Progression.id == progression_id)
        )
        if person_id is not None:
            self._require_person_visible(session, person_id)
        return get_or_not_found(session, Progression, progression_id, "step after the course")


def _require_followed(session: Session, person_id: uuid.UUID) -> None:
    problem = consent_problem(session, person_id, ConsentScope.PROGRESSION)
    if problem is not None:
        raise ConsentMissing(
            f"{problem} Record their consent to {ConsentScope.PROGRESSION.label.lower()} "
            "on their page first. Nothing was saved."
        )


def _fill(
    session: Session,
    row: Progression,
    person: Person,
    kind: ProgressionKind,
    started_on: date,
    ended_on: date | None,
    cohort_id: uuid.UUID | None,
    notes: str,
) -> None:
    if ended_on is not None and ended_on < started_on:
        raise ValidationError("It cannot end before it started.")
    if kind is ProgressionKind.KEEPING_IN_TOUCH and person.base is not PersonBase.PRISON:
        raise ValidationError(
            f"{kind.label} is recorded only for someone who studied with us in prison."
        )
    notes = notes.strip()
    if len(notes) > NOTES_LIMIT:
        raise ValidationError(f"The notes are limited to {NOTES_LIMIT} characters.")
    if cohort_id is not None and (
        session.scalar(
            select(Membership.id).where(
                Membership.person_id == person.id, Membership.cohort_id == cohort_id
            )
        )
        is None
    ):
        raise ValidationError(
            f"{person.display_name} had no place in that cohort: choose one of theirs, or none."
        )
    row.kind = kind
    row.started_on = started_on
    row.ended_on = ended_on
    row.cohort_id = cohort_id
    row.notes = notes


def _info(session: Session, row: Progression, consented: bool) -> ProgressionInfo:
    cohort = session.get(Cohort, row.cohort_id) if row.cohort_id is not None else None
    return ProgressionInfo(
        id=row.id,
        person_id=row.person_id,
        kind=row.kind,
        started_on=row.started_on,
        ended_on=row.ended_on,
        cohort_id=row.cohort_id,
        cohort_title=f"{cohort.course.title}: {cohort.name}" if cohort is not None else "",
        notes=row.notes,
        recorded_by_name=row.recorded_by_name,
        consented=consented,
    )


def progression_counts(session: Session, cohort_ids: list[uuid.UUID]) -> list[tuple[str, int]]:
    """How many people went on to each kind of step after these cohorts, as
    (label, number of people), in the vocabulary's order, kinds with nobody left out.

    A step counts for the cohort it follows; one that follows no cohort in particular
    counts for every cohort its person was a student of. Only people whose consent to
    being followed stands today are counted, each once per kind. No names: figures only.
    """
    if not cohort_ids:
        return []
    students = select(Membership.person_id).where(
        Membership.cohort_id.in_(cohort_ids), Membership.role == MembershipRole.STUDENT
    )
    counted = dict(
        session.execute(
            select(Progression.kind, func.count(Progression.person_id.distinct()))
            .where(
                or_(
                    Progression.cohort_id.in_(cohort_ids),
                    Progression.cohort_id.is_(None) & Progression.person_id.in_(students),
                ),
                Progression.person_id.in_(consenting(ConsentScope.PROGRESSION)),
            )
            .group_by(Progression.kind)
        ).all()
    )
    return [(kind.label, counted[kind]) for kind in ProgressionKind if counted.get(kind)]
