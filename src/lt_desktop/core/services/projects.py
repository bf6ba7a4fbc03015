"""Group projects: small groups of a cohort joining to work on a topic, presented at
one of the cohort's sessions (usually its group project week).

A project is a programme record, like the groups it names: either side may record
one, and it is shown on the cohort page and in the cohort report.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from lt_desktop.core.services.base import Service, get_or_not_found
from lt_desktop.domain.errors import ConflictError, ValidationError
from lt_desktop.domain.roles import Permission
from lt_desktop.domain.vocabulary import week_name
from lt_desktop.storage.database import INCLUDE_DELETED
from lt_desktop.storage.models import (
    ClassSession,
    Cohort,
    GroupProject,
    ProjectGroup,
    SmallGroup,
    utc_now,
)

#: A topic is a line; the description a paragraph or two.
TOPIC_LIMIT = 300
DESCRIPTION_LIMIT = 4000


@dataclass(frozen=True)
class ProjectGroupInfo:
    group_id: uuid.UUID
    name: str


@dataclass(frozen=True)
class ProjectInfo:
    id: uuid.UUID
    cohort_id: uuid.UUID
    topic: str
    description: str
    presentation_session_id: uuid.UUID | None
    #: The presentation session's day, and it in words ("Week 9, Mon 16 Mar 2026").
    presented_on: date | None
    presentation: str
    groups: list[ProjectGroupInfo]

    def group_names(self) -> str:
        """The groups that joined, in words: "Group 1, Group 2 and Group 4"."""
        names = [g.name for g in self.groups]
        if not names:
            return "No groups chosen yet"
        return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


def describe_session(session_row: ClassSession) -> str:
    return f"{week_name(session_row.week)}, {session_row.held_on:%a %d %b %Y}"


def project_infos(session: Session, cohort_id: uuid.UUID) -> list[ProjectInfo]:
    """A cohort's projects, in the order they were presented (those with no session
    yet last), with the groups that joined each in the groups' own order."""
    projects = list(
        session.scalars(select(GroupProject).where(GroupProject.cohort_id == cohort_id))
    )
    ids = [p.id for p in projects]
    joined: dict[uuid.UUID, list[ProjectGroupInfo]] = {}
    for project_id, group_id, name in session.execute(
        select(ProjectGroup.project_id, SmallGroup.id, SmallGroup.name)
        .join(SmallGroup, SmallGroup.id == ProjectGroup.group_id)
        .where(ProjectGroup.project_id.in_(ids))
        .order_by(SmallGroup.position, SmallGroup.name)
    ):
        joined.setdefault(project_id, []).append(ProjectGroupInfo(group_id, name))
    session_ids = {p.presentation_session_id for p in projects if p.presentation_session_id}
    sessions = {
        s.id: s
        for s in session.scalars(select(ClassSession).where(ClassSession.id.in_(session_ids)))
    }
    infos = []
    for project in projects:
        chosen = project.presentation_session_id
        presented = sessions.get(chosen) if chosen is not None else None
        infos.append(
            ProjectInfo(
                id=project.id,
                cohort_id=project.cohort_id,
                topic=project.topic,
                description=project.description,
                presentation_session_id=presented.id if presented else None,
                presented_on=presented.held_on if presented else None,
                presentation=describe_session(presented) if presented else "",
                groups=joined.get(project.id, []),
            )
        )
    infos.sort(key=lambda p: (p.presented_on is None, p.presented_on or date.min, p.topic))
    return infos


