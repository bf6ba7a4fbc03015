"""Graduation: the ceremony that closes a course.

An event serves one cohort or several. It has a programme (speeches, music, the
catering partner), and visitors: the guests each student invites and the officials
and partners who come. Visitors to a prison must be cleared in advance, so each guest
goes through the prison's clearance (submitted, then cleared or refused) before a
deadline, and the screen warns of what is late and of the count against the room's
capacity. On the day, who attended is recorded, and the certificates presented there
are recorded against each student.

Students' attendance is kept where all attendance is kept: in the cohort's register,
as its graduation session. A cohort planned without one gets it, on the event's day,
the first time attendance is recorded.

Guests' names stay on this site (they never travel to a partner site) and never go
into the audit log.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from lt_desktop.core.services.base import Service, get_or_not_found
from lt_desktop.core.services.documents import (
    CERTIFIED_STATUSES,
    CertificateInfo,
    certificates_of,
    issue_cohort_certificates,
)
from lt_desktop.domain.errors import ConflictError, ValidationError
from lt_desktop.domain.roles import Permission
from lt_desktop.domain.vocabulary import (
    ATTENDED_STATUSES,
    AttendanceStatus,
    ClearanceStatus,
    GuestCategory,
    MarkReason,
    MembershipRole,
    MembershipStatus,
    SessionKind,
)
from lt_desktop.storage.database import INCLUDE_DELETED
from lt_desktop.storage.models import (
    AttendanceMark,
    ClassSession,
    Cohort,
    GraduationCohort,
    GraduationEvent,
    GraduationGuest,
    Membership,
    ProgrammeItem,
    utc_now,
)

#: Kinds of programme item offered on screen; any short word may be kept.
PROGRAMME_KINDS = ("speech", "music", "presentation", "reading", "catering", "other")
#: Guests a student invites; everyone else comes as an official or a partner.
STUDENT_GUEST_CATEGORIES = frozenset({GuestCategory.FAMILY, GuestCategory.FRIEND})
#: Students who graduate at the event: those still on the course and those who finished.
GRADUATING_STATUSES = frozenset(
    {MembershipStatus.ACTIVE, MembershipStatus.COMPLETED, MembershipStatus.GRADUATED}
)
#: Clearance still waiting on someone: the guest cannot be admitted yet.
PENDING_CLEARANCE = frozenset({ClearanceStatus.NOT_SUBMITTED, ClearanceStatus.SUBMITTED})
#: How many days before the guest deadline guests still to be submitted are pointed out.
DEADLINE_NOTICE_DAYS = 7
MAX_CAPACITY = 10_000
_TIME = re.compile(r"^(\d{1,2})[:.](\d{2})$")
_NAMES_IN_A_WARNING = 5


# -- what the screen shows ----------------------------------------------------------------


@dataclass(frozen=True)
class CohortRef:
    cohort_id: uuid.UUID
    title: str


@dataclass(frozen=True)
class EventSummary:
    id: uuid.UUID
    title: str
    held_on: date
    venue: str
    capacity: int
    guest_deadline: date | None
    notes: str
    cohorts: list[CohortRef]

    @property
    def cohort_titles(self) -> str:
        return "; ".join(c.title for c in self.cohorts)


@dataclass(frozen=True)
class ProgrammeItemInfo:
    id: uuid.UUID
    position: int
    starts_at: str
    title: str
    kind: str
    who: str


@dataclass(frozen=True)
class GuestInfo:
    id: uuid.UUID
    event_id: uuid.UUID
    name: str
    relationship: str
    category: GuestCategory
    clearance: ClearanceStatus
    submitted_on: date | None
    decided_on: date | None
    attended: bool | None
    notes: str
    invited_by_id: uuid.UUID | None  # the inviting student's membership
    guest_of: str  # that student's name

    def describe_clearance(self) -> str:
        if self.clearance is ClearanceStatus.SUBMITTED and self.submitted_on:
            return f"Submitted {self.submitted_on:%d %b %Y}"
        if self.clearance in (ClearanceStatus.CLEARED, ClearanceStatus.REFUSED):
            when = f" {self.decided_on:%d %b %Y}" if self.decided_on else ""
            return f"{self.clearance.label}{when}"
        return self.clearance.label


@dataclass(frozen=True)
class GraduateLine:
    """A student graduating at the event, whether they attended, and their certificate."""

    membership_id: uuid.UUID
    person_id: uuid.UUID
    name: str
    sort_name: str
    cohort_id: uuid.UUID
    cohort_title: str
    status: MembershipStatus
    attended: bool | None
    certificate_serial: str
    certificate_event_id: uuid.UUID | None

    @property
    def completed(self) -> bool:
        return self.status in CERTIFIED_STATUSES


@dataclass(frozen=True)
class LateGuest:
    guest_id: uuid.UUID
    name: str
    clearance: ClearanceStatus

    def describe(self) -> str:
        waiting = (
            "not submitted"
            if self.clearance is ClearanceStatus.NOT_SUBMITTED
            else "awaiting a decision"
        )
        return f"{self.name} ({waiting})"


@dataclass(frozen=True)
class HeadCount:
    """Everyone expected in the room against its capacity. Refused guests are not
    counted: they will not be admitted."""

    students: int
    guests: int  # family and friends of students
    officials: int  # officials, partners and offender managers
    capacity: int

    @property
    def total(self) -> int:
        return self.students + self.guests + self.officials

    @property
    def over(self) -> int:
        return max(0, self.total - self.capacity)

    def describe(self) -> str:
        parts = (
            f"{_count(self.students, 'student')} graduating, "
            f"{_count(self.guests, 'guest')} of students, "
            f"{_count(self.officials, 'official or partner', 'officials and partners')}"
        )
        if self.over:
            return (
                f"Over capacity: {self.total} people for {self.capacity} places "
                f"({self.over} too many): {parts}."
            )
        return f"{self.total} of {self.capacity} places: {parts}."


@dataclass(frozen=True)
class GraduationWarnings:
    event_id: uuid.UUID
    today: date
    held_on: date
    deadline: date | None
    late: list[LateGuest]  # still pending after the deadline
    due: list[LateGuest]  # still to be submitted, with the deadline close
    count: HeadCount
    guests: int = 0

    @property
    def no_deadline(self) -> bool:
        return self.deadline is None and self.guests > 0 and self.today <= self.held_on

    @property
    def needs_attention(self) -> bool:
        return bool(self.late or self.due or self.no_deadline or self.count.over)

    def messages(self) -> list[str]:
        """What is late or close, in plain words, then the count against capacity."""
        lines = []
        if self.late and self.deadline is not None:
            lines.append(
                f"{_count(len(self.late), 'guest is', 'guests are')} late for clearance "
                f"(the deadline was {self.deadline:%d %b %Y}): {_names(self.late)}."
            )
        if self.due and self.deadline is not None:
            days = (self.deadline - self.today).days
            when = "today" if days == 0 else f"in {_count(days, 'day')}"
            lines.append(
                f"{_count(len(self.due), 'guest is', 'guests are')} still to be submitted for "
                f"clearance before the deadline on {self.deadline:%d %b %Y} ({when}): "
                f"{_names(self.due)}."
            )
        if self.no_deadline:
            lines.append(
                "No deadline for guests is set: set one, so the prison has time to clear them."
            )
        lines.append(self.count.describe())
        return lines


@dataclass(frozen=True)
class GraduationDetails:
    """Everything the Graduation screen shows about one event, read at once."""

    event: EventSummary
    programme: list[ProgrammeItemInfo]
    guests: list[GuestInfo]
    graduates: list[GraduateLine]
    warnings: GraduationWarnings


@dataclass(frozen=True)
class IssuedCertificates:
    event_id: uuid.UUID
    certificates: list[CertificateInfo]  # one per student who completed, by cohort
    skipped_cohorts: list[str] = field(default_factory=list)  # none completed there yet

    @property
    def newly_issued(self) -> int:
        return sum(1 for c in self.certificates if c.newly_issued)

    def describe(self) -> str:
        kept = len(self.certificates) - self.newly_issued
        text = f"{_count(len(self.certificates), 'certificate')}: {self.newly_issued} newly issued"
        if kept:
            text += f", {kept} already issued (they keep their serial numbers)"
        return text + "."


# -- the service ------------------------------------------------------------------------------


class GraduationService(Service):
    # -- reading ------------------------------------------------------------------------

    def list_events(self) -> list[EventSummary]:
        """Graduations this account may see, the next or latest first."""
        self._require(Permission.MANAGE_GRADUATION)
        with self._store.read() as session:
            visible = self._visible_cohort_ids(session)
            events = []
            for event in session.scalars(
                select(GraduationEvent).order_by(
                    GraduationEvent.held_on.desc(), GraduationEvent.title
                )
            ):
                summary = _summary(session, event)
                if visible is None or any(c.cohort_id in visible for c in summary.cohorts):
                    events.append(summary)
            return events

    def details(self, event_id: uuid.UUID, *, today: date | None = None) -> GraduationDetails:
        self._require(Permission.MANAGE_GRADUATION)
        today = today or date.today()
        with self._store.read() as session:
            event = self._event(session, event_id)
            guests = _guests(session, event_id)
            graduates = _graduates(session, event)
            return GraduationDetails(
                event=_summary(session, event),
                programme=_programme(session, event_id),
                guests=guests,
                graduates=graduates,
                warnings=_warnings(event, guests, graduates, today),
            )

    def warnings(self, event_id: uuid.UUID, *, today: date | None = None) -> GraduationWarnings:
        """Guests late for clearance (still pending after the deadline), guests still to
        be submitted as the deadline nears, and the count against capacity."""
        self._require(Permission.MANAGE_GRADUATION)
        today = today or date.today()
        with self._store.read() as session:
            event = self._event(session, event_id)
            return _warnings(event, _guests(session, event_id), _graduates(session, event), today)

    # -- the event ------------------------------------------------------------------------

    def create_event(
        self,
        *,
        title: str,
        held_on: date,
        venue: str = "",
        capacity: int = 100,
        guest_deadline: date | None = None,
        notes: str = "",
        cohort_ids: Sequence[uuid.UUID] = (),
    ) -> EventSummary:
        """Arrange a graduation for one or more cohorts."""
        self._require(Permission.MANAGE_GRADUATION)
        values = _event_values(title, held_on, venue, capacity, guest_deadline, notes)
        cohorts = list(dict.fromkeys(cohort_ids))
        with self._store.write() as session:
            event = GraduationEvent(**values)
            session.add(event)
            session.flush()
            for cohort_id in cohorts:
                self._attach(session, event, cohort_id)
            session.flush()
            self._audit(
                session, "graduation.created", "graduation_event", event.id, cohorts=len(cohorts)
            )
            return _summary(session, event)

    def update_event(
        self,
        event_id: uuid.UUID,
        *,
        title: str,
        held_on: date,
        venue: str,
        capacity: int,
        guest_deadline: date | None,
        notes: str,
    ) -> EventSummary:
        self._require(Permission.MANAGE_GRADUATION)
        values = _event_values(title, held_on, venue, capacity, guest_deadline, notes)
        with self._store.write() as session:
            event = self._event(session, event_id)
            changed = sorted(
                name for name, value in values.items() if getattr(event, name) != value
            )
            for name, value in values.items():
                setattr(event, name, value)
            session.flush()
            if changed:
                self._audit(
                    session, "graduation.updated", "graduation_event", event.id, changed=changed
                )
            return _summary(session, event)

    def attach_cohort(self, event_id: uuid.UUID, cohort_id: uuid.UUID) -> EventSummary:
        """Add a cohort that graduates at this event too."""
        self._require(Permission.MANAGE_GRADUATION)
        with self._store.write() as session:
            event = self._event(session, event_id)
            self._attach(session, event, cohort_id)
            session.flush()
            self._audit(
                session,
                "graduation.cohort_added",
                "graduation_event",
                event.id,
                cohort_id=str(cohort_id),
            )
            return _summary(session, event)

    def detach_cohort(self, event_id: uuid.UUID, cohort_id: uuid.UUID) -> EventSummary:
        """Take a cohort off the event; refused while its students' guests are listed."""
        self._require(Permission.MANAGE_GRADUATION)
        with self._store.write() as session:
            event = self._event(session, event_id)
            link = session.scalars(
                select(GraduationCohort).where(
                    GraduationCohort.event_id == event_id, GraduationCohort.cohort_id == cohort_id
                )
            ).first()
            if link is None:
                raise ValidationError("That cohort does not graduate at this event.")
            invited = session.scalar(
                select(func.count())
                .select_from(GraduationGuest)
                .join(Membership, Membership.id == GraduationGuest.invited_by_id)
                .where(
                    GraduationGuest.event_id == event_id,
                    GraduationGuest.deleted_at.is_(None),
                    Membership.cohort_id == cohort_id,
                )
            )
            if invited:
                raise ConflictError(
                    f"Students of that cohort have invited {_count(invited or 0, 'guest')}. "
                    "Remove those guests first, or keep the cohort at this event."
                )
            link.deleted_at = utc_now()
            session.flush()
            self._audit(
                session,
                "graduation.cohort_removed",
                "graduation_event",
                event.id,
                cohort_id=str(cohort_id),
            )
            return _summary(session, event)

    def _attach(self, session: Session, event: GraduationEvent, cohort_id: uuid.UUID) -> None:
        self._require_cohort_visible(session, cohort_id)
        cohort = get_or_not_found(session, Cohort, cohort_id, "cohort")
        links = session.scalars(
            select(GraduationCohort)
            .where(GraduationCohort.cohort_id == cohort_id)
            .execution_options(**{INCLUDE_DELETED: True})
        ).all()
        for link in links:
            if link.deleted_at is not None:
                continue
            if link.event_id == event.id:
                raise ConflictError(f"{_title(cohort)} already graduates at this event.")
            other = session.get(GraduationEvent, link.event_id)
            if other is not None and other.deleted_at is None:
                raise ConflictError(
                    f"{_title(cohort)} already graduates at {other.title} "
                    f"({other.held_on:%d %b %Y}). A cohort graduates once."
                )
        earlier = next((link for link in links if link.event_id == event.id), None)
        if earlier is not None:
            earlier.deleted_at = None
        else:
            session.add(GraduationCohort(event_id=event.id, cohort_id=cohort_id))

    # -- the programme ------------------------------------------------------------------

    def add_item(
        self,
        event_id: uuid.UUID,
        *,
        title: str,
        kind: str = "",
        who: str = "",
        starts_at: str = "",
    ) -> list[ProgrammeItemInfo]:
        """Add an item at the end of the programme; returns the whole programme."""
        self._require(Permission.MANAGE_GRADUATION)
        values = _item_values(title, kind, who, starts_at)
        with self._store.write() as session:
            self._event(session, event_id)
            items = _items(session, event_id)
            row = ProgrammeItem(event_id=event_id, position=len(items), **values)
            session.add(row)
            session.flush()
            self._audit(session, "graduation.programme_added", "programme_item", row.id)
            return _programme(session, event_id)

    def update_item(
        self, item_id: uuid.UUID, *, title: str, kind: str, who: str, starts_at: str
    ) -> list[ProgrammeItemInfo]:
        self._require(Permission.MANAGE_GRADUATION)
        values = _item_values(title, kind, who, starts_at)
        with self._store.write() as session:
            row = get_or_not_found(session, ProgrammeItem, item_id, "programme item")
            self._event(session, row.event_id)
            for name, value in values.items():
                setattr(row, name, value)
            session.flush()
            self._audit(session, "graduation.programme_changed", "programme_item", row.id)
            return _programme(session, row.event_id)

    def move_item(self, item_id: uuid.UUID, by: int) -> list[ProgrammeItemInfo]:
        """Move an item earlier (negative ``by``) or later in the programme."""
        self._require(Permission.MANAGE_GRADUATION)
        with self._store.write() as session:
            row = get_or_not_found(session, ProgrammeItem, item_id, "programme item")
            self._event(session, row.event_id)
            items = _items(session, row.event_id)
            old = items.index(row)
            new = max(0, min(len(items) - 1, old + by))
            if new != old:
                items.insert(new, items.pop(old))
                _renumber(items)
                session.flush()
                self._audit(
                    session, "graduation.programme_moved", "programme_item", row.id, to=new + 1
                )
            return _programme(session, row.event_id)

    def remove_item(self, item_id: uuid.UUID) -> list[ProgrammeItemInfo]:
        self._require(Permission.MANAGE_GRADUATION)
        with self._store.write() as session:
            row = get_or_not_found(session, ProgrammeItem, item_id, "programme item")
            self._event(session, row.event_id)
            row.deleted_at = utc_now()
            session.flush()
            _renumber(_items(session, row.event_id))
            session.flush()
            self._audit(session, "graduation.programme_removed", "programme_item", row.id)
            return _programme(session, row.event_id)

    # -- guests -------------------------------------------------------------------------

    def add_guest(
        self,
        event_id: uuid.UUID,
        *,
        name: str,
        category: GuestCategory,
        relationship: str = "",
        invited_by_id: uuid.UUID | None = None,
        notes: str = "",
    ) -> GuestInfo:
        """A student's guest (family, friend: ``invited_by_id`` is the student's
        membership), or an official, partner or offender manager."""
        self._require(Permission.MANAGE_GRADUATION)
        values = _guest_values(name, category, relationship, invited_by_id, notes)
        with self._store.write() as session:
            event = self._event(session, event_id)
            self._check_inviter(session, event, invited_by_id)
            row = GraduationGuest(event_id=event_id, **values)
            session.add(row)
            session.flush()
            self._audit(
                session,
                "graduation.guest_added",
                "graduation_guest",
                row.id,
                category=category.value,
            )
            return _guest_info(session, row)

    def update_guest(
        self,
        guest_id: uuid.UUID,
        *,
        name: str,
        category: GuestCategory,
        relationship: str,
        invited_by_id: uuid.UUID | None,
        notes: str,
    ) -> GuestInfo:
        self._require(Permission.MANAGE_GRADUATION)
        values = _guest_values(name, category, relationship, invited_by_id, notes)
        with self._store.write() as session:
            row = get_or_not_found(session, GraduationGuest, guest_id, "guest")
            event = self._event(session, row.event_id)
            self._check_inviter(session, event, invited_by_id)
            for key, value in values.items():
                setattr(row, key, value)
            session.flush()
            self._audit(session, "graduation.guest_changed", "graduation_guest", row.id)
            return _guest_info(session, row)

    def remove_guest(self, guest_id: uuid.UUID) -> None:
        self._require(Permission.MANAGE_GRADUATION)
        with self._store.write() as session:
            row = get_or_not_found(session, GraduationGuest, guest_id, "guest")
            self._event(session, row.event_id)
            row.deleted_at = utc_now()
            session.flush()
            self._audit(session, "graduation.guest_removed", "graduation_guest", row.id)

    def _check_inviter(
        self, session: Session, event: GraduationEvent, membership_id: uuid.UUID | None
    ) -> None:
        if membership_id is None:
            return
        membership = session.get(Membership, membership_id)
        cohorts = set(_cohort_ids(session, event.id))
        if (
            membership is None
            or membership.deleted_at is not None
            or membership.cohort_id not in cohorts
            or membership.role is not MembershipRole.STUDENT
        ):
            raise ValidationError(
                "A guest is invited by a student graduating at this event: choose one of them."
            )
        if membership.status not in GRADUATING_STATUSES:
            raise ValidationError(
                f"{membership.person.display_name} is not graduating at this event, so cannot "
                "invite guests to it."
            )

    # -- clearance ------------------------------------------------------------------------

    def submit(self, guest_id: uuid.UUID, *, on: date, today: date | None = None) -> GuestInfo:
        """The guest's details went to the prison for clearance on ``on``."""
        return self._clearance(guest_id, ClearanceStatus.SUBMITTED, on, today)

    def clear(self, guest_id: uuid.UUID, *, on: date, today: date | None = None) -> GuestInfo:
        """The prison cleared the guest to attend."""
        return self._clearance(guest_id, ClearanceStatus.CLEARED, on, today)

    def refuse(self, guest_id: uuid.UUID, *, on: date, today: date | None = None) -> GuestInfo:
        """The prison refused the guest: they will not be admitted."""
        return self._clearance(guest_id, ClearanceStatus.REFUSED, on, today)

    def reset_clearance(self, guest_id: uuid.UUID) -> GuestInfo:
        """Back to not submitted, for a step recorded by mistake; its dates go with it."""
        return self._clearance(guest_id, ClearanceStatus.NOT_SUBMITTED, None, None)

    def _clearance(
        self,
        guest_id: uuid.UUID,
        status: ClearanceStatus,
        on: date | None,
        today: date | None,
    ) -> GuestInfo:
        self._require(Permission.MANAGE_GRADUATION)
        today = today or date.today()
        if on is not None and on > today:
            raise ValidationError(
                f"{on:%d %b %Y} has not come yet: record a clearance step on or after the day "
                "it happens."
            )
        with self._store.write() as session:
            row = get_or_not_found(session, GraduationGuest, guest_id, "guest")
            self._event(session, row.event_id)
            if status is ClearanceStatus.SUBMITTED:
                assert on is not None
                if row.clearance in (ClearanceStatus.SUBMITTED, ClearanceStatus.CLEARED):
                    raise ConflictError(
                        f"{row.name} is already {row.clearance.label.lower()}; nothing to submit."
                    )
                row.submitted_on, row.decided_on = on, None
            elif status is ClearanceStatus.NOT_SUBMITTED:
                row.submitted_on = row.decided_on = None
            else:
                assert on is not None
                if row.clearance is ClearanceStatus.NOT_SUBMITTED or row.submitted_on is None:
                    raise ValidationError(
                        f"{row.name} has not been submitted for clearance yet, so cannot be "
                        f"{status.label.lower()}. Record when they were submitted first."
                    )
                if row.clearance is status:
                    raise ConflictError(f"{row.name} is already {status.label.lower()}.")
                if on < row.submitted_on:
                    raise ValidationError(
                        f"{row.name} was submitted on {row.submitted_on:%d %b %Y}; the prison "
                        "cannot have decided before that."
                    )
                row.decided_on = on
            row.clearance = status
            if status is not ClearanceStatus.CLEARED and row.attended:
                row.attended = None  # only a cleared guest can have been admitted
            session.flush()
            self._audit(
                session,
                "graduation.guest_clearance",
                "graduation_guest",
                row.id,
                clearance=status.value,
                on=on.isoformat() if on else None,
            )
            return _guest_info(session, row)

    # -- on the day -----------------------------------------------------------------------

    def record_attendance(
        self,
        event_id: uuid.UUID,
        *,
        guests: Mapping[uuid.UUID, bool | None] | None = None,
        students: Mapping[uuid.UUID, bool | None] | None = None,
        today: date | None = None,
    ) -> GraduationDetails:
        """Who came: guests by id, students by membership (True attended, False did not,
        None not recorded). Students' attendance goes into the cohort's register."""
        self._require(Permission.MANAGE_GRADUATION)
        today = today or date.today()
        guests, students = guests or {}, students or {}
        with self._store.write() as session:
            event = self._event(session, event_id)
            if event.held_on > today:
                raise ValidationError(
                    f"The graduation is on {event.held_on:%d %b %Y}: record who attended "
                    "on the day or after it."
                )
            for guest_id, attended in guests.items():
                row = get_or_not_found(session, GraduationGuest, guest_id, "guest")
                if row.event_id != event_id:
                    raise ValidationError("That guest is not invited to this graduation.")
                if attended and row.clearance is not ClearanceStatus.CLEARED:
                    raise ValidationError(
                        f"{row.name} was not cleared to attend, so cannot have been admitted."
                    )
                row.attended = attended
            cohorts = set(_cohort_ids(session, event_id))
            registers: dict[uuid.UUID, ClassSession] = {}
            for membership_id, attended in students.items():
                membership = get_or_not_found(session, Membership, membership_id, "student")
                if (
                    membership.cohort_id not in cohorts
                    or membership.role is not MembershipRole.STUDENT
                    or membership.status not in GRADUATING_STATUSES
                ):
                    raise ValidationError(
                        f"{membership.person.display_name} is not graduating at this event."
                    )
                if membership.cohort_id not in registers:
                    registers[membership.cohort_id] = _graduation_register(
                        session, membership.cohort_id, event
                    )
                self._mark(session, registers[membership.cohort_id], membership, attended)
            session.flush()
            self._audit(
                session,
                "graduation.attendance",
                "graduation_event",
                event.id,
                guests=len(guests),
                students=len(students),
            )
            guest_rows = _guests(session, event_id)
            graduates = _graduates(session, event)
            return GraduationDetails(
                _summary(session, event),
                _programme(session, event_id),
                guest_rows,
                graduates,
                _warnings(event, guest_rows, graduates, today),
            )

    def _mark(
        self,
        session: Session,
        register: ClassSession,
        membership: Membership,
        attended: bool | None,
    ) -> None:
        row = session.scalars(
            select(AttendanceMark)
            .where(
                AttendanceMark.session_id == register.id,
                AttendanceMark.person_id == membership.person_id,
            )
            .execution_options(**{INCLUDE_DELETED: True})
        ).first()
        live = row is not None and row.deleted_at is None
        if attended is None:
            if row is not None and live:
                row.deleted_at = utc_now()
            return
        if live and row is not None and (row.status in ATTENDED_STATUSES) == attended:
            return  # already says so (late or excused are kept as they are)
        if row is None:
            row = AttendanceMark(session_id=register.id, person_id=membership.person_id)
            session.add(row)
        row.deleted_at = None
        row.status = AttendanceStatus.PRESENT if attended else AttendanceStatus.ABSENT
        row.absence_reason = None if attended else MarkReason.UNKNOWN
        row.note = ""
        row.recorded_by_id = self.actor.user_id
        row.recorded_by_name = self.actor.display_name
        row.recorded_at = utc_now()

    # -- certificates ---------------------------------------------------------------------

    def issue_certificates(
        self, event_id: uuid.UUID, *, issued_on: date | None = None
    ) -> IssuedCertificates:
        """A certificate for every student of the event's cohorts who completed the
        course, awarded on the day of the graduation and recorded against it.

        Certificates already issued keep their serial numbers and dates, so issuing
        again changes nothing; one issued before the graduation was arranged is recorded
        as presented there. One transaction, in the audit log.
        """
        self._require(Permission.MANAGE_GRADUATION)
        with self._store.write() as session:
            event = self._event(session, event_id)
            when = issued_on or event.held_on
            cohorts = sorted(
                (
                    get_or_not_found(session, Cohort, c, "cohort")
                    for c in _cohort_ids(session, event_id)
                ),
                key=lambda c: (c.starts_on, _title(c)),
            )
            if not cohorts:
                raise ValidationError(
                    "No cohort graduates at this event yet: add the cohort first."
                )
            certificates: list[CertificateInfo] = []
            skipped = []
            for cohort in cohorts:
                if not session.scalar(
                    select(func.count())
                    .select_from(Membership)
                    .where(
                        Membership.cohort_id == cohort.id,
                        Membership.role == MembershipRole.STUDENT,
                        Membership.status.in_(CERTIFIED_STATUSES),
                        Membership.deleted_at.is_(None),
                    )
                ):
                    skipped.append(_title(cohort))
                    continue
                batch = issue_cohort_certificates(
                    session, cohort.id, issued_on=when, event_id=event.id, at_event=True
                )
                certificates.extend(batch.certificates)
            if not certificates:
                raise ValidationError(
                    "No student graduating at this event has completed the course yet, so there "
                    "are no certificates to issue. Mark students as completed or graduated first "
                    "(Cohorts screen)."
                )
            result = IssuedCertificates(event.id, certificates, skipped)
            self._audit(
                session,
                "graduation.certificates_issued",
                "graduation_event",
                event.id,
                issued=result.newly_issued,
                kept=len(certificates) - result.newly_issued,
            )
            return result

    # -- helpers --------------------------------------------------------------------------

    def _event(self, session: Session, event_id: uuid.UUID) -> GraduationEvent:
        event = get_or_not_found(session, GraduationEvent, event_id, "graduation")
        for cohort_id in _cohort_ids(session, event_id):
            self._require_cohort_visible(session, cohort_id)
        return event


