"""Help, About: the version people quote when they ask for help."""

from __future__ import annotations

from pytestqt.qtbot import QtBot

from lt_desktop import __version__
from lt_desktop.ui.qt import QMenu, QMessageBox, QWidget
from tests.ui.conftest import Driver


def test_about_shows_the_version_before_and_after_signing_in(qtbot: QtBot, driver: Driver) -> None:
    def about_text() -> str:
        seen: list[str] = []

        def read(dialog: QWidget) -> None:
            assert isinstance(dialog, QMessageBox)
            seen.append(dialog.text())
            dialog.accept()

        (help_menu,) = [
            action.menu()
            for action in driver.window.menuBar().actions()
            if action.text() == "&Help"
        ]
        assert isinstance(help_menu, QMenu)
        (about,) = [a for a in help_menu.actions() if a.text() == "&About LT Desktop"]
        driver.answer_next_dialog(read)
        about.trigger()
        qtbot.waitUntil(lambda: bool(seen))
        return seen[0]

    assert about_text().startswith(f"LT Desktop {__version__}\n")
    driver.sign_in("demo", "demo")
    assert about_text().startswith(f"LT Desktop {__version__}\n")
