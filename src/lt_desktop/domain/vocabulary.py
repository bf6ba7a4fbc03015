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
    #: Before week 1 (week 0): the rules of the place, the course and each other. It
    #: keeps a register, but is not a teaching session: it counts in no attendance figure.
    INDUCTION = "induction"


#: The week an induction is held in: before the course's first week.
INDUCTION_WEEK = 0


def week_name(week: int) -> str:
    """A session's week as a heading names it: "Week 3", or "Induction" for week 0."""
    return "Induction" if week == INDUCTION_WEEK else f"Week {week}"


def week_number(week: int) -> str:
    """A session's week in a column headed "Week": "3", or "Induction"."""
    return "Induction" if week == INDUCTION_WEEK else str(week)


def week_in_words(week: int) -> str:
    """A session's week inside a sentence: "week 3", or "the induction"."""
    return "the induction" if week == INDUCTION_WEEK else f"week {week}"


class Cancellation(LabelledEnum):
    """Why a whole session did not happen. A cancelled session keeps its week in the
    programme but takes no register and counts in no attendance figure."""

    LOCKDOWN = "lockdown"
    STAFF = "staff"
    REGIME = "regime"
    OTHER = "other"


def cancellation_in_words(reason: Cancellation | None, note: str) -> str:
    """Why a session was called off, as a phrase ("lockdown: a search of the wing");
    "" for a session that was not."""
    if reason is None:
        return ""
    if reason is Cancellation.OTHER:
        return note
    return f"{reason.label.lower()}: {note}" if note else reason.label.lower()


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


class MarkReason(LabelledEnum):
    """Why someone missed a session, came late, left early or was excused."""

    ILLNESS = "illness"
    LOCKDOWN = "lockdown"
    REGIME_DELAY = "regime_delay"
    MOVEMENT = "movement"
    LEGAL_VISIT = "legal_visit"
    HEALTHCARE = "healthcare"
    WORK_OR_COURT = "work_or_court"
    TRANSFER = "transfer"
    RELEASE = "release"
    PERSONAL = "personal"
    UNKNOWN = "unknown"


#: The reasons offered for each mark, in the order they are offered. A prison's
#: regime (late unlock, movements not called, lockdown) explains most late arrivals
#: and early departures; a present mark needs no reason.
REASONS_FOR: dict[AttendanceStatus, tuple[MarkReason, ...]] = {
    AttendanceStatus.PRESENT: (),
    AttendanceStatus.LATE: (
        MarkReason.REGIME_DELAY,
        MarkReason.MOVEMENT,
        MarkReason.HEALTHCARE,
        MarkReason.LEGAL_VISIT,
        MarkReason.WORK_OR_COURT,
        MarkReason.PERSONAL,
        MarkReason.UNKNOWN,
    ),
    AttendanceStatus.LEFT_EARLY: (
        MarkReason.REGIME_DELAY,
        MarkReason.MOVEMENT,
        MarkReason.HEALTHCARE,
        MarkReason.LEGAL_VISIT,
        MarkReason.WORK_OR_COURT,
        MarkReason.ILLNESS,
        MarkReason.PERSONAL,
        MarkReason.UNKNOWN,
    ),
    AttendanceStatus.ABSENT: (
        MarkReason.ILLNESS,
        MarkReason.LOCKDOWN,
        MarkReason.REGIME_DELAY,
        MarkReason.MOVEMENT,
        MarkReason.LEGAL_VISIT,
        MarkReason.HEALTHCARE,
        MarkReason.WORK_OR_COURT,
        MarkReason.TRANSFER,
        MarkReason.RELEASE,
        MarkReason.PERSONAL,
        MarkReason.UNKNOWN,
    ),
    AttendanceStatus.EXCUSED: (
        MarkReason.ILLNESS,
        MarkReason.LOCKDOWN,
        MarkReason.LEGAL_VISIT,
        MarkReason.HEALTHCARE,
        MarkReason.WORK_OR_COURT,
        MarkReason.TRANSFER,
        MarkReason.RELEASE,
        MarkReason.PERSONAL,
        MarkReason.UNKNOWN,
    ),
}

