"""Who is in a cohort, in which role, and where they are in it."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from lt_desktop.core.services.attendance import (
    AttendanceFigures,
    figures_by_cohort,
    figures_by_person,
)
from lt_desktop.core.services.base import Service, get_or_not_found
from lt_desktop.core.services.programme import Balance, balances
from lt_desktop.domain.errors import ConflictError, ValidationError
from lt_desktop.domain.roles import Permission
from lt_desktop.domain.vocabulary import (
    ENDED_STATUSES,
    MembershipRole,
    MembershipStatus,
    PersonBase,
)
from lt_desktop.storage.database import INCLUDE_DELETED
from lt_desktop.storage.models import (
    Cohort,
    GroupMember,
    Membership,
    MembershipStatusChange,
    Person,
    SmallGroup,
)

ROLE_ORDER = {
    MembershipRole.FACILITATOR: 0,
    MembershipRole.MENTOR: 1,
    MembershipRole.STUDENT: 2,
    MembershipRole.LECTURER: 3,
    MembershipRole.COORDINATOR: 4,
}


@dataclass(frozen=True)
class MemberInfo:
    id: uuid.UUID
    cohort_id: uuid.UUID
    person_id: uuid.UUID
    display_name: str
    sort_name: str
    base: PersonBase
    role: MembershipRole
    status: MembershipStatus
    status_since: date
    group_id: uuid.UUID | None
    group_name: str


@dataclass(frozen=True)
class CohortAttendance:
    """A cohort's attendance and engagement: its students' together, and each member's."""

    students: AttendanceFigures
    by_person: dict[uuid.UUID, AttendanceFigures]


@dataclass(frozen=True)
class StatusChange:
    status: MembershipStatus
    effective_on: date
    reason: str
    recorded_by: str


def member_infos(session: Session, cohort_id: uuid.UUID) -> list[MemberInfo]:
    groups = {
        membership_id: (group_id, name)
        for membership_id, group_id, name in session.execute(
            select(GroupMember.membership_id, SmallGroup.id, SmallGroup.name)
            .join(SmallGroup, SmallGroup.id == GroupMember.group_id)
            .where(SmallGroup.cohort_id == cohort_id)
        )
    }
    members = session.scalars(select(Membership).where(Membership.cohort_id == cohort_id))
    infos = [_member_info(m, *groups.get(m.id, (None, ""))) for m in members]
    infos.sort(key=lambda m: (ROLE_ORDER[m.role], m.sort_name.casefold()))
    return infos


def _member_info(m: Membership, group_id: uuid.UUID | None, group_name: str) -> MemberInfo:
    p = m.person
    return MemberInfo(
        m.id,
        m.cohort_id,
        m.person_id,
        p.display_name,
        p.sort_name,
        p.base,
        m.role,
        m.status,
        m.status_since,
        group_id,
        group_name,
    )


