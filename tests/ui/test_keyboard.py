"""Someone who works from the keyboard can reach every control and every section.

An underlined letter is a promise: Alt and that letter reaches the control. Two
controls shown at once with the same letter break it (Qt only moves the focus
between them), and so does a label with no buddy to hand the focus to.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from pytestqt.qtbot import QtBot

from lt_desktop.domain.roles import Permission
from lt_desktop.ui.keyboard import SectionJump, ShortcutsWindow, matching
from lt_desktop.ui.qt import (
    QAbstractButton,
    QApplication,
    QDialog,
    QFileDialog,
    QGroupBox,
    QKeySequence,
    QLabel,
    QMainWindow,
    QMenu,
    QMessageBox,
    QPushButton,
    Qt,
    QTabWidget,
    QTimer,
    QWidget,
)
from lt_desktop.ui.screens.administration import AdministrationScreen
from lt_desktop.ui.screens.backups import BackupsScreen
from lt_desktop.ui.screens.cohorts import CohortsScreen
from lt_desktop.ui.screens.documents import DocumentsScreen
from lt_desktop.ui.screens.essays import EssaysScreen
from lt_desktop.ui.screens.groups import GroupsScreen
from lt_desktop.ui.workspace_view import WorkspaceView
from tests.conftest import FileChoosers
from tests.ui.conftest import Driver

ROLES = ["demo", "staff", "facilitator", "marker", "researcher"]


def mnemonic(text: str) -> str:
    """The letter Alt goes with, as Qt reads it: the first "&x"; "&&" is an ampersand."""
    position = 0
    while (position := text.find("&", position)) != -1 and position + 1 < len(text):
        following = text[position + 1]
        if following != "&":
            return following.upper() if following.isprintable() else ""
        position += 2
    return ""


@dataclass(frozen=True)
class Underlined:
    """A control, tab or menu title whose text underlines a letter."""

    key: str
    text: str
    needs_buddy: bool = False


def _plain_label(label: QLabel) -> bool:
    """Only plain text underlines a letter: in rich text "&amp;" is an ampersand."""
    shown_as = label.textFormat()
    if shown_as == Qt.TextFormat.AutoText:
        return not label.text().lstrip().startswith("<")
    return shown_as == Qt.TextFormat.PlainText


def underlined_in(window: QWidget) -> list[Underlined]:
    """Every underlined letter shown in the window right now, menu bar titles included."""
    titles = window.menuBar().actions() if isinstance(window, QMainWindow) else []
    found = [
        Underlined(mnemonic(action.text()), f"menu {action.text()!r}")
        for action in titles
        if action.isVisible() and mnemonic(action.text())
    ]
    for widget in window.findChildren(QWidget):
        if widget.window() is not window or not widget.isVisible():
            continue
        texts: list[tuple[str, str]] = []
        needs_buddy = False
        if isinstance(widget, QAbstractButton):
            texts = [(type(widget).__name__, widget.text())]
        elif isinstance(widget, QGroupBox):
            texts = [("group box", widget.title())]
        elif isinstance(widget, QTabWidget):
            bar = widget.tabBar()
            texts = [
                ("tab", widget.tabText(i)) for i in range(widget.count()) if bar.isTabVisible(i)
            ]
        elif isinstance(widget, QLabel) and _plain_label(widget):
            texts = [("label", widget.text())]
            needs_buddy = widget.buddy() is None
        for kind, text in texts:
            if key := mnemonic(text):
                found.append(Underlined(key, f"{kind} {text!r}", needs_buddy=needs_buddy))
    return found


def problems_in(window: QWidget, where: str) -> list[str]:
    """The clashes and dead labels shown at once, in words a person can act on."""
    by_key: dict[str, list[str]] = defaultdict(list)
    problems = []
    for item in underlined_in(window):
        by_key[item.key].append(item.text)
        if item.needs_buddy:
            problems.append(f"{where}: Alt+{item.key} does nothing: {item.text} has no buddy")
    for key, texts in sorted(by_key.items()):
        if len(texts) > 1:
            problems.append(f"{where}: Alt+{key} is underlined on {', '.join(texts)}")
    return problems


def menu_problems(window: QMainWindow) -> list[str]:
    """Within an open menu, a letter is pressed without Alt; each must be unique."""
    problems = []
    for title in window.menuBar().actions():
        menu = title.menu()
        assert isinstance(menu, QMenu)
        by_key: dict[str, list[str]] = defaultdict(list)
        for action in menu.actions():
            if action.isVisible() and (key := mnemonic(action.text())):
                by_key[key].append(action.text())
        problems += [
            f"menu {title.text()!r}: {key} is underlined on {', '.join(texts)}"
            for key, texts in by_key.items()
            if len(texts) > 1
        ]
    return problems


def each_view(driver: Driver, screen: QWidget) -> Iterator[str]:
    """Shows each tab of each of the screen's tab widgets in turn, and each kind of
    document (each shows its own fields), naming what is shown."""
    yield ""
    for tabs in screen.findChildren(QTabWidget):
        if not tabs.isVisible():
            continue
        first = tabs.currentIndex()
        for index in range(tabs.count()):
            if index == first or not tabs.isTabVisible(index):
                continue
            tabs.setCurrentIndex(index)
            driver.settle()
            yield f" / tab {tabs.tabText(index).replace('&', '')!r}"
        tabs.setCurrentIndex(first)
        driver.settle()
    if isinstance(screen, DocumentsScreen):
        first = screen.kinds.currentRow()
        for row in range(screen.kinds.count()):
            item = screen.kinds.item(row)
            if row != first and item.flags() & Qt.ItemFlag.ItemIsSelectable:
                screen.kinds.setCurrentRow(row)
                driver.settle()
                yield f" / {item.text()!r}"
        screen.kinds.setCurrentRow(first)
        driver.settle()


def _view(driver: Driver) -> WorkspaceView:
    view = driver.window.workspace_view
    assert view is not None, "not signed in"
    return view


@pytest.mark.parametrize("username", ROLES)
def test_every_underlined_letter_on_every_screen_is_unique_and_works(
    driver: Driver, qtbot: QtBot, username: str
) -> None:
    problems = problems_in(driver.window, "signing in")
    driver.sign_in(username, "demo")
    view = _view(driver)
    workspace = driver.controller.workspace
    assert workspace is not None
    if workspace.actor.may(Permission.BACKUP):
        view.reminder.show()  # as it is whenever a backup is overdue
    problems += menu_problems(driver.window)
    for row, screen in enumerate(view.screens):
        view.nav.setCurrentRow(row)
        driver.settle()
        for shown in each_view(driver, screen):
            problems += problems_in(driver.window, f"{username}: {screen.title}{shown}")
    assert not problems, "\n" + "\n".join(problems)


@pytest.mark.parametrize("text", ["E&xport", "Print && post", "Print && &post", "No letter"])
def test_the_letters_are_read_as_qt_reads_them(text: str) -> None:
    expected = QKeySequence.mnemonic(text)
    assert mnemonic(text) == (expected.toString().removeprefix("Alt+") if expected else "")


def test_every_form_a_screen_opens_has_its_own_letters(
    driver: Driver, qtbot: QtBot, file_choosers: FileChoosers
) -> None:
    """Each form is a window of its own, so its letters only need to differ from each
    other. Every button that opens one (its name ends in "…") is pressed and the form
    closed again; questions are Qt's own and only closed, and file choosers are the
    computer's and answered Cancel."""
    driver.sign_in("demo", "demo")
    view = _view(driver)
    problems: list[str] = []
    opened: list[str] = []
    pressing = {"where": "", "on": True}

    def close_what_opens() -> None:
        if not pressing["on"]:
            return
        # Looked again for in a moment whatever happens now: a form left open would
        # keep the test waiting for ever.
        QTimer.singleShot(20, close_what_opens)
        dialog = QApplication.activeModalWidget()
        if dialog is None:
            return
        try:
            opened.append(dialog.windowTitle())
            if not isinstance(dialog, QFileDialog | QMessageBox):
                where = f"{pressing['where']}, form {dialog.windowTitle()!r}"
                problems.extend(problems_in(dialog, where))
        except Exception as error:  # noqa: BLE001 - reported below, the form still closed
            problems.append(f"{pressing['where']}: {type(error).__name__}: {error}")
        finally:
            assert isinstance(dialog, QDialog)
            dialog.reject()

    QTimer.singleShot(0, close_what_opens)
    try:
        for row, screen in enumerate(view.screens):
            view.nav.setCurrentRow(row)
            driver.settle()
            for shown in each_view(driver, screen):
                for button in screen.findChildren(QPushButton):
                    if button.isVisible() and button.isEnabled() and button.text().endswith("…"):
                        pressing["where"] = f"{screen.title}{shown}: {button.text()!r}"
                        button.click()
                        driver.settle()
    finally:
        pressing["on"] = False
    assert {"New cohort", "Add an account", "Print feedback sheets"} <= set(opened)
    assert file_choosers.asked, "no button asked for a file"
    assert not problems, "\n" + "\n".join(problems)


