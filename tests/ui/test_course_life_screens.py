"""The course as it really runs, on screen and by keys on a real encrypted store: an
induction added on the Sessions screen; the Groups screen's warning of a facilitator
with no training, gone once it is recorded; a facilitator's training on their page;
and a cohort's group projects added, changed and removed on its page."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from pytestqt.qtbot import QtBot

from lt_desktop.core.services.programme import SessionInfo
from lt_desktop.core.sign_in import sign_in
from lt_desktop.domain.vocabulary import MembershipRole, SessionKind
from lt_desktop.ui.qt import QGroupBox, QLabel, QMessageBox, Qt, QWidget
from lt_desktop.ui.screens.cohorts import CohortsScreen
from lt_desktop.ui.screens.groups import GroupsScreen
from lt_desktop.ui.screens.people import PeopleScreen
from lt_desktop.ui.screens.sessions import SessionDialog, SessionsScreen
from lt_desktop.ui.views.facilitator_training import FacilitatorTrainingDialog
from lt_desktop.ui.views.projects import ProjectDialog
from tests.ui.conftest import Driver, when_shown
from tests.ui.test_forms import (
    focus_arrives_in,
    focused,
    name_of,
    press,
    tab_to,
    tab_to_button,
    type_here,
)

SPRING = "January–March 2026"
AUTUMN = "September–December 2026"


def _choose(driver: Driver, combo: object, name: str) -> None:
    index = combo.findText(name, Qt.MatchFlag.MatchContains)  # type: ignore[attr-defined]
    assert index >= 0, name
    combo.setCurrentIndex(index)  # type: ignore[attr-defined]
    driver.settle()


def _alt(qtbot: QtBot, widget: QWidget, key: Qt.Key) -> None:
    """Alt and a button's underlined letter, as a keyboard user presses it."""
    window = widget.window()
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow, timeout=5_000)
    qtbot.keyClick(widget, key, Qt.KeyboardModifier.AltModifier)


def _texts(widget: QWidget) -> list[str]:
    return [label.text() for label in widget.findChildren(QLabel) if label.isVisibleTo(widget)]


def _answered(driver: Driver, qtbot: QtBot, open_it: object, fill: object) -> None:
    """Open a dialog (``open_it``), fill it in by keys (``fill``), and wait for the
    change it makes to be saved."""
    done: list[bool] = []

    def answer(dialog: QWidget) -> None:
        fill(dialog)  # type: ignore[operator]
        done.append(True)

    driver.answer_next_dialog(answer)
    open_it()  # type: ignore[operator]
    qtbot.waitUntil(lambda: bool(done), timeout=10_000)
    driver.settle()


# -- the induction ------------------------------------------------------------------------


def test_an_induction_is_added_on_the_sessions_screen_and_named_so(
    driver: Driver, qtbot: QtBot, demo_dir: Path
) -> None:
    driver.sign_in("staff", "demo")
    screen = driver.open(SessionsScreen)
    _choose(driver, screen.cohort, SPRING)
    qtbot.mouseClick(screen.list_button, Qt.MouseButton.LeftButton)  # All sessions
    driver.settle()
    shown: dict[str, object] = {}

    def fill(dialog: QWidget) -> None:
        assert isinstance(dialog, SessionDialog)
        focus_arrives_in(qtbot, dialog)
        assert name_of(focused()) == "Week"
        press(qtbot, Qt.Key.Key_Tab)
        assert name_of(focused()) == "Date"
        type_here(qtbot, "7 Jan 2026")
        press(qtbot, Qt.Key.Key_Tab)
        assert name_of(focused()) == "Kind"
        press(qtbot, Qt.Key.Key_End)  # the last kind: Induction
        shown["week"] = (dialog.week.text(), dialog.week.isEnabled())
        press(qtbot, Qt.Key.Key_Tab)
        assert name_of(focused()) == "Title"
        type_here(qtbot, "Induction for those who joined late")
        press(qtbot, Qt.Key.Key_Return)

    _answered(
        driver,
        qtbot,
        lambda: qtbot.mouseClick(screen.add_button, Qt.MouseButton.LeftButton),
        fill,
    )
    assert shown["week"] == ("Induction", False)  # week 0, chosen by the kind

    def inductions() -> list[SessionInfo]:
        return [s for s in screen.sessions.rows if s.kind is SessionKind.INDUCTION]

    qtbot.waitUntil(lambda: len(inductions()) == 2, timeout=10_000)
    assert {s.week for s in inductions()} == {0}
    assert {s.held_on for s in inductions()} == {date(2026, 1, 7)}
    weeks = [screen.sessions.data(screen.sessions.index(r, 0)) for r in range(3)]
    assert weeks == ["Induction", "Induction", "1"]
    choices = [screen.session_choice.itemText(i) for i in range(screen.session_choice.count())]
    assert sum(text.startswith("Induction · ") for text in choices) == 2
    driver.controller.shutdown()
    with sign_in(demo_dir, "demo", "demo") as workspace:
        spring = next(c for c in workspace.programme.list_cohorts() if c.name == SPRING)
        titles = {
            s.title
            for s in workspace.programme.list_sessions(spring.id)
            if s.kind is SessionKind.INDUCTION and s.week == 0
        }
        assert "Induction for those who joined late" in titles


