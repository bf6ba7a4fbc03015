"""The mentor pathway: graduates invited back to mentor later cohorts, their
training, and their place as a small group's mentor; and the journey a person's
page shows, from applying to facilitating."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from lt_desktop.core.services.base import Service, get_or_not_found
from lt_desktop.core.services.groups import place_in_group
from lt_desktop.core.services.memberships import MemberInfo, member_infos
from lt_desktop.domain.errors import ConflictError, ValidationError
from lt_desktop.domain.roles import Permission
from lt_desktop.domain.vocabulary import (
    ENDED_STATUSES,
    InvitationAnswer,
    LabelledEnum,
    MembershipRole,
    MembershipStatus,
)
from lt_desktop.storage.database import INCLUDE_DELETED
from lt_desktop.storage.models import (
    Application,
    Cohort,
    GroupMember,
    Membership,
    MembershipStatusChange,
    MentorInvitation,
    MentorTraining,
    Person,
    SmallGroup,
    utc_now,
)


class JourneyStage(LabelledEnum):
    """The steps of the Learning Together pathway, in the order people take them."""

    APPLIED = "applied"
    STUDENT = "student"
    GRADUATED = "graduated"
    MENTOR = "mentor"
    FACILITATOR = "facilitator"


_STAGE_ORDER = {stage: n for n, stage in enumerate(JourneyStage)}
_ROLE_STAGES = {
    MembershipRole.STUDENT: JourneyStage.STUDENT,
    MembershipRole.MENTOR: JourneyStage.MENTOR,
    MembershipRole.FACILITATOR: JourneyStage.FACILITATOR,
}


@dataclass(frozen=True)
class InvitationInfo:
    id: uuid.UUID
    person_id: uuid.UUID
    cohort_id: uuid.UUID
    cohort_title: str
    invited_on: date
    answer: InvitationAnswer
    answered_on: date | None
    notes: str

    def describe(self) -> str:
        if self.answer is InvitationAnswer.AWAITING:
            return f"Invited {self.invited_on:%d %b %Y}, no answer yet"
        when = f" {self.answered_on:%d %b %Y}" if self.answered_on else ""
        return f"{self.answer.label}{when}"


@dataclass(frozen=True)
class TrainingInfo:
    id: uuid.UUID
    person_id: uuid.UUID
    held_on: date
    title: str
    attended: bool
    notes: str


@dataclass(frozen=True)
class MentorCandidate:
    """A graduate who could mentor the chosen cohort, and where they are with it."""

    person_id: uuid.UUID
    display_name: str
    sort_name: str
    graduated_from: str
    graduated_on: date
    training_attended: int
    last_trained_on: date | None
    invitation: InvitationInfo | None
    membership_id: uuid.UUID | None
    role_in_cohort: MembershipRole | None
    group_id: uuid.UUID | None
    group_name: str

    @property
    def is_mentor(self) -> bool:
        return self.role_in_cohort is MembershipRole.MENTOR

    @property
    def may_be_assigned(self) -> bool:
        return (
            self.invitation is not None
            and self.invitation.answer is InvitationAnswer.ACCEPTED
            and self.role_in_cohort in (None, MembershipRole.MENTOR)
        )

    def state(self) -> str:
        if self.is_mentor:
            return f"Mentor in {self.group_name}" if self.group_name else "Mentor, no group yet"
        if self.role_in_cohort is not None:
            return f"In this cohort as {self.role_in_cohort.label.lower()}"
        if self.invitation is None:
            return "Not invited"
        if self.invitation.answer is InvitationAnswer.ACCEPTED:
            return "Accepted, not assigned yet"
        return self.invitation.describe()


@dataclass(frozen=True)
class JourneyStep:
    """One dated step. ``reached`` is False for steps on the way to a stage (an
    invitation, a training session) and for a course left before its end."""

    on: date
    stage: JourneyStage | None
    reached: bool
    what: str
    cohort: str  # the cohort's name, e.g. "January–March 2026"
    course: str
    detail: str = ""

    @property
    def where(self) -> str:
        return f"{self.course}, {self.cohort}" if self.course else self.cohort


@dataclass(frozen=True)
class Journey:
    person_id: uuid.UUID
    steps: list[JourneyStep]

    def first(self, stage: JourneyStage) -> JourneyStep | None:
        """The step that first reached ``stage``, or None if it is not reached yet."""
        return next((s for s in self.steps if s.stage is stage and s.reached), None)

    def reached(self, stage: JourneyStage) -> list[JourneyStep]:
        return [s for s in self.steps if s.stage is stage and s.reached]


def _step(
    on: date,
    stage: JourneyStage | None,
    reached: bool,
    what: str,
    cohort: Cohort | None,
    detail: str = "",
) -> JourneyStep:
    if cohort is None:
        return JourneyStep(on, stage, reached, what, "", "", detail)
    return JourneyStep(on, stage, reached, what, cohort.name, cohort.course.title, detail)


def _title(cohort: Cohort) -> str:
    return f"{cohort.course.title}: {cohort.name}"


def _invitation_info(row: MentorInvitation, cohort: Cohort) -> InvitationInfo:
    return InvitationInfo(
        row.id,
        row.person_id,
        row.cohort_id,
        _title(cohort),
        row.invited_on,
        row.answer,
        row.answered_on,
        row.notes,
    )


def _training_info(row: MentorTraining) -> TrainingInfo:
    return TrainingInfo(row.id, row.person_id, row.held_on, row.title, row.attended, row.notes)


def _graduations(session: Session) -> dict[uuid.UUID, list[tuple[Membership, Cohort]]]:
    """Everyone who graduated as a student, with the cohorts they graduated from."""
    result: dict[uuid.UUID, list[tuple[Membership, Cohort]]] = {}
    for membership, cohort in session.execute(
        select(Membership, Cohort)
        .join(Cohort, Cohort.id == Membership.cohort_id)
        .where(
            Membership.role == MembershipRole.STUDENT,
            Membership.status == MembershipStatus.GRADUATED,
        )
        .order_by(Cohort.starts_on)
    ).all():
        result.setdefault(membership.person_id, []).append((membership, cohort))
    return result


class MentoringService(Service):
    # -- who could mentor -------------------------------------------------------------

    def candidates(self, cohort_id: uuid.UUID) -> list[MentorCandidate]:
        """Graduates of earlier cohorts who could mentor ``cohort_id``, with their
        invitation to it, their training, and their place in it if they have one."""
        self._require(Permission.VIEW_PEOPLE)
        with self._store.read() as session:
            self._require_cohort_visible(session, cohort_id)
            target = get_or_not_found(session, Cohort, cohort_id, "cohort")
            visible = self._visible_cohort_ids(session)
            members = {m.person_id: m for m in member_infos(session, cohort_id)}
            invitations = {
                row.person_id: row
                for row in session.scalars(
                    select(MentorInvitation)
                    .where(MentorInvitation.cohort_id == cohort_id)
                    .order_by(MentorInvitation.invited_on, MentorInvitation.created_at)
                )
            }
            training: dict[uuid.UUID, list[MentorTraining]] = {}
            for row in session.scalars(
                select(MentorTraining)
                .where(MentorTraining.attended.is_(True))
                .order_by(MentorTraining.held_on)
            ):
                training.setdefault(row.person_id, []).append(row)
            result = []
            for person_id, graduations in _graduations(session).items():
                earlier = [
                    (m, c)
                    for m, c in graduations
                    if c.starts_on < target.starts_on and (visible is None or c.id in visible)
                ]
                if not earlier:
                    continue
                membership, cohort = earlier[-1]
                person = membership.person
                member = members.get(person_id)
                invitation = invitations.get(person_id)
                attended = training.get(person_id, [])
                result.append(
                    MentorCandidate(
                        person_id=person_id,
                        display_name=person.display_name,
                        sort_name=person.sort_name,
                        graduated_from=", ".join(_title(c) for _, c in earlier),
                        graduated_on=membership.status_since,
                        training_attended=len(attended),
                        last_trained_on=attended[-1].held_on if attended else None,
                        invitation=(
                            None if invitation is None else _invitation_info(invitation, target)
                        ),
                        membership_id=member.id if member else None,
                        role_in_cohort=member.role if member else None,
                        group_id=member.group_id if member else None,
                        group_name=member.group_name if member else "",
                    )
                )
            result.sort(key=lambda c: c.sort_name.casefold())
            return result

    def invitations(self, person_id: uuid.UUID) -> list[InvitationInfo]:
        self._require(Permission.VIEW_PEOPLE)
        with self._store.read() as session:
            self._require_person_visible(session, person_id)
            visible = self._visible_cohort_ids(session)
            return [
                _invitation_info(row, cohort)
                for row, cohort in session.execute(
                    select(MentorInvitation, Cohort)
                    .join(Cohort, Cohort.id == MentorInvitation.cohort_id)
                    .where(MentorInvitation.person_id == person_id)
                    .order_by(MentorInvitation.invited_on)
                ).all()
                if visible is None or cohort.id in visible
            ]

    # -- invitations and answers --------------------------------------------------------

    def invite(
        self, person_id: uuid.UUID, cohort_id: uuid.UUID, *, invited_on: date, notes: str = ""
    ) -> InvitationInfo:
        """Invite a graduate of an earlier cohort to mentor ``cohort_id``."""
        self._require(Permission.MANAGE_MEMBERSHIPS)
        with self._store.write() as session:
            cohort = get_or_not_found(session, Cohort, cohort_id, "cohort")
            person = get_or_not_found(session, Person, person_id, "person")
            earlier = [
                c
                for _, c in _graduations(session).get(person_id, [])
                if c.starts_on < cohort.starts_on
            ]
            if not earlier:
                raise ValidationError(
                    f"{person.display_name} has not graduated from an earlier cohort, so cannot "
                    "be invited to mentor this one."
                )
            existing = session.scalars(
                select(MentorInvitation).where(
                    MentorInvitation.person_id == person_id,
                    MentorInvitation.cohort_id == cohort_id,
                )
            ).first()
            if existing is not None:
                raise ConflictError(
                    f"{person.display_name} was already invited to mentor this cohort on "
                    f"{existing.invited_on:%d %b %Y}. Record their answer instead."
                )
            row = MentorInvitation(
                person_id=person_id, cohort_id=cohort_id, invited_on=invited_on, notes=notes.strip()
            )
            session.add(row)
            session.flush()
            self._audit(session, "mentoring.invited", "person", person_id, cohort=str(cohort_id))
            return _invitation_info(row, cohort)

    def record_answer(
        self,
        invitation_id: uuid.UUID,
        answer: InvitationAnswer,
        *,
        answered_on: date | None,
        notes: str | None = None,
    ) -> InvitationInfo:
        """Record a graduate's answer (or, with AWAITING, take a mistaken one back)."""
        self._require(Permission.MANAGE_MEMBERSHIPS)
        with self._store.write() as session:
            row = get_or_not_found(session, MentorInvitation, invitation_id, "invitation")
            if answer is InvitationAnswer.AWAITING:
                answered_on = None
            elif answered_on is None:
                raise ValidationError("Give the date of the answer.")
            elif answered_on < row.invited_on:
                raise ValidationError(
                    f"An answer cannot come before the invitation ({row.invited_on:%d %b %Y})."
                )
            row.answer, row.answered_on = answer, answered_on
            if notes is not None:
                row.notes = notes.strip()
            session.flush()
            self._audit(
                session,
                "mentoring.answer_recorded",
                "person",
                row.person_id,
                cohort=str(row.cohort_id),
                answer=answer.value,
            )
            return _invitation_info(row, get_or_not_found(session, Cohort, row.cohort_id, "cohort"))

    # -- training -----------------------------------------------------------------------

    def record_training(
        self,
        *,
        held_on: date,
        title: str,
        attendance: dict[uuid.UUID, bool],
        notes: str = "",
    ) -> list[TrainingInfo]:
        """One mentor training session and who came to it. Recording the same session
        again corrects who came."""
        self._require(Permission.MANAGE_MEMBERSHIPS)
        if not title.strip():
            raise ValidationError("Give the training session a title.")
        if not attendance:
            raise ValidationError("Choose who was expected at the training.")
        with self._store.write() as session:
            rows = []
            for person_id, attended in attendance.items():
                get_or_not_found(session, Person, person_id, "person")
                row = session.scalars(
                    select(MentorTraining)
                    .where(
                        MentorTraining.person_id == person_id,
                        MentorTraining.held_on == held_on,
                        MentorTraining.title == title.strip(),
                    )
                    .execution_options(**{INCLUDE_DELETED: True})
                ).first()
                if row is None:
                    row = MentorTraining(person_id=person_id, held_on=held_on, title=title.strip())
                    session.add(row)
                row.deleted_at, row.attended = None, attended
                if notes.strip():
                    row.notes = notes.strip()
                rows.append(row)
            session.flush()
            self._audit(
                session,
                "mentoring.training_recorded",
                people=len(rows),
                attended=sum(1 for r in rows if r.attended),
            )
            return [_training_info(r) for r in rows]

    def training(self, person_id: uuid.UUID) -> list[TrainingInfo]:
        self._require(Permission.VIEW_PEOPLE)
        with self._store.read() as session:
            self._require_person_visible(session, person_id)
            return [
                _training_info(r)
                for r in session.scalars(
                    select(MentorTraining)
                    .where(MentorTraining.person_id == person_id)
                    .order_by(MentorTraining.held_on, MentorTraining.title)
                )
            ]

    def remove_training(self, training_id: uuid.UUID) -> None:
        """Take out a training record entered by mistake."""
        self._require(Permission.MANAGE_MEMBERSHIPS)
        with self._store.write() as session:
            row = get_or_not_found(session, MentorTraining, training_id, "training record")
            row.deleted_at = utc_now()
            self._audit(session, "mentoring.training_removed", "person", row.person_id)

    # -- assignment ---------------------------------------------------------------------

    def assign(
        self,
        person_id: uuid.UUID,
        cohort_id: uuid.UUID,
        group_id: uuid.UUID | None,
        *,
        on: date | None = None,
    ) -> MemberInfo:
        """Make a graduate who accepted the invitation a mentor of the cohort, and
        the mentor of one of its small groups (or of none yet)."""
        self._require(Permission.MANAGE_MEMBERSHIPS)
        if group_id is not None:
            self._require(Permission.MANAGE_GROUPS)
        with self._store.write() as session:
            cohort = get_or_not_found(session, Cohort, cohort_id, "cohort")
            person = get_or_not_found(session, Person, person_id, "person")
            accepted = session.scalars(
                select(MentorInvitation).where(
                    MentorInvitation.person_id == person_id,
                    MentorInvitation.cohort_id == cohort_id,
                    MentorInvitation.answer == InvitationAnswer.ACCEPTED,
                )
            ).first()
            if accepted is None:
                raise ValidationError(
                    f"{person.display_name} has not accepted an invitation to mentor this "
                    "cohort. Invite them and record their answer first."
                )
            if group_id is not None:
                group = get_or_not_found(session, SmallGroup, group_id, "group")
                if group.cohort_id != cohort_id:
                    raise ValidationError("That group belongs to another cohort.")
            membership = session.scalars(
                select(Membership)
                .where(Membership.cohort_id == cohort_id, Membership.person_id == person_id)
                .execution_options(**{INCLUDE_DELETED: True})
            ).first()
            when = on or max(date.today(), cohort.starts_on)
            if membership is not None and membership.deleted_at is None:
                if membership.role is not MembershipRole.MENTOR:
                    raise ConflictError(
                        f"{person.display_name} is already in this cohort as a "
                        f"{membership.role.label.lower()}."
                    )
                if membership.status in ENDED_STATUSES:
                    raise ConflictError(
                        f"{person.display_name}'s place as a mentor in this cohort has ended "
                        f"({membership.status.label.lower()}). Change it on the Cohorts screen."
                    )
            else:
                if membership is None:
                    membership = Membership(cohort_id=cohort_id, person_id=person_id)
                    session.add(membership)
                membership.deleted_at = None
                membership.role, membership.status = MembershipRole.MENTOR, MembershipStatus.ACTIVE
                membership.status_since = membership.joined_on = when
                membership.left_on = None
                session.flush()
                session.add(
                    MembershipStatusChange(
                        membership_id=membership.id,
                        status=MembershipStatus.ACTIVE,
                        effective_on=when,
                        reason="Joined as a mentor",
                        recorded_by_name=self.actor.display_name,
                    )
                )
            # The same placement the Groups screen makes: out of any other group, into this.
            place_in_group(session, membership.id, group_id)
            self._audit(
                session,
                "mentoring.assigned",
                "membership",
                membership.id,
                group=None if group_id is None else str(group_id),
            )
            session.flush()
            return next(m for m in member_infos(session, cohort_id) if m.id == membership.id)

    # -- the journey --------------------------------------------------------------------

    def journey(self, person_id: uuid.UUID) -> Journey:
        """Every dated step of a person's way through the programme, oldest first."""
        self._require(Permission.VIEW_PEOPLE)
        with self._store.read() as session:
            self._require_person_visible(session, person_id)
            get_or_not_found(session, Person, person_id, "person")
            visible = self._visible_cohort_ids(session)

            def shown(cohort_id: uuid.UUID) -> bool:
                return visible is None or cohort_id in visible

            steps: list[JourneyStep] = []
            applied_to: set[uuid.UUID] = set()
            for application, cohort in session.execute(
                select(Application, Cohort)
                .join(Cohort, Cohort.id == Application.cohort_id)
                .where(Application.person_id == person_id)
            ).all():
                if not shown(cohort.id):
                    continue
                applied_to.add(cohort.id)
                steps.append(
                    _step(
                        application.received_on,
                        JourneyStage.APPLIED,
                        True,
                        "Applied",
                        cohort,
                        application.decision.label,
                    )
                )
            for membership, cohort in session.execute(
                select(Membership, Cohort)
                .join(Cohort, Cohort.id == Membership.cohort_id)
                .where(Membership.person_id == person_id)
            ).all():
                if shown(cohort.id):
                    steps.extend(
                        _membership_steps(session, membership, cohort, cohort.id in applied_to)
                    )
            for invitation, cohort in session.execute(
                select(MentorInvitation, Cohort)
                .join(Cohort, Cohort.id == MentorInvitation.cohort_id)
                .where(MentorInvitation.person_id == person_id)
            ).all():
                if shown(cohort.id):
                    info = _invitation_info(invitation, cohort)
                    steps.append(
                        _step(
                            invitation.invited_on,
                            JourneyStage.MENTOR,
                            False,
                            "Invited to mentor",
                            cohort,
                            "Awaiting an answer"
                            if invitation.answer is InvitationAnswer.AWAITING
                            else info.describe(),
                        )
                    )
            for training in session.scalars(
                select(MentorTraining).where(
                    MentorTraining.person_id == person_id, MentorTraining.attended.is_(True)
                )
            ):
                steps.append(
                    _step(
                        training.held_on,
                        JourneyStage.MENTOR,
                        False,
                        "Mentor training",
                        None,
                        training.title,
                    )
                )
            steps.sort(
                key=lambda s: (s.on, _STAGE_ORDER[s.stage] if s.stage else len(_STAGE_ORDER))
            )
            return Journey(person_id, steps)


