"""People who move, from the People screen: a transfer and a release recorded from the
person's page, a learner arriving by transfer taken on into a cohort here, and two
records of one person merged after seeing what each holds."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import date

from pytestqt.qtbot import QtBot

from lt_desktop.core.workspace import Workspace
from lt_desktop.domain.vocabulary import ENDED_STATUSES, MembershipStatus, PersonBase
from lt_desktop.storage.models import Transfer
from lt_desktop.ui.qt import Qt, QWidget
from lt_desktop.ui.screens.people import PeopleScreen
from lt_desktop.ui.screens.people.moves import (
    MergeDialog,
    ReleaseDialog,
    TakeOnDialog,
    TransferDialog,
)
from lt_desktop.ui.widgets import FormDialog
from tests.helpers.drawing import draw
from tests.ui.conftest import Driver, when_shown

SOUTHGATE = "HMP Southgate"


def _people_screen(driver: Driver) -> tuple[PeopleScreen, Workspace]:
    driver.sign_in("staff", "demo")
    screen = driver.open(PeopleScreen)
    assert isinstance(screen, PeopleScreen)
    workspace = driver.controller.workspace
    assert workspace is not None
    return screen, workspace


def _a_learner_in_a_cohort(workspace: Workspace) -> uuid.UUID:
    """A prison-based person with a current place here."""
    for listed in workspace.people.list_people():
        if not listed.places:
            continue
        page = workspace.people.person_page(listed.id)
        if page.person.base is PersonBase.PRISON and any(
            m.status not in ENDED_STATUSES for m in page.memberships
        ):
            return listed.id
    raise AssertionError("the demo store has no learner with a current place")


def _answer(
    qtbot: QtBot, kind: type[FormDialog], fill: Callable[[QWidget], None], done: list[bool]
) -> None:
    def handler(dialog: QWidget) -> None:
        assert isinstance(dialog, kind)
        fill(dialog)
        draw(dialog)
        qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
        done.append(not dialog.isVisible())
        if dialog.isVisible():
            dialog.reject()  # refused: say so below rather than wait on it

    when_shown(kind, handler)


def _press(driver: Driver, qtbot: QtBot, target: QWidget, done: list[bool]) -> None:
    qtbot.mouseClick(target, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: bool(done), timeout=20_000)
    driver.settle()
    assert done == [True], "the form was refused"


def test_a_transfer_is_recorded_from_the_persons_page(driver: Driver, qtbot: QtBot) -> None:
    screen, workspace = _people_screen(driver)
    learner = _a_learner_in_a_cohort(workspace)
    screen.show_person(learner)
    driver.settle()
    panel = screen.page
    assert panel.transfer_button.isVisible() and panel.transfer_button.isEnabled()
    done: list[bool] = []

    def fill(dialog: QWidget) -> None:
        assert isinstance(dialog, TransferDialog)
        # The focus starts in the prison's name; Tab goes on to the date, then the reason.
        assert dialog.focusWidget() is dialog.to
        qtbot.keyClicks(dialog.to, SOUTHGATE)
        qtbot.keyClick(dialog.focusWidget(), Qt.Key.Key_Tab)
        qtbot.keyClick(dialog.focusWidget(), Qt.Key.Key_Tab)
        assert dialog.focusWidget() is dialog.reason
        qtbot.keyClicks(dialog.reason, "Moved nearer family")

    _answer(qtbot, TransferDialog, fill, done)
    _press(driver, qtbot, panel.transfer_button, done)

    (transfer,) = [t for t in workspace.people.transfers() if t.person_id == learner]
    assert (transfer.to_name, transfer.reason) == (SOUTHGATE, "Moved nearer family")
    assert transfer.transferred_on == date.today()
    page = workspace.people.person_page(learner)
    assert page.memberships and all(m.status in ENDED_STATUSES for m in page.memberships), (
        "their places end"
    )
    assert any(m.status is MembershipStatus.TRANSFERRED for m in page.memberships)
    draw(screen)


def test_a_transfer_names_the_prison_or_stays_open(driver: Driver, qtbot: QtBot) -> None:
    screen, workspace = _people_screen(driver)
    learner = _a_learner_in_a_cohort(workspace)
    screen.show_person(learner)
    driver.settle()
    seen: list[str] = []

    def leave_empty(dialog: QWidget) -> None:
        assert isinstance(dialog, TransferDialog)
        qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
        seen.append(dialog.banner.text())
        assert dialog.isVisible()
        dialog.reject()

    when_shown(TransferDialog, leave_empty)
    qtbot.mouseClick(screen.page.transfer_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: bool(seen), timeout=20_000)
    driver.settle()
    assert "prison" in seen[0]
    assert not [t for t in workspace.people.transfers() if t.person_id == learner]


def test_a_release_ends_the_learners_places_and_keeps_the_record(
    driver: Driver, qtbot: QtBot
) -> None:
    screen, workspace = _people_screen(driver)
    learner = _a_learner_in_a_cohort(workspace)
    marks_before = workspace.people.person_page(learner).attendance
    screen.show_person(learner)
    driver.settle()
    done: list[bool] = []

    def fill(dialog: QWidget) -> None:
        assert isinstance(dialog, ReleaseDialog)
        assert dialog.focusWidget() is dialog.on.line
        qtbot.keyClick(dialog.focusWidget(), Qt.Key.Key_Tab)
        assert dialog.focusWidget() is dialog.note
        qtbot.keyClicks(dialog.note, "Released on licence")

    _answer(qtbot, ReleaseDialog, fill, done)
    _press(driver, qtbot, screen.page.release_button, done)

    page = workspace.people.person_page(learner)
    assert any(m.status is MembershipStatus.RELEASED for m in page.memberships)
    assert all(m.status in ENDED_STATUSES for m in page.memberships)
    assert page.attendance == marks_before, "the course record stays"


def test_a_learner_arriving_by_transfer_is_taken_on_into_a_cohort(
    driver: Driver, qtbot: QtBot
) -> None:
    screen, workspace = _people_screen(driver)
    here = workspace.store.site.name
    learner = _a_learner_in_a_cohort(workspace)
    in_cohorts = {m.cohort_id for m in workspace.people.person_page(learner).memberships}
    cohort = next(c for c in workspace.programme.list_cohorts() if c.id not in in_cohorts)
    with workspace.store.write() as session:
        # As it arrives from the prison the learner left.
        session.add(
            Transfer(
                person_id=learner,
                transferred_on=date.today(),
                to_name=here,
                reason="",
                recorded_by_name="Staff at HMP Elsewhere",
            )
        )
    screen.reload()
    driver.settle()
    assert screen.arrivals_box.isVisible()
    assert screen.arrivals.count() == 1
    done: list[bool] = []

    def fill(dialog: QWidget) -> None:
        assert isinstance(dialog, TakeOnDialog)
        assert dialog.focusWidget() is dialog.cohort
        dialog.cohort.setCurrentIndex(dialog.cohort.findData(str(cohort.id)))

    _answer(qtbot, TakeOnDialog, fill, done)
    _press(driver, qtbot, screen.take_on_button, done)

    (transfer,) = [t for t in workspace.people.transfers() if t.person_id == learner]
    assert transfer.taken_on == date.today()
    places = workspace.people.person_page(learner).memberships
    assert any(m.cohort_id == cohort.id and m.status is MembershipStatus.ACTIVE for m in places)
    assert not screen.arrivals_box.isVisible(), "nobody is left waiting"
    draw(screen)


def test_two_records_of_one_person_are_merged_after_the_preview(
    driver: Driver, qtbot: QtBot
) -> None:
    screen, workspace = _people_screen(driver)
    learner = _a_learner_in_a_cohort(workspace)
    person = workspace.people.get_person(learner)
    second = workspace.people.add_person(
        given_name=person.given_name, family_name=person.family_name, base=person.base
    )
    screen.reload()
    driver.settle()
    screen.show_person(learner)
    driver.settle()
    previews: list[tuple[str, str]] = []
    done: list[bool] = []

    def fill(dialog: QWidget) -> None:
        assert isinstance(dialog, MergeDialog)
        assert dialog.focusWidget() is dialog.other
        qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
        assert dialog.isVisible() and "Choose" in dialog.banner.text()
        assert dialog.focusWidget() is dialog.other, "the focus goes back to the choice"
        # Typed into whatever has focus: part of the label, then the first the list offers.
        label = dialog.other.itemText(dialog.other.findData(str(second.id)))
        name = label.split(" (")[0]
        typed = name[1 : next((i for i, c in enumerate(name) if not c.isascii()), len(name))]
        qtbot.keyClicks(dialog.focusWidget(), typed)
        completer = dialog.other.completer()
        assert completer is not None
        popup = completer.popup()
        assert popup is not None
        qtbot.waitUntil(popup.isVisible)
        assert popup.model().rowCount() == 1
        qtbot.keyClick(popup, Qt.Key.Key_Down)
        qtbot.keyClick(popup, Qt.Key.Key_Return)
        assert dialog.other.currentData() == str(second.id)
        qtbot.waitUntil(lambda: dialog.preview is not None, timeout=20_000)
        previews.append((dialog.keep_text.text(), dialog.merge_text.text()))

    _answer(qtbot, MergeDialog, fill, done)
    _press(driver, qtbot, screen.page.merge_button, done)

    keep_side, merge_side = previews[0]
    assert "places:" in keep_side and "places: none" in merge_side
    ids = {p.id for p in workspace.people.list_people()}
    assert len(ids & {learner, second.id}) == 1, "one record stands"
    survivor = (ids & {learner, second.id}).pop()
    assert workspace.people.get_person(survivor).given_name == person.given_name
    assert screen.page.name.text() == person.display_name
