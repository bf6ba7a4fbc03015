"""Work says what it changed: each committed write transaction reports the areas of the
tables it wrote, and backups report themselves, to whoever records on the thread."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest

from lt_desktop.core.services.settings import BACKUP_REMINDER_DAYS
from lt_desktop.core.workspace import Workspace
from lt_desktop.domain.changes import (
    NOT_SHOWN,
    TABLE_CHANGES,
    Change,
    changes_for_tables,
    recording,
    report,
)
from lt_desktop.domain.errors import ValidationError
from lt_desktop.domain.vocabulary import PersonBase
from lt_desktop.storage.models import Base, Person


def test_every_table_belongs_to_an_area_or_is_shown_by_no_screen() -> None:
    tables = set(Base.metadata.tables)
    unplaced = tables - set(TABLE_CHANGES) - NOT_SHOWN
    assert not unplaced, f"say which Change these tables belong to: {sorted(unplaced)}"
    assert not (set(TABLE_CHANGES) | NOT_SHOWN) - tables, "a table named that is not in the store"
    assert not set(TABLE_CHANGES) & NOT_SHOWN


def test_every_area_but_backups_has_a_table() -> None:
    # Backups are files outside the store, reported by the service that writes them.
    assert set(Change) - set(TABLE_CHANGES.values()) == {Change.BACKUPS}


def test_recorders_nest_and_hear_only_their_own_thread() -> None:
    with recording() as outer:
        with recording() as inner:
            report(Change.PEOPLE)
        report(Change.COHORTS)
        elsewhere = threading.Thread(target=report, args=(Change.SYNC,))
        elsewhere.start()
        elsewhere.join()
    assert inner == {Change.PEOPLE}
    assert outer == {Change.PEOPLE, Change.COHORTS}
    report(Change.AUDIT)  # no one is recording: heard by no one
    assert outer == {Change.PEOPLE, Change.COHORTS}
    assert changes_for_tables(["people", "change_counter", "drafts"]) == {Change.PEOPLE}


def test_a_service_call_reports_what_it_wrote(demo: Workspace) -> None:
    with recording() as changed:
        person = demo.people.add_person(
            given_name="Ada", family_name="Quill", base=PersonBase.PRISON
        )
    assert changed == {Change.PEOPLE}

    with recording() as changed:
        demo.settings.set_number(BACKUP_REMINDER_DAYS, 9)
    assert changed == {Change.SETTINGS, Change.AUDIT}

    with recording() as changed:
        demo.people.search("Quill")
        demo.programme.list_cohorts()
    assert changed == set(), "reading changes nothing"

    with recording() as changed:
        with pytest.raises(ValidationError):
            demo.settings.set_number(BACKUP_REMINDER_DAYS, 10_000)
    assert changed == set(), "a refused change wrote nothing"

    with recording() as changed, pytest.raises(RuntimeError), demo.store.write() as session:
        session.get_one(Person, person.id).family_name = "Rolled back"
        session.flush()
        raise RuntimeError("changed my mind")
    assert changed == set(), "a transaction rolled back reports nothing"


def test_statements_that_write_many_rows_are_reported(demo: Workspace) -> None:
    kept, merged = (
        demo.people.add_person(given_name="Sam", family_name="Twice", base=PersonBase.PRISON)
        for _ in range(2)
    )
    # A merge rewrites every record naming the merged person with bulk updates.
    with recording() as changed:
        demo.people.merge_people(kept.id, merged.id)
    assert {Change.PEOPLE, Change.AUDIT, Change.SYNC} <= changed


def test_a_backup_reports_itself(demo: Workspace, tmp_path: Path) -> None:
    folder = tmp_path / "media"
    folder.mkdir()
    with recording() as changed:
        demo.maintenance.set_backup_folder(folder)
    assert changed == {Change.SETTINGS, Change.AUDIT, Change.BACKUPS}
    with recording() as changed:
        demo.maintenance.back_up_now()
    assert changed == {Change.BACKUPS, Change.AUDIT}
