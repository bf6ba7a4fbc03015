"""Pairing and exchanging bundles on the Sync screen."""

from __future__ import annotations

from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from lt_desktop.domain.roles import Role
from lt_desktop.domain.vocabulary import AttendanceStatus, SiteKind
from lt_desktop.ui.qt import QFileDialog, QMessageBox, Qt, QWidget
from lt_desktop.ui.screens.sync import ExportDialog, ImportPreviewDialog, PairDialog, SyncScreen
from tests.helpers.drawing import draw
from tests.helpers.sites import UNIVERSITY_ADMIN, UNIVERSITY_PASSWORD, Site, new_site
from tests.sync.conflict_sites import (
    LAPTOP,
    PRISON,
    WEEK_ONE,
    Sites,
    clash_over_week_one,
    held_mark,
    listed,
    three_sites,
)
from tests.ui.conftest import Driver, all_visible_text, when_shown, window_on


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
    with university.open() as at_university:
        card, read_out = at_university.sync.site_card()
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


@pytest.fixture(scope="module")
def _three_sites(tmp_path_factory: pytest.TempPathFactory) -> Sites:
    return three_sites(tmp_path_factory.mktemp("sync-screen-conflicts"))


@pytest.fixture
def clashed(_three_sites: Sites, tmp_path: Path) -> Sites:
    """The prison and the laptop both changed Amir's week 1 mark, and exchanged."""
    sites = _three_sites.copy(tmp_path)
    clash_over_week_one(sites)
    return sites


def _answer(qtbot: QtBot, button_text: str, asked: list[str]) -> None:
    def click(box: QWidget) -> None:
        assert isinstance(box, QMessageBox)
        asked.append(box.text())
        chosen = next(b for b in box.buttons() if b.text() == button_text)
        qtbot.mouseClick(chosen, Qt.MouseButton.LeftButton)

    when_shown(QMessageBox, click)


def _conflicts_tab(qtbot: QtBot, driver: Driver, site: Site) -> SyncScreen:
    driver.sign_in(site.username, site.password)
    screen = driver.open(SyncScreen)
    assert isinstance(screen, SyncScreen)
    screen.tabs.setCurrentIndex(1)
    driver.settle()
    return screen


def test_a_conflict_is_shown_side_by_side_and_the_partners_version_kept(
    qtbot: QtBot, clashed: Sites
) -> None:
    session_id, amir = clashed.seed.sessions[0], clashed.seed.people[0]
    with window_on(qtbot, clashed.laptop.folder) as driver:
        screen = _conflicts_tab(qtbot, driver, clashed.laptop)
        assert screen.tabs.tabText(1) == "C&onflicts (1)"
        assert [c.title for c in screen.conflicts.rows] == [WEEK_ONE]
        model = screen.conflict_table.model()
        assert model.index(0, 1).data() == "Waiting for a choice"
        # The first is chosen: its words, both values side by side, who made each.
        assert screen.conflict_title.text() == WEEK_ONE
        assert screen.conflict_state.text() == (
            f"Kept {LAPTOP}'s version for now; waiting for a choice."
        )
        fields = screen.field_table.model()
        shown = [
            [fields.index(row, column).data() for column in range(4)]
            for row in range(fields.rowCount())
        ]
        assert shown == [
            ["Mark", "Late", "Absent", "Late"],
            ["Reason", "(empty)", "Illness", "(empty)"],
        ]
        assert screen.ours_made.text().startswith(f"This site's version: {LAPTOP}, by Laptop, ")
        assert screen.theirs_made.text().startswith(
            f"The partner's version: {PRISON}, by Education, "
        )
        assert screen.keep_theirs_button.text() == f"Kee&p {PRISON}'s"
        assert screen.keep_ours_button.isEnabled() and not screen.seen_button.isEnabled()
        draw(screen)

        asked: list[str] = []
        _answer(qtbot, f"Keep {PRISON}'s", asked)
        qtbot.mouseClick(screen.keep_theirs_button, Qt.MouseButton.LeftButton)
        driver.settle()
        assert asked and asked[0].startswith(f"Keep {PRISON}'s version of {WEEK_ONE}?")
        assert f"Kept {PRISON}'s version of {WEEK_ONE}." in screen.banner.text()
        assert screen.conflicts.rows == [] and screen.tabs.tabText(1) == "C&onflicts"
        assert screen.conflicts_or_empty.currentWidget() is screen.conflicts_or_empty.message
        assert not screen.conflict_detail.isEnabled()
        draw(screen)
        driver.controller.shutdown()
    # The choice travels: the prison takes it in, and both hold the same mark.
    clashed.carry(clashed.laptop, clashed.prison)
    assert held_mark(clashed.prison, session_id, amir) == held_mark(
        clashed.laptop, session_id, amir
    )
    assert held_mark(clashed.laptop, session_id, amir)[1] is AttendanceStatus.ABSENT
    assert listed(clashed.prison) == [] and listed(clashed.laptop) == []


def test_a_change_that_gave_way_elsewhere_is_told_until_marked_seen(
    qtbot: QtBot, clashed: Sites
) -> None:
    with clashed.laptop.open() as workspace:
        (conflict,) = workspace.sync.conflicts()
        workspace.sync.resolve_conflict(conflict.id, "ours")
    clashed.carry(clashed.laptop, clashed.prison)
    with window_on(qtbot, clashed.prison.folder) as driver:
        screen = _conflicts_tab(qtbot, driver, clashed.prison)
        assert [c.title for c in screen.conflicts.rows] == [WEEK_ONE]
        model = screen.conflict_table.model()
        assert model.index(0, 1).data() == "This site's change replaced"
        state = screen.conflict_state.text()
        assert state.startswith(f"Your change to {WEEK_ONE} was replaced at {LAPTOP} on ")
        assert state.endswith(
            "Mark is now Late (yours: Absent); Reason is now (empty) (yours: Illness)."
        )
        assert not screen.keep_ours_button.isEnabled() and not screen.keep_theirs_button.isEnabled()
        assert screen.seen_button.isEnabled()
        draw(screen)
        qtbot.mouseClick(screen.seen_button, Qt.MouseButton.LeftButton)
        driver.settle()
        assert screen.conflicts.rows == []
        draw(screen)
        driver.controller.shutdown()
    assert listed(clashed.prison) == []


def test_staff_see_conflicts_in_words_and_an_administrator_chooses(
    qtbot: QtBot, clashed: Sites
) -> None:
    with clashed.prison.open() as workspace:
        workspace.accounts.add_account(
            "edstaff", display_name="Ed Staff", role=Role.EDUCATION_STAFF, password="staff words 1"
        )
    staff = Site(clashed.prison.name, clashed.prison.folder, "edstaff", "staff words 1")
    with window_on(qtbot, clashed.prison.folder) as driver:
        screen = _conflicts_tab(qtbot, driver, staff)
        assert screen.conflict_title.text() == WEEK_ONE
        for hidden in (screen.keep_ours_button, screen.keep_theirs_button, screen.seen_button):
            assert not hidden.isVisibleTo(screen)
        assert "An administrator chooses which version stands." in all_visible_text()
        draw(screen)
        driver.controller.shutdown()