def _press(driver: Driver, key: Qt.Key, modifier: Qt.KeyboardModifier) -> None:
    """A key pressed in the window, as a person would: shortcuts only reach an active window."""
    window = driver.window
    window.activateWindow()
    driver.qtbot.waitUntil(window.isActiveWindow)
    driver.qtbot.keyClick(window, key, modifier)


def _alt(driver: Driver, key: Qt.Key) -> None:
    _press(driver, key, Qt.KeyboardModifier.AltModifier)


def test_alt_and_a_letter_presses_the_button_or_goes_to_the_field(
    driver: Driver, qtbot: QtBot
) -> None:
    driver.sign_in("demo", "demo")
    view = _view(driver)
    view.reminder.show()
    cohorts = driver.open(CohortsScreen)
    assert mnemonic(cohorts.new_button.text()) == "C"
    titles: list[str] = []

    def note_and_close(dialog: QWidget) -> None:
        titles.append(dialog.windowTitle())
        dialog.close()

    driver.answer_next_dialog(note_and_close)
    _alt(driver, Qt.Key.Key_C)
    qtbot.waitUntil(lambda: titles == ["New cohort"])
    driver.settle()

    groups = driver.open(GroupsScreen)
    _alt(driver, Qt.Key.Key_C)
    assert groups.cohort.hasFocus()  # through the label's buddy

    # A tab's controls are hidden while another tab is shown, and so are their letters:
    # Add account… and, on the Security tab, Check the store now both use C.
    admin = driver.open(AdministrationScreen)
    driver.answer_next_dialog(note_and_close)
    _alt(driver, Qt.Key.Key_C)
    qtbot.waitUntil(lambda: titles == ["New cohort", "Add an account"])
    driver.settle()
    _alt(driver, Qt.Key.Key_L)
    assert admin.tabs.currentWidget() is admin.audit_tab
    _alt(driver, Qt.Key.Key_W)
    assert admin.audit_tab.filter.hasFocus()

    _alt(driver, Qt.Key.Key_N)  # the backup reminder's Back up now…, once it is the only N
    qtbot.waitUntil(lambda: isinstance(view.stack.currentWidget(), BackupsScreen))