# -- gathering -------------------------------------------------------------------------------


def _count(n: int, one: str, many: str | None = None) -> str:
    if n == 1:
        return f"1 {one}"
    if many is None:
        many = one + "s"
    return f"{n} {many}"


def _names(guests: list[LateGuest]) -> str:
    shown = [g.describe() for g in guests[:_NAMES_IN_A_WARNING]]
    more = len(guests) - len(shown)
    return "; ".join(shown) + (f"; and {more} more" if more else "")


def _title(cohort: Cohort) -> str:
    return f"{cohort.course.title}: {cohort.name}"


def _cohort_ids(session: Session, event_id: uuid.UUID) -> list[uuid.UUID]:
    return list(
        session.scalars(
            select(GraduationCohort.cohort_id).where(GraduationCohort.event_id == event_id)
        )
    )


def _summary(session: Session, event: GraduationEvent) -> EventSummary:
    cohorts = sorted(
        (
            c
            for c in session.scalars(
                select(Cohort).where(Cohort.id.in_(_cohort_ids(session, event.id)))
            )
        ),
        key=lambda c: (c.starts_on, _title(c)),
    )
    return EventSummary(
        event.id,
        event.title,
        event.held_on,
        event.venue,
        event.capacity,
        event.guest_deadline,
        event.notes,
        [CohortRef(c.id, _title(c)) for c in cohorts],
    )


