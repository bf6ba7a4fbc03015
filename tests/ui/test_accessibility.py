"""Every control can be reached and named by someone who does not use a mouse."""

from __future__ import annotations

import pytest
from pytestqt.qtbot import QtBot

from lt_desktop.ui.qt import (
    QAbstractButton,
    QAbstractItemView,
    QAbstractSpinBox,
    QComboBox,
    QHeaderView,
    QLabel,
    QLineEdit,
    Qt,
    QWidget,
)
from tests.ui.conftest import Driver

CONTROLS = (QAbstractButton, QLineEdit, QComboBox, QAbstractItemView, QAbstractSpinBox)


def _unnamed_controls(root: QWidget) -> list[str]:
    labelled = {id(label.buddy()) for label in root.findChildren(QLabel) if label.buddy()}
    unnamed = []
    for widget in root.findChildren(QWidget):
        if not isinstance(widget, CONTROLS) or not widget.isVisibleTo(root):
            continue
        if isinstance(widget, QHeaderView):
            continue  # a table's own header, named through its table
        if isinstance(widget, QAbstractButton) and widget.text().replace("&", "").strip():
            continue
        if widget.accessibleName() or id(widget) in labelled:
            continue
        if isinstance(widget.parent(), QComboBox | QAbstractSpinBox):
            continue  # the inner line edit of a combo or spin box
        unnamed.append(f"{type(widget).__name__} {widget.objectName()!r}")
    return unnamed


@pytest.mark.parametrize("username", ["demo", "facilitator"])
def test_every_control_on_every_screen_has_a_name(
    driver: Driver, qtbot: QtBot, username: str
) -> None:
    assert _unnamed_controls(driver.window.unlock_screen) == []
    driver.sign_in(username, "demo")
    view = driver.window.workspace_view
    assert view is not None
    for row, screen in enumerate(view.screens):
        view.nav.setCurrentRow(row)
        driver.settle()
        assert _unnamed_controls(screen) == [], screen.title


def test_the_main_controls_take_keyboard_focus(driver: Driver, qtbot: QtBot) -> None:
    driver.sign_in("demo", "demo")
    view = driver.window.workspace_view
    assert view is not None
    for screen in view.screens:
        for widget in screen.findChildren(QAbstractItemView):
            if isinstance(widget, QHeaderView):
                continue
            assert widget.focusPolicy() & Qt.FocusPolicy.TabFocus, type(widget).__name__
