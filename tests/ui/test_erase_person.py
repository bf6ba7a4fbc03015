"""Erasing a person from the People screen: the button only for those who may, the
preview in a dialog, and nothing erased until their name is typed."""

from __future__ import annotations

import uuid

from pytestqt.qtbot import QtBot
from sqlalchemy import select

from lt_desktop.core.workspace import Workspace
from lt_desktop.storage.database import INCLUDE_DELETED
from lt_desktop.storage.models import Person, Story
from lt_desktop.ui.qt import Qt, QWidget
from lt_desktop.ui.screens.people import PeopleScreen
from lt_desktop.ui.screens.people.erase import EraseDialog
from tests.helpers.drawing import draw
from tests.ui.conftest import Driver, when_shown


def _people_screen(driver: Driver, user: str) -> tuple[PeopleScreen, Workspace]:
    driver.sign_in(user, "demo")
    screen = driver.open(PeopleScreen)
    assert isinstance(screen, PeopleScreen)
    workspace = driver.controller.workspace
    assert workspace is not None
    return screen, workspace


def _storyteller(workspace: Workspace) -> tuple[uuid.UUID, str]:
    with workspace.store.read() as session:
        person = session.scalars(
            select(Person).join(Story, Story.person_id == Person.id).order_by(Person.family_name)
        ).first()
        assert person is not None
        return person.id, f"{person.given_name} {person.family_name}"


def _gone(workspace: Workspace, person_id: uuid.UUID) -> bool:
    with workspace.store.read() as session:
        person = session.scalars(
            select(Person)
            .where(Person.id == person_id)
            .execution_options(**{INCLUDE_DELETED: True})
        ).one()
        return person.deleted_at is not None and person.family_name == ""


def test_a_person_is_erased_once_their_name_is_typed(driver: Driver, qtbot: QtBot) -> None:
    screen, workspace = _people_screen(driver, "staff")
    person_id, name = _storyteller(workspace)
    screen.show_person(person_id)
    driver.settle()
    button = screen.page.erase_button
    assert button.isVisible() and button.isEnabled()
    seen: list[str] = []

    def fill(dialog: QWidget) -> None:
        assert isinstance(dialog, EraseDialog)
        assert "stories: " in dialog.what_goes.text()
        assert dialog.focusWidget() is dialog.typed
        assert not dialog.ok_button.isEnabled()
        qtbot.keyClicks(dialog.typed, name[:-1])
        assert not dialog.ok_button.isEnabled(), "half a name erases nothing"
        qtbot.keyClicks(dialog.typed, name[-1])
        assert dialog.ok_button.isEnabled()
        draw(dialog)
        seen.append(dialog.what_goes.text())
        qtbot.keyClick(dialog.typed, Qt.Key.Key_Return)

    when_shown(EraseDialog, fill)
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: bool(seen), timeout=20_000)
    qtbot.waitUntil(lambda: _gone(workspace, person_id), timeout=20_000)
    driver.settle()
    assert person_id not in {p.id for p in workspace.people.list_people()}
    assert screen.page.name.text() == "Choose a person"
    assert not screen.page.erase_button.isEnabled()
    draw(screen)


def test_cancelling_erases_nothing(driver: Driver, qtbot: QtBot) -> None:
    screen, workspace = _people_screen(driver, "staff")
    person_id, _ = _storyteller(workspace)
    screen.show_person(person_id)
    driver.settle()
    seen: list[bool] = []

    def cancel(dialog: QWidget) -> None:
        assert isinstance(dialog, EraseDialog)
        qtbot.keyClicks(dialog.typed, "erase")
        qtbot.keyClick(dialog.typed, Qt.Key.Key_Escape)
        seen.append(dialog.isVisible())

    when_shown(EraseDialog, cancel)
    qtbot.mouseClick(screen.page.erase_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: bool(seen), timeout=20_000)
    driver.settle()
    assert seen == [False]
    assert not _gone(workspace, person_id)


def test_the_button_is_not_offered_to_a_facilitator(driver: Driver) -> None:
    screen, _ = _people_screen(driver, "facilitator")
    assert not screen.page.erase_button.isVisible()
