"""The class register: one mark per person per session, saved the moment it is made."""

from __future__ import annotations

import logging
import uuid
from collections import Counter
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import exists, select
from sqlalchemy.orm import Session

from lt_desktop.core.services.base import Service, get_or_not_found
from lt_desktop.core.services.groups import GROUPED_ROLES
from lt_desktop.core.services.memberships import ROLE_ORDER, member_infos
from lt_desktop.domain.errors import ValidationError
from lt_desktop.domain.roles import Permission
from lt_desktop.domain.vocabulary import (
    ATTENDED_STATUSES,
    REASONS_FOR,
    AttendanceStatus,
    MarkReason,
    MembershipRole,
    MembershipStatus,
    SessionKind,
    cancellation_in_words,
    week_in_words,
)
from lt_desktop.storage.database import INCLUDE_DELETED
from lt_desktop.storage.models import (
    AttendanceMark,
    ClassSession,
    Cohort,
    Course,
    Membership,
    SmallGroup,
    utc_now,
)

log = logging.getLogger(__name__)


#: A register note is a line or two, not an essay.
NOTE_LIMIT = 500


@dataclass(frozen=True)
class Mark:
    """One person's mark for a session: what happened, why, and a note if any.

    An absence always has a reason ("not known" when none is given); late, left
    early and excused may have one; present never does.
    """

    status: AttendanceStatus
    reason: MarkReason | None = None
    note: str = ""

    def __post_init__(self) -> None:
        if self.reason is not None and not isinstance(self.reason, MarkReason):
            object.__setattr__(self, "reason", MarkReason(self.reason))
        if self.status is AttendanceStatus.ABSENT and self.reason is None:
            object.__setattr__(self, "reason", MarkReason.UNKNOWN)
        if self.reason is not None and self.reason not in REASONS_FOR[self.status]:
            raise ValidationError(
                f"“{self.reason.label}” is not a reason offered for {self.status.label.lower()}."
            )
        note = " ".join(self.note.split())
        if len(note) > NOTE_LIMIT:
            raise ValidationError(f"A register note is at most {NOTE_LIMIT} characters.")
        object.__setattr__(self, "note", note)

    @classmethod
    def as_stored(cls, status: AttendanceStatus, reason: MarkReason | None, note: str) -> Mark:
        """A mark as the store holds it, shown as it is even if made under other rules
        (another site's, or an older version's): reading a register never fails."""
        mark = object.__new__(cls)
        for name, value in (("status", status), ("reason", reason), ("note", note or "")):
            object.__setattr__(mark, name, value)
        return mark

    def with_note(self, note: str) -> Mark:
        return Mark(self.status, self.reason, note)


@dataclass(frozen=True)
class RegisterLine:
    person_id: uuid.UUID
    display_name: str
    sort_name: str
    role: MembershipRole
    group_name: str
    group_position: int
    mark: Mark | None
    recorded_by: str
    recorded_at: datetime | None


@dataclass(frozen=True)
class Register:
    session_id: uuid.UUID
    cohort_id: uuid.UUID
    lines: list[RegisterLine]
    #: Why the whole session was called off, in words; "" for a session that runs.
    cancelled: str = ""

    def counts(self) -> Counter[AttendanceStatus]:
        return Counter(line.mark.status for line in self.lines if line.mark)

    @property
    def unmarked(self) -> int:
        return sum(1 for line in self.lines if line.mark is None)

    @property
    def attended(self) -> int:
        return sum(1 for line in self.lines if line.mark and line.mark.status in ATTENDED_STATUSES)


@dataclass(frozen=True)
class MarkChange:
    """One person's mark before and after a change, so the change can be undone."""

    person_id: uuid.UUID
    before: Mark | None
    after: Mark | None


@dataclass(frozen=True)
class RegisterDue:
    """A session that has been held but whose register nobody has taken."""

    session_id: uuid.UUID
    cohort_id: uuid.UUID
    cohort_title: str
    week: int
    held_on: date
    session_title: str

    def describe(self) -> str:
        return f"{week_in_words(self.week)} of {self.cohort_title} ({self.held_on:%a %d %b})"


_UNGROUPED = 10_000
_SENSE_MAKING_STATUSES = frozenset(
    {MembershipStatus.ACTIVE, MembershipStatus.COMPLETED, MembershipStatus.GRADUATED}
)


