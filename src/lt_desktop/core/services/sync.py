"""Exchanging data with partner sites on removable media."""

from __future__ import annotations

import json
import logging
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Literal

from sqlalchemy import select
from sqlalchemy.orm import Session

from lt_desktop.core.dates import format_date
from lt_desktop.core.services.base import Service, get_or_not_found
from lt_desktop.core.services.record_words import EMPTY, RecordWords, label_of, shown
from lt_desktop.domain.errors import LtError, ValidationError
from lt_desktop.domain.roles import Permission
from lt_desktop.storage.atomic import write_atomic
from lt_desktop.storage.clock import parse_version
from lt_desktop.storage.models import Site, SyncConflict, utc_now
from lt_desktop.sync import conflicts as settling
from lt_desktop.sync import exchange, pairing
from lt_desktop.sync.authority import LeftToOtherSide
from lt_desktop.sync.bundle import BundleInfo
from lt_desktop.sync.exchange import Progress
from lt_desktop.sync.exchange_results import ExportResult, ImportResult
from lt_desktop.sync.identity import PeerKeys, fingerprint

# Read on their own, before anything is taken in (a card shown, a fingerprint typed).
from lt_desktop.sync.identity import parse_fingerprint as parse_fingerprint
from lt_desktop.sync.identity import read_site_card as read_site_card
from lt_desktop.sync.pairing import PartnerInfo
from lt_desktop.sync.records import synced_models

log = logging.getLogger(__name__)


Keep = Literal["ours", "theirs"]


@dataclass(frozen=True)
class ConflictSide:
    """One of the two versions of a record that clashed: where and when it was made."""

    site: str  # the site that made it, by name
    here: bool  # made at this site
    made_at: datetime | None
    #: The account that recorded it, where the record keeps one (a register mark
    #: does); otherwise empty: a version does not say who made it.
    made_by: str

    def words(self) -> str:
        """Where, by whom (where known) and when: "HMP Northfield, by Sam Jones, Tue 6 Oct
        2026 14:02"."""
        parts = [self.site]
        if self.made_by:
            parts.append(f"by {self.made_by}")
        if self.made_at is not None:
            local = self.made_at.astimezone()
            parts.append(f"{format_date(local.date())} {local:%H:%M}")
        return ", ".join(parts)


@dataclass(frozen=True)
class ConflictField:
    """A field where the two versions differ, each value as people read it."""

    label: str
    ours: str
    theirs: str
    now: str  # what this site holds now


@dataclass(frozen=True)
class ConflictInfo:
    """A record two sites changed at once, in the record's words.

    *Ours* is the version this site held when the partner's came (usually made
    here), *theirs* the partner's; ``kept_from`` says which every site kept."""

    id: uuid.UUID
    table: str
    record_id: uuid.UUID
    kept_from: str  # "this site" or "partner"
    kept_version: str
    lost_version: str
    lost_values: dict[str, object]
    partner: str
    detected_at: datetime
    reviewed_at: datetime | None
    #: "Register mark — Alex Smith, Autumn 2026, week 3 (Tue 6 Oct 2026)".
    title: str
    ours: ConflictSide
    theirs: ConflictSide
    fields: tuple[ConflictField, ...]
    #: Settled (by a choice made here, or a version taken in from where the record
    #: moved on), where, and when; None while it waits for a choice.
    settled_at: datetime | None
    settled_by_site: str
    #: Settled at another site, where this site's change gave way: said in
    #: ``replaced_words`` until someone marks it seen.
    ours_replaced: bool
    replaced_words: str
    #: Whether the version not kept can be read (an entry listed by a much older
    #: version of LT Desktop may not be): only then can it be chosen.
    readable: bool = True
    #: The side whose choice alone can stand, and why (see
    #: ``conflicts.left_to_other_side``); None where this site may choose.
    left_to: LeftToOtherSide | None = None

    @property
    def kept(self) -> Keep:
        return "ours" if self.kept_from == "this site" else "theirs"

    @property
    def waiting(self) -> bool:
        """Whether it waits for someone to choose."""
        return self.settled_at is None and self.reviewed_at is None

    @property
    def choosable(self) -> bool:
        return self.waiting and self.readable and self.left_to is None

    def state_words(self) -> str:
        if self.waiting and not self.readable:
            return (
                "The version not kept cannot be shown: it was listed by an earlier version "
                "of LT Desktop. Check the record, then mark this seen."
            )
        if self.waiting and self.left_to is not None:
            kept = self.ours if self.kept == "ours" else self.theirs
            side = self.left_to.side.value
            return (
                f"Kept {kept.site}'s version for now. {_only_there(self.left_to)} Where a "
                f"{side} lists this clash too, its choice settles it here in an exchange; "
                f"mark it seen once you have checked with the {side}."
            )
        if self.waiting:
            kept = self.ours if self.kept == "ours" else self.theirs
            return f"Kept {kept.site}'s version for now; waiting for a choice."
        if self.ours_replaced:
            return self.replaced_words
        if self.settled_at is not None:
            return f"Settled at {self.settled_by_site}."
        return "Marked reviewed."


