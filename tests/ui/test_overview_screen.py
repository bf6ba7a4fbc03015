"""The overview is the first thing staff see: each partnership's figures."""

from __future__ import annotations

from pytestqt.qtbot import QtBot

from lt_desktop.core.services.attendance import FOOTNOTE
from lt_desktop.ui.qt import QLabel
from lt_desktop.ui.screens.overview import OverviewScreen
from tests.ui.conftest import Driver


def test_staff_land_on_the_partnerships_figures(driver: Driver, qtbot: QtBot) -> None:
    driver.sign_in("staff", "demo")
    view = driver.window.workspace_view
    assert view is not None
    driver.settle()
    screen = view.stack.currentWidget()
    assert isinstance(screen, OverviewScreen)
    assert screen.model.rowCount() == 1
    summary = driver.controller.workspace.overview.partnerships()[0]  # type: ignore[union-attr]
    cells = [screen.model.index(0, c).data() for c in range(screen.model.columnCount())]
    assert cells[0] == "Northfield and Eastbridge Learning Together"
    assert summary.cohorts == 2
    assert cells[1] == f"2 ({summary.running} running)"
    assert cells[2] == "48"
    assert cells[3] == "24 / 24"
    assert cells[4] == f"{summary.completion_rate:.0%}"
    assert cells[5] == f"{summary.attendance_rate:.0%}"
    assert cells[6] == f"{summary.engagement_rate:.0%}"
    assert summary.engagement_rate is not None and summary.attendance_rate is not None
    assert summary.engagement_rate > summary.attendance_rate
    assert cells[7] == "Not paired"
    # What the first cohort's graduates went on to do, with their consent: figures only.
    assert cells[8] == (
        "1 further study · 2 mentoring · 1 facilitating · 1 employment · "
        "1 released, keeping in touch"
    )
    assert "1 partnership, 2 cohorts" in screen.totals.text()
    assert any(FOOTNOTE in label.text() for label in screen.findChildren(QLabel))
