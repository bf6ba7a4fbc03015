"""What a redaction leaves of a research record (or of what a person went on to do after a
cohort), and how to tell a blanked copy.

A site that is told a person withdrew consent blanks its copies of their research
data and marks them deleted, keeping the version it had: a blanked copy is that
site's own doing, never a change that travels. So a blanked copy is never sent, and
never replaces a whole copy elsewhere; a whole copy of the same version, sent once
consent is given again, puts it back.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from sqlalchemy import and_

from lt_desktop.storage.models import (
    Interview,
    Progression,
    QuestionnaireAnswer,
    QuestionnaireResponse,
    Story,
    StoryAnswer,
    SyncedRecord,
)

#: What a redaction blanks in each kind of research record (links stay, as tombstones).
REDACTED_FIELDS: dict[type[SyncedRecord], dict[str, Any]] = {
    Story: {"text": "", "written_on": None, "transcribed_by_name": ""},
    StoryAnswer: {"answer": ""},
    QuestionnaireResponse: {"entered_by_name": ""},
    QuestionnaireAnswer: {"value": None, "text": ""},
    Interview: {"notes": "", "interviewer_name": "", "scheduled_for": None},
    # Who recorded it is never blank on a whole record, so a blanked copy is told from
    # one removed by hand.
    Progression: {"notes": "", "ended_on": None, "recorded_by_name": ""},
}


def is_blanked(
    model: type[SyncedRecord], values: Mapping[str, Any], deleted_at: datetime | None
) -> bool:
    """Whether these values are what a redaction leaves (only research data can be)."""
    blanks = REDACTED_FIELDS.get(model)
    return (
        blanks is not None
        and deleted_at is not None
        and all(values.get(name) == value for name, value in blanks.items())
    )


def record_is_blanked(record: SyncedRecord) -> bool:
    model = type(record)
    blanks = REDACTED_FIELDS.get(model, {})
    return is_blanked(model, {name: getattr(record, name) for name in blanks}, record.deleted_at)


def blanked(model: type[SyncedRecord]) -> Any:
    """The query condition for a blanked copy of ``model``'s records."""
    conditions = [
        getattr(model, name).is_(None) if value is None else getattr(model, name) == value
        for name, value in REDACTED_FIELDS[model].items()
    ]
    return and_(model.deleted_at.is_not(None), *conditions)
