"""An erasure made at some site, kept so that it reaches every site and holds there."""

from __future__ import annotations

import uuid
from datetime import date

from sqlalchemy.orm import Mapped, mapped_column

from lt_desktop.domain.vocabulary import ErasureReason, ErasureScope, PersonBase
from lt_desktop.storage.models.base import SyncedRecord, enum_column


class Erasure(SyncedRecord):
    """A person's data erased: everything about them, or one kind of it for one cohort.

    It travels to every site (classroom laptops included), and each site that takes it
    in erases the same records of its own, then keeps erasing any that arrive later
    from a site that had not yet heard of it. It holds nothing about the person but
    their record's id: no name, no research id.
    """

    __tablename__ = "erasures"

    #: Not a link: a site that never held the person still keeps the erasure, so that
    #: nothing of theirs arriving later is taken in.
    person_id: Mapped[uuid.UUID] = mapped_column(index=True)
    scope: Mapped[ErasureScope] = enum_column(ErasureScope)
    #: The cohort a scoped erasure is about (none for everything).
    cohort_id: Mapped[uuid.UUID | None] = mapped_column(default=None)
    #: The person's base when erased: which side may make their erasure travel.
    base: Mapped[PersonBase] = enum_column(PersonBase)
    reason: Mapped[ErasureReason] = enum_column(ErasureReason)
    erased_on: Mapped[date]
    #: Made at the person's home side, so it goes to every site; an erasure the other
    #: side made (its own retention) holds at that site only.
    travels: Mapped[bool] = mapped_column(default=True)
