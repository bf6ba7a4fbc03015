"""User accounts: who may sign in, with which role, and their passwords."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from lt_desktop.core.names import checked_name
from lt_desktop.core.passwords import check_password, check_username
from lt_desktop.core.services.base import Service
from lt_desktop.domain.errors import ConflictError, NotFound, ValidationError
from lt_desktop.domain.roles import Permission, Role
from lt_desktop.storage.keyslots import normalise_username
from lt_desktop.storage.models import Person, User, utc_now
from lt_desktop.storage.recovery_key import RecoveryKey
from lt_desktop.storage.rekey import RekeyPlan, rekey_store


@dataclass(frozen=True)
class Account:
    id: uuid.UUID
    username: str
    display_name: str
    role: Role
    disabled: bool
    person_id: uuid.UUID | None
    last_sign_in_at: datetime | None

    @classmethod
    def of(cls, user: User) -> Account:
        return cls(
            user.id,
            user.username,
            user.display_name,
            user.role,
            user.disabled,
            user.person_id,
            user.last_sign_in_at,
        )


@dataclass(frozen=True)
class RekeyResult:
    """What a re-key gives out, shown once: each other account's one-time password
    (by user name) and the new recovery key."""

    one_time_passwords: dict[str, str] = field(repr=False)
    recovery_key: RecoveryKey
    #: Disabled accounts: no key slot opens the re-keyed store for them.
    disabled: list[str]


def find_user(session: Session, username: str) -> User | None:
    return session.scalars(
        select(User).where(func.lower(User.username) == normalise_username(username))
    ).first()


class AccountService(Service):
    def list_accounts(self) -> list[Account]:
        self._require(Permission.MANAGE_USERS)
        with self._store.read() as session:
            users = session.scalars(select(User).order_by(User.username))
            return [Account.of(user) for user in users]

    def add_account(
        self,
        username: str,
        *,
        display_name: str,
        role: Role,
        password: str,
        person_id: uuid.UUID | None = None,
    ) -> Account:
        self._require(Permission.MANAGE_USERS)
        name = check_username(username)
        display_name = checked_name(display_name, "The display name")
        check_password(password, name)
        with self._store.write() as session:
            if find_user(session, name) is not None:
                raise ConflictError(f"There is already an account called {name}.")
            if person_id is not None and session.get(Person, person_id) is None:
                raise NotFound("The person to link this account to no longer exists.")
            user = User(
                username=name,
                display_name=display_name or name,
                role=role,
                person_id=person_id,
            )
            session.add(user)
            session.flush()
            self._audit(session, "user.added", "user", user.id, username=name, role=role.value)
            # The slot is written last inside the transaction: if it cannot be
            # written, the account is not created either.
            self._store.set_password(user.id, name, password)
            return Account.of(user)

    def disable_account(self, username: str) -> Account:
        """A disabled account loses its key slot, so it cannot unlock the store at all."""
        self._require(Permission.MANAGE_USERS)
        with self._store.write() as session:
            user = self._user(session, username)
            if user.id == self.actor.user_id:
                raise ValidationError("You cannot disable your own account.")
            if user.role is Role.ADMINISTRATOR and self._other_administrators(session, user) == 0:
                raise ValidationError("The last administrator's account cannot be disabled.")
            user.disabled = True
            self._audit(session, "user.disabled", "user", user.id, username=user.username)
            self._store.remove_slot(user.id)
            return Account.of(user)

    def enable_account(self, username: str, new_password: str) -> Account:
        self._require(Permission.MANAGE_USERS)
        with self._store.write() as session:
            user = self._user(session, username)
            check_password(new_password, user.username)
            user.disabled = False
            user.password_changed_at = utc_now()
            self._audit(session, "user.enabled", "user", user.id, username=user.username)
            self._store.set_password(user.id, user.username, new_password)
            return Account.of(user)

    def change_role(self, username: str, role: Role) -> Account:
        self._require(Permission.MANAGE_USERS)
        with self._store.write() as session:
            user = self._user(session, username)
            if (
                user.role is Role.ADMINISTRATOR
                and role is not Role.ADMINISTRATOR
                and self._other_administrators(session, user) == 0
            ):
                raise ValidationError("The store must keep at least one administrator.")
            before = user.role
            user.role = role
            self._audit(
                session,
                "user.role_changed",
                "user",
                user.id,
                username=user.username,
                before=before.value,
                after=role.value,
            )
            return Account.of(user)

    def reset_password(self, username: str, new_password: str) -> None:
        """An administrator sets a new password for someone who forgot theirs."""
        self._require(Permission.MANAGE_USERS)
        with self._store.write() as session:
            user = self._user(session, username)
            if user.disabled:
                raise ValidationError(f"{user.username} is disabled; enable the account instead.")
            check_password(new_password, user.username)
            user.password_changed_at = utc_now()
            self._audit(session, "user.password_reset", "user", user.id, username=user.username)
            self._store.set_password(user.id, user.username, new_password)

    def change_own_password(self, current_password: str, new_password: str) -> None:
        with self._store.write() as session:
            user = self._user(session, self.actor.username)
            if not self._store.password_matches(user.username, current_password):
                raise ValidationError("Your current password is not right; nothing was changed.")
            check_password(new_password, user.username)
            user.password_changed_at = utc_now()
            self._audit(session, "user.password_changed", "user", user.id)
            self._store.set_password(user.id, user.username, new_password)

    def replace_recovery_key(self) -> RecoveryKey:
        """A new recovery key; the old one stops working at once."""
        self._require(Permission.MANAGE_USERS)
        with self._store.write() as session:
            self._audit(session, "recovery_key.replaced")
            return self._store.replace_recovery_key()

    def rekey_store(self, confirm_password: str) -> RekeyResult:
        """A new data key for the whole store, so no copy of an old key file opens it.

        Your own slot is wrapped under ``confirm_password``; every other enabled account
        gets a one-time password to be handed over in person, disabled accounts get no
        slot, and the recovery key is replaced (the old sheet stops working)."""
        self._require(Permission.MANAGE_USERS)
        if not self._store.password_matches(self.actor.username, confirm_password):
            raise ValidationError("Your password is not right; nothing was changed.")

        def record(session: Session, plan: RekeyPlan) -> None:
            now = utc_now()
            for other in plan.others:
                user = session.get(User, other.id)
                if user is not None:
                    user.password_changed_at = now
            self._audit(
                session,
                "store.rekeyed",
                "site",
                None,
                one_time_passwords_for=sorted(plan.one_time_passwords),
                disabled_accounts=plan.disabled,
                stray_slots_dropped=plan.stray_slots,
            )

        done = rekey_store(
            self._store,
            keeper_id=self.actor.user_id,
            keeper_password=confirm_password,
            record=record,
        )
        return RekeyResult(done.one_time_passwords, done.recovery_key, done.disabled)

    def _user(self, session: Session, username: str) -> User:
        user = find_user(session, username)
        if user is None:
            raise NotFound(f"There is no account called {username.strip()}.")
        return user

    @staticmethod
    def _other_administrators(session: Session, user: User) -> int:
        return (
            session.scalar(
                select(func.count())
                .select_from(User)
                .where(
                    User.role == Role.ADMINISTRATOR, User.disabled.is_(False), User.id != user.id
                )
            )
            or 0
        )
