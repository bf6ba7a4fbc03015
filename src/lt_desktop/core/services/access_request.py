"""An access request: a person asks what is held about them, and is given it.

``AccessRequestService.export`` writes a new folder holding a readable PDF, the same
data as one JSON document (``data.json``, a key per section, dates as ISO dates) and one
CSV file per section. Everything comes from ``access_research.gather``; other people's
names in free text are ``[another participant]``, the person's own stay.

The folder is written whole or not at all: everything goes into a hidden folder beside
it, which takes the folder's name only once every file is on disk, so media pulled out
half-way leave no folder that looks complete. A folder that is there already and holds
anything is refused. The PDF is drawn by ``documents/`` (the core draws no documents),
given in as ``pdf``.

The audit log records the export under the person's research id, with the counts by
section, never their name.
"""

from __future__ import annotations

import contextlib
import json
import os
import secrets
import shutil
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

from lt_desktop.core.services.access_data import PersonData, Section
from lt_desktop.core.services.access_research import gather
from lt_desktop.core.services.base import Service, get_or_not_found
from lt_desktop.core.spreadsheets import csv_bytes
from lt_desktop.domain.errors import OutputRefused, ValidationError
from lt_desktop.domain.roles import Permission
from lt_desktop.domain.vocabulary import SiteKind
from lt_desktop.storage.atomic import fsync_directory, translate_os_error, write_atomic
from lt_desktop.storage.models import Person

JSON_FILE = "data.json"

#: Draws the readable PDF of ``PersonData`` at the path given.
PdfWriter = Callable[[Path, PersonData], None]


@dataclass(frozen=True)
class AccessExport:
    """What an access export wrote: where, which files, and how many rows each section holds."""

    folder: Path
    research_id: str
    files: tuple[str, ...]
    counts: tuple[tuple[str, int], ...]  # (section title, rows), every section

    @property
    def total(self) -> int:
        return sum(n for _, n in self.counts)

    def lines(self) -> list[str]:
        return [f"{title}: {n}" for title, n in self.counts]


def pdf_name(research_id: str) -> str:
    return f"{research_id}-data.pdf"


def folder_name(research_id: str) -> str:
    """The name offered for a new export folder: the research id, never the name, so
    the media it is carried on does not say whose it is."""
    return f"{research_id}-data"


class AccessRequestService(Service):
    @property
    def may_see_prison_details(self) -> bool:
        """Prison-only details go in only at the prison's site, for accounts that may
        see them (as on the person's page)."""
        return self.site_kind is SiteKind.PRISON and self.actor.may(Permission.VIEW_PRISON_DETAILS)

    def suggested_folder(self, person_id: uuid.UUID, place: Path) -> Path:
        """A new folder in ``place`` for this person's export, named by research id."""
        self._require(Permission.EXPORT_PERSON_DATA)
        with self._store.read() as session:
            self._require_person_visible(session, person_id)
            person = get_or_not_found(session, Person, person_id, "person")
            return place / folder_name(person.research_id)

    def gather(self, person_id: uuid.UUID, *, today: date | None = None) -> PersonData:
        """Everything held about the person, section by section, as the export writes it."""
        self._require(Permission.EXPORT_PERSON_DATA)
        with self._store.read() as session:
            self._require_person_visible(session, person_id)
            person = get_or_not_found(session, Person, person_id, "person")
            return gather(
                session,
                person,
                prison_details=self.may_see_prison_details,
                today=today or date.today(),
            )

    def export(
        self,
        person_id: uuid.UUID,
        folder: Path,
        *,
        pdf: PdfWriter | None = None,
        today: date | None = None,
    ) -> AccessExport:
        """Write everything held about the person into ``folder``, a new folder (or an
        empty one), and audit it. ``pdf`` draws the readable copy; without it only the
        JSON and CSV files are written."""
        self._require(Permission.EXPORT_PERSON_DATA)
        target = _new_folder(self.output_folder(folder), folder)
        data = self.gather(person_id, today=today)
        files = _write_folder(target, data, pdf)
        counts = tuple((s.title, len(s.rows)) for s in data.sections)
        with self._store.write() as session:
            self._audit(
                session,
                "person.access_export",
                "person",
                data.research_id,
                **{s.key: len(s.rows) for s in data.sections if s.rows},
            )
        return AccessExport(target, data.research_id, files, counts)


def _new_folder(resolved: Path, given: Path) -> Path:
    """``resolved`` if a new folder may be made there: its parent exists, and nothing
    but an empty folder is there already."""
    if not resolved.parent.is_dir():
        raise ValidationError(
            f"The folder {given.parent} does not exist; choose a place that does."
        )
    if resolved.is_symlink() or (resolved.exists() and not resolved.is_dir()):
        raise OutputRefused(f"{given} is there already and is not a folder; choose a new name.")
    if resolved.is_dir() and any(resolved.iterdir()):
        raise OutputRefused(
            f"The folder {given} is there already and holds files; choose a new folder, so "
            "nothing in it is mixed with the person's data or replaced."
        )
    return resolved


def _write_folder(target: Path, data: PersonData, pdf: PdfWriter | None) -> tuple[str, ...]:
    """Every file into a hidden folder beside ``target``, then that folder renamed."""
    staging = target.with_name(f".{target.name}.{secrets.token_hex(6)}.partial")
    what = "The person's data"
    try:
        os.mkdir(staging, 0o700)
        files: list[str] = []
        if pdf is not None:
            name = pdf_name(data.research_id)
            pdf(staging / name, data)
            files.append(name)
        write_atomic(staging / JSON_FILE, _json_bytes(data), what=what)
        files.append(JSON_FILE)
        for section in data.sections:
            name = f"{section.key}.csv"
            write_atomic(staging / name, _csv(section), what=what)
            files.append(name)
        fsync_directory(staging)
        if target.is_dir():
            target.rmdir()  # empty, as checked: the finished folder takes its place
        os.rename(staging, target)
        fsync_directory(target.parent)
    except BaseException as error:
        with contextlib.suppress(OSError):
            shutil.rmtree(staging)
        raise translate_os_error(error, what) from error
    return tuple(files)


def _plain(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.replace(microsecond=0).isoformat()
    if isinstance(value, date):
        return value.isoformat()
    return value


def _json_bytes(data: PersonData) -> bytes:
    document: dict[str, Any] = {
        "about": {
            "name": data.name,
            "research_id": data.research_id,
            "made_on": data.made_on.isoformat(),
            "sections": {s.key: s.title for s in data.sections},
        }
    }
    for section in data.sections:
        document[section.key] = [
            {key: _plain(value) for key, value in record.items()} for record in section.records()
        ]
    return (json.dumps(document, indent=2, ensure_ascii=False) + "\n").encode("utf-8")


def _csv(section: Section) -> bytes:
    rows: list[list[object]] = [[label for _, label in section.columns]]
    for row in section.rows:
        rows.append(["" if v is None else _csv_value(v) for v in row])
    return csv_bytes(rows, for_excel=True)


def _csv_value(value: Any) -> object:
    if isinstance(value, bool):
        return "yes" if value else "no"
    return _plain(value)


__all__ = ["JSON_FILE", "AccessExport", "AccessRequestService", "PdfWriter", "pdf_name"]
