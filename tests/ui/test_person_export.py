"""Exporting everything held about a person from their page: the button only for those
who may, a place chosen, and a message saying where the folder went."""

from __future__ import annotations

import json
import uuid
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot
from sqlalchemy import select

from lt_desktop.core.workspace import Workspace
from lt_desktop.storage.models import Person, Story
from lt_desktop.ui.qt import QFileDialog, Qt
from lt_desktop.ui.screens.people import PeopleScreen
from tests.helpers.drawing import draw
from tests.ui.conftest import Driver


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
        return person.id, person.research_id


def test_their_data_goes_into_a_new_folder_in_the_place_chosen(
    driver: Driver, qtbot: QtBot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    screen, workspace = _people_screen(driver, "staff")
    person_id, research_id = _storyteller(workspace)
    stick = tmp_path / "stick"
    stick.mkdir()
    asked: list[str] = []

    def choose(*args: object, **kwargs: object) -> str:
        asked.append(str(args[1]))
        return str(stick)

    monkeypatch.setattr(QFileDialog, "getExistingDirectory", choose)
    screen.show_person(person_id)
    driver.settle()
    button = screen.page.export_button
    assert button.isVisible() and button.isEnabled()

    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(
        lambda: "Everything held about them" in screen.page.banner.text(), timeout=30_000
    )

    folder = stick / f"{research_id}-data"
    assert asked == ["Where should the folder of their data go?"]
    assert str(folder) in screen.page.banner.text()
    assert "Hand it over in person or on encrypted media" in screen.page.banner.text()
    assert (folder / f"{research_id}-data.pdf").is_file()
    data = json.loads((folder / "data.json").read_text(encoding="utf-8"))
    assert data["record"][0]["research_id"] == research_id and data["stories"]
    draw(screen)

    # Asked again, the folder is there: nothing is replaced, and the message says why.
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "holds files" in screen.page.banner.text(), timeout=30_000)
    assert sorted(p.name for p in stick.iterdir()) == [folder.name]


def test_a_facilitator_is_not_offered_the_export(driver: Driver) -> None:
    screen, workspace = _people_screen(driver, "facilitator")
    someone = workspace.people.list_people()[0]
    screen.show_person(someone.id)
    driver.settle()
    assert not screen.page.export_button.isVisible()
