"""Which sessions count in attendance figures, wherever attendance is reported.

The sense-making meeting is left out: it is part of the (opt-in) evaluation and keeps
its own register, so it never counts for or against anyone's attendance on the course.
So is the induction, held before week 1: its register says who has been inducted, but
it is not a teaching session.
A cancelled session (a lockdown, a staff shortage) took place for no one, so it counts
neither: it takes no register, and a mark a classroom laptop sent for it before it was
cancelled is not counted either.
"""

from __future__ import annotations

from sqlalchemy import and_

from lt_desktop.domain.vocabulary import SessionKind
from lt_desktop.storage.models import ClassSession

COUNTED_SESSION = and_(
    ClassSession.kind.not_in([SessionKind.SENSE_MAKING, SessionKind.INDUCTION]),
    ClassSession.cancelled.is_(None),
)
