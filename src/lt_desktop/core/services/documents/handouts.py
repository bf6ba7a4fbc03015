"""The session handout: what a session is and what to read for it, on one sheet that
copies well in black and white, for students who have no internet."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date, time

from lt_desktop.core.services.base import Service, get_or_not_found
from lt_desktop.core.services.documents.common import CohortHeading, cohort_heading
from lt_desktop.core.services.readings import ReadingInfo, readings_of
from lt_desktop.domain.errors import PermissionDenied
from lt_desktop.domain.roles import Permission
from lt_desktop.domain.vocabulary import SessionKind, cancellation_in_words
from lt_desktop.storage.models import ClassSession, Person


@dataclass(frozen=True)
class Handout:
    heading: CohortHeading
    week: int
    held_on: date
    starts_at: time | None
    ends_at: time | None
    kind: SessionKind
    title: str
    location: str
    lecturer_name: str
    readings: list[ReadingInfo]
    #: Why the session was cancelled, in words ("" if it was not).
    cancelled: str = ""

    @property
    def attached(self) -> list[ReadingInfo]:
        """The readings with a PDF, to print with the handout."""
        return [r for r in self.readings if r.has_pdf]


class Handouts(Service):
    def handout(self, session_id: uuid.UUID) -> Handout:
        """A session and its readings, for the handout copied for every student."""
        self._require(Permission.PRINT_DOCUMENTS)
        if self.actor.on_laptop:
            # A laptop holds no readings: a handout from it would tell the class there
            # was nothing to read.
            raise PermissionDenied(
                "This is a classroom laptop: it keeps the register, not the sessions' "
                "readings, so print the session handout at the education PC."
            )
        with self._store.read() as session:
            row = get_or_not_found(session, ClassSession, session_id, "session")
            self._require_cohort_visible(session, row.cohort_id)
            lecturer = session.get(Person, row.lecturer_id) if row.lecturer_id else None
            return Handout(
                heading=cohort_heading(session, row.cohort_id),
                week=row.week,
                held_on=row.held_on,
                starts_at=row.starts_at,
                ends_at=row.ends_at,
                kind=row.kind,
                title=row.title,
                location=row.location,
                lecturer_name=lecturer.display_name if lecturer else "",
                readings=readings_of(session, row.id),
                cancelled=cancellation_in_words(row.cancelled, row.cancelled_note),
            )
