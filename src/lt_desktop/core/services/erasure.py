"""Erasing a person at this site: everything held about them, at once.

Every record that names the person, directly or through one of their memberships,
essays, stories, questionnaire responses, interviews or applications, is marked
deleted and has every field that could hold personal data blanked: names, notes,
story text, answers, essay text and scans, transcripts. What is left is a tombstone
that keeps only ids, times and vocabulary (a status, a role), so the removal can
travel and nothing of the person does. A certificate keeps its serial: a deleted
certificate with its serial kept is what "issued and void" means here, so the serial
is never given out again and a printed copy can be told void.

The audit log records that an erasure happened, by whom, under the person's research
id (a random code, never their name) and with the counts by kind.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, cast

from sqlalchemy import (
    Enum,
    LargeBinary,
    String,
    Table,
    Text,
    UniqueConstraint,
    delete,
    select,
    update,
)
from sqlalchemy.orm import Session

from lt_desktop.core.services.base import Service, get_or_not_found
from lt_desktop.domain.roles import Permission
from lt_desktop.storage.database import INCLUDE_DELETED
from lt_desktop.storage.models import (
    Application,
    ApplicationScore,
    Attachment,
    AttendanceMark,
    Certificate,
    ClassSession,
    Consent,
    Essay,
    EssayMark,
    FacilitatorTraining,
    GraduationGuest,
    GroupMember,
    Interview,
    Membership,
    MembershipStatusChange,
    MentorInvitation,
    MentorTraining,
    Person,
    PersonMerge,
    PrisonDetails,
    Progression,
    QuestionnaireAnswer,
    QuestionnaireResponse,
    Story,
    StoryAnswer,
    SyncConflict,
    SyncedRecord,
    Transfer,
    User,
    WaitingRecord,
    utc_now,
)
from lt_desktop.storage.models.base import SITE_CODE

#: What goes, in the order a preview lists it: each kind with the words for it and
#: the record it hangs from (None: the person) by which column.
ERASED: tuple[tuple[type[SyncedRecord], str, type[SyncedRecord] | None, str], ...] = (
    (Person, "person record", None, "id"),
    (PrisonDetails, "prison-only details", None, "person_id"),
    (Membership, "cohort places", None, "person_id"),
    (MembershipStatusChange, "changes of status", Membership, "membership_id"),
    (GroupMember, "small-group places", Membership, "membership_id"),
    (AttendanceMark, "register marks", None, "person_id"),
    (Essay, "essays", Membership, "membership_id"),
    (Attachment, "essay scans", Essay, "essay_id"),
    (EssayMark, "marks on their essays", Essay, "essay_id"),
    (Story, "stories", None, "person_id"),
    (StoryAnswer, "answers to story questions", Story, "story_id"),
    (QuestionnaireResponse, "questionnaire responses", None, "person_id"),
    (QuestionnaireAnswer, "questionnaire answers", QuestionnaireResponse, "response_id"),
    (Interview, "interviews", None, "person_id"),
    (Attachment, "interview files", Interview, "interview_id"),
    (Consent, "consents", None, "person_id"),
    (Application, "applications", None, "person_id"),
    (ApplicationScore, "application scores", Application, "application_id"),
    (Attachment, "application files", Application, "application_id"),
    (GraduationGuest, "guests they invited", Membership, "invited_by_id"),
    (Certificate, "certificates (serials kept as issued and void)", Membership, "membership_id"),
    (Progression, "steps after the course", None, "person_id"),
    (MentorInvitation, "mentor invitations", None, "person_id"),
    (MentorTraining, "mentor training", None, "person_id"),
    (FacilitatorTraining, "facilitator training", None, "person_id"),
    (Transfer, "transfers", None, "person_id"),
    (PersonMerge, "merges of duplicate records", None, "person_id"),
)

#: Kept on a tombstone: what makes it a record that can travel, never personal data.
_KEPT = frozenset(
    {"id", "created_at", "updated_at", "origin_site_id", "version", "previous_version"}
    | {"ancestry", "change_seq", "deleted_at"}
)


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


def blank(record: SyncedRecord) -> None:
    """Blank every field of ``record`` that could hold personal data.

    Links (foreign keys), what says which thing a record is (its unique keys, such as
    who scored an application), vocabulary (enums), site codes (a certificate's serial, a
    candidate number, a research id) and what sync needs stay; text and bytes go
    empty, anything else that may be empty (dates, scores) goes empty too.
    """
    table = cast(Table, type(record).__table__)
    keys = {
        column.name
        for constraint in table.constraints
        if isinstance(constraint, UniqueConstraint)
        for column in constraint.columns
    }
    for column in table.columns:
        if column.name in _KEPT | keys or column.foreign_keys or column.info.get(SITE_CODE):
            continue
        if isinstance(column.type, Enum):
            continue
        key = type(record).__mapper__.get_property_by_column(column).key
        if column.nullable:
            value: Any = None
        elif isinstance(column.type, LargeBinary):
            value = b""
        elif isinstance(column.type, String | Text):
            value = ""
        else:
            continue
        if getattr(record, key) != value:
            setattr(record, key, value)


class ErasureService(Service):
    def preview(self, person_id: uuid.UUID) -> ErasurePreview:
        """What erasing this person would remove, counted by kind."""
        self._require(Permission.ERASE_PEOPLE)
        with self._store.read() as session:
            person = get_or_not_found(session, Person, person_id, "person")
            counts = [
                ErasureCount(words, len(ids))
                for words, ids in records_about(session, person_id, include_deleted=False)
                if ids
            ]
            return ErasurePreview(
                person_id,
                _name(person),
                person.research_id,
                tuple(counts),
                f"{person.family_name}, {person.given_name}",
            )

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
        return [self.erase(person_id) for person_id in found]

    def erase(self, person_id: uuid.UUID) -> ErasurePreview:
        """Erase the person and everything about them, in one transaction.

        Records already deleted are blanked too: a tombstone left by an earlier removal
        may still hold text. Returns what went (live records, as the preview counted).
        """
        self._require(Permission.ERASE_PEOPLE)
        now = utc_now()
        with self._store.write() as session:
            person = get_or_not_found(session, Person, person_id, "person")
            research_id = person.research_id
            counts: list[ErasureCount] = []
            every_id: list[uuid.UUID] = []
            for (model, *_), (words, ids) in zip(
                ERASED, records_about(session, person_id, include_deleted=True), strict=True
            ):
                live = 0
                every_id += ids
                for record in load_records(session, model, ids):
                    if record.deleted_at is None:
                        live += 1
                        record.deleted_at = now
                    blank(record)
                if live:
                    counts.append(ErasureCount(words, live))
            # A session they lectured keeps its place in the programme, without them.
            for lectured in load_records(
                session,
                ClassSession,
                _ids(session, ClassSession, ClassSession.lecturer_id, [person_id]),
            ):
                lectured.lecturer_id = None
            _forget_local_copies(session, every_id)
            session.execute(update(User).where(User.person_id == person_id).values(person_id=None))
            self._audit(
                session,
                "person.erased",
                "person",
                research_id,
                **{c.words: c.count for c in counts},
            )
        # What was overwritten lands in the database file now, not only in the journal.
        self._store.checkpoint()
        return ErasurePreview(person_id, "", research_id, tuple(counts))


def _forget_local_copies(session: Session, ids: list[uuid.UUID]) -> None:
    """Clashes kept for review and records waiting for their parent hold copies of the
    values: this site's own bookkeeping, never sent, so it goes outright."""
    for start in range(0, len(ids), 500):
        chunk = ids[start : start + 500]
        session.execute(delete(SyncConflict).where(SyncConflict.record_id.in_(chunk)))
        session.execute(delete(WaitingRecord).where(WaitingRecord.record_id.in_(chunk)))


