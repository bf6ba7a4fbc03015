"""Screens whose features arrive in a later release say so plainly: no fake data."""

from __future__ import annotations

from lt_desktop.core.roles import Permission
from lt_desktop.ui.controller import AppController
from lt_desktop.ui.qt import Qt, QVBoxLayout, QWidget
from lt_desktop.ui.screens.base import Screen
from lt_desktop.ui.widgets import heading, muted


def coming_later(title: str, needs: set[Permission], what: str) -> type[Screen]:
    class ComingLater(Screen):
        def __init__(self, controller: AppController, parent: QWidget | None = None) -> None:
            super().__init__(controller, parent)
            layout = QVBoxLayout(self)
            layout.addWidget(heading(title))
            text = muted(
                f"{what}\n\nThis part of LT Desktop is not in this version yet. Nothing is "
                "shown here until it is, so nothing here can be mistaken for real records."
            )
            text.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
            layout.addWidget(text)
            layout.addStretch(1)

    ComingLater.title = title
    ComingLater.needs = frozenset(needs)
    ComingLater.__name__ = title.replace(" ", "") + "Screen"
    return ComingLater


DocumentsScreen = coming_later(
    "Documents",
    {Permission.PRINT_DOCUMENTS},
    "Certificates, registers for paper-first classrooms, graduation lists and cohort reports.",
)
