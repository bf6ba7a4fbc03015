"""First run on a classroom laptop: the wizard makes the laptop's store from the kit on
the stick and the passphrase, and refuses a wrong passphrase or a changed kit without
making anything."""

from __future__ import annotations

from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from lt_desktop.core.services.laptops import CreatedKit
from lt_desktop.core.sign_in import sign_in
from lt_desktop.storage.folder import StoreFolder
from lt_desktop.ui.qt import QFileDialog, Qt, QWizard
from lt_desktop.ui.screens.laptops import LaptopsScreen
from lt_desktop.ui.setup_wizard import SetupWizard
from tests.helpers.drawing import draw
from tests.ui.conftest import Driver

PASSWORD = "a long laptop password"


def _kit(demo_dir: Path, stick: Path) -> CreatedKit:
    stick.mkdir()
    with sign_in(demo_dir, "staff", "demo") as workspace:
        cohorts = sorted(workspace.programme.list_cohorts(), key=lambda c: c.starts_on)
        return workspace.laptops.create("Classroom laptop 1", [cohorts[-1].id], stick)


def _to_laptop_page(wizard: SetupWizard, qtbot: QtBot) -> None:
    qtbot.mouseClick(wizard.site_page.laptop, Qt.MouseButton.LeftButton)
    assert not wizard.site_page.site_name.isEnabled()
    _next(wizard, qtbot)
    assert wizard.currentPage() is wizard.laptop_page


def _next(wizard: SetupWizard, qtbot: QtBot) -> None:
    qtbot.mouseClick(wizard.button(QWizard.WizardButton.NextButton), Qt.MouseButton.LeftButton)


def _fill(wizard: SetupWizard, qtbot: QtBot, passphrase: str) -> None:
    page = wizard.laptop_page
    for field, text in [
        (page.passphrase, passphrase),
        (page.full_name, "Amina Yusuf"),
        (page.username, "amina"),
        (page.password, PASSWORD),
        (page.repeat, PASSWORD),
    ]:
        field.clear()
        qtbot.keyClicks(field, text)


def test_a_classroom_laptop_is_set_up_from_its_kit(
    empty_driver: Driver,
    qtbot: QtBot,
    demo_dir: Path,
    store_dir: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    made = _kit(demo_dir, tmp_path / "stick")
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *args, **kwargs: (str(made.kit), ""))
    wizard = SetupWizard(empty_driver.controller)
    qtbot.addWidget(wizard)
    wizard.show()
    _to_laptop_page(wizard, qtbot)
    page = wizard.laptop_page
    qtbot.mouseClick(page.choose, Qt.MouseButton.LeftButton)
    assert page.kit.text() == str(made.kit)
    _fill(wizard, qtbot, made.passphrase)
    draw(wizard)
    _next(wizard, qtbot)
    qtbot.waitUntil(lambda: wizard.currentPage() is wizard.key_page, timeout=60_000)
    assert "now Classroom laptop 1, a classroom laptop of" in wizard.key_page.banner.text()
    assert not made.kit.exists(), "the kit is taken off the stick"
    key = wizard.recovery_key
    assert key is not None and wizard.key_page.key_label.text().split() == key.groups()
    draw(wizard)
    qtbot.mouseClick(wizard.key_page.kept, Qt.MouseButton.LeftButton)
    qtbot.mouseClick(wizard.button(QWizard.WizardButton.FinishButton), Qt.MouseButton.LeftButton)

    assert empty_driver.window.windowTitle() == "LT Desktop: Classroom laptop 1"
    screen = empty_driver.open(LaptopsScreen)
    assert isinstance(screen, LaptopsScreen) and screen.save_button.isVisible()
    view = empty_driver.window.workspace_view
    assert view is not None
    # Only what the laptop carries: nothing entered here that would never leave it.
    assert [s.title for s in view.screens] == [
        "Overview",
        "Cohorts",
        "People",
        "Groups",
        "Sessions and register",
        "Sync",
        "Classroom laptops",
        "Documents",
        "Backup and restore",
        "Administration",
    ]
    empty_driver.controller.shutdown()
    with sign_in(store_dir, "amina", PASSWORD) as workspace:
        assert workspace.actor.display_name == "Amina Yusuf"
        assert workspace.laptops.this_laptop() is not None
        assert workspace.people.list_people(), "the first bundle was taken in"


@pytest.mark.parametrize("spoilt", ["passphrase", "kit"])
def test_a_wrong_passphrase_or_a_changed_kit_makes_nothing(
    empty_driver: Driver,
    qtbot: QtBot,
    demo_dir: Path,
    store_dir: Path,
    tmp_path: Path,
    spoilt: str,
) -> None:
    made = _kit(demo_dir, tmp_path / "stick")
    passphrase = made.passphrase
    if spoilt == "passphrase":
        passphrase = ("B" if passphrase[0] != "B" else "C") + passphrase[1:]
    else:
        raw = bytearray(made.kit.read_bytes())
        raw[-20] ^= 0x01
        made.kit.write_bytes(bytes(raw))
    before = made.kit.read_bytes()
    wizard = SetupWizard(empty_driver.controller)
    qtbot.addWidget(wizard)
    wizard.show()
    _to_laptop_page(wizard, qtbot)
    page = wizard.laptop_page
    qtbot.keyClicks(page.kit, str(made.kit))
    _fill(wizard, qtbot, passphrase)
    _next(wizard, qtbot)
    qtbot.waitUntil(page.passphrase.isEnabled, timeout=60_000)
    assert wizard.currentPage() is page
    assert page.banner.text(), "says why"
    draw(wizard)
    assert not StoreFolder(store_dir).has_store()
    assert made.kit.read_bytes() == before, "the kit stays on the stick as it was"
    assert sorted(p.name for p in store_dir.parent.iterdir() if ".laptop-" in p.name) == []
    # The worker stops before the wizard is closed, with the refused set-up's error let go.
    empty_driver.controller.shutdown()
