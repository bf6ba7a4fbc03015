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

import math
import re
from collections.abc import Callable
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
    ("graduation_events", "capacity"): (0, 100_000),
    ("questionnaire_items", "scale_points"): (0, 100),
}

_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_TIME = r"[0-9]{2}:[0-9]{2}:[0-9]{2}(\.[0-9]{6})?"
_MOMENT = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}T" + _TIME + r"[+-][0-9]{2}:[0-9]{2}")
_TIME_OF_DAY = re.compile(_TIME)
_HEX_UUID = re.compile(r"[0-9a-f]{32}")
_BASE64 = re.compile(rb"[A-Za-z0-9+/]*={0,2}")


class BadValue(ValueError):
    """A value its column cannot hold; the message says what it should be."""


Check = Callable[[Any], None]


def value_check(table: str, column: Column[Any]) -> Check:
    """What a (non-null) JSON value of ``column`` must be, raising ``BadValue``."""
    kind = column.type
    bounds = RANGES.get((table, column.name))
    if isinstance(kind, Boolean):
        return _expect(lambda v: type(v) is bool, "true or false")
    if isinstance(kind, Integer):
        low, high = bounds or (SQLITE_MIN_INT, SQLITE_MAX_INT)
        return _expect(
            lambda v: type(v) is int and low <= v <= high, _between("a whole number", low, high)
        )
    if isinstance(kind, (Numeric, Float)):
        limit = _numeric_limit(kind)
        low, high = bounds or (-limit, limit)
        return _expect(
            lambda v: type(v) in (int, float) and math.isfinite(v) and low <= v <= high,
            _between("a number", low, high),
        )
    if isinstance(kind, EnumType):
        known = frozenset(kind.enums)
        return _expect(lambda v: type(v) is str and v in known, "one of " + ", ".join(kind.enums))
    if isinstance(kind, Uuid):
        return _expect(lambda v: type(v) is str and _HEX_UUID.fullmatch(v) is not None, "an id")
    if isinstance(kind, (UtcDateTime, DateTime)):
        return _spelled(_MOMENT, "a time with its zone")
    if isinstance(kind, Date):
        return _spelled(_DATE, "a date")
    if isinstance(kind, Time):
        return _spelled(_TIME_OF_DAY, "a time of day")
    if isinstance(kind, LargeBinary):
        return _expect(_is_base64, "base64")
    if isinstance(kind, (String, Text)):
        length = kind.length
        if length is None:
            return _expect(lambda v: type(v) is str, "text")
        return _expect(
            lambda v: type(v) is str and len(v) <= length, f"text of at most {length} characters"
        )
    raise TypeError(f"no check known for {table}.{column.name}'s type {kind!r}")


def _expect(test: Callable[[Any], bool], what: str) -> Check:
    def check(value: Any) -> None:
        if not test(value):
            raise BadValue(what)

    return check


def _spelled(pattern: re.Pattern[str], what: str) -> Check:
    return _expect(lambda v: type(v) is str and pattern.fullmatch(v) is not None, what)


def _is_base64(value: Any) -> bool:
    if type(value) is not str or len(value) % 4:
        return False
    try:
        raw = value.encode("ascii")
    except UnicodeEncodeError:
        return False
    return _BASE64.fullmatch(raw) is not None


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
