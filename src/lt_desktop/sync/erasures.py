"""Erasing a person's data, the same way at every site.

An erasure takes a person and everything about them (``ErasureScope.EVERYTHING``), or
one kind of their data about one cohort (what a retention schedule removes). Every
record it takes, found from the person down their links (memberships, essays,
stories, questionnaire responses, interviews, applications), is marked deleted and
has every field that could hold personal data blanked: what is left is a tombstone
that keeps only ids, times and vocabulary, so the removal can travel and nothing of
the person does.

The erasure itself is kept as an ``Erasure`` record that travels to every site. Each
site that takes one in erases what it holds of the same kinds, whoever made it; and
after every bundle it takes in, it erases again anything about an erased person
that bundle brought back (a laptop's mark made before it heard, a partner's copy
from a site that had not yet heard). So an erasure holds wherever it has reached,
whatever order bundles travel in.

What a site erases because a bundle told it to keeps the versions it had: like a
withdrawal's blanking, it is that site's own doing and never travels as a change.
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import datetime
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
from sqlalchemy.sql import Select

from lt_desktop.domain.vocabulary import ErasureScope
from lt_desktop.storage.database import CHANGE_SEQ, INCLUDE_DELETED
from lt_desktop.storage.models import (
    Application,
    ApplicationScore,
    Attachment,
    AttendanceMark,
    Certificate,
    ClassSession,
    Consent,
    Erasure,
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

_ALL = frozenset({ErasureScope.EVERYTHING})
_RESEARCH = frozenset({ErasureScope.EVERYTHING, ErasureScope.RESEARCH_DATA})
_INTERVIEWS = _RESEARCH | {ErasureScope.INTERVIEWS}
_APPLICATION = frozenset({ErasureScope.EVERYTHING, ErasureScope.APPLICATION})


def _story_in(cohort_id: uuid.UUID) -> Any:
    return Story.session_id.in_(select(ClassSession.id).where(ClassSession.cohort_id == cohort_id))


@dataclass(frozen=True)
class Kind:
    """One kind of record an erasure takes."""

    model: type[SyncedRecord]
    words: str
    #: The kind it hangs from (None: the person), by which of its columns.
    parent: type[SyncedRecord] | None
    column: str
    scopes: frozenset[ErasureScope] = _ALL
    #: For a kind hanging from the person: the condition keeping it to one cohort.
    in_cohort: Callable[[uuid.UUID], Any] | None = None


#: What goes, in the order a preview lists it.
KINDS: tuple[Kind, ...] = (
    Kind(Person, "person record", None, "id"),
    Kind(PrisonDetails, "prison-only details", None, "person_id"),
    Kind(Membership, "cohort places", None, "person_id"),
    Kind(MembershipStatusChange, "changes of status", Membership, "membership_id"),
    Kind(GroupMember, "small-group places", Membership, "membership_id"),
    Kind(AttendanceMark, "register marks", None, "person_id"),
    Kind(Essay, "essays", Membership, "membership_id"),
    Kind(Attachment, "essay scans", Essay, "essay_id"),
    Kind(EssayMark, "marks on their essays", Essay, "essay_id"),
    Kind(Story, "stories", None, "person_id", _RESEARCH, _story_in),
    Kind(StoryAnswer, "answers to story questions", Story, "story_id", _RESEARCH),
    Kind(
        QuestionnaireResponse,
        "questionnaire responses",
        None,
        "person_id",
        _RESEARCH,
        lambda cohort_id: QuestionnaireResponse.cohort_id == cohort_id,
    ),
    Kind(
        QuestionnaireAnswer,
        "questionnaire answers",
        QuestionnaireResponse,
        "response_id",
        _RESEARCH,
    ),
    Kind(
        Interview,
        "interviews",
        None,
        "person_id",
        _INTERVIEWS,
        lambda cohort_id: Interview.cohort_id == cohort_id,
    ),
    Kind(Attachment, "interview files", Interview, "interview_id", _INTERVIEWS),
    Kind(Consent, "consents", None, "person_id"),
    Kind(
        Application,
        "applications",
        None,
        "person_id",
        _APPLICATION,
        lambda cohort_id: Application.cohort_id == cohort_id,
    ),
    Kind(ApplicationScore, "application scores", Application, "application_id", _APPLICATION),
    Kind(Attachment, "application files", Application, "application_id", _APPLICATION),
    Kind(GraduationGuest, "guests they invited", Membership, "invited_by_id"),
    Kind(
        Certificate, "certificates (serials kept as issued and void)", Membership, "membership_id"
    ),
    Kind(Progression, "steps after the course", None, "person_id"),
    Kind(MentorInvitation, "mentor invitations", None, "person_id"),
    Kind(MentorTraining, "mentor training", None, "person_id"),
    Kind(FacilitatorTraining, "facilitator training", None, "person_id"),
    Kind(Transfer, "transfers", None, "person_id"),
    Kind(PersonMerge, "merges of duplicate records", None, "person_id"),
)

#: What an account linked to an erased person is called from then on.
ERASED_ACCOUNT = "Erased account"

#: Kept on a tombstone: what makes it a record that can travel, never personal data.
_KEPT = frozenset(
    {"id", "created_at", "updated_at", "origin_site_id", "version", "previous_version"}
    | {"ancestry", "change_seq", "deleted_at"}
)


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


def found(
    session: Session,
    people: Iterable[uuid.UUID],
    scope: ErasureScope = ErasureScope.EVERYTHING,
    cohort_id: uuid.UUID | None = None,
    *,
    include_deleted: bool = True,
) -> list[tuple[Kind, list[uuid.UUID]]]:
    """The ids of each kind ``scope`` takes of these people, found down their links."""
    people = list(people)
    ids_of: dict[type[SyncedRecord], list[uuid.UUID]] = {}
    result: list[tuple[Kind, list[uuid.UUID]]] = []
    for kind in KINDS:
        if scope not in kind.scopes:
            continue
        under = people if kind.parent is None else ids_of.get(kind.parent, [])
        condition = (
            kind.in_cohort(cohort_id)
            if kind.parent is None and kind.in_cohort is not None and cohort_id is not None
            else None
        )
        ids = _ids(
            session,
            kind.model,
            getattr(kind.model, kind.column),
            under,
            condition,
            include_deleted=include_deleted,
        )
        ids_of[kind.model] = ids
        result.append((kind, ids))
    return result


@dataclass
class Erased:
    """What an erasure took: live records by kind, and the people it took whole."""

    counts: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    #: The research ids of people whose own record it took (as it stood here).
    people: list[str] = field(default_factory=list)

    def add(self, other: Erased) -> None:
        for words, count in other.counts.items():
            self.counts[words] += count
        self.people += other.people


def erase(
    session: Session,
    people: Iterable[uuid.UUID],
    scope: ErasureScope = ErasureScope.EVERYTHING,
    cohort_id: uuid.UUID | None = None,
    *,
    now: datetime | None = None,
) -> Erased:
    """Erase what ``scope`` takes of these people here, in the caller's transaction.

    Records already deleted are blanked too: a tombstone left by an earlier removal
    may still hold text.
    """
    now = now or utc_now()
    people = list(people)
    erased = Erased()
    every_id: list[uuid.UUID] = []
    for kind, ids in found(session, people, scope, cohort_id):
        for record in load(session, kind.model, ids):
            every_id.append(record.id)
            if record.deleted_at is None:
                erased.counts[kind.words] += 1
                record.deleted_at = now
                if isinstance(record, Person):
                    erased.people.append(record.research_id)
            blank(record)
    if scope is ErasureScope.EVERYTHING and people:
        # A session they lectured keeps its place in the programme, without them.
        for lectured in load(
            session, ClassSession, _ids(session, ClassSession, ClassSession.lecturer_id, people)
        ):
            if lectured.lecturer_id is not None:
                lectured.lecturer_id = None
        for start in range(0, len(people), 500):
            chunk = people[start : start + 500]
            # An account of theirs here no longer names them, nor lets anyone sign in.
            session.execute(
                update(User)
                .where(User.person_id.in_(chunk))
                .values(person_id=None, display_name=ERASED_ACCOUNT, disabled=True)
            )
    _forget_local_copies(session, every_id)
    return erased


@dataclass
class Held:
    """What taking in a bundle erased: for the erasures it brought, and again for
    erasures made before."""

    brought: Erased = field(default_factory=Erased)
    again: Erased = field(default_factory=Erased)
    #: Clashes the bundle made over records of erased people, forgotten (table, id).
    forgotten: list[tuple[str, uuid.UUID]] = field(default_factory=list)


def hold(session: Session, clashed: Sequence[tuple[str, uuid.UUID]] = ()) -> Held:
    """After a bundle is taken in: carry out every erasure it brought, and erase again
    whatever it brought of people erased before.

    Cheap when nothing needs it: a bundle that wrote nothing, or a store with no
    erasures, costs one query; otherwise only the kinds of record the bundle wrote are
    looked at, and only their records it wrote, found by one query each. A clash the
    bundle made over a record of an erased person (``clashed``: table and id) is
    forgotten: the version it kept aside holds what was erased.
    """
    held = Held()
    this_change = session.info.get(CHANGE_SEQ)
    if this_change is None:
        return held  # nothing was written, so nothing came back
    session.flush()
    groups: dict[tuple[ErasureScope, uuid.UUID | None], list[uuid.UUID]] = defaultdict(list)
    earlier: set[tuple[ErasureScope, uuid.UUID | None]] = set()
    for person_id, scope, cohort_id, change_seq in session.execute(
        select(Erasure.person_id, Erasure.scope, Erasure.cohort_id, Erasure.change_seq)
    ):
        if change_seq == this_change:
            groups[(scope, cohort_id)].append(person_id)
        else:
            earlier.add((scope, cohort_id))
    for (scope, cohort_id), people in sorted(groups.items(), key=_group_order):
        held.brought.add(erase(session, people, scope, cohort_id))
        if scope is ErasureScope.EVERYTHING:
            # Their record may have come as a tombstone ahead of the erasure.
            held.brought.people = sorted(set(held.brought.people) | _research_ids(session, people))
    if earlier:
        written = _written_kinds(session, this_change)
        for scope, cohort_id in sorted(earlier, key=lambda g: _group_order((g, None))):
            held.again.add(_erase_written(session, scope, cohort_id, this_change, written))
    if clashed and (groups or earlier):
        held.forgotten = _forget_clashes(session, clashed, set(groups) | earlier)
    return held


def _forget_clashes(
    session: Session,
    clashed: Sequence[tuple[str, uuid.UUID]],
    groups: set[tuple[ErasureScope, uuid.UUID | None]],
) -> list[tuple[str, uuid.UUID]]:
    by_table: dict[str, list[uuid.UUID]] = defaultdict(list)
    for table, record_id in clashed:
        by_table[table].append(record_id)
    erased: list[tuple[str, uuid.UUID]] = []
    for scope, cohort_id in groups:
        people = select(Erasure.person_id).where(
            Erasure.scope == scope,
            Erasure.cohort_id.is_(None) if cohort_id is None else Erasure.cohort_id == cohort_id,
        )
        for kind in KINDS:
            ids = by_table.get(kind.model.__tablename__)
            if not ids or scope not in kind.scopes:
                continue
            statement = select(kind.model.id).where(
                kind.model.id.in_(ids), kind.model.id.in_(_ids_of(kind, people, scope, cohort_id))
            )
            found = list(session.scalars(statement.execution_options(**{INCLUDE_DELETED: True})))
            _forget_local_copies(session, found)
            erased += [(kind.model.__tablename__, record_id) for record_id in found]
    return erased


def _written_kinds(session: Session, change_seq: int) -> set[type[SyncedRecord]]:
    """The kinds an erasure takes that this transaction wrote a record of."""
    models = {kind.model for kind in KINDS} | {ClassSession}
    return {
        model
        for model in models
        if session.scalar(
            select(model.id)
            .where(model.change_seq == change_seq)
            .limit(1)
            .execution_options(**{INCLUDE_DELETED: True})
        )
        is not None
    }


def _erase_written(
    session: Session,
    scope: ErasureScope,
    cohort_id: uuid.UUID | None,
    change_seq: int,
    written: set[type[SyncedRecord]],
) -> Erased:
    """Erase what this transaction wrote of people erased earlier with this scope."""
    erased = Erased()
    people = select(Erasure.person_id).where(
        Erasure.scope == scope,
        Erasure.cohort_id.is_(None) if cohort_id is None else Erasure.cohort_id == cohort_id,
        Erasure.change_seq != change_seq,
    )
    ids: list[uuid.UUID] = []
    now = utc_now()
    for kind in KINDS:
        if scope not in kind.scopes or kind.model not in written:
            continue
        statement = select(kind.model).where(
            kind.model.id.in_(_ids_of(kind, people, scope, cohort_id)),
            kind.model.change_seq == change_seq,
        )
        for record in session.scalars(statement.execution_options(**{INCLUDE_DELETED: True})):
            ids.append(record.id)
            if record.deleted_at is None:
                erased.counts[kind.words] += 1
                record.deleted_at = now
            blank(record)
    if scope is ErasureScope.EVERYTHING and ClassSession in written:
        lectured = select(ClassSession).where(
            ClassSession.lecturer_id.in_(people), ClassSession.change_seq == change_seq
        )
        for class_session in session.scalars(lectured):
            class_session.lecturer_id = None
    _forget_local_copies(session, ids)
    return erased


def _ids_of(
    kind: Kind, people: Any, scope: ErasureScope, cohort_id: uuid.UUID | None
) -> Select[Any]:
    """The ids of ``kind``'s records about ``people`` (a query), found down the links."""
    column = getattr(kind.model, kind.column)
    if kind.parent is None:
        statement = select(kind.model.id).where(column.in_(people))
        if kind.in_cohort is not None and cohort_id is not None:
            statement = statement.where(kind.in_cohort(cohort_id))
        return statement
    parent = next(k for k in KINDS if k.model is kind.parent and scope in k.scopes)
    return select(kind.model.id).where(column.in_(_ids_of(parent, people, scope, cohort_id)))


