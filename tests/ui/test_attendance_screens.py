"""Attendance and engagement on screen, side by side, with the same footnote everywhere:
the Cohorts screen (the cohort's students, and each member) and the person page."""

from __future__ import annotations

from datetime import timedelta

from pytestqt.qtbot import QtBot

from lt_desktop.core.services.attendance import FOOTNOTE
from lt_desktop.domain.vocabulary import MembershipRole
from lt_desktop.ui.qt import Qt
from lt_desktop.ui.screens.cohorts import CohortsScreen
from lt_desktop.ui.screens.people import PeopleScreen
from tests.helpers.drawing import draw
from tests.ui.conftest import Driver


def _percent(value: float | None) -> str:
    return "–" if value is None else f"{round(value * 100)}%"


def test_the_cohorts_screen_shows_both_figures_for_the_cohort_and_each_member(
    driver: Driver,
) -> None:
    driver.sign_in("staff", "demo")
    screen = driver.open(CohortsScreen)
    row = next(i for i, c in enumerate(screen.cohorts.rows) if c.name.startswith("September"))
    screen.cohort_table.selectRow(row)
    driver.settle()
    cohort = screen.current_cohort()
    assert cohort is not None
    workspace = driver.controller.workspace
    assert workspace is not None
    figures = workspace.memberships.attendance(cohort.id)
    students = figures.students
    assert students.held and students.engaged > students.attended
    assert screen.attendance_text.text() == (
        f"Students: attendance {_percent(students.attendance)} · engagement "
        f"{_percent(students.engagement)} (attended {students.attended} of the "
        f"{students.held} sessions held for them)"
    )
    assert screen.attendance_note.text() == FOOTNOTE

    model = screen.members
    titles = [model.headerData(c, Qt.Orientation.Horizontal) for c in range(model.columnCount())]
    attendance, engagement = titles.index("Attendance"), titles.index("Engagement")
    assert engagement == attendance + 1
    shown = 0
    for r, member in enumerate(model.rows):
        mine = figures.by_person.get(member.person_id)
        cells = (model.index(r, attendance).data(), model.index(r, engagement).data())
        if mine is None:
            assert cells == ("–", "–"), member.display_name  # a lecturer never marked
            continue
        assert cells == (_percent(mine.attendance), _percent(mine.engagement))
        assert f"attended {mine.attended} of {mine.held}" in model.index(r, attendance).data(
            Qt.ItemDataRole.ToolTipRole
        )
        shown += member.role is MembershipRole.STUDENT
    assert shown == 24
    draw(driver.window)


def test_the_person_page_shows_both_figures_for_each_cohort(driver: Driver, qtbot: QtBot) -> None:
    driver.sign_in("staff", "demo")
    workspace = driver.controller.workspace
    assert workspace is not None
    graduate = next(
        p
        for p in workspace.people.list_people()
        if len(workspace.people.person_page(p.id).memberships) == 2
    )
    screen = driver.open(PeopleScreen)
    qtbot.keyClicks(screen.search, graduate.display_name)
    qtbot.keyClick(screen.search, Qt.Key.Key_Return)
    driver.settle()
    page = screen.page
    assert page.name.text() == graduate.display_name
    model = page.memberships
    titles = [model.headerData(c, Qt.Orientation.Horizontal) for c in range(model.columnCount())]
    assert titles[-3:] == ["Attended", "Attendance", "Engagement"]
    expected = workspace.people.person_page(graduate.id).memberships
    assert [
        [model.index(r, c).data() for c in range(len(titles) - 3, len(titles))]
        for r in range(model.rowCount())
    ] == [
        [
            f"{m.attendance.attended} of {m.attendance.held}",
            _percent(m.attendance.attendance),
            _percent(m.attendance.engagement),
        ]
        for m in expected
    ]
    assert page.figures_note.text() == FOOTNOTE
    draw(driver.window)


def test_a_session_moved_elsewhere_shows_its_new_day_on_the_open_person_page(
    driver: Driver, qtbot: QtBot
) -> None:
    driver.sign_in("staff", "demo")
    workspace = driver.controller.workspace
    assert workspace is not None
    autumn = next(c for c in workspace.programme.list_cohorts() if c.name.startswith("September"))
    week_1 = next(s for s in workspace.programme.list_sessions(autumn.id) if s.week == 1)
    learner = workspace.register.register(week_1.id).lines[0]
    screen = driver.open(PeopleScreen)
    qtbot.keyClicks(screen.search, learner.display_name)
    qtbot.keyClick(screen.search, Qt.Key.Key_Return)
    driver.settle()
    page = screen.page
    assert page.name.text() == learner.display_name

    def days() -> list[str]:
        model = page.attendance
        return [model.index(r, 0).data() for r in range(model.rowCount())]

    assert f"{week_1.held_on:%d %b %Y}" in days()
    moved_to = week_1.held_on + timedelta(days=2)
    driver.controller.change(lambda ws: ws.programme.move_session(week_1.id, moved_to))
    qtbot.waitUntil(lambda: f"{moved_to:%d %b %Y}" in days(), timeout=5000)
    assert f"{week_1.held_on:%d %b %Y}" not in days()
    draw(driver.window)
