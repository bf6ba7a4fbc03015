"""Pairing with partner sites, and writing and taking in bundles.

This is where the container (``bundle``), what travels (``outgoing``) and how it is
taken in (``incoming``) meet the store. Permissions and the audit log are the
service layer's (``core.services.sync``).
"""

from __future__ import annotations

import contextlib
import uuid
from collections import Counter
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from lt_desktop import __version__
from lt_desktop.domain.errors import ConflictError, LtError, NotFound, ValidationError
from lt_desktop.domain.vocabulary import SiteKind
from lt_desktop.storage.database import CHANGE_SEQ
from lt_desktop.storage.models import (
    ChangeCounter,
    Partner,
    Partnership,
    ReceivedBundle,
    Site,
    SiteKeys,
    WaitingRecord,
    utc_now,
)
from lt_desktop.storage.restore import RESTORE_STEP
from lt_desktop.storage.store import Store
from lt_desktop.sync import laptops, witness
from lt_desktop.sync.authority import Authority
from lt_desktop.sync.bundle import (
    SIGNED_WITH,
    BundleHeader,
    BundleInfo,
    BundleRejected,
    OpenedBundle,
    RejectReason,
    open_bundle,
    verify_bundle,
    write_bundle,
)
from lt_desktop.sync.conflicts import settle_from_elsewhere
from lt_desktop.sync.identity import (
    PeerKeys,
    SiteIdentity,
    fingerprint,
    fingerprints_match,
    read_site_card,
)
from lt_desktop.sync.incoming import Merger, MergeSummary
from lt_desktop.sync.merges import shared_codes
from lt_desktop.sync.outgoing import TRAVELS, Outgoing, outgoing_lines, pending_records
from lt_desktop.sync.records import PayloadInvalid, decode_lines

#: No bundle may hold more than this once decompressed (a year of a busy prison is
#: far less); anything larger is refused before it can fill memory or disk.
MAX_PLAINTEXT_BYTES = 4 * 1024**3
#: Lines are gathered into pieces of about this size for the container.
_PIECE = 256 * 1024

KIND_CHANGES = "changes"
KIND_SNAPSHOT = "snapshot"

#: What a record that shares a code is called: one, more than one, and its code.
_CODE_WORDS = {
    "certificates": ("certificate", "certificates", "serial number"),
    "essays": ("essay", "essays", "candidate number"),
    "people": ("person", "people", "research ID"),
}

Progress = Callable[[int], None]


class SiteCardRefused(LtError):
    pass


# -- this site's keys -----------------------------------------------------------------


def identities(session: Session, store: Store) -> list[SiteIdentity]:
    """This site's keys, newest first (retired ones last, to read old bundles)."""
    rows = session.scalars(
        select(SiteKeys).order_by(SiteKeys.retired_at.is_not(None), SiteKeys.created_at.desc())
    ).all()
    if not rows:
        raise LtError("This site has no keys yet; open the Sync screen as an administrator.")
    site = store.site
    return [
        SiteIdentity.from_private_key_bytes(
            row.private_keys,
            site_id=site.id,
            name=site.name,
            kind=site.kind,
            created_at=row.created_at,
        )
        for row in rows
    ]


def identity(session: Session, store: Store) -> SiteIdentity:
    return identities(session, store)[0]


def ensure_keys(session: Session, store: Store) -> None:
    """Stores made before sites had keys get theirs on first use (inside a write)."""
    if session.scalar(select(func.count()).select_from(SiteKeys)) == 0:
        _new_keys(session, store)


def _new_keys(session: Session, store: Store) -> SiteKeys:
    made = SiteIdentity.generate(name=store.site.name, kind=store.site.kind, site_id=store.site.id)
    row = SiteKeys(private_keys=made.private_key_bytes(), created_at=made.created_at)
    session.add(row)
    session.flush()
    return row


def rotate_keys(session: Session, store: Store) -> SiteIdentity:
    """New keys for this site. Partners must import its new card; until they do, what
    they send can still be read with the retired keys."""
    now = utc_now()
    for row in session.scalars(select(SiteKeys).where(SiteKeys.retired_at.is_(None))):
        row.retired_at = now
    _new_keys(session, store)
    return identity(session, store)


# -- partners -------------------------------------------------------------------------