class MembershipService(Service):
    def list_members(self, cohort_id: uuid.UUID) -> list[MemberInfo]:
        self._require(Permission.VIEW_PEOPLE)
        with self._store.read() as session:
            self._require_cohort_visible(session, cohort_id)
            return member_infos(session, cohort_id)

    def attendance(self, cohort_id: uuid.UUID, *, today: date | None = None) -> CohortAttendance:
        """The cohort's attendance and engagement so far (``services/attendance.py``)."""
        self._require(Permission.VIEW_PEOPLE)
        with self._store.read() as session:
            self._require_cohort_visible(session, cohort_id)
            students = figures_by_cohort(session, today=today, cohort_ids=[cohort_id])
            by_person = figures_by_person(session, today=today, cohort_ids=[cohort_id])
            return CohortAttendance(
                students.get(cohort_id, AttendanceFigures()),
                {person_id: figures for (_, person_id), figures in by_person.items()},
            )

    def balance(self, cohort_id: uuid.UUID) -> Balance:
        with self._store.read() as session:
            self._require_cohort_visible(session, cohort_id)
            return balances(session, [cohort_id]).get(cohort_id, Balance())

    def enrol(
        self,
        cohort_id: uuid.UUID,
        person_id: uuid.UUID,
        *,
        role: MembershipRole = MembershipRole.STUDENT,
        status: MembershipStatus = MembershipStatus.ACTIVE,
        on: date | None = None,
    ) -> MemberInfo:
        self._require(Permission.MANAGE_MEMBERSHIPS)
        with self._store.write() as session:
            membership = self.enrol_in(
                session, cohort_id, person_id, role=role, status=status, on=on or date.today()
            )
            return _member_info(membership, None, "")

    def enrol_in(
        self,
        session: Session,
        cohort_id: uuid.UUID,
        person_id: uuid.UUID,
        *,
        role: MembershipRole,
        status: MembershipStatus,
        on: date,
        reason: str = "Enrolled",
    ) -> Membership:
        """Enrol inside a write transaction the caller holds, so enrolling can be one step
        of a larger change (accepting an offer of a place) that stands or falls whole."""
        self._require(Permission.MANAGE_MEMBERSHIPS)
        get_or_not_found(session, Cohort, cohort_id, "cohort")
        person = get_or_not_found(session, Person, person_id, "person")
        existing = session.scalars(
            select(Membership)
            .where(Membership.cohort_id == cohort_id, Membership.person_id == person_id)
            .execution_options(**{INCLUDE_DELETED: True})
        ).first()
        if existing is not None and existing.deleted_at is None:
            raise ConflictError(f"{person.display_name} is already in this cohort.")
        if existing is not None:  # enrolled before, removed, now back
            membership = existing
            membership.deleted_at = None
            membership.role, membership.status = role, status
            membership.status_since, membership.left_on = on, None
        else:
            membership = Membership(
                cohort_id=cohort_id,
                person_id=person_id,
                role=role,
                status=status,
                status_since=on,
                joined_on=on if status is MembershipStatus.ACTIVE else None,
            )
            session.add(membership)
        session.flush()
        session.add(
            MembershipStatusChange(
                membership_id=membership.id,
                status=status,
                effective_on=on,
                reason=reason,
                recorded_by_name=self.actor.display_name,
            )
        )
        self._audit(
            session,
            "membership.enrolled",
            "membership",
            membership.id,
            role=role.value,
            status=status.value,
        )
        return membership

    def change_status(
        self,
        membership_id: uuid.UUID,
        status: MembershipStatus,
        *,
        on: date | None = None,
        reason: str = "",
    ) -> MemberInfo:
        self._require(Permission.MANAGE_MEMBERSHIPS)
        when = on or date.today()
        with self._store.write() as session:
            membership = get_or_not_found(session, Membership, membership_id, "membership")
            if membership.status is status:
                raise ValidationError(f"The status is already {status.label.lower()}.")
            if when < membership.status_since:
                raise ValidationError(
                    "A change of status cannot be dated before the current status began "
                    f"({membership.status_since:%d %b %Y})."
                )
            membership.status, membership.status_since = status, when
            if status is MembershipStatus.ACTIVE and membership.joined_on is None:
                membership.joined_on = when
            membership.left_on = when if status in ENDED_STATUSES else None
            session.add(
                MembershipStatusChange(
                    membership_id=membership.id,
                    status=status,
                    effective_on=when,
                    reason=reason.strip(),
                    recorded_by_name=self.actor.display_name,
                )
            )
            self._audit(
                session,
                "membership.status_changed",
                "membership",
                membership.id,
                status=status.value,
            )
            session.flush()
            return self._info(session, membership)

    def withdraw(
        self, membership_id: uuid.UUID, *, on: date | None = None, reason: str = ""
    ) -> MemberInfo:
        return self.change_status(membership_id, MembershipStatus.WITHDRAWN, on=on, reason=reason)

    def change_role(self, membership_id: uuid.UUID, role: MembershipRole) -> MemberInfo:
        self._require(Permission.MANAGE_MEMBERSHIPS)
        with self._store.write() as session:
            membership = get_or_not_found(session, Membership, membership_id, "membership")
            membership.role = role
            self._audit(
                session, "membership.role_changed", "membership", membership.id, role=role.value
            )
            session.flush()
            return self._info(session, membership)

    def history(self, membership_id: uuid.UUID) -> list[StatusChange]:
        self._require(Permission.VIEW_PEOPLE)
        with self._store.read() as session:
            membership = get_or_not_found(session, Membership, membership_id, "membership")
            self._require_cohort_visible(session, membership.cohort_id)
            return [
                StatusChange(c.status, c.effective_on, c.reason, c.recorded_by_name)
                for c in session.scalars(
                    select(MembershipStatusChange)
                    .where(MembershipStatusChange.membership_id == membership_id)
                    .order_by(
                        MembershipStatusChange.effective_on, MembershipStatusChange.created_at
                    )
                )
            ]

    @staticmethod
    def _info(session: Session, membership: Membership) -> MemberInfo:
        group = session.execute(
            select(SmallGroup.id, SmallGroup.name)
            .join(GroupMember, GroupMember.group_id == SmallGroup.id)
            .where(GroupMember.membership_id == membership.id)
        ).first()
        return _member_info(membership, *(group or (None, "")))
