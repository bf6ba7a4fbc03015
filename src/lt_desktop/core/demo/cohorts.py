"""The demo's cohorts: their weekly sessions, staff, students and small groups."""

from __future__ import annotations

import hashlib
import uuid
from datetime import date, time, timedelta

from lt_desktop.core import demo_text as text
from lt_desktop.core.demo.base import (
    GROUPS_PER_COHORT,
    RECORDER,
    STUDENTS_PER_BASE,
    DemoCohort,
)
from lt_desktop.core.demo.people import PeopleAndConsent
from lt_desktop.core.demo.reading_pdf import one_page_pdf
from lt_desktop.core.services.groups import allocate
from lt_desktop.core.services.memberships import MemberInfo
from lt_desktop.domain.vocabulary import (
    Cancellation,
    MembershipRole,
    MembershipStatus,
    PersonBase,
    SessionKind,
)
from lt_desktop.storage import models as m


class CohortsAndMembers(PeopleAndConsent):
    """Plans cohorts and fills them with staff, students and groups."""

    def _cohort(self, course: m.Course, first: date, weeks: int, marked_weeks: int) -> DemoCohort:
        # Named as coordinators name them: from the first month to the graduation's.
        last = first + timedelta(weeks=weeks)
        name = (
            f"{first:%B}–{last:%B %Y}" if first.year == last.year else f"{first:%B %Y}–{last:%B %Y}"
        )
        row = m.Cohort(
            id=uuid.uuid4(),
            course=course,
            name=name,
            starts_on=first,
            ends_on=first + timedelta(weeks=weeks - 1),
            capacity=24,
        )
        self.session.add(row)
        cohort = DemoCohort(row, marked_weeks)
        lecture_plan = list(text.LECTURES)
        extra_weeks = [
            ("Revisiting the big questions", "", ""),
            ("Looking ahead: study after the course", "", ""),
        ]
        lecture_plan[-1:-1] = extra_weeks[: max(0, weeks - len(lecture_plan))]
        readings: list[tuple[m.ClassSession, list[str]]] = []
        for week in range(1, weeks + 1):
            title, reading_1, reading_2 = lecture_plan[week - 1]
            kind = (
                SessionKind.GRADUATION
                if week == weeks
                else SessionKind.WRITING_WORKSHOP
                if title.startswith("Writing")
                else SessionKind.GROUP_PROJECT
                if title.startswith("Group project")
                else SessionKind.LECTURE_AND_DISCUSSION
            )
            held_on = first + timedelta(weeks=week - 1)
            session_row = m.ClassSession(
                id=uuid.uuid4(),
                cohort=row,
                week=week,
                held_on=held_on,
                kind=kind,
                title=title,
                starts_at=time(13, 30),
                ends_at=time(16, 0),
                location="Education block, room 2",
            )
            self.session.add(session_row)
            cohort.sessions.append(session_row)
            readings.append((session_row, [line for line in (reading_1, reading_2) if line]))
        self.session.flush()  # the sessions, before the readings that name them
        for session_row, lines in readings:
            self._readings(session_row, lines)
        return cohort

    def _lockdown(self, cohort: DemoCohort, week: int) -> None:
        """A week the prison locked down: called off, it keeps its place in the
        programme, takes no register and counts in no attendance figure."""
        session_row = next(s for s in cohort.sessions if s.week == week)
        session_row.cancelled = Cancellation.LOCKDOWN
        session_row.cancelled_note = "after an incident on the wings"

    def _readings(self, session_row: m.ClassSession, lines: list[str]) -> None:
        """The session's readings, as its lecture names them; one keeps a PDF."""
        for position, line in enumerate(lines):
            title, author, pages = text.READINGS[line]
            reading = m.Reading(
                session_id=session_row.id,
                position=position,
                title=title,
                author=author,
                pages=pages,
            )
            if title == text.READING_WITH_PDF:
                data = one_page_pdf(f"{title}, {author}, {pages}", text.READING_PDF_LINES)
                reading.pdf_filename = "Armstrong and Ludlow 2016, pp 9-17.pdf"
                reading.pdf_size = len(data)
                reading.pdf_sha256 = hashlib.sha256(data).hexdigest()
                reading.pdf_data = data
            self.session.add(reading)

    def _enrol(
        self,
        cohort: DemoCohort,
        person: m.Person,
        role: MembershipRole,
        status: MembershipStatus = MembershipStatus.ACTIVE,
        since: date | None = None,
    ) -> m.Membership:
        membership = m.Membership(
            id=uuid.uuid4(),
            cohort=cohort.row,
            person=person,
            role=role,
            status=status,
            status_since=since or cohort.row.starts_on,
            joined_on=cohort.row.starts_on,
            left_on=since if status is not MembershipStatus.ACTIVE else None,
        )
        self.session.add(membership)
        self.session.flush()
        self.session.add(
            m.MembershipStatusChange(
                membership_id=membership.id,
                status=MembershipStatus.ACTIVE,
                effective_on=cohort.row.starts_on,
                reason="Enrolled",
                recorded_by_name=RECORDER,
            )
        )
        if status is not MembershipStatus.ACTIVE:
            self.session.add(
                m.MembershipStatusChange(
                    membership_id=membership.id,
                    status=status,
                    effective_on=membership.status_since,
                    reason="",
                    recorded_by_name=RECORDER,
                )
            )
        cohort.members.append((membership, person))
        return membership

    def _staff(
        self,
        cohort: DemoCohort,
        lecturers: list[m.Person],
        coordinator: m.Person,
        graduates: list[m.Person],
    ) -> m.Person:
        facilitators = [self._person(PersonBase.UNIVERSITY) for _ in range(GROUPS_PER_COHORT)]
        for person in facilitators:
            self._enrol(cohort, person, MembershipRole.FACILITATOR)
        mentors = graduates[:GROUPS_PER_COHORT] or [
            self._person(base) for base in (PersonBase.PRISON, PersonBase.UNIVERSITY) * 2
        ]
        for person in mentors:
            self._enrol(cohort, person, MembershipRole.MENTOR)
        for person in lecturers:
            self._enrol(cohort, person, MembershipRole.LECTURER)
        self._enrol(cohort, coordinator, MembershipRole.COORDINATOR)
        for index, session_row in enumerate(cohort.sessions):
            if session_row.kind is not SessionKind.GRADUATION:
                session_row.lecturer_id = lecturers[index % len(lecturers)].id
        return facilitators[0]

    def _students(self, cohort: DemoCohort, *, finished: bool) -> None:
        people = [
            self._person(base)
            for base in [PersonBase.PRISON, PersonBase.UNIVERSITY]
            for _ in range(STUDENTS_PER_BASE)
        ]
        self.rng.shuffle(people)
        leavers = (
            {
                0: (MembershipStatus.RELEASED, 5),
                1: (MembershipStatus.TRANSFERRED, 4),
                2: (MembershipStatus.WITHDRAWN, 6),
            }
            if finished
            else {0: (MembershipStatus.WITHDRAWN, 5)}
        )
        prison_people = [p for p in people if p.base is PersonBase.PRISON]
        for person in people:
            leaving = None
            if person.base is PersonBase.PRISON and prison_people.index(person) in leavers:
                leaving = leavers[prison_people.index(person)]
            if leaving:
                status, week = leaving
                since = cohort.row.starts_on + timedelta(weeks=week - 1, days=2)
                self._enrol(cohort, person, MembershipRole.STUDENT, status, since)
            else:
                status = MembershipStatus.GRADUATED if finished else MembershipStatus.ACTIVE
                since = cohort.row.ends_on if finished else cohort.row.starts_on
                self._enrol(cohort, person, MembershipRole.STUDENT, status, since)

    # -- groups and the register -------------------------------------------------------

    def _groups(self, cohort: DemoCohort) -> None:
        groups = [
            m.SmallGroup(
                id=uuid.uuid4(), cohort_id=cohort.row.id, name=f"Group {n + 1}", position=n
            )
            for n in range(GROUPS_PER_COHORT)
        ]
        self.session.add_all(groups)
        self.session.flush()
        grouped = [
            (mem, p)
            for mem, p in cohort.members
            if mem.role
            in (MembershipRole.STUDENT, MembershipRole.MENTOR, MembershipRole.FACILITATOR)
        ]
        infos = [
            MemberInfo(
                mem.id,
                cohort.row.id,
                p.id,
                p.display_name,
                p.sort_name,
                p.base,
                mem.role,
                mem.status,
                mem.status_since,
                None,
                "",
            )
            for mem, p in grouped
        ]
        placement = allocate(infos, [g.id for g in groups])
        for mem, _ in grouped:
            self.session.add(m.GroupMember(group_id=placement[mem.id], membership_id=mem.id))
