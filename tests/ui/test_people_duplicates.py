"""People of the same name: a warning before a second record is made, rows that can be
told apart, and an enrol dialog that enrols only the person chosen on purpose."""

from __future__ import annotations

from pathlib import Path

from pytestqt.qtbot import QtBot

from lt_desktop.core.services.people import PersonInfo
from lt_desktop.core.sign_in import sign_in
from lt_desktop.core.workspace import Workspace
from lt_desktop.domain.vocabulary import PersonBase
from lt_desktop.ui.qt import QApplication, QMessageBox, Qt, QWidget
from lt_desktop.ui.screens.cohorts import NOBODY_CHOSEN, CohortsScreen, EnrolDialog
from lt_desktop.ui.screens.people import PeopleScreen, PersonDialog
from tests.ui.conftest import Driver, when_shown


def _click(qtbot: QtBot, box: QMessageBox, text: str) -> None:
    button = next(b for b in box.buttons() if b.text().replace("&", "") == text)
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)


def test_a_second_person_of_the_same_name_is_added_only_after_a_warning(
    driver: Driver, qtbot: QtBot, demo_dir: Path
) -> None:
    driver.sign_in("staff", "demo")
    screen = driver.open(PeopleScreen)
    assert isinstance(screen, PeopleScreen)
    workspace = driver.controller.workspace
    assert workspace is not None
    listed = [screen.model.person_at(row) for row in range(screen.model.rowCount())]
    names = [p.display_name for p in listed if p is not None]
    existing = next(
        workspace.people.get_person(p.id)
        for p in listed
        if p is not None
        and p.places
        and names.count(p.display_name) == 1
        and not workspace.people.get_person(p.id).preferred_name
    )
    name = existing.display_name
    warnings: list[str] = []
    done: list[bool] = []

    def type_the_name(dialog: QWidget) -> None:
        assert isinstance(dialog, PersonDialog)
        qtbot.keyClicks(dialog.given, existing.given_name)
        qtbot.keyClicks(dialog.family, existing.family_name)
        dialog.base.set_value(PersonBase.UNIVERSITY)
        when_shown(QMessageBox, go_back)
        qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)

    def go_back(box: QWidget) -> None:
        assert isinstance(box, QMessageBox)
        warnings.append(f"{box.text()}\n{box.informativeText()}")
        when_shown(PersonDialog, save_again)
        _click(qtbot, box, "Go back")

    def save_again(dialog: QWidget) -> None:
        assert isinstance(dialog, PersonDialog)
        # What was typed is still there to check.
        assert (dialog.given.text(), dialog.family.text()) == (
            existing.given_name,
            existing.family_name,
        )
        when_shown(QMessageBox, add_anyway)
        qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)

    def add_anyway(box: QWidget) -> None:
        assert isinstance(box, QMessageBox)
        _click(qtbot, box, "Add anyway")
        done.append(True)

    when_shown(PersonDialog, type_the_name)
    qtbot.mouseClick(screen.add_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: bool(done), timeout=20_000)
    driver.settle()

    assert warnings and warnings[0].startswith(f"Someone already here may be {name}:")
    original = next(p for p in listed if p is not None and p.id == existing.id)
    assert f"• {original.label}: same name" in warnings[0]
    assert "prison" not in warnings[0].casefold()

    qtbot.keyClicks(screen.search, name)
    qtbot.waitUntil(lambda: screen.model.rowCount() == 2, timeout=5_000)
    rows = [screen.model.index(row).data() for row in range(2)]
    assert all(row.startswith(f"{name} — ") for row in rows)
    assert rows[0] != rows[1]
    assert original.label in rows

    driver.controller.shutdown()
    with sign_in(demo_dir, "demo", "demo") as admin:
        assert [p.display_name for p in admin.people.list_people()].count(name) == 2


