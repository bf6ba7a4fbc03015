"""A session's readings: listed in order with author and pages, edited by staff, each
with an optional PDF kept encrypted in the store and saved out only where asked."""

from __future__ import annotations

import hashlib
import json
import shutil
import uuid
from pathlib import Path

import pytest
from sqlalchemy import select

from lt_desktop.core.services import readings as readings_module
from lt_desktop.core.services.programme import SessionInfo
from lt_desktop.core.sign_in import sign_in
from lt_desktop.core.workspace import Workspace
from lt_desktop.domain.errors import OutputExists, OutputRefused, PermissionDenied, ValidationError
from lt_desktop.storage.models import ClassSession, Reading
from tests.helpers.stores import plaintext_hits

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"

#: A PDF as a scanner writes one, with a phrase no random bytes hold.
PHRASE = "Quillfeather reads Braithwaite by lamplight"
PDF = (
    b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\n"
    + f"% {PHRASE}\n".encode()
    + b"trailer << /Root 1 0 R >>\n%%EOF\n"
)
PNG = b"\x89PNG\r\n\x1a\n" + b"\0" * 64


def _weeks(workspace: Workspace, month: str) -> list[SessionInfo]:
    """The cohort's weeks from week 1: the induction before them lists no readings."""
    cohort = next(c for c in workspace.programme.list_cohorts() if month in c.name)
    return [s for s in workspace.programme.list_sessions(cohort.id) if s.week >= 1]


def test_the_demo_lists_each_lectures_readings_with_author_and_pages(demo: Workspace) -> None:
    week_one = _weeks(demo, "January")[0]
    readings = demo.readings.readings(week_one.id)
    assert [(r.title, r.author, r.pages) for r in readings] == [
        ("Conflicts as property (1977)", "Nils Christie", "pp. 1–15"),
        ("Critical criminology and the concept of crime (1986)", "Louk Hulsman", "pp. 63–80"),
    ]
    assert readings[0].describe() == "Conflicts as property (1977), Nils Christie, pp. 1–15"
    with_pdf = [
        r for s in _weeks(demo, "September") for r in demo.readings.readings(s.id) if r.has_pdf
    ]
    assert [r.title for r in with_pdf] == ["Educational partnerships (2016)"]
    assert demo.readings.pdf(with_pdf[0].id).startswith(b"%PDF-")


def test_staff_add_edit_reorder_and_remove_a_sessions_readings(demo_dir: Path) -> None:
    with sign_in(demo_dir, "staff", "demo") as staff:
        week = _weeks(staff, "September")[2]
        before = staff.readings.readings(week.id)
        added = staff.readings.add(
            week.id, title="  The Gift  Relationship ", author="Richard Titmuss", pages="ch. 1"
        )
        assert (added.title, added.position) == ("The Gift Relationship", len(before))
        staff.readings.edit(
            added.id, title="The Gift Relationship", author="R. M. Titmuss", pages="pp. 1–20"
        )
        listed = staff.readings.move(added.id, -10)
        assert [r.id for r in listed][0] == added.id
        assert [r.position for r in listed] == list(range(len(listed)))
        assert staff.readings.readings(week.id)[0].author == "R. M. Titmuss"
        staff.readings.remove(before[0].id)
        assert before[0].id not in {r.id for r in staff.readings.readings(week.id)}
        with pytest.raises(ValidationError, match="title"):
            staff.readings.add(week.id, title="  ")


def test_a_facilitator_reads_their_cohorts_readings_and_changes_none(demo_dir: Path) -> None:
    with sign_in(demo_dir, "demo", "demo") as admin:
        theirs = _weeks(admin, "September")[0]
        other = _weeks(admin, "January")[0]
        reading = admin.readings.readings(theirs.id)[0]
    with sign_in(demo_dir, "facilitator", "demo") as facilitator:
        assert facilitator.readings.readings(theirs.id)[0].title == reading.title
        with pytest.raises(PermissionDenied, match="facilitator"):
            facilitator.readings.add(theirs.id, title="Something else")
        with pytest.raises(PermissionDenied):
            facilitator.readings.edit(reading.id, title="Changed", author="", pages="")
        with pytest.raises(PermissionDenied):
            facilitator.readings.attach_pdf(reading.id, "r.pdf", PDF)
        with pytest.raises(PermissionDenied, match="not one of yours"):
            facilitator.readings.readings(other.id)
    with sign_in(demo_dir, "marker", "demo") as marker:
        with pytest.raises(PermissionDenied):
            marker.readings.readings(theirs.id)


