"""Every value a partner sends is checked against its column before anything is
written: a prison, signing with its real keys, sending text where a number belongs, a
week of "abc" or 2**70, a mark of NaN or 1e300, a list in a name, JSON nested 200,000
deep or a line far longer than any record, has its bundle refused whole with a line
naming the record and the field, and the university's store is left as it was. None
of it reaches the command line's "something went wrong"."""

from __future__ import annotations

import base64
import json
import os
import uuid
from pathlib import Path
from typing import Any

import pytest

from lt_desktop.core.services.essays import MAX_SCAN_BYTES
from lt_desktop.domain.vocabulary import AttachmentKind
from lt_desktop.storage.models import (
    Attachment,
    ClassSession,
    Cohort,
    Course,
    EssayMark,
    Person,
)
from lt_desktop.sync.records import MAX_LINE_BYTES, Incoming, decode, encode
from tests.cli.support import assert_failure, run_as
from tests.helpers.sites import UNIVERSITY_ADMIN, UNIVERSITY_PASSWORD
from tests.security.import_forgery import (
    Pair,
    as_bytes,
    copied,
    created,
    exchanged,
    forge,
    refusal,
    template,
)


@pytest.fixture(scope="module")
def _exchanged(tmp_path_factory: pytest.TempPathFactory) -> Pair:
    return exchanged(tmp_path_factory)


@pytest.fixture
def sites(_exchanged: Pair, tmp_path: Path) -> Pair:
    return copied(_exchanged, tmp_path)


_MODELS = {
    "class_sessions": ClassSession,
    "essay_marks": EssayMark,
    "people": Person,
    "courses": Course,
    "cohorts": Cohort,
    "attachments": Attachment,
}

#: (table, field, value as JSON text, what the refusal says the field must be)
BAD_VALUES = [
    ("class_sessions", "week", '"abc"', "a whole number from 0 to 1000"),
    ("class_sessions", "week", "1.5", "a whole number from 0 to 1000"),
    ("class_sessions", "week", str(2**70), "a whole number from 0 to 1000"),
    ("class_sessions", "week", "-1", "a whole number from 0 to 1000"),
    ("class_sessions", "week", "true", "a whole number from 0 to 1000"),
    ("essay_marks", "score", "NaN", "a number from 0 to 100"),
    ("essay_marks", "score", "Infinity", "a number from 0 to 100"),
    ("essay_marks", "score", "-Infinity", "a number from 0 to 100"),
    ("essay_marks", "score", "1e300", "a number from 0 to 100"),
    ("essay_marks", "score", '"abc"', "a number from 0 to 100"),
    ("essay_marks", "score", "100.5", "a number from 0 to 100"),
    ("people", "family_name", "5", "text of at most 100 characters"),
    ("people", "family_name", '["Osei"]', "text of at most 100 characters"),
    ("people", "family_name", '{"a": 1}', "text of at most 100 characters"),
    ("people", "family_name", json.dumps("x" * 101), "text of at most 100 characters"),
    ("people", "notes", "12", "text"),
    ("people", "base", '"martian"', "one of prison, university, community"),
    ("class_sessions", "held_on", '"03/01/2026"', "a date"),
    ("class_sessions", "held_on", '"2026-1-3"', "a date"),
    ("class_sessions", "starts_at", '"nine"', "a time of day"),
    ("class_sessions", "lecturer_id", '"not-an-id"', "an id"),
    ("class_sessions", "lecturer_id", "42", "an id"),
    ("courses", "accredited", '"yes"', "true or false"),
    ("courses", "accredited", "1", "true or false"),
    ("essay_marks", "submitted_at", '"2026-03-01"', "a time with its zone"),
    ("attachments", "data", '"not base64!"', "base64"),
]


def _forged(sites: Pair, lines: list[bytes], tmp_path: Path) -> Path:
    """From the prison to the university."""
    return forge(sites, from_university=False, lines=lines, target=tmp_path / "b.ltbundle")


def _line_with(sites: Pair, table: str, field: str, raw_value: str) -> tuple[bytes, str]:
    """A new record of ``table`` from the prison, ``field`` holding ``raw_value``
    exactly as written (NaN and Infinity are not JSON, but a parser may read them)."""
    line = template(sites, _MODELS[table])
    document = created(line, sites.prison_id, **{field: "PLACEHOLDER"})
    text = json.dumps(document).replace('"PLACEHOLDER"', raw_value, 1)
    return (text + "\n").encode(), document["id"]


