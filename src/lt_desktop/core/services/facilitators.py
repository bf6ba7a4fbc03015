"""Facilitators' training: who was trained, when and in what, recorded like the
mentors' and kept with the person; and the small groups whose facilitator has none.

Either side records it (the university trains its early-career academics to
facilitate, the prison trains everyone who teaches inside), and it travels with the
person, so the warning on the Groups screen is the same at both sites.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from lt_desktop.core.services.base import Service, get_or_not_found
from lt_desktop.core.services.memberships import member_infos
from lt_desktop.domain.errors import ConflictError, ValidationError
from lt_desktop.domain.roles import Permission
from lt_desktop.domain.vocabulary import MembershipRole, MembershipStatus
from lt_desktop.storage.models import FacilitatorTraining, Person, utc_now

#: Training titles are a line, as on a certificate of attendance.
TITLE_LIMIT = 300


@dataclass(frozen=True)
class FacilitatorTrainingInfo:
    id: uuid.UUID
    person_id: uuid.UUID
    held_on: date
    title: str
    attended: bool
    notes: str

    def describe(self) -> str:
        came = "" if self.attended else " (did not come)"
        return f"{self.title}, {self.held_on:%d %b %Y}{came}"


@dataclass(frozen=True)
class UntrainedFacilitator:
    """A small group's facilitator with no training recorded as attended."""

    group_id: uuid.UUID
    group_name: str
    membership_id: uuid.UUID
    person_id: uuid.UUID
    display_name: str

    def describe(self) -> str:
        return f"No facilitator training recorded for {self.display_name}"


def _info(row: FacilitatorTraining) -> FacilitatorTrainingInfo:
    return FacilitatorTrainingInfo(
        row.id, row.person_id, row.held_on, row.title, row.attended, row.notes
    )


def _checked_title(title: str) -> str:
    title = " ".join(title.split())
    if not title:
        raise ValidationError("Give the training a title, such as what it covered.")
    if len(title) > TITLE_LIMIT:
        raise ValidationError(f"A training title is at most {TITLE_LIMIT} characters.")
    return title


def trained_people(session: Session, people: set[uuid.UUID]) -> set[uuid.UUID]:
    """Those of ``people`` who came to at least one facilitator training."""
    return set(
        session.scalars(
            select(FacilitatorTraining.person_id).where(
                FacilitatorTraining.person_id.in_(people),
                FacilitatorTraining.attended.is_(True),
            )
        )
    )


class FacilitatorService(Service):
    def training(self, person_id: uuid.UUID) -> list[FacilitatorTrainingInfo]:
        """A person's facilitator training, oldest first."""
        self._require(Permission.VIEW_PEOPLE)
        with self._store.read() as session:
            self._require_person_visible(session, person_id)
            return [
                _info(row)
                for row in session.scalars(
                    select(FacilitatorTraining)
                    .where(FacilitatorTraining.person_id == person_id)
                    .order_by(FacilitatorTraining.held_on, FacilitatorTraining.title)
                )
            ]

    def record_training(
        self,
        person_id: uuid.UUID,
        *,
        held_on: date,
        title: str,
        attended: bool = True,
        notes: str = "",
    ) -> FacilitatorTrainingInfo:
        """One training session for one person: when, what, and whether they came."""
        self._require(Permission.MANAGE_MEMBERSHIPS)
        title = _checked_title(title)
        with self._store.write() as session:
            self._require_person_visible(session, person_id)
            person = get_or_not_found(session, Person, person_id, "person")
            self._refuse_a_second(session, person, held_on, title, None)
            row = FacilitatorTraining(
                person_id=person_id,
                held_on=held_on,
                title=title,
                attended=attended,
                notes=notes.strip(),
            )
            session.add(row)
            session.flush()
            self._audit(
                session, "facilitators.training_recorded", "person", person_id, attended=attended
            )
            return _info(row)

    def update_training(
        self,
        training_id: uuid.UUID,
        *,
        held_on: date,
        title: str,
        attended: bool,
        notes: str,
    ) -> FacilitatorTrainingInfo:
        """Correct a training record: its date, title, whether they came, the notes."""
        self._require(Permission.MANAGE_MEMBERSHIPS)
        title = _checked_title(title)
        with self._store.write() as session:
            row = self._visible_training(session, training_id)
            person = get_or_not_found(session, Person, row.person_id, "person")
            self._refuse_a_second(session, person, held_on, title, row.id)
            row.held_on, row.title, row.attended = held_on, title, attended
            row.notes = notes.strip()
            session.flush()
            self._audit(
                session,
                "facilitators.training_changed",
                "person",
                row.person_id,
                attended=attended,
            )
            return _info(row)

    def remove_training(self, training_id: uuid.UUID) -> None:
        """Take out a training record entered by mistake."""
        self._require(Permission.MANAGE_MEMBERSHIPS)
        with self._store.write() as session:
            row = self._visible_training(session, training_id)
            row.deleted_at = utc_now()
            self._audit(session, "facilitators.training_removed", "person", row.person_id)

    def untrained(self, cohort_id: uuid.UUID) -> list[UntrainedFacilitator]:
        """Each small group's facilitators (active members of the cohort placed in the
        group) who have no facilitator training recorded as attended, by group.

        A classroom laptop holds no training records, so it warns of no one rather
        than of every facilitator."""
        self._require(Permission.VIEW_PEOPLE)
        if self.actor.on_laptop:
            return []
        with self._store.read() as session:
            self._require_cohort_visible(session, cohort_id)
            facilitators = [
                m
                for m in member_infos(session, cohort_id)
                if m.role is MembershipRole.FACILITATOR
                and m.status is MembershipStatus.ACTIVE
                and m.group_id is not None
            ]
            trained = trained_people(session, {m.person_id for m in facilitators})
            return [
                UntrainedFacilitator(m.group_id, m.group_name, m.id, m.person_id, m.display_name)
                for m in facilitators
                if m.group_id is not None and m.person_id not in trained
            ]

    def _visible_training(self, session: Session, training_id: uuid.UUID) -> FacilitatorTraining:
        row = get_or_not_found(session, FacilitatorTraining, training_id, "training record")
        self._require_person_visible(session, row.person_id)
        return row

    @staticmethod
    def _refuse_a_second(
        session: Session,
        person: Person,
        held_on: date,
        title: str,
        other_than: uuid.UUID | None,
    ) -> None:
        same = session.scalars(
            select(FacilitatorTraining).where(
                FacilitatorTraining.person_id == person.id,
                FacilitatorTraining.held_on == held_on,
                FacilitatorTraining.title == title,
            )
        ).all()
        if any(row.id != other_than for row in same):
            raise ConflictError(
                f"{person.display_name}'s training “{title}” on {held_on:%d %b %Y} is "
                "already recorded. Edit that record instead."
            )
