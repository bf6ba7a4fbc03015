"""Reading a payload's lines: every version in its one spelling, and lines read the
same however the pieces of the payload fall."""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator

import pytest

from lt_desktop.sync.records import Incoming, PayloadInvalid, decode, decode_lines

SITE = uuid.UUID(int=7).hex
GOOD = f"0192a3b4c5d6.0000.{SITE}"


def _line(**changes: object) -> bytes:
    document: dict[str, object] = {
        "t": "partnerships",
        "id": uuid.UUID(int=1).hex,
        "v": GOOD,
        "pv": None,
        "a": GOOD,
        "o": SITE,
        "c": "2026-01-05T09:00:00+00:00",
        "u": "2026-01-05T09:00:00+00:00",
        "x": None,
        "f": {"name": "Northfield", "prison_name": "HMP Northfield", "university_name": "UE"},
    }
    document.update(changes)
    return json.dumps(document).encode()


def test_a_well_formed_line_reads() -> None:
    record = decode(_line())
    assert isinstance(record, Incoming) and record.version == GOOD


@pytest.mark.parametrize(
    "version",
    [
        GOOD.upper(),  # sorts before every lower-case version
        f"192a3b4c5d6.0000.{SITE}",  # one digit short: sorts out of turn
        f"00192a3b4c5d6.0000.{SITE}",
        f"0192a3b4c5d6.000.{SITE}",
        f"0192a3b4c5d6.0000.{SITE[:-1]}",
        f"zz92a3b4c5d6.0000.{SITE}",
        f"0192a3b4c5d6.0000.{uuid.UUID(int=7)}",  # the site with hyphens
        f"0192a3b4c5d6.0000.{SITE}\n",
        "٠١٩٢a3b4c5d6.0000." + SITE,  # digits of another script
        "",
    ],
)
def test_a_version_in_any_other_spelling_is_refused(version: str) -> None:
    for line in (_line(v=version), _line(pv=version), _line(a=f"{GOOD} {version}")):
        with pytest.raises(PayloadInvalid, match="cannot be read"):
            decode(line)


def _pieces(data: bytes, size: int) -> Iterator[bytes]:
    for start in range(0, len(data), size):
        yield data[start : start + size]


@pytest.mark.parametrize("size", [1, 2, 7, 64, 4096])
def test_lines_read_the_same_however_the_pieces_fall(size: int) -> None:
    ids = [uuid.UUID(int=n).hex for n in range(1, 6)]
    payload = b"".join(_line(id=i) + b"\n" for i in ids)
    assert [r.id.hex for r in decode_lines(_pieces(payload, size))] == ids
    # A last line needs no newline.
    assert [r.id.hex for r in decode_lines(_pieces(payload[:-1], size))] == ids


def test_a_record_longer_than_the_limit_is_refused() -> None:
    huge = _line(f={"name": "x" * 5000, "prison_name": "p", "university_name": "u"})
    with pytest.raises(PayloadInvalid, match="far larger"):
        list(decode_lines(_pieces(huge, 256), max_line=1024))
