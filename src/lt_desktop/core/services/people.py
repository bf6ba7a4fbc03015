"""People and their prison-only details.

Prison-only details are shown only on a prison site and only to roles allowed to
see them; every other view works from the same person record with no label of
where someone is based.
"""

from __future__ import annotations

import secrets
import uuid
from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from lt_desktop.core.errors import PermissionDenied, ValidationError
from lt_desktop.core.roles import Permission
from lt_desktop.core.services.base import Service, get_or_not_found
from lt_desktop.core.vocabulary import (
    ATTENDED_STATUSES,
    ClearanceStatus,
    MembershipRole,
    MembershipStatus,
    PersonBase,
    SessionKind,
    SiteKind,
)
from lt_desktop.storage.models import (
    AttendanceMark,
    ClassSession,
    Cohort,
    Membership,
    Person,
    PrisonDetails,
    utc_now,
)

_RESEARCH_ID_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
#: Course attendance leaves out the sense-making meeting, which keeps its own register.
_COURSE_SESSION = ClassSession.kind != SessionKind.SENSE_MAKING


def new_research_id() -> str:
    return "R" + "".join(secrets.choice(_RESEARCH_ID_ALPHABET) for _ in range(9))


@dataclass(frozen=True)
class PersonInfo:
    id: uuid.UUID
    given_name: str
    family_name: str
    preferred_name: str
    base: PersonBase
    email: str
    notes: str

    @property
    def display_name(self) -> str:
        return f"{self.preferred_name or self.given_name} {self.family_name}".strip()

    @property
    def sort_name(self) -> str:
        return f"{self.family_name}, {self.preferred_name or self.given_name}"


@dataclass(frozen=True)
class PersonListing:
    """What a list or type-ahead needs, and nothing more."""

    id: uuid.UUID
    display_name: str
    sort_name: str
    search_text: str


@dataclass(frozen=True)
class PrisonDetailsInfo:
    prison_number: str
    location: str
    release_date: date | None
    security_notes: str
    clearance: ClearanceStatus
    clearance_on: date | None


@dataclass(frozen=True)
class MembershipLine:
    membership_id: uuid.UUID
    cohort_id: uuid.UUID
    cohort_name: str
    course_title: str
    role: MembershipRole
    status: MembershipStatus
    status_since: date
    sessions_marked: int
    sessions_attended: int


@dataclass(frozen=True)
class AttendanceLine:
    session_id: uuid.UUID
    cohort_name: str
    week: int
    held_on: date
    status: str


@dataclass(frozen=True)
class PersonPage:
    person: PersonInfo
    memberships: list[MembershipLine]
    attendance: list[AttendanceLine]
    prison_details: PrisonDetailsInfo | None
    may_see_prison_details: bool


def person_info(p: Person) -> PersonInfo:
    return PersonInfo(p.id, p.given_name, p.family_name, p.preferred_name, p.base, p.email, p.notes)