# -- facilitators' training ------------------------------------------------------------------


def test_the_groups_screen_warns_of_an_untrained_facilitator_until_training_is_recorded(
    driver: Driver, qtbot: QtBot, demo_dir: Path
) -> None:
    driver.sign_in("staff", "demo")
    screen = driver.open(GroupsScreen)
    _choose(driver, screen.cohort, AUTUMN)
    (missing,) = screen.untrained
    name, group = missing.display_name, missing.group_name
    assert screen.training_warning.text().startswith(
        f"No facilitator training recorded for {name} ({group})."
    )
    box = next(b for b in screen.findChildren(QGroupBox) if b.title().endswith(group))
    assert any(f"⚠ No facilitator training recorded for {name}" in t for t in _texts(box))
    record = screen.training_button
    assert record.isVisible() and record.accessibleName() == f"Record training for {name}"

    def fill(dialog: QWidget) -> None:
        assert isinstance(dialog, FacilitatorTrainingDialog)
        focus_arrives_in(qtbot, dialog)
        assert name_of(focused()) == "Date"
        press(qtbot, Qt.Key.Key_Tab)
        assert name_of(focused()) == "Training"
        type_here(qtbot, "Working in a prison: security and the regime")
        press(qtbot, Qt.Key.Key_Return)

    _answered(driver, qtbot, lambda: _alt(qtbot, screen.cohort, Qt.Key.Key_T), fill)
    assert screen.untrained == [] and screen.training_warning.text() == ""
    assert not record.isVisible()
    assert not any("⚠" in text for text in _texts(screen))
    assert screen.banner.text() == f"Training recorded for {name}."
    # Spring's facilitators were all trained: no warning there.
    _choose(driver, screen.cohort, SPRING)
    assert screen.training_warning.text() == ""
    driver.controller.shutdown()
    with sign_in(demo_dir, "demo", "demo") as workspace:
        autumn = next(c for c in workspace.programme.list_cohorts() if c.name == AUTUMN)
        assert workspace.facilitators.untrained(autumn.id) == []


def test_a_facilitators_training_is_listed_corrected_and_removed_on_their_page(
    driver: Driver, qtbot: QtBot, demo_dir: Path
) -> None:
    driver.sign_in("staff", "demo")
    workspace = driver.controller.workspace
    assert workspace is not None
    autumn = next(c for c in workspace.programme.list_cohorts() if c.name == AUTUMN)
    facilitator = next(
        m
        for m in workspace.memberships.list_members(autumn.id)
        if m.role is MembershipRole.FACILITATOR
    )
    student = next(
        m for m in workspace.memberships.list_members(autumn.id) if m.role is MembershipRole.STUDENT
    )
    screen = driver.open(PeopleScreen)
    qtbot.keyClicks(screen.search, student.display_name)
    qtbot.keyClick(screen.search, Qt.Key.Key_Return)
    driver.settle()
    box = screen.page.training_box
    assert box.isHidden()  # a student neither facilitates nor was trained to
    screen.search.clear()
    qtbot.keyClicks(screen.search, facilitator.display_name)
    qtbot.keyClick(screen.search, Qt.Key.Key_Return)
    driver.settle()
    assert not box.isHidden()
    assert [row.title for row in box.training.rows] == [
        "Facilitating discussion across difference (university)",
        "Working in a prison: security and the regime (HMP Northfield)",
    ]

    box.table.setFocus()
    box.table.selectRow(1)

    def correct(dialog: QWidget) -> None:
        assert isinstance(dialog, FacilitatorTrainingDialog)
        focus_arrives_in(qtbot, dialog)
        tab_to(qtbot, "Came to it")
        press(qtbot, Qt.Key.Key_Space)  # did not come after all
        press(qtbot, Qt.Key.Key_Tab)
        assert name_of(focused()) == "Notes"
        type_here(qtbot, "Called away; booked on the next one.")
        tab_to_button(qtbot, dialog, "Save")
        press(qtbot, Qt.Key.Key_Space)

    _answered(driver, qtbot, lambda: _alt(qtbot, box.table, Qt.Key.Key_G), correct)
    corrected = box.training.rows[1]
    assert (corrected.attended, corrected.notes) == (False, "Called away; booked on the next one.")
    assert box.training.data(box.training.index(1, 2)) == "No"

    box.table.selectRow(0)

    removed: list[bool] = []

    def agree(message: QWidget) -> None:
        assert isinstance(message, QMessageBox)
        assert "Facilitating discussion across difference" in message.text()
        qtbot.keyClick(message, Qt.Key.Key_Return)
        removed.append(True)

    when_shown(QMessageBox, agree)
    _alt(qtbot, box.table, Qt.Key.Key_V)
    qtbot.waitUntil(lambda: bool(removed), timeout=10_000)
    driver.settle()
    assert [row.title for row in box.training.rows] == [corrected.title]
    driver.controller.shutdown()
    with sign_in(demo_dir, "demo", "demo") as workspace:
        assert workspace.facilitators.training(facilitator.person_id) == [corrected]
        # Their one training left they did not come to: their group is warned of now.
        untrained = {u.person_id for u in workspace.facilitators.untrained(autumn.id)}
        assert facilitator.person_id in untrained


