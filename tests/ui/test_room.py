"""Every screen fits a small laptop and a large monitor, with the register first.

A 1366×768 laptop at 150 % scaling leaves 911×512 of Qt's own units; a 1920×1080
monitor at 100 % leaves all of it. At both, every screen of every role must fit
without being cut off (the window can be that small, and no wrapped text or row of
buttons gets less height than it needs) and without its content needing to scroll
sideways, and the register must show at least twenty people. Each screen is checked
as it opens and again with the first row of each list chosen, when its detail panes
fill in.
"""

from __future__ import annotations

import pytest
from pytestqt.qtbot import QtBot

from lt_desktop.ui.fitting import FlowLayout
from lt_desktop.ui.qt import (
    QAbstractScrollArea,
    QLabel,
    QScrollArea,
    Qt,
    QTabWidget,
    QWidget,
)
from lt_desktop.ui.screens.sessions import SessionsScreen
from tests.helpers.drawing import check_every_model, choose_first_rows, draw
from tests.ui.conftest import Driver

LAPTOP = (911, 512)
MONITOR = (1920, 1080)


def _scrolls_sideways(screen: QWidget) -> list[str]:
    """Scroll areas that hold the screen's own layout, not a table's cells."""
    found = []
    for area in screen.findChildren(QScrollArea):
        if area.isVisibleTo(screen) and area.horizontalScrollBar().isVisible():
            found.append(area.objectName() or area.accessibleName() or "a scroll area")
    return found


def _cut_off(screen: QWidget) -> list[str]:
    """Wrapped text and rows of buttons that wrap, given less height than they need at
    their width: their last lines are hidden, or drawn over what is below them."""
    found = []
    for label in screen.findChildren(QLabel):
        if label.isVisibleTo(screen) and label.wordWrap() and label.text():
            needs = label.heightForWidth(label.width())
            if label.height() < needs:
                found.append(f"the text {label.text()[:40]!r} ({label.height()} of {needs} high)")
    for layout in screen.findChildren(FlowLayout):
        owner = layout.parentWidget()
        if owner is None or not owner.isVisibleTo(screen):
            continue
        place = layout.geometry()
        needs = layout.heightForWidth(place.width())
        if place.height() < needs:
            items = (layout.itemAt(n) for n in range(min(layout.count(), 3)))
            widgets = [item.widget() for item in items if item is not None]
            shown = ", ".join(
                widget.accessibleName() or type(widget).__name__
                for widget in widgets
                if widget is not None
            )
            found.append(f"a row of {shown or 'controls'} ({place.height()} of {needs} high)")
    return found


def _fits(driver: Driver, size: tuple[int, int]) -> list[str]:
    window = driver.window
    view = window.workspace_view
    assert view is not None
    problems: list[str] = []
    for row, screen in enumerate(view.screens):
        view.nav.setCurrentRow(row)
        driver.settle()
        pages: list[int | None] = [None]
        for tabs in screen.findChildren(QTabWidget):
            if tabs.isVisibleTo(screen):
                pages = list(range(tabs.count()))
                break
        for page in pages:
            if page is not None:
                tabs.setCurrentIndex(page)
                driver.settle()
            where = screen.title + (f", tab {tabs.tabText(page)!r}" if page is not None else "")
            for chosen in (False, True):
                if chosen:
                    shown = tabs.currentWidget() if page is not None else screen
                    choose_first_rows(shown, driver.settle)
                window.resize(*size)
                driver.settle()
                problems.extend(
                    f"{where}{' (first rows chosen)' if chosen else ''}: {problem}"
                    for problem in _problems(screen, size)
                )
                draw(window)
    check_every_model(window)
    return list(dict.fromkeys(problems))  # each once, in the order found


def _problems(screen: QWidget, size: tuple[int, int]) -> list[str]:
    window = screen.window()
    found = []
    if (window.width(), window.height()) != size:
        needs = window.minimumSizeHint()
        found.append(
            f"the window cannot be {size[0]}×{size[1]}; it needs {needs.width()}×{needs.height()}"
        )
    found.extend(f"{area} scrolls sideways" for area in _scrolls_sideways(screen))
    found.extend(f"{part} is cut off" for part in _cut_off(screen))
    return found


ROLES = ["demo", "staff", "facilitator", "marker", "researcher"]


@pytest.mark.parametrize("username", ROLES)
def test_every_screen_fits_a_small_laptop(driver: Driver, qtbot: QtBot, username: str) -> None:
    driver.sign_in(username, "demo")
    problems = _fits(driver, LAPTOP)
    assert problems == [], "\n".join(problems)


@pytest.mark.parametrize("username", ROLES)
def test_every_screen_fits_a_large_monitor(driver: Driver, qtbot: QtBot, username: str) -> None:
    driver.sign_in(username, "demo")
    problems = _fits(driver, MONITOR)
    assert problems == [], "\n".join(problems)


def test_a_small_laptop_shows_twenty_people_of_a_register(driver: Driver, qtbot: QtBot) -> None:
    driver.sign_in("facilitator", "demo")
    driver.window.resize(*LAPTOP)
    screen = driver.open(SessionsScreen)
    assert isinstance(screen, SessionsScreen)
    driver.settle()
    table = screen.register.table
    assert table.model().rowCount() >= 30
    rows_shown = table.viewport().height() // table.rowHeight(0)
    assert rows_shown >= 20, rows_shown
    assert not table.horizontalScrollBar().isVisible()
    assert isinstance(table, QAbstractScrollArea)


def test_f11_gives_the_register_the_whole_screen_and_gives_it_back(
    driver: Driver, qtbot: QtBot
) -> None:
    driver.sign_in("facilitator", "demo")
    window = driver.window
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    qtbot.keyClick(window, Qt.Key.Key_F11)
    qtbot.waitUntil(window.isFullScreen)
    assert window.full_screen_action.isChecked()
    qtbot.keyClick(window, Qt.Key.Key_F11)
    qtbot.waitUntil(lambda: not window.isFullScreen())
