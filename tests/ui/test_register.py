"""The class register as a facilitator takes it: by keyboard, in a real window, drawn."""

from __future__ import annotations

import shutil
import uuid
from datetime import date
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from lt_desktop.core.demo import build_demo_store
from lt_desktop.core.services.register import Mark, MarkChange
from lt_desktop.core.sign_in import sign_in
from lt_desktop.domain.errors import ValidationError
from lt_desktop.domain.vocabulary import AttendanceStatus, MarkReason, MembershipRole, PersonBase
from lt_desktop.ui.qt import QApplication, QMenu, QMessageBox, Qt, QTimer, QWidget
from lt_desktop.ui.screens.overview import OverviewScreen
from lt_desktop.ui.screens.sessions import (
    CANCEL_TEXT,
    REINSTATE_TEXT,
    CancelDialog,
    SessionsScreen,
)
from tests.helpers.drawing import draw
from tests.helpers.stores import plaintext_hits
from tests.ui.conftest import (
    Driver,
    answer_next_menu,
    open_upcoming_register,
    when_shown,
    window_on,
)


def test_an_absence_with_a_reason_is_drawn(driver: Driver, qtbot: QtBot) -> None:
    driver.sign_in("facilitator", "demo")
    screen = open_upcoming_register(driver)
    table = screen.register.table
    answer_next_menu(qtbot, Qt.Key.Key_I)  # &Illness
    qtbot.keyClick(table, Qt.Key.Key_A)
    assert screen.register.model.rows[0].mark == Mark(AttendanceStatus.ABSENT, MarkReason.ILLNESS)
    draw(driver.window)
    driver.settle()
    draw(driver.window)


class Keyboard:
    """Keys pressed into whatever has the focus, counted as a facilitator would."""

    def __init__(self, qtbot: QtBot) -> None:
        self.qtbot = qtbot
        self.presses = 0

    def press(
        self, key: Qt.Key, modifier: Qt.KeyboardModifier = Qt.KeyboardModifier.NoModifier
    ) -> None:
        QApplication.processEvents()  # no one types faster than the window answers
        target = QApplication.focusWidget()
        assert target is not None, "nothing has the keyboard focus"
        self.presses += 1
        self.qtbot.keyClick(target, key, modifier)

    def type(self, text: str) -> None:
        """Words typed into a field: their letters are not counted as presses."""
        QApplication.processEvents()
        target = QApplication.focusWidget()
        assert target is not None
        self.qtbot.keyClicks(target, text)


