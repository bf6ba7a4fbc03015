"""The research export: pseudonymised data of consenting people, for R, SPSS or NVivo.

Each person appears under their research id (random, stable, carrying no identity);
no names, no prison details. A person's data of a kind goes out only while their
consent for that kind, and for sharing research data with the university team,
stands: a withdrawal takes them out of every export from then on. Every free text
(stories, answers, interview notes and transcripts, sense-making notes, essays) goes
through `NameScrubber` first: every name the store knows becomes ``[name]``, or the
writer's research id where the name is their own. Every file says whether each person
is prison-based, university-based or from the community (the sense-making file, which
names no one, counts those who attended by base): comparing prison-based and
university-based participants is what the evaluation is for. With ``shift_dates``,
every date moves back by its person's own number of days (`research_dates`).
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import select

from lt_desktop.core.research_codebook import CODEBOOK_FILE, codebook_rows
from lt_desktop.core.research_dates import DateShift, date_shift_secret
from lt_desktop.core.services import research_evaluation, research_sources
from lt_desktop.core.services.base import Service
from lt_desktop.core.services.research_evaluation import TRANSCRIPTS_FOLDER
from lt_desktop.core.services.research_sources import BASE_COLUMN, Reading, Table, cohort_labels
from lt_desktop.core.spreadsheets import csv_bytes
from lt_desktop.domain.errors import ValidationError
from lt_desktop.domain.roles import Permission
from lt_desktop.storage.atomic import write_atomic
from lt_desktop.storage.models import Cohort

STORIES_FILE = "stories.csv"
ANSWERS_FILE = "questionnaire_answers.csv"
SCORES_FILE = "questionnaire_scores.csv"
PAIRS_FILE = "questionnaire_pairs.csv"
INTERVIEWS_FILE = "interviews.csv"
SENSE_MAKING_FILE = "sense_making.csv"
ESSAYS_FILE = "essays.csv"
DATA_FILES = (
    STORIES_FILE,
    ANSWERS_FILE,
    SCORES_FILE,
    PAIRS_FILE,
    INTERVIEWS_FILE,
    SENSE_MAKING_FILE,
    ESSAYS_FILE,
)
BASE_REASON = (
    "Every file says whether each person is prison-based, university-based or from the "
    "community, because comparing prison-based and university-based participants is the "
    "point of the evaluation."
)
#: What the audit entry of every export records of the base column.
BASE_AUDITED = (
    f"{BASE_COLUMN} (prison, university or community) in every file about people; "
    "those attending each sense-making meeting counted by base"
)
__all__ = ["BASE_COLUMN", "BASE_REASON", "DATA_FILES", "ResearchExport", "ResearchService"]


@dataclass(frozen=True)
class ResearchExport:
    folder: Path
    files: dict[str, int]  # file name: rows
    people: int
    transcripts: int = 0
    dates_shifted: bool = False


class ResearchService(Service):
    def cohorts(self) -> list[tuple[uuid.UUID, str]]:
        """Every cohort, as the export names it ("Course: Cohort"), to choose from."""
        self._require(Permission.EXPORT_RESEARCH)
        with self._store.read() as session:
            labels = cohort_labels(session)
            order = session.scalars(select(Cohort.id).order_by(Cohort.starts_on)).all()
        return [(cohort_id, labels[cohort_id]) for cohort_id in order]

    def export(
        self,
        folder: Path,
        *,
        cohort_ids: list[uuid.UUID] | None = None,
        shift_dates: bool = False,
    ) -> ResearchExport:
        """Write the data files, the interview transcripts and the codebook into
        ``folder``, replacing any an earlier export left there (a transcript this export
        does not write again is removed); never into the store folder, nor over anything
        but ordinary files."""
        self._require(Permission.EXPORT_RESEARCH)
        if not folder.is_dir():
            raise ValidationError(f"Choose a folder that exists ({folder} does not).")
        folder = self.output_folder(folder)
        targets = {
            name: self.output_path(folder / name, force=True)
            for name in (*DATA_FILES, CODEBOOK_FILE)
        }
        transcripts_folder = _transcripts_folder(folder)
        secret = None
        if shift_dates:
            with self._store.write() as session:
                secret = date_shift_secret(session)
        with self._store.read() as session:
            reading = Reading.of(session, cohort_ids, DateShift(secret))
            questionnaires = research_sources.questionnaires(reading)
            interviews = research_evaluation.interviews(reading)
            tables: dict[str, Table] = {
                STORIES_FILE: research_sources.stories(reading),
                ANSWERS_FILE: questionnaires.answers,
                SCORES_FILE: questionnaires.scores,
                PAIRS_FILE: questionnaires.pairs,
                INTERVIEWS_FILE: interviews.interviews,
                SENSE_MAKING_FILE: research_evaluation.sense_making(reading),
                ESSAYS_FILE: research_evaluation.essays(reading),
            }
        people = {
            row[0]
            for name, rows in tables.items()
            if rows[0][0] == "research_id"
            for row in rows[1:]
        }
        tables[CODEBOOK_FILE] = codebook_rows(
            {name: rows[0] for name, rows in tables.items()}, dates_shifted=shift_dates
        )
        written = {}
        for name, rows in tables.items():
            write_atomic(
                targets[name], csv_bytes(rows, for_excel=False), what="The research export"
            )
            written[name] = len(rows) - 1
        self._write_transcripts(folder, transcripts_folder, interviews.transcripts)
        with self._store.write() as session:
            self._audit(
                session,
                "research.exported",
                rows=sum(n for name, n in written.items() if name != CODEBOOK_FILE),
                people=len(people),
                files=sorted(written),
                transcripts=len(interviews.transcripts),
                columns=BASE_AUDITED,
                dates_shifted=shift_dates,
            )
        return ResearchExport(
            folder, written, len(people), len(interviews.transcripts), shift_dates
        )

    def _write_transcripts(self, folder: Path, place: Path, transcripts: dict[str, str]) -> None:
        """Each transcript into the transcripts folder; those an earlier export wrote
        there and this one does not (a withdrawal since) are removed."""
        if transcripts:
            place.mkdir(mode=0o700, exist_ok=True)
        if place.is_dir():
            for old in place.glob("*.txt"):
                if (
                    old.is_file()
                    and not old.is_symlink()
                    and old.relative_to(folder).as_posix() not in transcripts
                ):
                    old.unlink()
        for name, text in transcripts.items():
            target = self.output_path(folder / name, force=True)
            write_atomic(target, text.encode("utf-8"), what="The research export")


def _transcripts_folder(folder: Path) -> Path:
    """Where the transcripts go, checked before anything is written: a folder of its
    own, not a link to somewhere else nor a file in the way."""
    place = folder / TRANSCRIPTS_FOLDER
    if place.is_symlink() or (place.exists() and not place.is_dir()):
        raise ValidationError(
            f"{place} is in the way of the interview transcripts: move it and export again."
        )
    return place
