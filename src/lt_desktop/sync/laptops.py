"""Classroom laptops: a second installation of the prison site that carries only the
register of chosen cohorts.

The education PC holds the laptop as a partner marked ``LAPTOP``, with its cohorts;
the laptop holds the PC as a partner marked ``EDUCATION_PC``, with the same cohorts.
What travels between the two is decided here and nowhere else:

- to the laptop: the partnership, course and cohort rows of its cohorts, their
  sessions, the people in them (and the sessions' lecturers) by name and base, their
  places in the cohorts and small groups, the register marks, the merges of two
  records of one of those people into one, and the erasures of any of them. A person's email,
  notes and research ID, and the notes kept on a partnership, a cohort or a place in
  a cohort, are blanked on the way: the register does not need them. Nothing else is
  ever sent: no essays, scans, stories, questionnaires, interviews, consent, status
  changes, applications, certificates, graduations, readings (and their PDFs) or
  prison-only details;
- from the laptop: register marks (with their reasons and notes) for its cohorts'
  sessions, and nothing else. The PC refuses a laptop's bundle whole when it holds
  anything more.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterable, Iterator
from typing import Any

from sqlalchemy import and_, func, select
from sqlalchemy.orm import Session

from lt_desktop.domain.errors import LtError
from lt_desktop.storage.database import INCLUDE_DELETED
from lt_desktop.storage.models import (
    AttendanceMark,
    ClassSession,
    Cohort,
    Course,
    Erasure,
    GroupMember,
    Membership,
    Partner,
    Partnership,
    Person,
    PersonMerge,
    SmallGroup,
    SyncedRecord,
)
from lt_desktop.sync.outgoing import Outgoing
from lt_desktop.sync.records import Incoming, PayloadInvalid, Redaction, row_plan, synced_models

#: ``Partner.classroom``: at the education PC, the partner is one of its laptops.
LAPTOP = "laptop"
#: ``Partner.classroom``: at a laptop, the partner is the education PC it belongs to.
EDUCATION_PC = "education_pc"

#: What the education PC sends a classroom laptop.
TO_LAPTOP: frozenset[type[SyncedRecord]] = frozenset(
    {
        Partnership,
        Course,
        Cohort,
        Person,
        Membership,
        SmallGroup,
        GroupMember,
        ClassSession,
        AttendanceMark,
        PersonMerge,
        Erasure,
    }
)
#: What a classroom laptop sends the education PC.
FROM_LAPTOP: frozenset[type[SyncedRecord]] = frozenset({AttendanceMark})

#: Fields a laptop never needs, sent blank (their value when a record is made).
BLANKED_ON_LAPTOP: dict[str, dict[str, Any]] = {
    "people": {"email": "", "notes": "", "research_id": ""},
    "memberships": {"notes": ""},
    "partnerships": {"notes": ""},
    "cohorts": {"notes": ""},
}


class NotALaptop(LtError):
    pass


def cohorts_of(partner: Partner) -> list[uuid.UUID]:
    """The cohorts a classroom pairing carries."""
    return [uuid.UUID(hex=part) for part in partner.laptop_cohorts.split()]


def cohorts_text(cohorts: Iterable[uuid.UUID]) -> str:
    return " ".join(sorted(c.hex for c in cohorts))


def travels(partner: Partner) -> frozenset[type[SyncedRecord]]:
    """What may go to ``partner``, a classroom pairing."""
    return TO_LAPTOP if partner.classroom == LAPTOP else FROM_LAPTOP


def accepted(partner: Partner) -> frozenset[str]:
    """The tables a bundle from ``partner``, a classroom pairing, may hold."""
    taken = FROM_LAPTOP if partner.classroom == LAPTOP else TO_LAPTOP
    return frozenset(m.__tablename__ for m in taken)


class CohortSelection:
    """The records of chosen cohorts (not of whole partnerships), as subqueries of ids.

    Kept apart from ``selection.Selection`` on purpose: what a laptop may hold is
    decided here alone, whatever other sites are sent.
    """

    def __init__(self, cohorts: list[uuid.UUID]) -> None:
        self.cohorts = select(Cohort.id).where(Cohort.id.in_(cohorts))
        self.courses = select(Cohort.course_id).where(Cohort.id.in_(cohorts))
        self.partnerships = select(Course.partnership_id).where(Course.id.in_(self.courses))
        self.sessions = select(ClassSession.id).where(ClassSession.cohort_id.in_(self.cohorts))
        # The people in the cohorts, and whoever teaches their sessions: a session names
        # its lecturer, and is taken in only once the lecturer has been.
        self.people = (
            select(Membership.person_id)
            .where(Membership.cohort_id.in_(self.cohorts))
            .union(
                select(ClassSession.lecturer_id).where(
                    ClassSession.cohort_id.in_(self.cohorts), ClassSession.lecturer_id.isnot(None)
                )
            )
        )
        self.memberships = select(Membership.id).where(Membership.cohort_id.in_(self.cohorts))
        self.groups = select(SmallGroup.id).where(SmallGroup.cohort_id.in_(self.cohorts))

    def where(self, model: type[SyncedRecord]) -> Any:
        """The condition that keeps ``model``'s records inside the cohorts."""
        conditions: dict[type[SyncedRecord], Any] = {
            Partnership: Partnership.id.in_(self.partnerships),
            Course: Course.id.in_(self.courses),
            Cohort: Cohort.id.in_(self.cohorts),
            Person: Person.id.in_(self.people),
            Membership: Membership.id.in_(self.memberships),
            SmallGroup: SmallGroup.id.in_(self.groups),
            GroupMember: and_(
                GroupMember.group_id.in_(self.groups),
                GroupMember.membership_id.in_(self.memberships),
            ),
            ClassSession: ClassSession.id.in_(self.sessions),
            AttendanceMark: and_(
                AttendanceMark.session_id.in_(self.sessions),
                AttendanceMark.person_id.in_(self.people),
            ),
            # Two records of one person made one: the laptop makes the same one of its
            # copies, or its register would list the person twice.
            PersonMerge: PersonMerge.person_id.in_(self.people),
            # A person erased: the laptop erases its copies, and any mark it still
            # holds of them, as the education PC did.
            Erasure: and_(Erasure.person_id.in_(self.people), Erasure.travels.is_(True)),
        }
        return conditions[model]


