"""What every service shares: who is acting, and the permission check."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from sqlalchemy import ColumnElement, select
from sqlalchemy.orm import Session

from lt_desktop.domain.errors import NotFound, PermissionDenied
from lt_desktop.domain.roles import Permission, Role, role_allows
from lt_desktop.domain.vocabulary import MembershipRole, SiteKind
from lt_desktop.storage.models import Membership, Person, User
from lt_desktop.storage.output_paths import check_output_folder, check_output_path

if TYPE_CHECKING:
    from lt_desktop.storage.store import Store

T = TypeVar("T")


@dataclass(frozen=True)
class Actor:
    """The signed-in account on whose behalf a service acts."""

    user_id: uuid.UUID
    username: str
    display_name: str
    role: Role
    person_id: uuid.UUID | None
    #: Signed in on a classroom laptop, which allows only what a register needs.
    on_laptop: bool = False

    @classmethod
    def from_user(cls, user: User) -> Actor:
        return cls(user.id, user.username, user.display_name, user.role, user.person_id)

    def may(self, permission: Permission) -> bool:
        return role_allows(self.role, permission, on_laptop=self.on_laptop)


_WHAT_IT_ALLOWS = {
    Permission.MANAGE_USERS: "manage user accounts",
    Permission.MANAGE_SETTINGS: "change settings",
    Permission.VIEW_AUDIT: "view the audit log",
    Permission.VIEW_ALL_COHORTS: "see every cohort",
    Permission.VIEW_OWN_COHORTS: "see cohorts",
    Permission.EDIT_PROGRAMME: "change partnerships, courses, cohorts or sessions",
    Permission.VIEW_PEOPLE: "see people's records",
    Permission.EDIT_PEOPLE: "change people's records",
    Permission.ERASE_PEOPLE: "erase a person",
    Permission.EXPORT_PERSON_DATA: "export everything held about a person",
    Permission.VIEW_PRISON_DETAILS: "see prison-only details",
    Permission.EDIT_PRISON_DETAILS: "change prison-only details",
    Permission.MANAGE_MEMBERSHIPS: "enrol or withdraw people",
    Permission.MANAGE_GROUPS: "change small groups",
    Permission.TAKE_REGISTER: "take the register",
    Permission.MANAGE_ESSAYS: "manage essays and marking",
    Permission.MARK_ESSAYS: "mark essays",
    Permission.RECORD_CONSENT: "record consent",
    Permission.ENTER_RESEARCH_DATA: "enter research data",
    Permission.SET_RESEARCH_QUESTIONS: "change the story questions or questionnaires",
    Permission.EXPORT_RESEARCH: "export research data",
    Permission.MANAGE_APPLICATIONS: "manage applications",
    Permission.ASSESS_APPLICATIONS: "assess applications",
    Permission.MANAGE_GRADUATION: "manage graduation",
    Permission.PRINT_DOCUMENTS: "print documents",
    Permission.SYNC: "exchange data with other sites",
    Permission.PAIR_SITES: "pair with other sites or change this site's keys",
    Permission.MANAGE_LAPTOPS: "set up or revoke classroom laptops",
    Permission.CARRY_REGISTERS: "carry registers between a classroom laptop and the education PC",
    Permission.BACKUP: "back up or restore the store",
    Permission.VIEW_STATS: "see what the store holds",
    Permission.VIEW_RETENTION: "see what the retention schedule says is due",
    Permission.MANAGE_RETENTION: "change the retention schedule or erase what is due",
}

#: Cohort roles that let a facilitator account see a cohort.
STAFF_MEMBERSHIP_ROLES = frozenset(
    {
        MembershipRole.FACILITATOR,
        MembershipRole.MENTOR,
        MembershipRole.LECTURER,
        MembershipRole.COORDINATOR,
    }
)


class Service:
    def __init__(self, store: Store, actor: Actor) -> None:
        self._store = store
        self.actor = actor

    @property
    def site_kind(self) -> SiteKind:
        return self._store.site.kind

    def _require(self, permission: Permission) -> None:
        if not self.actor.may(permission) and role_allows(self.actor.role, permission):
            raise PermissionDenied(
                "This is a classroom laptop: it carries only the register, so you cannot "
                f"{_WHAT_IT_ALLOWS[permission]} here. Do it at the education PC."
            )
        if not self.actor.may(permission):
            raise PermissionDenied(
                f"Your role ({self.actor.role.label.lower()}) does not allow you to "
                f"{_WHAT_IT_ALLOWS[permission]}."
            )

    def output_path(self, target: Path, *, force: bool) -> Path:
        """Where a file someone chose may be written: not in the store folder, not over
        anything but an ordinary file, over an existing one only with ``force``."""
        return check_output_path(target, store_root=self._store.folder.root, force=force)

    def output_folder(self, folder: Path) -> Path:
        """A folder the app may write files of its own naming into: not the store's."""
        return check_output_folder(folder, store_root=self._store.folder.root)

    def _require_any(self, *permissions: Permission) -> None:
        if not any(self.actor.may(p) for p in permissions):
            self._require(permissions[0])

    def _audit(
        self,
        session: Session,
        action: str,
        subject_type: str | None = None,
        subject_id: object = None,
        **details: Any,
    ) -> None:
        self._store.audit(
            session,
            actor_id=self.actor.user_id,
            actor_name=self.actor.display_name,
            action=action,
            subject_type=subject_type,
            subject_id=None if subject_id is None else str(subject_id),
            details=details,
        )

    def _visible_cohort_ids(self, session: Session) -> set[uuid.UUID] | None:
        """Cohorts this actor may see: None means all of them."""
        if self.actor.may(Permission.VIEW_ALL_COHORTS):
            return None
        if not self.actor.may(Permission.VIEW_OWN_COHORTS) or self.actor.person_id is None:
            return set()
        return set(
            session.scalars(
                select(Membership.cohort_id).where(
                    Membership.person_id == self.actor.person_id,
                    Membership.role.in_(STAFF_MEMBERSHIP_ROLES),
                )
            )
        )

    def _require_cohort_visible(self, session: Session, cohort_id: uuid.UUID) -> None:
        visible = self._visible_cohort_ids(session)
        if visible is not None and cohort_id not in visible:
            raise PermissionDenied("That cohort is not one of yours.")

    def _visible_people(self, session: Session) -> ColumnElement[bool] | None:
        """A filter for the people this actor may see (None: everyone): those with a
        place in one of the actor's cohorts, in any role."""
        visible = self._visible_cohort_ids(session)
        if visible is None:
            return None
        return Person.id.in_(select(Membership.person_id).where(Membership.cohort_id.in_(visible)))

    def _require_person_visible(self, session: Session, person_id: uuid.UUID) -> None:
        """Refuse a person outside the actor's cohorts, whether or not they exist, so
        the answer tells nothing about records out of reach."""
        restriction = self._visible_people(session)
        if restriction is None:
            return
        if session.scalar(select(Person.id).where(Person.id == person_id, restriction)) is None:
            raise PermissionDenied("That person is not in one of your cohorts.")


def get_or_not_found(session: Session, model: type[T], record_id: uuid.UUID, what: str) -> T:
    record = session.get(model, record_id)
    if record is None or getattr(record, "deleted_at", None) is not None:
        raise NotFound(f"That {what} no longer exists.")
    return record
