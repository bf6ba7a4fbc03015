"""What goes to a partner: the records it may have, changed since it last
acknowledged, in an order where parents come before children.

Data minimisation is decided here (with ``selection``, which keeps each table inside
the partner's partnerships), record by record, and nowhere else:
prison-only details never leave the site; the gate's guest list stays at the
prison; research data goes only for people whose consent covers it (and, from a
prison to a university, covers sharing with the university team); a university
sends a prison only its own participants, with the marks, feedback and
certificates of every learner in the partnership's cohorts. What people go on to do
after a cohort goes, both ways, only while their consent to be followed stands.
Withdrawn consent travels as redactions, so the partner stops holding that person's
research data (or what they went on to do); consent given (again) sends what it now
covers, however old.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Select, and_, func, inspect, or_, select
from sqlalchemy.orm import Session, aliased

from lt_desktop.domain.vocabulary import ConsentScope, SiteKind
from lt_desktop.storage.database import INCLUDE_DELETED
from lt_desktop.storage.models import (
    Attachment,
    AttendanceMark,
    Certificate,
    ClassSession,
    Cohort,
    Consent,
    Course,
    Erasure,
    Essay,
    EssayMark,
    FacilitatorTraining,
    GraduationCohort,
    GraduationEvent,
    GroupMember,
    GroupProject,
    Interview,
    Membership,
    MembershipStatusChange,
    Partnership,
    Person,
    PersonMerge,
    ProgrammeItem,
    Progression,
    ProjectGroup,
    QuestionnaireAnswer,
    QuestionnaireItem,
    QuestionnaireResponse,
    QuestionnaireTemplate,
    Reading,
    Site,
    SmallGroup,
    Stationery,
    Story,
    StoryAnswer,
    StoryQuestion,
    SyncedRecord,
    Transfer,
)
from lt_desktop.sync.records import encode_redaction, row_plan, synced_models
from lt_desktop.sync.redaction import blanked
from lt_desktop.sync.selection import Selection

#: Research data, and the kind of consent each needs.
RESEARCH_SCOPES: dict[type[SyncedRecord], ConsentScope] = {
    Story: ConsentScope.STORIES,
    StoryAnswer: ConsentScope.STORIES,
    QuestionnaireResponse: ConsentScope.QUESTIONNAIRES,
    QuestionnaireAnswer: ConsentScope.QUESTIONNAIRES,
    Interview: ConsentScope.INTERVIEW,
}
#: Every record that goes only with its person's consent: research data, and what
#: people go on to do after a cohort. The consent to be followed covers both partners
#: of the partnership, so what they went on to do needs no consent to share research
#: data with the university.
CONSENTED: dict[type[SyncedRecord], ConsentScope] = {
    **RESEARCH_SCOPES,
    Progression: ConsentScope.PROGRESSION,
}

_SHARED = {
    Partnership,
    Course,
    Cohort,
    Person,
    Membership,
    MembershipStatusChange,
    ClassSession,
    Reading,  # the university chooses them, the prison copies them for its students
    Essay,
    EssayMark,
    Certificate,
    Consent,
    GraduationEvent,
    GraduationCohort,
    ProgrammeItem,
    Transfer,
    PersonMerge,
    Stationery,
    Progression,
    FacilitatorTraining,
    Erasure,
}
#: What each direction may carry. Anything not listed stays where it is.
TRAVELS: dict[tuple[SiteKind, SiteKind], frozenset[type[SyncedRecord]]] = {
    (SiteKind.PRISON, SiteKind.UNIVERSITY): frozenset(
        _SHARED
        | {
            SmallGroup,
            GroupMember,
            GroupProject,
            ProjectGroup,
            AttendanceMark,
            Attachment,
            StoryQuestion,
            QuestionnaireTemplate,
            QuestionnaireItem,
        }
        | set(RESEARCH_SCOPES)
    ),
    # Register marks go to a prison only for learners transferred to it (``arriving``).
    # Small groups are the prison's, made where the class is taught; a project the
    # university records of them still goes back, for the prison's cohort page and report.
    (SiteKind.UNIVERSITY, SiteKind.PRISON): frozenset(
        _SHARED | {AttendanceMark, GroupProject, ProjectGroup}
    ),
    # Between two installations of one side (the education PC and a facilitator's
    # laptop): everything in the partnerships, except what never leaves a site.
    (SiteKind.PRISON, SiteKind.PRISON): frozenset(
        m
        for m in synced_models().values()
        if m.__tablename__
        in {
            "partnerships",
            "courses",
            "cohorts",
            "people",
            "memberships",
            "membership_status_changes",
            "small_groups",
            "group_members",
            "group_projects",
            "project_groups",
            "class_sessions",
            "readings",
            "attendance",
            "essays",
            "essay_marks",
            "attachments",
            "consents",
            "story_questions",
            "stories",
            "story_answers",
            "questionnaire_templates",
            "questionnaire_items",
            "questionnaire_responses",
            "questionnaire_answers",
            "interviews",
            "certificates",
            "graduation_events",
            "graduation_cohorts",
            "programme_items",
            "transfers",
            "person_merges",
            "stationery",
            "progressions",
            "facilitator_training",
            "erasures",
        }
    ),
}
TRAVELS[(SiteKind.UNIVERSITY, SiteKind.UNIVERSITY)] = TRAVELS[(SiteKind.PRISON, SiteKind.PRISON)]


#: Rows read at a time from a table that holds scans (each may be megabytes).
_SCAN_BATCH = 4


@dataclass
class Outgoing:
    """What an export wrote, by table."""

    records: dict[str, int] = field(default_factory=dict)
    redactions: int = 0

    @property
    def total(self) -> int:
        return sum(self.records.values()) + self.redactions


def consenting(scope: ConsentScope) -> Any:
    """People whose current consent for ``scope`` stands: their latest record, as
    ``core.services.consent.current_consent`` finds it, is not withdrawn."""
    other = aliased(Consent)
    latest = (
        select(other.id)
        .where(
            other.person_id == Consent.person_id,
            other.scope == scope,
            other.deleted_at.is_(None),
        )
        .order_by(other.given_on.desc(), other.created_at.desc(), other.id.desc())
        .limit(1)
        .correlate(Consent)
        .scalar_subquery()
    )
    return select(Consent.person_id).where(
        Consent.scope == scope,
        Consent.deleted_at.is_(None),
        Consent.withdrawn_on.is_(None),
        Consent.id == latest,
    )


def _needed_scopes(model: type[SyncedRecord], *, to_university: bool) -> list[ConsentScope]:
    scopes = [CONSENTED[model]]
    if to_university and model in RESEARCH_SCOPES:
        scopes.append(ConsentScope.SHARE_WITH_UNIVERSITY)
    return scopes


def _consent_changed(since_change_seq: int) -> Any:
    """People any of whose consent records changed here after ``since_change_seq``."""
    return select(Consent.person_id).where(Consent.change_seq > since_change_seq)


def _owned_by(model: type[SyncedRecord], people: Any) -> Any:
    """The condition that a research record belongs to one of ``people`` (a subquery).

    An answer names its story (or response), not the person: it is looked up
    through the stories of those people, not its story's person row by row, which
    SQLite would do once for every condition on every answer.
    """
    if model is StoryAnswer:
        return StoryAnswer.story_id.in_(select(Story.id).where(Story.person_id.in_(people)))
    if model is QuestionnaireAnswer:
        return QuestionnaireAnswer.response_id.in_(
            select(QuestionnaireResponse.id).where(QuestionnaireResponse.person_id.in_(people))
        )
    owners: dict[type[SyncedRecord], Any] = {
        Story: Story.person_id,
        QuestionnaireResponse: QuestionnaireResponse.person_id,
        Interview: Interview.person_id,
        Progression: Progression.person_id,
    }
    return owners[model].in_(people)


def _allowed_people(model: type[SyncedRecord], *, to_university: bool) -> Any:
    """People whose consent covers sending ``model``'s records to this partner."""
    first, *others = _needed_scopes(model, to_university=to_university)
    people = consenting(first)
    for scope in others:
        people = people.where(Consent.person_id.in_(consenting(scope)))
    return people


