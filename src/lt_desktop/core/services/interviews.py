"""End-of-course evaluation: reflective interviews, for participants whose consent
covers them, and the group sense-making meeting's notes.

An interview's notes and transcript are kept only inside the encrypted store. The
transcript is an attachment that stays on the site where it was typed or imported;
the interview record and its notes travel to partner sites as other research data
does, and are redacted there once consent is withdrawn.
"""

from __future__ import annotations

import hashlib
import uuid
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from lt_desktop.core.services.base import Service, get_or_not_found
from lt_desktop.core.services.memberships import member_infos
from lt_desktop.core.services.research_consent import consent_problem, require_consent
from lt_desktop.domain.errors import ConflictError, ValidationError
from lt_desktop.domain.roles import Permission
from lt_desktop.domain.vocabulary import (
    ATTENDED_STATUSES,
    AttachmentKind,
    ConsentScope,
    InterviewStatus,
    MembershipRole,
    MembershipStatus,
    SessionKind,
)
from lt_desktop.storage.models import (
    Attachment,
    AttendanceMark,
    ClassSession,
    Cohort,
    Interview,
    Membership,
    Person,
    utc_now,
)

#: Everyone who took part in the room may be interviewed, not only students.
INTERVIEWEES = (
    MembershipRole.STUDENT,
    MembershipRole.MENTOR,
    MembershipRole.FACILITATOR,
    MembershipRole.LECTURER,
)
#: Memberships that never began: nobody to interview about the course.
_NOT_STARTED = frozenset({MembershipStatus.APPLIED, MembershipStatus.OFFERED})
MAX_TRANSCRIPT_CHARS = 500_000
TRANSCRIPT_MEDIA_TYPE = "text/plain; charset=utf-8"


@dataclass(frozen=True)
class InterviewInfo:
    id: uuid.UUID
    person_id: uuid.UUID
    cohort_id: uuid.UUID
    scheduled_for: datetime | None
    interviewer_name: str
    status: InterviewStatus
    notes: str
    transcript: str
    transcript_name: str

    def describe(self) -> str:
        when = (
            f" {self.scheduled_for.astimezone():%d %b %Y %H:%M}"
            if self.scheduled_for is not None
            else ""
        )
        return f"{self.status.label}{when}"


@dataclass(frozen=True)
class InterviewLine:
    """A participant of the cohort, whether an interview may be kept for them, and
    their interview if there is one."""

    person_id: uuid.UUID
    display_name: str
    role: MembershipRole
    consent_problem: str | None
    interview: InterviewInfo | None

    @property
    def may_be_interviewed(self) -> bool:
        return self.consent_problem is None


@dataclass(frozen=True)
class SenseMakingMeeting:
    session_id: uuid.UUID
    cohort_id: uuid.UUID
    week: int
    held_on: date
    title: str
    location: str
    notes: str
    marked: int
    attended: int


def _transcript(session: Session, interview_id: uuid.UUID) -> Attachment | None:
    return session.scalars(
        select(Attachment)
        .where(
            Attachment.interview_id == interview_id,
            Attachment.kind == AttachmentKind.INTERVIEW_TRANSCRIPT,
        )
        .order_by(Attachment.created_at.desc())
    ).first()


def _interview_info(session: Session, row: Interview) -> InterviewInfo:
    transcript = _transcript(session, row.id)
    return InterviewInfo(
        row.id,
        row.person_id,
        row.cohort_id,
        row.scheduled_for,
        row.interviewer_name,
        row.status,
        row.notes,
        transcript.data.decode("utf-8") if transcript is not None else "",
        transcript.filename if transcript is not None else "",
    )


def _check_schedule(scheduled_for: datetime | None, interviewer_name: str) -> None:
    if scheduled_for is not None and scheduled_for.tzinfo is None:
        raise ValidationError("Give the interview's time with its time zone.")
    if not interviewer_name.strip():
        raise ValidationError("Name the interviewer.")
    if len(interviewer_name.strip()) > 200:
        raise ValidationError("The interviewer's name is limited to 200 characters.")


