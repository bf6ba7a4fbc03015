"""The demo's course as it really runs: an induction before each cohort's first week,
with its register; the facilitators' training; and each cohort's group project.

Added after everything else and drawing no random numbers, so nothing made before
changes: the inductions are not among a cohort's ``sessions`` (no story, mark or
figure elsewhere in the demo is made for them).
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, time, timedelta

from sqlalchemy import select

from lt_desktop.core.demo.base import RECORDER, DemoBuilderBase, DemoCohort
from lt_desktop.domain.vocabulary import (
    INDUCTION_WEEK,
    AttendanceStatus,
    MarkReason,
    MembershipRole,
    PersonBase,
    SessionKind,
)
from lt_desktop.storage import models as m

#: The demo's projects: a topic and description for each cohort, in the order the
#: cohorts are made, and which of its groups (by position) joined.
PROJECTS = [
    (
        "A just response: designing a restorative meeting",
        "Groups 1 and 3 planned a restorative meeting after a burglary, from the first "
        "letter to the last handshake, and presented it as a short role play. The "
        "discussion afterwards turned on who speaks for the community.",
        (0, 2),
    ),
    (
        "What would a fair prison look like?",
        "All four groups took one part each (arrival, work and learning, family contact, "
        "leaving) and put them together as a proposal to the governor, presented with a "
        "poster and questions from the floor.",
        (0, 1, 2, 3),
    ),
]

#: Facilitator training as the university and the prison run it, weeks before a cohort.
TRAINING = [
    (42, "Facilitating discussion across difference (university)"),
    (21, "Working in a prison: security and the regime (HMP Northfield)"),
]


class CourseLife(DemoBuilderBase):
    def _course_life(self, cohorts: list[DemoCohort]) -> None:
        for cohort, project in zip(cohorts, PROJECTS, strict=True):
            self._induction(cohort)
            self._facilitator_training(cohort, untrained=1 if cohort is cohorts[-1] else 0)
            self._project(cohort, *project)

    def _induction(self, cohort: DemoCohort) -> None:
        """A session the Wednesday before week 1, its register taken: everyone came but
        one prison-based student, whose movement was not called."""
        held_on = cohort.row.starts_on - timedelta(days=5)
        induction = m.ClassSession(
            id=uuid.uuid4(),
            cohort_id=cohort.row.id,
            week=INDUCTION_WEEK,
            held_on=held_on,
            kind=SessionKind.INDUCTION,
            title="The course, the prison and each other",
            starts_at=time(13, 30),
            ends_at=time(15, 30),
            location="Education block, room 2",
        )
        self.session.add(induction)
        self.session.flush()
        recorded = datetime.combine(held_on, time(15, 35), UTC)
        missed: uuid.UUID | None = None
        for membership, person in cohort.members:
            if membership.role not in (
                MembershipRole.STUDENT,
                MembershipRole.MENTOR,
                MembershipRole.FACILITATOR,
            ):
                continue
            status, reason = AttendanceStatus.PRESENT, None
            if (
                missed is None
                and membership.role is MembershipRole.STUDENT
                and person.base is PersonBase.PRISON
            ):
                missed = person.id
                status, reason = AttendanceStatus.ABSENT, MarkReason.MOVEMENT
            self.session.add(
                m.AttendanceMark(
                    session_id=induction.id,
                    person_id=person.id,
                    status=status,
                    absence_reason=reason,
                    recorded_by_name=RECORDER,
                    recorded_at=recorded,
                )
            )

    def _facilitator_training(self, cohort: DemoCohort, *, untrained: int) -> None:
        """The cohort's facilitators trained before it began, but the last ``untrained``
        of them: the Groups screen warns of their groups."""
        facilitators = [
            person for mem, person in cohort.members if mem.role is MembershipRole.FACILITATOR
        ]
        for person in facilitators[: len(facilitators) - untrained]:
            for days_before, title in TRAINING:
                self.session.add(
                    m.FacilitatorTraining(
                        person_id=person.id,
                        held_on=cohort.row.starts_on - timedelta(days=days_before),
                        title=title,
                    )
                )

    def _project(
        self, cohort: DemoCohort, topic: str, description: str, positions: tuple[int, ...]
    ) -> None:
        """The cohort's group project, presented at its group project session, if it
        has reached it."""
        reached = [s for s in cohort.sessions if cohort.marked(s)]
        presented = next((s for s in reached if s.kind is SessionKind.GROUP_PROJECT), None)
        if presented is None:
            return
        project = m.GroupProject(
            id=uuid.uuid4(),
            cohort_id=cohort.row.id,
            topic=topic,
            description=description,
            presentation_session_id=presented.id,
        )
        self.session.add(project)
        self.session.flush()
        for group in self.session.scalars(
            select(m.SmallGroup).where(m.SmallGroup.cohort_id == cohort.row.id)
        ):
            if group.position in positions:
                self.session.add(m.ProjectGroup(project_id=project.id, group_id=group.id))
