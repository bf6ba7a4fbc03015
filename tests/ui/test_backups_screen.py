"""Backing up and restoring from the window, as education staff do it."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

from pytestqt.qtbot import QtBot

from lt_desktop.core.sign_in import sign_in
from lt_desktop.domain.vocabulary import PersonBase
from lt_desktop.ui.qt import QMessageBox, QPushButton, Qt, QWidget
from lt_desktop.ui.screens.backups import BackupsScreen, RestoreDialog
from lt_desktop.ui.screens.people import PeopleScreen
from tests.helpers.drawing import draw
from tests.ui.conftest import Driver, when_shown, window_on


def _click(widget: QWidget, qtbot: QtBot, text: str) -> None:
    found = next(b for b in widget.findChildren(QPushButton) if b.text() == text)
    assert found.isVisible() and found.isEnabled(), text
    qtbot.mouseClick(found, Qt.MouseButton.LeftButton)


def _people(folder: Path) -> set[str]:
    with sign_in(folder, "demo", "demo") as workspace:
        return {p.display_name for p in workspace.people.list_people()}


def _restore_with(qtbot: QtBot, password: str, seen: list[str]) -> Callable[[QWidget], None]:
    def fill(dialog: QWidget) -> None:
        assert isinstance(dialog, RestoreDialog)
        assert not dialog.ok_button.isEnabled()  # nothing restores unchecked
        qtbot.keyClicks(dialog.password, password)
        qtbot.keyClick(dialog.password, Qt.Key.Key_Return)
        qtbot.waitUntil(lambda: dialog.ok_button.isEnabled(), timeout=20_000)
        seen.append(dialog.summary.text())

        def agree(box: QWidget) -> None:
            assert isinstance(box, QMessageBox)
            seen.append(box.text())
            restore = next(b for b in box.buttons() if b.text() == "Restore")
            qtbot.mouseClick(restore, Qt.MouseButton.LeftButton)

        when_shown(QMessageBox, agree)
        qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)

    return fill


def test_staff_back_up_when_reminded_and_restore_what_they_lost(
    driver: Driver, qtbot: QtBot, tmp_path: Path, demo_dir: Path
) -> None:
    media = tmp_path / "USB stick"
    media.mkdir()
    driver.sign_in("staff", "demo")
    view = driver.window.workspace_view
    assert view is not None
    reminder = view.reminder
    qtbot.waitUntil(reminder.isVisible, timeout=10_000)
    assert "No backup has been made yet." in reminder.banner.text()

    qtbot.mouseClick(reminder.back_up_button, Qt.MouseButton.LeftButton)
    driver.settle()
    screen = view.stack.currentWidget()
    assert isinstance(screen, BackupsScreen)
    assert not screen.generations.isEnabled()  # staff do not set how many are kept
    qtbot.keyClicks(screen.folder, str(media))
    _click(screen, qtbot, "&Use this folder")
    driver.settle()
    assert f"Backups now go to {media}" in screen.banner.text()
    _click(screen, qtbot, "&Back up now")
    qtbot.waitUntil(lambda: "Backed up and checked" in screen.banner.text(), timeout=20_000)
    driver.settle()
    assert screen.model.rowCount() == 1
    assert len(list(media.glob("*.ltbackup"))) == 1
    qtbot.waitUntil(lambda: not reminder.isVisible(), timeout=10_000)

    # Someone is added after the backup; the restore takes the store back to before.
    before = set(driver.controller.workspace.people.list_people())  # type: ignore[union-attr]
    driver.controller.workspace.people.add_person(  # type: ignore[union-attr]
        given_name="Added", family_name="Afterwards", base=PersonBase.UNIVERSITY
    )
    screen.table.selectRow(0)
    seen: list[str] = []
    when_shown(RestoreDialog, _restore_with(qtbot, "demo", seen))
    _click(screen, qtbot, "&Restore the chosen backup…")
    qtbot.waitUntil(lambda: driver.window.workspace_view is not view, timeout=20_000)
    driver.settle()
    assert "The backup is sound" in seen[0] and "people" in seen[0]
    assert "Anything entered since then will be lost." in seen[1]
    assert "Restored" in driver.window.status.text()
    workspace = driver.controller.workspace
    assert workspace is not None and workspace.actor.username == "staff"
    assert set(workspace.people.list_people()) == before


def test_a_damaged_store_offers_its_newest_backup(
    qtbot: QtBot, demo_dir: Path, tmp_path: Path
) -> None:
    media = tmp_path / "media"
    media.mkdir()
    with sign_in(demo_dir, "demo", "demo") as workspace:
        workspace.maintenance.set_backup_folder(media)
        workspace.maintenance.back_up_now()
        newest = workspace.maintenance.back_up_now().path
        workspace.store.checkpoint()
    names = _people(demo_dir)
    database = demo_dir / "store.db"
    data = bytearray(database.read_bytes())
    data[len(data) // 2] ^= 0xFF
    database.write_bytes(bytes(data))

    with window_on(qtbot, demo_dir) as driver:
        driver.sign_in("demo", "demo")
        unlock = driver.window.unlock_screen
        assert "damaged" in unlock.banner.text()
        assert unlock.restore_button.isVisible()
        offered: list[str] = []

        def fill(dialog: QWidget) -> None:
            assert isinstance(dialog, RestoreDialog)
            offered.append(dialog.path.text())
            offered.append(dialog.username.text())  # carried over from the sign-in
            _restore_with(qtbot, "demo", offered)(dialog)

        when_shown(RestoreDialog, fill)
        qtbot.mouseClick(unlock.restore_button, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: driver.window.workspace_view is not None, timeout=20_000)
        driver.settle()
        assert offered[:2] == [str(newest), "demo"]
        screen = driver.open(PeopleScreen)
        assert isinstance(screen, PeopleScreen)
    assert _people(demo_dir) == names


def test_a_backup_made_before_an_erasure_says_it_still_holds_the_person(
    qtbot: QtBot, tmp_path: Path, demo_dir: Path
) -> None:
    media = tmp_path / "media"
    media.mkdir()
    with sign_in(demo_dir, "demo", "demo") as workspace:
        workspace.maintenance.set_backup_folder(media)
        workspace.maintenance.back_up_now()
        person = workspace.people.list_people()[0]
        erased = workspace.erasure.erase(person.id)
        since = workspace.maintenance.erased_after(datetime.min.replace(tzinfo=UTC))
        day = f"{since.dates[0].astimezone():%d %b %Y}".lstrip("0")
        workspace.maintenance.back_up_now()

    with window_on(qtbot, demo_dir) as driver:
        driver.sign_in("demo", "demo")
        screen = driver.open(BackupsScreen)
        qtbot.waitUntil(lambda: screen.model.rowCount() == 2, timeout=10_000)
        driver.settle()
        draw(screen)
        column = screen.model.columnCount() - 1
        header = screen.model.headerData(column, Qt.Orientation.Horizontal)
        assert header == "Erased since"
        cells = [screen.model.index(row, column).data() for row in range(2)]
        assert cells == ["", f"Still holds 1 person erased since (on {day})"]
        assert screen.erased_note.isVisible()
        note = screen.erased_note.text()
        assert "brings those people back: erase them again after the restore" in note
        assert person.display_name not in note + " ".join(cells)
        assert erased.research_id  # kept in the audit log, shown nowhere as a name

        screen.table.selectRow(1)
        seen: list[str] = []

        def fill(dialog: QWidget) -> None:
            assert isinstance(dialog, RestoreDialog)
            qtbot.keyClicks(dialog.password, "demo")
            qtbot.keyClick(dialog.password, Qt.Key.Key_Return)
            qtbot.waitUntil(lambda: "erase them again" in dialog.summary.text(), timeout=20_000)
            seen.append(dialog.summary.text())
            assert dialog.erase_again.isVisible() and dialog.erase_again.isChecked()

            def agree(box: QWidget) -> None:
                assert isinstance(box, QMessageBox)
                seen.append(box.text())
                restore = next(b for b in box.buttons() if b.text() == "Restore")
                qtbot.mouseClick(restore, Qt.MouseButton.LeftButton)

            when_shown(QMessageBox, agree)
            qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)

        view = driver.window.workspace_view
        when_shown(RestoreDialog, fill)
        _click(screen, qtbot, "&Restore the chosen backup…")
        qtbot.waitUntil(lambda: driver.window.workspace_view is not view, timeout=20_000)
        driver.settle()
        assert f"This backup still holds 1 person erased since (on {day})" in seen[0]
        assert "they will be erased again once it is restored" in seen[1]
        restored = driver.controller.workspace
        assert restored is not None
        # The backup held the person; restored, they were erased again at once.
        assert person.display_name not in {p.display_name for p in restored.people.list_people()}
        assert len(restored.maintenance.list_backups()) == 2
