"""Taking a partner's records in: the same result at every site, whatever the order.

For each record the partner sent, against what this site holds:

- nothing here: it is added, unless this site holds the same thing under another id
  (one register mark, one story: see ``merges``), when the two are merged;
- the same version: nothing to do (a bundle taken in twice changes nothing), except
  that a copy blanked here when consent was withdrawn is put back whole;
- theirs was made on top of ours, however many edits or sites lie in between (its
  ancestry holds ours): it replaces ours (a fast-forward);
- ours was made on top of theirs: ours stays (an older bundle never rolls a record back);
- otherwise both sites changed it: the higher version wins (its hybrid-logical-clock
  time, then its site, so every site picks the same one), and the other is kept in
  the conflict list. A consent withdrawal is never lost to such a clash: it is kept
  on the winning version.

Redactions blank a person's research data without sending anything back; a site's
own records are never blanked by one, and a blanked copy never replaces a whole one.
"""

from __future__ import annotations

import json
import uuid
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import replace
from datetime import date
from functools import cache
from typing import Any, cast

from sqlalchemy import Table, delete, func, insert, select
from sqlalchemy.orm import Session

from lt_desktop.storage.ancestry import advanced, descends, parse
from lt_desktop.storage.clock import HybridLogicalClock
from lt_desktop.storage.database import INCLUDE_DELETED, next_change_seq
from lt_desktop.storage.models import (
    Consent,
    Person,
    SyncConflict,
    SyncedRecord,
    WaitingRecord,
    utc_now,
)
from lt_desktop.sync.authority import Authority, who_settles
from lt_desktop.sync.bulk import NotBulk, RowWriter
from lt_desktop.sync.merge_summary import ConflictNote, MergeSummary
from lt_desktop.sync.merges import Merges, find_twin, key_values, natural_keys, survives
from lt_desktop.sync.person_merges import PEOPLE, merge_people
from lt_desktop.sync.records import (
    Incoming,
    PayloadInvalid,
    Redaction,
    decode,
    encode,
    encode_incoming,
    field_columns,
    synced_models,
)
from lt_desktop.sync.redaction import REDACTED_FIELDS, is_blanked, record_is_blanked

__all__ = ["REDACTED_FIELDS", "ConflictNote", "MergeSummary", "Merger"]

#: Records are written out at least this often, and whenever the values waiting
#: reach ``FLUSH_BYTES`` (a couple of scans), so memory stays flat whatever the bundle.
FLUSH_EVERY = 1000
FLUSH_BYTES = 1024 * 1024
#: How many linked-to records are remembered as found, to spare a query per link.
FOUND_KEPT = 1024
#: Waiting records read at a time (one may hold a scan).
_WAITING_BATCH = 16
#: A person's data erased at some site (``sync.erasures``).
ERASURES = "erasures"
#: Two records of one person made one at the partner (``person_merges``).
PERSON_MERGES = "person_merges"


