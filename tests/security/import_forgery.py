"""A hostile partner: a prison and a university paired for real, each able to send
the other a bundle signed with its own real keys holding whatever lines it likes.

The lines are made from real records (so everything but the part under test is what
a site writes), then changed as a dishonest or broken partner would.
"""

from __future__ import annotations

import hashlib
import json
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from lt_desktop.core.workspace import Workspace
from lt_desktop.domain.vocabulary import SiteKind
from lt_desktop.storage.clock import format_version
from lt_desktop.storage.models import Base, Partner, SyncedRecord
from lt_desktop.sync.bundle import write_bundle
from lt_desktop.sync.identity import PeerKeys, SiteIdentity
from lt_desktop.sync.pairing import _known_sender, identity
from lt_desktop.sync.records import PayloadInvalid, encode
from tests.helpers.sites import (
    UNIVERSITY_ADMIN,
    UNIVERSITY_PASSWORD,
    Site,
    copy_site,
    new_site,
    pair,
)


@dataclass(frozen=True)
class Pair:
    prison: Site
    university: Site
    prison_id: uuid.UUID
    university_id: uuid.UUID
    #: Each site's own keys and the keys it knows the other by, to sign as it would.
    keys: dict[uuid.UUID, tuple[SiteIdentity, PeerKeys]] = field(compare=False)
    #: Lines read once from the sites as they were exchanged (copies hold the same).
    lines: dict[str, dict[str, Any]] = field(default_factory=dict, compare=False)


def exchanged(tmp_path_factory: pytest.TempPathFactory) -> Pair:
    """The demo prison and its university, paired, each holding what the other sent."""
    from lt_desktop.core.demo import build_demo_store

    root = tmp_path_factory.mktemp("hostile")
    build_demo_store(root / "prison")
    prison = Site("HMP Northfield", root / "prison", "demo", "demo")
    university = new_site(
        root / "university",
        "University of Eastbridge",
        SiteKind.UNIVERSITY,
        UNIVERSITY_ADMIN,
        UNIVERSITY_PASSWORD,
    )
    pair(prison, university)
    prison.export_to(university, root / "to-university.ltbundle")
    university.take_in(root / "to-university.ltbundle")
    university.export_to(prison, root / "to-prison.ltbundle")
    prison.take_in(root / "to-prison.ltbundle")
    prison_id, university_id = site_id(prison), site_id(university)
    keys = {
        prison_id: _keys(prison, university_id),
        university_id: _keys(university, prison_id),
    }
    return Pair(prison, university, prison_id, university_id, keys)


def _keys(site: Site, partner_id: uuid.UUID) -> tuple[SiteIdentity, PeerKeys]:
    with site.open() as workspace, workspace.store.read() as session:
        me = identity(session, workspace.store)
        assert session.get(Partner, partner_id) is not None
        keys = _known_sender(session, partner_id)
    assert keys is not None
    return me, keys


def copied(pair: Pair, folder: Path) -> Pair:
    """Both sites as they are, in ``folder``: one test's to change."""
    return Pair(
        copy_site(pair.prison, folder / "prison"),
        copy_site(pair.university, folder / "university"),
        pair.prison_id,
        pair.university_id,
        pair.keys,
        pair.lines,
    )


def site_id(site: Site) -> uuid.UUID:
    with site.open() as workspace:
        return workspace.store.site.id


_sequence = iter(range(1000, 10**6))


def forge(pair: Pair, *, from_university: bool, lines: list[bytes], target: Path) -> Path:
    """A bundle of ``lines`` from one site of the pair to the other, signed with the
    sender's real keys, as its own export would be."""
    me, recipient = pair.keys[pair.university_id if from_university else pair.prison_id]
    write_bundle(
        target,
        sender=me,
        recipient=recipient,
        sequence=next(_sequence),
        kind="changes",
        meta={"ack": 0, "upto": 1, "snapshot": False},
        chunks=[b"".join(lines)],
    )
    return target


def line_of(record: SyncedRecord) -> dict[str, Any]:
    document: dict[str, Any] = json.loads(encode(record))
    return document


def record_line(
    site: Site, model: type[SyncedRecord], where: Callable[[Any], Any]
) -> dict[str, Any]:
    """The line of the first of ``model``'s records at ``site`` that ``where`` picks."""
    with site.open() as workspace, workspace.store.read() as session:
        record = session.scalars(select(model).where(where(model)).limit(1)).one()
        return line_of(record)


def template(
    pair: Pair,
    model: type[SyncedRecord],
    where: Callable[[Any], Any] | None = None,
    *,
    named: str = "any",
) -> dict[str, Any]:
    """A record of ``model`` as the prison holds it (the first ``where`` picks, known
    as ``named``), read once for every test."""
    key = f"{model.__tablename__}:{named}"
    if key not in pair.lines:
        pair.lines[key] = record_line(pair.prison, model, where or (lambda m: m.id.isnot(None)))
    return json.loads(json.dumps(pair.lines[key]))


def new_version(made_at: uuid.UUID) -> str:
    return format_version(int(time.time() * 1000) + 60_000, 1, made_at)


def changed(line: dict[str, Any], made_at: uuid.UUID, **fields: Any) -> bytes:
    """The record's next version, made at ``made_at`` on top of the one in ``line``."""
    document = json.loads(json.dumps(line))
    version = new_version(made_at)
    document["pv"], document["v"] = document["v"], version
    document["a"] = " ".join(filter(None, [document.get("a") or "", version]))
    document["f"].update(fields)
    return (json.dumps(document) + "\n").encode()


def deleted(line: dict[str, Any], made_at: uuid.UUID) -> bytes:
    document = json.loads(changed(line, made_at))
    document["x"] = document["u"]
    return (json.dumps(document) + "\n").encode()


def created(line: dict[str, Any], made_at: uuid.UUID, **fields: Any) -> dict[str, Any]:
    """A new record like the one in ``line``, made at ``made_at``."""
    document: dict[str, Any] = json.loads(json.dumps(line))
    document["id"] = uuid.uuid4().hex
    document["v"] = new_version(made_at)
    document["pv"] = None
    document["a"] = document["v"]
    document["o"] = made_at.hex
    document["x"] = None
    document["f"].update(fields)
    return document


def as_bytes(document: dict[str, Any]) -> bytes:
    return (json.dumps(document) + "\n").encode()


def digest(workspace: Workspace) -> dict[str, str]:
    """Every row of every table the store holds, a digest a table."""
    tables: dict[str, str] = {}
    with workspace.store.read() as session:
        connection = session.connection()
        for table in Base.metadata.sorted_tables:
            hasher = hashlib.sha256()
            for row in sorted(repr(tuple(row)) for row in connection.execute(select(table))):
                hasher.update(row.encode() + b"\n")
            tables[table.name] = hasher.hexdigest()
    return tables


def refusal(receiver: Site, bundle: Path) -> str:
    """Take ``bundle`` in at ``receiver``: it must be refused, and the store left as it
    was, every row of every table. The refusal's line."""
    with receiver.open() as workspace:
        before = digest(workspace)
        with pytest.raises(PayloadInvalid) as refused:
            workspace.sync.import_bundle(bundle)
        assert digest(workspace) == before
    message = str(refused.value)
    assert message.endswith("nothing was imported."), message
    return message
