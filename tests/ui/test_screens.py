"""The everyday screens, driven by clicks and keys on the demo store."""

from __future__ import annotations

from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from lt_desktop.core.services.register import Mark
from lt_desktop.core.sign_in import sign_in
from lt_desktop.domain.vocabulary import (
    AttendanceStatus,
    MarkReason,
    MembershipRole,
    MembershipStatus,
    PersonBase,
)
from lt_desktop.ui.qt import Qt, QWidget
from lt_desktop.ui.screens.administration import AdministrationScreen
from lt_desktop.ui.screens.cohorts import CohortsScreen, EnrolDialog, StatusDialog
from lt_desktop.ui.screens.groups import AllocateDialog, GroupsScreen
from lt_desktop.ui.screens.people import PeopleScreen
from tests.ui.conftest import Driver, all_visible_text, answer_next_menu, open_upcoming_register


def _choose_autumn(screen: CohortsScreen) -> None:
    row = next(i for i, c in enumerate(screen.cohorts.rows) if c.name.startswith("September"))
    screen.cohort_table.selectRow(row)


def test_enrol_then_withdraw(driver: Driver, qtbot: QtBot, demo_dir: Path) -> None:
    driver.sign_in("staff", "demo")
    screen = driver.open(CohortsScreen)
    assert isinstance(screen, CohortsScreen)
    _choose_autumn(screen)
    driver.settle()
    before = screen.current_cohort()
    assert before is not None
    chosen: list[str] = []

    def enrol(dialog: QWidget) -> None:
        assert isinstance(dialog, EnrolDialog)
        everyone_else = dialog.model.rowCount()
        person = dialog.model.person_at(everyone_else // 2)
        assert person is not None
        name = person.display_name
        qtbot.keyClicks(dialog.search, name)
        assert dialog.model.rowCount() == 1
        qtbot.keyClick(dialog.search, Qt.Key.Key_Down)
        assert dialog.chosen() == person
        chosen.append(name)
        dialog.role.set_value(MembershipRole.STUDENT)
        qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)

    driver.answer_next_dialog(enrol)
    qtbot.mouseClick(screen.enrol_button, Qt.MouseButton.LeftButton)
    driver.settle()
    enrolled = chosen[0]
    assert enrolled in [m.display_name for m in screen.members.rows]
    after = screen.current_cohort()
    assert after is not None
    assert after.balance.total == before.balance.total + 1
    assert screen.balance_text.text().startswith(f"{after.balance.describe()}")

    row = next(i for i, m in enumerate(screen.members.rows) if m.display_name == enrolled)
    screen.member_table.selectRow(row)

    def withdraw(dialog: QWidget) -> None:
        assert isinstance(dialog, StatusDialog)
        assert dialog.status.value() is MembershipStatus.WITHDRAWN
        qtbot.keyClicks(dialog.reason, "Moved to another course")
        qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)

    driver.answer_next_dialog(withdraw)
    qtbot.mouseClick(screen.withdraw_button, Qt.MouseButton.LeftButton)
    driver.settle()
    member = next(m for m in screen.members.rows if m.display_name == enrolled)
    assert member.status is MembershipStatus.WITHDRAWN
    final = screen.current_cohort()
    assert final is not None and final.balance.total == before.balance.total
    driver.controller.shutdown()
    with sign_in(demo_dir, "demo", "demo") as workspace:
        history = workspace.memberships.history(member.id)
        assert [h.status for h in history] == [MembershipStatus.ACTIVE, MembershipStatus.WITHDRAWN]
        assert history[-1].reason == "Moved to another course"


def test_auto_allocation_balances_the_groups(driver: Driver, qtbot: QtBot) -> None:
    driver.sign_in("staff", "demo")
    screen = driver.open(GroupsScreen)
    assert isinstance(screen, GroupsScreen)
    screen.cohort.setCurrentIndex(
        next(i for i in range(screen.cohort.count()) if "September" in screen.cohort.itemText(i))
    )
    driver.settle()

    def three_groups(dialog: QWidget) -> None:
        assert isinstance(dialog, AllocateDialog)
        dialog.count.setValue(3)
        qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)

    driver.answer_next_dialog(three_groups)
    qtbot.mouseClick(screen.auto_button, Qt.MouseButton.LeftButton)
    driver.settle()
    assert "balanced as evenly" in screen.banner.text()
    plan = screen.plan
    assert plan is not None and len(plan.groups) == 3
    for base in (PersonBase.PRISON, PersonBase.UNIVERSITY):
        counts = [
            sum(1 for m in g.members if m.role is MembershipRole.STUDENT and m.base is base)
            for g in plan.groups
        ]
        assert max(counts) - min(counts) <= 1
    # What the screen shows is what the store holds: one list per group, plus "no group".
    assert len(screen.lists) == 4
    assert [lst.count() for lst in screen.lists[1:]] == [len(g.members) for g in plan.groups]
    assert screen.lists[0].count() == 0