def research_allowed(model: type[SyncedRecord], *, to_university: bool) -> Any:
    return _owned_by(model, _allowed_people(model, to_university=to_university))


def outgoing_lines(
    session: Session,
    *,
    local_kind: SiteKind,
    partner_kind: SiteKind,
    partnerships: list[uuid.UUID] | None,
    since_change_seq: int,
    tally: Outgoing,
    partner_site_id: uuid.UUID | None = None,
    partner_may_hold_research: bool = True,
    batch: int = 500,
) -> Iterator[bytes]:
    """The encoded lines of every record to send, parents before children, in
    pieces of one or more whole lines.

    ``partner_site_id`` and ``partner_may_hold_research`` say where redactions may
    go: never to the site that recorded the data, and only to a partner that has
    been sent something before (a first bundle lists nothing it never had).
    """
    travels = TRAVELS[(local_kind, partner_kind)]
    transfers = transferred_to(session, partner_site_id)
    to_university = local_kind is SiteKind.PRISON and partner_kind is SiteKind.UNIVERSITY
    changed = changed_tables(session, since_change_seq)
    for model in synced_models().values():
        if model not in travels or not _may_send(model, changed, transfers):
            continue
        selection, arrived = _fresh_selections(
            partnerships, local_kind, partner_kind, transfers, since_change_seq
        )
        plan = row_plan(model)
        # SQLite writes the lines itself where it can: a tenth of the time Python takes.
        # Rows are read a batch at a time and let go once written, so memory stays
        # flat whatever the store's size. They come in no particular order within a
        # table (the receiver needs only parents' tables first): sorting would read a
        # whole table before its first line, leaving the compressor idle meanwhile.
        query: Select[Any] = select(*(plan.columns if plan.line is None else (plan.line,))).where(
            *_to_send(
                model, selection, since_change_seq, to_university=to_university, arrived=arrived
            )
        )
        count = 0
        if plan.line is None:
            # Encoded here, a few rows at a time where they hold scans, so a batch
            # never holds more than a few of them.
            holds_scans = any(a.deferred for a in inspect(model).column_attrs)
            rows = session.execute(
                query.execution_options(
                    **{INCLUDE_DELETED: True}, yield_per=_SCAN_BATCH if holds_scans else batch
                )
            )
            for row in rows:
                yield plan.encode(row)
                count += 1
        else:
            # Through the driver, not the ORM: the lines come ready-made, so nothing
            # is done per line in Python but joining a batch of them.
            with session.connection().execute(query) as result:
                while lines := result.fetchmany(batch):
                    yield b"".join([line for (line,) in lines])
                    count += len(lines)
        if count:
            tally.records[model.__tablename__] = count
    if partner_may_hold_research and Consent.__tablename__ in changed:
        # Redactions are of people whose consent changed since: none, none to send.
        yield from _redactions(
            session,
            lambda: _selection(partnerships, local_kind, partner_kind, transfers),
            travels,
            since_change_seq,
            to_university,
            partner_site_id,
            tally,
        )