def test_a_whole_register_by_keyboard(driver: Driver, qtbot: QtBot, demo_dir: Path) -> None:
    """Everyone marked, three absences with different reasons, a late arrival with a
    reason, one note; then undo; then the table is drawn and read back, and saved."""
    driver.sign_in("facilitator", "demo")
    screen = open_upcoming_register(driver)
    register = screen.register
    lines = list(register.model.rows)
    assert 28 <= len(lines) <= 34
    assert QApplication.focusWidget() is register.table
    keys = Keyboard(qtbot)
    absences = {
        3: (Qt.Key.Key_I, "Illness"),
        8: (Qt.Key.Key_L, "Legal visit"),
        14: (Qt.Key.Key_H, "Healthcare"),
    }
    noted, note = 5, "Held at the gate by a search"
    late_with_reason = 20
    for row in range(len(lines)):
        assert register.table.currentIndex().row() == row
        if row in absences:
            answer_next_menu(qtbot, absences[row][0])
            keys.press(Qt.Key.Key_A)
            keys.presses += 1  # the reason's letter, pressed in the menu
        elif row == noted:

            def write_note(dialog: QWidget) -> None:
                keys.type(note)
                keys.press(Qt.Key.Key_Return)

            driver.answer_next_dialog(write_note)
            keys.press(Qt.Key.Key_N)
            assert register.model.rows[row].mark is None  # kept for the mark to come
            keys.press(Qt.Key.Key_L)
        elif row == late_with_reason:
            answer_next_menu(qtbot, Qt.Key.Key_D)  # Regime &delay
            keys.press(Qt.Key.Key_L, Qt.KeyboardModifier.ShiftModifier)
            keys.presses += 1
        else:
            keys.press(Qt.Key.Key_P)
    # One key a person, one more for each reason, two to open and save the note.
    assert keys.presses == len(lines) + len(absences) + 1 + 2
    assert register.counts.text() == f"All marked · ✓ {len(lines) - 5} ◷ 2 ✗ 3"
    assert register.counts.accessibleDescription() == (
        f"Present {len(lines) - 5} · Late 2 · Absent 3 · Not yet marked 0"
    )
    # Undo takes back the last mark, and the row shows it as never made.
    keys.press(Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    last = len(lines) - 1
    assert register.model.rows[last].mark is None
    register.table.setCurrentIndex(register.model.index(last, 3))
    answer_next_menu(qtbot, Qt.Key.Key_G)  # …though none is given
    keys.press(Qt.Key.Key_E, Qt.KeyboardModifier.ShiftModifier)  # excused, with a reason…
    driver.settle()

    draw(driver.window)
    shown = [
        [register.model.index(row, column).data() for column in (1, 3, 4)]
        for row in range(len(lines))
    ]
    for row, (_key, reason) in absences.items():
        assert shown[row] == [lines[row].display_name, "✗ Absent", reason]
    assert shown[noted] == [lines[noted].display_name, "◷ Late", note]
    assert shown[late_with_reason] == [
        lines[late_with_reason].display_name,
        "◷ Late",
        "Regime delay",
    ]
    assert shown[0] == [lines[0].display_name, "✓ Present", ""]
    driver.settle()
    session_id = register.session.id if register.session else None
    driver.controller.shutdown()
    with sign_in(demo_dir, "demo", "demo") as workspace:
        assert session_id is not None
        register_saved = workspace.register.register(session_id)
    saved = {line.person_id: line.mark for line in register_saved.lines}
    assert saved[lines[3].person_id] == Mark(AttendanceStatus.ABSENT, MarkReason.ILLNESS)
    assert saved[lines[8].person_id] == Mark(AttendanceStatus.ABSENT, MarkReason.LEGAL_VISIT)
    assert saved[lines[14].person_id] == Mark(AttendanceStatus.ABSENT, MarkReason.HEALTHCARE)
    assert saved[lines[noted].person_id] == Mark(AttendanceStatus.LATE, note=note)
    assert saved[lines[late_with_reason].person_id] == Mark(
        AttendanceStatus.LATE, MarkReason.REGIME_DELAY
    )
    assert saved[lines[last].person_id] == Mark(AttendanceStatus.EXCUSED)
    assert saved[lines[0].person_id] == Mark(AttendanceStatus.PRESENT)


@pytest.fixture(scope="module")
def _todays_demo_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("todays-demo") / "store"
    build_demo_store(folder, today=date.today())
    return folder


@pytest.fixture
def todays_demo(_todays_demo_template: Path, tmp_path: Path) -> Path:
    """A demo made for the real today, as `lt-desktop demo` makes it."""
    target = tmp_path / "today"
    shutil.copytree(_todays_demo_template, target, ignore=shutil.ignore_patterns("store.lock"))
    return target


def test_a_facilitator_lands_on_the_register_to_take_today(qtbot: QtBot, todays_demo: Path) -> None:
    with window_on(qtbot, todays_demo) as driver:
        driver.sign_in("facilitator", "demo")
        view = driver.window.workspace_view
        assert view is not None
        screen = view.screens[view.nav.currentRow()]
        assert isinstance(screen, SessionsScreen)
        session = screen.register.session
        assert session is not None and session.week == 11
        assert session.held_on >= date.today()
        assert (session.held_on - date.today()).days <= 2  # today, or Monday after a weekend
        assert screen.session_choice.currentText().startswith("Week 11 · ")
        # Every week before it was taken (today's own is flagged only once it is over).
        assert not screen.due.isVisibleTo(screen) or "week 11 of" in screen.due.toolTip()
        assert QApplication.focusWidget() is screen.register.table
        draw(driver.window)


def test_a_register_not_taken_is_flagged_and_opened(qtbot: QtBot, todays_demo: Path) -> None:
    with sign_in(todays_demo, "demo", "demo") as workspace:
        running = next(
            c
            for c in workspace.programme.list_cohorts()
            if c.starts_on <= date.today() and c.ends_on >= date.today()
        )
        week_ten = next(s for s in workspace.programme.list_sessions(running.id) if s.week == 10)
        lines = workspace.register.register(week_ten.id).lines
        workspace.register.set_marks(week_ten.id, {line.person_id: None for line in lines})
    with window_on(qtbot, todays_demo) as driver:
        driver.sign_in("staff", "demo")
        overview = driver.open(OverviewScreen)
        assert isinstance(overview, OverviewScreen)
        assert overview.due_box.isVisibleTo(overview)
        # Oldest first; today's own session joins it once it is over.
        assert overview.due.rows[0].session_id == week_ten.id
        assert {d.week for d in overview.due.rows} <= {10, 11}
        draw(driver.window)
        qtbot.mouseClick(overview.take_button, Qt.MouseButton.LeftButton)
        driver.settle()
        view = driver.window.workspace_view
        assert view is not None
        sessions = view.screens[view.nav.currentRow()]
        assert isinstance(sessions, SessionsScreen)
        assert sessions.register.session is not None
        assert sessions.register.session.id == week_ten.id
        assert "week 10 of" in sessions.due.toolTip()
        draw(driver.window)


def test_marks_made_in_a_row_are_saved_together_and_before_a_lock(
    driver: Driver, qtbot: QtBot, demo_dir: Path
) -> None:
    driver.sign_in("facilitator", "demo")
    register = open_upcoming_register(driver).register
    assert register.session is not None
    session_id = register.session.id
    people = [line.person_id for line in register.model.rows[:5]]
    workspace = driver.controller.workspace
    assert workspace is not None
    saves: list[int] = []
    set_marks = workspace.register.set_marks

    def counted(session_id: uuid.UUID, marks: dict[uuid.UUID, Mark | None]) -> list[MarkChange]:
        saves.append(len(marks))
        return set_marks(session_id, marks)

    workspace.register.set_marks = counted  # type: ignore[method-assign]
    for _ in range(3):
        qtbot.keyClick(register.table, Qt.Key.Key_P)
    assert register.has_unsaved_marks  # drawn at once, saved a moment later
    driver.settle()
    assert saves == [3]
    for _ in range(2):
        qtbot.keyClick(register.table, Qt.Key.Key_L)
    driver.controller.lock()  # before that moment has passed
    assert saves == [3, 2]
    driver.controller.shutdown()
    with sign_in(demo_dir, "demo", "demo") as again:
        saved = {line.person_id: line.mark for line in again.register.register(session_id).lines}
    assert [saved[person] for person in people] == [Mark(AttendanceStatus.PRESENT)] * 3 + [
        Mark(AttendanceStatus.LATE)
    ] * 2


def _refuse_every_save(driver: Driver, why: str) -> None:
    """The store refuses every register save from now on, as a full disk would."""
    workspace = driver.controller.workspace
    assert workspace is not None

    def refused(session_id: uuid.UUID, marks: dict[uuid.UUID, Mark | None]) -> list[MarkChange]:
        raise ValidationError(why)

    workspace.register.set_marks = refused  # type: ignore[method-assign]


def test_marks_that_cannot_be_saved_are_said_and_the_store_is_shown(
    driver: Driver, qtbot: QtBot
) -> None:
    driver.sign_in("facilitator", "demo")
    register = open_upcoming_register(driver).register
    _refuse_every_save(driver, "That session was removed at another site.")
    qtbot.keyClick(register.table, Qt.Key.Key_P)
    assert register.model.rows[0].mark == Mark(AttendanceStatus.PRESENT)
    driver.settle()
    assert register.banner.text() == (
        "Those marks were not saved: That session was removed at another site. "
        "The register shows what is saved."
    )
    assert register.model.rows[0].mark is None
    assert not register.undo_action.isEnabled()
    draw(driver.window)


def test_the_window_locks_safely_while_a_reason_menu_is_open(driver: Driver, qtbot: QtBot) -> None:
    driver.sign_in("facilitator", "demo")
    register = open_upcoming_register(driver).register
    locked: list[bool] = []

    def lock_while_open() -> None:
        if not isinstance(QApplication.activePopupWidget(), QMenu):
            QTimer.singleShot(10, lock_while_open)
            return
        driver.controller.lock()
        locked.append(True)

    QTimer.singleShot(0, lock_while_open)
    qtbot.keyClick(register.table, Qt.Key.Key_A)  # the menu opens; the lock comes
    assert locked == [True]
    driver.settle()
    assert driver.window.workspace_view is None
    assert QApplication.activePopupWidget() is None
    driver.sign_in("facilitator", "demo")
    draw(driver.window)


def test_a_mark_made_just_before_changing_session_is_there_on_coming_back(
    driver: Driver, qtbot: QtBot
) -> None:
    driver.sign_in("facilitator", "demo")
    screen = open_upcoming_register(driver)
    row = screen.session_choice.currentIndex()
    qtbot.keyClick(screen.register.table, Qt.Key.Key_P)
    screen.session_choice.setCurrentIndex(row - 1)  # at once: the mark is still waiting
    screen.session_choice.setCurrentIndex(row)
    driver.settle()
    assert screen.register.model.rows[0].mark == Mark(AttendanceStatus.PRESENT)
    assert screen.register.counts.text().endswith("✓ 1")


def test_a_note_for_someone_not_yet_marked_outlives_a_lock_a_quit_and_an_undo(
    driver: Driver, qtbot: QtBot, demo_dir: Path
) -> None:
    note = "Called to healthcare, back by three"
    driver.sign_in("facilitator", "demo")
    register = open_upcoming_register(driver).register
    person = register.model.rows[0].person_id

    keys = Keyboard(qtbot)

    def write_note(dialog: QWidget) -> None:
        keys.type(note)
        keys.press(Qt.Key.Key_Return)

    driver.answer_next_dialog(write_note)
    qtbot.keyClick(register.table, Qt.Key.Key_N)
    assert register.model.index(0, 4).data() == f"Note, kept for their mark: {note}"
    driver.controller.lock()
    driver.settle()
    assert driver.window.workspace_view is None
    assert plaintext_hits(demo_dir, [note]) == []
    driver.sign_in("facilitator", "demo")
    register = open_upcoming_register(driver).register
    driver.settle()
    assert register.model.index(0, 4).data() == f"Note, kept for their mark: {note}"
    driver.controller.shutdown()

    with window_on(qtbot, demo_dir) as again:
        again.sign_in("facilitator", "demo")
        register = open_upcoming_register(again).register
        again.settle()
        assert register.model.rows[0].person_id == person
        assert register.model.index(0, 4).data() == f"Note, kept for their mark: {note}"
        qtbot.keyClick(register.table, Qt.Key.Key_P)
        assert register.model.rows[0].mark == Mark(AttendanceStatus.PRESENT, note=note)
        qtbot.keyClick(register.table, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
        assert register.model.rows[0].mark is None
        assert register.model.index(0, 4).data() == f"Note, kept for their mark: {note}"
        draw(again.window)


def test_marks_that_fail_to_save_as_the_window_locks_are_still_told(
    driver: Driver, qtbot: QtBot
) -> None:
    driver.sign_in("facilitator", "demo")
    register = open_upcoming_register(driver).register
    _refuse_every_save(driver, "The disk is full.")
    told: list[str] = []

    def read_and_close(box: QWidget) -> None:
        assert isinstance(box, QMessageBox)
        told.append(box.text())
        box.accept()

    when_shown(QMessageBox, read_and_close)
    qtbot.keyClick(register.table, Qt.Key.Key_P)
    driver.controller.lock()
    qtbot.waitUntil(lambda: bool(told))
    assert told == ["The disk is full."]


def test_two_people_of_the_same_name_are_told_apart_in_the_register(
    qtbot: QtBot, demo_dir: Path
) -> None:
    with sign_in(demo_dir, "demo", "demo") as workspace:
        autumn = next(
            c for c in workspace.programme.list_cohorts() if c.name.startswith("September")
        )
        namesake = next(
            m
            for m in workspace.memberships.list_members(autumn.id)
            if m.role is MembershipRole.STUDENT
        )
        given, family = namesake.display_name.split(" ", 1)
        second = workspace.people.add_person(
            given_name=given, family_name=family, base=PersonBase.UNIVERSITY
        )
        workspace.memberships.enrol(autumn.id, second.id, on=autumn.starts_on)
    with window_on(qtbot, demo_dir) as driver:
        driver.sign_in("facilitator", "demo")
        register = open_upcoming_register(driver).register
        rows = [
            (line.person_id, register.model.index(row, 1).data())
            for row, line in enumerate(register.model.rows)
        ]
        draw(driver.window)
    pair = (namesake.person_id, second.id)
    shown = [name for person_id, name in rows if person_id in pair]
    assert len(shown) == 2 and shown[0] != shown[1]
    assert all(name.startswith(f"{namesake.display_name} · ref ") for name in shown)
    others = [name for person_id, name in rows if person_id not in pair]
    assert not any(" · ref " in name for name in others)


def test_a_lockdown_week_is_cancelled_by_keyboard_takes_no_register_and_is_reinstated(
    driver: Driver, qtbot: QtBot
) -> None:
    driver.sign_in("staff", "demo")
    screen = open_upcoming_register(driver)
    week = screen.register.session
    assert week is not None and week.week == 11 and not week.is_cancelled
    qtbot.mouseClick(screen.list_button, Qt.MouseButton.LeftButton)
    driver.settle()
    assert screen.cancel_button.isVisible() and screen.cancel_button.text() == CANCEL_TEXT

    def cancel_for_a_staff_shortage(dialog: QWidget) -> None:
        assert isinstance(dialog, CancelDialog)
        qtbot.waitUntil(lambda: QApplication.focusWidget() is dialog.reason, timeout=2000)
        reason = dialog.reason
        qtbot.keyClick(reason, Qt.Key.Key_Down)  # from Lockdown to Staff shortage
        qtbot.keyClick(reason, Qt.Key.Key_Tab)
        qtbot.keyClicks(QApplication.focusWidget(), "two officers off sick")
        qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Return)

    driver.answer_next_dialog(cancel_for_a_staff_shortage)
    qtbot.mouseClick(screen.cancel_button, Qt.MouseButton.LeftButton)
    driver.settle()
    register = screen.register
    assert register.table_or_empty.currentWidget() is register.table_or_empty.message
    assert "cancelled (staff shortage: two officers off sick)" in (
        register.table_or_empty.message.text()
    )
    assert not register.toolbar.isEnabled() and register.counts.text() == ""
    row = next(i for i, s in enumerate(screen.sessions.rows) if s.id == week.id)
    assert screen.sessions.index(row, 3).data() == "Cancelled"
    assert screen.cancel_button.text() == REINSTATE_TEXT
    draw(driver.window)
    workspace = driver.controller.workspace
    assert workspace is not None
    assert workspace.programme.get_session(week.id).cancellation() == (
        "staff shortage: two officers off sick"
    )
    due = [d.week for d in workspace.register.registers_not_taken()]
    assert 11 not in due

    qtbot.mouseClick(screen.cancel_button, Qt.MouseButton.LeftButton)  # it went ahead after all
    driver.settle()
    assert not workspace.programme.get_session(week.id).is_cancelled
    assert register.table_or_empty.currentWidget() is not register.table_or_empty.message
    assert register.toolbar.isEnabled() and register.everyone_action.isEnabled()
    assert screen.cancel_button.text() == CANCEL_TEXT and register.counts.text() != ""
    draw(driver.window)
