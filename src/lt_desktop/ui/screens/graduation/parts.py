"""Small pieces the Graduation tabs are built from: the kind of change they announce,
dates, entry rows and combo boxes."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from lt_desktop.core.services.graduation import GraduateLine
from lt_desktop.core.services.people import person_label, place_words, short_reference
from lt_desktop.domain.vocabulary import MembershipRole
from lt_desktop.ui.qt import (
    QGridLayout,
    QKeySequence,
    QLabel,
    QPushButton,
    QShortcut,
    Qt,
    QWidget,
)


def long_date(value: date | None) -> str:
    return f"{value:%d %b %Y}" if value else ""


def on_enter(widget: QWidget, handler: Callable[[], None]) -> None:
    """Enter on a choice in an entry row saves the row, as it does in its text boxes."""
    for key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
        shortcut = QShortcut(QKeySequence(key), widget)
        shortcut.setContext(Qt.ShortcutContext.WidgetShortcut)
        shortcut.activated.connect(handler)


def student_label(graduate: GraduateLine) -> str:
    """A graduating student as the guest list's "guest of" offers them: two students of
    the same name are told apart by cohort and reference."""
    return person_label(
        graduate.name,
        [place_words(MembershipRole.STUDENT, graduate.cohort_title)],
        short_reference(graduate.person_id),
    )


def entry_row(fields: tuple[tuple[str, QWidget, str], ...], add: QPushButton) -> QGridLayout:
    """Labels over the fields of a keyboard-first entry line, with its Add button last."""
    entry = QGridLayout()
    for column, (text, field, name) in enumerate(fields):
        label = QLabel(text)
        label.setBuddy(field)
        field.setAccessibleName(name)
        entry.addWidget(label, 0, column)
        entry.addWidget(field, 1, column)
    entry.addWidget(add, 1, len(fields))
    return entry
