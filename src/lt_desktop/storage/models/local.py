"""Tables that belong to this installation only and never travel: the site,
settings, user accounts, the audit log, accounts' unsaved drafts and how long each
kind of data is kept."""

from __future__ import annotations

import uuid
from datetime import date, datetime

from sqlalchemy import ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from lt_desktop.domain.retention import PeriodUnit, RetentionKind
from lt_desktop.domain.roles import Role
from lt_desktop.domain.vocabulary import SiteKind
from lt_desktop.storage.models.base import Base, enum_column, utc_now


class Site(Base):
    """This installation (``is_local``) and, later, the sites it exchanges data with."""

    __tablename__ = "sites"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    kind: Mapped[SiteKind] = enum_column(SiteKind)
    is_local: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(default=utc_now)


class Setting(Base):
    __tablename__ = "settings"

    key: Mapped[str] = mapped_column(String(100), primary_key=True)
    value: Mapped[str] = mapped_column(Text)  # JSON


class User(Base):
    """A sign-in account. Its key slot in the key file has the same id."""

    __tablename__ = "users"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    username: Mapped[str] = mapped_column(String(100), unique=True)
    display_name: Mapped[str] = mapped_column(String(200))
    role: Mapped[Role] = enum_column(Role)
    disabled: Mapped[bool] = mapped_column(default=False)
    # The person a facilitator or marker account is, so "their cohorts" and
    # "their own group's students" can be worked out.
    person_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("people.id", ondelete="SET NULL"), default=None
    )
    created_at: Mapped[datetime] = mapped_column(default=utc_now)
    last_sign_in_at: Mapped[datetime | None] = mapped_column(default=None)
    password_changed_at: Mapped[datetime] = mapped_column(default=utc_now)


class AuditEntry(Base):
    """One line of the append-only audit log. Each entry's digest covers the one
    before it, so an edited or removed entry breaks the chain."""

    __tablename__ = "audit_log"

    sequence: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    at: Mapped[datetime]
    actor_id: Mapped[uuid.UUID | None]
    actor_name: Mapped[str] = mapped_column(String(200))
    action: Mapped[str] = mapped_column(String(64), index=True)
    subject_type: Mapped[str | None] = mapped_column(String(64))
    subject_id: Mapped[str | None] = mapped_column(String(64))
    details: Mapped[str] = mapped_column(Text)  # canonical JSON
    previous_digest: Mapped[str] = mapped_column(String(64))
    digest: Mapped[str] = mapped_column(String(64))


class Draft(Base):
    """What an account had typed and not saved when the window locked, kept here so
    it is encrypted like everything else, until it is put back where it was typed.

    Only ever read by the account that typed it; it never travels to another site.
    """

    __tablename__ = "drafts"
    __table_args__ = (UniqueConstraint("user_id", "screen", "record", "field"),)

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    user_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), index=True
    )
    # Where it was typed: the screen, the record shown there, and the field.
    screen: Mapped[str] = mapped_column(String(100))
    record: Mapped[str] = mapped_column(String(200))
    field: Mapped[str] = mapped_column(String(100))
    text: Mapped[str] = mapped_column(Text)
    kept_at: Mapped[datetime] = mapped_column(default=utc_now)


class RetentionSetting(Base):
    """How long this organisation keeps one kind of data, where an administrator has
    changed it from the default (``domain.retention.DEFAULTS``). Each organisation keeps
    its own schedule, so it never travels."""

    __tablename__ = "retention_settings"

    kind: Mapped[RetentionKind] = enum_column(RetentionKind, primary_key=True)
    #: Never due while off.
    off: Mapped[bool] = mapped_column(default=False)
    amount: Mapped[int] = mapped_column(default=0)
    unit: Mapped[PeriodUnit] = enum_column(PeriodUnit, default=PeriodUnit.YEARS)
    #: For a kind kept until a date (interviews: the study's end); None while not set.
    until: Mapped[date | None] = mapped_column(default=None)
    changed_at: Mapped[datetime] = mapped_column(default=utc_now)