@dataclass(frozen=True)
class PartnerInfo:
    site_id: uuid.UUID
    name: str
    kind: SiteKind
    fingerprint: str
    partnership_id: uuid.UUID | None
    partnership_name: str
    paired_at: datetime
    revoked_at: datetime | None
    last_sent_sequence: int
    last_received_sequence: int
    last_exchange_at: datetime | None
    pending_changes: int
    #: Records from it that name one not here yet, waiting for it.
    waiting_records: int = 0
    #: Whether another paired site has the same name.
    shares_name: bool = False

    @property
    def active(self) -> bool:
        return self.revoked_at is None

    @property
    def label(self) -> str:
        """Its name, with the start of its fingerprint where another site has the name."""
        if not self.shares_name:
            return self.name
        return f"{self.name} (fingerprint {self.fingerprint[:11]} …)"


def read_card(raw: bytes) -> tuple[PeerKeys, str]:
    peer = read_site_card(raw)
    return peer, fingerprint(peer)


def pair(
    session: Session,
    store: Store,
    card: bytes,
    confirmed_fingerprint: str,
    *,
    partnership_id: uuid.UUID | None,
    paired_by: str,
) -> PartnerInfo:
    """Trust the site whose card this is, once its fingerprint, read aloud or from its
    printed sheet, matches the one the card gives."""
    peer, expected = read_card(card)
    if peer.site_id == store.site.id:
        raise SiteCardRefused("That is this site's own card; pair with the other site's card.")
    if not fingerprints_match(expected, confirmed_fingerprint):
        raise SiteCardRefused(
            "The fingerprint does not match this card. Read it again with the other site; "
            "if it still differs, do not pair: the card may not be theirs."
        )
    if partnership_id is not None and session.get(Partnership, partnership_id) is None:
        raise NotFound("That partnership no longer exists.")
    if partnership_id is None and _partnership_to_name(
        session, store.site.kind, peer.kind, peer.site_id
    ):
        raise ValidationError(
            f"This site works with more than one university: choose the partnership "
            f"{peer.name} belongs to."
        )
    site = session.get(Site, peer.site_id)
    if site is None:
        site = Site(id=peer.site_id, name=peer.name, kind=peer.kind, is_local=False)
        session.add(site)
    elif site.is_local:
        raise SiteCardRefused("That card carries this site's own identity.")
    site.name, site.kind = peer.name, peer.kind
    partner = session.get(Partner, peer.site_id)
    if partner is not None and partner.revoked_at is None:
        same_keys = (partner.signing_public, partner.encryption_public) == (
            peer.signing_key,
            peer.encryption_key,
        )
        if same_keys and partner.partnership_id == partnership_id:
            raise ConflictError(f"{peer.name} is already paired with this site.")
    if partner is None:
        partner = Partner(site_id=peer.site_id, last_sent_sequence=0)
        session.add(partner)
    # A new card from a known site (it rotated its keys) replaces the old keys.
    partner.signing_public = peer.signing_key
    partner.encryption_public = peer.encryption_key
    partner.fingerprint = expected
    if partner.partnership_id != partnership_id:
        # Another partnership's records, however old, are new to the partner.
        partner.acknowledged_change_seq = 0
    partner.partnership_id = partnership_id
    partner.paired_at = utc_now()
    partner.paired_by_name = paired_by
    partner.revoked_at = None
    session.flush()
    return partner_info(session, store, partner)


def revoke(session: Session, store: Store, site_id: uuid.UUID) -> PartnerInfo:
    partner = session.get(Partner, site_id)
    if partner is None:
        raise NotFound("That site is not paired with this one.")
    partner.revoked_at = partner.revoked_at or utc_now()
    return partner_info(session, store, partner)


def partners(session: Session, store: Store) -> list[PartnerInfo]:
    rows = session.scalars(select(Partner)).all()
    return sorted((partner_info(session, store, p) for p in rows), key=lambda p: p.name.casefold())


