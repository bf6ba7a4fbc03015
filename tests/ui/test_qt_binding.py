"""The Qt binding the app runs on keeps Python's books straight.

PySide6 6.12.0 gives back None from an empty Qt value (a combo box item with no
data, a role a model does not fill) without counting the reference it hands over.
Every such call takes one from None, and after a few thousand the interpreter
stops with "deallocating None". The app calls ``currentData()`` on every choice, so
a working day would end in a crash; the project excludes that version, and this
test refuses any other that does the same.
"""

from __future__ import annotations

import sys

from pytestqt.qtbot import QtBot

from lt_desktop.ui.qt import QAction, QComboBox, Qt

CALLS = 500
EMPTY_ROLE = Qt.ItemDataRole.ToolTipRole


def _references_lost(call: object) -> int:
    assert callable(call)
    before = sys.getrefcount(None)
    for _ in range(CALLS):
        call()
    return before - sys.getrefcount(None)


def test_empty_values_from_qt_cost_none_nothing(qtbot: QtBot) -> None:
    choices = QComboBox()
    qtbot.addWidget(choices)
    choices.addItems(["A choice with no data", "Another"])
    empty = QComboBox()
    qtbot.addWidget(empty)
    model = choices.model()
    action = QAction("No data")
    for name, call in [
        ("currentData() of an item with none", choices.currentData),
        ("currentData() of an empty choice", empty.currentData),
        ("itemData()", lambda: choices.itemData(1)),
        ("data() of an empty role", lambda: model.data(model.index(0, 0), EMPTY_ROLE)),
        ("QAction.data()", action.data),
    ]:
        assert _references_lost(call) < CALLS // 10, name
