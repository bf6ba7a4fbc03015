"""An export reads stored rows and writes each as its line without building records
(SQLite writes most of them itself); the line must be exactly the one the record
itself encodes to, for every kind of record and every kind of value, or partners
would see changes that were never made."""

from __future__ import annotations

import base64
import hashlib
import json
from datetime import UTC, date, datetime, time

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select
from sqlalchemy.dialects import sqlite

from lt_desktop.core.workspace import Workspace
from lt_desktop.domain.vocabulary import AttachmentKind
from lt_desktop.storage.database import INCLUDE_DELETED
from lt_desktop.storage.models import Attachment, Essay, EssayMark, Person
from lt_desktop.sync.records import _stored_moment as stored_moment
from lt_desktop.sync.records import _stored_time as stored_time
from lt_desktop.sync.records import encode, row_plan, synced_models


def _lines_both_ways(workspace: Workspace) -> dict[str, int]:
    """Compare every record's two encodings; the number compared, by table."""
    compared: dict[str, int] = {}
    with workspace.store.read() as session:
        for table, model in synced_models().items():
            plan = row_plan(model)
            rows = session.execute(
                select(*plan.columns)
                .order_by(model.id)
                .execution_options(**{INCLUDE_DELETED: True})
            ).all()
            records = session.scalars(
                select(model).order_by(model.id).execution_options(**{INCLUDE_DELETED: True})
            ).all()
            assert len(rows) == len(records)
            for row, record in zip(rows, records, strict=True):
                assert plan.encode(row) == encode(record), f"{table} {record.id}"
            if plan.line is not None:
                written_by_sqlite = session.scalars(
                    select(plan.line)
                    .order_by(model.id)
                    .execution_options(**{INCLUDE_DELETED: True})
                ).all()
                assert written_by_sqlite == [encode(record) for record in records], table
            if records:
                compared[table] = len(records)
    return compared


def test_every_demo_record_is_written_as_the_record_encodes(demo: Workspace) -> None:
    compared = _lines_both_ways(demo)
    # The demo holds most kinds of record, so most of the plans are exercised.
    assert len(compared) >= 25, sorted(compared)
    assert sum(compared.values()) > 1_000


def test_values_of_every_stored_kind_round_trip_exactly(demo: Workspace) -> None:
    """Flags, times without a fraction, a decimal that is a whole number, binary data
    and a removed record: the stored forms that could differ from their JSON form."""
    with demo.store.write() as session:
        essay = session.scalars(select(Essay).limit(1)).one()
        scan = bytes(range(256)) * 40
        session.add(
            Attachment(
                essay_id=essay.id,
                kind=AttachmentKind.ESSAY_SCAN,
                filename="scan.png",
                media_type="image/png",
                size=len(scan),
                sha256=hashlib.sha256(scan).hexdigest(),
                data=scan,
            )
        )
        mark = session.scalars(select(EssayMark).limit(1)).one()
        mark.score = 65.0
        mark.deleted_at = datetime(2026, 3, 4, 5, 6, 7, tzinfo=UTC)
    with demo.store.read() as session:
        attachment = session.scalars(
            select(Attachment).where(Attachment.filename == "scan.png")
        ).one()
        line = json.loads(row_plan(Attachment).encode(_row(session, Attachment, attachment.id)))
        assert base64.b64decode(line["f"]["data"]) == scan
        line = json.loads(row_plan(EssayMark).encode(_row(session, EssayMark, mark.id)))
        assert line["f"]["score"] == 65
        assert line["x"] == "2026-03-04T05:06:07+00:00"
    _lines_both_ways(demo)


def test_any_text_is_written_by_sqlite_as_python_writes_it(demo: Workspace) -> None:
    """Quotes, backslashes, control characters, NULs, line separators and text beyond
    the basic plane: SQLite's JSON must escape each exactly as Python's does."""
    with demo.store.read() as session:
        person_id = session.scalars(select(Person.id).limit(1)).one()
    line = row_plan(Person).line
    assert line is not None

    @settings(max_examples=150, suppress_health_check=[HealthCheck.too_slow])
    @given(st.text(), st.text(st.characters(codec="utf-8"), max_size=5))
    def written_alike(notes: str, name: str) -> None:
        with demo.store.write() as session:
            person = session.get(Person, person_id)
            assert person is not None
            person.notes, person.preferred_name = notes, name
        with demo.store.read() as session:
            person = session.get(Person, person_id)
            assert person is not None
            by_sqlite = session.scalars(select(line).where(Person.id == person_id)).one()
            assert by_sqlite == encode(person)
            assert json.loads(by_sqlite)["f"]["notes"] == notes

    written_alike()


def _row(session, model, record_id):
    plan = row_plan(model)
    statement = select(*plan.columns).where(model.id == record_id)
    return session.execute(statement.execution_options(**{INCLUDE_DELETED: True})).one()


_STORED_DATETIME = sqlite.DATETIME().bind_processor(sqlite.dialect())
_STORED_TIME = sqlite.TIME().bind_processor(sqlite.dialect())


@given(st.datetimes(min_value=datetime(1900, 1, 1), max_value=datetime(2200, 1, 1)))
def test_a_stored_moment_reads_as_its_iso_form(moment: datetime) -> None:
    assert _STORED_DATETIME is not None
    stored = _STORED_DATETIME(moment)
    assert stored_moment(stored) == moment.replace(tzinfo=UTC).isoformat()


@given(st.times())
def test_a_stored_time_reads_as_its_iso_form(moment: time) -> None:
    assert _STORED_TIME is not None
    assert stored_time(_STORED_TIME(moment)) == moment.isoformat()


def test_a_date_is_stored_in_its_iso_form() -> None:
    processor = sqlite.DATE().bind_processor(sqlite.dialect())
    assert processor is not None
    assert processor(date(2026, 1, 5)) == date(2026, 1, 5).isoformat()
