"""First run, signing in, locking: what staff meet before any record."""

from __future__ import annotations

from pathlib import Path

import shiboken6
from pypdf import PdfReader
from pytestqt.qtbot import QtBot

from lt_desktop.core import defaults
from lt_desktop.core.sign_in import sign_in
from lt_desktop.domain.vocabulary import SiteKind
from lt_desktop.ui.main_window import LOCKED_TITLE
from lt_desktop.ui.qt import QApplication, QEvent, Qt, QWizard
from lt_desktop.ui.screens.cohorts import CohortsScreen
from lt_desktop.ui.screens.people import PeopleScreen, PersonDialog
from lt_desktop.ui.setup_wizard import SetupWizard
from tests.ui.conftest import Driver, all_visible_text


def test_first_run_wizard_makes_the_store_and_opens_the_main_window(
    empty_driver: Driver, qtbot: QtBot, store_dir: Path, tmp_path: Path
) -> None:
    wizard = SetupWizard(empty_driver.controller)
    qtbot.addWidget(wizard)
    wizard.show()
    qtbot.keyClicks(wizard.site_page.site_name, "HMP Kestrel")
    qtbot.mouseClick(wizard.site_page.university, Qt.MouseButton.LeftButton)
    qtbot.mouseClick(wizard.site_page.prison, Qt.MouseButton.LeftButton)
    qtbot.mouseClick(wizard.button(QWizard.WizardButton.NextButton), Qt.MouseButton.LeftButton)
    admin = wizard.admin_page
    assert wizard.currentPage() is admin
    qtbot.keyClicks(admin.full_name, "Ada Lovelace")
    qtbot.keyClicks(admin.username, "ada")
    qtbot.keyClicks(admin.password, "short")
    qtbot.keyClicks(admin.repeat, "short")
    qtbot.mouseClick(wizard.button(QWizard.WizardButton.NextButton), Qt.MouseButton.LeftButton)
    assert "at least 8 characters" in admin.banner.text()
    for field in (admin.password, admin.repeat):
        field.clear()
        qtbot.keyClicks(field, "a long enough password")
    qtbot.mouseClick(wizard.button(QWizard.WizardButton.NextButton), Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: wizard.currentPage() is wizard.key_page, timeout=30_000)

    key_page = wizard.key_page
    key = wizard.recovery_key
    assert key is not None
    assert key_page.key_label.text().split() == key.groups()
    finish = wizard.button(QWizard.WizardButton.FinishButton)
    assert not finish.isEnabled()  # not until the key has been kept
    sheet = tmp_path / "recovery.pdf"
    key_page.save_sheet(sheet)
    text = "".join(page.extract_text() for page in PdfReader(sheet).pages)
    for group in key.groups():
        assert group in text
    assert "HMP Kestrel" in text
    qtbot.mouseClick(key_page.kept, Qt.MouseButton.LeftButton)
    assert finish.isEnabled()
    qtbot.mouseClick(finish, Qt.MouseButton.LeftButton)

    window = empty_driver.window
    assert window.workspace_view is not None
    assert window.windowTitle() == "LT Desktop: HMP Kestrel"
    assert "Administration" in empty_driver.nav_titles()
    cohorts = empty_driver.open(CohortsScreen)
    assert cohorts.cohorts_or_empty.currentWidget() is cohorts.cohorts_or_empty.message
    empty_driver.controller.shutdown()
    with sign_in(store_dir, "ada", "a long enough password") as workspace:
        assert workspace.store.site.kind is SiteKind.PRISON
        assert workspace.actor.display_name == "Ada Lovelace"
        # Ready for the research from the first day: questions and a questionnaire.
        assert [q.text for q in workspace.stories.questions()] == defaults.STORY_QUESTIONS
        assert [t.name for t in workspace.questionnaires.templates()] == [
            defaults.QUESTIONNAIRE_NAME
        ]


def test_a_wrong_password_then_the_right_one(driver: Driver, qtbot: QtBot) -> None:
    screen = driver.window.unlock_screen
    driver.sign_in("demo", "not it")
    assert driver.window.workspace_view is None
    assert "user name or password is not right" in screen.banner.text()
    assert screen.password.text() == ""
    assert screen.password.hasFocus() or not driver.window.isActiveWindow()
    screen.username.clear()
    driver.sign_in("demo", "demo")
    assert driver.window.workspace_view is not None
    assert "Demo Administrator" in driver.window.status.text()


def test_idle_lock_hides_every_personal_detail(driver: Driver, qtbot: QtBot) -> None:
    driver.sign_in("demo", "demo")
    people_screen = driver.open(PeopleScreen)
    assert isinstance(people_screen, PeopleScreen)
    names = [people_screen.model.index(row).data() for row in range(people_screen.model.rowCount())]
    assert len(names) > 50
    people_screen.list.setCurrentIndex(people_screen.model.index(5))
    driver.settle()
    assert names[5] in all_visible_text()
    # A dialog left open over someone's record when the person walks away.
    dialog = PersonDialog(driver.window, None, may_set_prison_details=False)
    qtbot.keyClicks(dialog.given, names[7].split()[0])
    dialog.show()
    with qtbot.waitSignal(driver.controller.locked, timeout=5_000):
        driver.controller.idle.start(50)
    driver.settle()
    assert driver.window.windowTitle() == LOCKED_TITLE
    assert not shiboken6.isValid(dialog)  # destroyed, with what was typed in it
    assert driver.window.workspace_view is None
    QApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
    shown = all_visible_text()
    for name in names:
        for part in name.split():
            if len(part) > 3:
                assert part not in shown, f"{part!r} still on screen while locked"
    assert driver.controller.workspace is None
    # The store itself is closed: nothing can be read until someone signs in again.
    driver.sign_in("staff", "demo")
    assert driver.window.workspace_view is not None


def test_ctrl_l_locks_at_once(driver: Driver, qtbot: QtBot) -> None:
    driver.sign_in("demo", "demo")
    driver.window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.focusWidget() is not None)
    with qtbot.waitSignal(driver.controller.locked, timeout=5_000):
        qtbot.keyClick(
            QApplication.focusWidget(), Qt.Key.Key_L, Qt.KeyboardModifier.ControlModifier
        )
    assert driver.window.windowTitle() == LOCKED_TITLE
    assert "window was locked" in driver.window.unlock_screen.subtitle.text()


def test_the_recovery_key_resets_a_forgotten_password_from_the_sign_in_screen(
    empty_driver: Driver, qtbot: QtBot, store_dir: Path
) -> None:
    from tests.helpers.stores import new_store

    printed: list[str] = []
    empty_driver.controller.shutdown()
    new_store(store_dir, recovery=printed).close()
    empty_driver.controller.open_store()
    screen = empty_driver.window.unlock_screen

    def fill(dialog: object) -> None:
        from lt_desktop.ui.unlock import RecoveryDialog

        assert isinstance(dialog, RecoveryDialog)
        qtbot.keyClicks(dialog.recovery_key, printed[0])
        qtbot.keyClicks(dialog.username, "admin")
        qtbot.keyClicks(dialog.new_password, "remembered at last")
        qtbot.keyClicks(dialog.repeat, "remembered at last")
        qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)

    empty_driver.answer_next_dialog(fill)
    qtbot.mouseClick(screen.forgot_button, Qt.MouseButton.LeftButton)
    empty_driver.settle()
    assert empty_driver.window.workspace_view is not None
    empty_driver.controller.shutdown()
    sign_in(store_dir, "admin", "remembered at last").close()
