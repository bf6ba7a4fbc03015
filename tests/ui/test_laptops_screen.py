"""The Classroom laptops screen, driven as a person does: staff set up a laptop for a
cohort (its kit on the stick, the passphrase on screen); a facilitator takes the
laptop's registers in with one button; a lost laptop is revoked; and on the laptop,
one button saves the registers and one takes the updates in."""

from __future__ import annotations

from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from lt_desktop.core.services.laptops import read_kit, set_up_laptop
from lt_desktop.core.sign_in import sign_in
from lt_desktop.storage import models as m
from lt_desktop.ui.qt import QFileDialog, QMessageBox, Qt, QWidget
from lt_desktop.ui.screens.cohorts import CohortsScreen
from lt_desktop.ui.screens.laptops import LaptopsScreen, NewLaptopDialog
from tests.helpers.drawing import draw
from tests.ui.conftest import Driver, when_shown, window_on

LAPTOP_USER, LAPTOP_PASSWORD = "amina", "laptop password 1"


def _stick_is(monkeypatch: pytest.MonkeyPatch, stick: Path) -> list[str]:
    asked: list[str] = []

    def choose(*args: object, **kwargs: object) -> str:
        asked.append(str(args[1]) if len(args) > 1 else "")
        return str(stick)

    monkeypatch.setattr(QFileDialog, "getExistingDirectory", choose)
    return asked


def _click(qtbot: QtBot, widget: QWidget) -> None:
    qtbot.mouseClick(widget, Qt.MouseButton.LeftButton)


def test_a_laptop_is_set_up_its_registers_taken_in_and_it_is_revoked(
    driver: Driver,
    qtbot: QtBot,
    demo_dir: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    stick = tmp_path / "stick"
    stick.mkdir()
    _stick_is(monkeypatch, stick)
    driver.sign_in("staff", "demo")
    screen = driver.open(LaptopsScreen)
    assert isinstance(screen, LaptopsScreen)
    assert screen.create_button.isVisible() and not screen.save_button.isVisible()

    def fill_in(dialog: QWidget) -> None:
        assert isinstance(dialog, NewLaptopDialog)
        dialog.name.clear()
        qtbot.keyClicks(dialog.name, "Classroom laptop 1")
        running = next(box for box, _ in dialog.cohorts if "September" in box.text())
        _click(qtbot, running)
        dialog.folder.clear()
        qtbot.keyClicks(dialog.folder, str(stick))
        draw(dialog)
        _click(qtbot, dialog.ok_button)

    driver.answer_next_dialog(fill_in)
    _click(qtbot, screen.create_button)
    driver.settle()
    assert "Classroom laptop 1 is set up for September" in screen.banner.text()
    assert screen.passphrase and screen.passphrase in screen.banner.text()
    assert [laptop.name for laptop in screen.laptops.rows] == ["Classroom laptop 1"]
    draw(screen)
    [kit] = stick.glob("*.ltkit")

    # The laptop is made from the kit, and a register taken on it goes to the stick.
    laptop = tmp_path / "laptop"
    set_up_laptop(
        laptop,
        read_kit(kit, screen.passphrase),
        username=LAPTOP_USER,
        display_name="Amina Yusuf",
        password=LAPTOP_PASSWORD,
    )
    with sign_in(laptop, LAPTOP_USER, LAPTOP_PASSWORD) as workspace:
        with workspace.store.read() as session:
            week_11 = session.query(m.ClassSession).filter(m.ClassSession.week == 11).one().id
        marked = len(workspace.register.mark_everyone_present(week_11))
        workspace.laptops.save_registers(stick)

    # A facilitator at the PC: one button.
    driver.controller.lock()
    driver.settle()
    driver.sign_in("facilitator", "demo")
    screen = driver.open(LaptopsScreen)
    assert isinstance(screen, LaptopsScreen)
    assert not screen.create_button.isVisible() and not screen.table.isVisible()
    _click(qtbot, screen.take_in_button)
    driver.settle()
    assert f"imported: {marked} new" in screen.banner.text()
    assert "Wrote the updated registers for Classroom laptop 1" in screen.banner.text()
    assert list(stick.glob("Updates for Classroom laptop 1*"))
    draw(screen)

    # Staff revoke it, once it is lost.
    driver.controller.lock()
    driver.settle()
    driver.sign_in("staff", "demo")
    screen = driver.open(LaptopsScreen)
    assert isinstance(screen, LaptopsScreen)
    screen.table.selectRow(0)
    asked: list[str] = []

    def revoke(box: QWidget) -> None:
        assert isinstance(box, QMessageBox)
        asked.append(box.text())
        _click(qtbot, next(b for b in box.buttons() if b.text() == "Revoke"))

    when_shown(QMessageBox, revoke)
    _click(qtbot, screen.revoke_button)
    driver.settle()
    assert asked and "Revoke Classroom laptop 1?" in asked[0]
    assert "Revoked Classroom laptop 1" in screen.banner.text()
    assert screen.laptops.rows[0].revoked_at is not None

    # Its next registers are refused, and say why.
    with sign_in(laptop, LAPTOP_USER, LAPTOP_PASSWORD) as workspace:
        workspace.laptops.save_registers(stick)
    _click(qtbot, screen.take_in_button)
    driver.settle()
    assert "Classroom laptop 1 was revoked on" in screen.banner.text()


def test_on_the_laptop_two_buttons_carry_the_registers(
    qtbot: QtBot, demo_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    stick = tmp_path / "stick"
    stick.mkdir()
    with sign_in(demo_dir, "staff", "demo") as workspace:
        cohorts = sorted(workspace.programme.list_cohorts(), key=lambda c: c.starts_on)
        made = workspace.laptops.create("Classroom laptop 1", [cohorts[-1].id], stick)
    laptop = tmp_path / "laptop"
    set_up_laptop(
        laptop,
        read_kit(made.kit, made.passphrase),
        username=LAPTOP_USER,
        display_name="Amina Yusuf",
        password=LAPTOP_PASSWORD,
    )
    asked = _stick_is(monkeypatch, stick)
    with window_on(qtbot, laptop) as driver:
        driver.sign_in(LAPTOP_USER, LAPTOP_PASSWORD)
        screen = driver.open(LaptopsScreen)
        assert isinstance(screen, LaptopsScreen)
        assert screen.save_button.isVisible() and screen.update_button.isVisible()
        assert not screen.take_in_button.isVisible() and not screen.create_button.isVisible()
        assert "carries the registers of September" in screen.about.text()
        draw(screen)
        # It holds no projects: the cohort page does not offer an empty tab of them.
        cohort_page = driver.open(CohortsScreen)
        assert isinstance(cohort_page, CohortsScreen)
        tabs = cohort_page.detail_tabs
        assert tabs.isTabVisible(0) and not tabs.isTabVisible(1)
        screen = driver.open(LaptopsScreen)
        assert isinstance(screen, LaptopsScreen)
        _click(qtbot, screen.save_button)
        driver.settle()
        assert "Saved the registers to Registers from Classroom laptop 1" in screen.banner.text()
        assert len(asked) == 1  # the stick is chosen once, then remembered

        with sign_in(demo_dir, "facilitator", "demo") as workspace:
            workspace.laptops.take_in_registers(stick)
        _click(qtbot, screen.update_button)
        driver.settle()
        assert "from HMP Northfield: imported" in screen.banner.text()
        assert len(asked) == 1
        assert not list(stick.glob("Updates for*"))
