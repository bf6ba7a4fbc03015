"""The Applications screen, driven by keys and clicks on the demo store."""

from __future__ import annotations

import uuid
from datetime import date
from pathlib import Path

import pytest
from pypdf import PdfReader
from pytestqt.qtbot import QtBot

from lt_desktop.core.services.applications import ApplicationRow, NewApplicant, rank_key
from lt_desktop.core.services.settings import BLIND_ASSESSMENT
from lt_desktop.core.sign_in import sign_in
from lt_desktop.core.workspace import Workspace
from lt_desktop.domain.vocabulary import (
    ApplicationDecision,
    MembershipRole,
    MembershipStatus,
    PersonBase,
)
from lt_desktop.ui.qt import (
    QAbstractItemView,
    QApplication,
    QLabel,
    QLineEdit,
    QMessageBox,
    QModelIndex,
    QPlainTextEdit,
    QPushButton,
    Qt,
    QWidget,
)
from lt_desktop.ui.screens.applications import (
    ApplicationsScreen,
    AssessView,
    DecisionsView,
    DeclineDialog,
    EnterApplicationsDialog,
    LettersDialog,
    RubricDialog,
)
from tests.ui.conftest import Driver, when_shown, window_on

COHORT = "September–December 2026"
OFFERED, WAITING, PENDING = (
    ApplicationDecision.OFFERED,
    ApplicationDecision.WAITING_LIST,
    ApplicationDecision.PENDING,
)


def _answer(qtbot: QtBot, button_text: str) -> None:
    def click(box: QWidget) -> None:
        assert isinstance(box, QMessageBox)
        chosen = next(b for b in box.buttons() if b.text() == button_text)
        qtbot.mouseClick(chosen, Qt.MouseButton.LeftButton)

    when_shown(QMessageBox, click)


def _press(qtbot: QtBot, widget: QWidget, key: Qt.Key) -> None:
    """Alt and a button's underlined letter; the button answers once it has shown
    itself pressed."""
    window = widget.window()
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow, timeout=5_000)
    qtbot.keyClick(widget, key, Qt.KeyboardModifier.AltModifier)
    qtbot.wait(250)


def _admin(folder: Path) -> Workspace:
    return sign_in(folder, "demo", "demo")


def _applications(
    folder: Path,
) -> tuple[uuid.UUID, list[ApplicationRow], dict[uuid.UUID, PersonBase]]:
    with _admin(folder) as admin:
        cohort = next(c for c in admin.programme.list_cohorts() if c.name == COHORT)
        rows = admin.applications.list_applications(cohort.id)
        bases = {r.person_id: admin.people.get_person(r.person_id).base for r in rows}
        return cohort.id, rows, bases


def _new_application(
    folder: Path, given: str, base: PersonBase, decision: ApplicationDecision | None = None
) -> ApplicationRow:
    """A late application to the demo's second cohort, perhaps decided already."""
    with _admin(folder) as admin:
        cohort_id = next(c.id for c in admin.programme.list_cohorts() if c.name == COHORT)
        row = admin.applications.record_application(
            cohort_id,
            new_person=NewApplicant(given, "Quennell", base),
            received_on=date(2026, 8, 20),
            motivation_statement="I would like to learn with others, and to argue well.",
        )
        return row if decision is None else admin.applications.decide(row.id, decision)


def _open(driver: Driver, username: str) -> ApplicationsScreen:
    driver.sign_in(username, "demo")
    screen = driver.open(ApplicationsScreen)
    assert isinstance(screen, ApplicationsScreen)
    assert screen.cohort.currentText().endswith(COHORT)  # the newest cohort comes first
    return screen


def _decisions(screen: ApplicationsScreen) -> DecisionsView:
    assert screen.decisions is not None
    return screen.decisions


def _choose(driver: Driver, view: DecisionsView, application_id: uuid.UUID) -> None:
    position = view.model.position_of(application_id)
    assert position is not None
    view.table.selectRow(position)
    driver.settle()
    assert view._detail is not None and view._detail.row.id == application_id


