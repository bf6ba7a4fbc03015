"""A calm look on top of the platform's own: clear focus, readable sizes."""

from __future__ import annotations

from lt_desktop.ui.qt import QApplication

_STYLE = """
QListWidget[accessibleName="Sections"] { font-size: 11pt; padding: 4px; }
QListWidget[accessibleName="Sections"]::item { padding: 8px 10px; }
QFrame#card { border: 1px solid palette(mid); border-radius: 8px; background: palette(base); }
QLabel#emptyState { color: palette(placeholder-text); font-size: 11pt; }
QTableView:focus, QListView:focus, QListWidget:focus { border: 2px solid palette(highlight); }
"""


def apply_style(app: QApplication) -> None:
    app.setStyleSheet(_STYLE)
