"""The Graduation screen, driven by keys and clicks on a real encrypted store: guests
typed in and taken through clearance while the warnings follow, who came ticked on
the day, certificates issued, and a new graduation with its programme printed."""

from __future__ import annotations

import uuid
from datetime import date, timedelta
from pathlib import Path

from pytestqt.qtbot import QtBot

from lt_desktop.core.services.graduation import EventSummary
from lt_desktop.core.workspace import Workspace
from lt_desktop.domain.vocabulary import (
    ClearanceStatus,
    GuestCategory,
    MembershipRole,
    MembershipStatus,
    SessionKind,
)
from lt_desktop.ui.qt import Qt, QWidget
from lt_desktop.ui.screens.graduation import (
    GraduationScreen,
    IssueDialog,
    NewEventDialog,
    PrintDialog,
)
from tests.ui.conftest import Driver

AUTUMN = "September–December 2026"
GUEST = "Philippa Quillwright"


def _signed_in(driver: Driver) -> Workspace:
    driver.sign_in("staff", "demo")
    workspace = driver.controller.workspace
    assert workspace is not None
    return workspace


def _autumn_event(
    workspace: Workspace, *, held_on: date, deadline: date
) -> tuple[EventSummary, int]:
    """A graduation for the autumn cohort; returns it and how many students graduate."""
    autumn = next(c for c in workspace.programme.list_cohorts() if c.name == AUTUMN)
    students = [
        m
        for m in workspace.memberships.list_members(autumn.id)
        if m.role is MembershipRole.STUDENT and m.status is MembershipStatus.ACTIVE
    ]
    event = workspace.graduation.create_event(
        title="Winter graduation",
        held_on=held_on,
        venue="Education block hall",
        capacity=len(students) + 10,
        guest_deadline=deadline,
        cohort_ids=[autumn.id],
    )
    return event, len(students)


def _open(driver: Driver) -> GraduationScreen:
    screen = driver.open(GraduationScreen)
    assert isinstance(screen, GraduationScreen)
    _activate(driver, screen)
    return screen


def _activate(driver: Driver, screen: QWidget) -> None:
    """Bring the window to the front, so keyboard focus is where a person would see it."""
    window = screen.window()
    window.activateWindow()
    driver.qtbot.waitUntil(window.isActiveWindow, timeout=5_000)


def _click(driver: Driver, qtbot: QtBot, widget: QWidget) -> None:
    assert widget.isVisible() and widget.isEnabled(), widget.accessibleName()
    qtbot.mouseClick(widget, Qt.MouseButton.LeftButton)
    driver.settle()


def test_a_guest_typed_in_then_submitted_and_cleared_changes_the_warning(
    driver: Driver, qtbot: QtBot
) -> None:
    today = date.today()
    event, students = _autumn_event(
        _signed_in(driver), held_on=today + timedelta(days=12), deadline=today - timedelta(days=2)
    )
    screen = _open(driver)
    # The coming graduation is the one shown.
    assert screen.current_event is not None and screen.current_event.id == event.id
    assert screen.warnings.text() == (
        f"{students} of {students + 10} places: {students} students graduating, "
        "0 guests of students, 0 officials and partners."
    )
    tab = screen.guests_tab
    assert screen.tabs.currentWidget() is tab

    # Typed in from the keyboard: name, relationship, the student who invited them, Enter.
    tab.name.setFocus()
    qtbot.keyClicks(tab.name, GUEST)
    qtbot.keyClick(tab.name, Qt.Key.Key_Tab)
    qtbot.keyClicks(tab.relationship, "Aunt")
    qtbot.keyClick(tab.relationship, Qt.Key.Key_Tab)
    assert tab.category.hasFocus()  # Family, as most guests are
    qtbot.keyClick(tab.category, Qt.Key.Key_Tab)
    assert tab.guest_of.hasFocus()
    qtbot.keyClick(tab.guest_of, Qt.Key.Key_Down)
    student, _, told_apart = tab.guest_of.currentText().partition(" — ")
    assert student != "(no student)"
    assert told_apart.startswith("Student, ") and " · ref " in told_apart
    qtbot.keyClick(tab.guest_of, Qt.Key.Key_Return)
    driver.settle()
    assert screen.banner.text() == f"{GUEST} is on the guest list as {student}'s guest."
    assert tab.name.text() == "" and tab.name.hasFocus()
    (guest,) = tab.guests.rows
    assert (guest.name, guest.relationship, guest.guest_of) == (GUEST, "Aunt", student)
    assert guest.clearance is ClearanceStatus.NOT_SUBMITTED
    deadline = today - timedelta(days=2)
    assert screen.warnings.text().splitlines() == [
        f"1 guest is late for clearance (the deadline was {deadline:%d %b %Y}): "
        f"{GUEST} (not submitted).",
        f"{students + 1} of {students + 10} places: {students} students graduating, "
        "1 guest of students, 0 officials and partners.",
    ]

    # Submitted today: still late, now waiting on the prison.
    tab.table.selectRow(0)
    assert not tab.clear_button.isEnabled()
    _click(driver, qtbot, tab.submit_button)
    (guest,) = tab.guests.rows
    assert guest.clearance is ClearanceStatus.SUBMITTED and guest.submitted_on == today
    assert tab.guests.index(0, 5).data() == f"Submitted {today:%d %b %Y}"
    assert f"{GUEST} (awaiting a decision)" in screen.warnings.text()

    # Cleared: nothing is late any more.
    assert tab.current() is not None and tab.current().id == guest.id  # type: ignore[union-attr]
    _click(driver, qtbot, tab.clear_button)
    (guest,) = tab.guests.rows
    assert guest.clearance is ClearanceStatus.CLEARED
    assert "late" not in screen.warnings.text()
    assert screen.warnings.text().startswith(f"{students + 1} of {students + 10} places")
    assert screen.banner.text() == f"{GUEST}: cleared by the prison {today:%d %b %Y}."

    workspace = driver.controller.workspace
    assert workspace is not None
    (kept,) = workspace.graduation.details(event.id).guests
    assert (kept.name, kept.clearance, kept.decided_on) == (GUEST, ClearanceStatus.CLEARED, today)


