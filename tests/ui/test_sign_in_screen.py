"""The sign-in screen works like a password manager's: it can remember who signs in on
this computer (never the password, never in the store), warns about Caps Lock, and can
show the password as typed. Everything here is done from the keyboard."""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from lt_desktop.ui.qt import QApplication, QLineEdit, Qt, QWidget
from lt_desktop.ui.remembered import SETTINGS_DIR_SETTING, RememberedName
from tests.helpers.stores import ADMIN, ADMIN_PASSWORD, new_store
from tests.ui.conftest import Driver, window_on


@pytest.fixture
def admin_driver(qtbot: QtBot, store_dir: Path) -> Iterator[Driver]:
    """The window on a store whose administrator's password differs from their name."""
    new_store(store_dir).close()
    with window_on(qtbot, store_dir) as opened:
        yield opened


def _settings_file() -> Path:
    return Path(os.environ[SETTINGS_DIR_SETTING]) / "sign-in.json"


def _files_naming(folder: Path, name: str) -> set[Path]:
    return {
        path for path in folder.rglob("*") if path.is_file() and name.encode() in path.read_bytes()
    }


def _sign_in_by_keyboard(driver: Driver, username: str, password: str) -> None:
    screen, qtbot = driver.window.unlock_screen, driver.qtbot
    if screen.username.text() != username:
        screen.username.setFocus()
        screen.username.selectAll()
        qtbot.keyClicks(screen.username, username)
        qtbot.keyClick(screen.username, Qt.Key.Key_Return)  # on to the password
    elif QApplication.focusWidget() is not screen.password:
        screen.password.setFocus()
    assert QApplication.focusWidget() is screen.password
    qtbot.keyClicks(screen.password, password)
    qtbot.keyClick(screen.password, Qt.Key.Key_Return)
    driver.settle()
    assert driver.window.workspace_view is not None


def _lock_by_keyboard(driver: Driver) -> None:
    with driver.qtbot.waitSignal(driver.controller.locked, timeout=5_000):
        focused = QApplication.focusWidget()
        assert focused is not None
        driver.qtbot.keyClick(focused, Qt.Key.Key_L, Qt.KeyboardModifier.ControlModifier)
    driver.settle()


def _press_space_on(qtbot: QtBot, widget: QWidget) -> None:
    widget.setFocus()
    qtbot.keyClick(widget, Qt.Key.Key_Space)


def test_the_user_name_is_remembered_outside_the_store_and_the_keyboard_starts_in_the_password(
    admin_driver: Driver, store_dir: Path
) -> None:
    screen = admin_driver.window.unlock_screen
    assert screen.username.text() == ""
    assert screen.remember.isChecked()  # remembering is the usual wish on one's own PC
    assert QApplication.focusWidget() is screen.username
    naming_before = _files_naming(store_dir, ADMIN)

    _sign_in_by_keyboard(admin_driver, ADMIN, ADMIN_PASSWORD)
    _lock_by_keyboard(admin_driver)

    assert screen.username.text() == ADMIN
    assert screen.password.text() == ""
    assert QApplication.focusWidget() is screen.password
    kept = _settings_file().read_text(encoding="utf-8")
    assert ADMIN in kept
    assert ADMIN_PASSWORD not in kept
    assert _files_naming(store_dir, ADMIN) == naming_before, "the store folder names them"
    assert not _files_naming(store_dir, ADMIN_PASSWORD)

    # straight back in with the password alone
    _sign_in_by_keyboard(admin_driver, ADMIN, ADMIN_PASSWORD)


