"""Small groups: each with a facilitator, a mentor and a balanced mix of students."""

from __future__ import annotations

import math
import uuid
from collections import Counter
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from lt_desktop.core.services.base import Service, get_or_not_found
from lt_desktop.core.services.memberships import MemberInfo, member_infos
from lt_desktop.domain.errors import ValidationError
from lt_desktop.domain.roles import Permission
from lt_desktop.domain.vocabulary import MembershipRole, MembershipStatus
from lt_desktop.storage.database import INCLUDE_DELETED
from lt_desktop.storage.models import Cohort, GroupMember, Membership, SmallGroup, utc_now

GROUPED_ROLES = (MembershipRole.FACILITATOR, MembershipRole.MENTOR, MembershipRole.STUDENT)
DEFAULT_GROUP_SIZE = 6


@dataclass(frozen=True)
class GroupInfo:
    id: uuid.UUID
    name: str
    position: int
    members: list[MemberInfo]


@dataclass(frozen=True)
class GroupPlan:
    groups: list[GroupInfo]
    unallocated: list[MemberInfo]


class GroupService(Service):
    def plan(self, cohort_id: uuid.UUID) -> GroupPlan:
        """The cohort's groups with their members, and who is in no group yet."""
        self._require(Permission.VIEW_PEOPLE)
        with self._store.read() as session:
            self._require_cohort_visible(session, cohort_id)
            return self._plan(session, cohort_id)

    def add_group(self, cohort_id: uuid.UUID, name: str = "") -> GroupInfo:
        self._require(Permission.MANAGE_GROUPS)
        with self._store.write() as session:
            get_or_not_found(session, Cohort, cohort_id, "cohort")
            count = (
                session.scalar(
                    select(func.count())
                    .select_from(SmallGroup)
                    .where(SmallGroup.cohort_id == cohort_id)
                )
                or 0
            )
            group = SmallGroup(
                cohort_id=cohort_id, name=name.strip() or f"Group {count + 1}", position=count
            )
            session.add(group)
            session.flush()
            return GroupInfo(group.id, group.name, group.position, [])

    def rename_group(self, group_id: uuid.UUID, name: str) -> None:
        self._require(Permission.MANAGE_GROUPS)
        if not name.strip():
            raise ValidationError("A group needs a name.")
        with self._store.write() as session:
            get_or_not_found(session, SmallGroup, group_id, "group").name = name.strip()

    def remove_group(self, group_id: uuid.UUID) -> None:
        """Remove a group; its members become unallocated."""
        self._require(Permission.MANAGE_GROUPS)
        with self._store.write() as session:
            group = get_or_not_found(session, SmallGroup, group_id, "group")
            now = utc_now()
            for link in session.scalars(
                select(GroupMember).where(GroupMember.group_id == group_id)
            ):
                link.deleted_at = now
            group.deleted_at = now

    def assign(self, membership_id: uuid.UUID, group_id: uuid.UUID | None) -> None:
        """Put a member in a group (or in none); they leave any group they were in."""
        self._require(Permission.MANAGE_GROUPS)
        with self._store.write() as session:
            membership = get_or_not_found(session, Membership, membership_id, "membership")
            if group_id is not None:
                group = get_or_not_found(session, SmallGroup, group_id, "group")
                if group.cohort_id != membership.cohort_id:
                    raise ValidationError("That group belongs to another cohort.")
                if membership.role not in GROUPED_ROLES:
                    raise ValidationError(
                        f"{membership.role.label}s are not placed in small groups."
                    )
            place_in_group(session, membership.id, group_id)

    def auto_allocate(self, cohort_id: uuid.UUID, *, group_count: int | None = None) -> GroupPlan:
        """Place every active student, mentor and facilitator in a group.

        Prison- and university-based students are spread so each group has as
        even a mix as the numbers allow; mentors and facilitators are spread one
        by one. Everything stays editable afterwards.
        """
        self._require(Permission.MANAGE_GROUPS)
        with self._store.write() as session:
            get_or_not_found(session, Cohort, cohort_id, "cohort")
            members = [
                m
                for m in member_infos(session, cohort_id)
                if m.role in GROUPED_ROLES and m.status is MembershipStatus.ACTIVE
            ]
            students = [m for m in members if m.role is MembershipRole.STUDENT]
            groups = list(
                session.scalars(
                    select(SmallGroup)
                    .where(SmallGroup.cohort_id == cohort_id)
                    .order_by(SmallGroup.position, SmallGroup.name)
                )
            )
            wanted = (
                group_count or len(groups) or max(1, math.ceil(len(students) / DEFAULT_GROUP_SIZE))
            )
            if not 1 <= wanted <= 50:
                raise ValidationError("Choose between 1 and 50 groups.")
            for index in range(len(groups), wanted):
                group = SmallGroup(cohort_id=cohort_id, name=f"Group {index + 1}", position=index)
                session.add(group)
                groups.append(group)
            now = utc_now()
            for surplus in groups[wanted:]:
                for link in session.scalars(
                    select(GroupMember).where(GroupMember.group_id == surplus.id)
                ):
                    link.deleted_at = now
                surplus.deleted_at = now
            session.flush()
            groups = groups[:wanted]
            placement = allocate(members, [g.id for g in groups])
            for member in members:
                place_in_group(session, member.id, placement[member.id])
            self._audit(session, "groups.allocated", "cohort", cohort_id, groups=len(groups))
            session.flush()
            return self._plan(session, cohort_id)

    def _plan(self, session: Session, cohort_id: uuid.UUID) -> GroupPlan:
        members = member_infos(session, cohort_id)
        groups = session.scalars(
            select(SmallGroup)
            .where(SmallGroup.cohort_id == cohort_id)
            .order_by(SmallGroup.position, SmallGroup.name)
        ).all()
        return GroupPlan(
            groups=[
                GroupInfo(g.id, g.name, g.position, [m for m in members if m.group_id == g.id])
                for g in groups
            ],
            unallocated=[
                m
                for m in members
                if m.group_id is None
                and m.role in GROUPED_ROLES
                and m.status is MembershipStatus.ACTIVE
            ],
        )


