"""Typing that outlives a lock.

Locking destroys every screen, and with it whatever was typed and not saved. A
screen names its free-text fields here, with the record each one is showing and the
text last saved for it; when the window locks, the fields whose text differs are kept
as drafts in the encrypted store, and when the same account next shows the same
record, the text goes back into the same field.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from lt_desktop.core.services.drafts import Draft
from lt_desktop.ui.qt import QLineEdit, QPlainTextEdit

if TYPE_CHECKING:
    from lt_desktop.core.workspace import Workspace
    from lt_desktop.ui.controller import AppController

RESTORED = "Restored what you were typing before the window locked."


@dataclass(frozen=True)
class _Field:
    name: str
    widget: QPlainTextEdit | QLineEdit
    record: Callable[[], str | None]  # the record the field is showing, if any
    saved: Callable[[], str]  # its text as last loaded or saved
    restored: Callable[[], None]  # say so, where the person is looking


class DraftFields:
    """One screen's free-text fields, for keeping and putting back unsaved typing."""

    def __init__(self, screen: str, controller: AppController) -> None:
        self._screen = screen
        self._controller = controller
        self._fields: list[_Field] = []
        self._waiting: dict[tuple[str, str], str] = {}  # (record, field) -> text
        self._asked = False

    def add(
        self,
        name: str,
        widget: QPlainTextEdit | QLineEdit,
        *,
        record: Callable[[], str | None],
        saved: Callable[[], str],
        restored: Callable[[], None],
    ) -> None:
        self.remove([name])
        self._fields.append(_Field(name, widget, record, saved, restored))
        if not self._asked:
            # Asked before the screen loads anything: the worker runs jobs in order, so
            # the drafts are here by the time the screen shows its first record.
            self._asked = True
            screen = self._screen
            self._controller.load(lambda ws: ws.drafts.waiting(screen), self._found)

    def remove(self, names: Iterable[str]) -> None:
        """Stop watching these fields (their widgets are about to go)."""
        gone = set(names)
        self._fields = [field for field in self._fields if field.name not in gone]

    def drafts(self) -> list[Draft]:
        """Each field whose text differs from what is saved, with where it was typed."""
        typed = []
        for field in self._fields:
            record = field.record()
            text = _text_of(field.widget)
            if record is not None and text != field.saved():
                typed.append(Draft(self._screen, record, field.name, text))
        return typed

    def waiting_records(self) -> set[str]:
        """Records with typing waiting to be put back: worth showing first."""
        return {record for record, _ in self._waiting}

    def put_back(self) -> None:
        """Put waiting typing into the fields now showing its record, then forget the
        drafts in the store: from here on the field holds the text, and it is kept
        again at the next lock if it is still not saved."""
        put: dict[str, list[str]] = {}
        told: list[Callable[[], None]] = []
        for field in self._fields:
            record = field.record()
            if record is None or (record, field.name) not in self._waiting:
                continue
            _set_text(field.widget, self._waiting.pop((record, field.name)))
            put.setdefault(record, []).append(field.name)
            if field.restored not in told:
                told.append(field.restored)
        for record, names in put.items():
            self._controller.change(_discarding(self._screen, record, names))
        for tell in told:
            tell()

    def _found(self, drafts: list[Draft]) -> None:
        for draft in drafts:
            self._waiting[(draft.record, draft.field)] = draft.text
        if drafts:
            self.put_back()


def _discarding(screen: str, record: str, names: list[str]) -> Callable[[Workspace], None]:
    return lambda ws: ws.drafts.discard(screen, record, names)


def _text_of(widget: QPlainTextEdit | QLineEdit) -> str:
    return widget.toPlainText() if isinstance(widget, QPlainTextEdit) else widget.text()


def _set_text(widget: QPlainTextEdit | QLineEdit, text: str) -> None:
    if isinstance(widget, QPlainTextEdit):
        widget.setPlainText(text)
        cursor = widget.textCursor()
        cursor.movePosition(cursor.MoveOperation.End)  # to carry on typing where it stopped
        widget.setTextCursor(cursor)
        widget.document().setModified(True)
    else:
        widget.setText(text)
        widget.setModified(True)