def test_a_member_moves_group_with_one_key(driver: Driver, qtbot: QtBot) -> None:
    driver.sign_in("staff", "demo")
    screen = driver.open(GroupsScreen)
    assert isinstance(screen, GroupsScreen)
    first = screen.lists[1]
    moving = first.item(3).text()
    first.setCurrentRow(3)
    first.setFocus()
    qtbot.keyClick(first, Qt.Key.Key_2)
    driver.settle()
    assert moving in [screen.lists[2].item(i).text() for i in range(screen.lists[2].count())]
    assert moving not in [screen.lists[1].item(i).text() for i in range(screen.lists[1].count())]
    lst = screen.lists[2]
    row = next(i for i in range(lst.count()) if lst.item(i).text() == moving)
    lst.setCurrentRow(row)
    qtbot.keyClick(lst, Qt.Key.Key_0)
    driver.settle()
    assert moving in [screen.lists[0].item(i).text() for i in range(screen.lists[0].count())]


def test_a_whole_register_by_keys_alone(driver: Driver, qtbot: QtBot, demo_dir: Path) -> None:
    driver.sign_in("facilitator", "demo")
    screen = open_upcoming_register(driver)
    register = screen.register
    table = register.table
    lines = list(register.model.rows)
    assert 28 <= len(lines) <= 34
    assert table.currentIndex().row() == 0
    keys = 0
    plan: dict[int, str] = {4: "late", 9: "absent", 15: "excused"}
    for row in range(len(lines)):
        action = plan.get(row, "present")
        if action == "absent":
            answer_next_menu(qtbot, Qt.Key.Key_K)  # Loc&kdown
            qtbot.keyClick(table, Qt.Key.Key_A)
            keys += 2
        else:
            key = {"present": Qt.Key.Key_P, "late": Qt.Key.Key_L, "excused": Qt.Key.Key_E}[action]
            qtbot.keyClick(table, key)
            keys += 1
    assert keys <= 35
    # Each mark shows at once, before any saving has finished.
    assert register.model.rows[9].mark == Mark(AttendanceStatus.ABSENT, MarkReason.LOCKDOWN)
    assert "Not yet marked 0" in register.counts.toolTip()
    assert f"Present {len(lines) - 3}" in register.counts.toolTip()
    driver.settle()
    session_id = register.session.id if register.session else None
    driver.controller.shutdown()
    with sign_in(demo_dir, "demo", "demo") as workspace:
        assert session_id is not None
        saved = workspace.register.register(session_id)
        assert saved.unmarked == 0
        assert saved.lines[4].mark == Mark(AttendanceStatus.LATE)
        assert saved.lines[9].mark == Mark(AttendanceStatus.ABSENT, MarkReason.LOCKDOWN)
        assert saved.lines[15].mark == Mark(AttendanceStatus.EXCUSED)
        assert saved.lines[0].recorded_by == "Demo facilitator"


