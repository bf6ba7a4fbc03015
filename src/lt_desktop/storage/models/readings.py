"""A session's readings: what students read before the session, with an optional PDF.

Readings are programme records, like the sessions they belong to: the university
usually chooses them and the prison copies them for its students, who have no
internet, so they travel both ways. The PDF is kept inside the encrypted store.
"""

from __future__ import annotations

import uuid

from sqlalchemy import ForeignKey, LargeBinary, String
from sqlalchemy.orm import Mapped, deferred, mapped_column

from lt_desktop.storage.models.base import SyncedRecord


class Reading(SyncedRecord):
    """One reading of a session, in the order the session lists them."""

    __tablename__ = "readings"

    session_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("class_sessions.id"), index=True)
    position: Mapped[int] = mapped_column(default=0)
    title: Mapped[str] = mapped_column(String(500))
    author: Mapped[str] = mapped_column(String(300), default="")
    #: The pages to read, as people write them ("pp. 12–30", "chapter 3").
    pages: Mapped[str] = mapped_column(String(100), default="")
    #: The attached PDF, if any: its name as chosen, size and SHA-256, and the bytes
    #: (loaded only when asked for: a list of readings never reads them).
    pdf_filename: Mapped[str] = mapped_column(String(255), default="")
    pdf_size: Mapped[int] = mapped_column(default=0)
    pdf_sha256: Mapped[str] = mapped_column(String(64), default="")
    pdf_data: Mapped[bytes | None] = deferred(mapped_column(LargeBinary, default=None))
