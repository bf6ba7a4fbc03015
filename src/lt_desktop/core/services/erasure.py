"""Erasing a person at this site: everything held about them, at once.

Every record that names the person, directly or through one of their memberships,
essays, stories, questionnaire responses, interviews or applications, is marked
deleted and has every field that could hold personal data blanked: names, notes,
story text, answers, essay text and scans, transcripts. What is left is a tombstone
that keeps only ids, times and vocabulary (a status, a role), so the removal can
travel and nothing of the person does. A certificate keeps its serial: a deleted
certificate with its serial kept is what "issued and void" means here, so the serial
is never given out again and a printed copy can be told void.

What is taken, and how, is ``sync.erasures``: the same at every site. An erasure is
kept as a record that travels to every site, classroom laptops included, and each
erases the same there. Only the person's home side (the prison for a prison-based
learner, the university for anyone else) erases a person whole once the other side is
in the network: the other side's records of them are the home side's to remove, and
the home side's erasure reaches them. A scoped erasure the other side makes under its
own retention schedule holds at that site only.

The audit log records that an erasure happened, by whom, under the person's research
id (a random code, never their name) and with the counts by kind.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from lt_desktop.core.services.base import Service, get_or_not_found
from lt_desktop.domain.errors import ValidationError
from lt_desktop.domain.roles import Permission
from lt_desktop.domain.vocabulary import ErasureReason, ErasureScope, PersonBase, SiteKind
from lt_desktop.storage.models import Erasure, Partner, Person, Site, User, utc_now
from lt_desktop.sync import erasures
from lt_desktop.sync.authority import home_side


@dataclass(frozen=True)
class ErasureCount:
    words: str
    count: int


@dataclass(frozen=True)
class ErasurePreview:
    """Everything an erasure will remove, by kind (kinds with nothing left out)."""

    person_id: uuid.UUID
    name: str
    research_id: str
    counts: tuple[ErasureCount, ...]
    #: The name as lists sort it ("Family, Given"): either form confirms an erasure.
    listed_name: str = ""

    @property
    def total(self) -> int:
        return sum(c.count for c in self.counts)

    def lines(self) -> list[str]:
        return [f"{c.words}: {c.count}" for c in self.counts]


@dataclass(frozen=True)
class ErasureRequest:
    """One erasure to make: a person whole, or one kind of their data about a cohort."""

    person_id: uuid.UUID
    scope: ErasureScope = ErasureScope.EVERYTHING
    #: Required for every scope but everything.
    cohort_id: uuid.UUID | None = None


class ErasureService(Service):
    def preview(self, person_id: uuid.UUID) -> ErasurePreview:
        """What erasing this person would remove, counted by kind."""
        self._require(Permission.ERASE_PEOPLE)
        with self._store.read() as session:
            person = get_or_not_found(session, Person, person_id, "person")
            self._check_home_side(session, person)
            self._check_account(session, person)
            counts = _counts(
                erasures.found(session, [person_id], include_deleted=False),
            )
            return ErasurePreview(
                person_id,
                _name(person),
                person.research_id,
                counts,
                f"{person.family_name}, {person.given_name}",
            )

    def preview_requests(self, requests: Sequence[ErasureRequest]) -> tuple[ErasureCount, ...]:
        """What these erasures would remove, counted by kind and summed."""
        self._require(Permission.ERASE_PEOPLE)
        with self._store.read() as session:
            totals: dict[str, int] = {}
            for request in _checked(requests):
                for words_count in _counts(
                    erasures.found(
                        session,
                        [request.person_id],
                        request.scope,
                        request.cohort_id,
                        include_deleted=False,
                    )
                ):
                    totals[words_count.words] = totals.get(words_count.words, 0) + words_count.count
            return tuple(ErasureCount(words, count) for words, count in totals.items())

    def erase_again(self, research_ids: Iterable[str]) -> list[ErasurePreview]:
        """After restoring a backup made before erasures at this site: erase again each
        person it brought back, found by the research id the erasure was audited under.
        A research id no living person here has (erased already, or never in the
        backup) is passed over."""
        self._require(Permission.ERASE_PEOPLE)
        wanted = sorted(set(research_ids))
        if not wanted:
            return []
        with self._store.read() as session:
            found = list(session.scalars(select(Person.id).where(Person.research_id.in_(wanted))))
        # Erased before, here or at their home side (which told this site): made again
        # wherever it was first made.
        return [self._erase_person(person_id, check_home=False) for person_id in found]

    def erase(self, person_id: uuid.UUID) -> ErasurePreview:
        """Erase the person and everything about them, in one transaction, and keep the
        erasure to travel to every site. Returns what went (live records, as the
        preview counted)."""
        self._require(Permission.ERASE_PEOPLE)
        return self._erase_person(person_id, check_home=True)

    def _erase_person(self, person_id: uuid.UUID, *, check_home: bool) -> ErasurePreview:
        with self._store.write() as session:
            person = get_or_not_found(session, Person, person_id, "person")
            if check_home:
                self._check_home_side(session, person)
                self._check_account(session, person)
            research_id = person.research_id
            counts = self._erase(session, ErasureRequest(person_id), ErasureReason.REQUEST)
            self._audit(
                session,
                "person.erased",
                "person",
                research_id,
                **{c.words: c.count for c in counts},
            )
        # What was overwritten lands in the database file now, not only in the journal.
        self._store.checkpoint()
        return ErasurePreview(person_id, "", research_id, counts)

    def erase_requests(
        self, requests: Sequence[ErasureRequest], *, reason: ErasureReason
    ) -> tuple[ErasureCount, ...]:
        """Make these erasures in one transaction, each audited; counts summed by kind."""
        self._require(Permission.ERASE_PEOPLE)
        totals: dict[str, int] = {}
        with self._store.write() as session:
            for request in _checked(requests):
                person = get_or_not_found(session, Person, request.person_id, "person")
                if request.scope is ErasureScope.EVERYTHING and reason is ErasureReason.REQUEST:
                    self._check_home_side(session, person)
                    self._check_account(session, person)
                research_id = person.research_id
                counts = self._erase(session, request, reason)
                for count in counts:
                    totals[count.words] = totals.get(count.words, 0) + count.count
                if request.scope is ErasureScope.EVERYTHING:
                    self._audit(
                        session,
                        "person.erased",
                        "person",
                        research_id,
                        reason=reason.value,
                        **{c.words: c.count for c in counts},
                    )
                else:
                    self._audit(
                        session,
                        "person.data_erased",
                        "person",
                        research_id,
                        scope=request.scope.value,
                        reason=reason.value,
                        **{c.words: c.count for c in counts},
                    )
        self._store.checkpoint()
        return tuple(ErasureCount(words, count) for words, count in totals.items())

    def _erase(
        self, session: Session, request: ErasureRequest, reason: ErasureReason
    ) -> tuple[ErasureCount, ...]:
        person = session.get(Person, request.person_id)
        assert person is not None
        base = person.base
        erased = erasures.erase(session, [request.person_id], request.scope, request.cohort_id)
        session.add(
            Erasure(
                person_id=request.person_id,
                scope=request.scope,
                cohort_id=request.cohort_id,
                base=base,
                reason=reason,
                erased_on=utc_now().date(),
                travels=home_side(base) is self.site_kind,
            )
        )
        return tuple(
            ErasureCount(kind.words, erased.counts[kind.words])
            for kind in _kinds_in_order()
            if erased.counts.get(kind.words)
        )

    def _check_account(self, session: Session, person: Person) -> None:
        """Refuse to erase someone who still signs in here: closing their account is a
        decision of its own, made first."""
        username = session.scalar(
            select(User.username).where(User.person_id == person.id, User.disabled.is_(False))
        )
        if username is not None:
            raise ValidationError(
                f"{_name(person)} signs in here as {username}. Disable their account first "
                "(Accounts), then erase them; the account is then renamed and kept disabled."
            )

    def _check_home_side(self, session: Session, person: Person) -> None:
        """Refuse to erase a person whole at the side that is not theirs, once that side
        is in the network: the erasure is made there and reaches here."""
        home = home_side(person.base)
        if home is self.site_kind or not _partnered_with(session, home):
            return
        who = _base_words(person.base)
        raise ValidationError(
            f"{_name(person)} is {who}: their record is erased at the {home.value}, and "
            f"the erasure reaches this site with the next bundle from there. Ask the "
            f"{home.value} to erase them."
        )


def _checked(requests: Sequence[ErasureRequest]) -> Sequence[ErasureRequest]:
    for request in requests:
        if request.scope is not ErasureScope.EVERYTHING and request.cohort_id is None:
            raise ValidationError(f"Erasing {request.scope.label.lower()} needs a cohort.")
    return requests


def _kinds_in_order() -> list[erasures.Kind]:
    seen: set[str] = set()
    ordered = []
    for kind in erasures.KINDS:
        if kind.words not in seen:
            seen.add(kind.words)
            ordered.append(kind)
    return ordered


def _counts(found: list[tuple[erasures.Kind, list[uuid.UUID]]]) -> tuple[ErasureCount, ...]:
    return tuple(ErasureCount(kind.words, len(ids)) for kind, ids in found if ids)


def _partnered_with(session: Session, kind: SiteKind) -> bool:
    """Whether a site of ``kind`` is among this site's partners."""
    return (
        session.scalar(
            select(Partner.site_id)
            .join(Site, Site.id == Partner.site_id)
            .where(Site.kind == kind, Partner.revoked_at.is_(None))
            .limit(1)
        )
        is not None
    )


