"""Every screen, as every role sees it, drawn on the demo store.

Each screen is opened, drawn, and drawn again with the first row of each of its
lists chosen (so detail panes fill in), and so is every tab of it. Drawing asks every
item model for every role of every cell under Qt's model tester: an exception or a
Qt warning fails the test.
"""

from __future__ import annotations

import pytest
from pytestqt.qtbot import QtBot

from lt_desktop.ui.qt import QTabWidget, QWidget
from tests.helpers.drawing import check_every_model, choose_first_rows, draw
from tests.ui.conftest import Driver

ROLES = ["demo", "staff", "facilitator", "marker", "researcher"]


def _draw_every_tab(screen: QWidget, driver: Driver) -> int:
    drawn = 0
    for tabs in screen.findChildren(QTabWidget):
        if not tabs.isVisibleTo(screen):
            continue
        for tab in range(tabs.count()):
            tabs.setCurrentIndex(tab)
            driver.settle()
            draw(driver.window)
            choose_first_rows(tabs.currentWidget(), driver.settle)
            draw(driver.window)
            drawn += 1
    return drawn


@pytest.mark.parametrize("username", ROLES)
def test_every_screen_draws_for_every_role(driver: Driver, qtbot: QtBot, username: str) -> None:
    draw(driver.window)  # the sign-in screen
    driver.sign_in(username, "demo")
    view = driver.window.workspace_view
    assert view is not None
    for row, screen in enumerate(view.screens):
        view.nav.setCurrentRow(row)
        driver.settle()
        draw(driver.window)
        choose_first_rows(screen, driver.settle)
        draw(driver.window)
        _draw_every_tab(screen, driver)
    check_every_model(driver.window)  # the models of every screen, as each was left
    driver.controller.lock()
    driver.settle()
    draw(driver.window)