def find_partner(session: Session, name_or_fingerprint: str) -> Partner:
    """A partner by its fingerprint (as typed), or by its site name.

    Two partners may have one name (two prisons both called HMP Northfield): a name
    that fits more than one is refused, naming each with its fingerprint, so nothing
    goes to a site the user did not mean. A pairing that was revoked gives way to one
    that stands: its site is most often the same one, set up again.
    """
    wanted = name_or_fingerprint.strip()
    digits = "".join(ch for ch in wanted if ch.isdigit())
    named: list[tuple[Partner, Site]] = []
    for partner in session.scalars(select(Partner)):
        if len(digits) == 60 and digits == partner.fingerprint.replace(" ", ""):
            return partner
        site = session.get(Site, partner.site_id)
        if site is not None and site.name.casefold() == wanted.casefold():
            named.append((partner, site))
    standing = [(partner, site) for partner, site in named if partner.revoked_at is None]
    if len(named) == 1:
        return named[0][0]
    if len(standing) == 1:
        return standing[0][0]
    if not named:
        raise NotFound(f"No paired site is called {wanted!r} (or has that fingerprint).")
    candidates = sorted(standing or named, key=lambda pair: pair[0].paired_at)
    listed = " or ".join(
        f"{partner.fingerprint} ({site.kind.label.lower()} site, paired "
        f"{partner.paired_at:%d %b %Y}{', revoked' if partner.revoked_at else ''})"
        for partner, site in candidates
    )
    raise ValidationError(
        f"{len(candidates)} paired sites are called {candidates[0][1].name!r}: give the "
        f"fingerprint of the one you mean instead of its name: {listed}."
    )


def partner_info(session: Session, store: Store, partner: Partner) -> PartnerInfo:
    site = session.get(Site, partner.site_id)
    assert site is not None
    partnership = (
        session.get(Partnership, partner.partnership_id) if partner.partnership_id else None
    )
    try:
        partnerships = partnerships_for(session, store, partner)
    except ValidationError:
        partnerships = None  # an export says why it cannot go; the count is of them all
    if partner.classroom:
        pending = laptops.pending_records(
            session, partner, since_change_seq=partner.acknowledged_change_seq
        )
    else:
        pending = pending_records(
            session,
            local_kind=store.site.kind,
            partner_kind=site.kind,
            partnerships=partnerships,
            since_change_seq=partner.acknowledged_change_seq,
            partner_site_id=partner.site_id,
            partner_may_hold_research=partner.last_sent_sequence >= 1,
        )
    return PartnerInfo(
        site_id=partner.site_id,
        name=site.name,
        kind=site.kind,
        fingerprint=partner.fingerprint,
        partnership_id=partner.partnership_id,
        partnership_name=partnership.name if partnership else "",
        paired_at=partner.paired_at,
        revoked_at=partner.revoked_at,
        last_sent_sequence=partner.last_sent_sequence,
        last_received_sequence=partner.last_received_sequence,
        last_exchange_at=partner.last_exchange_at,
        pending_changes=pending,
        waiting_records=session.scalar(
            select(func.count())
            .select_from(WaitingRecord)
            .where(WaitingRecord.sender_site_id == partner.site_id)
        )
        or 0,
        shares_name=any(
            name.casefold() == site.name.casefold()
            for name in session.scalars(
                select(Site.name)
                .join(Partner, Partner.site_id == Site.id)
                .where(Site.id != partner.site_id)
            )
        ),
    )


def _peer_keys(session: Session, partner: Partner) -> PeerKeys:
    site = session.get(Site, partner.site_id)
    assert site is not None
    return PeerKeys(
        site_id=partner.site_id,
        name=site.name,
        kind=site.kind,
        signing_key=partner.signing_public,
        encryption_key=partner.encryption_public,
    )


# -- writing a bundle -----------------------------------------------------------------


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


