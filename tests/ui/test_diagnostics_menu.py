"""Help → Save diagnostics for support…: signed in, and before anyone has signed in."""

from __future__ import annotations

from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from lt_desktop.ui.qt import QAction, QFileDialog, QMenu
from tests.helpers.personal_data import personal_data
from tests.ui.conftest import Driver

MENU_ITEM = "Save &diagnostics for support…"


def _save_diagnostics_to(
    driver: Driver, qtbot: QtBot, monkeypatch: pytest.MonkeyPatch, target: Path
) -> str:
    asked: list[str] = []

    def choose(*args: object, **kwargs: object) -> tuple[str, str]:
        asked.append(str(args[2]))  # the file name offered
        return str(target), ""

    monkeypatch.setattr(QFileDialog, "getSaveFileName", choose)
    help_menu = next(a.menu() for a in driver.window.menuBar().actions() if a.text() == "&Help")
    assert isinstance(help_menu, QMenu)
    item = next(a for a in help_menu.actions() if a.text() == MENU_ITEM)
    assert isinstance(item, QAction) and item.isEnabled()
    item.trigger()
    driver.settle()
    qtbot.waitUntil(target.exists, timeout=10_000)
    assert Path(asked[0]).name.startswith("LT Desktop diagnostics ")
    assert driver.window.status.text().startswith(f"Saved the diagnostics as {target.name}.")
    return target.read_text(encoding="utf-8")


def test_help_saves_diagnostics_with_no_personal_data(
    driver: Driver, qtbot: QtBot, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    driver.sign_in("demo", "demo")
    text = _save_diagnostics_to(driver, qtbot, monkeypatch, tmp_path / "for support.txt")
    assert "What the store holds" in text and "Schema revision" in text
    assert "  Qt " in text  # the app has Qt loaded, so its version is given
    workspace = driver.controller.workspace
    assert workspace is not None
    assert personal_data(workspace).found_in_text(text) == []
    assert len(workspace.audit.entries(action="diagnostics.saved")) == 1


def test_before_signing_in_help_saves_what_can_be_known(
    driver: Driver, qtbot: QtBot, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    text = _save_diagnostics_to(driver, qtbot, monkeypatch, tmp_path / "diagnostics.txt")
    assert "Settings and counts need someone signed in" in text
    assert "What the store holds" not in text