def changed_tables(session: Session, since_change_seq: int) -> frozenset[str]:
    """The synced tables holding a record (removed ones too) changed here after
    ``since_change_seq``, in one statement of plain SQL on the ``change_seq`` indexes.

    A table with none sends nothing but what ``_may_send`` allows for: an export to a
    partner that is up to date then builds no statement for it at all (building and
    compiling a table's selection cost more than running it, for a weekly bundle)."""
    names = [model.__tablename__ for model in synced_models().values()]
    statement = " UNION ALL ".join(
        f"SELECT '{name}' WHERE EXISTS (SELECT 1 FROM \"{name}\" WHERE change_seq > ?)"
        for name in names
    )
    rows = session.connection().exec_driver_sql(statement, (since_change_seq,) * len(names))
    return frozenset(name for (name,) in rows)


def _may_send(model: type[SyncedRecord], changed: frozenset[str], transfers: Any) -> bool:
    """Whether ``_to_send`` can pick any of ``model``'s records, given which tables
    changed: its own records changed, or (consented records) a consent changed, or
    (course records, to a prison) a transfer to it or a merge of a person changed."""
    if model.__tablename__ in changed:
        return True
    if model in CONSENTED:
        return Consent.__tablename__ in changed
    return transfers is not None and bool(
        changed & {Transfer.__tablename__, PersonMerge.__tablename__}
    )