@pytest.mark.parametrize(
    ("table", "field", "raw_value", "should_be"),
    BAD_VALUES,
    ids=[f"{t}.{f}={v[:20]}" for t, f, v, _ in BAD_VALUES],
)
def test_a_value_its_column_cannot_hold_is_refused(
    sites: Pair, tmp_path: Path, table: str, field: str, raw_value: str, should_be: str
) -> None:
    # A good record first, so the refusal comes after something was taken in.
    good = created(template(sites, Person), sites.prison_id)
    bad, record_id = _line_with(sites, table, field, raw_value)
    bundle = _forged(sites, [as_bytes(good), bad], tmp_path)
    message = refusal(sites.university, bundle)
    kind = table.replace("_", " ")
    assert message == (
        f"The bundle's {kind} record {record_id} has a {field} that is not {should_be}; "
        "nothing was imported."
    )


def test_an_empty_value_where_one_is_needed_is_refused(sites: Pair, tmp_path: Path) -> None:
    bad, record_id = _line_with(sites, "cohorts", "name", "null")
    bundle = _forged(sites, [bad], tmp_path)
    assert refusal(sites.university, bundle) == (
        f"The bundle's cohorts record {record_id} has a name that is empty, which it may not "
        "be; nothing was imported."
    )


def test_deep_nesting_is_refused_before_it_is_parsed(sites: Pair, tmp_path: Path) -> None:
    depth = 200_000
    bad, _ = _line_with(sites, "people", "notes", "[" * depth + "]" * depth)
    bundle = _forged(sites, [bad], tmp_path)
    assert refusal(sites.university, bundle) == (
        "The bundle holds a line nested far deeper than any record is; nothing was imported."
    )


def test_brackets_inside_text_are_not_nesting(sites: Pair, tmp_path: Path) -> None:
    notes = "[[[{{{" * 50 + " (from the reading list)"
    line = created(template(sites, Person), sites.prison_id)
    line["f"]["notes"] = notes
    bundle = _forged(sites, [as_bytes(line)], tmp_path)
    result = sites.university.take_in(bundle)
    assert result.summary.added["people"] == 1


def test_a_line_far_longer_than_any_record_is_refused(sites: Pair, tmp_path: Path) -> None:
    bad, _ = _line_with(sites, "people", "notes", json.dumps("x" * (MAX_LINE_BYTES + 1)))
    bundle = _forged(sites, [bad], tmp_path)
    assert refusal(sites.university, bundle) == (
        "The bundle holds a record far larger than any record can be; nothing was imported."
    )


def test_the_largest_scan_a_site_keeps_fits_in_a_line() -> None:
    scan = os.urandom(MAX_SCAN_BYTES)
    attachment = Attachment(
        id=uuid.uuid4(),
        kind=AttachmentKind.ESSAY_SCAN,
        filename="x" * 255,
        media_type="application/pdf",
        size=len(scan),
        sha256="0" * 64,
        data=scan,
        essay_id=uuid.uuid4(),
        origin_site_id=uuid.uuid4(),
        version=f"{1:012x}.{1:04x}.{uuid.uuid4().hex}",
        previous_version=None,
        ancestry="",
        created_at=_now(),
        updated_at=_now(),
        deleted_at=None,
    )
    line = encode(attachment)
    assert len(line) < MAX_LINE_BYTES
    decoded = decode(line)
    assert isinstance(decoded, Incoming) and decoded.fields["data"] == scan
    assert base64.b64encode(scan).decode() in line.decode()


def _now() -> Any:
    from lt_desktop.storage.models import utc_now

    return utc_now()


@pytest.mark.parametrize(
    ("table", "field", "raw_value", "expected"),
    [
        ("essay_marks", "score", "NaN", "has a score that is not a number from 0 to 100"),
        ("class_sessions", "week", str(2**70), "has a week that is not a whole number"),
        ("people", "notes", "[" * 200_000 + "]" * 200_000, "nested far deeper"),
    ],
    ids=["nan-score", "huge-week", "deep-nesting"],
)
def test_the_command_line_says_why_in_one_line(
    sites: Pair, tmp_path: Path, table: str, field: str, raw_value: str, expected: str
) -> None:
    bad, _ = _line_with(sites, table, field, raw_value)
    bundle = _forged(sites, [bad], tmp_path)
    result = run_as(
        sites.university.folder,
        UNIVERSITY_ADMIN,
        "import",
        bundle,
        secrets=(UNIVERSITY_PASSWORD,),
    )
    message = assert_failure(result)
    assert expected in message and "nothing was imported" in message
    assert "something went wrong" not in result.err + result.out
