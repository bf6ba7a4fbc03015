"""Marking by keyboard, and typing that outlives the lock: driven as a marker or a
member of staff would, on a real encrypted store."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from pytestqt.qtbot import QtBot

from lt_desktop.core.logs import configure_logging
from lt_desktop.core.sign_in import sign_in
from lt_desktop.domain.vocabulary import MarkPosition
from lt_desktop.ui.drafts import RESTORED
from lt_desktop.ui.main_window import LOCKED_TITLE, ChangePasswordDialog
from lt_desktop.ui.qt import QApplication, QPlainTextEdit, QPoint, Qt, QWidget
from lt_desktop.ui.screens.essays import EssaysScreen, MarkerView
from lt_desktop.ui.screens.interviews import InterviewsScreen
from lt_desktop.ui.screens.stories import StoriesScreen
from tests.helpers.stores import plaintext_hits
from tests.ui.conftest import Driver, all_visible_text, window_on

# Unusual words that cannot turn up in the store's files by chance.
FEEDBACK = "Quillon Vantablue weighs the reading group against the lecture"
STORY = "Thistlemorrow said the seminar made the wing library feel different"
NOTES = "Brackenvale spoke about trust across the two sites"


def _marker_view(driver: Driver) -> MarkerView:
    screen = driver.open(EssaysScreen)
    assert isinstance(screen, EssaysScreen) and screen.marker is not None
    return screen.marker


def _open_essay(driver: Driver, view: MarkerView, number: str | None = None) -> str:
    """Choose an essay on the marker's list (the first, unless named); its number."""
    row = next(i for i, t in enumerate(view.tasks.rows) if number in (None, t.candidate_number))
    view.list.selectRow(row)
    driver.settle()
    assert view._essay is not None
    return view._essay.candidate_number