def pending_records(
    session: Session,
    *,
    local_kind: SiteKind,
    partner_kind: SiteKind,
    partnerships: list[uuid.UUID] | None,
    since_change_seq: int,
    partner_site_id: uuid.UUID | None = None,
    partner_may_hold_research: bool = True,
) -> int:
    """How many records (and redactions) the next export to this partner would carry."""
    transfers = transferred_to(session, partner_site_id)
    travels = TRAVELS[(local_kind, partner_kind)]
    to_university = local_kind is SiteKind.PRISON and partner_kind is SiteKind.UNIVERSITY
    changed = changed_tables(session, since_change_seq)
    records = 0
    for model in synced_models().values():
        if model not in travels or not _may_send(model, changed, transfers):
            continue
        selection, arrived = _fresh_selections(
            partnerships, local_kind, partner_kind, transfers, since_change_seq
        )
        query = (
            select(func.count())
            .select_from(model)
            .where(
                *_to_send(
                    model, selection, since_change_seq, to_university=to_university, arrived=arrived
                )
            )
        )
        records += session.scalar(query.execution_options(**{INCLUDE_DELETED: True})) or 0
    if not partner_may_hold_research or Consent.__tablename__ not in changed:
        return records
    return records + sum(
        session.scalar(
            select(func.count())
            .select_from(query.subquery())
            .execution_options(**{INCLUDE_DELETED: True})
        )
        or 0
        for _, query in _redaction_queries(
            lambda: _selection(partnerships, local_kind, partner_kind, transfers),
            travels,
            since_change_seq,
            to_university,
            partner_site_id,
        )
    )


def transferred_to(session: Session, partner_site_id: uuid.UUID | None) -> Any:
    """The condition that a transfer standing here names the partner as where the
    learner went: by its site id, or, where the transfer names no site, by the name
    the partner is paired under, as long as no other prison known here has that name.
    None for a partner that is not a prison."""
    site = session.get(Site, partner_site_id) if partner_site_id is not None else None
    if site is None or site.kind is not SiteKind.PRISON or site.is_local:
        return None
    by_site = Transfer.to_site_id == site.id
    name = site.name.strip().lower()
    namesakes = [
        other.name
        for other in session.scalars(
            select(Site).where(Site.id != site.id, Site.kind == SiteKind.PRISON)
        )
        if other.name.strip().lower() == name
    ]
    condition = by_site
    if not namesakes:
        condition = or_(
            by_site, and_(Transfer.to_site_id.is_(None), func.lower(Transfer.to_name) == name)
        )
    return and_(Transfer.deleted_at.is_(None), condition)


def _fresh_selections(
    partnerships: list[uuid.UUID] | None,
    local_kind: SiteKind,
    partner_kind: SiteKind,
    transfers: Any,
    since_change_seq: int,
) -> tuple[Selection, Selection | None]:
    """The selection and the arrivals for one statement, made for it alone.

    Never shared between statements: compiling a statement through the ORM changes the
    subqueries inside it, so a subquery shared with the next statement would give that
    statement a different cache key each time, and SQLAlchemy would compile it afresh
    on every export instead of taking it from its cache."""
    return (
        _selection(partnerships, local_kind, partner_kind, transfers),
        _arrived_since(transfers, since_change_seq, local_kind, partner_kind),
    )