def test_only_a_pdf_of_a_sensible_size_is_kept(demo: Workspace) -> None:
    reading = demo.readings.readings(_weeks(demo, "September")[0].id)[0]
    with pytest.raises(ValidationError, match="not a PDF"):
        demo.readings.attach_pdf(reading.id, "photo.png", PNG)
    with pytest.raises(ValidationError, match="not a PDF"):
        demo.readings.attach_pdf(reading.id, "notes.pdf", b"Just some notes, not a PDF.")
    with pytest.raises(ValidationError, match="empty"):
        demo.readings.attach_pdf(reading.id, "empty.pdf", b"")
    too_big = b"%PDF-" + bytes(readings_module.MAX_PDF_BYTES)
    with pytest.raises(ValidationError, match="at most 25 MB"):
        demo.readings.attach_pdf(reading.id, "whole-book.pdf", too_big)
    assert not demo.readings.readings(reading.session_id)[0].has_pdf
    kept = demo.readings.attach_pdf(reading.id, "/somewhere/Christie 1977", PDF)
    assert (kept.pdf_filename, kept.pdf_size) == ("Christie 1977.pdf", len(PDF))
    with demo.store.read() as session:
        row = session.get(Reading, reading.id)
        assert row is not None and row.pdf_sha256 == hashlib.sha256(PDF).hexdigest()
    assert demo.readings.remove_pdf(reading.id).has_pdf is False
    with pytest.raises(ValidationError, match="has no PDF"):
        demo.readings.pdf(reading.id)


def test_a_pdf_is_saved_only_where_asked_and_never_kept_in_the_clear(
    demo_dir: Path, tmp_path: Path
) -> None:
    with sign_in(demo_dir, "staff", "demo") as staff:
        reading = staff.readings.readings(_weeks(staff, "September")[1].id)[0]
        staff.readings.attach_pdf(reading.id, "reading.pdf", PDF)
        with pytest.raises(OutputRefused, match="inside the store folder"):
            staff.readings.save_pdf(reading.id, demo_dir / "copy.pdf", force=True)
        target = tmp_path / "out" / "copy.pdf"
        target.parent.mkdir()
        assert staff.readings.save_pdf(reading.id, target, force=False) == target.resolve()
        assert target.read_bytes() == PDF
        with pytest.raises(OutputExists):
            staff.readings.save_pdf(reading.id, target, force=False)
    assert plaintext_hits(demo_dir, [PHRASE]) == []
    with sign_in(demo_dir, "facilitator", "demo") as facilitator:
        again = tmp_path / "facilitator.pdf"
        facilitator.readings.save_pdf(reading.id, again, force=False)
        assert again.read_bytes() == PDF


def test_an_upgraded_store_makes_a_reading_of_each_reading_line(tmp_path: Path) -> None:
    """The demo as revision 0002 made it kept two lines of text a session; upgraded, each
    line is a reading, made alike at every site that upgrades the same session."""
    stores = []
    for name in ("prison", "university"):
        store = tmp_path / name
        shutil.copytree(FIXTURES / "store-0002-demo", store)
        stores.append(store)
    held = []
    for store in stores:
        with sign_in(store, "demo", "demo") as admin, admin.store.read() as session:
            sessions = session.scalars(select(ClassSession)).all()
            readings = session.scalars(select(Reading).order_by(Reading.id)).all()
            lines = {
                (s.id, n): text
                for s in sessions
                for n, text in ((1, s.reading_1), (2, s.reading_2))
                if text
            }
            assert len(readings) == len(lines) > 0
            by_id = {s.id: s for s in sessions}
            for reading in readings:
                parent = by_id[reading.session_id]
                line = next(
                    n for n in (1, 2) if reading.id == uuid.uuid5(parent.id, f"reading-{n}")
                )
                assert reading.title == lines[(parent.id, line)]
                assert (reading.author, reading.pages, reading.pdf_filename) == ("", "", "")
                assert reading.version == parent.version
                assert reading.origin_site_id == parent.origin_site_id
                assert reading.change_seq == parent.change_seq
            held.append([json.dumps([str(r.id), r.version, r.title]) for r in readings])
            first = next(s for s in sessions if s.week == 1 and s.reading_2)
            shown = [r.title for r in admin.readings.readings(first.id)]
            assert shown == [first.reading_1, first.reading_2]
    assert held[0] == held[1]