def _jump(driver: Driver) -> SectionJump:
    _press(driver, Qt.Key.Key_K, Qt.KeyboardModifier.ControlModifier)
    driver.qtbot.waitUntil(lambda: isinstance(QApplication.activeModalWidget(), SectionJump))
    jump = QApplication.activeModalWidget()
    assert isinstance(jump, SectionJump)
    driver.qtbot.waitUntil(jump.isActiveWindow)
    assert jump.name.hasFocus()  # typing goes straight into the name
    return jump


def test_ctrl_k_goes_to_a_section_beyond_the_ninth_by_part_of_its_name(
    driver: Driver, qtbot: QtBot
) -> None:
    driver.sign_in("demo", "demo")
    view = _view(driver)
    assert driver.nav_titles().index("Backup and restore") >= 9  # no Ctrl+number reaches it
    jump = _jump(driver)
    assert jump.matches.count() == len(view.screens)
    qtbot.keyClicks(jump.name, "back")
    assert [jump.matches.item(i).text() for i in range(jump.matches.count())] == [
        "Backup and restore"
    ]
    qtbot.keyClick(jump.name, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: isinstance(view.stack.currentWidget(), BackupsScreen))
    assert view.nav.currentItem().text() == "Backup and restore"
    assert QApplication.activeModalWidget() is None
    # As after signing in, Tab goes on into the section.
    assert driver.window.focusWidget() is view.nav