# -- group projects -------------------------------------------------------------------------


def test_a_group_project_is_added_changed_and_removed_on_the_cohort_page(
    driver: Driver, qtbot: QtBot, demo_dir: Path
) -> None:
    driver.sign_in("staff", "demo")
    screen = driver.open(CohortsScreen)
    row = next(i for i, c in enumerate(screen.cohorts.rows) if c.name == SPRING)
    screen.cohort_table.selectRow(row)
    driver.settle()
    # The cohort's group projects are on a page of their own beside its members.
    _alt(qtbot, screen.cohort_table, Qt.Key.Key_P)
    assert screen.detail_tabs.currentIndex() == 1
    box = screen.projects_box
    assert box.isVisible()
    assert [p.topic for p in box.projects.rows] == [
        "A just response: designing a restorative meeting"
    ]
    assert box.projects.data(box.projects.index(0, 1)) == "Group 1 and Group 3"
    shown: dict[str, str] = {}

    def add(dialog: QWidget) -> None:
        assert isinstance(dialog, ProjectDialog)
        focus_arrives_in(qtbot, dialog)
        assert name_of(focused()) == "Topic"
        type_here(qtbot, "Listening across walls")
        press(qtbot, Qt.Key.Key_Tab)
        assert name_of(focused()) == "Groups that joined"
        press(qtbot, Qt.Key.Key_Down)
        press(qtbot, Qt.Key.Key_Space)  # Group 2
        press(qtbot, Qt.Key.Key_Down)
        press(qtbot, Qt.Key.Key_Down)
        press(qtbot, Qt.Key.Key_Space)  # Group 4
        press(qtbot, Qt.Key.Key_Tab)
        assert name_of(focused()) == "Presented at"
        shown["presented"] = dialog.presentation.currentText()
        press(qtbot, Qt.Key.Key_Tab)
        assert name_of(focused()) == "Description"
        type_here(qtbot, "A radio play in three scenes.")
        tab_to_button(qtbot, dialog, "Add")
        press(qtbot, Qt.Key.Key_Space)

    _answered(driver, qtbot, lambda: _alt(qtbot, screen.cohort_table, Qt.Key.Key_J), add)
    # Offered first: the cohort's group project week.
    assert shown["presented"] == "Week 9 · Mon 09 Mar 2026 · Group project: a just response"
    assert box.banner.text() == "Recorded the project “Listening across walls”."
    (added,) = [p for p in box.projects.rows if p.topic == "Listening across walls"]
    assert (added.group_names(), added.description) == (
        "Group 2 and Group 4",
        "A radio play in three scenes.",
    )

    box.table.setFocus()
    box.table.selectRow(box.projects.rows.index(added))

    def change(dialog: QWidget) -> None:
        assert isinstance(dialog, ProjectDialog)
        focus_arrives_in(qtbot, dialog)
        tab_to(qtbot, "Presented at")
        press(qtbot, Qt.Key.Key_Home)  # not presented yet
        press(qtbot, Qt.Key.Key_Return)

    _answered(driver, qtbot, lambda: _alt(qtbot, box.table, Qt.Key.Key_T), change)
    (changed,) = [p for p in box.projects.rows if p.topic == "Listening across walls"]
    assert changed.presentation_session_id is None
    assert box.projects.data(box.projects.index(box.projects.rows.index(changed), 2)) == "Not yet"

    box.table.selectRow(box.projects.rows.index(changed))

    def join_twice(dialog: QWidget) -> None:
        assert isinstance(dialog, ProjectDialog)
        focus_arrives_in(qtbot, dialog)
        press(qtbot, Qt.Key.Key_Tab)
        press(qtbot, Qt.Key.Key_Home)  # Group 1, which joined the other project
        press(qtbot, Qt.Key.Key_Space)
        press(qtbot, Qt.Key.Key_Return)

    _answered(driver, qtbot, lambda: _alt(qtbot, box.table, Qt.Key.Key_T), join_twice)
    assert box.banner.text() == (
        "Group 1 already joined the project “A just response: designing a restorative "
        "meeting”. Take it out of that one first."
    )

    box.table.selectRow(box.projects.rows.index(changed))
    removed: list[bool] = []

    def agree(message: QWidget) -> None:
        assert isinstance(message, QMessageBox)
        qtbot.keyClick(message, Qt.Key.Key_Return)
        removed.append(True)

    when_shown(QMessageBox, agree)
    _alt(qtbot, box.table, Qt.Key.Key_V)
    qtbot.waitUntil(lambda: bool(removed), timeout=10_000)
    driver.settle()
    assert [p.topic for p in box.projects.rows] == [
        "A just response: designing a restorative meeting"
    ]
    driver.controller.shutdown()
    with sign_in(demo_dir, "demo", "demo") as workspace:
        spring = next(c for c in workspace.programme.list_cohorts() if c.name == SPRING)
        assert len(workspace.projects.projects(spring.id)) == 1