def test_certificates_issued_and_who_came_ticked_on_the_day(
    driver: Driver, qtbot: QtBot, tmp_path: Path
) -> None:
    today = date.today()
    staff = _signed_in(driver)
    event, _ = _autumn_event(staff, held_on=today, deadline=today - timedelta(days=14))
    autumn = event.cohorts[0].cohort_id
    finished = [
        m.id
        for m in staff.memberships.list_members(autumn)
        if m.role is MembershipRole.STUDENT and m.status is MembershipStatus.ACTIVE
    ][:3]
    for membership_id in finished:
        staff.memberships.change_status(membership_id, MembershipStatus.COMPLETED, on=today)
    official = staff.graduation.add_guest(
        event.id, name="Dr Amara Okonjo", category=GuestCategory.OFFICIAL
    )
    staff.graduation.submit(official.id, on=today)
    staff.graduation.clear(official.id, on=today)
    screen = _open(driver)
    tab = screen.students_tab
    screen.tabs.setCurrentWidget(tab)
    assert not any(g.certificate_serial for g in tab.graduates.rows)
    target = tmp_path / "certificates.pdf"

    def issue(dialog: QWidget) -> None:
        assert isinstance(dialog, IssueDialog)
        assert dialog.save_pdf.isChecked()
        dialog.target.line.setText(str(target))
        qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)

    driver.answer_next_dialog(issue)
    _click(driver, qtbot, tab.issue_button)
    assert screen.banner.text() == f"3 certificates: 3 newly issued. Saved to {target}."
    assert target.read_bytes().startswith(b"%PDF")
    serials = {g.membership_id: g.certificate_serial for g in tab.graduates.rows}
    assert all(serials[m] for m in finished)
    assert sum(1 for s in serials.values() if s) == 3

    def again(dialog: QWidget) -> None:
        assert isinstance(dialog, IssueDialog)
        dialog.save_pdf.setChecked(False)
        qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)

    driver.answer_next_dialog(again)
    _click(driver, qtbot, tab.issue_button)
    assert screen.banner.text() == (
        "3 certificates: 0 newly issued, 3 already issued (they keep their serial numbers)."
    )
    assert {g.membership_id: g.certificate_serial for g in tab.graduates.rows} == serials

    # Who came: Space ticks the student chosen.
    came = tab.graduates.rows[0]
    tab.table.setFocus()
    tab.table.setCurrentIndex(tab.graduates.index(0, 0))
    qtbot.keyClick(tab.table, Qt.Key.Key_Space)
    driver.settle()
    line = next(g for g in tab.graduates.rows if g.membership_id == came.membership_id)
    assert line.attended is True
    assert tab.graduates.index(0, 0).data(Qt.ItemDataRole.CheckStateRole) == Qt.CheckState.Checked
    assert screen.banner.text() == f"{came.name} attended."
    # And the cleared official, on the guests' tab.
    guests = screen.guests_tab
    screen.tabs.setCurrentWidget(guests)
    guests.table.setFocus()
    guests.table.setCurrentIndex(guests.guests.index(0, 0))
    qtbot.keyClick(guests.table, Qt.Key.Key_Space)
    driver.settle()
    assert guests.guests.rows[0].attended is True

    workspace = driver.controller.workspace
    assert workspace is not None
    details = workspace.graduation.details(event.id)
    recorded = {g.membership_id: g for g in details.graduates}
    assert all(recorded[m].certificate_event_id == event.id for m in finished)
    assert recorded[came.membership_id].attended is True
    sessions = workspace.programme.list_sessions(autumn)
    assert any(s.kind is SessionKind.GRADUATION for s in sessions)


