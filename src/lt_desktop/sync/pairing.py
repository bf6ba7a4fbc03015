"""This site's keys, and the partner sites it is paired with.

Pairing trusts another site's card once its fingerprint is confirmed; revoking ends
that trust. What is known of each partner (``PartnerInfo``), which partnerships'
records may go to it, and the keys a bundle from it must be signed with are worked
out here, for exchanges (``exchange``) and for the screens that list partners.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from lt_desktop.domain.errors import ConflictError, LtError, NotFound, ValidationError
from lt_desktop.domain.vocabulary import SiteKind
from lt_desktop.storage.models import Partner, Partnership, Site, SiteKeys, WaitingRecord, utc_now
from lt_desktop.storage.store import Store
from lt_desktop.sync import laptops
from lt_desktop.sync.identity import (
    PeerKeys,
    SiteIdentity,
    fingerprint,
    fingerprints_match,
    read_site_card,
)
from lt_desktop.sync.outgoing import pending_records


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


def _known_sender(session: Session, site_id: uuid.UUID) -> PeerKeys | None:
    partner = session.get(Partner, site_id)
    if partner is None or partner.revoked_at is not None:
        return None
    return _peer_keys(session, partner)
