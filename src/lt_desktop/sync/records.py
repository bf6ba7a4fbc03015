"""Records as they travel: one JSON object a line, decoded by the receiver's model.

    {"t": table, "id": uuid, "v": version, "pv": previous version, "a": ancestry,
     "o": origin site, "c": created, "u": updated, "x": deleted (or null),
     "f": {column: value}}

``"a"`` (the newest version of the record each site made that this version builds
on, as text; see ``storage.ancestry``) may be missing from lines written by older
versions: the receiver then knows only the version and the one it replaced.

A line may instead carry ``"redact": true`` and no fields: the receiver must stop
holding that record (consent was withdrawn) without it travelling back.
Values are JSON: UUIDs as hex, dates and times in ISO form, bytes in base64,
enums by their stored value.
"""

from __future__ import annotations

import base64
import json
import re
import uuid
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time
from enum import Enum
from functools import cache
from typing import Any, cast

from sqlalchemy import (
    Boolean,
    Column,
    ColumnElement,
    Date,
    DateTime,
    Integer,
    LargeBinary,
    Numeric,
    String,
    Table,
    Text,
    Time,
    Uuid,
    case,
    func,
    literal_column,
    type_coerce,
)
from sqlalchemy import Enum as EnumType
from sqlalchemy import cast as sql_cast
from sqlalchemy.types import NullType

from lt_desktop.domain.errors import LtError
from lt_desktop.storage.models import Base, SyncedRecord
from lt_desktop.storage.models.base import UtcDateTime
from lt_desktop.sync.values import BadValue, Reader, value_reader

#: Columns every synced record has; they travel in the envelope, not among the fields.
ENVELOPE = frozenset(
    {
        "id",
        "created_at",
        "updated_at",
        "origin_site_id",
        "version",
        "previous_version",
        "ancestry",
        "change_seq",
        "deleted_at",
    }
)


class PayloadInvalid(LtError):
    pass


@cache
def synced_models() -> dict[str, type[SyncedRecord]]:
    """Every synced table, by name, in the order parents come before children."""
    by_table = {
        mapper.class_.__tablename__: mapper.class_
        for mapper in Base.registry.mappers
        if issubclass(mapper.class_, SyncedRecord) and hasattr(mapper.class_, "__table__")
    }
    return {
        table.name: by_table[table.name]
        for table in Base.metadata.sorted_tables
        if table.name in by_table
    }


@cache
def field_columns(model: type[SyncedRecord]) -> tuple[Column[Any], ...]:
    table = cast(Table, model.__table__)
    return tuple(c for c in table.columns if c.name not in ENVELOPE)


@dataclass(frozen=True)
class _FieldReader:
    """How a field's JSON value becomes the model's value."""

    key: str
    nullable: bool
    #: Checks the JSON value (``values``) and makes it the model's value.
    read: Reader


@cache
def _field_readers(model: type[SyncedRecord]) -> dict[str, _FieldReader]:
    return {
        c.name: _FieldReader(c.key, bool(c.nullable), value_reader(model.__tablename__, c))
        for c in field_columns(model)
    }


@dataclass(frozen=True)
class Incoming:
    """One record as read from a partner's bundle."""

    table: str
    id: uuid.UUID
    version: str
    previous_version: str | None
    ancestry: str
    origin_site_id: uuid.UUID
    created_at: datetime
    updated_at: datetime
    deleted_at: datetime | None
    fields: dict[str, Any]


@dataclass(frozen=True)
class Redaction:
    """The receiver must stop holding this record; it does not travel back."""

    table: str
    id: uuid.UUID


def encode(record: SyncedRecord) -> bytes:
    fields = {c.name: _to_json(c, getattr(record, c.key)) for c in field_columns(type(record))}
    return _line(
        {
            "t": record.__tablename__,
            "id": record.id.hex,
            "v": record.version,
            "pv": record.previous_version,
            "a": record.ancestry,
            "o": record.origin_site_id.hex,
            "c": record.created_at.isoformat(),
            "u": record.updated_at.isoformat(),
            "x": None if record.deleted_at is None else record.deleted_at.isoformat(),
            "f": fields,
        }
    )