def _research_ids(session: Session, people: list[uuid.UUID]) -> set[str]:
    found: set[str] = set()
    for chunk in _chunks(people):
        statement = select(Person.research_id).where(Person.id.in_(chunk), Person.research_id != "")
        found.update(session.scalars(statement.execution_options(**{INCLUDE_DELETED: True})))
    return found


def _group_order(item: tuple[tuple[ErasureScope, uuid.UUID | None], Any]) -> tuple[str, str]:
    (scope, cohort_id), _ = item
    return (scope.value, "" if cohort_id is None else cohort_id.hex)


def _forget_local_copies(session: Session, ids: list[uuid.UUID]) -> None:
    """Clashes kept for review and records waiting for their parent hold copies of the
    values: this site's own bookkeeping, never sent, so it goes outright."""
    for chunk in _chunks(ids):
        session.execute(delete(SyncConflict).where(SyncConflict.record_id.in_(chunk)))
        session.execute(delete(WaitingRecord).where(WaitingRecord.record_id.in_(chunk)))


def _chunks(ids: list[uuid.UUID], size: int = 500) -> Iterator[list[uuid.UUID]]:
    for start in range(0, len(ids), size):
        yield ids[start : start + size]


def _ids(
    session: Session,
    model: type[SyncedRecord],
    column: Any,
    under: Iterable[uuid.UUID],
    condition: Any = None,
    *,
    include_deleted: bool = True,
) -> list[uuid.UUID]:
    ids: list[uuid.UUID] = []
    for chunk in _chunks(list(under)):
        statement = select(model.id).where(column.in_(chunk))
        if condition is not None:
            statement = statement.where(condition)
        ids.extend(
            session.scalars(statement.execution_options(**{INCLUDE_DELETED: include_deleted}))
        )
    return ids


def load(
    session: Session, model: type[Any], ids: list[uuid.UUID], *, include_deleted: bool = True
) -> list[Any]:
    """The records of ``model`` with these ids (tombstones too, unless told not to)."""
    records: list[Any] = []
    for chunk in _chunks(ids):
        statement = select(model).where(model.id.in_(chunk))
        records.extend(
            session.scalars(statement.execution_options(**{INCLUDE_DELETED: include_deleted}))
        )
    return records


__all__ = [
    "KINDS",
    "Erased",
    "Held",
    "Kind",
    "blank",
    "erase",
    "found",
    "hold",
    "load",
]
