"""A partnership's stationery: what its certificates and letters carry."""

from __future__ import annotations

import uuid

from sqlalchemy import ForeignKey, LargeBinary, String, Text
from sqlalchemy.orm import Mapped, deferred, mapped_column

from lt_desktop.storage.models.base import SyncedRecord, same_thing


class Stationery(SyncedRecord):
    """How a partnership's certificates and letters are signed and headed.

    A programme record, like the partnership it belongs to: both sides write it, and it
    travels with the partnership. One per partnership (made at two sites, the two
    merge). A certificate is shown to future employers, so by default nothing on it
    names the prison: only with ``prison_signature_on_certificates`` does the prison's
    name and signature line appear.
    """

    __tablename__ = "stationery"
    __table_args__ = (same_thing("partnership_id"),)

    partnership_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("partnerships.id"), index=True)
    prison_signature_on_certificates: Mapped[bool] = mapped_column(default=False)
    university_signatory: Mapped[str] = mapped_column(String(200), default="")
    university_signatory_title: Mapped[str] = mapped_column(String(200), default="")
    prison_signatory: Mapped[str] = mapped_column(String(200), default="")
    prison_signatory_title: Mapped[str] = mapped_column(String(200), default="")
    #: Printed at the head of every letter, for replies.
    return_address: Mapped[str] = mapped_column(Text, default="")
    #: A PNG or JPEG picture, checked and limited in size when it is chosen.
    logo: Mapped[bytes | None] = deferred(mapped_column(LargeBinary, default=None))
    logo_type: Mapped[str] = mapped_column(String(20), default="")
