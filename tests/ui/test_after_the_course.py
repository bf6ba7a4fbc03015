"""Graduation and after it, driven by keys and clicks on a real encrypted store: a step
after the course recorded, changed and removed on a person's page; a partnership's
certificates and letters set from the Cohorts screen; certificates issued for those
present, a guest who asked not to be photographed, and the staff's programme."""

from __future__ import annotations

import uuid
from pathlib import Path

import pytest
from pypdf import PdfReader
from pytestqt.qtbot import QtBot

from lt_desktop.core.workspace import Workspace
from lt_desktop.domain.vocabulary import (
    ConsentScope,
    MembershipRole,
    MembershipStatus,
    PersonBase,
    ProgressionKind,
)
from lt_desktop.ui.qt import QMessageBox, Qt, QWidget
from lt_desktop.ui.screens.cohorts import CohortsScreen
from lt_desktop.ui.screens.documents import DocumentsScreen
from lt_desktop.ui.screens.graduation import GraduationScreen, GuestDialog, IssueDialog
from lt_desktop.ui.screens.people import PeopleScreen
from lt_desktop.ui.screens.people.after_course import ProgressionDialog
from lt_desktop.ui.views.stationery import StationeryDialog
from tests.core.test_stationery import picture
from tests.helpers.drawing import draw
from tests.ui.conftest import Driver, when_shown


def _workspace(driver: Driver) -> Workspace:
    workspace = driver.controller.workspace
    assert workspace is not None
    return workspace


def _graduate(workspace: Workspace, *, followed: bool) -> uuid.UUID:
    """A university-based graduate of the first cohort, followed after it or not."""
    spring = next(c for c in workspace.programme.list_cohorts() if c.name.startswith("January"))
    for member in workspace.memberships.list_members(spring.id):
        if (
            member.role is MembershipRole.STUDENT
            and member.status is MembershipStatus.GRADUATED
            and member.base is PersonBase.UNIVERSITY
        ):
            states = {s.scope: s for s in workspace.consent.states(member.person_id)}
            if states[ConsentScope.PROGRESSION].active is followed:
                return member.person_id
    raise AssertionError("no such graduate in the demo")


def _focused(dialog: QWidget) -> QWidget:
    """Where the dialog's keyboard focus is: where a person's typing goes."""
    widget = dialog.focusWidget()
    assert widget is not None
    return widget


def _type(qtbot: QtBot, dialog: QWidget, text: str) -> None:
    qtbot.keyClicks(_focused(dialog), text)


def _press(
    qtbot: QtBot,
    dialog: QWidget,
    key: Qt.Key,
    modifier: Qt.KeyboardModifier = Qt.KeyboardModifier.NoModifier,
) -> None:
    qtbot.keyClick(_focused(dialog), key, modifier)


def _open_people(driver: Driver, person_id: uuid.UUID) -> PeopleScreen:
    screen = driver.open(PeopleScreen)
    screen.show_person(person_id)
    driver.settle()
    return screen


