"""What a store holds, counted by kind of record."""

from __future__ import annotations

from sqlalchemy import func, select

from lt_desktop.core.services.base import Service
from lt_desktop.domain.roles import Permission
from lt_desktop.storage import models as m

#: The name each kind of record is reported under, in reading order.
COUNTED = {
    "partnerships": m.Partnership,
    "stationery": m.Stationery,
    "courses": m.Course,
    "cohorts": m.Cohort,
    "people": m.Person,
    "prison_details": m.PrisonDetails,
    "memberships": m.Membership,
    "membership_status_changes": m.MembershipStatusChange,
    "applications": m.Application,
    "application_scores": m.ApplicationScore,
    "rubric_criteria": m.RubricCriterion,
    "small_groups": m.SmallGroup,
    "group_members": m.GroupMember,
    "group_projects": m.GroupProject,
    "project_groups": m.ProjectGroup,
    "sessions": m.ClassSession,
    "readings": m.Reading,
    "attendance_marks": m.AttendanceMark,
    "essays": m.Essay,
    "essay_marks": m.EssayMark,
    "attachments": m.Attachment,
    "consents": m.Consent,
    "story_questions": m.StoryQuestion,
    "stories": m.Story,
    "story_answers": m.StoryAnswer,
    "questionnaire_templates": m.QuestionnaireTemplate,
    "questionnaire_items": m.QuestionnaireItem,
    "questionnaire_responses": m.QuestionnaireResponse,
    "questionnaire_answers": m.QuestionnaireAnswer,
    "interviews": m.Interview,
    "mentor_invitations": m.MentorInvitation,
    "mentor_training": m.MentorTraining,
    "facilitator_training": m.FacilitatorTraining,
    "graduation_events": m.GraduationEvent,
    "graduation_cohorts": m.GraduationCohort,
    "programme_items": m.ProgrammeItem,
    "graduation_guests": m.GraduationGuest,
    "certificates": m.Certificate,
    "progressions": m.Progression,
    "users": m.User,
    "audit_entries": m.AuditEntry,
}


class StatsService(Service):
    def counts(self) -> dict[str, int]:
        self._require(Permission.VIEW_STATS)
        with self._store.read() as session:
            return {
                name: session.scalar(select(func.count()).select_from(model)) or 0
                for name, model in COUNTED.items()
            }