def test_unticking_remember_forgets_the_name_and_stays_unticked(
    admin_driver: Driver, store_dir: Path
) -> None:
    screen, qtbot = admin_driver.window.unlock_screen, admin_driver.qtbot
    _sign_in_by_keyboard(admin_driver, ADMIN, ADMIN_PASSWORD)
    _lock_by_keyboard(admin_driver)
    assert screen.username.text() == ADMIN

    _press_space_on(qtbot, screen.remember)
    assert not screen.remember.isChecked()
    assert ADMIN not in _settings_file().read_text(encoding="utf-8")

    _sign_in_by_keyboard(admin_driver, ADMIN, ADMIN_PASSWORD)
    _lock_by_keyboard(admin_driver)
    assert screen.username.text() == ""
    assert not screen.remember.isChecked()  # a shared PC that opted out stays out
    assert QApplication.focusWidget() is screen.username
    settings = json.loads(_settings_file().read_text(encoding="utf-8"))
    assert settings == {"remember": False}


def test_caps_lock_is_told_from_the_letters_typed(admin_driver: Driver, qtbot: QtBot) -> None:
    screen = admin_driver.window.unlock_screen
    warning = screen.caps_lock_warning
    screen.password.setFocus()
    qtbot.keyClicks(screen.password, "123")
    assert not warning.isVisibleTo(screen)  # digits say nothing about Caps Lock

    qtbot.keyClicks(screen.password, "DEMO")  # capitals without Shift
    assert warning.isVisibleTo(screen)
    assert "Caps Lock is on" in warning.text()
    assert screen.password.accessibleDescription() == "Caps Lock is on"

    qtbot.keyClick(screen.password, Qt.Key.Key_CapsLock)  # turned off
    assert not warning.isVisibleTo(screen)
    qtbot.keyClicks(screen.password, "D", Qt.KeyboardModifier.ShiftModifier)
    assert not warning.isVisibleTo(screen)
    qtbot.keyClicks(screen.password, "d", Qt.KeyboardModifier.ShiftModifier)  # small with Shift
    assert warning.isVisibleTo(screen)
    qtbot.keyClicks(screen.password, "e")
    assert not warning.isVisibleTo(screen)
    assert screen.password.accessibleDescription() == ""


def test_the_password_can_be_shown_and_hidden_again(admin_driver: Driver, qtbot: QtBot) -> None:
    screen = admin_driver.window.unlock_screen
    assert screen.password.echoMode() is QLineEdit.EchoMode.Password
    screen.password.setFocus()
    qtbot.keyClicks(screen.password, "secret")
    qtbot.keyClick(screen.password, Qt.Key.Key_Tab)  # the next stop is the toggle
    assert QApplication.focusWidget() is screen.show_password
    assert screen.show_password.text().replace("&", "") == "Show password"
    qtbot.keyClick(screen.show_password, Qt.Key.Key_Space)
    assert screen.password.echoMode() is QLineEdit.EchoMode.Normal
    qtbot.keyClick(screen.show_password, Qt.Key.Key_Space)
    assert screen.password.echoMode() is QLineEdit.EchoMode.Password

    qtbot.keyClick(screen.show_password, Qt.Key.Key_Space)
    screen.password.clear()
    _sign_in_by_keyboard(admin_driver, ADMIN, ADMIN_PASSWORD)
    _lock_by_keyboard(admin_driver)
    assert screen.password.echoMode() is QLineEdit.EchoMode.Password  # hidden after a lock
    assert not screen.show_password.isChecked()


def test_remembered_names_are_kept_by_store_and_survive_a_damaged_settings_file(
    tmp_path: Path,
) -> None:
    settings = tmp_path / "settings"
    real, demo = tmp_path / "real store", tmp_path / "demo store"
    RememberedName(real, settings).remember("ada")
    RememberedName(demo, settings).remember("demo")
    assert RememberedName(real, settings).name == "ada"
    assert RememberedName(demo, settings).name == "demo"
    (settings / "sign-in.json").write_text("{not json", encoding="utf-8")
    assert RememberedName(real, settings).name == ""
    assert RememberedName(real, settings).wanted
    RememberedName(real, settings).remember("ada")
    assert RememberedName(real, settings).name == "ada"
