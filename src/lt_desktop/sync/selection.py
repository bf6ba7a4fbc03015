"""Which records of a partner's partnerships an export may carry, as subqueries of ids.

``outgoing`` decides what goes, table by table; the subqueries that keep each table
inside the partner's partnerships (and the learners transferred to it) live here.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from functools import cached_property
from typing import Any

from sqlalchemy import and_, literal_column, or_, select
from sqlalchemy import false as sql_false

from lt_desktop.domain.vocabulary import PersonBase
from lt_desktop.storage.models import (
    Attachment,
    AttendanceMark,
    Certificate,
    ClassSession,
    Cohort,
    Consent,
    Course,
    Erasure,
    Essay,
    EssayMark,
    FacilitatorTraining,
    GraduationCohort,
    GraduationEvent,
    GroupMember,
    GroupProject,
    Interview,
    Membership,
    MembershipStatusChange,
    Partnership,
    Person,
    PersonMerge,
    ProgrammeItem,
    Progression,
    ProjectGroup,
    QuestionnaireAnswer,
    QuestionnaireItem,
    QuestionnaireResponse,
    QuestionnaireTemplate,
    Reading,
    SmallGroup,
    Stationery,
    Story,
    StoryAnswer,
    StoryQuestion,
    SyncedRecord,
    Transfer,
)


class Selection:
    """The records of the partner's partnerships, as subqueries of ids.

    Each subquery is built when a condition first asks for it: a table's condition
    needs a few of them, and one selection serves one statement (see
    ``outgoing._fresh_selections``)."""

    def __init__(
        self,
        partnerships: list[uuid.UUID] | None,
        *,
        own_people_only: bool,
        arriving: Any = None,
    ) -> None:
        self._partnership_ids = partnerships
        self.own_people_only = own_people_only
        # Learners transferred to the partner (a prison), with their course record: their
        # places in cohorts elsewhere, those cohorts (and their courses and partnerships,
        # sessions and the sessions' lecturers), their marks, essays and certificates.
        # Nothing of anyone else in those cohorts, and none of their research data.
        self.arriving = (
            select(Transfer.person_id).where(sql_false()) if arriving is None else arriving
        )

    @cached_property
    def partnerships(self) -> Any:
        if self._partnership_ids is None:
            return select(Partnership.id)
        return select(Partnership.id).where(Partnership.id.in_(self._partnership_ids))

    @cached_property
    def courses(self) -> Any:
        return select(Course.id).where(Course.partnership_id.in_(self.partnerships))

    @cached_property
    def cohorts(self) -> Any:
        return select(Cohort.id).where(Cohort.course_id.in_(self.courses))

    @cached_property
    def members(self) -> Any:
        return select(Membership.person_id).where(Membership.cohort_id.in_(self.cohorts))

    @cached_property
    def arriving_memberships(self) -> Any:
        return select(Membership.id).where(Membership.person_id.in_(self.arriving))

    @cached_property
    def arriving_cohorts(self) -> Any:
        return select(Membership.cohort_id).where(Membership.person_id.in_(self.arriving))

    @cached_property
    def record_cohorts(self) -> Any:
        return select(Cohort.id).where(
            or_(Cohort.id.in_(self.cohorts), Cohort.id.in_(self.arriving_cohorts))
        )

    @cached_property
    def people(self) -> Any:
        members: Any = self.members
        # A person merged here stands with the name and details of the record kept,
        # which may make a new version of one of a prison's own learners: the prison
        # holds them, and is sent that version, so both sites hold one record alike.
        merged = select(PersonMerge.person_id).where(PersonMerge.person_id.in_(members))
        if self.own_people_only:
            members = members.join(Person, Person.id == Membership.person_id).where(
                Person.base != PersonBase.PRISON
            )
        # And whoever teaches the cohorts' sessions: a session names its lecturer, who
        # need not be a member of any cohort, and arrives only once the lecturer has.
        return members.union(
            select(ClassSession.lecturer_id).where(
                ClassSession.cohort_id.in_(self.record_cohorts),
                ClassSession.lecturer_id.isnot(None),
            ),
            self.arriving,
            merged,
        )

    @cached_property
    def memberships(self) -> Any:
        return select(Membership.id).where(
            or_(
                and_(
                    Membership.cohort_id.in_(self.cohorts),
                    _filtered(Membership.person_id).in_(self.people),
                ),
                Membership.id.in_(self.arriving_memberships),
            )
        )

    @cached_property
    def all_memberships(self) -> Any:
        # Essays, marks, feedback and certificates go for every learner in the
        # cohorts, the partner's own learners among them: a university marks the
        # prison's essays (and may record one a prison learner handed in there).
        return select(Membership.id).where(
            or_(
                Membership.cohort_id.in_(self.cohorts),
                Membership.id.in_(self.arriving_memberships),
            )
        )

    @cached_property
    def sessions(self) -> Any:
        return select(ClassSession.id).where(ClassSession.cohort_id.in_(self.cohorts))

    @cached_property
    def record_sessions(self) -> Any:
        return select(ClassSession.id).where(ClassSession.cohort_id.in_(self.record_cohorts))

    @cached_property
    def groups(self) -> Any:
        return select(SmallGroup.id).where(SmallGroup.cohort_id.in_(self.cohorts))

    @cached_property
    def projects(self) -> Any:
        return select(GroupProject.id).where(GroupProject.cohort_id.in_(self.cohorts))

    @cached_property
    def essays(self) -> Any:
        return select(Essay.id).where(Essay.membership_id.in_(self.memberships))

    @cached_property
    def marked_essays(self) -> Any:
        return select(Essay.id).where(Essay.membership_id.in_(self.all_memberships))

    @cached_property
    def events(self) -> Any:
        return select(GraduationCohort.event_id).where(
            GraduationCohort.cohort_id.in_(self.record_cohorts)
        )

    @cached_property
    def responses(self) -> Any:
        return select(QuestionnaireResponse.id).where(
            QuestionnaireResponse.cohort_id.in_(self.cohorts)
        )

    @cached_property
    def stories(self) -> Any:
        return select(Story.id).where(Story.session_id.in_(self.sessions))

    def where(self, model: type[SyncedRecord]) -> Any:
        """The condition that keeps ``model``'s records inside the partnerships."""
        # Each condition is built only when asked for: building all of them for every
        # table took about a fifth of the time of a small store's export.
        conditions: dict[type[SyncedRecord], Callable[[], Any]] = {
            Partnership: lambda: or_(
                Partnership.id.in_(self.partnerships),
                Partnership.id.in_(
                    select(Course.partnership_id).where(
                        Course.id.in_(
                            select(Cohort.course_id).where(Cohort.id.in_(self.arriving_cohorts))
                        )
                    )
                ),
            ),
            Course: lambda: or_(
                Course.id.in_(self.courses),
                Course.id.in_(select(Cohort.course_id).where(Cohort.id.in_(self.arriving_cohorts))),
            ),
            Cohort: lambda: Cohort.id.in_(self.record_cohorts),
            Person: lambda: Person.id.in_(self.people),
            Membership: lambda: Membership.id.in_(self.memberships),
            MembershipStatusChange: lambda: MembershipStatusChange.membership_id.in_(
                self.memberships
            ),
            SmallGroup: lambda: SmallGroup.id.in_(self.groups),
            GroupMember: lambda: and_(
                GroupMember.group_id.in_(self.groups),
                _filtered(GroupMember.membership_id).in_(self.memberships),
            ),
            # A project goes where its cohort's small groups go, and names only them.
            GroupProject: lambda: GroupProject.id.in_(self.projects),
            ProjectGroup: lambda: and_(
                ProjectGroup.project_id.in_(self.projects),
                ProjectGroup.group_id.in_(self.groups),
            ),
            ClassSession: lambda: ClassSession.id.in_(self.record_sessions),
            Reading: lambda: Reading.session_id.in_(self.sessions),
            AttendanceMark: lambda: (
                AttendanceMark.person_id.in_(self.arriving)
                if self.own_people_only
                else or_(
                    and_(
                        AttendanceMark.session_id.in_(self.sessions),
                        _filtered(AttendanceMark.person_id).in_(self.people),
                    ),
                    AttendanceMark.person_id.in_(self.arriving),
                )
            ),
            Essay: lambda: Essay.id.in_(self.marked_essays),
            EssayMark: lambda: EssayMark.essay_id.in_(self.marked_essays),
            Attachment: lambda: Attachment.essay_id.in_(self.essays),
            Consent: lambda: Consent.person_id.in_(self.people),
            StoryQuestion: lambda: or_(
                StoryQuestion.cohort_id.is_(None), StoryQuestion.cohort_id.in_(self.cohorts)
            ),
            Story: lambda: and_(Story.id.in_(self.stories), Story.person_id.in_(self.people)),
            StoryAnswer: lambda: StoryAnswer.story_id.in_(self.stories),
            QuestionnaireTemplate: lambda: QuestionnaireTemplate.id.isnot(None),
            QuestionnaireItem: lambda: QuestionnaireItem.id.isnot(None),
            QuestionnaireResponse: lambda: and_(
                QuestionnaireResponse.id.in_(self.responses),
                QuestionnaireResponse.person_id.in_(self.people),
            ),
            QuestionnaireAnswer: lambda: QuestionnaireAnswer.response_id.in_(self.responses),
            Interview: lambda: and_(
                Interview.cohort_id.in_(self.cohorts), Interview.person_id.in_(self.people)
            ),
            Certificate: lambda: Certificate.membership_id.in_(self.all_memberships),
            GraduationEvent: lambda: GraduationEvent.id.in_(self.events),
            GraduationCohort: lambda: GraduationCohort.cohort_id.in_(self.record_cohorts),
            # A transfer goes back to the prison the learner left, once taken on.
            Transfer: lambda: or_(
                Transfer.person_id.in_(self.people), Transfer.person_id.in_(self.members)
            ),
            # A merge goes wherever either record may be held: to a prison, for its own
            # learners too (their marks come from the university).
            PersonMerge: lambda: or_(
                PersonMerge.person_id.in_(self.people),
                PersonMerge.person_id.in_(
                    select(Membership.person_id).where(Membership.cohort_id.in_(self.cohorts))
                ),
            ),
            ProgrammeItem: lambda: ProgrammeItem.event_id.in_(self.events),
            # Training goes with the person it is about, to either side: the Groups
            # screen at each warns of a facilitator with none. A university sends the
            # training it recorded of a prison's own staff back to the prison too.
            FacilitatorTraining: lambda: or_(
                FacilitatorTraining.person_id.in_(self.people),
                FacilitatorTraining.person_id.in_(self.members),
            ),
            Stationery: lambda: Stationery.partnership_id.in_(self.partnerships),
            # What people went on to do goes for everyone in the cohorts, both ways: the
            # prison records mentoring and facilitating inside, the university keeps in
            # touch after release.
            Progression: lambda: or_(
                Progression.person_id.in_(self.people), Progression.person_id.in_(self.members)
            ),
            # An erasure goes to every partner: any may hold the person, or come to
            # hold them through another site. It names no one. One the other side
            # made under its own retention stays there.
            Erasure: lambda: Erasure.travels.is_(True),
        }
        return conditions[model]()


def _filtered(column: Any) -> Any:
    """``column`` as a value SQLite checks row by row rather than looks up in an index.

    With an IN-list on each column of a two-column unique index (a register mark's
    session and person), SQLite probes the index for every pair of the two lists:
    2,200 sessions by 5,000 people on a hub, eleven million probes for 100,000 marks.
    Looking up by the first list alone and checking the second on each row found
    costs one probe per session.
    """
    return column.op("||")(literal_column("''"))