#: Reasons for missing a session that are outside the learner's control: the prison's
#: regime (a lockdown, a late unlock, movements not called), appointments the learner
#: does not set (a legal visit, healthcare, work or court) and being moved on (a
#: transfer, a release). A session missed for one of these counts towards engagement,
#: never against it. Illness and personal reasons are the learner's own, and an
#: absence with no reason given, or one not known, is not counted as engagement.
OUTSIDE_LEARNERS_CONTROL = frozenset(
    {
        MarkReason.LOCKDOWN,
        MarkReason.REGIME_DELAY,
        MarkReason.MOVEMENT,
        MarkReason.LEGAL_VISIT,
        MarkReason.HEALTHCARE,
        MarkReason.WORK_OR_COURT,
        MarkReason.TRANSFER,
        MarkReason.RELEASE,
    }
)


class ConsentScope(LabelledEnum):
    STORIES = "stories"
    #: Short passages of their stories may be quoted in reports, never with their name.
    QUOTATION = "quotation"
    QUESTIONNAIRES = "questionnaires"
    INTERVIEW = "interview"
    ESSAY_RESEARCH = "essay_research"
    GRADUATION_PHOTOS = "graduation_photos"
    SHARE_WITH_UNIVERSITY = "share_with_university"
    CONTACT_AFTER_RELEASE = "contact_after_release"
    PROGRESSION = "progression"


class ProgressionKind(LabelledEnum):
    """What a person went on to do after a cohort: the journey the programme follows
    (with their consent) and counts for its funders."""

    FURTHER_STUDY = "further_study"
    MENTORING = "mentoring"
    FACILITATING = "facilitating"
    EMPLOYMENT = "employment"
    KEEPING_IN_TOUCH = "keeping_in_touch"


class ErasureScope(LabelledEnum):
    """What an erasure takes: a person and everything about them, or one kind of their
    data about one cohort (what a retention schedule removes)."""

    EVERYTHING = "everything"
    #: Stories of the cohort's sessions and their answers, questionnaire responses and
    #: answers, interviews and their files.
    RESEARCH_DATA = "research_data"
    #: Interviews and their files (notes, transcripts).
    INTERVIEWS = "interviews"
    #: The application to the cohort, its scores and files.
    APPLICATION = "application"


class ErasureReason(LabelledEnum):
    #: The person asked to be forgotten.
    REQUEST = "request"
    #: The retention schedule said the data was due.
    RETENTION = "retention"


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
    Cancellation.LOCKDOWN: "Lockdown",
    Cancellation.STAFF: "Staff shortage",
    Cancellation.REGIME: "Regime change",
    Cancellation.OTHER: "Other reason",
    AttendanceStatus.LEFT_EARLY: "Left early",
    MarkReason.LEGAL_VISIT: "Legal visit",
    MarkReason.WORK_OR_COURT: "Work or court",
    MarkReason.REGIME_DELAY: "Regime delay",
    MarkReason.MOVEMENT: "Movements",
    MarkReason.UNKNOWN: "Not known",
    ConsentScope.STORIES: "Weekly stories",
    ConsentScope.QUOTATION: "Quoting their stories, without their name",
    ConsentScope.ESSAY_RESEARCH: "Essay used for research",
    ConsentScope.GRADUATION_PHOTOS: "Photographs at graduation",
    ConsentScope.SHARE_WITH_UNIVERSITY: "Sharing research data with the university team",
    ConsentScope.CONTACT_AFTER_RELEASE: "Keeping in touch with the university after release",
    ConsentScope.PROGRESSION: "Following what they go on to do",
    ProgressionKind.KEEPING_IN_TOUCH: "Released, keeping in touch",
    ApplicationDecision.WAITING_LIST: "Waiting list",
    ApplicationDecision.OFFER_DECLINED: "Offer declined",
    GuestCategory.OFFENDER_MANAGER: "Offender manager",
    ClearanceStatus.NOT_SUBMITTED: "Not submitted",
    QuestionnairePhase.PRE: "Before the course",
    QuestionnairePhase.POST: "After the course",
}
