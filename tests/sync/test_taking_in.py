"""New records are taken in as rows, many to a statement, not as ORM objects: each must
be stored exactly as it was sent, whatever its kind, and the unusual cases a bundle
may hold (one record twice, a line from a version with fewer fields) must come out
as they would one record at a time."""

from __future__ import annotations

import json
import uuid
from typing import Any

from sqlalchemy import select

from lt_desktop.core.workspace import Workspace
from lt_desktop.storage.database import INCLUDE_DELETED
from lt_desktop.storage.models import Person
from lt_desktop.sync.incoming import Merger, MergeSummary
from lt_desktop.sync.records import Incoming, Redaction, decode, encode, synced_models


def _take_in(workspace: Workspace, items: list[Incoming | Redaction]) -> MergeSummary:
    store = workspace.store
    with store.write() as session:
        merger = Merger(
            session,
            clock=store.sessions.clock,
            partner_site_id=uuid.uuid4(),
            local_site_id=store.site.id,
            flush_every=50,  # many windows, so rows wait and are written many times
        )
        return merger.apply_all(items)


def _lines(workspace: Workspace) -> dict[uuid.UUID, bytes]:
    """Every synced record's line, parents' tables first."""
    lines: dict[uuid.UUID, bytes] = {}
    with workspace.store.read() as session:
        for model in synced_models().values():
            query = select(model).execution_options(**{INCLUDE_DELETED: True})
            for record in session.scalars(query):
                lines[record.id] = encode(record)
    return lines


def test_every_kind_of_record_is_stored_exactly_as_sent(
    demo: Workspace, workspace: Workspace
) -> None:
    sent = _lines(demo)
    summary = _take_in(workspace, [decode(line) for line in sent.values()])
    stored = {record_id: line for record_id, line in _lines(workspace).items() if record_id in sent}
    assert sum(summary.added.values()) == len(stored) > 3_000
    assert len(summary.added) >= 25  # most kinds of record
    assert {record_id: sent[record_id] for record_id in stored} == stored


def _person_line(workspace: Workspace) -> dict[str, Any]:
    with workspace.store.read() as session:
        person = session.scalars(select(Person).limit(1)).one()
        line: dict[str, Any] = json.loads(encode(person))
        return line


def _another(line: dict[str, Any]) -> dict[str, Any]:
    """The line as another person's: a new id and research id."""
    other: dict[str, Any] = json.loads(json.dumps(line))
    other["id"] = uuid.uuid4().hex
    other["f"]["research_id"] = f"R-{other['id'][:8]}"
    return other


def _as_incoming(line: dict[str, Any]) -> Incoming:
    incoming = decode(json.dumps(line).encode())
    assert isinstance(incoming, Incoming)
    return incoming


def test_a_record_sent_twice_in_one_bundle_ends_as_its_later_version(
    demo: Workspace, workspace: Workspace
) -> None:
    first = _person_line(demo)
    later = json.loads(json.dumps(first))
    later["v"] = first["v"][:-4] + "ffff"  # same site, later
    later["pv"] = first["v"]
    later["a"] = later["v"]
    later["f"]["notes"] = "Moved to the evening group."
    filler = [_as_incoming(_another(first)) for _ in range(3)]
    summary = _take_in(workspace, [_as_incoming(first), *filler, _as_incoming(later)])
    assert summary.added["people"] == 4 and summary.updated["people"] == 1
    with workspace.store.read() as session:
        person = session.get(Person, uuid.UUID(hex=first["id"]))
        assert person is not None
        assert (person.version, person.notes) == (later["v"], "Moved to the evening group.")


def test_a_line_without_a_newer_field_takes_its_default(
    demo: Workspace, workspace: Workspace
) -> None:
    whole = _person_line(demo)
    older = _another(whole)
    del older["f"]["notes"]
    summary = _take_in(workspace, [_as_incoming(whole), _as_incoming(older)])
    assert summary.added["people"] == 2
    with workspace.store.read() as session:
        kept = session.get(Person, uuid.UUID(hex=older["id"]))
        assert kept is not None
        assert kept.notes == ""
        assert kept.family_name == whole["f"]["family_name"]
