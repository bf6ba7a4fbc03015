"""The tables of the Essays screen: the coordinator's essays and a marker's own list."""

from __future__ import annotations

from lt_desktop.core.services.essays import EssayRow
from lt_desktop.core.services.marking import MarkingTask
from lt_desktop.domain.vocabulary import MarkPosition
from lt_desktop.ui.models import Column, RecordTableModel
from lt_desktop.ui.screens.essays.parts import mark_of, score_text


def essays_model() -> RecordTableModel[EssayRow]:
    """A cohort's essays, with both marks and where each stands."""
    return RecordTableModel[EssayRow](
        [
            Column("Candidate", lambda e: e.candidate_number),
            Column("Student", lambda e: e.student_name),
            Column("Title", lambda e: e.title),
            Column("Words", lambda e: f"{e.word_count:,}", align_right=True),
            Column(
                "Handed in",
                lambda e: f"{e.submitted_on:%d %b}" if e.submitted_on else "",
            ),
            Column("Scans", lambda e: str(e.scans) if e.scans else "", align_right=True),
            Column("First", lambda e: score_text(mark_of(e, MarkPosition.FIRST))),
            Column("Second", lambda e: score_text(mark_of(e, MarkPosition.SECOND))),
            Column("Status", lambda e: e.status),
        ]
    )


def tasks_model() -> RecordTableModel[MarkingTask]:
    """The essays allocated to a marker, by candidate number only."""
    return RecordTableModel[MarkingTask](
        [
            Column("Candidate", lambda t: t.candidate_number),
            Column("Your mark", lambda t: score_text(t.my_score), align_right=True),
            Column("Words", lambda t: f"{t.word_count:,}", align_right=True),
            Column("Title", lambda t: t.title),
        ]
    )
