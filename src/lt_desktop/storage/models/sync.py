"""What a site keeps to exchange data with its partners: its own keys, its
partners, the bundles it has taken in, the records waiting for others, and the
conflicts it has resolved."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import ForeignKey, Integer, LargeBinary, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from lt_desktop.storage.models.base import Base, utc_now


class ChangeCounter(Base):
    """This site's count of write transactions (one row)."""

    __tablename__ = "change_counter"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    value: Mapped[int] = mapped_column(default=0)


class SiteKeys(Base):
    """This site's long-term keys. The private halves never leave the encrypted store.
    After a rotation the old keys stay, retired, so bundles already on their way can
    still be read."""

    __tablename__ = "site_keys"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    # Both private keys in the identity's own encoding (see docs/bundle-format.md).
    private_keys: Mapped[bytes] = mapped_column(LargeBinary)
    created_at: Mapped[datetime] = mapped_column(default=utc_now)
    retired_at: Mapped[datetime | None] = mapped_column(default=None)


class Partner(Base):
    """A paired site: its public keys as confirmed by fingerprint, and how far the
    exchange with it has got."""

    __tablename__ = "partners"

    site_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("sites.id"), primary_key=True)
    signing_public: Mapped[bytes] = mapped_column(LargeBinary)
    encryption_public: Mapped[bytes] = mapped_column(LargeBinary)
    fingerprint: Mapped[str] = mapped_column(String(100))
    # On a university hub, each prison site belongs to one partnership.
    partnership_id: Mapped[uuid.UUID | None] = mapped_column(default=None)
    paired_at: Mapped[datetime] = mapped_column(default=utc_now)
    paired_by_name: Mapped[str] = mapped_column(String(200), default="")
    revoked_at: Mapped[datetime | None] = mapped_column(default=None)
    # Bundles to it: the last sequence number written, and our change_seq it has
    # acknowledged having taken in.
    last_sent_sequence: Mapped[int] = mapped_column(default=0)
    # A number taken for a bundle just before its file was put in place (and the
    # hidden file it was written to): until the export is confirmed, whether that
    # file got there says whether the number is used up.
    reserved_sequence: Mapped[int] = mapped_column(default=0)
    reserved_file: Mapped[str] = mapped_column(Text, default="")
    acknowledged_change_seq: Mapped[int] = mapped_column(default=0)
    # Bundles from it: the last sequence number taken in, and its change_seq we have
    # taken in (acknowledged back in our next bundle).
    last_received_sequence: Mapped[int] = mapped_column(default=0)
    received_change_seq: Mapped[int] = mapped_column(default=0)
    last_exchange_at: Mapped[datetime | None] = mapped_column(default=None)
    # A classroom laptop of this prison site ("laptop", at the education PC), or the
    # education PC a laptop belongs to ("education_pc", at the laptop); empty for any
    # other site. See ``sync.laptops``.
    classroom: Mapped[str] = mapped_column(String(20), default="")
    # For a classroom pairing, the cohorts whose registers the laptop carries (their
    # ids as hex, separated by spaces).
    laptop_cohorts: Mapped[str] = mapped_column(Text, default="")
    # Where registers were last carried to or from for it: a stick's folder.
    exchange_folder: Mapped[str] = mapped_column(Text, default="")


class ReceivedBundle(Base):
    """A bundle taken in, known by its signed digest, so taking it in again changes
    nothing and says so."""

    __tablename__ = "received_bundles"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    sender_site_id: Mapped[uuid.UUID] = mapped_column(index=True)
    sequence: Mapped[int]
    digest: Mapped[str] = mapped_column(String(128), unique=True)
    imported_at: Mapped[datetime] = mapped_column(default=utc_now)
    records: Mapped[int] = mapped_column(default=0)
    applied: Mapped[int] = mapped_column(default=0)


class SyncConflict(Base):
    """Two sites changed one record at the same time; the rule kept one version and
    this keeps the other, for an administrator to review.

    A clash is settled when someone chooses between the two (here, or at another site:
    the choice travels as a new version of the record made on top of both), or when
    the record moves on from a version that was made with both in its history."""

    __tablename__ = "sync_conflicts"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    table_name: Mapped[str] = mapped_column(String(64))
    record_id: Mapped[uuid.UUID]
    kept_version: Mapped[str] = mapped_column(String(64))
    lost_version: Mapped[str] = mapped_column(String(64))
    lost_values: Mapped[str] = mapped_column(Text)  # JSON of the version not kept
    kept_from: Mapped[str] = mapped_column(String(20))  # "this site" or "partner"
    partner_site_id: Mapped[uuid.UUID]
    detected_at: Mapped[datetime] = mapped_column(default=utc_now)
    reviewed_at: Mapped[datetime | None] = mapped_column(default=None)
    reviewed_by_name: Mapped[str] = mapped_column(String(200), default="")
    # The version kept, as its whole line like the one not kept, so the two can be
    # shown side by side however the record changes after (empty on conflicts
    # listed before it was kept: the record as held now stands in for it).
    kept_values: Mapped[str] = mapped_column(Text, default="")
    # The version of the record that settled the clash: made here when someone chose
    # between the two, or taken in from the site where the record moved on.
    settled_version: Mapped[str | None] = mapped_column(String(64), default=None)
    # Settled at another site, where this site's change gave way: the user is told
    # (on the Sync screen and by `lt-desktop conflicts`) until it is marked seen.
    ours_replaced: Mapped[bool] = mapped_column(default=False)


class MergedRecord(Base):
    """A record found, when a partner's came in, to be the same thing as another (one
    register mark, one story: the same natural key) under another id. The two were
    merged into the survivor; links that still name the merged one mean the survivor."""

    __tablename__ = "merged_records"

    record_id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    table_name: Mapped[str] = mapped_column(String(64))
    merged_into: Mapped[uuid.UUID] = mapped_column(index=True)
    merged_at: Mapped[datetime] = mapped_column(default=utc_now)


class WaitingRecord(Base):
    """A partner's record that names one this site does not hold yet (it is in a
    bundle still to come, or on its way from another site): kept as it arrived, and
    taken in by the first import after which what it names is here."""

    __tablename__ = "waiting_records"
    __table_args__ = (UniqueConstraint("table_name", "record_id", "version"),)

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    sender_site_id: Mapped[uuid.UUID] = mapped_column(index=True)
    table_name: Mapped[str] = mapped_column(String(64))
    record_id: Mapped[uuid.UUID]
    version: Mapped[str] = mapped_column(String(64))
    line: Mapped[bytes] = mapped_column(LargeBinary)
    waiting_since: Mapped[datetime] = mapped_column(default=utc_now)
