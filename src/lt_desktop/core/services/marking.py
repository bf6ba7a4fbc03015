"""Double-blind marking, as a marker sees it.

A marker knows an essay only by its candidate number: never the writer's name,
never where they are based, and never the other marker's mark until the mark is
agreed. A marker may correct their own mark until then, so seeing the other's
earlier would let them move towards it. Everything here is checked in the
service, so no screen, export or query a marker can reach holds more.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from lt_desktop.core.services.base import Service
from lt_desktop.core.services.essays import (
    ScanInfo,
    check_score,
    flag_for_moderation,
    scans_of,
)
from lt_desktop.domain.errors import PermissionDenied, ValidationError
from lt_desktop.domain.roles import Permission
from lt_desktop.domain.vocabulary import MarkPosition
from lt_desktop.storage.models import Attachment, Essay, EssayMark, utc_now


@dataclass(frozen=True)
class MarkingTask:
    """One essay on a marker's list."""

    candidate_number: str
    title: str
    word_count: int
    position: MarkPosition
    my_score: float | None

    @property
    def done(self) -> bool:
        return self.my_score is not None


@dataclass(frozen=True)
class AnonymousEssay:
    """What a marker may read of an essay."""

    candidate_number: str
    title: str
    text: str
    word_count: int
    submitted_on: date | None
    scans: list[ScanInfo]
    position: MarkPosition
    my_score: float | None
    my_feedback: str
    other_score: float | None  # only once the mark is agreed
    agreed_score: float | None

    @property
    def locked(self) -> bool:
        """Once the mark is agreed, the marker's own mark and feedback stay as they are."""
        return self.agreed_score is not None


class MarkingService(Service):
    def tasks(self) -> list[MarkingTask]:
        """The essays allocated to this marker, by candidate number."""
        self._require(Permission.MARK_ESSAYS)
        with self._store.read() as session:
            rows = session.execute(
                select(Essay, EssayMark)
                .join(EssayMark, EssayMark.essay_id == Essay.id)
                .where(
                    EssayMark.marker_id == self.actor.user_id,
                    EssayMark.position != MarkPosition.AGREED,
                )
                .order_by(Essay.candidate_number)
            ).all()
            return [
                MarkingTask(e.candidate_number, e.title, e.word_count, m.position, m.score)
                for e, m in rows
            ]

    def open_essay(self, candidate_number: str) -> AnonymousEssay:
        self._require(Permission.MARK_ESSAYS)
        with self._store.read() as session:
            essay, mine = self._allocated(session, candidate_number)
            other = session.scalars(
                select(EssayMark).where(
                    EssayMark.essay_id == essay.id,
                    EssayMark.position
                    == (
                        MarkPosition.SECOND
                        if mine.position is MarkPosition.FIRST
                        else MarkPosition.FIRST
                    ),
                )
            ).first()
            agreed = _agreed_score(session, essay)
            return AnonymousEssay(
                candidate_number=essay.candidate_number,
                title=essay.title,
                text=essay.text,
                word_count=essay.word_count,
                submitted_on=essay.submitted_on,
                scans=scans_of(session, essay.id, blind_as=essay.candidate_number),
                position=mine.position,
                my_score=mine.score,
                my_feedback=mine.feedback,
                other_score=other.score if agreed is not None and other is not None else None,
                agreed_score=agreed,
            )

    def scan_data(self, candidate_number: str, scan_id: uuid.UUID) -> bytes:
        self._require(Permission.MARK_ESSAYS)
        with self._store.read() as session:
            essay, _ = self._allocated(session, candidate_number)
            scan = session.get(Attachment, scan_id)
            if scan is None or scan.essay_id != essay.id or scan.deleted_at is not None:
                # Refused alike whether the scan is another essay's or none at all.
                raise PermissionDenied("That scan is not part of this essay.")
            return scan.data

    def submit_mark(
        self, candidate_number: str, score: float | None, feedback: str = ""
    ) -> AnonymousEssay:
        """This marker's mark and feedback. The marker can correct them until the
        coordinator agrees the mark."""
        self._require(Permission.MARK_ESSAYS)
        score = check_score(score, missing="Give your mark, from 0 to 100, before submitting.")
        with self._store.write() as session:
            essay, mine = self._allocated(session, candidate_number)
            if mine.locked or _agreed_score(session, essay) is not None:
                raise ValidationError(
                    "The mark for this essay has been agreed, so your mark and feedback are "
                    "locked. Ask the coordinator if something in them needs changing."
                )
            before = mine.score
            mine.score, mine.feedback, mine.submitted_at = score, feedback.strip(), utc_now()
            flag_for_moderation(session, essay)
            self._audit(
                session,
                "mark.entered" if before is None else "mark.changed",
                "essay",
                essay.id,
                candidate=essay.candidate_number,
                position=mine.position.value,
            )
        return self.open_essay(candidate_number)

    def _allocated(self, session: Session, candidate_number: str) -> tuple[Essay, EssayMark]:
        number = candidate_number.strip().upper()
        row = session.execute(
            select(Essay, EssayMark)
            .join(EssayMark, EssayMark.essay_id == Essay.id)
            .where(
                Essay.candidate_number == number,
                EssayMark.marker_id == self.actor.user_id,
                EssayMark.position != MarkPosition.AGREED,
            )
        ).first()
        if row is None:
            # The same answer whether the essay does not exist or is someone else's.
            raise PermissionDenied(f"Candidate {number} is not on your marking list.")
        return row[0], row[1]


def _agreed_score(session: Session, essay: Essay) -> float | None:
    return session.scalar(
        select(EssayMark.score).where(
            EssayMark.essay_id == essay.id, EssayMark.position == MarkPosition.AGREED
        )
    )
