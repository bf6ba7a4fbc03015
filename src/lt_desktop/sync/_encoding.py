"""The strict text encodings site cards and bundle headers share.

Both are signed, so a reader must see exactly what the signer meant: JSON with a
duplicated key, a non-finite number or nesting deep enough to exhaust the stack
is refused rather than interpreted, and times and ids have one spelling each.
"""

from __future__ import annotations

import json
import re
import uuid
from datetime import UTC, datetime
from typing import Any

_TIME_FORMAT = "%Y-%m-%dT%H:%M:%SZ"
_TIME_PATTERN = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}Z")
_UUID_PATTERN = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
_MAX_DEPTH = 16
_MAX_INT_CHARS = 40


class EncodingError(ValueError):
    """Bytes that are not a valid encoding of the expected value."""


def canonical_json(value: Any) -> bytes:
    """Sorted keys, no spaces, UTF-8: one encoding per value, so signed bytes are repeatable."""
    return json.dumps(
        value, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False
    ).encode("utf-8")


def strict_json_object(raw: bytes) -> dict[str, Any]:
    """Parse a UTF-8 JSON object, refusing anything with more than one reading."""
    try:
        text = raw.decode("utf-8")
        document = json.loads(
            text,
            object_pairs_hook=_no_duplicate_keys,
            parse_constant=_no_constant,
            parse_float=_finite_float,
            parse_int=_bounded_int,
        )
    except RecursionError as error:
        raise EncodingError("nested too deeply") from error
    except EncodingError:
        raise
    except ValueError as error:  # bad UTF-8 or JSON syntax
        raise EncodingError("not valid JSON") from error
    if not isinstance(document, dict):
        raise EncodingError("not a JSON object")
    if json_depth(document) > _MAX_DEPTH:
        raise EncodingError("nested too deeply")
    try:
        # A \ud800-style escape parses to a lone surrogate: text no UTF-8 writer can repeat.
        canonical_json(document)
    except UnicodeEncodeError as error:
        raise EncodingError("it holds text that is not valid Unicode") from error
    return document


def json_depth(value: Any) -> int:
    """How deeply objects and lists nest (a plain value is 0); iterative, so never too deep."""
    deepest = 0
    pending: list[tuple[Any, int]] = [(value, 0)]
    while pending:
        item, depth = pending.pop()
        if isinstance(item, dict):
            pending.extend((child, depth + 1) for child in item.values())
        elif isinstance(item, list):
            pending.extend((child, depth + 1) for child in item)
        else:
            continue
        deepest = max(deepest, depth + 1)
    return deepest


def _no_duplicate_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    document: dict[str, Any] = {}
    for key, value in pairs:
        if key in document:
            raise EncodingError(f"the key {key!r} appears twice")
        document[key] = value
    return document


def _no_constant(name: str) -> Any:
    raise EncodingError(f"{name} is not allowed")


def _bounded_int(text: str) -> int:
    # Python refuses to convert very long digit strings; refuse them first, and clearly.
    if len(text) > _MAX_INT_CHARS:
        raise EncodingError("a number is out of range")
    return int(text)


def _finite_float(text: str) -> float:
    number = float(text)
    if number in (float("inf"), float("-inf")):
        raise EncodingError("a number is out of range")
    return number


def is_json_int(value: Any) -> bool:
    """An integer as JSON means one: ``true`` and ``1.0`` are not ``1`` here."""
    return type(value) is int


def format_utc(moment: datetime) -> str:
    """``YYYY-MM-DDTHH:MM:SSZ``: UTC, whole seconds."""
    if moment.tzinfo is None:
        raise ValueError("a time written to a file must carry its time zone")
    return moment.astimezone(UTC).strftime(_TIME_FORMAT)


def parse_utc(text: Any) -> datetime:
    if not isinstance(text, str) or not _TIME_PATTERN.fullmatch(text):
        raise EncodingError("a time is not in the form YYYY-MM-DDTHH:MM:SSZ")
    try:
        return datetime.strptime(text, _TIME_FORMAT).replace(tzinfo=UTC)
    except ValueError as error:
        raise EncodingError("a time is not a real date") from error


def parse_uuid(text: Any) -> uuid.UUID:
    """A site id in its one spelling: lower-case hex with hyphens."""
    if not isinstance(text, str) or not _UUID_PATTERN.fullmatch(text):
        raise EncodingError("a site id is not a lower-case UUID")
    return uuid.UUID(text)


def parse_hex_key(text: Any, length: int) -> bytes:
    if not isinstance(text, str) or not re.fullmatch(f"[0-9a-f]{{{2 * length}}}", text):
        raise EncodingError(f"a key is not {length} bytes of lower-case hex")
    return bytes.fromhex(text)
