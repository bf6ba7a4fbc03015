"""People who move: a learner transferred to another prison or released mid-course,
and two records of one person made one.

A transfer or a release ends the learner's places in cohorts here with that status;
nothing of their course record (register marks, essays, marks, consent) is removed.
A transfer is recorded as a ``Transfer`` that travels: the prison the learner went
to, once it holds them, takes them on into one of its cohorts under the same person
record, so the university holds one person with the course record of both.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

from lt_desktop.core.services.base import Service, get_or_not_found
from lt_desktop.domain.errors import ConflictError, ValidationError
from lt_desktop.domain.roles import Permission
from lt_desktop.domain.vocabulary import (
    ENDED_STATUSES,
    MembershipRole,
    MembershipStatus,
    SiteKind,
)
from lt_desktop.storage.models import (
    AttendanceMark,
    Certificate,
    Cohort,
    Consent,
    Essay,
    Membership,
    MembershipStatusChange,
    Person,
    PersonMerge,
    PrisonDetails,
    Site,
    Story,
    Transfer,
)
from lt_desktop.storage.store import SiteInfo
from lt_desktop.sync.merges import Merges
from lt_desktop.sync.person_merges import merge_people as merge_records
from lt_desktop.sync.person_merges import survivor_of


@dataclass(frozen=True)
class TransferInfo:
    id: uuid.UUID
    person_id: uuid.UUID
    person_name: str
    transferred_on: date
    to_name: str
    to_site_known: bool
    reason: str
    taken_on: date | None


@dataclass(frozen=True)
class Holdings:
    """What one person record holds, in words, for a merge preview."""

    person_id: uuid.UUID
    name: str
    places: tuple[str, ...]
    register_marks: int
    essays: int
    certificates: int
    consents: int
    stories: int
    prison_details: bool

    def describe(self) -> list[str]:
        return [
            f"{self.name}",
            "  places: " + ("; ".join(self.places) if self.places else "none"),
            f"  register marks: {self.register_marks}, essays: {self.essays}, "
            f"certificates: {self.certificates}",
            f"  consent records: {self.consents}, stories: {self.stories}",
            *(["  prison-only details"] if self.prison_details else []),
        ]


@dataclass(frozen=True)
class MergePreview:
    keep: Holdings
    merge: Holdings
    #: The record that stands (the same at every site): its details are ``keep``'s.
    survivor_id: uuid.UUID
    #: Cohorts both are in: the two places become one.
    shared_cohorts: tuple[str, ...]


class PeopleMovement(Service):
    """Transfers, releases and merging two records of one person (part of
    ``PeopleService``)."""

    # -- transfer --------------------------------------------------------------------

    def transfer(
        self,
        person_id: uuid.UUID,
        *,
        to: str,
        on: date | None = None,
        reason: str = "",
    ) -> TransferInfo:
        """Record that a learner moved to the prison named ``to``: their current places
        end as *transferred*, and the transfer travels, so that prison may take them on."""
        self._require(Permission.MANAGE_MEMBERSHIPS)
        if self.site_kind is not SiteKind.PRISON:
            raise ValidationError("A transfer is recorded by the prison the learner leaves.")
        to_name = " ".join(to.split())
        if not to_name:
            raise ValidationError("Name the prison the learner was transferred to.")
        when = on or date.today()
        with self._store.write() as session:
            person = get_or_not_found(session, Person, person_id, "person")
            local = self._store.site
            if to_name.lower() == local.name.strip().lower():
                raise ValidationError("A transfer is to another prison, not this one.")
            sites = [
                s
                for s in session.scalars(
                    select(Site).where(Site.kind == SiteKind.PRISON, Site.is_local.is_(False))
                )
                if s.name.strip().lower() == to_name.lower()
            ]
            ended = self._end_places(
                session, person_id, MembershipStatus.TRANSFERRED, when, f"Transferred to {to_name}"
            )
            if not ended:
                raise ValidationError(
                    f"{person.display_name} has no current place in a cohort here to leave."
                )
            transfer = Transfer(
                person_id=person_id,
                transferred_on=when,
                to_name=to_name,
                to_site_id=sites[0].id if len(sites) == 1 else None,
                reason=reason.strip(),
                recorded_by_name=self.actor.display_name,
            )
            session.add(transfer)
            session.flush()
            self._audit(
                session, "person.transferred", "person", person_id, to=to_name, places=ended
            )
            return _transfer_info(transfer, person)

    def transfers(self, *, arriving_only: bool = False) -> list[TransferInfo]:
        """Transfers held here; ``arriving_only``: those to this prison not yet taken on."""
        self._require(Permission.VIEW_PEOPLE)
        local = self._store.site
        with self._store.read() as session:
            query = (
                select(Transfer, Person)
                .join(Person, Person.id == Transfer.person_id)
                .order_by(Transfer.transferred_on, Person.family_name)
            )
            restriction = self._visible_people(session)
            if restriction is not None:
                query = query.where(restriction)
            rows = session.execute(query).all()
            return [
                _transfer_info(t, p)
                for t, p in rows
                if not arriving_only or (t.taken_on is None and _names_here(t, local))
            ]

    def take_on(
        self, person_id: uuid.UUID, cohort_id: uuid.UUID, *, on: date | None = None
    ) -> TransferInfo:
        """Take on a learner transferred here: enrol them in one of this prison's cohorts,
        under the same person record, so everyone holds one person."""
        self._require(Permission.MANAGE_MEMBERSHIPS)
        from lt_desktop.core.services.memberships import MembershipService

        when = on or date.today()
        local = self._store.site
        with self._store.write() as session:
            person = get_or_not_found(session, Person, person_id, "person")
            get_or_not_found(session, Cohort, cohort_id, "cohort")
            transfer = next(
                (
                    t
                    for t in session.scalars(
                        select(Transfer)
                        .where(Transfer.person_id == person_id, Transfer.taken_on.is_(None))
                        .order_by(Transfer.transferred_on.desc())
                    )
                    if _names_here(t, local)
                ),
                None,
            )
            if transfer is None:
                raise ValidationError(
                    f"No transfer of {person.display_name} to this prison is waiting to be "
                    "taken on."
                )
            if when < transfer.transferred_on:
                raise ValidationError(
                    "A learner is taken on no earlier than the transfer "
                    f"({transfer.transferred_on:%d %b %Y})."
                )
            MembershipService(self._store, self.actor).enrol_in(
                session,
                cohort_id,
                person_id,
                role=MembershipRole.STUDENT,
                status=MembershipStatus.ACTIVE,
                on=when,
                reason="Taken on after a transfer",
            )
            transfer.taken_on = when
            if transfer.to_site_id is None:
                transfer.to_site_id = local.id
            session.flush()
            self._audit(session, "person.taken_on", "person", person_id, cohort=str(cohort_id))
            return _transfer_info(transfer, person)

    # -- release ---------------------------------------------------------------------

    def release(self, person_id: uuid.UUID, *, on: date | None = None, reason: str = "") -> int:
        """Record that a learner was released: their current places end as *released*;
        their course record stays. Keeping in touch after release needs their consent
        (``ConsentScope.CONTACT_AFTER_RELEASE``). The number of places ended."""
        self._require(Permission.MANAGE_MEMBERSHIPS)
        when = on or date.today()
        with self._store.write() as session:
            person = get_or_not_found(session, Person, person_id, "person")
            ended = self._end_places(
                session, person_id, MembershipStatus.RELEASED, when, reason.strip() or "Released"
            )
            if not ended:
                raise ValidationError(
                    f"{person.display_name} has no current place in a cohort here to leave."
                )
            self._audit(session, "person.released", "person", person_id, places=ended)
            return ended

    def _end_places(
        self,
        session: Session,
        person_id: uuid.UUID,
        status: MembershipStatus,
        when: date,
        reason: str,
    ) -> int:
        places = session.scalars(
            select(Membership).where(
                Membership.person_id == person_id, Membership.status.not_in(ENDED_STATUSES)
            )
        ).all()
        for membership in places:
            if when < membership.status_since:
                raise ValidationError(
                    "The date is before the learner's current status began "
                    f"({membership.status_since:%d %b %Y})."
                )
        for membership in places:
            membership.status, membership.status_since, membership.left_on = status, when, when
            session.add(
                MembershipStatusChange(
                    membership_id=membership.id,
                    status=status,
                    effective_on=when,
                    reason=reason,
                    recorded_by_name=self.actor.display_name,
                )
            )
        return len(places)

    # -- two records of one person -----------------------------------------------------

    def preview_merge(self, keep_id: uuid.UUID, merge_id: uuid.UUID) -> MergePreview:
        """What each of two person records holds, before they are made one."""
        self._require(Permission.VIEW_PEOPLE)
        _check_pair(keep_id, merge_id)
        with self._store.read() as session:
            self._require_person_visible(session, keep_id)
            self._require_person_visible(session, merge_id)
            keep = _holdings(session, keep_id)
            merge = _holdings(session, merge_id)
            shared = session.scalars(
                select(Cohort.name)
                .join(Membership, Membership.cohort_id == Cohort.id)
                .where(Membership.person_id == keep_id)
                .where(
                    Cohort.id.in_(
                        select(Membership.cohort_id).where(Membership.person_id == merge_id)
                    )
                )
                .order_by(Cohort.name)
            ).all()
            return MergePreview(keep, merge, survivor_of(keep_id, merge_id), tuple(shared))

    def merge_people(self, keep_id: uuid.UUID, merge_id: uuid.UUID) -> uuid.UUID:
        """Make two records of one person one, in one transaction: everything either
        holds is the survivor's, with ``keep``'s name and details. The merge travels,
        so every site makes the same one record. The id that stands."""
        self._require(Permission.EDIT_PEOPLE)
        _check_pair(keep_id, merge_id)
        with self._store.write() as session:
            keep = get_or_not_found(session, Person, keep_id, "person")
            merged = get_or_not_found(session, Person, merge_id, "person")
            if keep.base is not merged.base:
                raise ValidationError(
                    "These two are recorded as based in different places; correct one "
                    "record first if they are one person."
                )
            details = {
                name: getattr(keep, name)
                for name in (
                    "given_name",
                    "family_name",
                    "preferred_name",
                    "base",
                    "email",
                    "notes",
                    "research_id",
                )
            }
            names = (keep.display_name, merged.display_name)
            survivor_id = merge_records(session, Merges(session), keep_id, merge_id)
            gone = merge_id if survivor_id == keep_id else keep_id
            survivor = session.get(Person, survivor_id)
            assert survivor is not None
            if survivor_id != keep_id:
                for name, value in details.items():
                    setattr(survivor, name, value)
            session.add(
                PersonMerge(
                    person_id=survivor_id,
                    merged_id=gone,
                    merged_on=date.today(),
                    recorded_by_name=self.actor.display_name,
                )
            )
            session.flush()
            self._audit(
                session,
                "person.merged",
                "person",
                survivor_id,
                kept=names[0],
                merged=names[1],
                merged_id=str(gone),
            )
            return survivor_id


def _check_pair(keep_id: uuid.UUID, merge_id: uuid.UUID) -> None:
    if keep_id == merge_id:
        raise ValidationError("Choose two different people to merge.")


def _names_here(transfer: Transfer, local: SiteInfo) -> bool:
    if transfer.to_site_id is not None:
        return transfer.to_site_id == local.id
    return transfer.to_name.strip().lower() == local.name.strip().lower()


def _transfer_info(t: Transfer, p: Person) -> TransferInfo:
    return TransferInfo(
        t.id,
        p.id,
        p.display_name,
        t.transferred_on,
        t.to_name,
        t.to_site_id is not None,
        t.reason,
        t.taken_on,
    )


def _count(session: Session, query: Select[Any]) -> int:
    return session.scalar(select(func.count()).select_from(query.subquery())) or 0


def _holdings(session: Session, person_id: uuid.UUID) -> Holdings:
    person = get_or_not_found(session, Person, person_id, "person")
    if person.deleted_at is not None:
        raise ConflictError(f"{person.display_name or 'That person'} has been removed.")
    memberships = select(Membership.id).where(Membership.person_id == person_id)
    places = tuple(
        f"{name} ({status.label.lower()})"
        for name, status in session.execute(
            select(Cohort.name, Membership.status)
            .join(Membership, Membership.cohort_id == Cohort.id)
            .where(Membership.person_id == person_id)
            .order_by(Cohort.starts_on)
        )
    )
    return Holdings(
        person_id,
        person.display_name,
        places,
        _count(session, select(AttendanceMark.id).where(AttendanceMark.person_id == person_id)),
        _count(session, select(Essay.id).where(Essay.membership_id.in_(memberships))),
        _count(session, select(Certificate.id).where(Certificate.membership_id.in_(memberships))),
        _count(session, select(Consent.id).where(Consent.person_id == person_id)),
        _count(session, select(Story.id).where(Story.person_id == person_id)),
        session.scalar(
            select(PrisonDetails.id).where(PrisonDetails.person_id == person_id).limit(1)
        )
        is not None,
    )
