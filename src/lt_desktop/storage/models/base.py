"""Declarative base, column types and the synced-record mixin shared by every table."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import (
    DateTime,
    Enum,
    MetaData,
    String,
    Text,
    TypeDecorator,
    UniqueConstraint,
    Uuid,
)
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class UtcDateTime(TypeDecorator[datetime]):
    """Timestamps stored in UTC and always handed back time-zone aware."""

    impl = DateTime
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetimes are ambiguous; pass an aware one")
        return value.astimezone(UTC).replace(tzinfo=None)

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        return None if value is None else value.replace(tzinfo=UTC)


def utc_now() -> datetime:
    return datetime.now(UTC)


def enum_column(enum: type[StrEnum], **kwargs: Any) -> Any:
    """A column holding an enum by its stable value, as plain text."""
    return mapped_column(
        Enum(
            enum,
            native_enum=False,
            create_constraint=False,
            length=32,
            values_callable=lambda members: [member.value for member in members],
            validate_strings=True,
        ),
        **kwargs,
    )


#: In a unique constraint's ``info``: its values name one thing wherever it is recorded.
SAME_THING = "same_thing"
#: In a column's ``info``: it holds a code made at one site (see ``site_code_column``).
SITE_CODE = "site_code"


def same_thing(*columns: str) -> UniqueConstraint:
    """A key that says what a record is about: one register mark for a person at a
    session, one story for a person in a week.

    Its values are ids of records (random, so they name the same thing at every site)
    and the like, so two records with the same values are records of one thing even
    when two sites made them under different ids: they merge when they meet
    (``lt_desktop.sync.merges``). Every unique key of a record that travels is one of
    these; a code a site makes for its own records is a ``site_code_column`` instead.
    """
    return UniqueConstraint(*columns, info={SAME_THING: True})


def site_code_column(length: int) -> Any:
    """A code a site makes for the records it makes (a research ID, a candidate number,
    a certificate's serial), never given twice there.

    Another site makes its codes independently and may make the same one for something
    else, so the column is not unique in the store and never makes two records one.
    """
    return mapped_column(String(length), index=True, info={SITE_CODE: True})


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)
    type_annotation_map = {datetime: UtcDateTime, uuid.UUID: Uuid}


class SyncedRecord(Base):
    """A record that may travel between sites.

    Every such record has a UUID key (unique across sites), when and where it was
    made, a hybrid-logical-clock version that orders its changes across sites (with
    the version it replaced), this site's change sequence, and a tombstone instead
    of deletion so a removal can travel too. The store fills these in on flush;
    services never set them by hand.
    """

    __abstract__ = True

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    created_at: Mapped[datetime] = mapped_column(default=utc_now)
    updated_at: Mapped[datetime] = mapped_column(default=utc_now)
    origin_site_id: Mapped[uuid.UUID]
    version: Mapped[str] = mapped_column(String(64), index=True)
    # The version this one replaced: lets a site tell an edit made on top of what it
    # has (a fast-forward) from one made at the same time elsewhere (a conflict).
    previous_version: Mapped[str | None] = mapped_column(String(64), default=None)
    # The newest version of the record each site made that this version builds on
    # (storage.ancestry): tells an edit made after several others, or relayed by a
    # third site, from one made independently. Empty on records older than it.
    ancestry: Mapped[str] = mapped_column(Text, default="")
    # When this site last wrote the record, made or received, in its own count of
    # transactions: what a partner has not yet acknowledged is what changed after.
    change_seq: Mapped[int] = mapped_column(default=0, index=True)
    deleted_at: Mapped[datetime | None] = mapped_column(default=None)

    @property
    def is_deleted(self) -> bool:
        return self.deleted_at is not None
