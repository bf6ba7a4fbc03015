"""Every table of the store. Importing this module registers them all on ``Base.metadata``."""

from lt_desktop.storage.models.assessment import Attachment, Essay, EssayMark
from lt_desktop.storage.models.attendance import AttendanceMark
from lt_desktop.storage.models.base import Base, SyncedRecord, utc_now
from lt_desktop.storage.models.course_life import (
    Application,
    ApplicationScore,
    Certificate,
    GraduationCohort,
    GraduationEvent,
    GraduationGuest,
    MentorInvitation,
    MentorTraining,
    ProgrammeItem,
    RubricCriterion,
)
from lt_desktop.storage.models.local import AuditEntry, Setting, Site, User
from lt_desktop.storage.models.people import Person, PrisonDetails
from lt_desktop.storage.models.programme import (
    ClassSession,
    Cohort,
    Course,
    GroupMember,
    Membership,
    MembershipStatusChange,
    Partnership,
    SmallGroup,
)
from lt_desktop.storage.models.research import (
    Consent,
    Interview,
    QuestionnaireAnswer,
    QuestionnaireItem,
    QuestionnaireResponse,
    QuestionnaireTemplate,
    Story,
    StoryAnswer,
    StoryQuestion,
)

__all__ = [
    "Application",
    "ApplicationScore",
    "Attachment",
    "AttendanceMark",
    "AuditEntry",
    "Base",
    "Certificate",
    "ClassSession",
    "Cohort",
    "Consent",
    "Course",
    "Essay",
    "EssayMark",
    "GraduationCohort",
    "GraduationEvent",
    "GraduationGuest",
    "GroupMember",
    "Interview",
    "Membership",
    "MembershipStatusChange",
    "MentorInvitation",
    "MentorTraining",
    "Partnership",
    "Person",
    "PrisonDetails",
    "ProgrammeItem",
    "QuestionnaireAnswer",
    "QuestionnaireItem",
    "QuestionnaireResponse",
    "QuestionnaireTemplate",
    "RubricCriterion",
    "Setting",
    "Site",
    "SmallGroup",
    "Story",
    "StoryAnswer",
    "StoryQuestion",
    "SyncedRecord",
    "User",
    "utc_now",
]