def place_in_group(session: Session, membership_id: uuid.UUID, group_id: uuid.UUID | None) -> None:
    """Put a member in a group (or in none), taking them out of any other; no checks."""
    links = session.scalars(
        select(GroupMember)
        .where(GroupMember.membership_id == membership_id)
        .execution_options(**{INCLUDE_DELETED: True})
    ).all()
    now = utc_now()
    for link in links:
        wanted = link.group_id == group_id
        if wanted and link.deleted_at is not None:
            link.deleted_at = None
        elif not wanted and link.deleted_at is None:
            link.deleted_at = now
    if group_id is not None and not any(link.group_id == group_id for link in links):
        session.add(GroupMember(group_id=group_id, membership_id=membership_id))
    session.flush()


def allocate(members: list[MemberInfo], group_ids: list[uuid.UUID]) -> dict[uuid.UUID, uuid.UUID]:
    """Deterministic balanced allocation: each person goes to the group with the
    fewest of their kind (role, and base for students), then the fewest people."""
    if not group_ids:
        return {}
    by_kind: dict[tuple[uuid.UUID, str], int] = Counter()
    sizes: dict[uuid.UUID, int] = Counter()
    placement: dict[uuid.UUID, uuid.UUID] = {}
    ordered = sorted(
        members,
        key=lambda m: (
            {MembershipRole.FACILITATOR: 0, MembershipRole.MENTOR: 1}.get(m.role, 2),
            m.base.value,
            m.sort_name.casefold(),
        ),
    )
    for member in ordered:
        kind = member.base.value if member.role is MembershipRole.STUDENT else member.role.value
        best = min(
            range(len(group_ids)),
            key=lambda i: (by_kind[(group_ids[i], kind)], sizes[group_ids[i]], i),
        )
        group_id = group_ids[best]
        placement[member.id] = group_id
        by_kind[(group_id, kind)] += 1
        sizes[group_id] += 1
    return placement
