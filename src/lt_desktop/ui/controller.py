"""The app's state: no store yet, locked, or signed in; and the one door through
which screens reach the services.

Screens never call each other. They ask the controller to ``load`` or ``change``
things; work runs on the background runner. A change runs inside a recorder
(``domain.changes.recording``): every write transaction it commits reports the
tables it wrote, and services report what they keep outside the store (backup
files). Afterwards the controller announces the areas actually changed
(``data_changed``, a frozenset of ``Change``) so each screen refreshes only when
what it shows is out of date. A change that wrote nothing announces nothing.
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from lt_desktop.core.front_door import (
    LockedStore,
    RecoveryKey,
    has_store,
    hold_store,
    make_store,
    newest_backup,
    prepare_to_sign_in,
    recover_account_at,
    restore_and_sign_in,
    set_up_laptop_from_kit,
    sign_in_at,
)
from lt_desktop.core.logs import log_refused, log_unexpected
from lt_desktop.domain.changes import Change, recording
from lt_desktop.domain.errors import LtError, StoreCorrupt
from lt_desktop.domain.vocabulary import SiteKind
from lt_desktop.ui.garbage import GuiThreadCollector
from lt_desktop.ui.idle import IdleWatcher
from lt_desktop.ui.qt import QApplication, QObject, Signal
from lt_desktop.ui.runner import Runner, describe_error

if TYPE_CHECKING:
    from lt_desktop.core.front_door import LaptopSetUp
    from lt_desktop.core.services.drafts import Draft
    from lt_desktop.core.workspace import Workspace

T = TypeVar("T")

log = logging.getLogger(__name__)


class AppController(QObject):
    signed_in = Signal()
    locked = Signal()
    restored = Signal(str)  # the restored store's site name
    restore_failed = Signal(str)  # why
    store_damaged = Signal()  # found when opening: offer to restore a backup
    data_changed = Signal(object)  # frozenset of Change: the areas a change wrote
    failed = Signal(str)
    #: The store is about to close (a lock, a restore, quitting): save what is waiting.
    closing = Signal()
    #: A screen asks for a session's register to be shown: cohort id, session id.
    open_register = Signal(object, object)

    def __init__(self, data_dir: Path, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.data_dir = Path(data_dir)
        self.runner = Runner(self)
        self.runner.failed.connect(self.failed)
        # Work runs on a worker thread: Qt objects must not be collected there.
        self.collector = GuiThreadCollector(self)
        self.collector.start()
        self.idle = IdleWatcher(self)
        self.idle.idle.connect(self.lock)
        app = QApplication.instance()
        if app is not None:
            app.installEventFilter(self.idle)
        self.door: LockedStore | None = None
        self.workspace: Workspace | None = None
        self._generation = 0
        #: Who asked for the change being announced (see ``change``), else None.
        self.change_source: object | None = None
        #: Asked just before locking for the screens' unsaved typing; the window, which
        #: holds the screens, sets it.
        self.unsaved_typing: Callable[[], list[Draft]] | None = None

    # -- states ------------------------------------------------------------------------

    def has_store(self) -> bool:
        return has_store(self.data_dir)

    def open_store(self) -> None:
        """Hold the store folder (refused if another window has it)."""
        if self.door is None:
            self.door = hold_store(self.data_dir)

    def newest_backup(self) -> Path | None:
        """The newest backup of this store found where its backups go, if any."""
        return newest_backup(self.data_dir, self.door)

    @property
    def site_name(self) -> str:
        if self.workspace is not None:
            return self.workspace.store.site.name
        return ""

    @property
    def site_kind(self) -> SiteKind | None:
        return self.workspace.store.site.kind if self.workspace is not None else None

    def prepare_sign_in(self) -> None:
        """While the sign-in window waits for a password, import what signing in and the
        screens need, on the worker, showing nothing (``Runner.prepare``)."""

        def prepare() -> None:
            prepare_to_sign_in()
            _import_the_screens()

        self.runner.prepare(prepare)

    def sign_in(self, username: str, password: str, on_error: Callable[[str], None]) -> None:
        door = self.door
        if door is None:
            on_error("The store is not open.")
            return

        def failed(error: BaseException) -> None:
            if isinstance(error, StoreCorrupt):
                self.store_damaged.emit()
            on_error(describe_error(error))

        self.runner.submit(
            lambda: sign_in_at(door, username, password, meanwhile=_import_the_screens),
            self._enter,
            failed,
        )

    def recover(
        self,
        recovery_key: str,
        username: str,
        new_password: str,
        on_error: Callable[[str], None],
    ) -> None:
        """Set a new password with the recovery key, then carry on signed in."""
        door = self.door
        if door is None:
            on_error("The store is not open.")
            return
        try:
            key = RecoveryKey.parse(recovery_key)  # a typo is pointed out at once
        except LtError as error:
            on_error(str(error))
            return
        self.runner.submit(
            lambda: recover_account_at(door, key, username, new_password),
            self._enter,
            lambda error: on_error(describe_error(error)),
        )

    def create_store(
        self,
        *,
        site_name: str,
        site_kind: SiteKind,
        admin_username: str,
        admin_display_name: str,
        admin_password: str,
        on_done: Callable[[RecoveryKey], None],
        on_error: Callable[[str], None],
    ) -> None:
        def work() -> tuple[Workspace, RecoveryKey]:
            recovery_key = make_store(
                self.data_dir,
                site_name=site_name,
                site_kind=site_kind,
                admin_username=admin_username,
                admin_display_name=admin_display_name,
                admin_password=admin_password,
            )
            door = hold_store(self.data_dir)
            self.door = door
            return sign_in_at(door, admin_username, admin_password), recovery_key

        def done(result: tuple[Workspace, RecoveryKey]) -> None:
            workspace, recovery_key = result
            on_done(recovery_key)
            self._enter(workspace)

        self.runner.submit(work, done, lambda error: on_error(describe_error(error)))

    def set_up_laptop(
        self,
        *,
        kit: Path,
        passphrase: str,
        username: str,
        display_name: str,
        password: str,
        on_done: Callable[[LaptopSetUp, bool], None],
        on_error: Callable[[str], None],
    ) -> None:
        """Make this computer a classroom laptop from the kit on the stick, then carry
        on signed in. A wrong passphrase or a kit changed on the way is refused before
        anything is made. ``on_done`` hears whether the kit could be taken off the stick."""

        def work() -> tuple[Workspace, LaptopSetUp, bool]:
            made, removed = set_up_laptop_from_kit(
                self.data_dir,
                kit,
                passphrase,
                username=username,
                display_name=display_name,
                password=password,
            )
            door = hold_store(self.data_dir)
            self.door = door
            return sign_in_at(door, username, password), made, removed

        def done(result: tuple[Workspace, LaptopSetUp, bool]) -> None:
            workspace, made, removed = result
            on_done(made, removed)
            self._enter(workspace)

        self.runner.submit(work, done, lambda error: on_error(describe_error(error)))

    def restore(
        self, backup: Path, username: str, password: str, erase_again: tuple[str, ...] = ()
    ) -> None:
        """Replace the store with ``backup`` and carry on signed in to the restored store
        (``restored``), or say why not (``restore_failed``). ``erase_again``: the research
        ids of people erased here since the backup was made, to erase again once restored.

        The open store is closed first, since the restore needs the folder to itself.
        If the restore fails, the store on disk is the one that was open.
        """
        if self.workspace is not None:
            self.closing.emit()
        self._generation += 1
        self.idle.stop()
        self.runner.wait_for_done()
        if self.workspace is not None:
            self.workspace.close()
            self.workspace = None
            self.door = None
            self.locked.emit()
        if self.door is not None:
            self.door.release()
            self.door = None

        def failed(error: BaseException) -> None:
            with contextlib.suppress(LtError):
                self.open_store()
            self.restore_failed.emit(describe_error(error))

        def work() -> Workspace:
            workspace = restore_and_sign_in(self.data_dir, backup, username, password)
            if erase_again:
                try:
                    again = workspace.erasure.erase_again(erase_again)
                except LtError as error:  # restored all the same; the backup list still says
                    log.warning("Restored, but could not erase again: %s", error)
                else:
                    log.info("Restored, and erased again %d people erased since", len(again))
            return workspace

        self.runner.submit(
            work,
            self._enter_restored,
            failed,
        )

    def _enter_restored(self, workspace: Workspace) -> None:
        self.door = workspace.store.door
        self._enter(workspace)
        self.restored.emit(workspace.store.site.name)

    def _enter(self, workspace: Workspace) -> None:
        self.workspace = workspace
        self._generation += 1
        self.restart_idle_timer()
        self.signed_in.emit()

    def restart_idle_timer(self) -> None:
        if self.workspace is None:
            return
        from lt_desktop.core.services.settings import IDLE_LOCK_MINUTES

        minutes = int(self.workspace.settings.get(IDLE_LOCK_MINUTES))
        self.idle.start(minutes * 60_000)

    def lock(self) -> None:
        """Close the store and forget everything shown; the folder stays held.

        What was typed and not saved is kept first, as drafts in the still-open store,
        for the same account to find again after signing in."""
        if self.workspace is None:
            return
        self.closing.emit()
        self._generation += 1  # results of work started before now are dropped
        self.idle.stop()
        workspace = self.workspace
        typed = self._typed_so_far()
        if typed:
            self.runner.submit(lambda: _keep_drafts(workspace, typed))
        self.runner.wait_for_done()
        self.workspace = None
        self.door = workspace.lock()
        self.locked.emit()

    def _typed_so_far(self) -> list[Draft]:
        if self.unsaved_typing is None:
            return []
        try:
            return self.unsaved_typing()
        except Exception as error:  # noqa: BLE001 - the window locks whatever went wrong
            log_unexpected(log, "Gathering unsaved typing before locking", error)
            return []

    def shutdown(self) -> None:
        """Close the store for good. Unsaved typing is kept as drafts, as at a lock:
        quitting with a half-written feedback must not lose it either."""
        if self.workspace is not None:
            self.closing.emit()
            workspace = self.workspace
            typed = self._typed_so_far()
            if typed:
                self.runner.submit(lambda: _keep_drafts(workspace, typed))
        self.idle.stop()
        self.runner.wait_for_done()
        self.collector.stop()
        if self.workspace is not None:
            self.workspace.close()
            self.workspace = None
            self.door = None
        if self.door is not None:
            self.door.release()
            self.door = None

    # -- work for screens ----------------------------------------------------------------

    def load(
        self,
        work: Callable[[Workspace], T],
        on_done: Callable[[T], None],
        on_error: Callable[[str], None] | None = None,
    ) -> None:
        """Read something in the background and hand it to ``on_done``."""
        self._submit(work, on_done, on_error, is_change=False)

    def change(
        self,
        work: Callable[[Workspace], T],
        on_done: Callable[[T], None] | None = None,
        on_error: Callable[[str], None] | None = None,
        *,
        source: object | None = None,
    ) -> None:
        """Make a change in the background, then tell every screen what it changed.

        ``source`` (the screen asking, say) is ``change_source`` while the change is
        announced, for a screen that shows its own change in place to let it pass."""
        self._submit(work, on_done, on_error, is_change=True, source=source)

    def _submit(
        self,
        work: Callable[[Workspace], Any],
        on_done: Callable[[Any], None] | None,
        on_error: Callable[[str], None] | None,
        *,
        is_change: bool,
        source: object | None = None,
    ) -> None:
        workspace = self.workspace
        if workspace is None:
            return
        generation = self._generation

        def recorded() -> tuple[Any, frozenset[Change]]:
            with recording() as changed:
                value = work(workspace)
            return value, frozenset(changed)

        def done(result: tuple[Any, frozenset[Change]]) -> None:
            if generation != self._generation:
                return  # signed out or locked since: the screen that asked is gone
            value, changed = result
            if on_done is not None:
                on_done(value)
            if changed and is_change:
                self.change_source = source
                try:
                    self.data_changed.emit(changed)
                finally:
                    self.change_source = None

        def failed(error: BaseException) -> None:
            message = describe_error(error)
            if generation != self._generation:
                # The screen that asked is gone, but a change that did not happen
                # (a register mark saved as the window locked) is still told.
                if is_change:
                    self.failed.emit(message)
                return
            if on_error is not None:
                on_error(message)
            else:
                self.failed.emit(message)

        self.runner.submit(recorded, done, failed)


def _keep_drafts(workspace: Workspace, drafts: list[Draft]) -> None:
    """Runs on the worker just before the lock. The lock goes ahead even if this
    fails, so the failure is only logged, by its kind: never the words typed."""
    try:
        workspace.drafts.keep(drafts)
    except LtError as error:
        log_refused(log, "Keeping unsaved typing before locking", error)
    except Exception as error:  # noqa: BLE001 - see above
        log_unexpected(log, "Keeping unsaved typing before locking", error)


def _import_the_screens() -> None:
    """The screens (and what they import: reportlab, the services, the store's machinery).
    The sign-in window is shown without them; they are imported on the worker as soon as
    it is shown (``prepare_sign_in``), else while the key is derived at the first sign-in.
    Only modules are loaded on the worker: no widget is made off the GUI thread."""
    import lt_desktop.ui.workspace_view  # noqa: F401
