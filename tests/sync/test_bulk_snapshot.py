"""A snapshot into a store holding none of its records is taken in in bulk (``sync.bulk``):
the store ends exactly as the record-by-record path leaves it, and a bundle refused or
given up on half-way leaves nothing of the bulk path behind."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from lt_desktop.domain.errors import LtError
from lt_desktop.domain.vocabulary import SiteKind
from lt_desktop.storage.models import PrisonDetails
from lt_desktop.sync import bulk, exchange
from lt_desktop.sync.bundle import BundleInfo, open_bundle, write_bundle
from lt_desktop.sync.exchange_results import ImportResult
from lt_desktop.sync.pairing import _known_sender, identity
from lt_desktop.sync.records import encode, synced_models
from tests.helpers.sites import (
    UNIVERSITY_ADMIN,
    UNIVERSITY_PASSWORD,
    Site,
    copy_site,
    new_site,
    pair,
)
from tests.helpers.stores import copy_store

#: Columns a store fills in itself, with its own clock or a fresh id, whichever path
#: took the bundle in (the audit log, receipts, sign-ins): not the import's result.
_OWN_STAMPS = {"id", "at", "waiting_since"}
#: Settings each sign-in writes afresh.
_SIGN_IN_SETTINGS = ("key_file_digest", "sign_in_record")
_OWN_STAMPS_TABLES = {"audit_log", "audit_entries"}


@pytest.fixture(scope="module")
def _paired(_demo_template: Path, tmp_path_factory: pytest.TempPathFactory) -> tuple[Site, Site]:
    root = tmp_path_factory.mktemp("bulk")
    copy_store(_demo_template, root / "prison")
    prison = Site("HMP Northfield", root / "prison", "demo", "demo")
    university = new_site(
        root / "university",
        "University of Eastbridge",
        SiteKind.UNIVERSITY,
        UNIVERSITY_ADMIN,
        UNIVERSITY_PASSWORD,
    )
    pair(prison, university)
    return prison, university


@pytest.fixture(scope="module")
def snapshot(_paired: tuple[Site, Site], tmp_path_factory: pytest.TempPathFactory) -> BundleInfo:
    prison, university = _paired
    target = tmp_path_factory.mktemp("snapshot") / "snapshot.ltbundle"
    return prison.export_to(university, target, snapshot=True).info


@pytest.fixture(scope="module")
def first_bundle(
    _paired: tuple[Site, Site], tmp_path_factory: pytest.TempPathFactory
) -> BundleInfo:
    """The prison's first bundle of changes: everything the university may have."""
    prison, university = _paired
    target = tmp_path_factory.mktemp("first") / "first.ltbundle"
    return prison.export_to(university, target).info


class _Paths:
    """Which paths an import took: each merger made, in bulk or not."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.mergers: list[bool] = []
        made = exchange._merger

        def merger(*args: Any, **kwargs: Any) -> Any:
            self.mergers.append(bool(kwargs.get("bulk")))
            return made(*args, **kwargs)

        monkeypatch.setattr(exchange, "_merger", merger)


def _row_by_row(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(bulk, "ready", lambda session, tables: False)


def _contents(site: Site) -> dict[str, list[tuple[Any, ...]]]:
    """Every table, row for row (sorted), and the schema with its indexes; of the tables
    a store stamps itself, the columns it stamps are left out."""
    with site.open() as workspace, workspace.store.read() as session:
        connection = session.connection()
        tables = [
            name
            for (name,) in connection.exec_driver_sql(
                "SELECT name FROM sqlite_master WHERE type = 'table' "
                "AND name NOT LIKE 'sqlite_%' ORDER BY name"
            )
        ]
        synced = set(synced_models())
        held: dict[str, list[tuple[Any, ...]]] = {}
        for table in tables:
            if table in _OWN_STAMPS_TABLES:
                continue
            columns = [
                row[1] for row in connection.exec_driver_sql(f'PRAGMA table_info("{table}")')
            ]
            if table not in synced:
                columns = [c for c in columns if c not in _OWN_STAMPS and not c.endswith("_at")]
            listed = ", ".join(f'"{c}"' for c in columns)
            rows = connection.exec_driver_sql(f'SELECT {listed} FROM "{table}"').all()
            rows = [row for row in rows if not set(_SIGN_IN_SETTINGS) & set(row)]
            held[table] = sorted((tuple(row) for row in rows), key=repr)
        held["sqlite_master"] = [
            tuple(row)
            for row in connection.exec_driver_sql(
                "SELECT type, name, tbl_name, sql FROM sqlite_master ORDER BY type, name"
            )
        ]
        (check,) = connection.exec_driver_sql("PRAGMA integrity_check").one()
        held["integrity"] = [(check,)]
        return held


def _lines(bundle: Path, reader: Site) -> list[bytes]:
    with reader.open() as workspace, workspace.store.read() as session:
        opened = open_bundle(
            bundle,
            me=identity(session, workspace.store),
            sender_keys=lambda s: _known_sender(session, s),
            max_plaintext_bytes=1 << 30,
        )
        return b"".join(opened.chunks()).splitlines(keepends=True)


def _signed(sender: Site, recipient: Site, target: Path, like: BundleInfo, payload: bytes) -> Path:
    """A snapshot ``sender`` signs for ``recipient``, numbered and labelled as ``like``."""
    with sender.open() as workspace, workspace.store.read() as session:
        me = identity(session, workspace.store)
    with recipient.open() as workspace, workspace.store.read() as session:
        them = identity(session, workspace.store).public()
    return write_bundle(
        target,
        sender=me,
        recipient=them,
        sequence=like.header.sequence,
        kind=like.header.kind,
        meta=dict(like.header.meta),
        chunks=iter([payload]),
    ).path


def _same_import(first: ImportResult, second: ImportResult) -> None:
    assert first.describe() == second.describe()
    assert first.summary.added == second.summary.added
    assert first.summary.missing_links == second.summary.missing_links
    assert first.summary.still_waiting == second.summary.still_waiting


@pytest.mark.parametrize("kind", ["snapshot", "first_bundle"])
def test_a_bundle_into_an_empty_store_goes_in_bulk_and_ends_as_record_by_record(
    _paired: tuple[Site, Site],
    kind: str,
    request: pytest.FixtureRequest,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A snapshot, and a new partner's first bundle of changes, into a new site."""
    _, university = _paired
    snapshot: BundleInfo = request.getfixturevalue(kind)
    in_bulk = copy_site(university, tmp_path / "bulk")
    one_by_one = copy_site(university, tmp_path / "one-by-one")
    paths = _Paths(monkeypatch)
    written: list[int] = []
    insert = bulk.RowWriter.insert

    def counted(writer: bulk.RowWriter, table: Any, rows: list[dict[str, Any]]) -> bool:
        done = insert(writer, table, rows)
        written.append(len(rows) if done else 0)
        return done

    monkeypatch.setattr(bulk.RowWriter, "insert", counted)
    taken = in_bulk.take_in(snapshot.path)
    assert paths.mergers == [True], "the snapshot was not taken in in bulk"
    assert sum(taken.summary.added.values()) > 3000
    assert sum(written) == sum(taken.summary.added.values())  # every row in batches

    _row_by_row(monkeypatch)
    paths.mergers.clear()
    expected = one_by_one.take_in(snapshot.path)
    assert paths.mergers == [False]

    _same_import(taken, expected)
    held, wanted = _contents(in_bulk), _contents(one_by_one)
    assert held.keys() == wanted.keys()
    assert [t for t in wanted if held[t] != wanted[t]] == []
    assert held["integrity"] == [("ok",)]

    # Taken in again (already imported), and a later change, both as usual.
    assert in_bulk.take_in(snapshot.path).already_imported