class RegisterService(Service):
    def register(self, session_id: uuid.UUID) -> Register:
        """Everyone expected at the session, by group, with any mark already made."""
        self._require(Permission.TAKE_REGISTER)
        with self._store.read() as session:
            class_session = self._session(session, session_id)
            marks = {m.person_id: m for m in self._marks(session, session_id)}
            positions = dict(
                session.execute(
                    select(SmallGroup.name, SmallGroup.position).where(
                        SmallGroup.cohort_id == class_session.cohort_id
                    )
                ).all()
            )
            # The sense-making meeting may come after the course: its graduates are expected.
            expected_statuses = (
                _SENSE_MAKING_STATUSES
                if class_session.kind is SessionKind.SENSE_MAKING
                else {MembershipStatus.ACTIVE}
            )
            lines = []
            for member in member_infos(session, class_session.cohort_id):
                expected = member.role in GROUPED_ROLES and member.status in expected_statuses
                mark = marks.get(member.person_id)
                if not expected and mark is None:
                    continue
                lines.append(
                    RegisterLine(
                        person_id=member.person_id,
                        display_name=member.display_name,
                        sort_name=member.sort_name,
                        role=member.role,
                        group_name=member.group_name,
                        group_position=positions.get(member.group_name, _UNGROUPED)
                        if member.group_name
                        else _UNGROUPED,
                        mark=_mark_of(mark),
                        recorded_by=mark.recorded_by_name if mark else "",
                        recorded_at=mark.recorded_at if mark else None,
                    )
                )
            lines.sort(
                key=lambda line: (
                    line.group_position,
                    ROLE_ORDER[line.role],
                    line.sort_name.casefold(),
                )
            )
            return Register(
                session_id, class_session.cohort_id, lines, cancellation_words(class_session)
            )

    def registers_not_taken(self, *, now: datetime | None = None) -> list[RegisterDue]:
        """Sessions already held, in cohorts this person may see, with no mark at all.

        A session held today counts only once it is over, and one with nobody expected
        (no one enrolled yet) never does. Oldest first: that is the one to catch up.
        """
        self._require(Permission.TAKE_REGISTER)
        now = now or datetime.now()
        today = now.date()
        with self._store.read() as session:
            visible = self._visible_cohort_ids(session)
            # One look into the register's index per session held, not a list of every
            # session ever marked.
            marked = exists().where(AttendanceMark.session_id == ClassSession.id)
            query = (
                select(ClassSession, Cohort, Course.title)
                .join(Cohort, Cohort.id == ClassSession.cohort_id)
                .join(Course, Course.id == Cohort.course_id)
                .where(ClassSession.held_on <= today, ClassSession.cancelled.is_(None), ~marked)
                .order_by(ClassSession.held_on, ClassSession.week)
            )
            if visible is not None:
                query = query.where(ClassSession.cohort_id.in_(visible))
            staffed = set(
                session.scalars(
                    select(Membership.cohort_id)
                    .where(
                        Membership.role.in_(GROUPED_ROLES),
                        Membership.status == MembershipStatus.ACTIVE,
                    )
                    .distinct()
                )
            )
            due = []
            for class_session, cohort, course_title in session.execute(query):
                if class_session.cohort_id not in staffed:
                    continue
                if class_session.held_on == today and (
                    class_session.ends_at is None or class_session.ends_at > now.time()
                ):
                    continue
                due.append(
                    RegisterDue(
                        session_id=class_session.id,
                        cohort_id=cohort.id,
                        cohort_title=f"{course_title}: {cohort.name}",
                        week=class_session.week,
                        held_on=class_session.held_on,
                        session_title=class_session.title or class_session.kind.label,
                    )
                )
            return due

    def set_marks(
        self, session_id: uuid.UUID, marks: dict[uuid.UUID, Mark | None]
    ) -> list[MarkChange]:
        """Set (or, with None, clear) several marks in one transaction."""
        self._require(Permission.TAKE_REGISTER)
        with self._store.write() as session:
            class_session = self._session(session, session_id)
            if class_session.cancelled is not None and any(m is not None for m in marks.values()):
                raise ValidationError(
                    f"{week_in_words(class_session.week).capitalize()} was cancelled "
                    f"({cancellation_words(class_session)}): it takes no register. "
                    "If it went ahead after all, reinstate it on the Sessions screen first."
                )
            expected = {m.person_id for m in member_infos(session, class_session.cohort_id)}
            existing = {
                m.person_id: m for m in self._marks(session, session_id, include_deleted=True)
            }
            now = utc_now()
            changes = []
            for person_id, mark in marks.items():
                if person_id not in expected:
                    self._require_person_visible(session, person_id)
                    raise ValidationError("That person is not in this session's cohort.")
                row = existing.get(person_id)
                before = _mark_of(row)
                if before == mark:
                    continue
                if mark is None:
                    if row is not None:
                        row.deleted_at = now
                else:
                    if row is None:
                        row = AttendanceMark(
                            session_id=session_id, person_id=person_id, recorded_at=now
                        )
                        session.add(row)
                    row.deleted_at = None
                    row.status, row.absence_reason, row.note = (
                        mark.status,
                        mark.reason,
                        mark.note,
                    )
                    row.recorded_by_id = self.actor.user_id
                    row.recorded_by_name = self.actor.display_name
                    row.recorded_at = now
                changes.append(MarkChange(person_id, before, mark))
        log.debug("Saved %d register marks for session %s", len(changes), session_id)
        return changes

    def mark(
        self, session_id: uuid.UUID, person_id: uuid.UUID, mark: Mark | None
    ) -> MarkChange | None:
        changes = self.set_marks(session_id, {person_id: mark})
        return changes[0] if changes else None

    def mark_everyone_present(self, session_id: uuid.UUID) -> list[MarkChange]:
        """Mark present everyone not yet marked; marks already made are left alone."""
        register = self.register(session_id)
        present = Mark(AttendanceStatus.PRESENT)
        return self.set_marks(
            session_id, {line.person_id: present for line in register.lines if line.mark is None}
        )

    def undo(self, session_id: uuid.UUID, changes: list[MarkChange]) -> list[MarkChange]:
        """Put back the marks a change replaced."""
        return self.set_marks(session_id, {c.person_id: c.before for c in changes})

    def _session(self, session: Session, session_id: uuid.UUID) -> ClassSession:
        class_session = get_or_not_found(session, ClassSession, session_id, "session")
        self._require_cohort_visible(session, class_session.cohort_id)
        return class_session

    @staticmethod
    def _marks(
        session: Session, session_id: uuid.UUID, *, include_deleted: bool = False
    ) -> list[AttendanceMark]:
        return list(
            session.scalars(
                select(AttendanceMark)
                .where(AttendanceMark.session_id == session_id)
                .execution_options(**{INCLUDE_DELETED: include_deleted})
            )
        )


def cancellation_words(class_session: ClassSession) -> str:
    return cancellation_in_words(class_session.cancelled, class_session.cancelled_note)


def _mark_of(row: AttendanceMark | None) -> Mark | None:
    if row is None or row.deleted_at is not None:
        return None
    return Mark.as_stored(row.status, row.absence_reason, row.note)