@dataclass(frozen=True)
class RowPlan:
    """How to read a table's records as plain rows and write each as its line.

    Exports encode every record they send; building an ORM object for each, only to
    read its attributes back, costs several times what the line does. A plan selects
    the stored values as SQLite holds them (no type conversion on the way out) and
    turns each into its JSON form directly: the line is byte for byte what
    ``encode`` writes for the same record.
    """

    table: str
    columns: tuple[ColumnElement[Any], ...]
    field_names: tuple[str, ...]
    #: The fields whose stored form is not their JSON form, and what converts them.
    conversions: tuple[tuple[str, Callable[[Any], Any]], ...]
    #: The whole line, newline included, as SQLite writes it (``json_object``): the
    #: same bytes again, made without a Python object per value. None for a table
    #: holding binary data, which SQLite cannot write in base64.
    line: ColumnElement[Any] | None

    def encode(self, row: Sequence[Any]) -> bytes:
        id_hex, version, previous, ancestry, origin, created, updated, deleted = row[:8]
        fields = dict(zip(self.field_names, row[8:], strict=True))
        for name, convert in self.conversions:
            value = fields[name]
            if value is not None:
                fields[name] = convert(value)
        return _line(
            {
                "t": self.table,
                "id": id_hex,
                "v": version,
                "pv": previous,
                "a": ancestry,
                "o": origin,
                "c": _stored_moment(created),
                "u": _stored_moment(updated),
                "x": None if deleted is None else _stored_moment(deleted),
                "f": fields,
            }
        )


@cache
def row_plan(model: type[SyncedRecord]) -> RowPlan:
    table = cast(Table, model.__table__)
    envelope = ("id", "version", "previous_version", "ancestry", "origin_site_id")
    moments = ("created_at", "updated_at", "deleted_at")
    fields = field_columns(model)
    return RowPlan(
        table=table.name,
        columns=tuple(
            type_coerce(table.columns[name], NullType())
            for name in (*envelope, *moments, *(c.name for c in fields))
        ),
        field_names=tuple(c.name for c in fields),
        conversions=tuple(
            (c.name, convert) for c in fields if (convert := _stored_to_json(c)) is not None
        ),
        line=_line_in_sql(table, fields),
    )


def _line_in_sql(table: Table, fields: Sequence[Column[Any]]) -> ColumnElement[Any] | None:
    if any(isinstance(c.type, LargeBinary) for c in fields):
        return None

    def stored(name: str) -> ColumnElement[Any]:
        return type_coerce(table.columns[name], NullType())

    def pairs(items: list[tuple[str, ColumnElement[Any]]]) -> list[ColumnElement[Any]]:
        return [part for key, value in items for part in (_sql_text(key), value)]

    document = func.json_object(
        *pairs(
            [
                ("t", _sql_text(table.name)),
                ("id", stored("id")),
                ("v", stored("version")),
                ("pv", stored("previous_version")),
                ("a", stored("ancestry")),
                ("o", stored("origin_site_id")),
                ("c", _moment_in_sql(stored("created_at"))),
                ("u", _moment_in_sql(stored("updated_at"))),
                ("x", _moment_in_sql(stored("deleted_at"))),
                (
                    "f",
                    func.json_object(
                        *pairs(
                            [(c.name, _stored_to_json_in_sql(c, stored(c.name))) for c in fields]
                        )
                    ),
                ),
            ]
        )
    )
    # As bytes, so the line goes into the bundle as SQLite made it.
    return type_coerce(
        sql_cast(document.op("||")(literal_column("char(10)")), LargeBinary), NullType()
    )


def _sql_text(text: str) -> ColumnElement[Any]:
    """A constant string written into the statement (names of tables and columns)."""
    return literal_column("'" + text.replace("'", "''") + "'")


def _moment_in_sql(stored: ColumnElement[Any]) -> ColumnElement[Any]:
    """``_stored_moment`` in SQL (NULL stays NULL)."""
    whole_seconds = case(
        (func.substr(stored, 20) == ".000000", func.substr(stored, 1, 19)), else_=stored
    )
    return func.replace(whole_seconds, " ", "T").op("||")(literal_column("'+00:00'"))


def _time_in_sql(stored: ColumnElement[Any]) -> ColumnElement[Any]:
    """``_stored_time`` in SQL."""
    return case((func.substr(stored, 9) == ".000000", func.substr(stored, 1, 8)), else_=stored)


def _stored_to_json_in_sql(column: Column[Any], stored: ColumnElement[Any]) -> ColumnElement[Any]:
    """What ``_stored_to_json`` does for ``column``, in SQL."""
    kind = column.type
    if isinstance(kind, (UtcDateTime, DateTime)):
        return _moment_in_sql(stored)
    if isinstance(kind, Time):
        return _time_in_sql(stored)
    if isinstance(kind, Boolean):
        # json() makes the words JSON values rather than strings; json(NULL) is NULL.
        flag = case(
            (stored != 0, literal_column("'true'")), (stored == 0, literal_column("'false'"))
        )
        return func.json(flag)
    if isinstance(kind, Numeric):
        # The same number, the same digits; SQLite would spell one below 0.0001 with
        # an exponent differently (1.0e-05, not 1e-05), which marks never are.
        return stored
    if _stored_to_json(column) is None:
        return stored
    raise TypeError(f"no SQL form known for {column.name}'s type {kind!r}")


