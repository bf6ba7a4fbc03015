"""Names taken out of free text before it leaves the app for research.

Stories, answers and other free text name people: fellow students, mentors, staff.
`NameScrubber` knows every name the store holds (given, family and preferred names of
every person, alone and as full names) and replaces each in a text with ``[name]``, or
with the writer's own research id where the name is theirs, so a researcher can still
tell "I" from "someone else".

Matching is whole words only, case-insensitive, longest name first (so "Mary Ann
Jones" goes as one, not as "Mary", "Ann" and "Jones"). Names under three letters
("Al", "Jo", "Li") are skipped: they are also common words and parts of words, and
replacing them would blank out ordinary text; the researcher's codebook says so.
A name that two people share counts as the writer's own when the writer has it.

Names kept as one line of text (an account's name, an interviewer's, a graduation
guest's) go in with `names_in`: the whole name, and each capitalised word of it but
the words of a job or role ("Demo Administrator", "Marker A") that are not names.

The same scrubber serves a person's own copy of their data (an access request): there
the writer's own names stay as they are and everyone else's become
``[another participant]`` (``replacement`` and ``keep_writer``).
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence

REPLACEMENT = "[name]"
SHORTEST_NAME = 3


def names_of(given: str, family: str, preferred: str = "") -> list[str]:
    """Every form a person's name may take in a text: each name alone and the full names."""
    given, family, preferred = given.strip(), family.strip(), preferred.strip()
    forms = [given, family, preferred]
    forms += [f"{first} {family}" for first in (given, preferred) if first and family]
    forms += given.split() + family.split() + preferred.split()
    return [form for form in forms if form]


#: Words of the one-line names accounts and records are given that are not anyone's
#: name: replaced only as part of the whole name, never alone.
NOT_NAMES = frozenset(
    {
        "admin",
        "administrator",
        "assessor",
        "coordinator",
        "demo",
        "education",
        "facilitator",
        "lecturer",
        "marker",
        "mentor",
        "moderation",
        "moderator",
        "officer",
        "prison",
        "researcher",
        "staff",
        "student",
        "team",
        "the",
        "university",
    }
)


def names_in(name: str) -> list[str]:
    """Every form a one-line name may take in a text: the whole of it, and each word
    that starts with a capital and is not a role word (`NOT_NAMES`)."""
    whole = " ".join(name.split())
    words = [
        word.strip(".,'()")
        for word in whole.split()
        if word[:1].isupper() and word.strip(".,'()").casefold() not in NOT_NAMES
    ]
    return [form for form in [whole, *words] if form]


class NameScrubber:
    """Replaces every known name in a text; built once per export."""

    def __init__(
        self,
        people: Mapping[str, Sequence[str]],
        *,
        replacement: str = REPLACEMENT,
        keep_writer: bool = False,
    ) -> None:
        """``people`` maps each person's research id to the names they go by.

        Other people's names become ``replacement``; the writer's own become their
        research id, or stay as written with ``keep_writer``."""
        self._replacement, self._keep_writer = replacement, keep_writer
        self._owners: dict[str, set[str]] = defaultdict(set)
        forms: set[str] = set()
        for research_id, names in people.items():
            for name in names:
                cleaned = " ".join(name.split())
                if len(cleaned) >= SHORTEST_NAME:
                    self._owners[cleaned.casefold()].add(research_id)
                    forms |= {cleaned, cleaned.casefold()}
        ordered = sorted(forms, key=lambda n: (-len(n), n))
        self._pattern = (
            re.compile(
                r"(?<!\w)(" + "|".join(_flexible(n) for n in ordered) + r")(?!\w)",
                re.IGNORECASE,
            )
            if ordered
            else None
        )

    def scrub(self, text: str, *, writer: str | None = None) -> str:
        """``text`` with every known name replaced; the writer's own names (by research
        id) become their research id (or stay, with ``keep_writer``), everyone else's
        the replacement (``[name]`` unless told otherwise)."""
        if not text or self._pattern is None:
            return text

        def replace(match: re.Match[str]) -> str:
            owners = self._owners.get(" ".join(match.group(0).split()).casefold(), set())
            if writer is not None and writer in owners:
                return match.group(0) if self._keep_writer else writer
            return self._replacement

        return self._pattern.sub(replace, text)

    def scrub_all(self, texts: Iterable[str], *, writer: str | None = None) -> list[str]:
        return [self.scrub(text, writer=writer) for text in texts]


def _flexible(name: str) -> str:
    """A name as a pattern: any run of spaces may stand between its words."""
    return r"\s+".join(re.escape(word) for word in name.split())