class PeopleService(Service):
    @property
    def may_see_prison_details(self) -> bool:
        return self.site_kind is SiteKind.PRISON and self.actor.may(Permission.VIEW_PRISON_DETAILS)

    def _visible_people(self, session: Session) -> object:
        """A filter for the people this actor may see (None: everyone)."""
        visible = self._visible_cohort_ids(session)
        if visible is None:
            return None
        return Person.id.in_(select(Membership.person_id).where(Membership.cohort_id.in_(visible)))

    def list_people(self) -> list[PersonListing]:
        self._require(Permission.VIEW_PEOPLE)
        with self._store.read() as session:
            query = select(
                Person.id,
                Person.given_name,
                Person.family_name,
                Person.preferred_name,
                Person.email,
            ).order_by(Person.family_name, Person.given_name)
            restriction = self._visible_people(session)
            if restriction is not None:
                query = query.where(restriction)  # type: ignore[arg-type]
            listings = []
            for pid, given, family, preferred, email in session.execute(query):
                first = preferred or given
                listings.append(
                    PersonListing(
                        id=pid,
                        display_name=f"{first} {family}",
                        sort_name=f"{family}, {first}",
                        search_text=f"{given} {preferred} {family} {email}".casefold(),
                    )
                )
            return listings

    def search(self, text: str, limit: int = 50) -> list[PersonListing]:
        """People whose names (or email) contain every word typed, in any order."""
        words = text.casefold().split()
        return [p for p in self.list_people() if all(w in p.search_text for w in words)][:limit]

    def get_person(self, person_id: uuid.UUID) -> PersonInfo:
        self._require(Permission.VIEW_PEOPLE)
        with self._store.read() as session:
            self._require_person_visible(session, person_id)
            return person_info(get_or_not_found(session, Person, person_id, "person"))

    def person_page(self, person_id: uuid.UUID) -> PersonPage:
        self._require(Permission.VIEW_PEOPLE)
        with self._store.read() as session:
            self._require_person_visible(session, person_id)
            person = get_or_not_found(session, Person, person_id, "person")
            visible = self._visible_cohort_ids(session)
            memberships = []
            for m in session.scalars(
                select(Membership)
                .join(Cohort, Cohort.id == Membership.cohort_id)
                .where(Membership.person_id == person_id)
                .order_by(Cohort.starts_on)
            ):
                if visible is not None and m.cohort_id not in visible:
                    continue
                marks = list(
                    session.scalars(
                        select(AttendanceMark.status)
                        .join(ClassSession, ClassSession.id == AttendanceMark.session_id)
                        .where(
                            AttendanceMark.person_id == person_id,
                            ClassSession.cohort_id == m.cohort_id,
                            _COURSE_SESSION,
                        )
                    )
                )
                memberships.append(
                    MembershipLine(
                        m.id,
                        m.cohort_id,
                        m.cohort.name,
                        m.cohort.course.title,
                        m.role,
                        m.status,
                        m.status_since,
                        len(marks),
                        sum(1 for s in marks if s in ATTENDED_STATUSES),
                    )
                )
            attendance = [
                AttendanceLine(s.id, c.name, s.week, s.held_on, mark.status.label)
                for mark, s, c in session.execute(
                    select(AttendanceMark, ClassSession, Cohort)
                    .join(ClassSession, ClassSession.id == AttendanceMark.session_id)
                    .join(Cohort, Cohort.id == ClassSession.cohort_id)
                    .where(AttendanceMark.person_id == person_id, _COURSE_SESSION)
                    .order_by(ClassSession.held_on.desc())
                ).all()
                if visible is None or c.id in visible
            ]
            details = None
            if self.may_see_prison_details:
                row = session.scalars(
                    select(PrisonDetails).where(PrisonDetails.person_id == person_id)
                ).first()
                details = None if row is None else _details_info(row)
            return PersonPage(
                person_info(person),
                memberships,
                attendance,
                details,
                self.may_see_prison_details,
            )

    def add_person(
        self,
        *,
        given_name: str,
        family_name: str,
        base: PersonBase,
        preferred_name: str = "",
        email: str = "",
        notes: str = "",
    ) -> PersonInfo:
        self._require(Permission.EDIT_PEOPLE)
        _check_names(given_name, family_name)
        with self._store.write() as session:
            person = Person(
                given_name=given_name.strip(),
                family_name=family_name.strip(),
                preferred_name=preferred_name.strip(),
                base=base,
                email=email.strip(),
                notes=notes.strip(),
                research_id=new_research_id(),
            )
            session.add(person)
            session.flush()
            return person_info(person)

    def update_person(
        self,
        person_id: uuid.UUID,
        *,
        given_name: str,
        family_name: str,
        base: PersonBase,
        preferred_name: str = "",
        email: str = "",
        notes: str = "",
    ) -> PersonInfo:
        self._require(Permission.EDIT_PEOPLE)
        _check_names(given_name, family_name)
        with self._store.write() as session:
            person = get_or_not_found(session, Person, person_id, "person")
            person.given_name, person.family_name = given_name.strip(), family_name.strip()
            person.preferred_name, person.base = preferred_name.strip(), base
            person.email, person.notes = email.strip(), notes.strip()
            return person_info(person)

    def remove_person(self, person_id: uuid.UUID) -> None:
        """Remove someone entered by mistake or who asks to be forgotten.

        The record stays as a tombstone so the removal can reach other sites, but
        the tombstone keeps no name or note.
        """
        self._require(Permission.EDIT_PEOPLE)
        with self._store.write() as session:
            person = get_or_not_found(session, Person, person_id, "person")
            now = utc_now()
            person.given_name = person.family_name = person.preferred_name = ""
            person.email = person.notes = ""
            person.deleted_at = now
            for m in session.scalars(select(Membership).where(Membership.person_id == person_id)):
                m.deleted_at = now
            for d in session.scalars(
                select(PrisonDetails).where(PrisonDetails.person_id == person_id)
            ):
                d.prison_number = d.location = d.security_notes = ""
                d.release_date = None
                d.deleted_at = now
            self._audit(session, "person.removed", "person", person_id)

    # -- prison-only details ------------------------------------------------------------

    def prison_details(self, person_id: uuid.UUID) -> PrisonDetailsInfo | None:
        self._require_prison_details(Permission.VIEW_PRISON_DETAILS)
        with self._store.read() as session:
            row = session.scalars(
                select(PrisonDetails).where(PrisonDetails.person_id == person_id)
            ).first()
            return None if row is None else _details_info(row)

    def set_prison_details(
        self,
        person_id: uuid.UUID,
        *,
        prison_number: str,
        location: str = "",
        release_date: date | None = None,
        security_notes: str = "",
        clearance: ClearanceStatus = ClearanceStatus.NOT_SUBMITTED,
        clearance_on: date | None = None,
    ) -> PrisonDetailsInfo:
        self._require_prison_details(Permission.EDIT_PRISON_DETAILS)
        with self._store.write() as session:
            person = get_or_not_found(session, Person, person_id, "person")
            if person.base is not PersonBase.PRISON:
                raise ValidationError("Prison-only details are kept for prison-based people only.")
            row = session.scalars(
                select(PrisonDetails).where(PrisonDetails.person_id == person_id)
            ).first()
            if row is None:
                row = PrisonDetails(person_id=person_id)
                session.add(row)
            row.prison_number = prison_number.strip().upper()
            row.location = location.strip()
            row.release_date = release_date
            row.security_notes = security_notes.strip()
            row.clearance, row.clearance_on = clearance, clearance_on
            session.flush()
            return _details_info(row)

    def _require_prison_details(self, permission: Permission) -> None:
        if self.site_kind is not SiteKind.PRISON:
            raise PermissionDenied("Prison-only details are kept on the prison's own site only.")
        self._require(permission)

    def _require_person_visible(self, session: Session, person_id: uuid.UUID) -> None:
        restriction = self._visible_people(session)
        if restriction is None:
            return
        allowed = session.scalar(
            select(Person.id).where(Person.id == person_id, restriction)  # type: ignore[arg-type]
        )
        if allowed is None:
            raise PermissionDenied("That person is not in one of your cohorts.")


def _details_info(row: PrisonDetails) -> PrisonDetailsInfo:
    return PrisonDetailsInfo(
        row.prison_number,
        row.location,
        row.release_date,
        row.security_notes,
        row.clearance,
        row.clearance_on,
    )


def _check_names(given_name: str, family_name: str) -> None:
    if not given_name.strip() or not family_name.strip():
        raise ValidationError("Fill in both the given name and the family name.")
    if len(given_name) > 100 or len(family_name) > 100:
        raise ValidationError("Names are limited to 100 characters.")
