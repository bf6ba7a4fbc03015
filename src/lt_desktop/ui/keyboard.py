"""Getting around without a mouse: Ctrl+K goes to any section, and Help lists the keys.

Ctrl+1 to Ctrl+9 reach only the first nine sections in the list, and an administrator
has seventeen; typing a few letters of a name reaches any of them.
"""

from __future__ import annotations

import re
from html import escape

from lt_desktop.ui.qt import (
    QApplication,
    QDialog,
    QDialogButtonBox,
    QEvent,
    QKeyEvent,
    QKeySequence,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QObject,
    Qt,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
    Signal,
)
from lt_desktop.ui.widgets import muted

#: Keys typed in the name box that move the choice in the list instead.
_LIST_KEYS = {Qt.Key.Key_Up, Qt.Key.Key_Down, Qt.Key.Key_PageUp, Qt.Key.Key_PageDown}


def matching(titles: list[str], typed: str) -> list[int]:
    """The positions of the sections whose names hold what was typed: names that
    start with it first, then those with a word that does, then the rest; in the
    list's order within each."""
    wanted = " ".join(typed.lower().split())
    if not wanted:
        return list(range(len(titles)))
    word_start = re.compile(rf"\b{re.escape(wanted)}")
    ranked = []
    for position, title in enumerate(titles):
        name = title.lower()
        if wanted not in name:
            continue
        rank = 0 if name.startswith(wanted) else 1 if word_start.search(name) else 2
        ranked.append((rank, position))
    return [position for _, position in sorted(ranked)]


class SectionJump(QDialog):
    """Type part of a section's name; Enter opens the section chosen in the list.

    Up and Down choose among the matches without leaving the name box."""

    #: The position of the section to open, in the list of sections.
    section_chosen = Signal(int)

    def __init__(self, titles: list[str], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Go to section")
        self.setModal(True)
        self.setMinimumWidth(360)
        self._titles = titles
        self.name = QLineEdit()
        self.name.setAccessibleName("Part of the section's name")
        self.name.setPlaceholderText("Type part of a section's name, then Enter")
        self.matches = QListWidget()
        self.matches.setAccessibleName("Matching sections")
        self.nothing = muted()
        label = QLabel("&Section")
        label.setBuddy(self.name)
        layout = QVBoxLayout(self)
        layout.addWidget(label)
        layout.addWidget(self.name)
        layout.addWidget(self.matches, 1)
        layout.addWidget(self.nothing)
        self.name.textChanged.connect(self._show_matches)
        self.name.returnPressed.connect(self._open_chosen)
        self.matches.itemActivated.connect(lambda _: self._open_chosen())
        self.name.installEventFilter(self)
        self._show_matches("")
        self.name.setFocus()

    def chosen(self) -> int | None:
        """The position of the chosen section in the list of sections."""
        item = self.matches.currentItem()
        return None if item is None else int(item.data(Qt.ItemDataRole.UserRole))

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt API
        if (
            watched is self.name
            and isinstance(event, QKeyEvent)
            and event.type() == QEvent.Type.KeyPress
            and event.key() in _LIST_KEYS
        ):
            QApplication.sendEvent(self.matches, event)
            return True
        return super().eventFilter(watched, event)

    def _show_matches(self, typed: str) -> None:
        self.matches.clear()
        for position in matching(self._titles, typed):
            item = QListWidgetItem(self._titles[position])
            item.setData(Qt.ItemDataRole.UserRole, position)
            self.matches.addItem(item)
        self.matches.setCurrentRow(0)
        found = self.matches.count() > 0
        self.nothing.setText("" if found else f"No section's name has “{typed.strip()}” in it.")
        self.nothing.setVisible(not found)

    def _open_chosen(self) -> None:
        position = self.chosen()
        if position is not None:
            self.accept()
            self.section_chosen.emit(position)


def shortcuts() -> list[tuple[str, list[tuple[str, str]]]]:
    """The keys that do something, by where they work."""
    guide = QKeySequence(QKeySequence.StandardKey.HelpContents).toString(
        QKeySequence.SequenceFormat.NativeText
    )
    return [
        (
            "Anywhere in the window",
            [
                ("Ctrl+1 to Ctrl+9", "Open the first nine sections in the list"),
                ("Ctrl+K", "Go to any section: type part of its name, then Enter"),
                ("Alt and an underlined letter", "Use that button, tab or field"),
                ("Ctrl+L", "Lock the window"),
                ("F11", "Full screen, and back: more of a register on a small laptop"),
                (guide or "F1", "The user guide"),
            ],
        ),
        (
            "In the register (Sessions and register)",
            [
                ("P", "Present"),
                ("L", "Late"),
                ("O", "Left early"),
                ("E", "Excused"),
                ("Shift+L, Shift+O, Shift+E", "Late, left early or excused, with a reason"),
                ("A", "Absent, then the letter of the reason"),
                ("R", "The reason for the mark chosen"),
                ("N", "A note on the mark chosen"),
                ("Delete", "Clear the mark"),
                ("Ctrl+Z", "Undo the last change"),
                ("Ctrl+Shift+P", "Everyone not yet marked is present"),
            ],
        ),
        (
            "In a date field",
            [
                ("Type the date", "11 Jan 2027, 11/01/2027 (day first) or 2027-01-11"),
                ("Up, Down", "A day later or earlier"),
                ("Page Up, Page Down", "A month later or earlier"),
                ("Alt+Down or F4", "Open the calendar"),
            ],
        ),
        (
            "Typing in stories and assessing statements",
            [
                ("Ctrl+Enter", "Save and move on to the next"),
                ("Ctrl+Down", "Skip to the next person's story"),
            ],
        ),
    ]


class ShortcutsWindow(QDialog):
    """Not modal: the list stays open beside the screen while the keys are tried."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Keyboard shortcuts")
        self.resize(560, 600)
        self.text = QTextBrowser()
        self.text.setAccessibleName("Keyboard shortcuts")
        self.text.setHtml(_as_html(shortcuts()))
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.text, 1)
        layout.addWidget(buttons)


def _as_html(groups: list[tuple[str, list[tuple[str, str]]]]) -> str:
    parts = []
    for heading, keys in groups:
        parts.append(f"<h3>{escape(heading)}</h3><table cellpadding='3'>")
        parts.extend(
            f"<tr><td><b>{escape(key)}</b></td><td>{escape(what)}</td></tr>" for key, what in keys
        )
        parts.append("</table>")
    return "".join(parts)
