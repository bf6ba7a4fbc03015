"""What every screen of the main window has in common."""

from __future__ import annotations

from lt_desktop.core.services.drafts import Draft
from lt_desktop.domain.changes import Change
from lt_desktop.domain.roles import Permission, Role
from lt_desktop.ui.controller import AppController
from lt_desktop.ui.drafts import DraftFields
from lt_desktop.ui.qt import (
    QEvent,
    QListWidget,
    QSize,
    QSizePolicy,
    QStackedWidget,
    QStyle,
    QWidget,
)


class Screen(QWidget):
    """A page of the main window. It loads its data when first shown, and again
    when the controller reports a change to an area it shows."""

    title = ""
    #: The screen is offered to roles holding any of these permissions.
    needs: frozenset[Permission] = frozenset()
    #: The roles that start on this screen when they sign in.
    lands_for: frozenset[Role] = frozenset()
    #: The areas (see domain.changes) whose change makes this screen reload.
    listens_to: frozenset[Change] = frozenset()

    def __init__(self, controller: AppController, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.controller = controller
        self._loaded = False
        self._stale = False
        #: The free-text fields whose unsaved typing is kept when the window locks.
        self.typing = DraftFields(type(self).__name__, controller)
        controller.data_changed.connect(self._on_data_changed)

    def activate(self) -> None:
        """Called when the screen is shown in the main window."""
        if not self._loaded or self._stale:
            self._loaded, self._stale = True, False
            self.reload()

    def reload(self) -> None:
        """Fetch what the screen shows (in the background)."""

    def _on_data_changed(self, changed: frozenset[Change]) -> None:
        if changed & self.listens_to:
            if self.isVisible():
                self.reload()
            else:
                self._stale = True

    def may(self, permission: Permission) -> bool:
        workspace = self.controller.workspace
        return workspace is not None and workspace.actor.may(permission)

    def drafts(self) -> list[Draft]:
        """What this screen holds typed and not saved, to keep when the window locks."""
        return self.typing.drafts()


def offer_only_if(allowed: bool, *widgets: QWidget) -> None:
    """Hide the controls a person may not use; leave the rest to show with their screen.

    It only ever hides: a control told to show before it sits in a window opens as a
    window of its own, flashing on screen and taking the keyboard focus with it.
    """
    if not allowed:
        for widget in widgets:
            widget.hide()


class ScreenStack(QStackedWidget):
    """The screens, one at a time. Only the screen shown sets how small the window may
    be: with large text, a wide screen elsewhere must not push the window past the edge
    of the desktop."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.currentChanged.connect(lambda _row: self.updateGeometry())

    def sizeHint(self) -> QSize:  # noqa: N802 - Qt API
        page = self.currentWidget()
        return page.sizeHint() if page is not None else super().sizeHint()

    def minimumSizeHint(self) -> QSize:  # noqa: N802 - Qt API
        page = self.currentWidget()
        return page.minimumSizeHint() if page is not None else super().minimumSizeHint()


class SectionList(QListWidget):
    """The list of sections beside the screens: as wide as its longest name in the
    font in use, so larger text is never cut short."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Expanding)

    def sizeHint(self) -> QSize:  # noqa: N802 - Qt API
        self.ensurePolished()
        margins = self.contentsMargins()
        scroll_bar = self.style().pixelMetric(QStyle.PixelMetric.PM_ScrollBarExtent, None, self)
        width = (
            max(self.sizeHintForColumn(0), 0)
            + margins.left()
            + margins.right()
            + 2 * self.frameWidth()
            + scroll_bar
        )
        return QSize(width, super().sizeHint().height())

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802 - Qt API
        super().changeEvent(event)
        if event.type() in (QEvent.Type.FontChange, QEvent.Type.StyleChange):
            self.updateGeometry()