def _selection(
    partnerships: list[uuid.UUID] | None,
    local_kind: SiteKind,
    partner_kind: SiteKind,
    transfers: Any = None,
) -> Selection:
    return Selection(
        partnerships,
        own_people_only=local_kind is SiteKind.UNIVERSITY and partner_kind is SiteKind.PRISON,
        arriving=None if transfers is None else select(Transfer.person_id).where(transfers),
    )


def _arrived_since(
    transfers: Any, since_change_seq: int, local_kind: SiteKind, partner_kind: SiteKind
) -> Selection | None:
    """The course records of learners whose transfer to the partner changed since it
    last acknowledged: sent whole, however long ago each record last changed. So are
    those of learners merged here with another record of themselves since then: the
    merge moved that record's places, marks and status changes into their course
    record without changing them, so the partner has never been sent them."""
    if transfers is None:
        return None
    merged = select(PersonMerge.person_id).where(PersonMerge.change_seq > since_change_seq)
    fresh = select(Transfer.person_id).where(
        transfers,
        or_(Transfer.change_seq > since_change_seq, Transfer.person_id.in_(merged)),
    )
    return Selection(
        [],
        own_people_only=local_kind is SiteKind.UNIVERSITY and partner_kind is SiteKind.PRISON,
        arriving=fresh,
    )


def _to_send(
    model: type[SyncedRecord],
    selection: Selection,
    since_change_seq: int,
    *,
    to_university: bool,
    arrived: Selection | None = None,
) -> list[Any]:
    """The conditions that pick ``model``'s records to send."""
    changed = model.change_seq > since_change_seq
    if arrived is not None and model not in CONSENTED:
        changed = or_(changed, arrived.where(model))
    conditions = [selection.where(model)]
    if model in CONSENTED:
        # Consent given after the data was written: what it now covers goes too,
        # however long ago it last changed. A copy blanked here never leaves.
        changed = or_(changed, _owned_by(model, _consent_changed(since_change_seq)))
        conditions += [research_allowed(model, to_university=to_university), ~blanked(model)]
    return [*conditions, changed]


def _redactions(
    session: Session,
    selection: Callable[[], Selection],
    travels: frozenset[type[SyncedRecord]],
    since_change_seq: int,
    to_university: bool,
    partner_site_id: uuid.UUID | None,
    tally: Outgoing,
) -> Iterator[bytes]:
    for model, query in _redaction_queries(
        selection, travels, since_change_seq, to_university, partner_site_id
    ):
        for record_id in session.scalars(query.execution_options(**{INCLUDE_DELETED: True})):
            yield encode_redaction(model.__tablename__, record_id)
            tally.redactions += 1


def _redaction_queries(
    selection: Callable[[], Selection],
    travels: frozenset[type[SyncedRecord]],
    since_change_seq: int,
    to_university: bool,
    partner_site_id: uuid.UUID | None,
) -> Iterator[tuple[type[SyncedRecord], Select[Any]]]:
    """Research records of people whose consent changed since the partner last
    acknowledged and no longer covers them: those the partner may have been sent.

    Not to the site that recorded them (it keeps its own records; the withdrawal
    reaches it as the consent record), and not for people who never gave every
    consent the data needs to reach this partner (nothing of theirs was sent).
    """
    for model in CONSENTED:
        if model not in travels:
            continue
        # Every condition is on the person the record belongs to: the people are
        # found once, and each record tested against them once.
        people = _consent_changed(since_change_seq).where(
            *(
                Consent.person_id.in_(select(Consent.person_id).where(Consent.scope == scope))
                for scope in _needed_scopes(model, to_university=to_university)
            ),
            Consent.person_id.not_in(_allowed_people(model, to_university=to_university)),
        )
        query = select(model.id).where(selection().where(model), _owned_by(model, people))
        if partner_site_id is not None:
            query = query.where(model.origin_site_id != partner_site_id)
        yield model, query