def test_a_step_after_the_course_is_recorded_changed_and_removed(
    driver: Driver, qtbot: QtBot
) -> None:
    driver.sign_in("staff", "demo")
    workspace = _workspace(driver)
    person = _graduate(workspace, followed=True)
    screen = _open_people(driver, person)
    box = screen.page.after_course
    assert box.isVisible() and box.steps.rowCount() == 1
    assert box.add_button.isEnabled() and not box.consent_note.isVisible()
    done: list[str] = []

    def add(dialog: QWidget) -> None:
        assert isinstance(dialog, ProgressionDialog)
        # The focus starts on what they went on to do; every field follows by Tab.
        assert _focused(dialog) is dialog.kind
        _press(qtbot, dialog, Qt.Key.Key_Up)  # from Mentoring up to Further study
        _press(qtbot, dialog, Qt.Key.Key_Tab)
        _press(qtbot, dialog, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
        _type(qtbot, dialog, "28 Sep 2026")
        _press(qtbot, dialog, Qt.Key.Key_Tab)  # until: still going on
        _press(qtbot, dialog, Qt.Key.Key_Tab)  # the cohort it follows: theirs, already chosen
        _press(qtbot, dialog, Qt.Key.Key_Tab)
        assert _focused(dialog) is dialog.notes
        _type(qtbot, dialog, "An evening course in philosophy.")
        draw(dialog)
        qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
        done.append("added")

    when_shown(ProgressionDialog, add)
    qtbot.mouseClick(box.add_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: bool(done), timeout=20_000)
    driver.settle()
    steps = workspace.progression.list_for(person)
    assert [(s.kind, f"{s.started_on:%Y-%m-%d}", s.notes) for s in steps][0] == (
        ProgressionKind.FURTHER_STUDY,
        "2026-09-28",
        "An evening course in philosophy.",
    )
    assert steps[0].cohort_title.endswith("January–March 2026")
    assert box.steps.rowCount() == 2 and box.steps.rows[0].id == steps[0].id
    draw(screen)

    def edit(dialog: QWidget) -> None:
        assert isinstance(dialog, ProgressionDialog)
        assert dialog.kind.value() is ProgressionKind.FURTHER_STUDY
        dialog.notes.setFocus()
        _press(qtbot, dialog, Qt.Key.Key_End, Qt.KeyboardModifier.ControlModifier)
        _type(qtbot, dialog, " Part time.")
        qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
        done.append("edited")

    when_shown(ProgressionDialog, edit)
    box.table.setFocus()
    box.table.selectRow(0)
    qtbot.keyClick(box.table, Qt.Key.Key_Return)  # Enter on a step opens it
    qtbot.waitUntil(lambda: "edited" in done, timeout=20_000)
    driver.settle()
    assert workspace.progression.list_for(person)[0].notes == (
        "An evening course in philosophy. Part time."
    )

    def agree(dialog: QWidget) -> None:
        assert isinstance(dialog, QMessageBox)
        assert "It is removed at every site that holds it." in dialog.text()
        qtbot.keyClick(dialog, Qt.Key.Key_Return)
        done.append("removed")

    when_shown(QMessageBox, agree)
    box.table.selectRow(0)
    qtbot.mouseClick(box.remove_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "removed" in done, timeout=20_000)
    driver.settle()
    assert [s.kind for s in workspace.progression.list_for(person)] == [steps[1].kind]
    assert box.steps.rowCount() == 1


def test_without_consent_to_being_followed_nothing_can_be_added(
    driver: Driver, qtbot: QtBot
) -> None:
    driver.sign_in("staff", "demo")
    person = _graduate(_workspace(driver), followed=False)
    box = _open_people(driver, person).page.after_course
    assert box.isVisible() and box.steps.rowCount() == 0
    assert not box.add_button.isEnabled()
    assert box.consent_note.isVisible()
    assert "Record their consent under Consent" in box.consent_note.text()


def test_a_facilitator_is_not_shown_what_people_went_on_to_do(driver: Driver, qtbot: QtBot) -> None:
    driver.sign_in("facilitator", "demo")
    workspace = _workspace(driver)
    mentor = next(
        m.person_id
        for c in workspace.programme.list_cohorts()
        for m in workspace.memberships.list_members(c.id)
        if m.role is MembershipRole.MENTOR
    )
    box = _open_people(driver, mentor).page.after_course
    assert not box.isVisible()


def test_certificates_and_letters_are_set_from_the_cohorts_screen(
    driver: Driver, qtbot: QtBot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    driver.sign_in("staff", "demo")
    workspace = _workspace(driver)
    logo = tmp_path / "logo.jpg"
    logo.write_bytes(picture("JPEG", (400, 120)))
    not_a_picture = tmp_path / "notes.png"
    not_a_picture.write_text("not a picture")
    chosen = iter([str(not_a_picture), str(logo)])
    monkeypatch.setattr(
        "lt_desktop.ui.views.stationery.QFileDialog.getOpenFileName",
        lambda *args, **kwargs: (next(chosen), ""),
    )
    screen = driver.open(CohortsScreen)
    assert screen.stationery_button.isEnabled()
    done: list[bool] = []

    def fill(dialog: QWidget) -> None:
        assert isinstance(dialog, StationeryDialog)
        assert _focused(dialog) is dialog.prison_signs and not dialog.prison_signs.isChecked()
        assert not dialog.prison_signatory.isEnabled()  # until the prison signs
        _press(qtbot, dialog, Qt.Key.Key_Space)
        assert dialog.prison_signatory.isEnabled()
        dialog.prison_signatory.setFocus()
        _press(qtbot, dialog, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
        _type(qtbot, dialog, "Marcus Hale")
        _press(qtbot, dialog, Qt.Key.Key_Tab)
        _press(qtbot, dialog, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
        _type(qtbot, dialog, "Governor")
        qtbot.mouseClick(dialog.choose_button, Qt.MouseButton.LeftButton)
        assert "not a picture LT Desktop can read" in dialog.banner.text()
        assert dialog.logo_words.text() == "PNG, 600 × 200 pixels"  # the one it had
        qtbot.mouseClick(dialog.choose_button, Qt.MouseButton.LeftButton)
        assert dialog.logo_words.text() == "JPEG, 400 × 120 pixels"
        assert not dialog.logo_picture.pixmap().isNull()
        draw(dialog)
        qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
        done.append(not dialog.isVisible())

    when_shown(StationeryDialog, fill)
    qtbot.mouseClick(screen.stationery_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: bool(done), timeout=20_000)
    driver.settle()
    assert done == [True]
    partnership = workspace.programme.list_partnerships()[0].id
    saved = workspace.stationery.stationery(partnership)
    assert saved.prison_signature_on_certificates
    assert (saved.prison_signatory, saved.prison_signatory_title) == ("Marcus Hale", "Governor")
    assert saved.university_signatory == "Dr Amara Osei"  # left as it was
    assert saved.logo is not None and saved.logo.data == logo.read_bytes()


def test_certificates_for_those_present_and_a_guest_not_to_be_photographed(
    driver: Driver, qtbot: QtBot, tmp_path: Path
) -> None:
    driver.sign_in("staff", "demo")
    screen = driver.open(GraduationScreen)
    tab = screen.students_tab
    screen.tabs.setCurrentWidget(tab)
    came = [g for g in tab.graduates.rows if g.completed and g.attended]
    assert 0 < len(came) < len(tab.graduates.rows)
    no_photos = [g for g in tab.graduates.rows if g.no_photos]
    assert no_photos and all(
        tab.graduates.index(tab.graduates.rows.index(g), 5).data() == "No photos" for g in no_photos
    )
    target = tmp_path / "present.pdf"

    def issue(dialog: QWidget) -> None:
        assert isinstance(dialog, IssueDialog)
        assert f"({len(came)} of 21)" in dialog.only_present.text()
        dialog.only_present.setFocus()
        _press(qtbot, dialog, Qt.Key.Key_Space)
        dialog.target.line.setText(str(target))
        qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)

    driver.answer_next_dialog(issue)
    qtbot.mouseClick(tab.issue_button, Qt.MouseButton.LeftButton)
    driver.settle()
    assert screen.banner.text().startswith(f"{len(came)} certificates: 0 newly issued")
    assert len(PdfReader(target).pages) == len(came)

    guests = screen.guests_tab
    screen.tabs.setCurrentWidget(guests)
    row = next(i for i, g in enumerate(guests.guests.rows) if not g.no_photos)
    name = guests.guests.rows[row].name

    def ask_not(dialog: QWidget) -> None:
        assert isinstance(dialog, GuestDialog)
        dialog.no_photos.setFocus()
        _press(qtbot, dialog, Qt.Key.Key_Space)
        qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)

    driver.answer_next_dialog(ask_not)
    guests.table.selectRow(row)
    guests.edit_guest()
    driver.settle()
    row = next(i for i, g in enumerate(guests.guests.rows) if g.name == name)
    assert guests.guests.index(row, 6).data() == "No photos"
    (event,) = _workspace(driver).documents.list_events()
    assert any(
        g.no_photos
        for g in _workspace(driver).documents.guest_list(event.id).guests
        if g.name == name
    )


def test_the_staffs_programme_is_a_document_of_its_own(
    driver: Driver, qtbot: QtBot, tmp_path: Path
) -> None:
    driver.sign_in("staff", "demo")
    screen = driver.open(DocumentsScreen)
    saved = {}
    for label in ("Graduation programme for guests", "Graduation programme for staff"):
        (item,) = screen.kinds.findItems(label, Qt.MatchFlag.MatchExactly)
        screen.kinds.setCurrentItem(item)
        driver.settle()
        assert screen.graduation.isVisibleTo(screen)
        assert not screen.only_present.isVisibleTo(screen)
        target = tmp_path / f"{label}.pdf"
        screen.target.line.setText(str(target))
        qtbot.mouseClick(screen.save_button, Qt.MouseButton.LeftButton)
        driver.settle()
        saved[label] = "".join(p.extract_text() for p in PdfReader(target).pages)
        assert str(target) in screen.banner.text()
    assert "NO PHOTOS" in saved["Graduation programme for staff"]
    assert "NO PHOTOS" not in saved["Graduation programme for guests"]

    (item,) = screen.kinds.findItems("Certificates for a cohort", Qt.MatchFlag.MatchExactly)
    screen.kinds.setCurrentItem(item)
    driver.settle()
    assert screen.only_present.isVisibleTo(screen)
    screen.cohort.setCurrentIndex(screen.cohort.findText("January", Qt.MatchFlag.MatchContains))
    screen.only_present.setChecked(True)
    target = tmp_path / "certificates.pdf"
    screen.target.line.setText(str(target))
    qtbot.mouseClick(screen.save_button, Qt.MouseButton.LeftButton)
    driver.settle()
    assert "present at the graduation" in screen.banner.text()
    assert 0 < len(PdfReader(target).pages) < 21
