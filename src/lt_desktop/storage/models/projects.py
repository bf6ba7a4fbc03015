"""The group project: small groups of a cohort joining to work on one topic, and the
session where they present it."""

from __future__ import annotations

import uuid

from sqlalchemy import ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from lt_desktop.storage.models.base import SyncedRecord, same_thing


class GroupProject(SyncedRecord):
    __tablename__ = "group_projects"

    cohort_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("cohorts.id"), index=True)
    topic: Mapped[str] = mapped_column(String(300))
    description: Mapped[str] = mapped_column(Text, default="")
    presentation_session_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("class_sessions.id"), default=None
    )


class ProjectGroup(SyncedRecord):
    """A small group that joined a project."""

    __tablename__ = "project_groups"
    __table_args__ = (same_thing("project_id", "group_id"),)

    project_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("group_projects.id"), index=True)
    group_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("small_groups.id"), index=True)
