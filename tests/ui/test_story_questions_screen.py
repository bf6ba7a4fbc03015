"""The story questions, set from the Stories screen by keyboard: reworded, retired and
added for every cohort, given to one cohort and taken back; the answers given keep the
questions they answered, and the week's sheet shows them so."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from pytestqt.qtbot import QtBot

from lt_desktop.core.sign_in import sign_in
from lt_desktop.ui.qt import QApplication, QLabel, Qt, QWidget
from lt_desktop.ui.screens.stories import QuestionsDialog, StoriesScreen
from tests.helpers.drawing import draw
from tests.ui.conftest import Driver


def _focused() -> QWidget:
    widget = QApplication.focusWidget()
    assert widget is not None, "nothing has the keyboard focus"
    return widget


def _alt(qtbot: QtBot, key: Qt.Key) -> None:
    """Alt and an underlined letter; a button answers once it has shown itself pressed."""
    qtbot.keyClick(_focused(), key, Qt.KeyboardModifier.AltModifier)
    qtbot.wait(250)


def _wording(qtbot: QtBot, dialog: QuestionsDialog, text: str) -> None:
    _alt(qtbot, Qt.Key.Key_W)  # to the Wording field, through its label
    assert _focused() is dialog.wording
    qtbot.keyClick(dialog.wording, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClicks(dialog.wording, text)


def _open(driver: Driver, qtbot: QtBot, work: Callable[[QuestionsDialog], None]) -> StoriesScreen:
    screen = driver.open(StoriesScreen)
    assert screen.questions_button.isVisibleTo(screen)

    def ready(dialog: QWidget) -> None:
        assert isinstance(dialog, QuestionsDialog)
        dialog.activateWindow()
        qtbot.waitUntil(dialog.isActiveWindow, timeout=2000)
        driver.settle()
        work(dialog)

    driver.answer_next_dialog(ready)
    qtbot.mouseClick(screen.questions_button, Qt.MouseButton.LeftButton)
    driver.settle()
    return screen


def test_staff_reword_retire_and_add_questions_for_every_cohort(
    driver: Driver, qtbot: QtBot, demo_dir: Path
) -> None:
    driver.sign_in("staff", "demo")
    said: list[str] = []

    def work(dialog: QuestionsDialog) -> None:
        draw(dialog)
        assert [dialog.list.item(n).text() for n in range(dialog.list.count())] == [
            "1. What did you learn this week?  (answered)",
            "2. What surprised you, or changed how you see things?  (answered)",
            "3. How did learning with others shape your thinking?  (answered)",
        ]
        dialog.list.setCurrentRow(1)
        _wording(qtbot, dialog, "What surprised you most?")
        _alt(qtbot, Qt.Key.Key_C)
        said.append(dialog.banner.text())
        dialog.list.setCurrentRow(2)
        _alt(qtbot, Qt.Key.Key_R)
        said.append(dialog.banner.text())
        _wording(qtbot, dialog, "Who would you like to hear more from?")
        _alt(qtbot, Qt.Key.Key_A)
        _alt(qtbot, Qt.Key.Key_S)
        driver.settle()
        said.append(dialog.banner.text())
        dialog.reject()

    screen = _open(driver, qtbot, work)
    assert "the answers given keep the old one" in said[0]
    assert said[1] == "Retired: it is asked no more, and its answers keep it."
    assert said[2] == "Saved 3 questions."
    # The week shown, already held, asks the new questions and shows the old beside
    # the answers given to them.
    labels = [label.text() for label in screen.editor.findChildren(QLabel)]
    assert "What surprised you most?" in labels
    assert "What surprised you, or changed how you see things? (no longer asked)" in labels
    draw(driver.window)
    driver.controller.shutdown()
    with sign_in(demo_dir, "demo", "demo") as admin:
        assert [q.text for q in admin.stories.questions()] == [
            "What did you learn this week?",
            "What surprised you most?",
            "Who would you like to hear more from?",
        ]


def test_one_cohort_is_given_its_own_questions_and_then_every_cohorts_again(
    driver: Driver, qtbot: QtBot, demo_dir: Path
) -> None:
    driver.sign_in("demo", "demo")
    shown: list[str] = []

    def work(dialog: QuestionsDialog) -> None:
        autumn = next(
            i for i in range(dialog.scope.count()) if "September" in dialog.scope.itemText(i)
        )
        dialog.scope.setCurrentIndex(autumn)
        driver.settle()
        shown.append(dialog.about.text())
        assert not dialog.shared_button.isEnabled()
        _wording(qtbot, dialog, "What will you take away from this week?")
        _alt(qtbot, Qt.Key.Key_A)
        _alt(qtbot, Qt.Key.Key_S)
        driver.settle()
        shown.append(dialog.about.text())
        assert dialog.list.count() == 4 and dialog.shared_button.isEnabled()
        dialog.reject()

    _open(driver, qtbot, work)
    assert "asked every cohort's questions" in shown[0]
    assert "asked its own questions" in shown[1]

    def back(dialog: QuestionsDialog) -> None:
        autumn = next(
            i for i in range(dialog.scope.count()) if "September" in dialog.scope.itemText(i)
        )
        dialog.scope.setCurrentIndex(autumn)
        driver.settle()
        _alt(qtbot, Qt.Key.Key_Q)
        driver.settle()
        shown.append(dialog.banner.text())
        dialog.reject()

    _open(driver, qtbot, back)
    assert shown[2] == "This cohort is asked every cohort's questions again."
    driver.controller.shutdown()
    with sign_in(demo_dir, "demo", "demo") as admin:
        autumn = next(c for c in admin.programme.list_cohorts() if "September" in c.name)
        assert not admin.stories.question_set(autumn.id).own
        assert admin.stories.questions(autumn.id) == admin.stories.questions()
        changes = [e.action for e in admin.audit.entries() if e.action.startswith("stories.")]
        assert changes == ["stories.questions_changed", "stories.questions_changed"]


def test_a_facilitator_types_stories_but_is_not_offered_the_questions(
    driver: Driver,
) -> None:
    driver.sign_in("facilitator", "demo")
    screen = driver.open(StoriesScreen)
    assert not screen.questions_button.isVisibleTo(screen)
