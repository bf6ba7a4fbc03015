"""Signing in, with back-off after failures, and recovering an account.

Failures are remembered outside the store (it cannot be opened to write them)
and moved into the audit log at the next successful sign-in.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from lt_desktop.core.passwords import check_password
from lt_desktop.domain.errors import (
    AccountDisabled,
    InvalidRecoveryKey,
    LoginThrottled,
    LtError,
    NotFound,
    ValidationError,
    WrongCredentials,
)
from lt_desktop.storage.door import LockedStore
from lt_desktop.storage.login_attempts import LoginAttempts

if TYPE_CHECKING:
    from lt_desktop.core.services.base import Actor
    from lt_desktop.core.workspace import Workspace
    from lt_desktop.storage.recovery_key import RecoveryKey
    from lt_desktop.storage.store import Store

Clock = Callable[[], float]

log = logging.getLogger(__name__)


def _import_for_signing_in() -> None:
    """What signing in needs once the key is derived: imported during the derivation
    (``LockedStore.unlock``'s ``meanwhile``), which would otherwise wait for it."""
    import lt_desktop.core.services.base
    import lt_desktop.core.services.laptops  # the workspace asks whether this is a laptop
    import lt_desktop.core.sign_in_record
    import lt_desktop.core.workspace  # noqa: F401


def prepare_to_sign_in() -> None:
    """Do now what the first sign-in would wait for once its key is derived: import the
    store's machinery and what signing in needs, and configure the mappers. For an app
    whose sign-in window is waiting for a password."""
    from lt_desktop.storage.store import ready_to_open

    ready_to_open()
    _import_for_signing_in()


def sign_in(
    root: Path,
    username: str,
    password: str,
    *,
    clock: Clock = time.time,
    check_on_open: bool = True,
    meanwhile: Callable[[], object] | None = None,
) -> Workspace:
    door = LockedStore(root, check_on_open=check_on_open)
    try:
        return sign_in_at(door, username, password, clock=clock, meanwhile=meanwhile)
    except BaseException:
        door.release()
        raise


def sign_in_at(
    door: LockedStore,
    username: str,
    password: str,
    *,
    clock: Clock = time.time,
    meanwhile: Callable[[], object] | None = None,
) -> Workspace:
    """Unlock a held store folder as ``username``. The folder stays held on failure.

    What signing in needs next, and ``meanwhile`` (what the caller will), is imported
    during the key derivation."""

    def imports() -> None:
        _import_for_signing_in()
        if meanwhile is not None:
            meanwhile()

    attempts = LoginAttempts(door.folder.login_attempts)
    tag = door.user_tag(username)
    wait = attempts.seconds_to_wait(tag, clock())
    if wait > 0:
        raise LoginThrottled(wait)
    try:
        store, user_id = door.unlock(username, password, meanwhile=imports)
    except WrongCredentials:
        attempts.record_failure(tag, clock())
        raise
    try:
        actor = _record_sign_in(store, door, attempts, user_id)
    except BaseException:
        store.lock()
        raise
    _check_sign_in_record(store, attempts)
    attempts.signed_in(tag)
    from lt_desktop.core.workspace import Workspace

    log.info("Signed in (role: %s; schema %s)", actor.role.value, store.schema_revision)
    return Workspace(store, actor)


def _record_sign_in(
    store: Store, door: LockedStore, attempts: LoginAttempts, user_id: object
) -> Actor:
    from sqlalchemy import select

    from lt_desktop.core.services.base import Actor
    from lt_desktop.storage.models import User, utc_now

    with store.write() as session:
        user = session.get(User, user_id)
        if user is None or user.disabled:
            raise AccountDisabled("This account is disabled. Ask an administrator.")
        names_by_tag = {
            door.user_tag(name): name for name in session.scalars(select(User.username))
        }
        failures, dropped = attempts.pending_failures()
        for failure in failures:
            store.audit(
                session,
                actor_id=None,
                actor_name="",
                action="sign_in.failed",
                subject_type="user",
                details={"username": names_by_tag.get(failure.tag, "(no such account)")},
                at=datetime.fromtimestamp(failure.at, UTC),
            )
        if dropped:
            store.audit(
                session,
                actor_id=None,
                actor_name="",
                action="sign_in.failed",
                details={"count_not_kept": dropped},
            )
        user.last_sign_in_at = utc_now()
        store.audit(
            session,
            actor_id=user.id,
            actor_name=user.display_name,
            action="sign_in",
            subject_type="user",
            subject_id=str(user.id),
        )
        return Actor.from_user(user)


def _check_sign_in_record(store: Store, attempts: LoginAttempts) -> None:
    """Audit a record of failed sign-ins found removed or put back, and note the one this
    sign-in leaves. In a transaction of its own, so that a store too damaged for it can
    still be signed in to, to be checked."""
    from lt_desktop.core.sign_in_record import (
        RECORD_LOST,
        RECORD_LOST_WORDS,
        remember,
        what_happened,
    )

    try:
        with store.write() as session:
            lost = what_happened(session, attempts)
            if lost is not None:
                log.warning("The record of failed sign-ins was removed or put back")
                store.audit(
                    session,
                    actor_id=None,
                    actor_name="",
                    action=RECORD_LOST,
                    details={"what": RECORD_LOST_WORDS, "found": lost},
                )
            remember(session, attempts.next_mark())
    except LtError as error:
        log.warning("The sign-in record could not be compared (%s)", type(error).__name__)


def recover_account(
    root: Path, recovery_key_text: str, username: str, new_password: str
) -> Workspace:
    """Set a new password for ``username`` with the store's recovery key, and sign in."""
    from lt_desktop.storage.recovery_key import RecoveryKey

    recovery_key = RecoveryKey.parse(recovery_key_text)  # typos caught before the slow part
    door = LockedStore(root)
    try:
        return recover_account_at(door, recovery_key, username, new_password)
    except BaseException:
        door.release()
        raise


def recover_account_at(
    door: LockedStore, recovery_key: RecoveryKey, username: str, new_password: str
) -> Workspace:
    """As ``recover_account``, on a store folder this process already holds."""
    try:
        store = door.unlock_with_recovery_key(recovery_key, meanwhile=_import_for_signing_in)
    except WrongCredentials as error:
        raise InvalidRecoveryKey(str(error)) from error
    from lt_desktop.core.services.accounts import find_user
    from lt_desktop.core.services.base import Actor
    from lt_desktop.core.workspace import Workspace
    from lt_desktop.storage.models import utc_now

    try:
        with store.write() as session:
            user = find_user(session, username)
            if user is None:
                raise NotFound(f"There is no account called {username.strip()}.")
            if user.disabled:
                raise ValidationError(
                    f"{user.username} is disabled; an administrator must enable it."
                )
            check_password(new_password, user.username)
            user.password_changed_at = utc_now()
            user.last_sign_in_at = utc_now()
            store.audit(
                session,
                actor_id=user.id,
                actor_name=user.display_name,
                action="user.recovered",
                subject_type="user",
                subject_id=str(user.id),
            )
            store.set_password(user.id, user.username, new_password)
            actor = Actor.from_user(user)
    except BaseException:
        store.lock()
        raise
    LoginAttempts(door.folder.login_attempts).signed_in(door.user_tag(username))
    return Workspace(store, actor)


def restore_and_sign_in(root: Path, backup: Path, username: str, password: str) -> Workspace:
    """Replace the store in ``root`` with ``backup`` and sign in to the restored store
    as the account (of the backup) that restored it. The restore is audited there."""
    from lt_desktop.core.services.base import Actor
    from lt_desktop.core.sign_in_record import remember
    from lt_desktop.core.stores import restore_store
    from lt_desktop.core.workspace import Workspace
    from lt_desktop.storage.models import User

    store, user_id = restore_store(root, backup, username=username, password=password)
    attempts = LoginAttempts(store.folder.login_attempts)
    try:
        with store.write() as session:
            user = session.get(User, user_id)
            if user is None or user.disabled:
                raise AccountDisabled("That account is disabled in the backup.")
            store.audit(
                session,
                actor_id=user.id,
                actor_name=user.display_name,
                action="store.restored",
                details={"backup": backup.name},
            )
            # The backup knew the sign-in record of its day; this folder's is the one now.
            remember(session, attempts.next_mark())
            actor = Actor.from_user(user)
    except BaseException:
        store.close()
        raise
    attempts.signed_in(None)
    return Workspace(store, actor)
