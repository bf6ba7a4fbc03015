"""Attaching a scan from the Essays screen, as staff do: the file chooser answered,
the button clicked, the scan read back from the real store."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from pytestqt.qtbot import QtBot

from lt_desktop.core.services.essays import MAX_SCAN_BYTES, ScanInfo
from lt_desktop.ui.qt import QFileDialog, QPushButton, Qt
from lt_desktop.ui.screens.essays import EssaysScreen
from tests.ui.conftest import Driver


def _choose(monkeypatch: pytest.MonkeyPatch, path: Path) -> list[str]:
    asked: list[str] = []

    def chosen(parent: Any, caption: str, *_: Any) -> tuple[str, str]:
        asked.append(caption)
        return str(path), ""

    monkeypatch.setattr(QFileDialog, "getOpenFileName", chosen)
    return asked


def _attach(driver: Driver, qtbot: QtBot, screen: EssaysScreen) -> None:
    assert screen.coordinator is not None
    (attach,) = [b for b in screen.findChildren(QPushButton) if b.text() == "Attach &scan…"]
    qtbot.mouseClick(attach, Qt.MouseButton.LeftButton)
    driver.settle()


def _scans(driver: Driver, essay_id: Any) -> list[ScanInfo]:
    got: list[list[ScanInfo]] = []
    driver.controller.load(lambda ws: ws.essays.scans(essay_id), got.append)
    driver.settle()
    return got[0]


def test_a_scan_chosen_is_kept_with_the_essay_and_too_large_a_one_is_refused(
    driver: Driver, qtbot: QtBot, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    driver.sign_in("demo", "demo")
    screen = driver.open(EssaysScreen)
    view = screen.coordinator
    assert view is not None
    qtbot.waitUntil(lambda: view.model.rowCount() > 0)
    view.table.selectRow(0)
    essay = view.model.row_at(view.table.currentIndex())
    assert essay is not None
    before = [s.filename for s in _scans(driver, essay.id)]

    scan = tmp_path / "essay-page-1.pdf"
    scan.write_bytes(b"%PDF-1.4\n% a scanned page\n%%EOF\n")
    asked = _choose(monkeypatch, scan)
    _attach(driver, qtbot, screen)
    assert asked == [f"Scan or photo of candidate {essay.candidate_number}'s essay"]
    qtbot.waitUntil(lambda: "Kept essay-page-1.pdf in the store" in view.banner.text())
    assert [s.filename for s in _scans(driver, essay.id)] == [*before, "essay-page-1.pdf"]

    huge = tmp_path / "huge.pdf"
    with huge.open("wb") as file:
        file.truncate(MAX_SCAN_BYTES + 1)
    _choose(monkeypatch, huge)
    view.table.selectRow(0)  # the list was drawn again with the new scan
    again = view.model.row_at(view.table.currentIndex())
    assert again is not None and again.id == essay.id
    _attach(driver, qtbot, screen)
    qtbot.waitUntil(lambda: "larger than 25 MB" in view.banner.text())
    assert [s.filename for s in _scans(driver, essay.id)] == [*before, "essay-page-1.pdf"]
