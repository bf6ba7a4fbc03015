"""What taking a bundle in did, counted: the summary an import reports (``incoming``)."""

from __future__ import annotations

import uuid
from collections import Counter
from dataclasses import dataclass, field


@dataclass(frozen=True)
class ConflictNote:
    table: str
    record_id: uuid.UUID
    kept: str  # "this site" or "partner"


@dataclass
class MergeSummary:
    added: Counter[str] = field(default_factory=Counter)
    updated: Counter[str] = field(default_factory=Counter)
    unchanged: int = 0
    kept_ours: int = 0
    redacted: Counter[str] = field(default_factory=Counter)
    #: Records of this bundle that name one not here yet: kept, waiting for it.
    missing_links: Counter[str] = field(default_factory=Counter)
    #: Records that were waiting (from this bundle or earlier ones) taken in now.
    released: int = 0
    #: Records still waiting once the import is done.
    still_waiting: int = 0
    conflicts: list[ConflictNote] = field(default_factory=list)
    #: Clashes listed here that were settled at another site, where this site's own
    #: change gave way (the conflict list's ids): the user is told.
    replaced: list[uuid.UUID] = field(default_factory=list)

    @property
    def records(self) -> int:
        return (
            sum(self.added.values())
            + sum(self.updated.values())
            + self.unchanged
            + self.kept_ours
            + sum(self.missing_links.values())
            + len(self.conflicts)
            - sum(1 for c in self.conflicts if c.kept == "partner")
        )

    @property
    def changes(self) -> int:
        return sum(self.added.values()) + sum(self.updated.values()) + sum(self.redacted.values())
