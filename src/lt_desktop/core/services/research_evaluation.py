"""The end-of-course evaluation in the research export: reflective interviews and their
transcripts, the group sense-making meetings, and marked essays.

Interviews go out with interview consent, essays with consent to use the essay for
research and only once the mark is agreed (never a candidate number, a marker or
their feedback); sense-making notes belong to no one person and carry no research id,
only how many of each base took part. Free text passes through the export's
`NameScrubber` before anything is returned.
"""

from __future__ import annotations

import uuid
from collections import Counter, defaultdict
from dataclasses import dataclass, field

from sqlalchemy import select

from lt_desktop.core.services.research_sources import BASE_COLUMN, Reading, Table
from lt_desktop.domain.vocabulary import (
    ATTENDED_STATUSES,
    ConsentScope,
    MarkPosition,
    PersonBase,
    SessionKind,
)
from lt_desktop.storage.models import (
    Attachment,
    AttendanceMark,
    ClassSession,
    Essay,
    EssayMark,
    Interview,
    Membership,
    Person,
)

TRANSCRIPTS_FOLDER = "transcripts"

INTERVIEWS_HEADER: list[object] = [
    "research_id",
    BASE_COLUMN,
    "cohort",
    "interview",
    "status",
    "held_on",
    "notes",
    "transcript_files",
    "files_not_exported",
]
SENSE_MAKING_HEADER: list[object] = [
    "cohort",
    "meeting",
    "held_on",
    *(f"attended_{base.value}_based" for base in PersonBase),
    "notes",
]
ESSAYS_HEADER: list[object] = [
    "research_id",
    BASE_COLUMN,
    "cohort",
    "title",
    "word_count",
    "submitted_on",
    "agreed_mark",
    "essay",
]


@dataclass
class InterviewTables:
    interviews: Table
    #: Each transcript written as its own file: its path under the export folder, its text.
    transcripts: dict[str, str] = field(default_factory=dict)