class ProjectService(Service):
    def projects(self, cohort_id: uuid.UUID) -> list[ProjectInfo]:
        """The cohort's group projects."""
        self._require_any(Permission.VIEW_ALL_COHORTS, Permission.VIEW_OWN_COHORTS)
        with self._store.read() as session:
            self._require_cohort_visible(session, cohort_id)
            get_or_not_found(session, Cohort, cohort_id, "cohort")
            return project_infos(session, cohort_id)

    def add_project(
        self,
        cohort_id: uuid.UUID,
        *,
        topic: str,
        group_ids: list[uuid.UUID],
        description: str = "",
        presentation_session_id: uuid.UUID | None = None,
    ) -> ProjectInfo:
        """Record a project: its topic, the small groups that joined and the session
        they presented it at."""
        self._require(Permission.EDIT_PROGRAMME)
        topic, description = _checked(topic, description)
        with self._store.write() as session:
            self._require_cohort_visible(session, cohort_id)
            get_or_not_found(session, Cohort, cohort_id, "cohort")
            project = GroupProject(cohort_id=cohort_id, topic=topic, description=description)
            session.add(project)
            session.flush()
            self._place(session, project, group_ids, presentation_session_id)
            self._audit(session, "projects.added", "cohort", cohort_id, groups=len(group_ids))
            return _one(session, project)

    def update_project(
        self,
        project_id: uuid.UUID,
        *,
        topic: str,
        group_ids: list[uuid.UUID],
        description: str,
        presentation_session_id: uuid.UUID | None,
    ) -> ProjectInfo:
        """Change a project's topic, description, groups or presentation session."""
        self._require(Permission.EDIT_PROGRAMME)
        topic, description = _checked(topic, description)
        with self._store.write() as session:
            project = self._visible_project(session, project_id)
            project.topic, project.description = topic, description
            self._place(session, project, group_ids, presentation_session_id)
            self._audit(session, "projects.changed", "cohort", project.cohort_id)
            return _one(session, project)

    def remove_project(self, project_id: uuid.UUID) -> None:
        """Take a project out (recorded by mistake); the groups are not touched."""
        self._require(Permission.EDIT_PROGRAMME)
        with self._store.write() as session:
            project = self._visible_project(session, project_id)
            now = utc_now()
            for link in session.scalars(
                select(ProjectGroup).where(ProjectGroup.project_id == project.id)
            ):
                link.deleted_at = now
            project.deleted_at = now
            self._audit(session, "projects.removed", "cohort", project.cohort_id)

    def _visible_project(self, session: Session, project_id: uuid.UUID) -> GroupProject:
        project = get_or_not_found(session, GroupProject, project_id, "project")
        self._require_cohort_visible(session, project.cohort_id)
        return project

    def _place(
        self,
        session: Session,
        project: GroupProject,
        group_ids: Iterable[uuid.UUID],
        presentation_session_id: uuid.UUID | None,
    ) -> None:
        """Set the project's presentation session and the groups that joined it, each
        checked to be the project's cohort's."""
        wanted = list(dict.fromkeys(group_ids))
        if not wanted:
            raise ValidationError("Choose the small groups that joined the project.")
        if presentation_session_id is not None:
            presented = get_or_not_found(session, ClassSession, presentation_session_id, "session")
            if presented.cohort_id != project.cohort_id:
                raise ValidationError("That session belongs to another cohort.")
        project.presentation_session_id = presentation_session_id
        for group_id in wanted:
            group = get_or_not_found(session, SmallGroup, group_id, "group")
            if group.cohort_id != project.cohort_id:
                raise ValidationError("That group belongs to another cohort.")
            elsewhere = session.scalar(
                select(GroupProject.topic)
                .join(ProjectGroup, ProjectGroup.project_id == GroupProject.id)
                .where(ProjectGroup.group_id == group_id, GroupProject.id != project.id)
            )
            if elsewhere is not None:
                raise ConflictError(
                    f"{group.name} already joined the project “{elsewhere}”. Take it out "
                    "of that one first."
                )
        links = session.scalars(
            select(ProjectGroup)
            .where(ProjectGroup.project_id == project.id)
            .execution_options(**{INCLUDE_DELETED: True})
        ).all()
        now = utc_now()
        for link in links:
            if link.group_id in wanted and link.deleted_at is not None:
                link.deleted_at = None
            elif link.group_id not in wanted and link.deleted_at is None:
                link.deleted_at = now
        held = {link.group_id for link in links}
        session.add_all(
            ProjectGroup(project_id=project.id, group_id=group_id)
            for group_id in wanted
            if group_id not in held
        )
        session.flush()


def _checked(topic: str, description: str) -> tuple[str, str]:
    topic = " ".join(topic.split())
    if not topic:
        raise ValidationError("Give the project its topic.")
    if len(topic) > TOPIC_LIMIT:
        raise ValidationError(f"A project's topic is at most {TOPIC_LIMIT} characters.")
    description = description.strip()
    if len(description) > DESCRIPTION_LIMIT:
        raise ValidationError(
            f"A project's description is at most {DESCRIPTION_LIMIT} characters: "
            "a short account, not the project itself."
        )
    return topic, description


def _one(session: Session, project: GroupProject) -> ProjectInfo:
    return next(p for p in project_infos(session, project.cohort_id) if p.id == project.id)
