"""A session's readings on the Sessions screen, and the session handout on the Documents
screen, driven by keys and clicks on the demo store and read back from the store and
the file saved."""

from __future__ import annotations

from pathlib import Path

import pytest
from pypdf import PdfReader
from pytestqt.qtbot import QtBot

from lt_desktop.core.sign_in import sign_in
from lt_desktop.ui.qt import QApplication, QFileDialog, Qt, QWidget
from lt_desktop.ui.screens.documents import DocumentsScreen
from lt_desktop.ui.screens.sessions import SessionDialog, SessionsScreen
from lt_desktop.ui.views.readings import ReadingsDialog
from tests.helpers.drawing import draw
from tests.ui.conftest import Driver

PDF = b"%PDF-1.4\n% the pages to copy\n%%EOF\n"


def _week(driver: Driver, week: int) -> SessionsScreen:
    """The Sessions screen, on the autumn cohort's ``week``, with the list shown."""
    screen = driver.open(SessionsScreen)
    index = next(
        i for i in range(screen.cohort.count()) if "September" in screen.cohort.itemText(i)
    )
    screen.cohort.setCurrentIndex(index)
    driver.settle()
    screen.list_button.setChecked(True)
    row = next(i for i, s in enumerate(screen.sessions.rows) if s.week == week)
    screen.table.selectRow(row)
    driver.settle()
    return screen


def _active(qtbot: QtBot, dialog: QWidget) -> None:
    """The dialog takes the keys, as it does for a person."""
    dialog.activateWindow()
    qtbot.waitUntil(dialog.isActiveWindow, timeout=2000)


def _focused() -> QWidget:
    widget = QApplication.focusWidget()
    assert widget is not None, "nothing has the keyboard focus"
    return widget


def _type(qtbot: QtBot, field: QWidget, text: str) -> None:
    field.setFocus()
    qtbot.waitUntil(lambda: QApplication.focusWidget() is field, timeout=2000)
    qtbot.keyClick(field, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClicks(field, text)


def _alt(qtbot: QtBot, key: Qt.Key) -> None:
    """Alt and a button's underlined letter: the button answers once it has shown
    itself pressed."""
    qtbot.keyClick(_focused(), key, Qt.KeyboardModifier.AltModifier)
    qtbot.wait(250)


def test_staff_keep_a_sessions_readings_and_their_pdf(
    driver: Driver, qtbot: QtBot, demo_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    reading_pdf = tmp_path / "titmuss.pdf"
    reading_pdf.write_bytes(PDF)
    not_a_pdf = tmp_path / "notes.pdf"
    not_a_pdf.write_text("Notes typed in a word processor.", encoding="utf-8")
    saved_copy = tmp_path / "copy" / "titmuss.pdf"
    saved_copy.parent.mkdir()
    chosen = {"open": str(reading_pdf)}
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a, **k: (chosen["open"], ""))
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(saved_copy), ""))
    driver.sign_in("staff", "demo")
    screen = _week(driver, 2)
    seen: dict[str, str] = {}
    before: list[str] = []

    def work(dialog: QWidget) -> None:
        assert isinstance(dialog, ReadingsDialog)
        driver.settle()
        _active(qtbot, dialog)
        draw(dialog)
        before.extend(r.title for r in dialog.model.rows)
        # A new reading, typed in, added with Alt+A.
        dialog.table.clearSelection()
        _type(qtbot, dialog.title_field, "The Gift Relationship")
        qtbot.keyClick(dialog.title_field, Qt.Key.Key_Tab)
        assert _focused() is dialog.author
        qtbot.keyClicks(_focused(), "Richard Titmuss")
        qtbot.keyClick(_focused(), Qt.Key.Key_Tab)
        assert _focused() is dialog.pages
        qtbot.keyClicks(_focused(), "pp. 1-20")
        _alt(qtbot, Qt.Key.Key_A)
        driver.settle()
        added = dialog.current()
        assert added is not None and added.title == "The Gift Relationship"
        assert "Added “The Gift Relationship”." in dialog.banner.text()
        # To the top of the list, and its pages corrected.
        _alt(qtbot, Qt.Key.Key_U)
        driver.settle()
        _alt(qtbot, Qt.Key.Key_U)
        driver.settle()
        assert dialog.model.rows[0].title == "The Gift Relationship"
        _type(qtbot, dialog.pages, "pp. 1-24")
        _alt(qtbot, Qt.Key.Key_S)
        driver.settle()
        # Its PDF: a file that is not one is refused, then the real one kept and saved out.
        chosen["open"] = str(not_a_pdf)
        qtbot.mouseClick(dialog.attach_button, Qt.MouseButton.LeftButton)
        driver.settle()
        assert "not a PDF" in dialog.banner.text()
        chosen["open"] = str(reading_pdf)
        qtbot.mouseClick(dialog.attach_button, Qt.MouseButton.LeftButton)
        driver.settle()
        assert dialog.model.rows[0].pdf_filename == "titmuss.pdf"
        assert dialog.save_pdf_button.isEnabled()
        qtbot.mouseClick(dialog.save_pdf_button, Qt.MouseButton.LeftButton)
        driver.settle()
        seen["saved"] = dialog.banner.text()
        dialog.reject()

    driver.answer_next_dialog(work)
    qtbot.mouseClick(screen.readings_button, Qt.MouseButton.LeftButton)
    driver.settle()
    assert "Saved a copy of titmuss.pdf" in seen["saved"]
    assert saved_copy.read_bytes() == PDF
    driver.controller.shutdown()
    with sign_in(demo_dir, "demo", "demo") as workspace:
        autumn = next(c for c in workspace.programme.list_cohorts() if "September" in c.name)
        week = next(s for s in workspace.programme.list_sessions(autumn.id) if s.week == 2)
        readings = workspace.readings.readings(week.id)
        assert [r.title for r in readings] == ["The Gift Relationship", *before]
        assert readings[0].describe() == "The Gift Relationship, Richard Titmuss, pp. 1-24"
        assert workspace.readings.pdf(readings[0].id) == PDF