def _items(session: Session, event_id: uuid.UUID) -> list[ProgrammeItem]:
    return list(
        session.scalars(
            select(ProgrammeItem)
            .where(ProgrammeItem.event_id == event_id)
            .order_by(ProgrammeItem.position, ProgrammeItem.starts_at, ProgrammeItem.created_at)
        )
    )


def _renumber(items: list[ProgrammeItem]) -> None:
    for position, item in enumerate(items):
        if item.position != position:
            item.position = position


def _programme(session: Session, event_id: uuid.UUID) -> list[ProgrammeItemInfo]:
    return [
        ProgrammeItemInfo(i.id, n, i.starts_at, i.title, i.kind, i.who)
        for n, i in enumerate(_items(session, event_id))
    ]


def _guest_info(session: Session, row: GraduationGuest, inviter: str | None = None) -> GuestInfo:
    if inviter is None:
        membership = session.get(Membership, row.invited_by_id) if row.invited_by_id else None
        inviter = membership.person.display_name if membership is not None else ""
    return GuestInfo(
        row.id,
        row.event_id,
        row.name,
        row.relationship_to_student,
        row.category,
        row.clearance,
        row.submitted_on,
        row.decided_on,
        row.attended,
        row.notes,
        row.invited_by_id,
        inviter,
    )


