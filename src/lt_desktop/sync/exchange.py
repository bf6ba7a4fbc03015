"""Writing bundles for partner sites, and taking theirs in.

This is where the container (``bundle``), what travels (``outgoing``) and how it is
taken in (``incoming``) meet the store. Which sites are partners, and this site's
keys, are ``pairing``'s; what an exchange did, in words, ``exchange_results``'.
Permissions and the audit log are the service layer's (``core.services.sync``).
"""

from __future__ import annotations

import contextlib
import uuid
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from lt_desktop import __version__
from lt_desktop.domain.errors import LtError, NotFound, ValidationError
from lt_desktop.storage.database import CHANGE_SEQ
from lt_desktop.storage.models import (
    ChangeCounter,
    Partner,
    ReceivedBundle,
    Site,
    WaitingRecord,
    utc_now,
)
from lt_desktop.storage.restore import RESTORE_STEP
from lt_desktop.storage.store import Store
from lt_desktop.sync import bulk, erasures, laptops, witness
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
from lt_desktop.sync.exchange_results import ExportResult, ImportResult
from lt_desktop.sync.identity import PeerKeys
from lt_desktop.sync.incoming import Merger, MergeSummary
from lt_desktop.sync.merges import shared_codes
from lt_desktop.sync.outgoing import TRAVELS, Outgoing, outgoing_lines
from lt_desktop.sync.pairing import (
    _known_sender,
    _peer_keys,
    identities,
    identity,
    partnerships_for,
)
from lt_desktop.sync.records import PayloadInvalid, decode_lines

#: No bundle may hold more than this once decompressed (a year of a busy prison is
#: far less); anything larger is refused before it can fill memory or disk.
MAX_PLAINTEXT_BYTES = 4 * 1024**3
#: Lines are gathered into pieces of about this size for the container.
_PIECE = 256 * 1024

KIND_CHANGES = "changes"
KIND_SNAPSHOT = "snapshot"

Progress = Callable[[int], None]


# -- writing a bundle -----------------------------------------------------------------


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
            merger = _take_in(session, store, partner, opened)
            result.summary = merger.summary
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
            # Erasures it brought are carried out, and what it brought of people
            # erased before is erased again.
            held = erasures.hold(
                session, [(note.table, note.record_id) for note in result.summary.conflicts]
            )
            if held.forgotten:
                forgotten = set(held.forgotten)
                result.summary.conflicts = [
                    note
                    for note in result.summary.conflicts
                    if (note.table, note.record_id) not in forgotten
                ]
            result.erased_people = held.brought.people
            result.erased_records = sum(held.brought.counts.values())
            result.erased_again = sum(held.again.counts.values())
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


def _take_in(session: Session, store: Store, partner: Partner, opened: OpenedBundle) -> Merger:
    """Apply the bundle's records: into a store holding none of the tables it may fill
    (a snapshot or a first bundle to a new site) in bulk (see ``bulk``), in a
    savepoint; anything else, or a bundle the bulk path gives up on, record by record."""
    if not partner.classroom:
        site = session.get(Site, partner.site_id)
        assert site is not None
        tables = frozenset(m.__tablename__ for m in TRAVELS[(site.kind, store.site.kind)])
        if bulk.ready(session, tables):
            merger = _merger(session, store, partner.site_id, bulk=True)
            with bulk.attempt(session) as attempt:
                merger.apply_all(decode_lines(opened.chunks()))
            if attempt.kept:
                merger.bulk = False
                return merger
    merger = _merger(session, store, partner.site_id)
    lines = decode_lines(opened.chunks())
    if partner.classroom == laptops.LAPTOP:
        lines = laptops.checked_from_laptop(session, partner, lines)
    merger.apply_all(lines)
    return merger


def _merger(session: Session, store: Store, sender: uuid.UUID, *, bulk: bool = False) -> Merger:
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
        bulk=bulk,
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