def _to_send(
    model: type[SyncedRecord], selection: CohortSelection, since_change_seq: int
) -> list[Any]:
    return [selection.where(model), model.change_seq > since_change_seq]


def outgoing_lines(
    session: Session, partner: Partner, *, since_change_seq: int, tally: Outgoing
) -> Iterator[bytes]:
    """The lines of every record to send ``partner``, a classroom pairing, parents first."""
    cohorts = cohorts_of(partner)
    allowed = travels(partner)
    for model in synced_models().values():
        if model not in allowed:
            continue
        # A selection of its own for each statement, as ``outgoing._fresh_selections`` says.
        selection = CohortSelection(cohorts)
        plan = row_plan(model)
        blanks = BLANKED_ON_LAPTOP.get(model.__tablename__) if partner.classroom == LAPTOP else None
        rows = session.execute(
            select(*plan.columns)
            .where(*_to_send(model, selection, since_change_seq))
            .execution_options(**{INCLUDE_DELETED: True}, yield_per=500)
        )
        count = 0
        for row in rows:
            line = plan.encode(row)
            yield _blanked(line, blanks) if blanks else line
            count += 1
        if count:
            tally.records[model.__tablename__] = count


def pending_records(session: Session, partner: Partner, *, since_change_seq: int) -> int:
    """How many records the next bundle to ``partner``, a classroom pairing, would carry."""
    cohorts = cohorts_of(partner)
    allowed = travels(partner)
    return sum(
        session.scalar(
            select(func.count())
            .select_from(model)
            .where(*_to_send(model, CohortSelection(cohorts), since_change_seq))
            .execution_options(**{INCLUDE_DELETED: True})
        )
        or 0
        for model in synced_models().values()
        if model in allowed
    )


def _blanked(line: bytes, blanks: dict[str, Any]) -> bytes:
    document = json.loads(line)
    document["f"].update(blanks)
    return (json.dumps(document, ensure_ascii=False, separators=(",", ":")) + "\n").encode()


def checked_from_laptop(
    session: Session, partner: Partner, items: Iterator[Incoming | Redaction]
) -> Iterator[Incoming | Redaction]:
    """A laptop's lines, refused whole (by raising) at the first that is not a register
    mark for one of its cohorts' sessions and people."""
    cohorts = cohorts_of(partner)
    sessions = set(
        session.scalars(
            select(ClassSession.id)
            .where(ClassSession.cohort_id.in_(cohorts))
            .execution_options(**{INCLUDE_DELETED: True})
        )
    )
    people = set(
        session.scalars(
            select(Membership.person_id)
            .where(Membership.cohort_id.in_(cohorts))
            .execution_options(**{INCLUDE_DELETED: True})
        )
    )
    # A mark the laptop took before a merge here names the record merged away, which
    # holds no place any more: the merge moved its places to the record kept.
    merges = session.execute(
        select(PersonMerge.person_id, PersonMerge.merged_id).execution_options(
            **{INCLUDE_DELETED: True}
        )
    ).all()
    while True:
        more = {merged for kept, merged in merges if kept in people and merged not in people}
        if not more:
            break
        people |= more
    for item in items:
        if not isinstance(item, Incoming) or item.table != AttendanceMark.__tablename__:
            raise PayloadInvalid(
                f"The classroom laptop's bundle holds {item.table.replace('_', ' ')}; a "
                "laptop sends only register marks, so nothing was imported."
            )
        if item.fields.get("session_id") not in sessions or (
            item.fields.get("person_id") not in people
        ):
            raise PayloadInvalid(
                "The classroom laptop's bundle holds a register mark for a session or "
                "person outside the cohorts it was set up for; nothing was imported."
            )
        yield item
