"""Exchanging data with partner sites on removable media."""

from __future__ import annotations

import json
import logging
import uuid
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from lt_desktop.core.roles import Permission
from lt_desktop.core.services.base import Service, get_or_not_found
from lt_desktop.storage.models import Site, SyncConflict, utc_now
from lt_desktop.sync import exchange
from lt_desktop.sync.bundle import BundleInfo
from lt_desktop.sync.exchange import (
    ExportResult,
    ImportResult,
    PartnerInfo,
    Progress,
)
from lt_desktop.sync.identity import PeerKeys

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class ConflictInfo:
    id: uuid.UUID
    table: str
    record_id: uuid.UUID
    kept_from: str
    kept_version: str
    lost_version: str
    lost_values: dict[str, object]
    partner: str
    detected_at: datetime
    reviewed_at: datetime | None


class SyncService(Service):
    # -- this site ----------------------------------------------------------------------

    def site_card(self) -> tuple[bytes, str]:
        """This site's card to hand to a partner, and the fingerprint to read them."""
        self._require(Permission.SYNC)
        with self._store.write() as session:
            exchange.ensure_keys(session, self._store)
            me = exchange.identity(session, self._store)
            return me.site_card(), exchange.fingerprint(me.public())

    def rotate_keys(self) -> str:
        """New keys for this site; returns the new fingerprint. Partners must pair again."""
        self._require(Permission.PAIR_SITES)
        with self._store.write() as session:
            me = exchange.rotate_keys(session, self._store)
            printed = exchange.fingerprint(me.public())
            self._audit(session, "sync.keys_rotated", "site", self._store.site.id)
            return printed

    # -- partners -----------------------------------------------------------------------

    def read_card(self, card: bytes) -> tuple[PeerKeys, str]:
        self._require(Permission.SYNC)
        return exchange.read_card(card)

    def pair(
        self, card: bytes, confirmed_fingerprint: str, *, partnership_id: uuid.UUID | None = None
    ) -> PartnerInfo:
        self._require(Permission.PAIR_SITES)
        with self._store.write() as session:
            exchange.ensure_keys(session, self._store)
            partner = exchange.pair(
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
            return exchange.partners(session, self._store)

    def find_partner(self, name_or_fingerprint: str) -> PartnerInfo:
        """A partner by name or fingerprint, with what is pending for it (which takes a
        count of every kind of record: ``partner_id`` when only the site is wanted)."""
        self._require(Permission.SYNC)
        with self._store.read() as session:
            partner = exchange.find_partner(session, name_or_fingerprint)
            return exchange.partner_info(session, self._store, partner)

    def partner_id(self, name_or_fingerprint: str) -> uuid.UUID:
        """The site id of a partner, by name or fingerprint."""
        self._require(Permission.SYNC)
        with self._store.read() as session:
            return exchange.find_partner(session, name_or_fingerprint).site_id

    def revoke(self, site_id: uuid.UUID) -> PartnerInfo:
        """Stop trusting a site: nothing from it is taken in until it is paired again."""
        self._require(Permission.PAIR_SITES)
        with self._store.write() as session:
            partner = exchange.revoke(session, self._store, site_id)
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
    ) -> ExportResult:
        self._require(Permission.SYNC)
        with self._store.write() as session:
            exchange.ensure_keys(session, self._store)

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
            )

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
        self._require(Permission.SYNC)
        with self._store.read() as session:
            query = select(SyncConflict).order_by(SyncConflict.detected_at.desc())
            if not include_reviewed:
                query = query.where(SyncConflict.reviewed_at.is_(None))
            names = {s.id: s.name for s in session.scalars(select(Site))}
            return [
                ConflictInfo(
                    c.id,
                    c.table_name,
                    c.record_id,
                    c.kept_from,
                    c.kept_version,
                    c.lost_version,
                    _values(c.lost_values),
                    names.get(c.partner_site_id, ""),
                    c.detected_at,
                    c.reviewed_at,
                )
                for c in session.scalars(query)
            ]

    def mark_reviewed(self, conflict_id: uuid.UUID) -> None:
        self._require(Permission.PAIR_SITES)
        with self._store.write() as session:
            conflict = get_or_not_found(session, SyncConflict, conflict_id, "conflict")
            conflict.reviewed_at = utc_now()
            conflict.reviewed_by_name = self.actor.display_name
            self._audit(session, "sync.conflict_reviewed", conflict.table_name, conflict.record_id)


def _values(raw: str) -> dict[str, object]:
    try:
        document = json.loads(raw)
    except json.JSONDecodeError:
        return {}
    if isinstance(document, dict) and isinstance(document.get("f"), dict):
        return dict(document["f"])  # a whole record, as it travels
    return dict(document) if isinstance(document, dict) else {}