def _only_there(left: LeftToOtherSide) -> str:
    return f"Only a {left.side.value} can choose here: {left.why}"


class SyncService(Service):
    # -- this site ----------------------------------------------------------------------

    def site_card(self) -> tuple[bytes, str]:
        """This site's card to hand to a partner, and the fingerprint to read them."""
        self._require(Permission.SYNC)
        with self._store.write() as session:
            pairing.ensure_keys(session, self._store)
            me = pairing.identity(session, self._store)
            return me.site_card(), fingerprint(me.public())

    def save_site_card(self, target: Path, *, force: bool = False) -> tuple[bytes, str]:
        """Write this site's card to ``target`` (see ``check_output_path``); returns the
        card and the fingerprint to read the partner."""
        target = self.output_path(target, force=force)
        card, printed = self.site_card()
        write_atomic(target, card, what="The site card")
        return card, printed

    def rotate_keys(self) -> str:
        """New keys for this site; returns the new fingerprint. Partners must pair again."""
        self._require(Permission.PAIR_SITES)
        with self._store.write() as session:
            me = pairing.rotate_keys(session, self._store)
            printed = fingerprint(me.public())
            self._audit(session, "sync.keys_rotated", "site", self._store.site.id)
            return printed

    # -- partners -----------------------------------------------------------------------

    def read_card(self, card: bytes) -> tuple[PeerKeys, str]:
        self._require(Permission.SYNC)
        return pairing.read_card(card)

    def pair(
        self, card: bytes, confirmed_fingerprint: str, *, partnership_id: uuid.UUID | None = None
    ) -> PartnerInfo:
        self._require(Permission.PAIR_SITES)
        with self._store.write() as session:
            pairing.ensure_keys(session, self._store)
            partner = pairing.pair(
                session,
                self._store,
                card,
                confirmed_fingerprint,
                partnership_id=partnership_id,
                paired_by=self.actor.display_name,
            )
            self._audit(
                session,
                "sync.paired",
                "site",
                partner.site_id,
                site=partner.name,
                fingerprint=partner.fingerprint,
            )
            return partner

    def partners(self) -> list[PartnerInfo]:
        self._require(Permission.SYNC)
        with self._store.read() as session:
            return pairing.partners(session, self._store)

    def find_partner(self, name_or_fingerprint: str) -> PartnerInfo:
        """A partner by name or fingerprint, with what is pending for it (which takes a
        count of every kind of record: ``partner_id`` when only the site is wanted)."""
        self._require(Permission.SYNC)
        with self._store.read() as session:
            partner = pairing.find_partner(session, name_or_fingerprint)
            return pairing.partner_info(session, self._store, partner)

    def partner_id(self, name_or_fingerprint: str) -> uuid.UUID:
        """The site id of a partner, by name or fingerprint."""
        self._require(Permission.SYNC)
        with self._store.read() as session:
            return pairing.find_partner(session, name_or_fingerprint).site_id

    def revoke(self, site_id: uuid.UUID) -> PartnerInfo:
        """Stop trusting a site: nothing from it is taken in until it is paired again."""
        self._require(Permission.PAIR_SITES)
        with self._store.write() as session:
            partner = pairing.revoke(session, self._store, site_id)
            self._audit(session, "sync.revoked", "site", site_id, site=partner.name)
            return partner

    # -- bundles --------------------------------------------------------------------------

    def export(
        self,
        partner_site_id: uuid.UUID,
        target: Path,
        *,
        snapshot: bool = False,
        progress: Progress | None = None,
        force: bool = False,
    ) -> ExportResult:
        """Write a bundle for the partner to ``target``; an existing file is replaced
        only with ``force`` (see ``check_output_path``)."""
        self._require(Permission.SYNC)
        target = self.output_path(target, force=force)
        with self._store.write() as session:
            pairing.ensure_keys(session, self._store)

        def audit(session: Session, result: ExportResult) -> None:
            self._audit(
                session,
                "sync.exported",
                "site",
                partner_site_id,
                site=result.partner,
                sequence=result.sequence,
                snapshot=result.snapshot,
                records=result.total,
                digest=result.info.digest,
            )

        result = exchange.export_bundle(
            self._store,
            partner_site_id,
            target,
            snapshot=snapshot,
            progress=progress,
            audit=audit,
        )
        log.info(
            "Exported bundle %d for a partner site: %d records%s",
            result.sequence,
            result.total,
            " (a snapshot)" if result.snapshot else "",
        )
        return result

    def import_bundle(self, path: Path, *, dry_run: bool = False) -> ImportResult:
        """Take a bundle in (or, with ``dry_run``, say what taking it in would change)."""
        self._require(Permission.SYNC)

        def audit(session: Session, result: ImportResult) -> None:
            summary = result.summary
            self._audit(
                session,
                "sync.imported",
                "site",
                result.header.sender,
                site=result.sender,
                sequence=result.header.sequence,
                digest=result.digest,
                added=sum(summary.added.values()),
                updated=sum(summary.updated.values()),
                removed=sum(summary.redacted.values()),
                conflicts=len(summary.conflicts),
                replaced=len(summary.replaced),
            )
            # An erasure another site made is audited here as this site's own, so
            # backups made before it are known to hold the person still.
            for research_id in result.erased_people:
                if research_id:
                    self._audit(session, "person.erased", "person", research_id, at=result.sender)
            # In the same transaction, the words for each change of this site's that
            # gave way where a clash was settled elsewhere, as this user may read them.
            if summary.replaced:
                telling = self._conflict_words(session)
                result.replaced_words = [
                    telling(session.get_one(SyncConflict, c)).replaced_words
                    for c in summary.replaced
                ]

        result = exchange.import_bundle(self._store, path, dry_run=dry_run, audit=audit)
        summary = result.summary
        log.info(
            "%s bundle %d from a partner site: %d added, %d updated, %d removed, %d conflicts%s",
            "Previewed" if result.dry_run else "Imported",
            result.header.sequence,
            sum(summary.added.values()),
            sum(summary.updated.values()),
            sum(summary.redacted.values()),
            len(summary.conflicts),
            " (taken in before)" if result.already_imported else "",
        )
        return result

    def inspect(self, path: Path) -> BundleInfo:
        self._require(Permission.SYNC)
        return exchange.inspect_bundle(self._store, path)

    # -- conflicts ------------------------------------------------------------------------

    def conflicts(self, *, include_reviewed: bool = False) -> list[ConflictInfo]:
        """Records changed at two sites at once, oldest first: those waiting for a
        choice, and those settled elsewhere where this site's change gave way (until
        marked seen); with ``include_reviewed``, every one ever listed."""
        self._require(Permission.SYNC)
        with self._store.read() as session:
            query = select(SyncConflict).order_by(SyncConflict.detected_at, SyncConflict.id)
            if not include_reviewed:
                query = query.where(SyncConflict.reviewed_at.is_(None))
            telling = self._conflict_words(session)
            return [telling(c) for c in session.scalars(query)]

    def resolve_conflict(self, conflict_id: uuid.UUID, keep: Keep) -> ConflictInfo:
        """Settle a conflict: ``keep`` this site's version (``"ours"``) or the partner's
        (``"theirs"``). Either way the record gets a new version made on top of both,
        which travels to every partner, so every site ends with the chosen values and
        closes its own entry for the clash."""
        self._require(Permission.PAIR_SITES)
        if keep not in ("ours", "theirs"):
            raise ValidationError("Say which version to keep: ours or theirs.")
        with self._store.write() as session:
            conflict = get_or_not_found(session, SyncConflict, conflict_id, "conflict")
            if conflict.settled_version is not None or conflict.reviewed_at is not None:
                raise ValidationError("This conflict is settled already; nothing was changed.")
            left = settling.left_to_other_side(
                session, conflict, here=self._store.site.kind, here_site_id=self._store.site.id
            )
            if left is not None:
                raise ValidationError(
                    f"{_only_there(left)} Nothing was changed: a choice made here would be "
                    f"refused by every {left.side.value}, and all else sent with it."
                )
            kept_ours = conflict.kept_from == "this site"
            take_other = (keep == "ours") != kept_ours
            version = settling.choose(
                session, conflict, take_lost=take_other, chosen_by=self.actor.display_name
            )
            self._audit(
                session,
                "sync.conflict_resolved",
                conflict.table_name,
                conflict.record_id,
                kept=keep,
                values_changed=take_other,
                version=version,
            )
            return self._conflict_words(session)(conflict)

    def mark_reviewed(self, conflict_id: uuid.UUID) -> None:
        """Take a conflict off the list without choosing (this site only): for one
        settled elsewhere, once its news has been seen."""
        self._require(Permission.PAIR_SITES)
        with self._store.write() as session:
            conflict = get_or_not_found(session, SyncConflict, conflict_id, "conflict")
            conflict.reviewed_at = utc_now()
            conflict.reviewed_by_name = self.actor.display_name
            self._audit(session, "sync.conflict_reviewed", conflict.table_name, conflict.record_id)

    def _conflict_words(self, session: Session) -> Callable[[SyncConflict], ConflictInfo]:
        names = {s.id.hex: s.name for s in session.scalars(select(Site))}
        here = self._store.site.id.hex
        words = RecordWords(
            session,
            may_see_names=self.actor.may(Permission.VIEW_PEOPLE),
            may_see_writers=self.actor.may(Permission.MANAGE_ESSAYS)
            and self.actor.may(Permission.VIEW_PEOPLE),
            may_see_research=self.actor.may(Permission.ENTER_RESEARCH_DATA),
        )

        def site_name(version: str) -> str:
            return names.get(settling.site_of(version), "another site")

        def side(
            table: str, version: str, values: dict[str, Any], made_at: datetime | None
        ) -> ConflictSide:
            return ConflictSide(
                site_name(version),
                settling.site_of(version) == here,
                made_at,
                words.made_by(table, values),
            )

        def told(c: SyncConflict) -> ConflictInfo:
            table = c.table_name
            record = settling.held_record(session, c)
            now = settling.values_of(record) if record is not None else {}
            try:
                both: settling.Sides | None = settling.sides(c)
            except LtError:
                both = None  # a line this version cannot read: shown by its site alone
            lost_values = settling.values_of_line(both.lost) if both else {}
            if both is not None and both.kept is not None:
                kept_values = settling.values_of_line(both.kept)
                kept_at: datetime | None = both.kept.updated_at
            else:  # listed before the kept version was kept: the record stands in
                kept_values, kept_at = now, record.updated_at if record is not None else None
            kept = side(table, c.kept_version, kept_values, kept_at)
            other = side(table, c.lost_version, lost_values, both.lost.updated_at if both else None)
            ours_first = c.kept_from == "this site"
            ours, theirs = (kept_values, lost_values) if ours_first else (lost_values, kept_values)
            model = synced_models().get(table)
            keys = settling.differing(model, kept_values, lost_values) if model and both else []
            fields = tuple(
                ConflictField(
                    label_of(table, key),
                    words.value(table, key, ours.get(key)),
                    words.value(table, key, theirs.get(key)),
                    words.value(table, key, now.get(key)) if record is not None else EMPTY,
                )
                for key in keys
                if shown(table, key)
            )
            title = words.title(table, now or kept_values or lost_values)
            settled_at = None if c.settled_version is None else _moment_of(c.settled_version)
            settled_by = "" if c.settled_version is None else site_name(c.settled_version)
            our_side, their_side = (kept, other) if ours_first else (other, kept)
            replaced = ""
            if c.ours_replaced:
                replaced = _replaced_words(
                    title, settled_by, settled_at, fields, mine_is_ours=our_side.here
                )
            return ConflictInfo(
                c.id,
                table,
                c.record_id,
                c.kept_from,
                c.kept_version,
                c.lost_version,
                _values(c.lost_values),
                names.get(c.partner_site_id.hex, ""),
                c.detected_at,
                c.reviewed_at,
                title,
                our_side,
                their_side,
                fields,
                settled_at,
                settled_by,
                c.ours_replaced,
                replaced,
                readable=both is not None,
                left_to=None
                if c.settled_version is not None or c.reviewed_at is not None
                else settling.left_to_other_side(
                    session, c, here=self._store.site.kind, here_site_id=self._store.site.id
                ),
            )

        return told


def _moment_of(version: str) -> datetime:
    milliseconds, _, _ = parse_version(version)
    return datetime.fromtimestamp(milliseconds / 1000, UTC)


def _replaced_words(
    title: str,
    site: str,
    when: datetime | None,
    fields: tuple[ConflictField, ...],
    *,
    mine_is_ours: bool,
) -> str:
    """What the user is told: "Your change to … was replaced at … on …: Mark is now
    Absent (yours: Present)."."""
    on = f" on {format_date(when.astimezone().date())}" if when is not None else ""
    changes = "; ".join(
        f"{f.label} is now {f.now} (yours: {mine})"
        for f in fields
        if f.now != (mine := f.ours if mine_is_ours else f.theirs)
    )
    return f"Your change to {title} was replaced at {site}{on}" + (
        f": {changes}." if changes else "."
    )


def _values(raw: str) -> dict[str, object]:
    try:
        document = json.loads(raw)
    except json.JSONDecodeError:
        return {}
    if isinstance(document, dict) and isinstance(document.get("f"), dict):
        return dict(document["f"])  # a whole record, as it travels
    return dict(document) if isinstance(document, dict) else {}
