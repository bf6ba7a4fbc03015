"""The Retention screen on the demo store: an administrator changes a period with the
keyboard, sees what is due, and erases it after a preview they confirm; education staff
see what is due and change nothing."""

from __future__ import annotations

from pathlib import Path

from pytestqt.qtbot import QtBot

from lt_desktop.domain.retention import RetentionKind
from lt_desktop.ui.qt import QMessageBox, Qt, QWidget
from lt_desktop.ui.screens.retention import RetentionScreen
from tests.helpers.drawing import check_every_model, draw
from tests.ui.conftest import Driver, when_shown

APPLICATIONS = RetentionKind.APPLICATIONS


def _save(driver: Driver, screen: RetentionScreen) -> None:
    driver.qtbot.mouseClick(screen.save_button, Qt.MouseButton.LeftButton)
    driver.qtbot.waitUntil(lambda: screen.banner.text().startswith("Saved"), timeout=10_000)
    driver.settle()


def test_an_administrator_changes_a_period_and_erases_what_is_due(
    driver: Driver, qtbot: QtBot, demo_dir: Path
) -> None:
    driver.sign_in("demo", "demo")
    screen = driver.open(RetentionScreen)
    row = screen.rows[APPLICATIONS]
    draw(driver.window)
    check_every_model(driver.window)
    assert row.due.text() == "Due: 5 records about 2 people"
    assert set(row.counts.text().split("; ")) == {
        "person record: 2",
        "prison-only details: 1",
        "applications: 2",
    }
    assert (
        screen.rows[RetentionKind.INTERVIEWS].due.text()
        == "Nothing is due until the study's end date is set."
    )
    assert screen.rows[RetentionKind.RESEARCH_DATA].amount.value() == 5

    # Three years instead of six months: typed, and the unit chosen by its first letter.
    row.amount.setFocus()
    row.amount.selectAll()
    qtbot.keyClicks(row.amount, "3")
    qtbot.keyClick(row.unit, Qt.Key.Key_Y)
    _save(driver, screen)
    qtbot.waitUntil(lambda: row.due.text() == "Nothing is due.", timeout=10_000)
    assert not screen.erase_button.isEnabled()
    assert _saved(driver)[APPLICATIONS] == "3 years after the decision"

    # Back to six months: due again.
    row.amount.selectAll()
    qtbot.keyClicks(row.amount, "6")
    qtbot.keyClick(row.unit, Qt.Key.Key_Up)  # from years up to months
    _save(driver, screen)
    qtbot.waitUntil(lambda: row.due.text().startswith("Due:"), timeout=10_000)
    assert _saved(driver)[APPLICATIONS] == "6 months after the decision"
    people_before = _count_people(driver)

    previews: list[str] = []

    def agree(box: QWidget) -> None:
        assert isinstance(box, QMessageBox)
        previews.append(box.text())
        erase = next(b for b in box.buttons() if b.text() == "Erase")
        qtbot.mouseClick(erase, Qt.MouseButton.LeftButton)

    when_shown(QMessageBox, agree)
    qtbot.mouseClick(screen.erase_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: screen.banner.text().startswith("Erased"), timeout=20_000)
    driver.settle()

    (preview,) = previews
    assert "Applications not offered a place: 5 records about 2 people" in preview
    assert "person record: 2" in preview and "applications: 2" in preview
    assert "Research data" not in preview  # nothing of it is due
    assert screen.banner.text().startswith("Erased 5 records about 2 people.")
    qtbot.waitUntil(lambda: row.due.text() == "Nothing is due.", timeout=10_000)
    assert _count_people(driver) == people_before - 2
    draw(driver.window)


def _saved(driver: Driver) -> dict[RetentionKind, str]:
    workspace = driver.controller.workspace
    assert workspace is not None
    return {p.kind: p.describe() for p in workspace.retention.periods()}


def _count_people(driver: Driver) -> int:
    workspace = driver.controller.workspace
    assert workspace is not None
    return len(workspace.people.list_people())


def test_cancelling_the_preview_erases_nothing(driver: Driver, qtbot: QtBot) -> None:
    driver.sign_in("demo", "demo")
    screen = driver.open(RetentionScreen)
    before = _count_people(driver)

    def cancel(box: QWidget) -> None:
        assert isinstance(box, QMessageBox)
        qtbot.keyClick(box, Qt.Key.Key_Escape)

    when_shown(QMessageBox, cancel)
    qtbot.mouseClick(screen.erase_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: screen.banner.text() == "Nothing was erased.", timeout=10_000)
    driver.settle()
    assert _count_people(driver) == before
    assert screen.rows[APPLICATIONS].due.text() == "Due: 5 records about 2 people"


def test_staff_see_what_is_due_and_change_nothing(
    driver: Driver, qtbot: QtBot, demo_dir: Path
) -> None:
    driver.sign_in("staff", "demo")
    screen = driver.open(RetentionScreen)
    row = screen.rows[APPLICATIONS]

    assert row.due.text() == "Due: 5 records about 2 people"
    assert not row.amount.isEnabled() and not row.off.isEnabled()
    assert not screen.save_button.isVisibleTo(screen)
    assert not screen.erase_button.isVisibleTo(screen)
    draw(driver.window)
