"""A session's readings: what students read before it (title, author, pages), in order,
each with an optional PDF kept inside the encrypted store.

The prison-based students have no internet, so the readings are printed and copied
for them: the blank register and the session handout list them, and a reading's PDF
is saved out (to a file the person chooses, never into the store folder) to print.
The PDF is never written anywhere else.
"""

from __future__ import annotations

import hashlib
import uuid
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from lt_desktop.core.services.base import Service, get_or_not_found
from lt_desktop.domain.errors import ValidationError
from lt_desktop.domain.roles import Permission
from lt_desktop.storage.atomic import write_atomic
from lt_desktop.storage.models import ClassSession, Reading, utc_now

#: The largest PDF a reading may keep: a chapter scanned at a sensible resolution is a
#: few megabytes, and each travels whole in every bundle to a partner.
MAX_PDF_BYTES = 25 * 1024 * 1024
#: How every PDF file begins.
PDF_HEADER = b"%PDF-"


@dataclass(frozen=True)
class ReadingInfo:
    id: uuid.UUID
    session_id: uuid.UUID
    position: int
    title: str
    author: str
    pages: str
    pdf_filename: str = ""
    pdf_size: int = 0

    @property
    def has_pdf(self) -> bool:
        return bool(self.pdf_filename)

    def describe(self) -> str:
        """The reading as a reading list gives it: "Title, Author, pp. 1–15"."""
        return ", ".join(part for part in (self.title, self.author, self.pages) if part)


def readings_of(session: Session, session_id: uuid.UUID) -> list[ReadingInfo]:
    """A session's readings, in order (the PDFs themselves are not read)."""
    return [
        _info(r)
        for r in session.scalars(
            select(Reading)
            .where(Reading.session_id == session_id)
            .order_by(Reading.position, Reading.created_at, Reading.id)
        )
    ]


def check_pdf(data: bytes) -> None:
    """Refuse, in words, what is not a PDF or is too large to keep."""
    if not data:
        raise ValidationError("That file is empty.")
    if not data.startswith(PDF_HEADER):
        raise ValidationError(
            "That file is not a PDF. Save the reading as a PDF first (most scanners and "
            "word processors can), then attach that."
        )
    if len(data) > MAX_PDF_BYTES:
        raise ValidationError(
            f"That PDF is {size_in_words(len(data))}; a reading's PDF may be at most "
            f"{size_in_words(MAX_PDF_BYTES)}. Scan it at a lower resolution, or attach the "
            "pages to read only."
        )


def size_in_words(size: int) -> str:
    if size >= 1024 * 1024:
        return f"{size / (1024 * 1024):.1f} MB".replace(".0 MB", " MB")
    return f"{max(1, round(size / 1024))} KB"