def _guests(session: Session, event_id: uuid.UUID) -> list[GuestInfo]:
    """The event's guests: each student's guests together (students by name), then
    officials and partners, by name."""
    rows = list(
        session.scalars(select(GraduationGuest).where(GraduationGuest.event_id == event_id))
    )
    inviters = {
        m.id: m
        for m in session.scalars(
            select(Membership).where(
                Membership.id.in_({r.invited_by_id for r in rows if r.invited_by_id})
            )
        )
    }

    def order(row: GraduationGuest) -> tuple[int, str, str]:
        inviter = inviters.get(row.invited_by_id) if row.invited_by_id else None
        return (
            0 if inviter is not None else 1,
            inviter.person.sort_name.casefold() if inviter is not None else "",
            row.name.casefold(),
        )

    rows.sort(key=order)
    return [
        _guest_info(
            session,
            row,
            inviters[row.invited_by_id].person.display_name
            if row.invited_by_id in inviters
            else "",
        )
        for row in rows
    ]


def _find_graduation_session(
    session: Session, cohort_id: uuid.UUID, held_on: date
) -> ClassSession | None:
    """The cohort's graduation session in its register: the one nearest ``held_on``."""
    found = sorted(
        session.scalars(
            select(ClassSession).where(
                ClassSession.cohort_id == cohort_id, ClassSession.kind == SessionKind.GRADUATION
            )
        ),
        key=lambda s: (abs((s.held_on - held_on).days), -s.week),
    )
    return found[0] if found else None