def _membership_steps(
    session: Session, membership: Membership, cohort: Cohort, has_application: bool
) -> list[JourneyStep]:
    history = list(
        session.scalars(
            select(MembershipStatusChange)
            .where(MembershipStatusChange.membership_id == membership.id)
            .order_by(MembershipStatusChange.effective_on, MembershipStatusChange.created_at)
        )
    )

    def first(status: MembershipStatus) -> date | None:
        return next((c.effective_on for c in history if c.status is status), None)

    steps = []
    applied_on = first(MembershipStatus.APPLIED)
    if applied_on is not None and not has_application:
        steps.append(_step(applied_on, JourneyStage.APPLIED, True, "Applied", cohort))
    if membership.status in (MembershipStatus.APPLIED, MembershipStatus.OFFERED):
        return steps  # not started yet
    role, status = membership.role, membership.status
    stage = _ROLE_STAGES.get(role)
    began = membership.joined_on or first(MembershipStatus.ACTIVE) or cohort.starts_on
    group = ""
    if role in (MembershipRole.MENTOR, MembershipRole.FACILITATOR):
        group = (
            session.scalar(
                select(SmallGroup.name)
                .join(GroupMember, GroupMember.group_id == SmallGroup.id)
                .where(GroupMember.membership_id == membership.id)
            )
            or ""
        )
    steps.append(_step(began, stage, True, role.label, cohort, group))
    ended_on = membership.left_on or membership.status_since
    if status is MembershipStatus.GRADUATED and role is MembershipRole.STUDENT:
        graduated_on = first(MembershipStatus.GRADUATED) or ended_on
        steps.append(_step(graduated_on, JourneyStage.GRADUATED, True, "Graduated", cohort))
    elif status is MembershipStatus.COMPLETED:
        steps.append(_step(ended_on, stage, False, "Completed the course", cohort))
    elif status in ENDED_STATUSES:
        what = (
            "Left the course"
            if role is MembershipRole.STUDENT
            else f"No longer {role.label.lower()}"
        )
        steps.append(_step(ended_on, stage, False, what, cohort, status.label))
    return steps
