"""People who move: a learner transferred to another prison, and two records of one
person made one."""

from __future__ import annotations

import uuid
from datetime import date

from sqlalchemy import ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from lt_desktop.storage.models.base import SyncedRecord


class Transfer(SyncedRecord):
    """A learner moved to another prison mid-course, as the prison they left recorded it.

    Their course record stays whole where it is; the transfer tells the prison they
    went to (when it is in the network) that it may take them on. It names where they
    went as staff named it and, where the site recording it (or a site it reaches)
    knows that prison, by its site id. Nothing prison-only is in it.
    """

    __tablename__ = "transfers"

    person_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("people.id"), index=True)
    transferred_on: Mapped[date]
    to_name: Mapped[str] = mapped_column(String(200))
    to_site_id: Mapped[uuid.UUID | None] = mapped_column(default=None, index=True)
    reason: Mapped[str] = mapped_column(Text, default="")
    recorded_by_name: Mapped[str] = mapped_column(String(200), default="")
    # When the prison they went to took them on (enrolled them in a cohort there).
    taken_on: Mapped[date | None] = mapped_column(default=None)


class PersonMerge(SyncedRecord):
    """Two records of one person made one, at some site: ``merged_id`` was merged into
    ``person_id``. It travels, and every site holding either record merges them the
    same way when it arrives (``sync.person_merges``)."""

    __tablename__ = "person_merges"

    person_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("people.id"), index=True)
    # Not a link: the record it names is gone once the merge is made.
    merged_id: Mapped[uuid.UUID] = mapped_column(index=True)
    merged_on: Mapped[date]
    recorded_by_name: Mapped[str] = mapped_column(String(200), default="")
