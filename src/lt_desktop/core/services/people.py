"""People and their prison-only details.

Prison-only details are shown only on a prison site and only to roles allowed to
see them; every other view works from the same person record with no label of
where someone is based.
"""

from __future__ import annotations

import secrets
import unicodedata
import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from sqlalchemy import Row, Select, select
from sqlalchemy.orm import Session

from lt_desktop.core.names import checked_name
from lt_desktop.core.services.attendance import (
    COUNTED_SESSION,
    AttendanceFigures,
    figures_by_person,
)
from lt_desktop.core.services.base import get_or_not_found
from lt_desktop.core.services.consent import has_consent
from lt_desktop.core.services.erasure import ErasureService
from lt_desktop.core.services.movement import PeopleMovement
from lt_desktop.domain.errors import PermissionDenied, ValidationError
from lt_desktop.domain.roles import Permission
from lt_desktop.domain.vocabulary import (
    ClearanceStatus,
    ConsentScope,
    MembershipRole,
    MembershipStatus,
    PersonBase,
    SiteKind,
)
from lt_desktop.storage.database import INCLUDE_DELETED
from lt_desktop.storage.models import (
    AttendanceMark,
    ClassSession,
    Cohort,
    Membership,
    Person,
    PrisonDetails,
)

CONTACT_NEEDS_CONSENT = (
    "A prison-based learner's email is kept only with their consent to keep in touch "
    "after release: record that consent first, or leave the email empty."
)
_RESEARCH_ID_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"


def new_research_id() -> str:
    return "R" + "".join(secrets.choice(_RESEARCH_ID_ALPHABET) for _ in range(9))


def unused_research_id(session: Session) -> str:
    """A research ID no one here has. Another site may make the same one independently
    (the store keeps both people apart); this site never gives one twice."""
    while True:
        research_id = new_research_id()
        clash = session.scalar(
            select(Person.id)
            .where(Person.research_id == research_id)
            .execution_options(**{INCLUDE_DELETED: True})
        )
        if clash is None:
            return research_id


#: Characters of the record id shown as a person's short reference.
_REFERENCE_LENGTH = 6
#: Cohorts named beside a person in lists, the latest first.
_PLACES_SHOWN = 2


def short_reference(person_id: uuid.UUID) -> str:
    """A few characters of the person's record id, to tell apart two people of the same name.

    The record id is random and the same on every site, so the reference can be read out
    over the phone to a partner site; it says nothing about the person or where they are
    based, and it is not the research id, so research data cannot be matched to names
    with it. Anyone who may see the name may see it.
    """
    return person_id.hex[:_REFERENCE_LENGTH].upper()


def short_references(person_ids: Iterable[uuid.UUID]) -> dict[uuid.UUID, str]:
    """Each person's short reference, made longer only where two would be the same."""
    references: dict[uuid.UUID, str] = {}
    pending = set(person_ids)
    length = _REFERENCE_LENGTH
    while pending:
        by_prefix: dict[str, list[uuid.UUID]] = {}
        for person_id in pending:
            by_prefix.setdefault(person_id.hex[:length], []).append(person_id)
        pending = set()
        for prefix, ids in by_prefix.items():
            if len(ids) == 1:
                references[ids[0]] = prefix.upper()
            else:
                pending.update(ids)
        length += 1
    return references


def names_told_apart(people: Iterable[tuple[uuid.UUID, str]]) -> dict[uuid.UUID, str]:
    """Each person's name (by person id), with their short reference added where someone
    else in the same list has the same name: for lists within one cohort, where cohort
    and role cannot tell two people apart."""
    named = list(people)
    counts: dict[str, int] = {}
    for _, name in named:
        key = plain_name(name)
        counts[key] = counts.get(key, 0) + 1
    clashing = [person_id for person_id, name in named if counts[plain_name(name)] > 1]
    references = short_references(clashing)
    return {
        person_id: f"{name} · ref {references[person_id]}" if person_id in references else name
        for person_id, name in named
    }


def place_words(role: MembershipRole, cohort_name: str) -> str:
    """A person's place in one cohort, as lists show it beside their name."""
    return f"{role.label}, {cohort_name}"


def person_label(display_name: str, places: Iterable[str], reference: str) -> str:
    """A name as lists and pickers show it: with the person's cohorts and roles and their
    short reference, so two people of the same name never look the same.

    Where someone is based is left out: it is never a label for a person. Only the two
    latest cohorts are named, so a long-serving coordinator's line still fits."""
    places = list(places)
    where = "; ".join(places[-_PLACES_SHOWN:]) or "no cohort yet"
    earlier = len(places) - _PLACES_SHOWN
    if earlier > 0:
        where += f" and {earlier} earlier cohort{'s' if earlier > 1 else ''}"
    return f"{display_name} — {where} · ref {reference}"


