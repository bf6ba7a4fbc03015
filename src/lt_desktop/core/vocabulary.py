"""The words of the domain, as the people who run Learning Together use them.

Stored values are the enum values (stable, lower-case); ``label`` is what screens
and documents show.
"""

from __future__ import annotations

from enum import StrEnum


class LabelledEnum(StrEnum):
    @property
    def label(self) -> str:
        return _LABELS.get(self, self.value.replace("_", " ").capitalize())


class SiteKind(LabelledEnum):
    PRISON = "prison"
    UNIVERSITY = "university"


class PersonBase(LabelledEnum):
    """Where a person is based. Shown only where it matters, never as a label in lists."""

    PRISON = "prison"
    UNIVERSITY = "university"
    COMMUNITY = "community"


class MembershipRole(LabelledEnum):
    STUDENT = "student"
    MENTOR = "mentor"
    FACILITATOR = "facilitator"
    LECTURER = "lecturer"
    COORDINATOR = "coordinator"


class MembershipStatus(LabelledEnum):
    APPLIED = "applied"
    OFFERED = "offered"
    ACTIVE = "active"
    WITHDRAWN = "withdrawn"
    TRANSFERRED = "transferred"
    RELEASED = "released"
    COMPLETED = "completed"
    GRADUATED = "graduated"


#: Statuses under which a person is expected in class.
ATTENDING_STATUSES = frozenset({MembershipStatus.ACTIVE})

#: Statuses that end a membership: no more register entries are expected.
ENDED_STATUSES = frozenset(
    {
        MembershipStatus.WITHDRAWN,
        MembershipStatus.TRANSFERRED,
        MembershipStatus.RELEASED,
        MembershipStatus.COMPLETED,
        MembershipStatus.GRADUATED,
    }
)


class SessionKind(LabelledEnum):
    LECTURE_AND_DISCUSSION = "lecture_and_discussion"
    WRITING_WORKSHOP = "writing_workshop"
    GROUP_PROJECT = "group_project"
    SENSE_MAKING = "sense_making"
    GRADUATION = "graduation"


class AttendanceStatus(LabelledEnum):
    PRESENT = "present"
    LATE = "late"
    LEFT_EARLY = "left_early"
    ABSENT = "absent"
    EXCUSED = "excused"


#: Statuses that count as having attended the session.
ATTENDED_STATUSES = frozenset(
    {AttendanceStatus.PRESENT, AttendanceStatus.LATE, AttendanceStatus.LEFT_EARLY}
)


class AbsenceReason(LabelledEnum):
    ILLNESS = "illness"
    LOCKDOWN = "lockdown"
    LEGAL_VISIT = "legal_visit"
    HEALTHCARE = "healthcare"
    WORK_OR_COURT = "work_or_court"
    TRANSFER = "transfer"
    RELEASE = "release"
    PERSONAL = "personal"
    UNKNOWN = "unknown"


class ConsentScope(LabelledEnum):
    STORIES = "stories"
    QUESTIONNAIRES = "questionnaires"
    INTERVIEW = "interview"
    ESSAY_RESEARCH = "essay_research"
    GRADUATION_PHOTOS = "graduation_photos"
    SHARE_WITH_UNIVERSITY = "share_with_university"


class ApplicationDecision(LabelledEnum):
    PENDING = "pending"
    OFFERED = "offered"
    WAITING_LIST = "waiting_list"
    DECLINED = "declined"
    ACCEPTED = "accepted"
    OFFER_DECLINED = "offer_declined"
    WITHDRAWN = "withdrawn"


class MarkPosition(LabelledEnum):
    FIRST = "first"
    SECOND = "second"
    AGREED = "agreed"


class QuestionnairePhase(LabelledEnum):
    PRE = "pre"
    POST = "post"


class ItemKind(LabelledEnum):
    LIKERT = "likert"
    FREE_TEXT = "free_text"


class ClearanceStatus(LabelledEnum):
    NOT_SUBMITTED = "not_submitted"
    SUBMITTED = "submitted"
    CLEARED = "cleared"
    REFUSED = "refused"


class GuestCategory(LabelledEnum):
    FAMILY = "family"
    FRIEND = "friend"
    OFFENDER_MANAGER = "offender_manager"
    OFFICIAL = "official"
    PARTNER = "partner"


class InterviewStatus(LabelledEnum):
    PLANNED = "planned"
    DONE = "done"
    CANCELLED = "cancelled"


class InvitationAnswer(LabelledEnum):
    AWAITING = "awaiting"
    ACCEPTED = "accepted"
    DECLINED = "declined"


class AttachmentKind(LabelledEnum):
    ESSAY_SCAN = "essay_scan"
    APPLICATION_SCAN = "application_scan"
    INTERVIEW_TRANSCRIPT = "interview_transcript"
    OTHER = "other"


_LABELS: dict[StrEnum, str] = {
    SessionKind.LECTURE_AND_DISCUSSION: "Lecture and discussion",
    SessionKind.SENSE_MAKING: "Group sense-making",
    AttendanceStatus.LEFT_EARLY: "Left early",
    AbsenceReason.LEGAL_VISIT: "Legal visit",
    AbsenceReason.WORK_OR_COURT: "Work or court",
    ConsentScope.STORIES: "Weekly stories",
    ConsentScope.ESSAY_RESEARCH: "Essay used for research",
    ConsentScope.GRADUATION_PHOTOS: "Photographs at graduation",
    ConsentScope.SHARE_WITH_UNIVERSITY: "Sharing research data with the university team",
    ApplicationDecision.WAITING_LIST: "Waiting list",
    ApplicationDecision.OFFER_DECLINED: "Offer declined",
    GuestCategory.OFFENDER_MANAGER: "Offender manager",
    ClearanceStatus.NOT_SUBMITTED: "Not submitted",
    QuestionnairePhase.PRE: "Before the course",
    QuestionnairePhase.POST: "After the course",
}
