"""Every table of the store. Importing this module registers them all on ``Base.metadata``."""

from lt_desktop.storage.models.after_course import Progression
from lt_desktop.storage.models.assessment import Attachment, Essay, EssayMark
from lt_desktop.storage.models.attendance import AttendanceMark
from lt_desktop.storage.models.base import Base, SyncedRecord, utc_now
from lt_desktop.storage.models.course_life import (
    Application,
    ApplicationScore,
    Certificate,
    FacilitatorTraining,
    GraduationCohort,
    GraduationEvent,
    GraduationGuest,
    MentorInvitation,
    MentorTraining,
    ProgrammeItem,
    RubricCriterion,
)
from lt_desktop.storage.models.erasures import Erasure
from lt_desktop.storage.models.local import (
    AuditEntry,
    Draft,
    RetentionSetting,
    Setting,
    Site,
    User,
)
from lt_desktop.storage.models.movement import PersonMerge, Transfer
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
from lt_desktop.storage.models.projects import GroupProject, ProjectGroup
from lt_desktop.storage.models.readings import Reading
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
from lt_desktop.storage.models.stationery import Stationery
from lt_desktop.storage.models.sync import (
    ChangeCounter,
    MergedRecord,
    Partner,
    ReceivedBundle,
    SiteKeys,
    SyncConflict,
    WaitingRecord,
)

__all__ = [
    "Application",
    "ApplicationScore",
    "Attachment",
    "AttendanceMark",
    "AuditEntry",
    "Base",
    "Certificate",
    "ChangeCounter",
    "ClassSession",
    "Cohort",
    "Consent",
    "Course",
    "Draft",
    "Erasure",
    "Essay",
    "EssayMark",
    "FacilitatorTraining",
    "GraduationCohort",
    "GraduationEvent",
    "GraduationGuest",
    "GroupMember",
    "GroupProject",
    "Interview",
    "Membership",
    "MembershipStatusChange",
    "MentorInvitation",
    "MentorTraining",
    "MergedRecord",
    "Partner",
    "Partnership",
    "Person",
    "PersonMerge",
    "PrisonDetails",
    "ProgrammeItem",
    "ProjectGroup",
    "Progression",
    "QuestionnaireAnswer",
    "QuestionnaireItem",
    "QuestionnaireResponse",
    "QuestionnaireTemplate",
    "Reading",
    "ReceivedBundle",
    "RetentionSetting",
    "RubricCriterion",
    "Setting",
    "Site",
    "SiteKeys",
    "SmallGroup",
    "Stationery",
    "Story",
    "StoryAnswer",
    "StoryQuestion",
    "SyncConflict",
    "SyncedRecord",
    "Transfer",
    "User",
    "WaitingRecord",
    "utc_now",
]
