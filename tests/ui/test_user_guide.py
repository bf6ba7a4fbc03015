"""The user guide opens from the Help menu, with its pictures, and its contents work."""

from __future__ import annotations

from pytestqt.qtbot import QtBot

from lt_desktop.resources import user_guide
from lt_desktop.ui.guide import GuideWindow
from lt_desktop.ui.qt import QMenu, QTextDocument, QUrl
from tests.ui.conftest import Driver


def test_the_guide_opens_from_help_even_before_signing_in(driver: Driver, qtbot: QtBot) -> None:
    help_menu = next(a.menu() for a in driver.window.menuBar().actions() if a.text() == "&Help")
    assert isinstance(help_menu, QMenu)
    guide_action = next(a for a in help_menu.actions() if a.text() == "&User guide")
    guide_action.trigger()
    guide = driver.window._guide
    assert isinstance(guide, GuideWindow) and guide.isVisible()
    text = guide.browser.toPlainText()
    assert "The daily register" in text and "When something goes wrong" in text
    # Every picture the guide names is there to show.
    document = guide.browser.document()
    guide_file = user_guide()
    assert guide_file is not None
    pictures = [
        line.split("](", 1)[1].rstrip(")")
        for line in guide_file.read_text(encoding="utf-8").splitlines()
        if line.strip().startswith("![")
    ]
    assert len(pictures) >= 10
    for picture in pictures:
        assert (guide_file.parent / picture).is_file(), picture
        resource = document.resource(QTextDocument.ResourceType.ImageResource, QUrl(picture))
        assert resource is not None and not resource.isNull(), picture
    # The contents jump to their section.
    guide.browser.anchorClicked.emit(QUrl("#11-backups"))
    assert guide.browser.textCursor().selectedText() == "11. Backups"


def test_locking_closes_the_guide_and_it_opens_again(driver: Driver, qtbot: QtBot) -> None:
    driver.sign_in("staff", "demo")
    driver.window.show_guide()
    first = driver.window._guide
    assert first is not None and first.isVisible()
    driver.controller.lock()
    qtbot.waitUntil(lambda: driver.window._guide is None, timeout=5_000)
    driver.window.show_guide()
    assert driver.window._guide is not None and driver.window._guide.isVisible()
