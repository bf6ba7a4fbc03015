"""What a field's value may be when it arrives from a partner.

A bundle is signed by a paired site, but a paired site can still send what its own
version would never write: text where a number belongs, a week of "abc", a mark of
NaN or 1e300, a list in a name. Every value is checked against its column before
anything is written, so such a bundle is refused whole with a line naming the
record and the field, instead of failing half-way in the database or, worse, being
kept.

The checks come from the column types of the models, so a new column is checked
the day it is added:

- Integer: a whole number (not ``true``), within SQLite's 64-bit range;
- Numeric and Float: a finite number (never NaN or Infinity), with no more whole
  digits than the column's precision allows;
- String and Text: text, no longer than the column's length where it has one;
- Boolean: ``true`` or ``false``;
- Date, DateTime, Time: text in the one spelling LT Desktop writes (ISO, times with
  their zone);
- Enum: one of the values this version knows;
- UUID: 32 lower-case hex digits;
- LargeBinary: base64.

``RANGES`` adds the domains the services keep for a few numbers (a week is never
negative, a mark is from 0 to 100), which a type alone does not say.
"""

from __future__ import annotations

import base64
import binascii
import re
import uuid
from collections.abc import Callable
from datetime import date, datetime, time
from typing import Any

from sqlalchemy import (
    Boolean,
    Column,
    Date,
    DateTime,
    Float,
    Integer,
    LargeBinary,
    Numeric,
    String,
    Text,
    Time,
    Uuid,
)
from sqlalchemy import Enum as EnumType

from lt_desktop.storage.models.base import UtcDateTime

#: SQLite keeps integers in 64 bits; anything outside is not a number it can hold.
SQLITE_MIN_INT, SQLITE_MAX_INT = -(2**63), 2**63 - 1

#: Inclusive bounds the services keep for these numbers, by table and column.
RANGES: dict[tuple[str, str], tuple[float, float]] = {
    ("class_sessions", "week"): (0, 1000),
    ("cohorts", "capacity"): (0, 100_000),
    ("courses", "credits"): (0, 10_000),
    ("essays", "word_count"): (0, SQLITE_MAX_INT),
    ("essay_marks", "score"): (0, 100),
    ("application_scores", "score"): (1, 5),
    ("attachments", "size"): (0, SQLITE_MAX_INT),
    ("readings", "pdf_size"): (0, SQLITE_MAX_INT),
    ("graduation_events", "capacity"): (0, 100_000),
    ("questionnaire_items", "scale_points"): (0, 100),
}

_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_TIME = r"[0-9]{2}:[0-9]{2}:[0-9]{2}(\.[0-9]{6})?"
_MOMENT = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}T" + _TIME + r"[+-][0-9]{2}:[0-9]{2}")
_TIME_OF_DAY = re.compile(_TIME)
_HEX_UUID = re.compile(r"[0-9a-f]{32}")


class BadValue(ValueError):
    """A value its column cannot hold; the message says what it should be."""


#: Checks a field's (non-null) JSON value and returns it as the model holds it.
Reader = Callable[[Any], Any]


def value_reader(table: str, column: Column[Any]) -> Reader:
    """What a (non-null) JSON value of ``column`` must be, and what it becomes: raises
    ``BadValue`` saying what it should have been.

    One plain function a column, checking and converting at once: an import reads
    every field of every record through these.
    """
    kind = column.type
    bounds = RANGES.get((table, column.name))
    if isinstance(kind, Boolean):
        return _flag
    if isinstance(kind, Integer):
        low, high = bounds or (SQLITE_MIN_INT, SQLITE_MAX_INT)
        whole = _between("a whole number", low, high)

        def whole_number(value: Any) -> Any:
            if type(value) is not int or not low <= value <= high:
                raise BadValue(whole)
            return value

        return whole_number
    if isinstance(kind, (Numeric, Float)):
        limit = _numeric_limit(kind)
        low_f, high_f = bounds or (-limit, limit)
        some = _between("a number", low_f, high_f)

        def number(value: Any) -> Any:
            # NaN fails every comparison, and infinities fall outside any bounds.
            if type(value) not in (int, float) or not low_f <= value <= high_f:
                raise BadValue(some)
            return value

        return number
    if isinstance(kind, EnumType):
        enum_class = kind.enum_class
        assert enum_class is not None
        members = {member.value: member for member in enum_class}
        one_of = "one of " + ", ".join(members)

        def member(value: Any) -> Any:
            found = members.get(value) if type(value) is str else None
            if found is None:
                raise BadValue(one_of)
            return found

        return member
    if isinstance(kind, Uuid):
        return _id
    if isinstance(kind, (UtcDateTime, DateTime)):
        return _moment
    if isinstance(kind, Date):
        return _date
    if isinstance(kind, Time):
        return _time_of_day
    if isinstance(kind, LargeBinary):
        return _bytes
    if isinstance(kind, (String, Text)):
        length = kind.length
        if length is None:
            return _text
        limited = f"text of at most {length} characters"

        def short_text(value: Any) -> Any:
            if type(value) is not str or len(value) > length:
                raise BadValue(limited)
            return value

        return short_text
    raise TypeError(f"no check known for {table}.{column.name}'s type {kind!r}")


def _flag(value: Any) -> Any:
    if type(value) is not bool:
        raise BadValue("true or false")
    return value


def _text(value: Any) -> Any:
    if type(value) is not str:
        raise BadValue("text")
    return value


def _id(value: Any) -> uuid.UUID:
    if type(value) is not str or _HEX_UUID.fullmatch(value) is None:
        raise BadValue("an id")
    return uuid.UUID(hex=value)


def _moment(value: Any) -> datetime:
    if type(value) is not str or _MOMENT.fullmatch(value) is None:
        raise BadValue("a time with its zone")
    try:
        return datetime.fromisoformat(value)
    except ValueError:
        raise BadValue("a time with its zone") from None


def _date(value: Any) -> date:
    if type(value) is not str or _DATE.fullmatch(value) is None:
        raise BadValue("a date")
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise BadValue("a date") from None


def _time_of_day(value: Any) -> time:
    if type(value) is not str or _TIME_OF_DAY.fullmatch(value) is None:
        raise BadValue("a time of day")
    try:
        return time.fromisoformat(value)
    except ValueError:
        raise BadValue("a time of day") from None


def _bytes(value: Any) -> bytes:
    if type(value) is not str or len(value) % 4:
        raise BadValue("base64")
    try:
        return base64.b64decode(value.encode("ascii"), validate=True)
    except (UnicodeEncodeError, binascii.Error):
        raise BadValue("base64") from None


def _numeric_limit(kind: Numeric[Any] | Float[Any]) -> float:
    precision = getattr(kind, "precision", None)
    scale = getattr(kind, "scale", None) or 0
    if isinstance(precision, int) and not isinstance(kind, Float):
        return float(10 ** (precision - scale))
    return 1e15  # beyond this a float no longer holds every whole number exactly


def _between(what: str, low: float, high: float) -> str:
    if (low, high) == (SQLITE_MIN_INT, SQLITE_MAX_INT):
        return f"{what} SQLite can hold"
    if high >= SQLITE_MAX_INT:
        return f"{what} of at least {_number(low)}"
    return f"{what} from {_number(low)} to {_number(high)}"


def _number(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else str(value)
