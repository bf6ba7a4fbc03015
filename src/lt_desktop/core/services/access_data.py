"""What an access request gathers: everything held about one person, section by section.

The records come from the erasure's own list (``erasure.ERASED``, found from the person
down their links), so "everything held" means the same thing to an access request as
to an erasure. Each section is a list of rows with named columns: the PDF, the JSON
and the CSV files are all made from it.

Left out on purpose: who recorded, transcribed, entered, assessed or marked anything
(those are other people), a first or second mark and the markers' names (the double-
blind rules keep them, and only an agreed mark is the person's result), the names of
the guests they invited (other people), and prison-only details unless this is the
prison's site and the account may see them.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from lt_desktop.core.name_scrubbing import NameScrubber, names_in
from lt_desktop.core.services.erasure import ERASED, load_records, records_about
from lt_desktop.core.services.known_names import names_in_a_line, people_names
from lt_desktop.storage.models import (
    Attachment,
    ClassSession,
    Cohort,
    Person,
)

#: Other people's names in free text become this.
ANOTHER_PARTICIPANT = "[another participant]"

Value = str | int | float | bool | date | datetime | None


@dataclass(frozen=True)
class Section:
    """One part of the export: its name in files (``key``), its heading, and its rows.

    ``table``: short rows, laid out as a grid in the PDF; otherwise each row is a block
    of labelled lines, for rows that hold long text."""

    key: str
    title: str
    columns: tuple[tuple[str, str], ...]  # (key, label)
    rows: tuple[tuple[Value, ...], ...]
    table: bool = False
    #: A line under the heading saying what is left out, and why.
    note: str = ""

    def records(self) -> list[dict[str, Value]]:
        return [dict(zip((k for k, _ in self.columns), row, strict=True)) for row in self.rows]


@dataclass(frozen=True)
class PersonData:
    """Everything held about one person, as their access request shows it."""

    name: str
    research_id: str
    made_on: date
    sections: tuple[Section, ...]

    def section(self, key: str) -> Section:
        return next(s for s in self.sections if s.key == key)


#: Where each kind the erasure removes appears in an access export (a test holds every
#: kind of ``ERASED`` to a place here).
SHOWN_IN = {
    "person record": "record",
    "prison-only details": "prison_details",
    "cohort places": "journey",
    "changes of status": "status_changes",
    "small-group places": "journey",
    "register marks": "attendance",
    "essays": "essays",
    "essay scans": "essays",
    "marks on their essays": "essays",
    "stories": "stories",
    "answers to story questions": "story_answers",
    "questionnaire responses": "questionnaires",
    "questionnaire answers": "questionnaires",
    "interviews": "interviews",
    "interview files": "interviews",
    "consents": "consents",
    "applications": "applications",
    "application scores": "application_scores",
    "application files": "applications",
    "guests they invited": "guests",
    "certificates (serials kept as issued and void)": "certificates",
    "steps after the course": "after_course",
    "mentor invitations": "mentoring",
    "mentor training": "training",
    "facilitator training": "training",
    "transfers": "transfers",
    "merges of duplicate records": "record",
}

#: Columns that hold the person's own names or a code, never another's name.
_OWN_COLUMNS = frozenset({"given_name", "family_name", "preferred_name", "email", "research_id"})


class GathererBase:
    """What every section is made with: the person's records by kind, the scrubber,
    and cohorts named as people know them."""

    def __init__(self, session: Session, person: Person, *, prison_details: bool) -> None:
        self.session, self.person, self.with_prison = session, person, prison_details
        self.ids = dict(
            zip(
                (words for _, words, *_ in ERASED),
                (ids for _, ids in records_about(session, person.id, include_deleted=False)),
                strict=True,
            )
        )
        self._scrubber = _scrubber(session, person)
        self._cohorts: dict[uuid.UUID, Cohort] = {}

    def load(self, words: str) -> list[Any]:
        model = next(model for model, w, *_ in ERASED if w == words)
        return load_records(self.session, model, self.ids[words], include_deleted=False)

    def scrub(self, value: Value) -> Value:
        if isinstance(value, str):
            return self._scrubber.scrub(value, writer=self.person.research_id)
        return value

    def cohort(self, cohort_id: uuid.UUID | None) -> str:
        if cohort_id is None:
            return ""
        if cohort_id not in self._cohorts:
            found = self.session.get(Cohort, cohort_id)
            if found is None:
                return ""
            self._cohorts[cohort_id] = found
        cohort = self._cohorts[cohort_id]
        return f"{cohort.course.title}: {cohort.name}"

    def section(
        self,
        key: str,
        title: str,
        columns: Sequence[tuple[str, str]],
        rows: Iterable[Sequence[Value]],
        *,
        table: bool = False,
        note: str = "",
    ) -> Section:
        scrubbed = tuple(
            tuple(
                value if name in _OWN_COLUMNS else self.scrub(value)
                for (name, _), value in zip(columns, row, strict=True)
            )
            for row in rows
        )
        return Section(key, title, tuple(columns), scrubbed, table, note)

    def sessions(self, ids: Iterable[uuid.UUID]) -> dict[uuid.UUID, ClassSession]:
        return {
            s.id: s
            for s in self.session.scalars(select(ClassSession).where(ClassSession.id.in_(set(ids))))
        }

    def attachments(self, words: str) -> list[Attachment]:
        return sorted(self.load(words), key=lambda a: a.filename)


def percent(rate: float | None) -> float | None:
    return None if rate is None else round(100 * rate, 1)


def _scrubber(session: Session, person: Person) -> NameScrubber:
    """Every name the store holds, the person's own kept as written: other people,
    accounts, guests, and the names kept beside records (markers, assessors, those who
    recorded or transcribed something), whole."""
    people = people_names(session)
    others = names_in_a_line(session)
    # The whole name and each word of it that is a name (a marker's surname alone in
    # feedback, say), but the words of a role ("Demo Administrator") and the person's
    # own names, which stay in their own copy.
    own = {n.casefold() for n in people.get(person.research_id, [])}
    for n, name in enumerate(sorted(others)):
        forms = [form for form in names_in(name) if form.casefold() not in own]
        if forms:
            people[f"-other-{n}"] = forms
    return NameScrubber(people, replacement=ANOTHER_PARTICIPANT, keep_writer=True)


__all__ = [
    "ANOTHER_PARTICIPANT",
    "SHOWN_IN",
    "GathererBase",
    "PersonData",
    "Section",
    "Value",
    "percent",
]