def export_bundle(
    store: Store,
    partner_site_id: uuid.UUID,
    target: Path,
    *,
    snapshot: bool = False,
    progress: Progress | None = None,
    audit: Callable[[Session, ExportResult], None] | None = None,
) -> ExportResult:
    """Write what the partner has not acknowledged (or everything, as a snapshot).

    The bundle's number is reserved, in its own transaction, once the file is
    complete and just before it is put in place, so a number that may have reached
    the media is never given to another bundle; it counts as sent once the file
    has been read back and verified. A failed write leaves nothing that imports.
    """
    with store.read() as session:
        partner = session.get(Partner, partner_site_id)
        if partner is None:
            raise NotFound("That site is not paired with this one.")
        if partner.revoked_at is not None:
            raise ValidationError("That site's pairing was revoked; pair again to send to it.")
        me = identity(session, store)
        recipient = _peer_keys(session, partner)
        sequence = _next_sequence(partner)
        counter = session.get(ChangeCounter, 1)
        upto = counter.value if counter else 0
        since = 0 if snapshot else partner.acknowledged_change_seq
        meta = {
            "ack": partner.received_change_seq,
            "upto": upto,
            "snapshot": snapshot,
            "app_version": __version__,
            SIGNED_WITH: me.public().signing_key.hex(),
            witness.META: witness.for_partner(session, partner_site_id),
        }
        tally = Outgoing()
        if partner.classroom:
            # A classroom laptop, or the education PC it belongs to: the register only.
            lines = laptops.outgoing_lines(session, partner, since_change_seq=since, tally=tally)
        else:
            lines = outgoing_lines(
                session,
                local_kind=store.site.kind,
                partner_kind=recipient.kind,
                partnerships=partnerships_for(session, store, partner),
                since_change_seq=since,
                tally=tally,
                partner_site_id=partner_site_id,
                partner_may_hold_research=sequence > 1,
            )

        reserved: list[Path] = []

        def reserve(partial: Path) -> None:
            with store.write() as writing:
                row = writing.get(Partner, partner_site_id)
                assert row is not None
                row.reserved_sequence, row.reserved_file = sequence, str(partial)
            reserved.append(partial)

        try:
            info = write_bundle(
                target,
                sender=me,
                recipient=recipient,
                sequence=sequence,
                kind=KIND_SNAPSHOT if snapshot else KIND_CHANGES,
                meta=meta,
                chunks=_pieces(lines),
                progress=progress,
                before_rename=reserve,
            )
        except BaseException:
            # The writer removes a bundle that did not get into place or read back
            # whole: nothing carries the number, so it is free again.
            if reserved:
                _release(store, partner_site_id, sequence)
            raise
    result = ExportResult(
        info, recipient.name, sequence, snapshot, dict(tally.records), tally.redactions
    )
    with store.write() as session:
        partner = session.get(Partner, partner_site_id)
        assert partner is not None
        partner.last_sent_sequence = max(partner.last_sent_sequence, sequence)
        partner.reserved_sequence, partner.reserved_file = 0, ""
        partner.last_exchange_at = utc_now()
        if audit is not None:
            audit(session, result)
    return result


def _next_sequence(partner: Partner) -> int:
    """The number for the next bundle to ``partner``: one no bundle may already carry.

    A number reserved by an export that did not finish is free again only while its
    hidden file is still there (it was never put in place); otherwise the bundle
    may be on its way, and the number stays used.
    """
    used = partner.last_sent_sequence
    if partner.reserved_sequence > used:
        partial = Path(partner.reserved_file) if partner.reserved_file else None
        if partial is not None and partial.exists():
            with contextlib.suppress(OSError):
                partial.unlink()
            return partner.reserved_sequence
        used = partner.reserved_sequence
    return used + 1


def _release(store: Store, partner_site_id: uuid.UUID, sequence: int) -> None:
    with contextlib.suppress(LtError), store.write() as session:
        partner = session.get(Partner, partner_site_id)
        if partner is not None and partner.reserved_sequence == sequence:
            partner.reserved_sequence, partner.reserved_file = 0, ""


def partnerships_for(session: Session, store: Store, partner: Partner) -> list[uuid.UUID] | None:
    """The partnerships whose records may go to ``partner`` (None: all of them).

    A university hub keeps each prison's partnership apart: unless the pairing named
    one, a prison gets the partnerships it started itself, never another prison's.
    """
    if partner.partnership_id is not None:
        return [partner.partnership_id]
    site = session.get(Site, partner.site_id)
    if store.site.kind is SiteKind.UNIVERSITY and site is not None and site.kind is SiteKind.PRISON:
        return list(
            session.scalars(
                select(Partnership.id).where(Partnership.origin_site_id == partner.site_id)
            )
        )
    if site is not None and _partnership_to_name(
        session, store.site.kind, site.kind, partner.site_id
    ):
        # A prison working with two universities never sends one the other's people.
        raise ValidationError(
            f"This site works with more than one university: pair with {site.name} again, "
            "choosing the partnership it belongs to, before sending it anything."
        )
    return None