def _graduation_register(
    session: Session, cohort_id: uuid.UUID, event: GraduationEvent
) -> ClassSession:
    """The cohort's graduation session, or a new one on the event's day after the
    cohort's last week if it was planned without one."""
    found = _find_graduation_session(session, cohort_id, event.held_on)
    if found is not None:
        return found
    last_week = session.scalar(
        select(func.max(ClassSession.week)).where(ClassSession.cohort_id == cohort_id)
    )
    row = ClassSession(
        cohort_id=cohort_id,
        week=(last_week or 0) + 1,
        held_on=event.held_on,
        kind=SessionKind.GRADUATION,
        title=event.title[:300],
        location=event.venue[:200],
    )
    session.add(row)
    session.flush()
    return row


def _graduates(session: Session, event: GraduationEvent) -> list[GraduateLine]:
    cohorts = {
        c.id: c
        for c in session.scalars(
            select(Cohort).where(Cohort.id.in_(_cohort_ids(session, event.id)))
        )
    }
    memberships = list(
        session.scalars(
            select(Membership).where(
                Membership.cohort_id.in_(list(cohorts)),
                Membership.role == MembershipRole.STUDENT,
                Membership.status.in_(GRADUATING_STATUSES),
            )
        )
    )
    certificates = certificates_of(session, [m.id for m in memberships])
    attended: dict[tuple[uuid.UUID, uuid.UUID], bool] = {}
    for cohort_id in cohorts:
        register = _find_graduation_session(session, cohort_id, event.held_on)
        if register is None:
            continue
        for person_id, status in session.execute(
            select(AttendanceMark.person_id, AttendanceMark.status).where(
                AttendanceMark.session_id == register.id
            )
        ):
            attended[(cohort_id, person_id)] = status in ATTENDED_STATUSES
    lines = []
    for m in memberships:
        certificate = certificates.get(m.id)
        lines.append(
            GraduateLine(
                membership_id=m.id,
                person_id=m.person_id,
                name=m.person.display_name,
                sort_name=m.person.sort_name,
                cohort_id=m.cohort_id,
                cohort_title=_title(cohorts[m.cohort_id]),
                status=m.status,
                attended=attended.get((m.cohort_id, m.person_id)),
                certificate_serial=certificate.serial if certificate else "",
                certificate_event_id=certificate.event_id if certificate else None,
            )
        )
    lines.sort(key=lambda line: (line.sort_name.casefold(), line.cohort_title))
    return lines