def _stored_moment(stored: str) -> str:
    """A UTC time as SQLite holds it (``2026-01-05 09:30:00.000000``) in ISO form with
    its zone, as ``datetime.isoformat`` writes it (no fraction when it is zero)."""
    if stored.endswith(".000000"):
        stored = stored[:-7]
    return stored.replace(" ", "T", 1) + "+00:00"


def _stored_time(stored: str) -> str:
    return stored[:-7] if stored.endswith(".000000") else stored


def _base64(value: bytes) -> str:
    return base64.b64encode(value).decode("ascii")


def _stored_to_json(column: Column[Any]) -> Callable[[Any], Any] | None:
    """What turns a stored value of ``column`` into its JSON form (None: it already is).

    UUIDs are stored as 32 hex digits, enums by their value and dates in ISO form, as
    they travel; flags are stored as 0 and 1.
    """
    kind = column.type
    if isinstance(kind, (UtcDateTime, DateTime)):
        return _stored_moment
    if isinstance(kind, Time):
        return _stored_time
    if isinstance(kind, LargeBinary):
        return _base64
    if isinstance(kind, Boolean):
        return bool
    if isinstance(kind, (Uuid, Date, EnumType, String, Text, Integer)):
        return None
    if isinstance(kind, Numeric) and not kind.asdecimal:
        # Read back as SQLite holds it, as the record's attribute is.
        return None
    raise TypeError(f"no stored form known for {column.name}'s type {kind!r}")


def encode_incoming(incoming: Incoming) -> bytes:
    """A partner's record as it travelled (to keep it whole in the conflict list)."""
    columns = {c.key: c for c in field_columns(synced_models()[incoming.table])}
    return _line(
        {
            "t": incoming.table,
            "id": incoming.id.hex,
            "v": incoming.version,
            "pv": incoming.previous_version,
            "a": incoming.ancestry,
            "o": incoming.origin_site_id.hex,
            "c": incoming.created_at.isoformat(),
            "u": incoming.updated_at.isoformat(),
            "x": None if incoming.deleted_at is None else incoming.deleted_at.isoformat(),
            "f": {columns[k].name: _to_json(columns[k], v) for k, v in incoming.fields.items()},
        }
    )


def encode_redaction(table: str, record_id: uuid.UUID) -> bytes:
    return _line({"t": table, "id": record_id.hex, "redact": True})


_LINE_ENCODER = json.JSONEncoder(separators=(",", ":"), ensure_ascii=False)


def _line(document: dict[str, Any]) -> bytes:
    return (_LINE_ENCODER.encode(document) + "\n").encode()


#: The longest line a bundle may hold (``bundle-format.md`` §5.1). The longest a site
#: writes is an essay's scan (at most ``core.services.essays.MAX_SCAN_BYTES``, 25 MiB,
#: so about 34 MiB as base64, with its few other fields): this leaves room above that,
#: and refuses anything far larger before it is parsed.
MAX_LINE_BYTES = 64 * 1024 * 1024
#: How deeply a line's JSON may nest. A record is an object holding its fields'
#: object (two levels); anything deeper is not a record, and very deep nesting would
#: exhaust the parser's stack.
MAX_NESTING = 32


def decode_lines(
    chunks: Iterator[bytes], *, max_line: int = MAX_LINE_BYTES
) -> Iterator[Incoming | Redaction]:
    """Records from the payload's lines, checked against this version's models."""
    # Only the new piece is searched for the end of a line, and only whole lines are
    # split off: a record of many pieces (a scan) costs its length, not its square.
    buffer = bytearray()
    for chunk in chunks:
        buffer += chunk
        if b"\n" not in chunk:
            if len(buffer) > max_line:
                raise _too_long()
            continue
        end = buffer.rfind(b"\n")
        whole = bytes(buffer[:end])
        del buffer[: end + 1]
        for line in whole.split(b"\n"):
            if len(line) > max_line:
                raise _too_long()
            if line.strip():
                yield decode(line)
    if len(buffer) > max_line:
        raise _too_long()
    if buffer.strip():
        yield decode(bytes(buffer))


def _too_long() -> PayloadInvalid:
    return PayloadInvalid(
        "The bundle holds a record far larger than any record can be; nothing was imported."
    )


def _nesting(line: bytes) -> int:
    """How deeply the line's objects and lists nest, counted without parsing it."""
    if line.count(b"{") + line.count(b"[") <= MAX_NESTING:
        return 0  # cannot nest deeper than it has brackets
    # Brackets inside text do not count: take the strings out first.
    bare = _STRING.sub(b'""', line).translate(None, _NOT_BRACKETS)
    depth = deepest = 0
    for byte in bare:
        if byte in _OPENING:
            depth += 1
            deepest = max(deepest, depth)
        else:
            depth -= 1
    return deepest


