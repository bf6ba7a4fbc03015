"""Taking a partner's records in: the same result at every site, whatever the order.

For each record the partner sent, against what this site holds:

- nothing here: it is added;
- the same version: nothing to do (a bundle taken in twice changes nothing);
- theirs was made on top of ours: it replaces ours (a fast-forward);
- ours was made on top of theirs: ours stays (an older bundle never rolls a record back);
- otherwise both sites changed it: the higher version wins (its hybrid-logical-clock
  time, then its site, so every site picks the same one), and the other is kept in
  the conflict list. A consent withdrawal is never lost to such a clash: it is kept
  on the winning version.

Redactions remove a person's research data without sending anything back.
"""

from __future__ import annotations

import json
import uuid
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from lt_desktop.storage.clock import HybridLogicalClock
from lt_desktop.storage.database import INCLUDE_DELETED
from lt_desktop.storage.models import (
    Consent,
    Interview,
    QuestionnaireAnswer,
    QuestionnaireResponse,
    Story,
    StoryAnswer,
    SyncConflict,
    SyncedRecord,
    utc_now,
)
from lt_desktop.sync.records import (
    Incoming,
    PayloadInvalid,
    Redaction,
    encode,
    field_columns,
    synced_models,
)

#: What a redaction blanks in each kind of research record (links stay, as tombstones).
REDACTED_FIELDS: dict[type[SyncedRecord], dict[str, Any]] = {
    Story: {"text": "", "written_on": None, "transcribed_by_name": ""},
    StoryAnswer: {"answer": ""},
    QuestionnaireResponse: {"entered_by_name": ""},
    QuestionnaireAnswer: {"value": None, "text": ""},
    Interview: {"notes": "", "interviewer_name": "", "scheduled_for": None},
}


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
    missing_links: Counter[str] = field(default_factory=Counter)
    conflicts: list[ConflictNote] = field(default_factory=list)

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