def _shown(view: DecisionsView, application_id: uuid.UUID) -> ApplicationRow:
    position = view.model.position_of(application_id)
    assert position is not None
    return view.model.rows[position]


def _text_of(root: QWidget) -> str:
    """Every piece of text the widgets under ``root`` show or hold."""
    parts = []
    for widget in [root, *root.findChildren(QWidget)]:
        if isinstance(widget, QLabel):
            parts.append(widget.text())
        elif isinstance(widget, QLineEdit):
            parts.append(widget.text())
        elif isinstance(widget, QPlainTextEdit):
            parts.append(widget.toPlainText())
        elif isinstance(widget, QAbstractItemView) and widget.model() is not None:
            model = widget.model()
            for row in range(model.rowCount(QModelIndex())):
                for column in range(max(1, model.columnCount(QModelIndex()))):
                    value = model.index(row, column).data()
                    if value is not None:
                        parts.append(str(value))
    return "\n".join(parts)


def test_paper_applications_are_entered_one_after_another_by_keyboard(
    qtbot: QtBot, demo_dir: Path
) -> None:
    with _admin(demo_dir) as admin:
        applied = {
            r.person_id
            for c in admin.programme.list_cohorts()
            for r in admin.applications.list_applications(c.id)
        }
        people = admin.people.list_people()
        names = [p.display_name for p in people]
        known = next(p for p in people if p.id not in applied and names.count(p.display_name) == 1)
    with window_on(qtbot, demo_dir) as driver:
        screen = _open(driver, "staff")
        view = _decisions(screen)
        before = view.model.total
        saved: list[str] = []

        def enter(dialog: QWidget) -> None:
            assert isinstance(dialog, EnterApplicationsDialog)
            try:
                qtbot.keyClicks(dialog.applicant, "Robin Okonjo-Hart")
                # Typing in the name shows the list of matches; the test platform does not
                # give the form back the keyboard when that list closes, as a desktop does.
                dialog.activateWindow()
                qtbot.waitUntil(dialog.isActiveWindow)
                assert "Someone new" in dialog.known.text() and dialog.base.isEnabled()
                qtbot.keyClick(dialog.applicant, Qt.Key.Key_Tab)
                qtbot.keyClick(dialog.base, Qt.Key.Key_Tab)
                qtbot.keyClick(dialog.received, Qt.Key.Key_Tab)
                qtbot.keyClicks(dialog.statement, "I want to learn to argue well, with others.")
                qtbot.keyClick(dialog.statement, Qt.Key.Key_Tab)
                qtbot.keyClicks(dialog.heard_about, "A poster")
                qtbot.keyClick(
                    dialog.heard_about, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier
                )
                qtbot.waitUntil(lambda: "Saved 1" in dialog.saved.text(), timeout=20_000)
                saved.append(dialog.saved.text())
                # Ready for the next form at once, the cursor back on the name.
                assert dialog.applicant.currentText() == "" and dialog.statement.toPlainText() == ""
                assert QApplication.focusWidget() in (dialog.applicant, dialog.applicant.lineEdit())
                qtbot.keyClicks(dialog.applicant, known.display_name.upper())
                assert "Already known here" in dialog.known.text() and not dialog.base.isEnabled()
                qtbot.keyClicks(dialog.statement, "Second form.")
                qtbot.keyClick(
                    dialog.statement, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier
                )
                qtbot.waitUntil(lambda: "Saved 2" in dialog.saved.text(), timeout=20_000)
                saved.append(dialog.saved.text())
            finally:
                dialog.reject()

        driver.answer_next_dialog(enter)
        qtbot.mouseClick(view.enter_button, Qt.MouseButton.LeftButton)
        driver.settle()
        assert saved[0].startswith("Saved 1: Robin Okonjo-Hart, A-")
        assert view.model.total == before + 2
        assert {"Robin Okonjo-Hart", known.display_name} <= {r.name for r in view.model.all_rows}
    with _admin(demo_dir) as admin:
        cohort_id = next(c.id for c in admin.programme.list_cohorts() if c.name == COHORT)
        rows = {r.name: r for r in admin.applications.list_applications(cohort_id)}
        robin = rows["Robin Okonjo-Hart"]
        person = admin.people.get_person(robin.person_id)
        assert (person.given_name, person.family_name) == ("Robin", "Okonjo-Hart")
        assert person.base is PersonBase.PRISON  # the site's own side, unless chosen
        detail = admin.applications.application(robin.id)
        assert detail.motivation_statement == "I want to learn to argue well, with others."
        assert detail.heard_about == "A poster"
        assert rows[known.display_name].person_id == known.id  # no second record made
        assert [p.display_name for p in admin.people.list_people()].count(known.display_name) == 1