def _partnership_to_name(
    session: Session, local_kind: SiteKind, partner_kind: SiteKind, partner_site_id: uuid.UUID
) -> bool:
    """Whether a pairing must say which partnership the partner belongs to: a prison's
    with a university, once the prison runs more than one partnership or is paired
    with another university (whose partnership may be made later)."""
    if (local_kind, partner_kind) != (SiteKind.PRISON, SiteKind.UNIVERSITY):
        return False
    if len(session.scalars(select(Partnership.id).limit(2)).all()) > 1:
        return True
    other_university = session.scalar(
        select(Partner.site_id)
        .join(Site, Site.id == Partner.site_id)
        .where(
            Site.kind == SiteKind.UNIVERSITY,
            Partner.site_id != partner_site_id,
            Partner.revoked_at.is_(None),
        )
        .limit(1)
    )
    return other_university is not None


def _pieces(lines: Iterator[bytes]) -> Iterator[bytes]:
    """Runs of lines joined into pieces of at least ``_PIECE`` bytes (the last may be
    shorter); a run that is one line already that long goes as it is, uncopied."""
    pending: list[bytes] = []
    size = 0
    for line in lines:
        pending.append(line)
        size += len(line)
        if size >= _PIECE:
            yield pending[0] if len(pending) == 1 else b"".join(pending)
            pending.clear()
            size = 0
    if pending:
        yield b"".join(pending)


# -- taking a bundle in ---------------------------------------------------------------


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


class _DryRun(Exception):
    """Rolls a preview's transaction back."""


def open_incoming(session: Session, store: Store, path: Path) -> OpenedBundle:
    """The bundle, checked: ours to read, from a paired site whose pairing stands,
    every byte as signed."""

    def sender_keys(site_id: uuid.UUID) -> PeerKeys | None:
        partner = session.get(Partner, site_id)
        if partner is None or partner.revoked_at is not None:
            return None
        return _peer_keys(session, partner)

    last_error: BundleRejected | None = None
    for me in identities(session, store):
        try:
            return open_bundle(
                path, me=me, sender_keys=sender_keys, max_plaintext_bytes=MAX_PLAINTEXT_BYTES
            )
        except BundleRejected as error:
            if error.reason is not RejectReason.WRONG_RECIPIENT:
                raise
            last_error = error
    assert last_error is not None
    raise last_error


Audit = Callable[[Session, "ImportResult"], None]


def import_bundle(
    store: Store, path: Path, *, dry_run: bool = False, audit: Audit | None = None
) -> ImportResult:
    """Take a bundle in, in one transaction (with its audit entry): all or nothing."""
    result: ImportResult | None = None
    try:
        with store.write() as session:
            opened = open_incoming(session, store, path)
            header = opened.header
            if header.kind not in (KIND_CHANGES, KIND_SNAPSHOT):
                raise PayloadInvalid(
                    f"This bundle holds {header.kind!r}, not records this version takes in; "
                    "nothing was imported."
                )
            partner = session.get(Partner, header.sender)
            assert partner is not None  # open_incoming refused unknown senders
            sender = _peer_keys(session, partner).name
            result = ImportResult(header, sender, opened.digest, dry_run=dry_run)
            if session.scalar(
                select(ReceivedBundle.id).where(ReceivedBundle.digest == opened.digest)
            ):
                result.already_imported = True
                return result
            expected = partner.last_received_sequence + 1
            if header.sequence > expected:
                result.missing_sequences = (expected, header.sequence - 1)
            merger = _merger(session, store, partner.site_id)
            lines = decode_lines(opened.chunks())
            if partner.classroom == laptops.LAPTOP:
                lines = laptops.checked_from_laptop(session, partner, lines)
            result.summary = merger.apply_all(lines)
            # What waited for records this bundle brought, from any partner, comes in.
            merger.take_in_waiting()
            for other in session.scalars(
                select(WaitingRecord.sender_site_id)
                .where(WaitingRecord.sender_site_id != header.sender)
                .distinct()
            ).all():
                waited = _merger(session, store, other)
                waited.take_in_waiting()
                result.summary.released += waited.summary.released
                result.summary.still_waiting += waited.summary.still_waiting
            # Clashes listed here that a version now taken in was made on top of.
            result.summary.replaced = settle_from_elsewhere(session, store.site.id)
            change_seq = session.info.get(CHANGE_SEQ)
            if change_seq is not None:
                result.shared_codes = shared_codes(session, change_seq)
            # The merge lets go of what it loaded, the partner's row among them.
            partner = session.get(Partner, header.sender)
            assert partner is not None
            _record_receipt(session, partner, header, opened.digest, result.summary)
            result.audit_problems = witness.take_in(
                session, partner_site_id=partner.site_id, partner_name=sender, meta=header.meta
            )
            if dry_run:
                raise _DryRun
            if audit is not None:
                audit(session, result)
    except _DryRun:
        pass
    assert result is not None
    return result


