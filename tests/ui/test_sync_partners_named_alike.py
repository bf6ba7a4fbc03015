"""The Sync screen with two paired sites of one name: each is shown with the start of
its fingerprint, and a bundle goes to the one chosen."""

from __future__ import annotations

from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from lt_desktop.domain.vocabulary import SiteKind
from lt_desktop.sync.bundle import BundleRejected
from lt_desktop.ui.qt import Qt, QWidget
from lt_desktop.ui.screens.sync import ExportDialog, SyncScreen
from tests.helpers.sites import UNIVERSITY_ADMIN, UNIVERSITY_PASSWORD, Site, new_site, pair
from tests.ui.conftest import window_on


def test_two_partners_of_one_name_are_told_apart_and_the_one_chosen_is_sent_to(
    qtbot: QtBot, demo_dir: Path, tmp_path: Path
) -> None:
    prison = Site("HMP Northfield", demo_dir, "demo", "demo")
    first, second = (
        new_site(
            tmp_path / folder,
            "University of Eastbridge",
            SiteKind.UNIVERSITY,
            UNIVERSITY_ADMIN,
            UNIVERSITY_PASSWORD,
        )
        for folder in ("first", "second")
    )
    with prison.open() as workspace:
        (partnership,) = workspace.programme.list_partnerships()
    for university in (first, second):
        pair(prison, university, partnership_id=partnership.id)
    with second.open() as workspace:
        second_id = workspace.store.site.id
    bundle = tmp_path / "to-eastbridge.ltbundle"

    with window_on(qtbot, demo_dir) as driver:
        driver.sign_in("demo", "demo")
        screen = driver.open(SyncScreen)
        assert isinstance(screen, SyncScreen)
        rows = screen.partners.rows
        labels = [screen.partners.data(screen.partners.index(r, 0)) for r in range(len(rows))]
        assert len(set(labels)) == 2, labels
        for row, label in zip(rows, labels, strict=True):
            assert label == f"University of Eastbridge (fingerprint {row.fingerprint[:11]} …)"
        chosen = next(r for r, p in enumerate(rows) if p.site_id == second_id)

        def export_here(dialog: QWidget) -> None:
            assert isinstance(dialog, ExportDialog)
            assert labels[chosen] in dialog.windowTitle()
            dialog.target.setText(str(bundle))
            qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)

        screen.partner_table.selectRow(chosen)
        driver.answer_next_dialog(export_here)
        qtbot.mouseClick(screen.export_button, Qt.MouseButton.LeftButton)
        driver.settle()
        assert "read back and verified" in screen.banner.text()

    assert second.take_in(bundle).summary.added  # it was for the university chosen
    with pytest.raises(BundleRejected):
        first.take_in(bundle)