def test_deciding_in_place_keeps_the_filter_and_the_choice(qtbot: QtBot, demo_dir: Path) -> None:
    pending = _new_application(demo_dir, "Iris", PersonBase.UNIVERSITY)
    with window_on(qtbot, demo_dir) as driver:
        screen = _open(driver, "staff")
        view = _decisions(screen)
        family = pending.sort_name.split(",")[0]
        qtbot.keyClicks(view.search, family)
        assert 0 < view.model.rowCount() < view.model.total
        _choose(driver, view, pending.id)
        _press(qtbot, view.table, Qt.Key.Key_W)
        driver.settle()
        assert _shown(view, pending.id).decision is WAITING
        assert view.search.text() == family and view.model.rowCount() < view.model.total
        assert view.model.row_at(view.table.currentIndex()).id == pending.id  # type: ignore[union-attr]
        assert "put on the waiting list" in view.banner.text()
        assert "Waiting list, decided" in view.decision_text.text()

        def decline(dialog: QWidget) -> None:
            assert isinstance(dialog, DeclineDialog)
            dialog.suggestion.setCurrentIndex(0)
            assert dialog.reason.toPlainText() == ""
            qtbot.keyClicks(dialog.reason, "The sessions clash with your work.")
            qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)

        driver.answer_next_dialog(decline)
        qtbot.mouseClick(view.decline_button, Qt.MouseButton.LeftButton)
        driver.settle()
        assert _shown(view, pending.id).decision is ApplicationDecision.DECLINED
        assert "The sessions clash with your work." in view.decision_text.text()
        # Filtering by decision.
        view.search.clear()
        view.show_only.setCurrentIndex(view.show_only.findText("Declined"))
        assert {r.decision for r in view.model.rows} == {ApplicationDecision.DECLINED}
        assert view.count.text().endswith(f"of {view.model.total} applications.")


def test_accepting_an_offer_on_screen_enrols_the_student(qtbot: QtBot, demo_dir: Path) -> None:
    offer = _new_application(demo_dir, "Iris", PersonBase.PRISON, OFFERED)
    with window_on(qtbot, demo_dir) as driver:
        screen = _open(driver, "staff")
        view = _decisions(screen)
        assert view.places_text.text().startswith("24 places: 23 taken, 1 offered")
        _choose(driver, view, offer.id)
        assert not view.offer_button.isEnabled() and view.accepted_button.isEnabled()
        _answer(qtbot, "Enrol")
        qtbot.mouseClick(view.accepted_button, Qt.MouseButton.LeftButton)
        driver.settle()
        assert _shown(view, offer.id).decision is ApplicationDecision.ACCEPTED
        assert "accepted and is enrolled" in view.banner.text()
        assert view.places_text.text().startswith("24 places: 24 taken, 0 offered")
        assert not view.accepted_button.isEnabled() and not view.decline_button.isEnabled()
    with _admin(demo_dir) as admin:
        (member,) = [
            m
            for m in admin.memberships.list_members(offer.cohort_id)
            if m.person_id == offer.person_id
        ]
        assert (member.role, member.status) == (MembershipRole.STUDENT, MembershipStatus.ACTIVE)