def transcript_text(data: bytes) -> str | None:
    """A transcript's text, if it is text in UTF-8; None for audio, scans and the like."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return None
    if any(not (c.isprintable() or c in "\r\n\t\f") for c in text):
        return None
    return text


def interviews(reading: Reading) -> InterviewTables:
    """One row per interview of a person whose consent covers interviews; a text
    transcript as its own file, named after the interview, with names taken out."""
    session, scrub = reading.session, reading.scrubber
    query = (
        select(Interview, Person)
        .join(Person, Person.id == Interview.person_id)
        .order_by(Person.research_id, Interview.scheduled_for, Interview.created_at)
    )
    if reading.cohort_ids is not None:
        query = query.where(Interview.cohort_id.in_(reading.cohort_ids))
    files: dict[uuid.UUID, list[Attachment]] = defaultdict(list)
    for attachment in session.scalars(
        select(Attachment)
        .where(Attachment.interview_id.is_not(None))
        .order_by(Attachment.created_at, Attachment.filename)
    ):
        assert attachment.interview_id is not None
        files[attachment.interview_id].append(attachment)
    tables = InterviewTables([list(INTERVIEWS_HEADER)])
    numbered: Counter[str] = Counter()
    for interview, person in session.execute(query).all():
        if not reading.allowed.allows(person.id, ConsentScope.INTERVIEW):
            continue
        writer = person.research_id
        numbered[writer] += 1
        label = f"{writer}-{numbered[writer]}"
        written: list[str] = []
        held: list[str] = []
        for attachment in files.get(interview.id, []):
            text = transcript_text(attachment.data)
            if text is None:
                held.append(f"{attachment.media_type or 'file'}, {attachment.size:,} bytes")
                continue
            name = f"{TRANSCRIPTS_FOLDER}/{label}" + (f"-{len(written) + 1}" if written else "")
            name += ".txt"
            tables.transcripts[name] = scrub.scrub(text, writer=writer)
            written.append(name)
        held_on = (
            interview.scheduled_for.astimezone().date()
            if interview.scheduled_for is not None
            else None
        )
        shifted = reading.shift.person_date(writer, held_on)
        tables.interviews.append(
            [
                writer,
                person.base.value,
                reading.labels[interview.cohort_id],
                label,
                interview.status.value,
                "" if shifted is None else shifted.isoformat(),
                scrub.scrub(interview.notes, writer=writer),
                "; ".join(written),
                _held_in_words(held),
            ]
        )
    return tables


def _held_in_words(held: list[str]) -> str:
    if not held:
        return ""
    files = "a file" if len(held) == 1 else f"{len(held)} files"
    return f"{files} ({'; '.join(held)}) held in the store, not exported"


def sense_making(reading: Reading) -> Table:
    """Each sense-making meeting of the chosen cohorts: its notes with every name taken
    out, and how many of each base attended. No person is named or numbered."""
    session = reading.session
    query = (
        select(ClassSession)
        .where(ClassSession.kind == SessionKind.SENSE_MAKING)
        .order_by(ClassSession.cohort_id, ClassSession.held_on, ClassSession.week)
    )
    if reading.cohort_ids is not None:
        query = query.where(ClassSession.cohort_id.in_(reading.cohort_ids))
    meetings = session.scalars(query).all()
    attended: dict[uuid.UUID, Counter[PersonBase]] = defaultdict(Counter)
    for session_id, base in session.execute(
        select(AttendanceMark.session_id, Person.base)
        .join(Person, Person.id == AttendanceMark.person_id)
        .where(
            AttendanceMark.session_id.in_([m.id for m in meetings]),
            AttendanceMark.status.in_(ATTENDED_STATUSES),
        )
    ):
        attended[session_id][base] += 1
    rows: Table = [list(SENSE_MAKING_HEADER)]
    numbered: Counter[uuid.UUID] = Counter()
    for meeting in meetings:
        numbered[meeting.cohort_id] += 1
        held_on = reading.shift.cohort_date(meeting.cohort_id, meeting.held_on)
        rows.append(
            [
                reading.labels[meeting.cohort_id],
                numbered[meeting.cohort_id],
                "" if held_on is None else held_on.isoformat(),
                *(attended[meeting.id][base] for base in PersonBase),
                reading.scrubber.scrub(meeting.notes),
            ]
        )
    return rows


def essays(reading: Reading) -> Table:
    """Each essay whose mark is agreed, of a student whose consent covers research use
    of their essay: its title and text with names taken out, its length and the mark."""
    session, scrub = reading.session, reading.scrubber
    agreed = dict(
        session.execute(
            select(EssayMark.essay_id, EssayMark.score).where(
                EssayMark.position == MarkPosition.AGREED, EssayMark.score.is_not(None)
            )
        ).all()
    )
    query = (
        select(Essay, Membership, Person)
        .join(Membership, Membership.id == Essay.membership_id)
        .join(Person, Person.id == Membership.person_id)
        .order_by(Membership.cohort_id, Person.research_id)
    )
    if reading.cohort_ids is not None:
        query = query.where(Membership.cohort_id.in_(reading.cohort_ids))
    rows: Table = [list(ESSAYS_HEADER)]
    for essay, membership, person in session.execute(query).all():
        mark = agreed.get(essay.id)
        if mark is None or not reading.allowed.allows(person.id, ConsentScope.ESSAY_RESEARCH):
            continue
        writer = person.research_id
        submitted = reading.shift.person_date(writer, essay.submitted_on)
        rows.append(
            [
                writer,
                person.base.value,
                reading.labels[membership.cohort_id],
                scrub.scrub(essay.title, writer=writer),
                essay.word_count,
                "" if submitted is None else submitted.isoformat(),
                f"{mark:g}",
                scrub.scrub(essay.text, writer=writer),
            ]
        )
    return rows
