"""Pairing and exchanging bundles on the Sync screen."""

from __future__ import annotations

from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from lt_desktop.core.vocabulary import SiteKind
from lt_desktop.ui.qt import QFileDialog, Qt, QWidget
from lt_desktop.ui.screens.sync import ExportDialog, ImportPreviewDialog, PairDialog, SyncScreen
from tests.helpers.sites import UNIVERSITY_ADMIN, UNIVERSITY_PASSWORD, Site, new_site
from tests.ui.conftest import Driver, window_on


@pytest.fixture
def university(tmp_path: Path) -> Site:
    return new_site(
        tmp_path / "university",
        "University of Eastbridge",
        SiteKind.UNIVERSITY,
        UNIVERSITY_ADMIN,
        UNIVERSITY_PASSWORD,
    )


def _choose_file(monkeypatch: pytest.MonkeyPatch, path: Path) -> None:
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a, **k: (str(path), ""))


def test_pair_export_and_import_with_a_preview(
    driver: Driver,
    qtbot: QtBot,
    university: Site,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # The university's card reaches the prison; its fingerprint is read over the phone.
    with university.open() as workspace:
        card, read_out = workspace.sync.site_card()
    (tmp_path / "uni.ltsite").write_bytes(card)
    driver.sign_in("demo", "demo")
    screen = driver.open(SyncScreen)
    assert isinstance(screen, SyncScreen)
    assert screen.partners_or_empty.currentWidget() is screen.partners_or_empty.message
    own_fingerprint = screen.site_fingerprint.text().splitlines()[-1]
    assert len(own_fingerprint.split()) == 12

    def confirm_fingerprint(dialog: QWidget) -> None:
        assert isinstance(dialog, PairDialog)
        qtbot.keyClicks(dialog.fingerprint, read_out)
        qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)

    _choose_file(monkeypatch, tmp_path / "uni.ltsite")
    driver.answer_next_dialog(confirm_fingerprint)
    qtbot.mouseClick(screen.pair_button, Qt.MouseButton.LeftButton)
    driver.settle()
    assert "Paired with University of Eastbridge" in screen.banner.text()
    assert [p.name for p in screen.partners.rows] == ["University of Eastbridge"]
    with university.open() as workspace:  # and the university pairs with the prison
        workspace.sync.pair(screen._card, own_fingerprint)

    bundle = tmp_path / "media" / "to-university.ltbundle"
    bundle.parent.mkdir()

    def export_here(dialog: QWidget) -> None:
        assert isinstance(dialog, ExportDialog)
        dialog.target.setText(str(bundle))
        qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)

    screen.partner_table.selectRow(0)
    driver.answer_next_dialog(export_here)
    qtbot.mouseClick(screen.export_button, Qt.MouseButton.LeftButton)
    driver.settle()
    assert "read back and verified" in screen.banner.text()
    assert bundle.exists()
    assert screen.partners.rows[0].last_sent_sequence == 1
    driver.controller.shutdown()

    # At the university: choose the bundle, see what it brings, then import it.
    with window_on(qtbot, university.folder) as uni:
        uni.sign_in(UNIVERSITY_ADMIN, UNIVERSITY_PASSWORD)
        uni_screen = uni.open(SyncScreen)
        assert isinstance(uni_screen, SyncScreen)
        _choose_file(monkeypatch, bundle)
        previewed: list[str] = []

        def accept_preview(dialog: QWidget) -> None:
            assert isinstance(dialog, ImportPreviewDialog)
            previewed.append(dialog.windowTitle())
            qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)

        uni.answer_next_dialog(accept_preview)
        qtbot.mouseClick(uni_screen.import_button, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: "imported:" in uni_screen.banner.text(), timeout=30_000)
        assert previewed == ["Import bundle 1 from HMP Northfield"]
    with university.open() as workspace:
        assert workspace.stats.counts()["people"] == 64


def test_a_declined_preview_imports_nothing(
    driver: Driver,
    qtbot: QtBot,
    university: Site,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from tests.helpers.sites import pair

    prison = Site("HMP Northfield", driver.controller.data_dir, "demo", "demo")
    driver.controller.shutdown()
    pair(prison, university)
    bundle = prison.export_to(university, tmp_path / "b.ltbundle").info.path
    with window_on(qtbot, university.folder) as uni:
        uni.sign_in(UNIVERSITY_ADMIN, UNIVERSITY_PASSWORD)
        screen = uni.open(SyncScreen)
        assert isinstance(screen, SyncScreen)
        _choose_file(monkeypatch, bundle)
        uni.answer_next_dialog(lambda dialog: dialog.reject())  # type: ignore[attr-defined]
        qtbot.mouseClick(screen.import_button, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: "Nothing was imported" in screen.banner.text(), timeout=30_000)
    with university.open() as workspace:
        assert workspace.stats.counts()["people"] == 0


def test_a_prison_with_two_partnerships_says_which_one_a_university_is_in(
    driver: Driver,
    qtbot: QtBot,
    university: Site,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    with university.open() as workspace:
        card, read_out = workspace.sync.site_card()
    (tmp_path / "uni.ltsite").write_bytes(card)
    driver.sign_in("demo", "demo")
    workspace = driver.controller.workspace
    assert workspace is not None
    eastbridge = workspace.programme.list_partnerships()[0]
    workspace.programme.add_partnership(
        name="Northfield and Westbridge",
        prison_name="HMP Northfield",
        university_name="Westbridge University",
    )
    screen = driver.open(SyncScreen)
    assert isinstance(screen, SyncScreen)
    seen: list[str] = []

    def pair_without_then_with(dialog: QWidget) -> None:
        assert isinstance(dialog, PairDialog)
        # The university's own partnership is offered first, found by its name.
        assert dialog.partnership.currentData() == eastbridge.id
        qtbot.keyClicks(dialog.fingerprint, read_out)
        dialog.partnership.setCurrentIndex(0)
        qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
        seen.append(dialog.banner.text())
        assert dialog.isVisible()
        choices = [dialog.partnership.itemData(i) for i in range(dialog.partnership.count())]
        dialog.partnership.setCurrentIndex(choices.index(eastbridge.id))
        qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)

    _choose_file(monkeypatch, tmp_path / "uni.ltsite")
    driver.answer_next_dialog(pair_without_then_with)
    qtbot.mouseClick(screen.pair_button, Qt.MouseButton.LeftButton)
    driver.settle()
    assert seen and "choose the partnership this one belongs to" in seen[0]
    screen = driver.open(SyncScreen)
    assert isinstance(screen, SyncScreen)
    assert [(p.name, p.partnership_name) for p in screen.partners.rows] == [
        ("University of Eastbridge", eastbridge.name)
    ]
    driver.controller.shutdown()
