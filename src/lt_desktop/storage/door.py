"""A store folder held by this process, and unlocking it.

Kept apart from ``store`` (the open store), which it imports only once a key is being
derived: what a command or the app needs before the derivation is light, and the
database machinery (SQLAlchemy, the models) is imported during the derivation itself,
on this thread, while the derivation runs on another (``_derived_while``).
"""

from __future__ import annotations

import secrets
import threading
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from lt_desktop.domain.errors import StoreCorrupt, StoreNotFound, WrongCredentials
from lt_desktop.storage import key_binding
from lt_desktop.storage.folder import StoreFolder
from lt_desktop.storage.instance_lock import InstanceLock
from lt_desktop.storage.kdf import params_for_new_slots
from lt_desktop.storage.keyslots import KeyFile, password_bytes
from lt_desktop.storage.replacing import _clear_unfinished_writes, _finish_interrupted_restore

if TYPE_CHECKING:
    from lt_desktop.storage.recovery_key import RecoveryKey
    from lt_desktop.storage.store import Store


def _nothing() -> None:
    return None


class LockedStore:
    """A store folder held by this process (the instance lock), not yet unlocked.

    The GUI keeps one of these while its window is locked, so no other instance
    can open the store in the meantime.
    """

    def __init__(
        self, root: Path, *, check_on_open: bool = True, _lock: InstanceLock | None = None
    ) -> None:
        self.folder = StoreFolder(Path(root))
        # Off only for the full integrity check, which must open a damaged store to
        # say what is wrong with it.
        self.check_on_open = check_on_open
        if not self.folder.root.is_dir():
            raise StoreNotFound(_no_store_message(self.folder.root))
        self._lock = _lock or InstanceLock(self.folder.lock_file)
        #: Found when the store is unlocked: whether the database records this key file.
        self.key_file_belongs = False
        try:
            self._lock.acquire()
            _finish_interrupted_restore(self.folder)
            _clear_unfinished_writes(self.folder)
            if not self.folder.has_store():
                raise StoreNotFound(_no_store_message(self.folder.root))
            self.key_file = _load_key_file(self.folder)
        except BaseException:
            self._lock.release()
            raise

    def unlock(
        self, username: str, password: str, *, meanwhile: Callable[[], object] = _nothing
    ) -> tuple[Store, uuid.UUID]:
        """Open the store with an account's password; returns it and the account's id.

        ``meanwhile`` is done during the key derivation (see ``_derived_while``)."""
        slot = self.key_file.slot_for_user(username)
        if slot is None:
            # Spend the same time as a real attempt, so timing does not reveal
            # which user names exist.
            reference = next(iter(self.key_file.slots), None)
            kdf = reference.kdf if reference else params_for_new_slots()
            salt = secrets.token_bytes(16)
            _derived_while(lambda: kdf.derive(password_bytes(password), salt), meanwhile)
            raise WrongCredentials("The user name or password is not right.")
        data_key = _derived_while(
            lambda: slot.open(self.key_file.store_id, password_bytes(password)), meanwhile
        )
        if data_key is None:
            # A password changed just before a crash is in the new key file, which waits
            # beside the old one until the store opens (key_binding.settle).
            for staged in key_binding.staged_key_files(self.folder.key_file, self.key_file):
                newer = staged.slot_for_user(username)
                if newer is not None and newer.slot_id == slot.slot_id:
                    data_key = newer.open(staged.store_id, password_bytes(password))
                    if data_key is not None:
                        break
        if data_key is None:
            raise WrongCredentials("The user name or password is not right.")
        return self._open(data_key), slot.slot_id

    def unlock_with_recovery_key(
        self, recovery_key: RecoveryKey, *, meanwhile: Callable[[], object] = _nothing
    ) -> Store:
        slot = self.key_file.recovery_slot()
        if slot is None:
            raise WrongCredentials("This store has no recovery key.")
        data_key = _derived_while(
            lambda: slot.open(self.key_file.store_id, recovery_key.secret), meanwhile
        )
        if data_key is None:
            raise WrongCredentials("That recovery key does not belong to this store.")
        return self._open(data_key)

    def user_tag(self, username: str) -> str:
        return self.key_file.user_tag(username)

    def _open(self, data_key: bytes) -> Store:
        from lt_desktop.storage.store import open_unlocked

        return open_unlocked(self, data_key)

    def release(self) -> None:
        self._lock.release()

    def __enter__(self) -> LockedStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.release()


def _load_key_file(folder: StoreFolder) -> KeyFile:
    try:
        return KeyFile.load(folder.key_file)
    except OSError as error:
        raise StoreCorrupt(f"The store's key file cannot be read: {error.strerror}.") from error


def _derived_while(
    derive: Callable[[], bytes | None], meanwhile: Callable[[], object]
) -> bytes | None:
    """``derive`` (a key derivation) on a worker thread, while this thread imports what
    opening the store needs and does ``meanwhile``; then its result, or its error.

    Argon2id gives up the GIL and keeps to one core, so on a machine with two the imports
    (a few tenths of a second) cost nothing beyond the derivation. Only this thread
    imports: the worker runs the derivation alone."""
    outcome: list[bytes | None] = []
    failure: list[BaseException] = []

    def run() -> None:
        try:
            outcome.append(derive())
        except BaseException as error:
            failure.append(error)

    worker = threading.Thread(target=run, name="key derivation", daemon=True)
    worker.start()
    try:
        from lt_desktop.storage.store import ready_to_open

        ready_to_open()
        meanwhile()
    finally:
        worker.join()
    if failure:
        raise failure[0]
    return outcome[0]


def _no_store_message(root: Path) -> str:
    return (
        f"There is no LT Desktop store in {root}. Create one with `lt-desktop init` "
        "(or `lt-desktop demo`), or start the app to set one up."
    )