def test_the_session_form_offers_the_readings_not_two_lines(driver: Driver, qtbot: QtBot) -> None:
    driver.sign_in("staff", "demo")
    screen = _week(driver, 3)
    titles: list[str] = []

    def readings(dialog: QWidget) -> None:
        assert isinstance(dialog, ReadingsDialog)
        driver.settle()
        titles.extend(r.title for r in dialog.model.rows)
        dialog.reject()

    def form(dialog: QWidget) -> None:
        assert isinstance(dialog, SessionDialog)
        assert not hasattr(dialog, "reading_1")
        driver.answer_next_dialog(readings)
        qtbot.mouseClick(dialog.readings_button, Qt.MouseButton.LeftButton)
        driver.settle()
        dialog.reject()

    driver.answer_next_dialog(form)
    qtbot.mouseClick(screen.edit_button, Qt.MouseButton.LeftButton)
    driver.settle()
    assert titles == [
        "Making Good (2001), chapter 5",
        "A desistance paradigm for offender management (2006)",
    ]


def test_a_facilitator_sees_the_readings_and_saves_a_pdf_but_changes_nothing(
    driver: Driver, qtbot: QtBot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "reading.pdf"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(target), ""))
    driver.sign_in("facilitator", "demo")
    screen = _week(driver, 9)
    shown: dict[str, bool] = {}

    def look(dialog: QWidget) -> None:
        assert isinstance(dialog, ReadingsDialog)
        driver.settle()
        shown["editor"] = dialog.editor.isVisibleTo(dialog)
        shown["attach"] = dialog.attach_button.isVisibleTo(dialog)
        assert dialog.model.rows[0].has_pdf
        qtbot.mouseClick(dialog.save_pdf_button, Qt.MouseButton.LeftButton)
        driver.settle()
        dialog.reject()

    driver.answer_next_dialog(look)
    qtbot.mouseClick(screen.readings_button, Qt.MouseButton.LeftButton)
    driver.settle()
    assert shown == {"editor": False, "attach": False}
    assert target.read_bytes().startswith(b"%PDF-")


def test_the_handout_is_saved_from_the_documents_screen(
    driver: Driver, qtbot: QtBot, tmp_path: Path
) -> None:
    driver.sign_in("staff", "demo")
    screen = driver.open(DocumentsScreen)
    (item,) = screen.kinds.findItems("Session handout", Qt.MatchFlag.MatchExactly)
    rect = screen.kinds.visualItemRect(item)
    qtbot.mouseClick(screen.kinds.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert screen.session.isVisibleTo(screen)
    screen.cohort.setCurrentIndex(screen.cohort.findText("September", Qt.MatchFlag.MatchContains))
    driver.settle()
    screen.session.setCurrentIndex(screen.session.findText("Week 9 ", Qt.MatchFlag.MatchContains))
    driver.settle()
    target = tmp_path / "handout.pdf"
    screen.target.line.clear()
    qtbot.keyClicks(screen.target.line, str(target))
    qtbot.mouseClick(screen.save_button, Qt.MouseButton.LeftButton)
    driver.settle()
    message = screen.banner.text()
    assert message.startswith("Saved the handout for week 9"), message
    assert "Armstrong and Ludlow 2016, pp 9-17.pdf" in message
    text = " ".join(" ".join(p.extract_text() for p in PdfReader(target).pages).split())
    assert "Read before the session" in text and "Crime, Shame and Reintegration" in text
