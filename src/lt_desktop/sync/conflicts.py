"""Settling a clash: choosing which of a record's two versions stands, here or elsewhere.

When two sites changed one record between exchanges, every site keeps the same one
of the two and lists the other (``incoming``). Someone then chooses which value
stands. The choice is made as a new version of the record on top of *both*: its
ancestry holds, for every site, the newest version of either side, so every site
holding either one takes it in as a fast-forward, and all of them end with the
chosen values. Keeping the version that was kept makes such a version too, with the
values as they are, so the choice travels either way.

A site that takes in a version made on top of both versions of a clash it lists
knows the clash is settled: it closes its entry. Where the change it made itself
gave way, it keeps the entry, to tell its users, until someone has seen it.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import flag_modified

from lt_desktop.domain.errors import LtError, NotFound, ValidationError
from lt_desktop.domain.vocabulary import SiteKind
from lt_desktop.storage.ancestry import Ancestry, descends, format_ancestry, parse
from lt_desktop.storage.database import INCLUDE_DELETED
from lt_desktop.storage.models import (
    Consent,
    MergedRecord,
    SyncConflict,
    SyncedRecord,
    utc_now,
)
from lt_desktop.sync.authority import LeftToOtherSide, who_settles
from lt_desktop.sync.merges import Merges
from lt_desktop.sync.records import Incoming, PayloadInvalid, decode, field_columns, synced_models
from lt_desktop.sync.redaction import record_is_blanked

#: Not a field of the record, but a difference between two versions all the same:
#: one of them removed it.
REMOVED = "deleted_at"


@dataclass(frozen=True)
class Sides:
    """The two versions of a clash, as their lines were kept."""

    #: The version kept; None on a conflict listed before it was kept.
    kept: Incoming | None
    lost: Incoming


def site_of(version: str) -> str:
    """The site that made a version, as the version spells it (32 hex digits)."""
    return version.rsplit(".", 1)[-1]


def sides(conflict: SyncConflict) -> Sides:
    lost = _incoming(conflict.lost_values)
    if lost is None:
        raise LtError("This conflict's other version cannot be read; it can only be marked seen.")
    return Sides(_incoming(conflict.kept_values), lost)


def held_record(session: Session, conflict: SyncConflict) -> SyncedRecord | None:
    """The record the clash is about as this site holds it now (followed to the record
    it was merged into, where it was), removed or not."""
    model = synced_models().get(conflict.table_name)
    if model is None:
        return None
    record_id = conflict.record_id
    merged = session.get(MergedRecord, record_id)
    if merged is not None:
        record_id = merged.merged_into
    return session.get(model, record_id, execution_options={INCLUDE_DELETED: True})


def values_of(record: SyncedRecord) -> dict[str, Any]:
    """A record's fields by attribute, with whether it is removed, as ``Incoming`` has
    them."""
    values = {c.key: getattr(record, c.key) for c in field_columns(type(record))}
    values[REMOVED] = record.deleted_at
    return values


def values_of_line(line: Incoming) -> dict[str, Any]:
    return {**line.fields, REMOVED: line.deleted_at}


def differing(model: type[SyncedRecord], one: dict[str, Any], other: dict[str, Any]) -> list[str]:
    """The fields (by attribute, in the table's order) where two versions differ;
    whether the record is removed counts, by whether, not when."""
    keys = [c.key for c in field_columns(model)]
    found = [k for k in keys if one.get(k) != other.get(k)]
    if (one.get(REMOVED) is None) != (other.get(REMOVED) is None):
        found.append(REMOVED)
    return found


def left_to_other_side(
    session: Session, conflict: SyncConflict, *, here: SiteKind, here_site_id: uuid.UUID
) -> LeftToOtherSide | None:
    """Whether only the other side may settle ``conflict``: a choice made here would be
    a version the other side refuses (a university choosing between two prisons'
    versions of a prison-based learner's consent), and every later bundle from here
    with it. The clash is listed at a site of that side too, where it is chosen."""
    record = held_record(session, conflict)
    model = synced_models().get(conflict.table_name)
    if record is None or model is None:
        return None
    try:
        both = sides(conflict)
    except LtError:
        return None  # cannot be chosen anyway: the version not kept cannot be read
    kept = values_of_line(both.kept) if both.kept is not None else values_of(record)
    apart = differing(model, kept, values_of_line(both.lost))
    return who_settles(
        session,
        conflict.table_name,
        record,
        here=here,
        here_site_id=here_site_id,
        removes_or_moves=REMOVED in apart or "base" in apart,
    )


def choose(session: Session, conflict: SyncConflict, *, take_lost: bool, chosen_by: str) -> str:
    """Settle ``conflict`` here: the record takes the version not kept (``take_lost``)
    or stays as it is, as a new version on top of both; returns that version.

    The caller's write transaction stamps the version and counts the change, so it
    travels in the next bundle to every partner that may hold the record.
    """
    if conflict.settled_version is not None or conflict.reviewed_at is not None:
        raise ValidationError("This conflict is settled already; nothing was changed.")
    model = synced_models().get(conflict.table_name)
    record = held_record(session, conflict)
    if model is None or record is None:
        raise NotFound("The record this conflict is about is no longer held here.")
    both = sides(conflict)
    if take_lost:
        _take(session, model, record, both)
    # On top of both: every site holding either version takes this one in as a
    # fast-forward. The twin of a merged pair was made where the survivor was not yet
    # held, so its versions are older than any that site made of the survivor.
    record.ancestry = format_ancestry(
        _union(
            parse(record.ancestry, record.version, record.previous_version),
            parse(both.lost.ancestry, both.lost.version, both.lost.previous_version),
        )
    )
    flag_modified(record, "ancestry")
    session.flush()
    conflict.settled_version = record.version
    conflict.reviewed_at = utc_now()
    conflict.reviewed_by_name = chosen_by
    return record.version


def _take(session: Session, model: type[SyncedRecord], record: SyncedRecord, both: Sides) -> None:
    """Give ``record`` the values the version not kept had where the two differed."""
    if record_is_blanked(record):
        raise ValidationError(
            "This record was removed here when consent was withdrawn; the other version "
            "cannot be put back."
        )
    merges = Merges(session)
    lost = merges.relink(model, both.lost)
    wanted = values_of_line(lost)
    # Only the fields the clash was about: what changed here since in others stays.
    # (A conflict listed before the kept version was kept compares with the record.)
    kept = values_of_line(merges.relink(model, both.kept)) if both.kept else values_of(record)
    keys = differing(model, kept, wanted)
    _check_links(session, model, {k: wanted.get(k) for k in keys})
    withdrawal = _earliest_withdrawal(record, lost) if isinstance(record, Consent) else None
    for key in keys:
        if key == REMOVED:
            record.deleted_at = wanted[REMOVED]
        elif key in lost.fields:
            setattr(record, key, lost.fields[key])
    if withdrawal is not None and isinstance(record, Consent):
        # A withdrawal of consent is never undone by a choice between two versions.
        record.withdrawn_on, record.withdrawal_recorded_by_name = withdrawal


def _check_links(session: Session, model: type[SyncedRecord], values: dict[str, Any]) -> None:
    for column in field_columns(model):
        value = values.get(column.key)
        if value is None:
            continue
        for foreign_key in column.foreign_keys:
            target = foreign_key.column
            found = session.execute(
                select(target).where(target == value).execution_options(**{INCLUDE_DELETED: True})
            ).first()
            if found is None:
                raise ValidationError(
                    "The other version names a record this site does not hold; take in "
                    "the partner's next bundle, then choose again."
                )


def _earliest_withdrawal(record: Consent, lost: Incoming) -> tuple[Any, str] | None:
    withdrawals = [
        (when, who)
        for when, who in (
            (record.withdrawn_on, record.withdrawal_recorded_by_name),
            (lost.fields.get("withdrawn_on"), lost.fields.get("withdrawal_recorded_by_name", "")),
        )
        if when is not None
    ]
    return min(withdrawals, key=lambda w: w[0]) if withdrawals else None


def _union(one: Ancestry, other: Ancestry) -> Ancestry:
    return {site: max(one.get(site, ""), other.get(site, "")) for site in {*one, *other}}


def settle_from_elsewhere(session: Session, local_site_id: uuid.UUID) -> list[uuid.UUID]:
    """Close each clash listed here that a version taken in from another site settled
    (it was made on top of both versions); returns those where this site's own change
    gave way, which stay listed to tell the user."""
    told: list[uuid.UUID] = []
    here = local_site_id.hex
    listed: Sequence[SyncConflict] = session.scalars(
        select(SyncConflict).where(
            SyncConflict.reviewed_at.is_(None), SyncConflict.settled_version.is_(None)
        )
    ).all()
    for conflict in listed:
        record = held_record(session, conflict)
        if record is None or record.version == conflict.kept_version:
            continue
        if site_of(record.version) == here:
            continue  # changed here since: only a choice made here settles it
        history = parse(record.ancestry, record.version, record.previous_version)
        if not all(
            descends(history, parse("", version))
            for version in (conflict.kept_version, conflict.lost_version)
        ):
            continue
        conflict.settled_version = record.version
        if _ours_gave_way(conflict, record, here):
            conflict.ours_replaced = True
            told.append(conflict.id)
        else:
            conflict.reviewed_at = utc_now()
    return told


def _ours_gave_way(conflict: SyncConflict, record: SyncedRecord, here: str) -> bool:
    """Whether the record no longer holds what this site's own version of the clash
    said, where the two versions differed."""
    try:
        both = sides(conflict)
    except LtError:
        return False
    if site_of(conflict.lost_version) == here:
        ours = both.lost
    elif site_of(conflict.kept_version) == here and both.kept is not None:
        ours = both.kept
    else:
        return False  # neither was made here: this site only passed them on
    model = type(record)
    mine = values_of_line(ours)
    about = (
        differing(model, values_of_line(both.kept), values_of_line(both.lost))
        if both.kept is not None
        else list(mine)
    )
    now = values_of(record)
    return any(
        (now.get(k) is None) != (mine.get(k) is None) if k == REMOVED else now.get(k) != mine.get(k)
        for k in about
    )


def _incoming(line: str) -> Incoming | None:
    if not line:
        return None
    try:
        found = decode(line.encode())
    except PayloadInvalid:
        return None
    return found if isinstance(found, Incoming) else None
