"""What every screen of the main window has in common."""

from __future__ import annotations

from lt_desktop.core.roles import Permission
from lt_desktop.ui.controller import AppController
from lt_desktop.ui.qt import QWidget


class Screen(QWidget):
    """A page of the main window. It loads its data when first shown, and again
    when the controller reports a change to the kinds of record it shows."""

    title = ""
    #: The screen is offered to roles holding any of these permissions.
    needs: frozenset[Permission] = frozenset()
    #: The kinds of change (see ui.controller) that make this screen reload.
    listens_to: frozenset[str] = frozenset()

    def __init__(self, controller: AppController, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.controller = controller
        self._loaded = False
        self._stale = False
        controller.data_changed.connect(self._on_data_changed)

    def activate(self) -> None:
        """Called when the screen is shown in the main window."""
        if not self._loaded or self._stale:
            self._loaded, self._stale = True, False
            self.reload()

    def reload(self) -> None:
        """Fetch what the screen shows (in the background)."""

    def _on_data_changed(self, kinds: frozenset[str]) -> None:
        if kinds & self.listens_to:
            if self.isVisible():
                self.reload()
            else:
                self._stale = True

    def may(self, permission: Permission) -> bool:
        workspace = self.controller.workspace
        return workspace is not None and workspace.actor.may(permission)