class Merger:
    """Applies one bundle's records inside the caller's transaction."""

    def __init__(
        self,
        session: Session,
        *,
        clock: HybridLogicalClock,
        partner_site_id: uuid.UUID,
        flush_every: int = 1000,
    ) -> None:
        self.session = session
        self.clock = clock
        self.partner_site_id = partner_site_id
        self.summary = MergeSummary()
        self._flush_every = flush_every
        self._pending = 0
        self._known: dict[str, set[uuid.UUID]] = {}
        # Versions are the partner's; this site only counts the change.
        session.info["keep_versions"] = True
        # Links are checked here, record by record; the database checks them all again
        # at commit, so rows can be written in any order in between.
        session.connection().exec_driver_sql("PRAGMA defer_foreign_keys = ON")

    def apply_all(self, items: Iterable[Incoming | Redaction]) -> MergeSummary:
        for item in items:
            if isinstance(item, Redaction):
                self._redact(item)
            else:
                self._apply(item)
            self._pending += 1
            if self._pending >= self._flush_every:
                self.session.flush()
                self.session.expunge_all()
                self._pending = 0
        self.session.flush()
        return self.summary

    # -- one record ----------------------------------------------------------------------

    def _apply(self, incoming: Incoming) -> None:
        model = synced_models()[incoming.table]
        self.clock.observe(incoming.version)
        with self.session.no_autoflush:
            local = self.session.get(model, incoming.id, execution_options={INCLUDE_DELETED: True})
        if local is None:
            if not self._links_exist(model, incoming):
                self.summary.missing_links[incoming.table] += 1
                return
            record = model(id=incoming.id)
            self._copy(incoming, record)
            self.session.add(record)
            self._known.setdefault(incoming.table, set()).add(incoming.id)
            self.summary.added[incoming.table] += 1
        elif local.version == incoming.version:
            self.summary.unchanged += 1
        elif incoming.previous_version == local.version:
            self._copy(incoming, local)
            self.summary.updated[incoming.table] += 1
        elif local.previous_version == incoming.version:
            self.summary.kept_ours += 1
        else:
            self._clash(model, local, incoming)

    def _clash(self, model: type[SyncedRecord], local: SyncedRecord, incoming: Incoming) -> None:
        theirs_wins = incoming.version > local.version
        if theirs_wins:
            lost_version, lost_values = local.version, encode(local).decode()
        else:
            lost_version = incoming.version
            lost_values = json.dumps(
                {k: _plain(v) for k, v in incoming.fields.items()}, ensure_ascii=False
            )
        withdrawn = self._withdrawal_to_keep(local, incoming) if model is Consent else None
        if theirs_wins:
            self._copy(incoming, local)
            self.summary.updated[incoming.table] += 1
        winner_version = local.version
        if withdrawn is not None and isinstance(local, Consent):
            local.withdrawn_on, local.withdrawal_recorded_by_name = withdrawn
            # A new version, so the kept withdrawal travels on to every site.
            local.previous_version, local.version = winner_version, self.clock.tick()
            local.updated_at = utc_now()
        self.session.add(
            SyncConflict(
                table_name=incoming.table,
                record_id=incoming.id,
                kept_version=winner_version,
                lost_version=lost_version,
                lost_values=lost_values,
                kept_from="partner" if theirs_wins else "this site",
                partner_site_id=self.partner_site_id,
            )
        )
        self.summary.conflicts.append(
            ConflictNote(incoming.table, incoming.id, "partner" if theirs_wins else "this site")
        )

    @staticmethod
    def _withdrawal_to_keep(local: SyncedRecord, incoming: Incoming) -> tuple[Any, str] | None:
        """The earlier withdrawal of the two, when the winning side would lose it."""
        assert isinstance(local, Consent)
        ours: tuple[date | None, str] = (local.withdrawn_on, local.withdrawal_recorded_by_name)
        theirs: tuple[date | None, str] = (
            incoming.fields.get("withdrawn_on"),
            incoming.fields.get("withdrawal_recorded_by_name", ""),
        )
        withdrawals = [(when, who) for when, who in (ours, theirs) if when is not None]
        if not withdrawals:
            return None
        earliest = min(withdrawals, key=lambda w: w[0])
        winner = theirs if incoming.version > local.version else ours
        return None if winner[0] == earliest[0] else earliest

    def _redact(self, redaction: Redaction) -> None:
        model = synced_models()[redaction.table]
        if model not in REDACTED_FIELDS:
            raise PayloadInvalid("The bundle asks to remove records that are not research data.")
        with self.session.no_autoflush:
            local = self.session.get(model, redaction.id, execution_options={INCLUDE_DELETED: True})
        if local is None:
            return
        already = local.deleted_at is not None and all(
            getattr(local, name) == value for name, value in REDACTED_FIELDS[model].items()
        )
        if already:
            return
        for name, value in REDACTED_FIELDS[model].items():
            setattr(local, name, value)
        local.deleted_at = local.deleted_at or utc_now()
        self.summary.redacted[redaction.table] += 1

    # -- helpers ---------------------------------------------------------------------------

    @staticmethod
    def _copy(incoming: Incoming, record: SyncedRecord) -> None:
        for name, value in incoming.fields.items():
            setattr(record, name, value)
        record.version = incoming.version
        record.previous_version = incoming.previous_version
        record.origin_site_id = incoming.origin_site_id
        record.created_at = incoming.created_at
        record.updated_at = incoming.updated_at
        record.deleted_at = incoming.deleted_at

    def _links_exist(self, model: type[SyncedRecord], incoming: Incoming) -> bool:
        for column in field_columns(model):
            for foreign_key in column.foreign_keys:
                target = incoming.fields.get(column.key)
                if target is None:
                    continue
                table = foreign_key.column.table.name
                if target in self._known.get(table, set()):
                    continue
                target_model = synced_models().get(table)
                if target_model is None:
                    return False
                found = self.session.scalar(
                    select(target_model.id)
                    .where(target_model.id == target)
                    .execution_options(**{INCLUDE_DELETED: True})
                )
                if found is None:
                    return False
                self._known.setdefault(table, set()).add(target)
        return True


def _plain(value: Any) -> Any:
    if isinstance(value, uuid.UUID):
        return value.hex
    if hasattr(value, "isoformat"):
        return value.isoformat()
    if hasattr(value, "value"):
        return value.value
    if isinstance(value, bytes):
        return f"<{len(value)} bytes>"
    return value