def test_a_prison_number_already_recorded_is_warned_of_without_showing_it(
    driver: Driver, qtbot: QtBot
) -> None:
    driver.sign_in("staff", "demo")
    screen = driver.open(PeopleScreen)
    assert isinstance(screen, PeopleScreen)
    workspace = driver.controller.workspace
    assert workspace is not None
    listed = [screen.model.person_at(row) for row in range(screen.model.rowCount())]
    holder, number = next(
        (p, details.prison_number)
        for p in listed
        if p is not None
        and (details := workspace.people.prison_details(p.id)) is not None
        and details.prison_number
    )
    warnings: list[str] = []

    def type_someone_else(dialog: QWidget) -> None:
        assert isinstance(dialog, PersonDialog) and dialog.prison_number is not None
        qtbot.keyClicks(dialog.given, "Quentin")
        qtbot.keyClicks(dialog.family, "Zephyrine")
        dialog.base.set_value(PersonBase.UNIVERSITY)
        assert not dialog.prison_number.isEnabled()  # prison-based people only
        dialog.base.set_value(PersonBase.PRISON)
        qtbot.keyClicks(dialog.prison_number, number.lower())
        when_shown(QMessageBox, go_back)
        qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)

    def go_back(box: QWidget) -> None:
        assert isinstance(box, QMessageBox)
        warnings.append(f"{box.text()}\n{box.informativeText()}")
        when_shown(PersonDialog, lambda dialog: dialog.close())
        _click(qtbot, box, "Go back")

    when_shown(PersonDialog, type_someone_else)
    qtbot.mouseClick(screen.add_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: bool(warnings) and QApplication.activeModalWidget() is None)
    driver.settle()
    assert f"• {holder.label}: same prison number" in warnings[0]
    assert number not in warnings[0]
    assert not workspace.people.search("Quentin Zephyrine")


def test_enrolling_chooses_no_one_until_the_person_is_chosen_by_keyboard(
    driver: Driver, qtbot: QtBot, demo_dir: Path
) -> None:
    driver.sign_in("staff", "demo")
    namesakes: list[PersonInfo] = []
    for base in (PersonBase.PRISON, PersonBase.UNIVERSITY):

        def add_namesake(ws: Workspace, base: PersonBase = base) -> PersonInfo:
            return ws.people.add_person(given_name="Rowan", family_name="Quill", base=base)

        driver.controller.change(add_namesake, namesakes.append)
    driver.settle()
    assert len(namesakes) == 2
    screen = driver.open(CohortsScreen)
    assert isinstance(screen, CohortsScreen)
    row = next(i for i, c in enumerate(screen.cohorts.rows) if c.name.startswith("September"))
    screen.cohort_table.selectRow(row)
    driver.settle()
    cohort = screen.current_cohort()
    assert cohort is not None
    chosen: list[object] = []

    def enrol(dialog: QWidget) -> None:
        assert isinstance(dialog, EnrolDialog)
        qtbot.waitUntil(lambda: QApplication.focusWidget() is dialog.search, timeout=5_000)
        assert dialog.chosen() is None
        assert not dialog.list.selectionModel().hasSelection()
        # Enter with nobody chosen enrols no one, from the search or from the list.
        qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Return)
        assert dialog.isVisible() and "press Down to choose one" in dialog.banner.text()
        qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Tab)
        assert QApplication.focusWidget() is dialog.list
        qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Return)
        assert dialog.isVisible() and dialog.banner.text() == NOBODY_CHOSEN
        assert dialog.chosen() is None
        qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Backtab)
        assert QApplication.focusWidget() is dialog.search
        qtbot.keyClicks(QApplication.focusWidget(), "rowan quill")
        assert dialog.model.rowCount() == 2 and dialog.chosen() is None
        labels = [dialog.model.index(r).data() for r in range(2)]
        assert labels[0] != labels[1]
        qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Down)
        assert dialog.chosen() == dialog.model.person_at(0)
        qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Down)
        second = dialog.model.person_at(1)
        assert second is not None and dialog.chosen() == second
        assert second.label in dialog.choice.text()
        chosen.append(second.id)
        qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Return)

    driver.answer_next_dialog(enrol)
    qtbot.mouseClick(screen.enrol_button, Qt.MouseButton.LeftButton)
    driver.settle()
    assert len(chosen) == 1
    driver.controller.shutdown()
    with sign_in(demo_dir, "demo", "demo") as admin:
        members = {m.person_id for m in admin.memberships.list_members(cohort.id)}
        assert chosen[0] in members
        assert {p.id for p in namesakes} & members == {chosen[0]}