def plain_name(text: str) -> str:
    """A name as it is compared: without accents, capitals or extra spaces, so "José
    da  Silva" and "jose da silva" are the same name."""
    decomposed = unicodedata.normalize("NFKD", text)
    bare = "".join(c for c in decomposed if not unicodedata.combining(c))
    return " ".join(bare.casefold().split())


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
    """What a list or type-ahead needs, and nothing more.

    ``places`` are the person's cohorts with their role in each, and ``reference`` their
    short reference: together they tell apart two people with the same name.
    """

    id: uuid.UUID
    display_name: str
    sort_name: str
    search_text: str
    reference: str = ""
    places: tuple[str, ...] = ()

    @property
    def label(self) -> str:
        return person_label(self.display_name, self.places, self.reference)


def people_named(people: Iterable[PersonListing], typed: str) -> list[PersonListing]:
    """Who a name typed into a picker means: the person whose whole line was chosen from
    the list, else everyone whose name it is (ignoring accents, capitals and spaces).
    More than one means the person must choose between them."""
    wanted = plain_name(typed)
    if not wanted:
        return []
    people = list(people)
    chosen = [p for p in people if plain_name(p.label) == wanted]
    return chosen or [p for p in people if plain_name(p.display_name) == wanted]


@dataclass(frozen=True)
class LikelyDuplicate:
    """Someone already here who may be the person being added or renamed, and why."""

    person: PersonListing
    full_name: str
    reasons: tuple[str, ...]

    def describe(self) -> str:
        name = self.person.label
        if plain_name(self.full_name) != plain_name(self.person.display_name):
            name += f" (full name {self.full_name})"
        return f"{name}: {' and '.join(self.reasons)}"


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
    #: Their attendance and engagement in the cohort so far (``services/attendance.py``).
    attendance: AttendanceFigures


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