class Merger:
    """Applies one bundle's records inside the caller's transaction."""

    def __init__(
        self,
        session: Session,
        *,
        clock: HybridLogicalClock,
        partner_site_id: uuid.UUID,
        local_site_id: uuid.UUID,
        accepted: frozenset[str] | None = None,
        authority: Authority | None = None,
        flush_every: int = FLUSH_EVERY,
        flush_bytes: int = FLUSH_BYTES,
        bulk: bool = False,
    ) -> None:
        self.session = session
        # A snapshot into a store holding none of its records (see ``bulk``): nothing is
        # looked up for a record's own id, and anything but a new record ends the try.
        self.bulk = bulk
        self._writer = RowWriter(session)
        # The tables a site of the partner's kind sends one of ours (None: any).
        self.accepted = accepted
        # Who may write what a record is about (None: a site of this one's side).
        self._authority = authority
        self.clock = clock
        self.partner_site_id = partner_site_id
        self.local_site_id = local_site_id
        self.summary = MergeSummary()
        self._flush_every = flush_every
        self._flush_bytes = flush_bytes
        # What the current window's records are here, and which records they link to
        # exist, looked up for the whole window at once (see _prefetch).
        self._held: dict[uuid.UUID, SyncedRecord | None] = {}
        self._present: set[uuid.UUID] = set()
        # Records added since the last flush, which a query cannot see yet (their ids
        # and natural keys), and some of the records links were last found to.
        self._added: set[uuid.UUID] = set()
        self._found: set[uuid.UUID] = set()
        self._new_keys: set[tuple[str, tuple[str, ...], tuple[Any, ...]]] = set()
        # New records waiting to be inserted together, as rows rather than ORM objects
        # (most of a first import is new records; an object each cost most of it).
        self._rows: defaultdict[tuple[str, frozenset[str]], list[dict[str, Any]]] = defaultdict(
            list
        )
        self._row_ids: set[uuid.UUID] = set()
        # Versions are the partner's; this site only counts the change.
        session.info["keep_versions"] = True
        # Links are checked here, record by record; the database checks them all again
        # at commit, so rows can be written in any order in between.
        session.connection().exec_driver_sql("PRAGMA defer_foreign_keys = ON")
        self._merges = Merges(session)
        # Records kept to wait for what they name; while those are tried again, a
        # record that must wait on is not one of this bundle's.
        self._parked = 0
        self._retrying = False
        # A table empty before the import holds only what this bundle brings, and a
        # bundle holds one record per natural key (the sender's own keys are unique),
        # so its records need no search for a twin until a merge moves links about.
        self._empty = {
            model.__tablename__
            for model in synced_models().values()
            if natural_keys(model)
            and session.scalar(
                select(model.id).limit(1).execution_options(**{INCLUDE_DELETED: True})
            )
            is None
        }

    def apply_all(self, items: Iterable[Incoming | Redaction]) -> MergeSummary:
        for window in self._windows(items):
            self._prefetch(window)
            for item in window:
                if self.accepted is not None and item.table not in self.accepted:
                    raise PayloadInvalid(
                        f"The bundle holds {item.table.replace('_', ' ')}, which a site of "
                        "its kind never sends to this one; nothing was imported."
                    )
                if isinstance(item, Redaction):
                    if self.bulk:
                        raise NotBulk(item.table)
                    self._redact(item)
                else:
                    self._apply(item)
            self._flush()
        return self.summary

    def _windows(
        self, items: Iterable[Incoming | Redaction]
    ) -> Iterator[list[Incoming | Redaction]]:
        """The items a flush at a time: ``flush_every`` of them, or fewer once their
        values reach ``flush_bytes``."""
        window: list[Incoming | Redaction] = []
        size = 0
        for item in items:
            window.append(item)
            if isinstance(item, Incoming):
                size += _size(item)
            if len(window) >= self._flush_every or size >= self._flush_bytes:
                yield window
                window, size = [], 0
        if window:
            yield window

    def _prefetch(self, window: list[Incoming | Redaction]) -> None:
        """Look up, with a query per table, what the window's records are here and
        which of the records they link to exist: a query per record would cost
        most of an import."""
        ids: defaultdict[type[SyncedRecord], set[uuid.UUID]] = defaultdict(set)
        targets: defaultdict[type[SyncedRecord], set[uuid.UUID]] = defaultdict(set)
        models = synced_models()
        for item in window:
            model = models[item.table]
            ids[model].add(item.id)
            if isinstance(item, Incoming):
                for key, target_model in _links(model):
                    target = item.fields.get(key)
                    if isinstance(target, uuid.UUID):
                        targets[target_model].add(target)
        with self.session.no_autoflush:
            for model, wanted in ids.items():
                self._held.update(dict.fromkeys(wanted))
                for chunk in () if self.bulk else _chunks(wanted):
                    for record in self.session.scalars(
                        select(model)
                        .where(model.id.in_(chunk))
                        .execution_options(**{INCLUDE_DELETED: True})
                    ):
                        self._held[record.id] = record
            for model, wanted in targets.items():
                for chunk in _chunks(wanted):
                    self._present.update(
                        self.session.scalars(
                            select(model.id)
                            .where(model.id.in_(chunk))
                            .execution_options(**{INCLUDE_DELETED: True})
                        )
                    )

    def _local(self, model: type[SyncedRecord], record_id: uuid.UUID) -> SyncedRecord | None:
        if record_id in self._row_ids:
            self._insert_rows()  # taken in moments ago: a query must see it
        elif record_id in self._held:
            return self._held[record_id]
        with self.session.no_autoflush:
            return self.session.get(model, record_id, execution_options={INCLUDE_DELETED: True})

    def _forget_prefetched(self) -> None:
        """After a merge or a flush what was looked up may be stale: look again."""
        self._held.clear()
        self._present.clear()

    def _insert_rows(self) -> None:
        """Insert the new records waiting as rows, a statement per table."""
        if not self._rows:
            return
        change_seq = next_change_seq(self.session)
        models = synced_models()
        for (table_name, _columns), rows in self._rows.items():
            for row in rows:
                row["change_seq"] = change_seq
            table = _table(models[table_name])
            if not (self.bulk and self._writer.insert(table, rows)):
                self.session.execute(insert(table), rows)
        self._rows.clear()
        self._row_ids.clear()

    def _flush(self) -> None:
        self._insert_rows()
        self.session.flush()
        self.session.expunge_all()
        self._forget_prefetched()
        if len(self._found) + len(self._added) > FOUND_KEPT:
            self._found.clear()  # a bounded cache: memory stays flat
        self._found |= self._added
        self._added.clear()
        self._new_keys.clear()

    # -- one record ----------------------------------------------------------------------

    def _apply(self, incoming: Incoming) -> None:
        model = synced_models()[incoming.table]
        self.clock.observe(incoming.version)
        incoming = self._merges.relink(model, incoming)
        if incoming.table == PEOPLE and self._merges.survivor(incoming.id) is not None:
            # A person merged into another here: what stands holds their records.
            self.summary.unchanged += 1
            return
        local = self._local(model, incoming.id)
        if local is None and incoming.table == ERASURES:
            survivor = self._merges.survivor(incoming.fields["person_id"])
            if survivor is not None:  # merged here into another record: that one goes
                incoming = replace(incoming, fields={**incoming.fields, "person_id": survivor})
            if self._local(Person, incoming.fields["person_id"]) is None:
                # Of someone never held here: nothing to erase, and kept it would only
                # let one site bar a person from ever arriving at another.
                self.summary.unchanged += 1
                return
        if self.bulk and (local is not None or incoming.table == PERSON_MERGES):
            raise NotBulk(incoming.table)
        if local is None:
            self._authorised(incoming, None)
            self._take_new(model, incoming)
            if incoming.table == PERSON_MERGES and incoming.id in self._row_ids:
                self._merge_people(incoming)
            return
        theirs = parse(incoming.ancestry, incoming.version, incoming.previous_version)
        ours = parse(local.ancestry, local.version, local.previous_version)
        if local.version == incoming.version:
            if record_is_blanked(local) and not _blanked(model, incoming):
                self._replace(model, incoming, local)  # consent given again: the whole copy
            else:
                self.summary.unchanged += 1
        elif _blanked(model, incoming) and not record_is_blanked(local):
            self.summary.kept_ours += 1
        elif incoming.previous_version == local.version or descends(theirs, ours):
            self._authorised(incoming, local)
            self._replace(model, incoming, local)
        elif local.previous_version == incoming.version or descends(ours, theirs):
            self.summary.kept_ours += 1
        else:
            if incoming.version > local.version:
                self._authorised(incoming, local)  # theirs would win the clash
                if not self._links_exist(model, incoming):
                    self._wait(incoming)  # the winner names a record not here yet: it waits
                    return
            self._clash(model, local, incoming)

    def _authorised(self, incoming: Incoming, local: SyncedRecord | None) -> None:
        """Refuse the bundle (by raising) if the sender may not write this record here."""
        if self._authority is not None:
            self._authority.check(incoming, local, self._local)

    def _merge_people(self, incoming: Incoming) -> None:
        """Make the two records a partner's person merge names one here, as it did."""
        self._flush()
        merge_people(
            self.session, self._merges, incoming.fields["person_id"], incoming.fields["merged_id"]
        )
        self._flush()

    def _replace(self, model: type[SyncedRecord], incoming: Incoming, local: SyncedRecord) -> None:
        """Take the partner's version of a record held here, if what it links to is."""
        if not self._links_exist(model, incoming):
            self._wait(incoming)
            return
        self._copy(incoming, local)
        self.summary.updated[incoming.table] += 1

    def _take_new(self, model: type[SyncedRecord], incoming: Incoming) -> None:
        if not self._links_exist(model, incoming):
            self._wait(incoming)
            return
        while (twin := self._twin(model, incoming)) is not None:
            # From the first merge on, every table is searched for twins: the rows
            # waiting must be where the searches can see them.
            self._insert_rows()
            if survives(twin.version, twin.id, incoming.version, incoming.id):
                self._merges.remember(incoming.table, incoming.id, twin.id)
                self._note(incoming.table, twin.id, twin, incoming, theirs_wins=False)
                return
            self._note(incoming.table, incoming.id, incoming, twin, theirs_wins=True)
            self._added.discard(twin.id)
            self._found.discard(twin.id)
            self._merges.merge(model, twin, incoming.id)
            self._forget_prefetched()
        row = {"id": incoming.id, **_stored_values(incoming)}
        # Rows of one statement must name the same columns (a line from an older
        # version may lack a newer field, which then takes its default).
        self._rows[(incoming.table, frozenset(row))].append(row)
        self._row_ids.add(incoming.id)
        self._held.pop(incoming.id, None)
        self._added.add(incoming.id)
        if self._searches_twins(incoming.table):
            for key in natural_keys(model):
                values = key_values(key, incoming.fields)
                if values is not None:
                    self._new_keys.add((incoming.table, key, values))
        self.summary.added[incoming.table] += 1

    def _wait(self, incoming: Incoming) -> None:
        """Keep a record that names one not here yet, to take in once it is."""
        if self.bulk:
            raise NotBulk(incoming.table)
        self._parked += 1
        if not self._retrying:
            self.summary.missing_links[incoming.table] += 1
        with self.session.no_autoflush:
            held = self.session.scalar(
                select(WaitingRecord.id).where(
                    WaitingRecord.table_name == incoming.table,
                    WaitingRecord.record_id == incoming.id,
                    WaitingRecord.version == incoming.version,
                )
            )
        if held is None:
            self.session.add(
                WaitingRecord(
                    sender_site_id=self.partner_site_id,
                    table_name=incoming.table,
                    record_id=incoming.id,
                    version=incoming.version,
                    line=encode_incoming(incoming),
                )
            )

    def take_in_waiting(self) -> None:
        """Take in the records this partner sent that were waiting, now that what they
        name may be here; those that still name a missing record wait on.

        Pass after pass, since a record may wait for another that was waiting too;
        each pass takes the records waiting when it began.
        """
        self._retrying = True
        # Waiting records came in earlier bundles: any table may hold their twins.
        self._empty = set()
        try:
            while True:
                self._flush()
                ids = self.session.scalars(
                    select(WaitingRecord.id)
                    .where(WaitingRecord.sender_site_id == self.partner_site_id)
                    .order_by(WaitingRecord.waiting_since, WaitingRecord.id)
                ).all()
                if not ids:
                    break
                parked = self._parked
                self.apply_all(self._waiting_lines(list(ids)))
                released = len(ids) - (self._parked - parked)
                self.summary.released += released
                if released == 0:
                    break
        finally:
            self._retrying = False
        self._flush()
        self.summary.still_waiting += (
            self.session.scalar(
                select(func.count())
                .select_from(WaitingRecord)
                .where(WaitingRecord.sender_site_id == self.partner_site_id)
            )
            or 0
        )

    def _waiting_lines(self, ids: list[uuid.UUID]) -> Iterator[Incoming | Redaction]:
        for start in range(0, len(ids), _WAITING_BATCH):
            batch = ids[start : start + _WAITING_BATCH]
            lines = self.session.scalars(
                select(WaitingRecord.line).where(WaitingRecord.id.in_(batch))
            ).all()
            # Gone before it is tried again: one that still cannot be taken in is
            # kept again, as it came.
            self.session.execute(delete(WaitingRecord).where(WaitingRecord.id.in_(batch)))
            for line in lines:
                yield decode(line)

    def _searches_twins(self, table: str) -> bool:
        return table not in self._empty or self._merges.any()

    def _twin(self, model: type[SyncedRecord], incoming: Incoming) -> SyncedRecord | None:
        """The record here that stands for the same thing as ``incoming``, if any."""
        if self.bulk or not self._searches_twins(incoming.table):
            return None
        survivor = self._merges.survivor(incoming.id)
        if survivor is not None:
            if survivor in self._row_ids:
                self._insert_rows()
            with self.session.no_autoflush:
                found = self.session.get(model, survivor, execution_options={INCLUDE_DELETED: True})
            if found is not None:
                return found
        if any(
            (incoming.table, key, values) in self._new_keys
            for key in natural_keys(model)
            if (values := key_values(key, incoming.fields)) is not None
        ):
            self._flush()  # a record added moments ago has the same key: let the query see it
        return find_twin(self.session, model, incoming.id, incoming.fields)

    def _clash(self, model: type[SyncedRecord], local: SyncedRecord, incoming: Incoming) -> None:
        theirs_wins = incoming.version > local.version
        withdrawn = (
            self._withdrawal_to_keep(local, incoming)
            if model is Consent and self._may_make_a_version(local)
            else None
        )
        if theirs_wins:
            self._note(incoming.table, local.id, incoming, local, theirs_wins=True)
            self._copy(incoming, local)
            self.summary.updated[incoming.table] += 1
        else:
            self._note(incoming.table, local.id, local, incoming, theirs_wins=False)
        if withdrawn is not None and isinstance(local, Consent):
            local.withdrawn_on, local.withdrawal_recorded_by_name = withdrawn
            # A new version, made on the winner only (the other stays in the conflict
            # list), so the kept withdrawal travels on to every site.
            self.clock.follow(local.version)
            version = self.clock.tick()
            local.ancestry = advanced(
                local.ancestry, local.version, local.previous_version, version
            )
            local.previous_version, local.version = local.version, version
            local.updated_at = utc_now()

    def _note(
        self,
        table: str,
        record_id: uuid.UUID,
        kept: SyncedRecord | Incoming,
        lost: SyncedRecord | Incoming,
        *,
        theirs_wins: bool,
    ) -> None:
        """List the version not kept, once however often it arrives, with the one kept
        beside it."""
        lost_line = _line_of(lost)
        listed = self.session.scalars(
            select(SyncConflict.lost_values).where(
                SyncConflict.table_name == table, SyncConflict.lost_version == lost.version
            )
        ).all()
        if any(_line_id(values) == lost.id.hex for values in listed):
            if not theirs_wins:
                self.summary.kept_ours += 1
            return
        kept_from = "partner" if theirs_wins else "this site"
        self.session.add(
            SyncConflict(
                table_name=table,
                record_id=record_id,
                kept_version=kept.version,
                lost_version=lost.version,
                lost_values=lost_line.decode(),
                kept_values=_line_of(kept).decode(),
                kept_from=kept_from,
                partner_site_id=self.partner_site_id,
            )
        )
        self.summary.conflicts.append(ConflictNote(table, record_id, kept_from))

    def _may_make_a_version(self, local: SyncedRecord) -> bool:
        """Whether a version of ``local`` made here would be taken in by the other side.
        A university holding two prisons' versions of a prison-based learner's consent
        may not: the prison that takes in the other's version keeps the earlier
        withdrawal instead, and its version reaches every site."""
        authority = self._authority
        return authority is None or (
            who_settles(
                self.session,
                local.__tablename__,
                local,
                here=authority.receiver_kind,
                here_site_id=self.local_site_id,
                removes_or_moves=False,
            )
            is None
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
        local = self._local(model, redaction.id)
        # The site that recorded the data keeps it: withdrawal stops it leaving, and
        # blanks only the copies sent elsewhere.
        if local is None or local.origin_site_id == self.local_site_id:
            return
        if record_is_blanked(local):
            return
        for name, value in REDACTED_FIELDS[model].items():
            setattr(local, name, value)
        local.deleted_at = local.deleted_at or utc_now()
        self.summary.redacted[redaction.table] += 1

    # -- helpers ---------------------------------------------------------------------------

    @staticmethod
    def _copy(incoming: Incoming, record: SyncedRecord) -> None:
        for name, value in _stored_values(incoming).items():
            setattr(record, name, value)

    def _links_exist(self, model: type[SyncedRecord], incoming: Incoming) -> bool:
        for key, target_model in _all_links(model):
            target = incoming.fields.get(key)
            if (
                target is None
                or target in self._added
                or target in self._found
                or target in self._present
            ):
                continue
            if target_model is None:
                return False
            with self.session.no_autoflush:
                found = self.session.scalar(
                    select(target_model.id)
                    .where(target_model.id == target)
                    .execution_options(**{INCLUDE_DELETED: True})
                )
            if found is None:
                return False
            if len(self._found) >= FOUND_KEPT:
                self._found.clear()  # a bounded cache: memory stays flat
            self._found.add(target)
        return True


def _stored_values(incoming: Incoming) -> dict[str, Any]:
    """Everything the record holds but its id, by attribute."""
    return {
        **incoming.fields,
        "version": incoming.version,
        "previous_version": incoming.previous_version,
        "ancestry": incoming.ancestry,
        "origin_site_id": incoming.origin_site_id,
        "created_at": incoming.created_at,
        "updated_at": incoming.updated_at,
        "deleted_at": incoming.deleted_at,
    }


def _table(model: type[SyncedRecord]) -> Table:
    return cast(Table, model.__table__)


@cache
def _all_links(model: type[SyncedRecord]) -> tuple[tuple[str, type[SyncedRecord] | None], ...]:
    """Each field of ``model`` that names another record, with that record's model
    (None where it is not a synced record, which no bundle can bring)."""
    models = synced_models()
    return tuple(
        (column.key, models.get(foreign_key.column.table.name))
        for column in field_columns(model)
        for foreign_key in column.foreign_keys
    )


@cache
def _links(model: type[SyncedRecord]) -> tuple[tuple[str, type[SyncedRecord]], ...]:
    """Each field of ``model`` that names another synced record, with that record's model."""
    models = synced_models()
    return tuple(
        (column.key, models[foreign_key.column.table.name])
        for column in field_columns(model)
        for foreign_key in column.foreign_keys
        if foreign_key.column.table.name in models
    )


def _chunks(ids: set[uuid.UUID], size: int = 500) -> Iterator[list[uuid.UUID]]:
    listed = list(ids)
    for start in range(0, len(listed), size):
        yield listed[start : start + size]


def _blanked(model: type[SyncedRecord], incoming: Incoming) -> bool:
    return is_blanked(model, incoming.fields, incoming.deleted_at)


def _size(incoming: Incoming) -> int:
    """Roughly what the record's values hold in memory until written out."""
    return sum(len(v) for v in incoming.fields.values() if isinstance(v, (bytes, str)))


def _line_of(record: SyncedRecord | Incoming) -> bytes:
    return encode(record) if isinstance(record, SyncedRecord) else encode_incoming(record)


def _line_id(values: str) -> str | None:
    try:
        document = json.loads(values)
    except ValueError:
        return None
    return document.get("id") if isinstance(document, dict) else None