def test_ctrl_k_offers_only_the_sections_the_role_sees(driver: Driver, qtbot: QtBot) -> None:
    driver.sign_in("facilitator", "demo")
    jump = _jump(driver)
    offered = [jump.matches.item(i).text() for i in range(jump.matches.count())]
    assert offered == driver.nav_titles() and "Administration" not in offered
    qtbot.keyClicks(jump.name, "admin")
    assert jump.matches.count() == 0 and jump.nothing.isVisible()
    qtbot.keyClick(jump.name, Qt.Key.Key_Return)  # nothing to open: the box stays
    assert QApplication.activeModalWidget() is jump
    qtbot.keyClick(jump.name, Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: QApplication.activeModalWidget() is None)


def test_up_and_down_choose_among_the_matches(driver: Driver, qtbot: QtBot) -> None:
    driver.sign_in("demo", "demo")
    view = _view(driver)
    jump = _jump(driver)
    qtbot.keyClicks(jump.name, "and")
    shown = [jump.matches.item(i).text() for i in range(jump.matches.count())]
    assert shown[:2] == ["Sessions and register", "Essays and marking"]
    qtbot.keyClick(jump.name, Qt.Key.Key_Down)
    assert jump.name.hasFocus() and jump.matches.currentItem().text() == shown[1]
    qtbot.keyClick(jump.name, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: isinstance(view.stack.currentWidget(), EssaysScreen))


def test_names_that_start_with_what_is_typed_come_first() -> None:
    titles = ["Sessions and register", "Essays and marking", "Stories", "Sync"]
    assert matching(titles, "s") == [0, 2, 3, 1]
    assert matching(titles, "  REG ") == [0]
    assert matching(titles, "") == [0, 1, 2, 3]


def test_go_to_section_is_in_the_file_menu_and_only_when_signed_in(driver: Driver) -> None:
    window = driver.window
    file_menu = window.menuBar().actions()[0].menu()
    assert isinstance(file_menu, QMenu) and window.go_to_action in file_menu.actions()
    assert window.go_to_action.shortcut() == QKeySequence("Ctrl+K")
    assert not window.go_to_action.isEnabled()
    driver.sign_in("staff", "demo")
    assert window.go_to_action.isEnabled()
    driver.controller.lock()
    driver.settle()
    assert not window.go_to_action.isEnabled()


def test_help_lists_the_keyboard_shortcuts(driver: Driver, qtbot: QtBot) -> None:
    help_menu = next(a.menu() for a in driver.window.menuBar().actions() if a.text() == "&Help")
    assert isinstance(help_menu, QMenu)
    (item,) = [a for a in help_menu.actions() if a.text() == "&Keyboard shortcuts"]
    item.trigger()  # before signing in too: it shows nothing from the store
    shown = driver.window.findChild(ShortcutsWindow)
    assert shown is not None and shown.isVisible()
    text = shown.text.toPlainText()
    for keys in ["Ctrl+1 to Ctrl+9", "Ctrl+K", "Ctrl+L", "F1", "Ctrl+Z", "Ctrl+Shift+P", "Delete"]:
        assert keys in text
    item.trigger()
    assert len(driver.window.findChildren(ShortcutsWindow)) == 1
