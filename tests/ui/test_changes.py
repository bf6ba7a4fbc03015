"""A change tells the screens what it wrote: a screen out of sight that shows it is
marked out of date and reloads when shown again; the others are left alone."""

from __future__ import annotations

import pytest

from lt_desktop.core.services.settings import BACKUP_REMINDER_DAYS
from lt_desktop.domain.changes import Change
from lt_desktop.domain.vocabulary import PersonBase
from lt_desktop.ui.screens.cohorts import CohortsScreen
from lt_desktop.ui.screens.people import PeopleScreen
from tests.ui.conftest import Driver


def test_a_screen_out_of_sight_reloads_once_shown_after_a_change_it_shows(
    driver: Driver, monkeypatch: pytest.MonkeyPatch
) -> None:
    driver.sign_in("demo", "demo")
    people = driver.open(PeopleScreen)
    assert isinstance(people, PeopleScreen)
    total = people.model.rowCount()
    cohorts = driver.open(CohortsScreen)
    assert isinstance(cohorts, CohortsScreen)
    assert not people.isVisible()
    heard: list[frozenset[Change]] = []
    driver.controller.data_changed.connect(heard.append)
    reloads: list[str] = []
    original = people.reload

    def counted() -> None:
        reloads.append("people")
        original()

    monkeypatch.setattr(people, "reload", counted)

    # Work that writes nothing announces nothing.
    driver.controller.change(lambda ws: ws.people.search("nobody by this name"))
    driver.settle()
    assert heard == []

    # A change to what the screen does not show leaves it be.
    driver.controller.change(lambda ws: ws.settings.set_number(BACKUP_REMINDER_DAYS, 9))
    driver.settle()
    assert heard == [frozenset({Change.SETTINGS, Change.AUDIT})]
    assert not people._stale

    # A change to people, made without saying so, marks the screen out of date ...
    driver.controller.change(
        lambda ws: ws.people.add_person(
            given_name="Wren", family_name="Okonjo-Hale", base=PersonBase.PRISON
        )
    )
    driver.settle()
    assert heard[-1] == frozenset({Change.PEOPLE})
    assert people._stale and reloads == [], "not reloaded while out of sight"

    # ... and it reloads once shown, with the new person in its list.
    assert driver.open(PeopleScreen) is people
    driver.settle()
    assert reloads == ["people"] and not people._stale
    assert people.model.rowCount() == total + 1
    names = {
        person.display_name
        for row in range(people.model.rowCount())
        if (person := people.model.person_at(row)) is not None
    }
    assert any("Okonjo-Hale" in name for name in names)

    # Shown, it reloads at once when the change happens.
    driver.controller.change(
        lambda ws: ws.people.add_person(
            given_name="Ivo", family_name="Okonjo-Hale", base=PersonBase.PRISON
        )
    )
    driver.settle()
    assert reloads == ["people", "people"]
    assert people.model.rowCount() == total + 2