class PeopleService(PeopleMovement):
    @property
    def may_see_prison_details(self) -> bool:
        return self.site_kind is SiteKind.PRISON and self.actor.may(Permission.VIEW_PRISON_DETAILS)

    def list_people(self) -> list[PersonListing]:
        self._require(Permission.VIEW_PEOPLE)
        with self._store.read() as session:
            rows = session.execute(self._listing_query(session)).all()
            places = self._places(session)
            references = short_references(pid for pid, *_ in rows)
            return [_listing(row, references[row[0]], places.get(row[0], [])) for row in rows]

    def _listing_query(self, session: Session) -> Select[uuid.UUID, str, str, str, str]:
        """The people this actor may see, as they are listed, by family name."""
        query = select(
            Person.id,
            Person.given_name,
            Person.family_name,
            Person.preferred_name,
            Person.email,
        ).order_by(Person.family_name, Person.given_name)
        restriction = self._visible_people(session)
        if restriction is not None:
            query = query.where(restriction)
        return query

    def _places(self, session: Session) -> dict[uuid.UUID, list[str]]:
        """Each person's role in each cohort this actor may see, earliest cohort first."""
        visible = self._visible_cohort_ids(session)
        places: dict[uuid.UUID, list[str]] = {}
        for person_id, cohort_id, role, cohort_name in session.execute(
            select(Membership.person_id, Cohort.id, Membership.role, Cohort.name)
            .join(Cohort, Cohort.id == Membership.cohort_id)
            .order_by(Cohort.starts_on, Cohort.name)
        ):
            if visible is None or cohort_id in visible:
                places.setdefault(person_id, []).append(place_words(role, cohort_name))
        return places

    def likely_duplicates(
        self,
        given_name: str,
        family_name: str,
        *,
        preferred_name: str = "",
        prison_number: str = "",
        ignoring: uuid.UUID | None = None,
    ) -> list[LikelyDuplicate]:
        """People already here who may be the one being added (or renamed), so that a
        second record is made only on purpose.

        A likely match has the same family name and a given or known-as name in common
        (ignoring accents, capitals and extra spaces), or the same prison number. Prison
        numbers are compared only for those allowed to see prison-only details, and are
        never handed back. ``ignoring`` is the person being renamed.
        """
        self._require(Permission.VIEW_PEOPLE)
        number = prison_number.strip().upper()
        if number:
            self._require_prison_details(Permission.VIEW_PRISON_DETAILS)
        family = plain_name(family_name)
        firsts = {plain_name(given_name), plain_name(preferred_name)} - {""}
        with self._store.read() as session:
            if ignoring is not None:
                self._require_person_visible(session, ignoring)
            query = self._listing_query(session)
            same_number: set[uuid.UUID] = set()
            if number:
                same_number = set(
                    session.scalars(
                        select(PrisonDetails.person_id).where(PrisonDetails.prison_number == number)
                    )
                )
            rows = session.execute(query).all()
            matches = []
            for row in rows:
                pid, given, family_found, preferred, _email = row
                if pid == ignoring:
                    continue
                reasons = []
                if (
                    family
                    and plain_name(family_found) == family
                    and firsts & ({plain_name(given), plain_name(preferred)} - {""})
                ):
                    reasons.append("same name")
                if pid in same_number:
                    reasons.append("same prison number")
                if reasons:
                    matches.append((row, tuple(reasons)))
            if not matches:
                return []
            places = self._places(session)
            references = short_references(pid for pid, *_ in rows)
            return [
                LikelyDuplicate(
                    person=_listing(row, references[row[0]], places.get(row[0], [])),
                    full_name=f"{row[1]} {row[2]}",
                    reasons=reasons,
                )
                for row, reasons in matches
            ]

    def search(self, text: str, limit: int = 50) -> list[PersonListing]:
        """People whose names (or email) contain every word typed, in any order."""
        words = text.casefold().split()
        return [p for p in self.list_people() if all(w in p.search_text for w in words)][:limit]

    def get_person(self, person_id: uuid.UUID) -> PersonInfo:
        self._require(Permission.VIEW_PEOPLE)
        with self._store.read() as session:
            self._require_person_visible(session, person_id)
            return person_info(get_or_not_found(session, Person, person_id, "person"))

    def person_page(self, person_id: uuid.UUID, *, today: date | None = None) -> PersonPage:
        self._require(Permission.VIEW_PEOPLE)
        with self._store.read() as session:
            self._require_person_visible(session, person_id)
            person = get_or_not_found(session, Person, person_id, "person")
            visible = self._visible_cohort_ids(session)
            figures = figures_by_person(session, today=today, person_id=person_id)
            memberships = []
            for m in session.scalars(
                select(Membership)
                .join(Cohort, Cohort.id == Membership.cohort_id)
                .where(Membership.person_id == person_id)
                .order_by(Cohort.starts_on)
            ):
                if visible is not None and m.cohort_id not in visible:
                    continue
                memberships.append(
                    MembershipLine(
                        m.id,
                        m.cohort_id,
                        m.cohort.name,
                        m.cohort.course.title,
                        m.role,
                        m.status,
                        m.status_since,
                        figures.get((m.cohort_id, person_id), AttendanceFigures()),
                    )
                )
            attendance = [
                AttendanceLine(s.id, c.name, s.week, s.held_on, mark.status.label)
                for mark, s, c in session.execute(
                    select(AttendanceMark, ClassSession, Cohort)
                    .join(ClassSession, ClassSession.id == AttendanceMark.session_id)
                    .join(Cohort, Cohort.id == ClassSession.cohort_id)
                    .where(AttendanceMark.person_id == person_id, COUNTED_SESSION)
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
        prison_number: str = "",
    ) -> PersonInfo:
        """Add someone; ``prison_number``, where known, goes in their prison-only details
        in the same transaction, so the person is never there without it."""
        self._require(Permission.EDIT_PEOPLE)
        _check_names(given_name, family_name, preferred_name)
        number = prison_number.strip().upper()
        if number:
            self._require_prison_details(Permission.EDIT_PRISON_DETAILS)
            if base is not PersonBase.PRISON:
                raise ValidationError("Prison-only details are kept for prison-based people only.")
        if base is PersonBase.PRISON and email.strip():
            raise ValidationError(CONTACT_NEEDS_CONSENT)
        with self._store.write() as session:
            person = Person(
                given_name=given_name.strip(),
                family_name=family_name.strip(),
                preferred_name=preferred_name.strip(),
                base=base,
                email=email.strip(),
                notes=notes.strip(),
                research_id=unused_research_id(session),
            )
            session.add(person)
            session.flush()
            if number:
                session.add(PrisonDetails(person_id=person.id, prison_number=number))
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
        _check_names(given_name, family_name, preferred_name)
        with self._store.write() as session:
            person = get_or_not_found(session, Person, person_id, "person")
            if (
                base is PersonBase.PRISON
                and email.strip()
                and not has_consent(session, person_id, ConsentScope.CONTACT_AFTER_RELEASE)
            ):
                raise ValidationError(CONTACT_NEEDS_CONSENT)
            person.given_name, person.family_name = given_name.strip(), family_name.strip()
            person.preferred_name, person.base = preferred_name.strip(), base
            person.email, person.notes = email.strip(), notes.strip()
            return person_info(person)

    def remove_person(self, person_id: uuid.UUID) -> None:
        """Remove someone entered by mistake or who asks to be forgotten: an erasure
        (``core.services.erasure``), which leaves tombstones that keep no name or text."""
        ErasureService(self._store, self.actor).erase(person_id)

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


def _listing(
    row: Row[uuid.UUID, str, str, str, str], reference: str, places: list[str]
) -> PersonListing:
    """A listing from a row of (id, given, family, known as, email)."""
    pid, given, family, preferred, email = row
    first = preferred or given
    return PersonListing(
        id=pid,
        display_name=f"{first} {family}",
        sort_name=f"{family}, {first}",
        search_text=f"{given} {preferred} {family} {email}".casefold(),
        reference=reference,
        places=tuple(places),
    )


def _details_info(row: PrisonDetails) -> PrisonDetailsInfo:
    return PrisonDetailsInfo(
        row.prison_number,
        row.location,
        row.release_date,
        row.security_notes,
        row.clearance,
        row.clearance_on,
    )


def _check_names(given_name: str, family_name: str, preferred_name: str = "") -> None:
    if not given_name.strip() or not family_name.strip():
        raise ValidationError("Fill in both the given name and the family name.")
    checked_name(given_name, "The given name")
    checked_name(family_name, "The family name")
    checked_name(preferred_name, "The preferred name")