def _warnings(
    event: GraduationEvent,
    guests: list[GuestInfo],
    graduates: list[GraduateLine],
    today: date,
) -> GraduationWarnings:
    expected = [g for g in guests if g.clearance is not ClearanceStatus.REFUSED]
    late: list[LateGuest] = []
    due: list[LateGuest] = []
    deadline = event.guest_deadline
    if deadline is not None and today <= event.held_on:
        for guest in expected:
            if guest.clearance not in PENDING_CLEARANCE:
                continue
            entry = LateGuest(guest.id, guest.name, guest.clearance)
            if today > deadline:
                late.append(entry)
            elif (
                guest.clearance is ClearanceStatus.NOT_SUBMITTED
                and (deadline - today).days <= DEADLINE_NOTICE_DAYS
            ):
                due.append(entry)
    from_students = sum(1 for g in expected if g.category in STUDENT_GUEST_CATEGORIES)
    count = HeadCount(
        students=len(graduates),
        guests=from_students,
        officials=len(expected) - from_students,
        capacity=event.capacity,
    )
    return GraduationWarnings(
        event.id, today, event.held_on, deadline, late, due, count, guests=len(guests)
    )


# -- checking what is typed ---------------------------------------------------------------------


def _text(value: str, what: str, limit: int, *, required: bool = False) -> str:
    cleaned = value.strip()
    if required and not cleaned:
        raise ValidationError(f"Give the {what}.")
    if len(cleaned) > limit:
        raise ValidationError(f"The {what} is limited to {limit} characters.")
    return cleaned