def test_a_new_graduation_with_its_programme_printed(
    driver: Driver, qtbot: QtBot, tmp_path: Path
) -> None:
    _signed_in(driver)
    screen = _open(driver)
    before = screen.events.rowCount()

    def arrange(dialog: QWidget) -> None:
        assert isinstance(dialog, NewEventDialog)
        assert dialog.cohort.currentText().endswith(AUTUMN)  # the one without a graduation
        assert dialog.title_field.text() == f"{AUTUMN} graduation"
        qtbot.keyClicks(dialog.venue, "The chapel")
        qtbot.keyClick(dialog.venue, Qt.Key.Key_Return)

    driver.answer_next_dialog(arrange)
    _click(driver, qtbot, screen.new_button)
    assert screen.events.rowCount() == before + 1
    event = screen.current_event
    assert event is not None and event.title == f"{AUTUMN} graduation"
    assert event.venue == "The chapel" and event.guest_deadline is not None
    assert screen.banner.text().startswith(f"{AUTUMN} graduation is arranged.")

    _activate(driver, screen)
    assert screen.guests_tab.name.hasFocus()  # ready for the first guest
    tab = screen.programme_tab
    screen.tabs.setCurrentWidget(tab)
    for at, title, kind, who in (
        ("14:00", "Welcome", "Speech", "The governor"),
        ("14.30", "Choir", "Music", "Northfield voices"),
    ):
        tab.starts_at.setFocus()
        qtbot.keyClicks(tab.starts_at, at)
        qtbot.keyClicks(tab.item_title, title)
        tab.kind.setCurrentText(kind)
        qtbot.keyClicks(tab.who, who)
        qtbot.keyClick(tab.who, Qt.Key.Key_Return)
        driver.settle()
    assert [(i.starts_at, i.title, i.kind) for i in tab.items.rows] == [
        ("14:00", "Welcome", "speech"),
        ("14:30", "Choir", "music"),
    ]
    assert tab.starts_at.hasFocus() and tab.item_title.text() == ""
    tab.table.selectRow(1)
    _click(driver, qtbot, tab.up_button)
    assert [i.title for i in tab.items.rows] == ["Choir", "Welcome"]
    assert tab.current() is not None and tab.current().title == "Choir"  # type: ignore[union-attr]

    target = tmp_path / "programme.pdf"

    def save(dialog: QWidget) -> None:
        assert isinstance(dialog, PrintDialog)
        dialog.target.line.setText(str(target))
        qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)

    driver.answer_next_dialog(save)
    _click(driver, qtbot, tab.print_button)
    # The copy for guests unless staff is chosen: it never says who may not be photographed.
    assert screen.banner.text() == f"The guests' programme is saved to {target}."
    assert target.read_bytes().startswith(b"%PDF")

    guest_list = tmp_path / "guests.pdf"

    def save_guests(dialog: QWidget) -> None:
        assert isinstance(dialog, PrintDialog)
        dialog.target.line.setText(str(guest_list))
        qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)

    screen.tabs.setCurrentWidget(screen.guests_tab)
    driver.answer_next_dialog(save_guests)
    _click(driver, qtbot, screen.guests_tab.print_button)
    assert guest_list.read_bytes().startswith(b"%PDF")

    workspace = driver.controller.workspace
    assert workspace is not None
    programme = workspace.documents.graduation_programme(event.id)
    assert [line.title for line in programme.items] == ["Choir", "Welcome"]
    assert isinstance(event.id, uuid.UUID)