def _merger(session: Session, store: Store, sender: uuid.UUID) -> Merger:
    site = session.get(Site, sender)
    assert site is not None  # a partner's site, or one that was
    partner = session.get(Partner, sender)
    classroom = partner is not None and bool(partner.classroom)
    return Merger(
        session,
        clock=store.sessions.clock,
        partner_site_id=sender,
        local_site_id=store.site.id,
        accepted=laptops.accepted(partner)
        if partner is not None and partner.classroom
        else frozenset(m.__tablename__ for m in TRAVELS[(site.kind, store.site.kind)]),
        # Between the two sides, what a record is about decides who may write it.
        authority=None
        if classroom or site.kind is store.site.kind
        else Authority(
            session,
            local_site_id=store.site.id,
            local_kind=store.site.kind,
            sender_site_id=sender,
            sender_kind=site.kind,
            named_partnership=None if partner is None else partner.partnership_id,
        ),
    )


def _record_receipt(
    session: Session,
    partner: Partner,
    header: BundleHeader,
    digest: str,
    summary: MergeSummary,
) -> None:
    """Note what the bundle says the partner has: the newest bundle's word stands.

    A partner's acknowledgement and change number only rise, except after it
    restored a backup: then its newer bundles carry lower acknowledgements, taken
    as they are, so this site sends again what the partner lost. A restore moves a
    site's change numbers on by a whole ``RESTORE_STEP`` (see ``storage.restore``),
    so a bundle's *epoch*, its change number's multiple of that step, says which
    came later across a restore, and its sequence number within one. A bundle made
    before the newest one taken in (it came late) says nothing newer, and moves
    nothing. Records left out for want of what they name wait here (see
    ``incoming``), so the partner need not send them again.
    """
    meta: Mapping[str, Any] = header.meta
    ack = meta.get("ack")
    upto = meta.get("upto")
    if not isinstance(upto, int) or upto < 0:
        upto = None
    epoch = (upto or 0) // RESTORE_STEP
    newest = (epoch, header.sequence) > (
        partner.received_change_seq // RESTORE_STEP,
        partner.last_received_sequence,
    )
    if newest:
        if isinstance(ack, int) and ack >= 0:
            partner.acknowledged_change_seq = ack
        if upto is not None:
            partner.received_change_seq = upto
        partner.last_received_sequence = header.sequence
    partner.last_exchange_at = utc_now()
    session.add(
        ReceivedBundle(
            sender_site_id=partner.site_id,
            sequence=header.sequence,
            digest=digest,
            records=summary.records,
            applied=summary.changes,
        )
    )


def inspect_bundle(store: Store, path: Path) -> BundleInfo:
    """Verify every byte of a bundle without taking anything in."""
    with store.read() as session:
        last_error: BundleRejected | None = None
        for me in identities(session, store):
            try:
                return verify_bundle(
                    path,
                    me=me,
                    sender_keys=lambda site_id: _known_sender(session, site_id),
                    max_plaintext_bytes=MAX_PLAINTEXT_BYTES,
                )
            except BundleRejected as error:
                if error.reason is not RejectReason.WRONG_RECIPIENT:
                    raise
                last_error = error
        assert last_error is not None
        raise last_error


def _known_sender(session: Session, site_id: uuid.UUID) -> PeerKeys | None:
    partner = session.get(Partner, site_id)
    if partner is None or partner.revoked_at is not None:
        return None
    return _peer_keys(session, partner)
