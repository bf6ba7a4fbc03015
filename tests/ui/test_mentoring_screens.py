"""The mentor pathway, the journey on the person page, and end-of-course interviews
on screen, driven by keys on a real encrypted store."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path

from pytestqt.qtbot import QtBot

from lt_desktop.core.services.mentoring import JourneyStage
from lt_desktop.core.sign_in import sign_in
from lt_desktop.domain.changes import Change
from lt_desktop.domain.vocabulary import ConsentScope, InterviewStatus, MembershipRole
from lt_desktop.ui.qt import Qt, QWidget
from lt_desktop.ui.screens.interviews import InterviewsScreen
from lt_desktop.ui.screens.mentoring import (
    AnswerDialog,
    AssignDialog,
    InviteDialog,
    MentorsScreen,
)
from lt_desktop.ui.screens.people import PeopleScreen
from tests.ui.conftest import Driver, all_visible_text

SPRING = "January–March 2026"
AUTUMN = "September–December 2026"


def _choose_cohort(driver: Driver, combo: object, name: str) -> None:
    index = combo.findText(name, Qt.MatchFlag.MatchContains)  # type: ignore[attr-defined]
    assert index >= 0, name
    combo.setCurrentIndex(index)  # type: ignore[attr-defined]
    driver.settle()


def _press(qtbot: QtBot, widget: QWidget, key: Qt.Key) -> None:
    """Alt and a button's underlined letter, as a keyboard user presses it. The button
    answers a moment later (it shows itself pressed first)."""
    window = widget.window()
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow, timeout=5_000)
    qtbot.keyClick(widget, key, Qt.KeyboardModifier.AltModifier)
    qtbot.wait(250)


def _dialog_by_keys(
    driver: Driver, qtbot: QtBot, widget: QWidget, key: Qt.Key, handler: Callable[[QWidget], None]
) -> None:
    """Open a dialog with Alt and a letter, fill it in with ``handler``, and wait for the
    change it makes to be saved."""
    handled: list[bool] = []

    def answer(dialog: QWidget) -> None:
        handler(dialog)
        handled.append(True)

    driver.answer_next_dialog(answer)
    _press(qtbot, widget, key)
    qtbot.waitUntil(lambda: bool(handled), timeout=5_000)
    driver.settle()


def test_the_person_page_shows_the_journey_from_student_to_mentor(
    driver: Driver, qtbot: QtBot, demo_dir: Path
) -> None:
    driver.sign_in("staff", "demo")
    workspace = driver.controller.workspace
    assert workspace is not None
    autumn = next(c for c in workspace.programme.list_cohorts() if c.name == AUTUMN)
    mentor = next(
        m for m in workspace.memberships.list_members(autumn.id) if m.role is MembershipRole.MENTOR
    )
    screen = driver.open(PeopleScreen)
    assert isinstance(screen, PeopleScreen)
    qtbot.keyClicks(screen.search, mentor.display_name)
    qtbot.keyClick(screen.search, Qt.Key.Key_Return)
    driver.settle()
    page = screen.page
    assert page.name.text() == mentor.display_name
    boxes = {stage: box.accessibleName() for stage, box in page.journey.boxes.items()}
    assert boxes[JourneyStage.APPLIED] == "Applied, not yet"
    assert boxes[JourneyStage.STUDENT] == f"Student, 12 Jan 2026, {SPRING}"
    assert boxes[JourneyStage.GRADUATED] == f"Graduated, 16 Mar 2026, {SPRING}"
    assert boxes[JourneyStage.MENTOR] == f"Mentor, 14 Sep 2026, {AUTUMN}"
    assert boxes[JourneyStage.FACILITATOR] == "Facilitator, not yet"
    steps = page.journey.steps.text().splitlines()
    assert steps[0] == f"12 Jan 2026 · Student · Crime, Justice and Society, {SPRING}"
    assert steps[-1] == (
        f"14 Sep 2026 · Mentor · Crime, Justice and Society, {AUTUMN} · {mentor.group_name}"
    )
    assert any("Invited to mentor" in s and "Accepted" in s for s in steps)
    assert any(s.endswith("Graduated · Crime, Justice and Society, " + SPRING) for s in steps)


def test_inviting_and_assigning_a_mentor_by_keyboard(
    driver: Driver, qtbot: QtBot, demo_dir: Path
) -> None:
    driver.sign_in("staff", "demo")
    screen = driver.open(MentorsScreen)
    assert isinstance(screen, MentorsScreen)
    _choose_cohort(driver, screen.cohort, AUTUMN)
    screen.table.setFocus()
    qtbot.keyClick(screen.table, Qt.Key.Key_Home)

    def invited() -> bool:
        candidate = screen.candidates.row_at(screen.table.currentIndex())
        assert candidate is not None
        return candidate.invitation is not None

    while invited():
        qtbot.keyClick(screen.table, Qt.Key.Key_Down)
    driver.settle()
    chosen = screen.candidates.row_at(screen.table.currentIndex())
    assert chosen is not None and chosen.state() == "Not invited"
    assert not screen.assign_button.isEnabled()
    name = chosen.display_name

    def invite(dialog: QWidget) -> None:
        assert isinstance(dialog, InviteDialog)
        qtbot.keyClicks(dialog.notes, "Asked at the spring graduation.")
        qtbot.keyClick(dialog.invited_on, Qt.Key.Key_Return)

    _dialog_by_keys(driver, qtbot, screen, Qt.Key.Key_I, invite)
    assert screen.banner.text().startswith(f"{name} is invited to mentor")
    current = screen.candidates.row_at(screen.table.currentIndex())
    assert current is not None and current.person_id == chosen.person_id
    assert current.state().endswith("no answer yet")
    assert "Notes: Asked at the spring graduation." in screen.invitation.text()

    def answer(dialog: QWidget) -> None:
        assert isinstance(dialog, AnswerDialog)
        assert dialog.answer.currentText() == "Accepted"
        qtbot.keyClick(dialog.answered_on, Qt.Key.Key_Return)

    _dialog_by_keys(driver, qtbot, screen, Qt.Key.Key_R, answer)
    current = screen.candidates.row_at(screen.table.currentIndex())
    assert current is not None and current.state() == "Accepted, not assigned yet"
    assert screen.assign_button.isEnabled()

    chosen_group: list[str] = []

    def assign(dialog: QWidget) -> None:
        assert isinstance(dialog, AssignDialog)
        qtbot.keyClick(dialog.group, Qt.Key.Key_Down)
        chosen_group.append(dialog.group.currentText().split(" (")[0])
        qtbot.keyClick(dialog.joins_on, Qt.Key.Key_Return)

    _dialog_by_keys(driver, qtbot, screen, Qt.Key.Key_S, assign)
    [group] = chosen_group
    assert screen.banner.text() == f"{name} mentors {group}."
    current = screen.candidates.row_at(screen.table.currentIndex())
    assert current is not None and current.state() == f"Mentor in {group}"
    assert f"Mentor in {group}" in all_visible_text()

    driver.controller.shutdown()
    with sign_in(demo_dir, "demo", "demo") as admin:
        autumn = next(c for c in admin.programme.list_cohorts() if c.name == AUTUMN)
        member = next(
            m for m in admin.memberships.list_members(autumn.id) if m.person_id == chosen.person_id
        )
        assert member.role is MembershipRole.MENTOR and member.group_name == group
        [invitation] = admin.mentoring.invitations(chosen.person_id)
        assert invitation.notes == "Asked at the spring graduation."


def test_an_interview_without_consent_is_refused_with_the_reason_on_screen(
    driver: Driver, qtbot: QtBot, demo_dir: Path
) -> None:
    driver.sign_in("staff", "demo")
    screen = driver.open(InterviewsScreen)
    assert isinstance(screen, InterviewsScreen)
    _choose_cohort(driver, screen.cohort, SPRING)
    tab = screen.interviews
    refused = next(i for i, line in enumerate(tab.people.rows) if not line.may_be_interviewed)
    tab.table.selectRow(refused)
    name = tab.people.rows[refused].display_name
    assert tab.consent_banner.text() == (
        f"{name} has not consented to interview. No interview can be arranged or kept for them."
    )
    assert not tab.save_button.isEnabled() and not tab.notes.isEnabled()
    assert "No consent" in all_visible_text()

    # Consent withdrawn elsewhere after the list was shown: the store still refuses.
    allowed = next(
        i
        for i, line in enumerate(tab.people.rows)
        if line.may_be_interviewed and line.interview is None
    )
    tab.table.selectRow(allowed)
    person = tab.people.rows[allowed]
    workspace = driver.controller.workspace
    assert workspace is not None
    workspace.consent.withdraw(person.person_id, ConsentScope.INTERVIEW, on=date(2026, 11, 2))
    tab.interviewer.clear()
    qtbot.keyClicks(tab.interviewer, "Priya Raman")
    _press(qtbot, screen, Qt.Key.Key_S)
    driver.settle()
    assert tab.banner.text() == (
        f"{person.display_name} withdrew consent for interview on 02 Nov 2026. Nothing was saved."
    )
    assert tab.people.rows[allowed].interview is None

    driver.controller.shutdown()
    with sign_in(demo_dir, "demo", "demo") as admin:
        spring = next(c for c in admin.programme.list_cohorts() if c.name == SPRING)
        line = next(
            x for x in admin.interviews.cohort(spring.id) if x.person_id == person.person_id
        )
        assert line.interview is None


def test_an_interview_is_arranged_held_and_its_notes_kept(
    driver: Driver, qtbot: QtBot, demo_dir: Path, tmp_path: Path
) -> None:
    driver.sign_in("staff", "demo")
    screen = driver.open(InterviewsScreen)
    assert isinstance(screen, InterviewsScreen)
    _choose_cohort(driver, screen.cohort, SPRING)
    tab = screen.interviews
    row = next(
        i
        for i, line in enumerate(tab.people.rows)
        if line.may_be_interviewed and line.interview is None
    )
    tab.table.selectRow(row)
    person = tab.people.rows[row]
    assert tab.interviewer.text() == "Demo education staff"
    tab.held_on.set_value(date(2026, 4, 20))
    _press(qtbot, screen, Qt.Key.Key_S)
    driver.settle()
    assert tab.banner.text() == (
        f"Interview with {person.display_name} arranged for 20 Apr 2026 at 10:00."
    )
    assert tab.save_button.text() == "&Save interview"
    assert tab.people.rows[row].interview is not None

    tab.status.set_value(InterviewStatus.DONE)
    qtbot.keyClicks(tab.notes, "Spoke about belonging and the writing week.")
    transcript = tmp_path / "interview.txt"
    transcript.write_text("Participant: I found my voice in week three.", encoding="utf-8")
    tab.load_transcript_from(transcript)
    # A change made elsewhere reloads the list; what is being typed stays.
    driver.controller.data_changed.emit(frozenset({Change.CONSENT}))
    driver.settle()
    assert tab.notes.toPlainText() == "Spoke about belonging and the writing week."
    _press(qtbot, screen, Qt.Key.Key_S)
    driver.settle()
    assert tab.banner.text() == f"Saved the interview with {person.display_name}."
    assert tab.transcript_name.text() == "Kept as interview.txt"

    driver.controller.shutdown()
    with sign_in(demo_dir, "demo", "demo") as admin:
        spring = next(c for c in admin.programme.list_cohorts() if c.name == SPRING)
        line = next(
            x for x in admin.interviews.cohort(spring.id) if x.person_id == person.person_id
        )
        assert line.interview is not None
        assert line.interview.status is InterviewStatus.DONE
        assert line.interview.notes == "Spoke about belonging and the writing week."
        assert line.interview.transcript == "Participant: I found my voice in week three."


def test_the_sense_making_meeting_keeps_its_register_and_notes(
    driver: Driver, qtbot: QtBot, demo_dir: Path
) -> None:
    driver.sign_in("staff", "demo")
    screen = driver.open(InterviewsScreen)
    assert isinstance(screen, InterviewsScreen)
    _choose_cohort(driver, screen.cohort, SPRING)
    _press(qtbot, screen, Qt.Key.Key_G)
    driver.settle()
    tab = screen.sense_making
    assert screen.tabs.currentWidget() is tab
    assert tab.meeting.currentText() == "23 Mar 2026: Group sense-making"
    assert tab.register.model.rowCount() > 20
    assert tab.register.counts.toolTip().endswith("Not yet marked 0")
    assert tab.notes.toPlainText().startswith("We put the weekly stories' themes")
    tab.notes.selectAll()
    qtbot.keyClicks(tab.notes, "Belonging, then confidence in writing.")
    _press(qtbot, screen, Qt.Key.Key_V)
    driver.settle()
    assert tab.banner.text() == "The meeting's notes are saved."
    driver.controller.shutdown()
    with sign_in(demo_dir, "demo", "demo") as admin:
        spring = next(c for c in admin.programme.list_cohorts() if c.name == SPRING)
        [meeting] = admin.interviews.sense_making(spring.id)
        assert meeting.notes == "Belonging, then confidence in writing."