def test_a_turned_down_offer_goes_to_the_waiting_list_keeping_the_balance(
    qtbot: QtBot, demo_dir: Path
) -> None:
    # A prison-based applicant turns the cohort's last place down. The best-assessed
    # person waiting may be from either side; the place goes to the best of the prison side.
    turned_down = _new_application(demo_dir, "Iris", PersonBase.PRISON, OFFERED)
    _, rows, bases = _applications(demo_dir)
    waiting = sorted((r for r in rows if r.decision is WAITING), key=rank_key)
    expected = next(r for r in waiting if bases[r.person_id] is PersonBase.PRISON)
    with window_on(qtbot, demo_dir) as driver:
        screen = _open(driver, "staff")
        view = _decisions(screen)
        _choose(driver, view, turned_down.id)
        _answer(qtbot, "Offer the place")
        qtbot.mouseClick(view.turned_down_button, Qt.MouseButton.LeftButton)
        driver.settle()
        assert _shown(view, turned_down.id).decision is ApplicationDecision.OFFER_DECLINED
        assert view.banner.text() == f"Offered 1 free place(s): {expected.name}."
        assert _shown(view, expected.id).decision is OFFERED
        assert "12 prison-based and 12 university-based" in view.places_text.text()
        assert view.places_text.text().startswith("24 places: 23 taken, 1 offered")


@pytest.mark.parametrize("username", ["staff", "facilitator"])
def test_no_application_view_shows_base_when_assessment_is_blind(
    qtbot: QtBot, demo_dir: Path, username: str
) -> None:
    """Flip a pending applicant's base in the store: with blind assessment on, every
    view of their application reads exactly as before; and assessors see no name."""
    applicant = _new_application(demo_dir, "Iris", PersonBase.PRISON)
    _, rows, bases = _applications(demo_dir)
    with _admin(demo_dir) as admin:  # the demo facilitator works with this cohort
        admin.settings.set_switch(BLIND_ASSESSMENT, True)

    def views() -> list[str]:
        with window_on(qtbot, demo_dir) as driver:
            screen = _open(driver, username)
            texts = []
            for index in range(screen.tabs.count()):
                screen.tabs.setCurrentIndex(index)
                driver.settle()
                view = screen.tabs.currentWidget()
                if isinstance(view, DecisionsView):
                    _choose(driver, view, applicant.id)
                else:
                    assert isinstance(view, AssessView)
                    row = next(
                        i for i, item in enumerate(view.items.rows) if item.id == applicant.id
                    )
                    view.table.selectRow(row)
                    driver.settle()
                    assert view._open is not None and view._open.id == applicant.id
                    assert view.table.isColumnHidden(1)
                    shown = _text_of(view)
                    assert applicant.name not in shown and applicant.reference in shown
                    assert all(r.name not in shown for r in rows)
                texts.append(_text_of(view))
            return texts

    before = views()
    with _admin(demo_dir) as admin:
        person = admin.people.get_person(applicant.person_id)
        flipped = (
            PersonBase.UNIVERSITY
            if bases[applicant.person_id] is PersonBase.PRISON
            else PersonBase.PRISON
        )
        admin.people.update_person(
            person.id, given_name=person.given_name, family_name=person.family_name, base=flipped
        )
    after = views()
    assert after == before
    assert len(before) == (2 if username == "staff" else 1)
    for text in before:
        for word in ("prison-based", "university-based"):
            assert text.count(word) <= 1  # only in the cohort's balance, never beside a person