_STRING = re.compile(rb'"(?:[^"\\]|\\.)*"', re.DOTALL)
_OPENING = frozenset(b"{[")
_NOT_BRACKETS = bytes(b for b in range(256) if b not in b"{}[]")


def _record_name(document: dict[str, Any]) -> str:
    """How a refusal names a record: its kind and id, nothing it holds."""
    table = document.get("t")
    record_id = document.get("id")
    kind = table.replace("_", " ") if isinstance(table, str) else "record"
    return f"{kind} record {record_id}" if isinstance(record_id, str) else f"{kind} record"


def decode(line: bytes) -> Incoming | Redaction:
    if _nesting(line) > MAX_NESTING:
        raise PayloadInvalid(
            "The bundle holds a line nested far deeper than any record is; nothing was imported."
        )
    try:
        # NaN and Infinity are read as numbers here, so the field they are in is
        # named when its check refuses them.
        document = json.loads(line)
        if not isinstance(document, dict):
            raise ValueError("a line is not a record")
        model = synced_models().get(document["t"])
        if model is None:
            raise PayloadInvalid(
                f"The bundle holds records of a kind this version does not know "
                f"({document['t']!r}); update LT Desktop, then import it again."
            )
        record_id = _hex_uuid(document["id"])
        if document.get("redact") is True:
            return Redaction(document["t"], record_id)
        readers = _field_readers(model)
        raw_fields = document["f"]
        if not isinstance(raw_fields, dict) or not readers.keys() >= raw_fields.keys():
            raise PayloadInvalid(f"A {document['t']} record in the bundle has unknown fields.")
        fields: dict[str, Any] = {}
        for name, value in raw_fields.items():
            reader = readers[name]
            if value is None:
                if not reader.nullable:
                    raise _bad_field(document, name, "empty, which it may not be")
                fields[reader.key] = None
                continue
            try:
                fields[reader.key] = reader.read(value)
            except BadValue as error:
                raise _bad_field(document, name, f"not {error}") from None
        return Incoming(
            table=document["t"],
            id=record_id,
            version=_version(document["v"]),
            previous_version=None if document["pv"] is None else _version(document["pv"]),
            ancestry=_ancestry(document.get("a")),
            origin_site_id=_hex_uuid(document["o"]),
            created_at=_aware(document["c"]),
            updated_at=_aware(document["u"]),
            deleted_at=None if document["x"] is None else _aware(document["x"]),
            fields=fields,
        )
    except PayloadInvalid:
        raise
    except RecursionError as error:
        raise PayloadInvalid(
            "The bundle holds a line nested far deeper than any record is; nothing was imported."
        ) from error
    except (KeyError, TypeError, ValueError, AttributeError) as error:
        raise PayloadInvalid("The bundle holds a record that cannot be read.") from error


def _bad_field(document: dict[str, Any], name: str, what: str) -> PayloadInvalid:
    return PayloadInvalid(
        f"The bundle's {_record_name(document)} has a {name} that is {what}; nothing was imported."
    )


def _hex_uuid(value: Any) -> uuid.UUID:
    if not isinstance(value, str) or not _HEX.fullmatch(value):
        raise ValueError("not an id")
    return uuid.UUID(hex=value)


_HEX = re.compile(r"[0-9a-f]{32}")


#: A version as ``storage.clock`` writes it, in its only spelling: versions are
#: compared as text, so any other spelling would sort out of turn.
_VERSION = re.compile(r"[0-9a-f]{12}\.[0-9a-f]{4}\.[0-9a-f]{32}")


def _version(value: Any) -> str:
    if not isinstance(value, str) or not _VERSION.fullmatch(value):
        raise ValueError("not a version")
    return value


def _ancestry(value: Any) -> str:
    if value is None:
        return ""
    if not isinstance(value, str) or len(value) > 64 * 1024:
        raise ValueError("not an ancestry")
    for version in value.split(" ") if value else ():
        _version(version)
    return value


def _aware(value: Any) -> datetime:
    moment = datetime.fromisoformat(value)
    if moment.tzinfo is None:
        raise ValueError("times travel with their zone")
    return moment


def _to_json(column: Column[Any], value: Any) -> Any:
    if value is None:
        return None
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, uuid.UUID):
        return value.hex
    if isinstance(value, bytes):
        return base64.b64encode(value).decode("ascii")
    if isinstance(value, (datetime, date, time)):
        return value.isoformat()
    return value