class ReadingService(Service):
    def readings(self, session_id: uuid.UUID) -> list[ReadingInfo]:
        self._require_any(Permission.VIEW_ALL_COHORTS, Permission.VIEW_OWN_COHORTS)
        with self._store.read() as session:
            self._visible_session(session, session_id)
            return readings_of(session, session_id)

    def add(
        self, session_id: uuid.UUID, *, title: str, author: str = "", pages: str = ""
    ) -> ReadingInfo:
        """A reading at the end of the session's list."""
        self._require(Permission.EDIT_PROGRAMME)
        title, author, pages = _checked(title, author, pages)
        with self._store.write() as session:
            self._visible_session(session, session_id)
            last = session.scalar(
                select(func.max(Reading.position)).where(Reading.session_id == session_id)
            )
            reading = Reading(
                session_id=session_id,
                position=0 if last is None else last + 1,
                title=title,
                author=author,
                pages=pages,
            )
            session.add(reading)
            session.flush()
            return _info(reading)

    def edit(self, reading_id: uuid.UUID, *, title: str, author: str, pages: str) -> ReadingInfo:
        self._require(Permission.EDIT_PROGRAMME)
        title, author, pages = _checked(title, author, pages)
        with self._store.write() as session:
            reading = self._visible_reading(session, reading_id)
            reading.title, reading.author, reading.pages = title, author, pages
            session.flush()
            return _info(reading)

    def move(self, reading_id: uuid.UUID, by: int) -> list[ReadingInfo]:
        """Move a reading up (``by`` below 0) or down the session's list; the whole list,
        in its new order."""
        self._require(Permission.EDIT_PROGRAMME)
        with self._store.write() as session:
            reading = self._visible_reading(session, reading_id)
            ordered = [
                r
                for r in session.scalars(
                    select(Reading)
                    .where(Reading.session_id == reading.session_id)
                    .order_by(Reading.position, Reading.created_at, Reading.id)
                )
            ]
            at = ordered.index(reading)
            to = max(0, min(len(ordered) - 1, at + by))
            ordered.insert(to, ordered.pop(at))
            for position, row in enumerate(ordered):
                if row.position != position:
                    row.position = position
            session.flush()
            return readings_of(session, reading.session_id)

    def remove(self, reading_id: uuid.UUID) -> None:
        """Take a reading off the session's list (its PDF goes with it)."""
        self._require(Permission.EDIT_PROGRAMME)
        with self._store.write() as session:
            reading = self._visible_reading(session, reading_id)
            reading.deleted_at = utc_now()
            reading.pdf_data = None
            session.flush()
            self._audit(session, "reading.removed", "reading", reading.id, title=reading.title)

    def attach_pdf(self, reading_id: uuid.UUID, filename: str, data: bytes) -> ReadingInfo:
        """Keep the reading's PDF in the store, replacing any it had."""
        self._require(Permission.EDIT_PROGRAMME)
        check_pdf(data)
        name = Path(filename.strip()).name or "reading.pdf"
        if not name.lower().endswith(".pdf"):
            name += ".pdf"
        with self._store.write() as session:
            reading = self._visible_reading(session, reading_id)
            reading.pdf_filename = name[:255]
            reading.pdf_size = len(data)
            reading.pdf_sha256 = hashlib.sha256(data).hexdigest()
            reading.pdf_data = data
            session.flush()
            self._audit(session, "reading.pdf_attached", "reading", reading.id, size=len(data))
            return _info(reading)

    def remove_pdf(self, reading_id: uuid.UUID) -> ReadingInfo:
        self._require(Permission.EDIT_PROGRAMME)
        with self._store.write() as session:
            reading = self._visible_reading(session, reading_id)
            if not reading.pdf_filename:
                raise ValidationError(f"“{reading.title}” has no PDF.")
            reading.pdf_filename, reading.pdf_size, reading.pdf_sha256 = "", 0, ""
            reading.pdf_data = None
            session.flush()
            self._audit(session, "reading.pdf_removed", "reading", reading.id)
            return _info(reading)

    def pdf(self, reading_id: uuid.UUID) -> bytes:
        """The reading's PDF, as attached."""
        self._require_any(Permission.VIEW_ALL_COHORTS, Permission.VIEW_OWN_COHORTS)
        with self._store.read() as session:
            reading = self._visible_reading(session, reading_id)
            if reading.pdf_data is None:
                raise ValidationError(f"“{reading.title}” has no PDF.")
            return reading.pdf_data

    def save_pdf(self, reading_id: uuid.UUID, target: Path, *, force: bool) -> Path:
        """Write a copy of the reading's PDF where the person chose: never into the store
        folder, and over an existing file only with ``force``."""
        data = self.pdf(reading_id)
        target = self.output_path(target, force=force)
        write_atomic(target, data, what="The copy of the reading")
        return target

    def _visible_session(self, session: Session, session_id: uuid.UUID) -> ClassSession:
        row = get_or_not_found(session, ClassSession, session_id, "session")
        self._require_cohort_visible(session, row.cohort_id)
        return row

    def _visible_reading(self, session: Session, reading_id: uuid.UUID) -> Reading:
        reading = get_or_not_found(session, Reading, reading_id, "reading")
        self._visible_session(session, reading.session_id)
        return reading


def _checked(title: str, author: str, pages: str) -> tuple[str, str, str]:
    title, author, pages = (" ".join(text.split()) for text in (title, author, pages))
    if not title:
        raise ValidationError("Give the reading's title.")
    for text, what, most in ((title, "title", 500), (author, "author", 300), (pages, "pages", 100)):
        if len(text) > most:
            raise ValidationError(f"Keep the {what} to {most} characters.")
    return title, author, pages


def _info(reading: Reading) -> ReadingInfo:
    return ReadingInfo(
        reading.id,
        reading.session_id,
        reading.position,
        reading.title,
        reading.author,
        reading.pages,
        reading.pdf_filename,
        reading.pdf_size,
    )