def test_a_snapshot_with_a_record_that_must_wait_is_taken_in_record_by_record(
    _paired: tuple[Site, Site],
    snapshot: BundleInfo,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A class session whose lecturer the bundle leaves out waits for them: the bulk path
    gives up on meeting it, and the bundle is taken in record by record from the start."""
    prison, university = _paired
    lines = _lines(snapshot.path, university)
    lecturers = [
        line for line in lines if b'"class_sessions"' in line and b'"lecturer_id":"' in line
    ]
    assert lecturers, "the demo has a session with a lecturer"
    lecturer = lecturers[0].split(b'"lecturer_id":"')[1].split(b'"')[0]
    kept = [line for line in lines if not (b'"people"' in line and lecturer in line[:200])]
    assert len(kept) < len(lines)
    bundle = _signed(prison, university, tmp_path / "gappy.ltbundle", snapshot, b"".join(kept))

    paths = _Paths(monkeypatch)
    in_bulk = copy_site(university, tmp_path / "bulk")
    taken = in_bulk.take_in(bundle)
    assert paths.mergers == [True, False], "the bulk path did not give up and start again"
    assert taken.summary.missing_links

    _row_by_row(monkeypatch)
    one_by_one = copy_site(university, tmp_path / "one-by-one")
    expected = one_by_one.take_in(bundle)
    _same_import(taken, expected)
    held, wanted = _contents(in_bulk), _contents(one_by_one)
    for table in wanted:
        assert held[table] == wanted[table], f"{table} differs"


def test_a_snapshot_refused_half_way_leaves_nothing(
    _paired: tuple[Site, Site],
    snapshot: BundleInfo,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Half-way through, a record a prison never sends a university: the bundle is
    refused, and the store holds what it held, its tables and indexes as they were."""
    prison, university = _paired
    lines = _lines(snapshot.path, university)
    with prison.open() as workspace, workspace.store.read() as session:
        details = session.scalars(select(PrisonDetails)).first()
        assert details is not None
        stray = encode(details)
    middle = len(lines) * 2 // 3
    payload = b"".join([*lines[:middle], stray, *lines[middle:]])
    bundle = _signed(prison, university, tmp_path / "stray.ltbundle", snapshot, payload)

    site = copy_site(university, tmp_path / "university")
    before = _contents(site)
    paths = _Paths(monkeypatch)
    written: list[int] = []
    insert = bulk.RowWriter.insert

    def counted(writer: bulk.RowWriter, table: Any, rows: list[dict[str, Any]]) -> bool:
        done = insert(writer, table, rows)
        written.append(len(rows) if done else 0)
        return done

    monkeypatch.setattr(bulk.RowWriter, "insert", counted)
    with pytest.raises(LtError, match="never sends"):
        site.take_in(bundle)
    assert paths.mergers == [True] and sum(written) > 1000  # refused in the middle of it
    after = _contents(site)
    for table in before:
        assert after[table] == before[table], f"{table} changed"

    # The real snapshot still goes in, in bulk.
    paths.mergers.clear()
    assert site.take_in(snapshot.path).summary.added
    assert paths.mergers == [True]