def _type_into(qtbot: QtBot, field: QWidget, text: str, *, replacing: bool = False) -> None:
    """Click into the field, as a person would, then type into whatever has the focus."""
    target = field.viewport() if isinstance(field, QPlainTextEdit) else field
    field.window().activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is field.window())
    qtbot.mouseClick(target, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: QApplication.focusWidget() is field)
    if replacing:
        qtbot.keyClick(field, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
        qtbot.keyClick(field, Qt.Key.Key_Delete)
    qtbot.keyClicks(QApplication.focusWidget(), text)


def _from_store(driver: Driver, work: Any) -> Any:
    got: list[Any] = []
    driver.controller.load(work, got.append)
    driver.settle()
    return got[0]


def _submit(driver: Driver, qtbot: QtBot, view: MarkerView) -> None:
    qtbot.mouseClick(view.submit_button, Qt.MouseButton.LeftButton)
    driver.settle()


# -- marking ------------------------------------------------------------------------------


def test_an_empty_mark_is_refused_with_a_message_and_nothing_is_saved(
    driver: Driver, qtbot: QtBot
) -> None:
    driver.sign_in("marker", "demo")
    view = _marker_view(driver)
    number = _open_essay(driver, view)
    assert view.score.text() == ""  # no mark shown until one is typed
    _type_into(qtbot, view.feedback, "Thoughtful; I have not settled on a mark yet.")
    _submit(driver, qtbot, view)
    assert "Type your mark, from 0 to 100, before submitting" in view.banner.text()
    assert QApplication.focusWidget() is view.score
    essay = _from_store(driver, lambda ws: ws.marking.open_essay(number))
    assert essay.my_score is None and essay.my_feedback == ""
    assert view.tasks.rows[0].my_score is None
    _type_into(qtbot, view.score, "sixty")
    _submit(driver, qtbot, view)
    assert "is not a mark" in view.banner.text()
    assert _from_store(driver, lambda ws: ws.marking.open_essay(number)).my_score is None


def test_a_marker_corrects_their_own_mark_until_it_is_agreed(
    driver: Driver, qtbot: QtBot, demo_dir: Path
) -> None:
    driver.sign_in("marker", "demo")
    view = _marker_view(driver)
    number = _open_essay(driver, view)
    _type_into(qtbot, view.score, "58")
    _type_into(qtbot, view.feedback, "A clear start.")
    _submit(driver, qtbot, view)
    assert f"Your mark of 58 for {number} is saved" in view.banner.text()
    driver.controller.shutdown()
    with sign_in(demo_dir, "demo", "demo") as admin:  # the paper marker's mark comes in
        admin.essays.enter_mark(number, MarkPosition.SECOND, 70, "Strong.")
    with window_on(qtbot, demo_dir) as again:
        again.sign_in("marker", "demo")
        view = _marker_view(again)
        _open_essay(again, view, number)
        assert "stays hidden" in view.other.text() and "70" not in view.other.text()
        assert view.submit_button.isEnabled()
        _type_into(qtbot, view.score, "61", replacing=True)
        _type_into(qtbot, view.feedback, " Corrected after a second reading.")
        _submit(again, qtbot, view)
        assert f"Your mark of 61 for {number} is saved" in view.banner.text()
        essay = _from_store(again, lambda ws: ws.marking.open_essay(number))
        assert essay.my_score == 61
        assert essay.my_feedback == "A clear start. Corrected after a second reading."
        assert essay.other_score is None
    with sign_in(demo_dir, "demo", "demo") as admin:
        admin.essays.enter_mark(number, MarkPosition.AGREED, 66, "Agreed at moderation.")
    with window_on(qtbot, demo_dir) as last:
        last.sign_in("marker", "demo")
        view = _marker_view(last)
        _open_essay(last, view, number)
        assert view.score.text() == "61"
        assert not view.score.isEnabled() and not view.feedback.isEnabled()
        assert not view.submit_button.isEnabled()
        assert "agreed at 66" in view.banner.text() and "locked" in view.banner.text()
        assert view.other.text() == "The other marker gave 70."


# -- the lock -----------------------------------------------------------------------------


def test_the_lock_is_announced_and_any_activity_puts_it_off(driver: Driver, qtbot: QtBot) -> None:
    driver.sign_in("marker", "demo")
    assert driver.window.workspace_view is not None
    warning = driver.window.workspace_view.lock_warning
    driver.controller.idle.start(3_000)  # the warning comes after 1.5 s, the lock after 3 s
    assert warning.text() == ""
    qtbot.waitUntil(lambda: warning.text().startswith("Locking in"), timeout=3_000)
    assert "move the mouse or press a key to stay signed in" in warning.text()
    qtbot.mouseMove(driver.window, QPoint(300, 300))
    assert warning.text() == ""
    # A form left open, which the lock would close with what is typed in it.
    dialog = ChangePasswordDialog(driver.window, driver.controller)
    dialog.show()
    qtbot.waitUntil(lambda: warning.text().startswith("Locking in"), timeout=3_000)
    assert dialog.banner.text() == warning.text()
    qtbot.keyClick(dialog.current, Qt.Key.Key_Shift)
    assert warning.text() == "" and dialog.banner.text() == ""
    qtbot.wait(1_700)  # past when the lock would have come
    assert driver.controller.workspace is not None
    assert driver.window.windowTitle() != LOCKED_TITLE
    driver.controller.idle.stop()
    dialog.reject()


def test_feedback_being_typed_outlives_the_idle_lock_encrypted_and_for_its_writer_only(
    driver: Driver, qtbot: QtBot, demo_dir: Path
) -> None:
    configure_logging(demo_dir / "logs")  # the log is searched too
    driver.sign_in("marker", "demo")
    view = _marker_view(driver)
    number = _open_essay(driver, view)
    _type_into(qtbot, view.score, "72")
    _type_into(qtbot, view.feedback, FEEDBACK)
    assert driver.window.workspace_view is not None
    warning = driver.window.workspace_view.lock_warning
    driver.controller.idle.start(2_000)
    qtbot.waitUntil(lambda: warning.text().startswith("Locking in"), timeout=3_000)
    assert driver.controller.workspace is not None  # warned before the lock, not after
    with qtbot.waitSignal(driver.controller.locked, timeout=5_000):
        pass
    driver.settle()
    assert driver.window.windowTitle() == LOCKED_TITLE
    assert FEEDBACK not in all_visible_text()
    assert plaintext_hits(demo_dir, [FEEDBACK]) == []
    assert (demo_dir / "logs" / "lt-desktop.log").exists()

    # Someone else at the same computer never sees it.
    driver.sign_in("demo", "demo")
    driver.open(EssaysScreen)
    assert FEEDBACK not in all_visible_text()
    assert _from_store(driver, lambda ws: ws.drafts.waiting()) == []
    driver.controller.lock()
    driver.settle()

    driver.sign_in("marker", "demo")
    view = _marker_view(driver)
    qtbot.waitUntil(lambda: view.feedback.toPlainText() == FEEDBACK)
    assert view._essay is not None and view._essay.candidate_number == number
    assert view.score.text() == "72"
    assert RESTORED in view.banner.text()
    assert _from_store(driver, lambda ws: ws.drafts.waiting()) == []  # back on screen
    _submit(driver, qtbot, view)
    saved = _from_store(driver, lambda ws: ws.marking.open_essay(number))
    assert (saved.my_score, saved.my_feedback) == (72, FEEDBACK)
    assert plaintext_hits(demo_dir, [FEEDBACK]) == []


def test_ctrl_l_keeps_a_story_being_typed(driver: Driver, qtbot: QtBot, demo_dir: Path) -> None:
    driver.sign_in("staff", "demo")
    screen = driver.open(StoriesScreen)
    assert isinstance(screen, StoriesScreen)
    row = next(
        i
        for i, line in enumerate(screen.people.rows)
        if line.may_have_story and line.story is None and i > 0
    )
    screen.table.selectRow(row)
    driver.settle()
    person = screen.people.rows[row].person_id
    week = screen.week.currentText()
    _type_into(qtbot, screen.text, STORY)
    with qtbot.waitSignal(driver.controller.locked, timeout=5_000):
        qtbot.keyClick(
            QApplication.focusWidget(), Qt.Key.Key_L, Qt.KeyboardModifier.ControlModifier
        )
    driver.settle()
    assert plaintext_hits(demo_dir, [STORY]) == []
    driver.sign_in("staff", "demo")
    screen = driver.open(StoriesScreen)
    assert isinstance(screen, StoriesScreen)
    qtbot.waitUntil(lambda: screen.text.toPlainText() == STORY)
    assert screen.week.currentText() == week
    line = screen.people.row_at(screen.table.currentIndex())
    assert line is not None and line.person_id == person
    assert RESTORED in screen.banner.text()
    assert _from_store(driver, lambda ws: ws.drafts.waiting()) == []


def test_interview_notes_being_typed_come_back_when_the_person_is_chosen_again(
    driver: Driver, qtbot: QtBot, demo_dir: Path
) -> None:
    driver.sign_in("staff", "demo")
    screen = driver.open(InterviewsScreen)
    assert isinstance(screen, InterviewsScreen)
    tab = screen.interviews
    row = next(i for i, line in enumerate(tab.people.rows) if line.may_be_interviewed)
    tab.table.selectRow(row)
    driver.settle()
    person = tab.people.rows[row].person_id
    cohort = screen.cohort.currentText()
    _type_into(qtbot, tab.notes, NOTES)
    driver.controller.idle.start(200)
    with qtbot.waitSignal(driver.controller.locked, timeout=5_000):
        pass
    driver.settle()
    assert plaintext_hits(demo_dir, [NOTES]) == []
    driver.sign_in("staff", "demo")
    screen = driver.open(InterviewsScreen)
    assert isinstance(screen, InterviewsScreen)
    tab = screen.interviews
    qtbot.waitUntil(lambda: tab.notes.toPlainText() == NOTES)
    assert screen.cohort.currentText() == cohort
    line = tab.current_line()
    assert line is not None and line.person_id == person
    assert RESTORED in tab.banner.text()