def test_an_assessor_scores_by_keyboard_and_cannot_see_the_other_scores(
    qtbot: QtBot, demo_dir: Path
) -> None:
    unread = _new_application(demo_dir, "Iris", PersonBase.UNIVERSITY)
    _new_application(demo_dir, "Ivo", PersonBase.PRISON)
    with window_on(qtbot, demo_dir) as driver:
        screen = _open(driver, "staff")
        screen.window().activateWindow()
        qtbot.waitUntil(screen.window().isActiveWindow, timeout=5_000)
        screen.tabs.setCurrentIndex(1)
        driver.settle()
        view = screen.assessing
        assert view is not None
        assert view.items.rowCount() == 2
        row = next(i for i, item in enumerate(view.items.rows) if item.id == unread.id)
        view.table.selectRow(1 - row)  # the other first, then back: a fresh opening
        driver.settle()
        view.table.selectRow(row)
        driver.settle()
        fields = list(view.score_fields.values())
        assert fields[0].hasFocus()
        for field, digit in zip(fields, "4352", strict=True):
            qtbot.keyClick(field, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
            qtbot.keyClicks(field, digit)
        first_note = next(iter(view.note_fields.values()))
        qtbot.keyClicks(first_note, "Many questions of their own.")
        qtbot.keyClick(first_note, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
        driver.settle()
        assert f"Saved your scores for {unread.reference}: 14." in view.banner.text()
        assert view.items.rows[row].my_total == 14 and view.items.rows[row].assessors == 1
        assert view._open is not None and view._open.id != unread.id  # on to the next
    with _admin(demo_dir) as admin:
        detail = admin.applications.application(unread.id)
        (assessment,) = detail.assessments
        assert assessment.assessor_name == "Demo education staff"
        assert sorted(assessment.scores.values()) == [2, 3, 4, 5]
        assert list(assessment.notes.values()) == ["Many questions of their own."]


def test_the_administrator_turns_blind_assessment_on_and_prints_letters(
    qtbot: QtBot, demo_dir: Path, tmp_path: Path
) -> None:
    with window_on(qtbot, demo_dir) as driver:
        screen = _open(driver, "demo")
        view = _decisions(screen)
        assert screen.assessing is not None

        def turn_on(dialog: QWidget) -> None:
            assert isinstance(dialog, RubricDialog)
            qtbot.waitUntil(lambda: dialog.list.count() == 4, timeout=20_000)
            assert not dialog.blind.isChecked()
            qtbot.mouseClick(dialog.blind, Qt.MouseButton.LeftButton)
            qtbot.waitUntil(lambda: "without names" in dialog.banner.text(), timeout=20_000)
            dialog.reject()

        driver.answer_next_dialog(turn_on)
        qtbot.mouseClick(view.rubric_button, Qt.MouseButton.LeftButton)
        driver.settle()
        screen.tabs.setCurrentIndex(1)
        driver.settle()
        assert screen.assessing.table.isColumnHidden(1)
        assert "blind" in screen.assessing.note.text()

        screen.tabs.setCurrentIndex(0)
        driver.settle()
        target = tmp_path / "declines.pdf"

        def print_declines(dialog: QWidget) -> None:
            assert isinstance(dialog, LettersDialog)
            dialog.which.setCurrentIndex(dialog.which.findText("Declines (2)"))
            dialog.target.line.setText(str(target))
            qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)

        driver.answer_next_dialog(print_declines)
        qtbot.mouseClick(view.print_button, Qt.MouseButton.LeftButton)
        driver.settle()
        assert view.banner.text() == "Saved 2 letters as declines.pdf."
        pages = PdfReader(target).pages
        assert len(pages) == 2 and all("About your application" in p.extract_text() for p in pages)
    with _admin(demo_dir) as admin:
        assert admin.settings.get(BLIND_ASSESSMENT) is True


def test_a_facilitator_only_assesses(qtbot: QtBot, demo_dir: Path) -> None:
    with window_on(qtbot, demo_dir) as driver:
        screen = _open(driver, "facilitator")
        assert screen.decisions is None and screen.tabs.count() == 1
        buttons = {b.text() for b in screen.findChildren(QPushButton)}
        assert "&Offer a place" not in buttons and "Print letters…" not in buttons