def _base_words(base: PersonBase) -> str:
    return {
        PersonBase.PRISON: "prison-based",
        PersonBase.UNIVERSITY: "a university student",
        PersonBase.COMMUNITY: "community-based",
    }[base]


def _name(person: Person) -> str:
    return f"{person.preferred_name or person.given_name} {person.family_name}".strip()


#: Each kind an erasure takes, as (model, words, parent, column): ``sync.erasures.KINDS``.
ERASED = tuple((k.model, k.words, k.parent, k.column) for k in erasures.KINDS)


def records_about(
    session: Session, person_id: uuid.UUID, *, include_deleted: bool
) -> list[tuple[str, list[uuid.UUID]]]:
    """The ids of each kind in ``ERASED`` held about the person, found down their links."""
    return [
        (kind.words, ids)
        for kind, ids in erasures.found(session, [person_id], include_deleted=include_deleted)
    ]


def load_records(
    session: Session, model: type[Any], ids: list[uuid.UUID], *, include_deleted: bool = True
) -> list[Any]:
    """The records of ``model`` with these ids (tombstones too, unless told not to)."""
    return erasures.load(session, model, ids, include_deleted=include_deleted)


__all__ = [
    "ERASED",
    "ErasureCount",
    "ErasurePreview",
    "ErasureRequest",
    "ErasureService",
    "load_records",
    "records_about",
]