def test_everyone_present_then_exceptions_then_undo(
    driver: Driver, qtbot: QtBot, demo_dir: Path
) -> None:
    driver.sign_in("staff", "demo")
    screen = open_upcoming_register(driver)
    register = screen.register
    table = register.table
    table.setCurrentIndex(register.model.index(2, 3))
    qtbot.keyClick(table, Qt.Key.Key_L)  # one late arrival before the rest
    qtbot.mouseClick(register.everyone_button, Qt.MouseButton.LeftButton)
    rows = register.model.rows
    assert rows[2].mark == Mark(AttendanceStatus.LATE)  # not overwritten
    assert all(line.mark is not None for line in rows)
    table.setCurrentIndex(register.model.index(5, 3))
    qtbot.keyClick(table, Qt.Key.Key_E)
    assert register.model.rows[5].mark == Mark(AttendanceStatus.EXCUSED)
    qtbot.keyClick(table, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert register.model.rows[5].mark == Mark(AttendanceStatus.PRESENT)
    qtbot.mouseClick(register.undo_button, Qt.MouseButton.LeftButton)  # undo "everyone present"
    rows = register.model.rows
    assert rows[2].mark == Mark(AttendanceStatus.LATE)
    assert sum(1 for line in rows if line.mark is not None) == 1
    driver.settle()
    session_id = register.session.id if register.session else None
    driver.controller.shutdown()
    with sign_in(demo_dir, "demo", "demo") as workspace:
        assert session_id is not None
        saved = workspace.register.register(session_id)
        assert [line.mark for line in saved.lines if line.mark] == [Mark(AttendanceStatus.LATE)]


def test_people_search_finds_as_you_type(driver: Driver, qtbot: QtBot) -> None:
    driver.sign_in("staff", "demo")
    screen = driver.open(PeopleScreen)
    assert isinstance(screen, PeopleScreen)
    total = screen.model.rowCount()
    target = screen.model.person_at(10)
    assert target is not None
    qtbot.keyClicks(screen.search, target.display_name.split()[1][:4].lower())
    assert 0 < screen.model.rowCount() < total
    assert "match" in screen.count.text()
    qtbot.keyClick(screen.search, Qt.Key.Key_Return)
    driver.settle()
    first = screen.model.person_at(0)
    assert first is not None and screen.page.name.text() == first.display_name


EXPECTED_SCREENS = {
    "demo": [
        "Overview",
        "Cohorts",
        "Applications",
        "People",
        "Groups",
        "Sessions and register",
        "Mentors",
        "Interviews",
        "Graduation",
        "Essays and marking",
        "Stories",
        "Questionnaires",
        "Research export",
        "Sync",
        "Classroom laptops",
        "Documents",
        "Backup and restore",
        "Retention",
        "Administration",
    ],
    "staff": [
        "Overview",
        "Cohorts",
        "Applications",
        "People",
        "Groups",
        "Sessions and register",
        "Mentors",
        "Interviews",
        "Graduation",
        "Essays and marking",
        "Stories",
        "Questionnaires",
        "Sync",
        "Classroom laptops",
        "Documents",
        "Backup and restore",
        "Retention",
    ],
    "facilitator": [
        "Cohorts",
        "Applications",
        "People",
        "Groups",
        "Sessions and register",
        "Interviews",
        "Stories",
        "Questionnaires",
        "Classroom laptops",
    ],
    "marker": ["Essays and marking"],
    "researcher": ["Research export"],
}


@pytest.mark.parametrize("username", list(EXPECTED_SCREENS))
def test_each_role_is_offered_only_its_own_screens(
    driver: Driver, qtbot: QtBot, username: str
) -> None:
    driver.sign_in(username, "demo")
    assert driver.nav_titles() == EXPECTED_SCREENS[username]


def test_a_facilitator_sees_their_cohort_but_cannot_change_it(driver: Driver, qtbot: QtBot) -> None:
    driver.sign_in("facilitator", "demo")
    cohorts = driver.open(CohortsScreen)
    assert isinstance(cohorts, CohortsScreen)
    assert [c.name for c in cohorts.cohorts.rows] == ["September–December 2026"]
    for control in (cohorts.new_button, cohorts.enrol_button, cohorts.withdraw_button):
        assert not control.isVisibleTo(cohorts)
    groups = driver.open(GroupsScreen)
    assert isinstance(groups, GroupsScreen)
    assert not groups.auto_button.isVisibleTo(groups)
    assert all(not lst.editable for lst in groups.lists)
    assert "January" not in all_visible_text()


def test_administration_verifies_the_audit_log(driver: Driver, qtbot: QtBot) -> None:
    driver.sign_in("demo", "demo")
    screen = driver.open(AdministrationScreen)
    assert isinstance(screen, AdministrationScreen)
    tab = screen.audit_tab
    screen.tabs.setCurrentWidget(tab)
    assert tab.model.rowCount() >= 3
    assert tab.model.rows[0].action == "sign_in"
    from lt_desktop.ui.qt import QPushButton

    verify = next(b for b in tab.findChildren(QPushButton) if "Verify" in b.text())
    qtbot.mouseClick(verify, Qt.MouseButton.LeftButton)
    driver.settle()
    assert tab.banner.text().startswith("Verified: all")


def test_a_session_can_be_found_on_the_calendar(driver: Driver, qtbot: QtBot) -> None:
    driver.sign_in("staff", "demo")
    screen = open_upcoming_register(driver)
    week_three = next(s for s in screen.sessions.rows if s.week == 3)
    held = week_three.held_on
    from lt_desktop.ui.qt import QDate

    screen.calendar.clicked.emit(QDate(held.year, held.month, held.day))
    driver.settle()
    assert screen.register.session is not None
    assert screen.register.session.id == week_three.id
    assert screen.register.title.text().startswith("Week 3:")
