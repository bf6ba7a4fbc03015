"""What an export or an import did, and how to say it in a sentence.

``ExportResult`` and ``ImportResult`` are handed back by ``exchange`` to the service
layer, which records them and shows ``ImportResult.describe`` to the person.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from lt_desktop.sync.bundle import BundleHeader, BundleInfo
from lt_desktop.sync.incoming import MergeSummary

#: What a record that shares a code is called: one, more than one, and its code.
_CODE_WORDS = {
    "certificates": ("certificate", "certificates", "serial number"),
    "essays": ("essay", "essays", "candidate number"),
    "people": ("person", "people", "research ID"),
}


@dataclass(frozen=True)
class ExportResult:
    info: BundleInfo
    partner: str
    sequence: int
    snapshot: bool
    records: dict[str, int]
    redactions: int

    @property
    def total(self) -> int:
        return sum(self.records.values()) + self.redactions


@dataclass
class ImportResult:
    header: BundleHeader
    sender: str
    digest: str
    already_imported: bool = False
    dry_run: bool = False
    summary: MergeSummary = field(default_factory=MergeSummary)
    missing_sequences: tuple[int, int] | None = None
    #: Records taken in that hold a code (a research ID, a candidate number, a
    #: serial) that a different record here holds too, by table: kept apart.
    shared_codes: Counter[str] = field(default_factory=Counter)
    #: This site's changes replaced where a clash was settled elsewhere, in words
    #: (filled in by the service, which knows what the user may see).
    replaced_words: list[str] = field(default_factory=list)
    #: What the bundle's audit witness shows: a log that no longer extends what was
    #: witnessed, the sender's or this site's (``witness``).
    audit_problems: list[str] = field(default_factory=list)
    #: The research ids of people another site erased whose records this site erased
    #: too, and how many records that took.
    erased_people: list[str] = field(default_factory=list)
    erased_records: int = 0
    #: Records about people erased before that the bundle brought, erased again.
    erased_again: int = 0

    def describe(self) -> str:
        if self.already_imported:
            return (
                f"This bundle from {self.sender} (number {self.header.sequence}) was "
                "imported before; nothing changed."
            )
        s = self.summary
        verb = "would" if self.dry_run else "did"
        parts = [
            f"{sum(s.added.values())} new",
            f"{sum(s.updated.values())} updated",
            f"{s.unchanged + s.kept_ours} already up to date",
        ]
        if s.redacted:
            parts.append(f"{sum(s.redacted.values())} removed after consent was withdrawn")
        if s.conflicts:
            parts.append(f"{len(s.conflicts)} changed at both sites (see the conflict list)")
        for table, count in sorted(self.shared_codes.items()):
            one, many, code = _CODE_WORDS.get(table, (table, table, "code"))
            parts.append(
                f"{count} {one if count == 1 else many} whose {code} a different {one} "
                "here has too (both kept)"
            )
        if s.replaced and not self.replaced_words:
            parts.append(
                f"{len(s.replaced)} of this site's changes replaced where a clash was settled "
                "at another site (see the conflict list)"
            )
        if self.erased_records:
            people = len(self.erased_people)
            whom = f" of {people} {'person' if people == 1 else 'people'}" if people else ""
            parts.append(f"{self.erased_records} records{whom} erased here as another site asked")
        if self.erased_again:
            parts.append(f"{self.erased_again} about people erased before, erased again")
        if s.released:
            parts.append(f"{s.released} that were waiting for records now here")
        if s.missing_links:
            parts.append(
                f"{sum(s.missing_links.values())} kept waiting for records they name that "
                "are not here yet (taken in when those arrive)"
            )
        text = (
            f"Bundle {self.header.sequence} from {self.sender}: "
            f"{'this import ' + verb + ' bring' if self.dry_run else 'imported'}: "
            + ", ".join(parts)
            + "."
        )
        if self.missing_sequences is not None:
            first, last = self.missing_sequences
            which = f"{first}" if first == last else f"{first} to {last}"
            text += f" Bundle {which} from {self.sender} has not been imported yet."
        for words in self.replaced_words:
            text += f" {words}"
        for problem in self.audit_problems:
            text += f" Warning: {problem}"
        return text