def _name(person: Person) -> str:
    return f"{person.preferred_name or person.given_name} {person.family_name}".strip()


def records_about(
    session: Session, person_id: uuid.UUID, *, include_deleted: bool
) -> list[tuple[str, list[uuid.UUID]]]:
    """The ids of each kind in ``ERASED``, found from the person down their links."""
    found: dict[type[SyncedRecord], list[uuid.UUID]] = {}
    result: list[tuple[str, list[uuid.UUID]]] = []
    for model, words, parent, column in ERASED:
        under = [person_id] if parent is None else found.get(parent, [])
        ids = _ids(session, model, getattr(model, column), under, include_deleted=include_deleted)
        found[model] = ids
        result.append((words, ids))
    return result


def _ids(
    session: Session,
    model: type[SyncedRecord],
    column: Any,
    under: Iterable[uuid.UUID],
    *,
    include_deleted: bool = True,
) -> list[uuid.UUID]:
    under = list(under)
    if not under:
        return []
    ids: list[uuid.UUID] = []
    for start in range(0, len(under), 500):
        statement = select(model.id).where(column.in_(under[start : start + 500]))
        ids.extend(
            session.scalars(statement.execution_options(**{INCLUDE_DELETED: include_deleted}))
        )
    return ids


def load_records(
    session: Session, model: type[Any], ids: list[uuid.UUID], *, include_deleted: bool = True
) -> list[Any]:
    """The records of ``model`` with these ids (tombstones too, unless told not to)."""
    records: list[Any] = []
    for start in range(0, len(ids), 500):
        statement = select(model).where(model.id.in_(ids[start : start + 500]))
        records.extend(
            session.scalars(statement.execution_options(**{INCLUDE_DELETED: include_deleted}))
        )
    return records


__all__ = [
    "ERASED",
    "ErasureCount",
    "ErasurePreview",
    "ErasureService",
    "blank",
    "load_records",
    "records_about",
]
