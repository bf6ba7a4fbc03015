"""Re-keying the store from Administration: offered when an account is disabled, run
in the background, and the one-time passwords and recovery key shown once."""

from __future__ import annotations

from pathlib import Path

from pytestqt.qtbot import QtBot

from lt_desktop.storage.keyslots import KeyFile, password_bytes
from lt_desktop.storage.recovery_key import RecoveryKey
from lt_desktop.ui.qt import QLabel, QMessageBox, QPushButton, Qt, QWidget
from lt_desktop.ui.screens.administration import (
    AdministrationScreen,
    RekeyDialog,
    RekeyedDialog,
)
from tests.ui.conftest import Driver, when_shown


def _click(qtbot: QtBot, box: QWidget, text: str) -> None:
    assert isinstance(box, QMessageBox)
    chosen = next(b for b in box.buttons() if b.text() == text)
    qtbot.mouseClick(chosen, Qt.MouseButton.LeftButton)


def test_disabling_offers_re_keying_which_hands_out_new_passwords_once(
    driver: Driver, qtbot: QtBot, demo_dir: Path
) -> None:
    old_key_file = KeyFile.load(demo_dir / "keys.json")
    driver.sign_in("demo", "demo")
    screen = driver.open(AdministrationScreen)
    assert isinstance(screen, AdministrationScreen)
    tab = screen.accounts_tab
    row = next(i for i, a in enumerate(tab.model.rows) if a.username == "staff")
    tab.table.selectRow(row)
    when_shown(QMessageBox, lambda box: _click(qtbot, box, "Disable account"))
    disable = next(b for b in tab.findChildren(QPushButton) if b.text() == "&Disable…")
    qtbot.mouseClick(disable, Qt.MouseButton.LeftButton)
    driver.settle()
    assert "until you re-key it" in tab.banner.text()
    assert tab.rekey_button.isVisible()

    shown: dict[str, str] = {}

    def confirm(dialog: QWidget) -> None:
        assert isinstance(dialog, RekeyDialog)
        qtbot.keyClicks(dialog.password, "demo")
        qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
        when_shown(RekeyedDialog, read_and_close)

    def read_and_close(dialog: QWidget) -> None:
        assert isinstance(dialog, RekeyedDialog)
        for label in dialog.findChildren(QLabel):
            name = label.accessibleName()
            if name.startswith("One-time password for "):
                shown[name.removeprefix("One-time password for ")] = label.text()
            elif name == "Recovery key":
                shown["recovery key"] = label.text()
        qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)

    when_shown(RekeyDialog, confirm)
    qtbot.mouseClick(tab.rekey_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "recovery key" in shown, timeout=60_000)
    driver.settle()
    assert "re-encrypted under a new key" in tab.banner.text()
    assert sorted(shown) == ["facilitator", "marker", "recovery key", "researcher"]

    # The window carries on, on the re-keyed store.
    tab.reload()
    driver.settle()
    assert {a.username for a in tab.model.rows} >= {"demo", "staff", "facilitator"}

    key_file = KeyFile.load(demo_dir / "keys.json")
    assert key_file.slot_for_user("staff") is None
    for username in ("facilitator", "marker", "researcher"):
        slot = key_file.slot_for_user(username)
        assert slot is not None
        assert slot.open(key_file.store_id, password_bytes(shown[username])) is not None
        assert slot.open(key_file.store_id, password_bytes("demo")) is None
    recovery = key_file.recovery_slot()
    assert recovery is not None
    new_key = recovery.open(key_file.store_id, RecoveryKey.parse(shown["recovery key"]).secret)
    old_slot = old_key_file.slot_for_user("staff")
    assert old_slot is not None
    assert new_key is not None
    assert new_key != old_slot.open(old_key_file.store_id, password_bytes("demo"))
