"""The personal data a store holds, read from the store itself, to search other files for.

Names are searched for as whole words and case-sensitively, since a log or a report is
plain text where a family name such as "Green" could otherwise match inside another
word. Longer strings (whole names, prison numbers, the opening words of essays and
stories, notes) are searched for anywhere, in UTF-8 and UTF-16, so they can be looked for
in binary files too without matching random bytes by chance.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import select

from lt_desktop.core.workspace import Workspace
from lt_desktop.storage import models as m

#: Long enough that random (encrypted) bytes do not hold it by chance.
SNIPPET = 40
#: What people write, or others write about them, besides names and prison details.
WRITTEN_BY_OR_ABOUT_PEOPLE: dict[type[m.Base], tuple[str, ...]] = {
    m.Essay: ("text", "extension_note"),
    m.EssayMark: ("feedback",),
    m.AttendanceMark: ("note",),
    m.Membership: ("notes",),
    m.Application: ("motivation_statement", "availability", "adjustments", "decision_reason"),
    m.ApplicationScore: ("notes",),
    m.Consent: ("notes",),
    m.Story: ("text",),
    m.StoryAnswer: ("answer",),
    m.QuestionnaireAnswer: ("text",),
    m.Interview: ("notes",),
}


@dataclass(frozen=True)
class PersonalData:
    names: frozenset[str]  # given, family and preferred names, each on its own
    phrases: frozenset[str]  # whole names, prison numbers, opening words of what people wrote

    def found_in_text(self, text: str) -> list[str]:
        """Every name or phrase in ``text``."""
        hits = [phrase for phrase in self.phrases if phrase in text]
        words = set(re.findall(r"[^\W\d_][\w'’-]*", text))
        hits += sorted(name for name in self.names if name in words)
        return sorted(hits)

    def found_in_bytes(self, data: bytes) -> list[str]:
        """Every phrase in ``data`` (names alone are too short to search bytes for)."""
        return sorted(
            phrase
            for phrase in self.phrases
            if any(phrase.encode(codec) in data for codec in ("utf-8", "utf-16-le", "utf-16-be"))
        )

    def sample(self, count: int) -> PersonalData:
        """A few of the phrases, for searching many megabytes quickly."""
        numbers = sorted(p for p in self.phrases if _looks_like_prison_number(p))
        others = sorted(p for p in self.phrases if not _looks_like_prison_number(p))
        chosen = numbers[: count // 3] + others[: count - count // 3]
        return PersonalData(frozenset(), frozenset(chosen))


def personal_data(workspace: Workspace) -> PersonalData:
    """What in ``workspace``'s store is about, or by, a person."""
    names: set[str] = set()
    phrases: set[str] = set()
    with workspace.store.read() as session:
        for person in session.scalars(select(m.Person)):
            for name in (person.given_name, person.family_name, person.preferred_name):
                if len(name) >= 3:
                    names.add(name)
            phrases.add(f"{person.given_name} {person.family_name}")
            phrases.add(f"{person.family_name}, {person.given_name}")
            phrases.update(_snippets(person.notes, person.email))
        for details in session.scalars(select(m.PrisonDetails)):
            phrases.update(_snippets(details.prison_number, details.security_notes))
        for user in session.scalars(select(m.User)):
            phrases.update(_snippets(user.display_name))
        for guest in session.scalars(select(m.GraduationGuest)):
            phrases.update(_snippets(guest.name, guest.notes))
        for model, columns in WRITTEN_BY_OR_ABOUT_PEOPLE.items():
            for row in session.execute(select(*(getattr(model, c) for c in columns))):
                phrases.update(_snippets(*row))
    return PersonalData(frozenset(names), frozenset(p for p in phrases if len(p) >= 7))


def hits_in_folder(folder: Path, data: PersonalData) -> list[tuple[str, str]]:
    """(file, phrase) for every phrase found in any file under ``folder``."""
    hits = []
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        for phrase in data.found_in_bytes(path.read_bytes()):
            hits.append((str(path.relative_to(folder)), phrase))
    return hits


def _snippets(*texts: str) -> list[str]:
    return [text.strip()[:SNIPPET] for text in texts if text and text.strip()]


def _looks_like_prison_number(text: str) -> bool:
    return re.fullmatch(r"[A-Z]\d{4}[A-Z]{2}", text) is not None