def _event_values(
    title: str,
    held_on: date,
    venue: str,
    capacity: int,
    guest_deadline: date | None,
    notes: str,
) -> dict[str, object]:
    if not 1 <= capacity <= MAX_CAPACITY:
        raise ValidationError(f"Give the number of places, from 1 to {MAX_CAPACITY:,}.")
    if guest_deadline is not None and guest_deadline >= held_on:
        raise ValidationError(
            "The deadline for guests must come before the graduation, so the prison has time "
            "to clear them."
        )
    return {
        "title": _text(title, "graduation's title", 300, required=True),
        "held_on": held_on,
        "venue": _text(venue, "venue", 300),
        "capacity": capacity,
        "guest_deadline": guest_deadline,
        "notes": _text(notes, "notes", 5_000),
    }


def _item_values(title: str, kind: str, who: str, starts_at: str) -> dict[str, str]:
    return {
        "title": _text(title, "item's title", 300, required=True),
        "kind": _text(kind, "kind of item", 50).lower(),
        "who": _text(who, "name of who gives it", 300),
        "starts_at": _time(starts_at),
    }


def _time(value: str) -> str:
    """A time of day as HH:MM ("9.30" and "9:30" both become "09:30"), or nothing."""
    text = value.strip()
    if not text:
        return ""
    match = _TIME.match(text)
    if match is None or int(match.group(1)) > 23 or int(match.group(2)) > 59:
        raise ValidationError(f"{text!r} is not a time of day: write it as 14:30.")
    return f"{int(match.group(1)):02d}:{match.group(2)}"


def _guest_values(
    name: str,
    category: GuestCategory,
    relationship: str,
    invited_by_id: uuid.UUID | None,
    notes: str,
) -> dict[str, object]:
    if category in STUDENT_GUEST_CATEGORIES and invited_by_id is None:
        raise ValidationError(
            f"A guest who comes as {category.label.lower()} is a student's guest: choose the "
            "student who invited them."
        )
    return {
        "name": _text(name, "guest's name", 200, required=True),
        "category": category,
        "relationship_to_student": _text(relationship, "relationship", 100),
        "invited_by_id": invited_by_id,
        "notes": _text(notes, "notes", 2_000),
    }


__all__ = [
    "DEADLINE_NOTICE_DAYS",
    "PROGRAMME_KINDS",
    "STUDENT_GUEST_CATEGORIES",
    "CohortRef",
    "EventSummary",
    "GraduateLine",
    "GraduationDetails",
    "GraduationService",
    "GraduationWarnings",
    "GuestInfo",
    "HeadCount",
    "IssuedCertificates",
    "LateGuest",
    "ProgrammeItemInfo",
]