class InterviewService(Service):
    # -- reflective interviews ----------------------------------------------------------

    def cohort(self, cohort_id: uuid.UUID) -> list[InterviewLine]:
        """Everyone in the cohort who took part, with consent shown and any interview."""
        self._require(Permission.ENTER_RESEARCH_DATA)
        with self._store.read() as session:
            self._require_cohort_visible(session, cohort_id)
            get_or_not_found(session, Cohort, cohort_id, "cohort")
            interviews: dict[uuid.UUID, Interview] = {}
            for row in session.scalars(
                select(Interview)
                .where(Interview.cohort_id == cohort_id)
                .order_by(Interview.created_at)
            ):
                current = interviews.get(row.person_id)
                # The interview that stands; a cancelled one only if there is no other.
                if current is None or current.status is InterviewStatus.CANCELLED:
                    interviews[row.person_id] = row
            lines = []
            for member in member_infos(session, cohort_id):
                if member.role not in INTERVIEWEES or member.status in _NOT_STARTED:
                    continue
                interview = interviews.get(member.person_id)
                lines.append(
                    InterviewLine(
                        member.person_id,
                        member.display_name,
                        member.role,
                        consent_problem(session, member.person_id, ConsentScope.INTERVIEW),
                        None if interview is None else _interview_info(session, interview),
                    )
                )
            return lines

    def schedule(
        self,
        cohort_id: uuid.UUID,
        person_id: uuid.UUID,
        *,
        scheduled_for: datetime | None,
        interviewer_name: str,
    ) -> InterviewInfo:
        """Arrange a reflective interview. Refused without consent to be interviewed."""
        self._require(Permission.ENTER_RESEARCH_DATA)
        _check_schedule(scheduled_for, interviewer_name)
        with self._store.write() as session:
            self._require_cohort_visible(session, cohort_id)
            self._require_person_visible(session, person_id)
            get_or_not_found(session, Cohort, cohort_id, "cohort")
            person = get_or_not_found(session, Person, person_id, "person")
            membership = session.scalars(
                select(Membership).where(
                    Membership.cohort_id == cohort_id, Membership.person_id == person_id
                )
            ).first()
            if (
                membership is None
                or membership.role not in INTERVIEWEES
                or membership.status in _NOT_STARTED
            ):
                raise ValidationError(
                    f"{person.display_name} did not take part in this cohort, so cannot be "
                    "interviewed about it."
                )
            require_consent(session, person_id, ConsentScope.INTERVIEW)
            standing = session.scalars(
                select(Interview).where(
                    Interview.cohort_id == cohort_id,
                    Interview.person_id == person_id,
                    Interview.status != InterviewStatus.CANCELLED,
                )
            ).first()
            if standing is not None:
                raise ConflictError(
                    f"{person.display_name} already has an interview for this cohort "
                    f"({standing.status.label.lower()}). Change that one instead."
                )
            row = Interview(
                person_id=person_id,
                cohort_id=cohort_id,
                scheduled_for=scheduled_for,
                interviewer_name=interviewer_name.strip(),
                status=InterviewStatus.PLANNED,
            )
            session.add(row)
            session.flush()
            self._audit(session, "interview.scheduled", "interview", row.id)
            return _interview_info(session, row)

    def update(
        self,
        interview_id: uuid.UUID,
        *,
        scheduled_for: datetime | None,
        interviewer_name: str,
        status: InterviewStatus,
        notes: str,
        transcript: str,
        transcript_name: str = "",
    ) -> InterviewInfo:
        """Change the arrangements, mark it done or cancelled, and keep its notes and
        transcript. Only cancelling is allowed once consent is gone."""
        self._require(Permission.ENTER_RESEARCH_DATA)
        _check_schedule(scheduled_for, interviewer_name)
        if len(transcript) > MAX_TRANSCRIPT_CHARS:
            raise ValidationError("That transcript is too long to keep; split it into parts.")
        with self._store.write() as session:
            row = get_or_not_found(session, Interview, interview_id, "interview")
            self._require_cohort_visible(session, row.cohort_id)
            existing = _transcript(session, row.id)
            old_transcript = existing.data.decode("utf-8") if existing is not None else ""
            adds = (bool(notes.strip()) and notes.strip() != row.notes) or (
                bool(transcript.strip()) and transcript.strip() != old_transcript
            )
            rearranges = status is not InterviewStatus.CANCELLED and (
                status is not row.status
                or scheduled_for != row.scheduled_for
                or interviewer_name.strip() != row.interviewer_name
            )
            if status is InterviewStatus.DONE:
                if scheduled_for is None:
                    raise ValidationError("Give the date the interview was held.")
                if scheduled_for > utc_now():
                    raise ValidationError("An interview set in the future cannot be done yet.")
            if adds or rearranges:
                # Without consent an interview can still be cancelled, or its notes removed.
                require_consent(
                    session,
                    row.person_id,
                    ConsentScope.INTERVIEW,
                    scheduled_for.astimezone().date()
                    if scheduled_for is not None and status is InterviewStatus.DONE
                    else None,
                )
            row.scheduled_for = scheduled_for
            row.interviewer_name = interviewer_name.strip()
            row.status = status
            row.notes = notes.strip()
            self._keep_transcript(session, row, existing, transcript.strip(), transcript_name)
            session.flush()
            self._audit(
                session,
                "interview.updated",
                "interview",
                row.id,
                status=status.value,
                notes=bool(row.notes),
                transcript=bool(transcript.strip()),
            )
            return _interview_info(session, row)

    @staticmethod
    def _keep_transcript(
        session: Session, row: Interview, existing: Attachment | None, text: str, name: str
    ) -> None:
        if not text:
            if existing is not None:
                existing.deleted_at = utc_now()
            return
        data = text.encode("utf-8")
        if existing is None:
            existing = Attachment(kind=AttachmentKind.INTERVIEW_TRANSCRIPT, interview_id=row.id)
            session.add(existing)
        elif existing.data == data and not name:
            return
        existing.filename = name.strip() or existing.filename or "transcript.txt"
        existing.media_type = TRANSCRIPT_MEDIA_TYPE
        existing.data, existing.size = data, len(data)
        existing.sha256 = hashlib.sha256(data).hexdigest()

    # -- the group sense-making meeting ----------------------------------------------------

    def sense_making(self, cohort_id: uuid.UUID) -> list[SenseMakingMeeting]:
        """The cohort's sense-making meetings, with their attendance so far and notes."""
        self._require(Permission.ENTER_RESEARCH_DATA)
        with self._store.read() as session:
            self._require_cohort_visible(session, cohort_id)
            rows = session.scalars(
                select(ClassSession)
                .where(
                    ClassSession.cohort_id == cohort_id,
                    ClassSession.kind == SessionKind.SENSE_MAKING,
                )
                .order_by(ClassSession.held_on, ClassSession.week)
            ).all()
            return [_meeting(session, row) for row in rows]

    def save_meeting_notes(self, session_id: uuid.UUID, notes: str) -> SenseMakingMeeting:
        """Keep the notes of what the group made sense of together."""
        self._require(Permission.ENTER_RESEARCH_DATA)
        with self._store.write() as session:
            row = get_or_not_found(session, ClassSession, session_id, "session")
            self._require_cohort_visible(session, row.cohort_id)
            if row.kind is not SessionKind.SENSE_MAKING:
                raise ValidationError("Notes are kept here for sense-making meetings only.")
            row.notes = notes.strip()
            session.flush()
            self._audit(session, "sense_making.notes_saved", "session", row.id)
            return _meeting(session, row)


def _meeting(session: Session, row: ClassSession) -> SenseMakingMeeting:
    counts = dict(
        session.execute(
            select(AttendanceMark.status, func.count())
            .where(AttendanceMark.session_id == row.id)
            .group_by(AttendanceMark.status)
        ).all()
    )
    return SenseMakingMeeting(
        row.id,
        row.cohort_id,
        row.week,
        row.held_on,
        row.title,
        row.location,
        row.notes,
        sum(counts.values()),
        sum(n for status, n in counts.items() if status in ATTENDED_STATUSES),
    )
