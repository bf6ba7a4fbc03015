"""An access request's sections about research and around the course: stories and
their answers, questionnaires, interviews, consents, applications, what they did after
the course, mentoring and training; and the whole export put together (``gather``)."""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Callable
from datetime import date, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from lt_desktop.core.services.access_course import CourseSections
from lt_desktop.core.services.access_data import GathererBase, PersonData, Section
from lt_desktop.domain.vocabulary import week_number
from lt_desktop.storage.models import (
    Application,
    ApplicationScore,
    Consent,
    FacilitatorTraining,
    Interview,
    MentorInvitation,
    MentorTraining,
    Person,
    Progression,
    QuestionnaireAnswer,
    QuestionnaireItem,
    QuestionnaireResponse,
    RubricCriterion,
    Story,
    StoryAnswer,
    StoryQuestion,
)


class ResearchSections(GathererBase):
    def stories(self) -> Section:
        stories: list[Story] = self.load("stories")
        sessions = self.sessions(s.session_id for s in stories)
        rows = []
        for story in stories:
            s = sessions.get(story.session_id)
            rows.append(
                (
                    self.cohort(s.cohort_id) if s else "",
                    week_number(s.week) if s else "",
                    s.held_on if s else None,
                    story.written_on,
                    story.text,
                )
            )
        rows.sort(key=lambda r: (r[2] or date.min, str(r[0])))
        return self.section(
            "stories",
            "Stories",
            [
                ("cohort", "Cohort"),
                ("week", "Week"),
                ("session_on", "Session"),
                ("written_on", "Written"),
                ("story", "Story"),
            ],
            rows,
        )

    def story_answers(self) -> Section:
        stories = {s.id: s for s in self.load("stories")}
        sessions = self.sessions(s.session_id for s in stories.values())
        answers: list[StoryAnswer] = self.load("answers to story questions")
        questions = {
            q.id: q
            for q in self.session.scalars(
                select(StoryQuestion).where(StoryQuestion.id.in_({a.question_id for a in answers}))
            )
        }
        rows = []
        for answer in answers:
            story = stories.get(answer.story_id)
            s = sessions.get(story.session_id) if story else None
            q = questions.get(answer.question_id)
            rows.append(
                (
                    self.cohort(s.cohort_id) if s else "",
                    week_number(s.week) if s else "",
                    q.text if q else "",
                    answer.answer,
                    (s.held_on if s else date.min, q.position if q else 0),
                )
            )
        rows.sort(key=lambda r: (r[4], str(r[0])))
        return self.section(
            "story_answers",
            "Answers to the questions asked with each story",
            [
                ("cohort", "Cohort"),
                ("week", "Week"),
                ("question", "Question"),
                ("answer", "Answer"),
            ],
            [r[:4] for r in rows],
        )

    def questionnaires(self) -> Section:
        responses = {r.id: r for r in self.load("questionnaire responses")}
        answers: list[QuestionnaireAnswer] = self.load("questionnaire answers")
        items = {
            i.id: i
            for i in self.session.scalars(
                select(QuestionnaireItem).where(
                    QuestionnaireItem.id.in_({a.item_id for a in answers})
                )
            )
        }
        rows: list[tuple[Any, ...]] = []
        for answer in answers:
            response: QuestionnaireResponse | None = responses.get(answer.response_id)
            item = items.get(answer.item_id)
            rows.append(
                (
                    self.cohort(response.cohort_id) if response else "",
                    response.phase.label if response else "",
                    response.completed_on if response else None,
                    item.text if item else "",
                    answer.value,
                    answer.text,
                    (response.completed_on or date.min) if response else date.min,
                    item.position if item else 0,
                )
            )
        answered = {a.response_id for a in answers}
        for response in responses.values():
            if response.id not in answered:
                rows.append(
                    (
                        self.cohort(response.cohort_id),
                        response.phase.label,
                        response.completed_on,
                        "",
                        None,
                        "",
                        response.completed_on or date.min,
                        0,
                    )
                )
        rows.sort(key=lambda r: (r[6], str(r[0]), str(r[1]), r[7]))
        return self.section(
            "questionnaires",
            "Questionnaire answers",
            [
                ("cohort", "Cohort"),
                ("phase", "When"),
                ("completed_on", "Completed"),
                ("question", "Question"),
                ("score", "Score"),
                ("answer", "Written answer"),
            ],
            [r[:6] for r in rows],
            table=True,
        )

    def interviews(self) -> Section:
        files: dict[uuid.UUID, list[str]] = defaultdict(list)
        for f in self.attachments("interview files"):
            if f.interview_id is not None:
                files[f.interview_id].append(f.filename)
        interviews: list[Interview] = self.load("interviews")
        interviews.sort(key=lambda i: i.scheduled_for or datetime.min)
        return self.section(
            "interviews",
            "Interviews",
            [
                ("cohort", "Cohort"),
                ("scheduled_for", "When"),
                ("status", "Status"),
                ("notes", "Notes"),
                ("files", "Files kept"),
            ],
            [
                (
                    self.cohort(i.cohort_id),
                    i.scheduled_for,
                    i.status.label,
                    i.notes,
                    ", ".join(files[i.id]),
                )
                for i in interviews
            ],
        )

    def consents(self) -> Section:
        consents: list[Consent] = sorted(
            self.load("consents"), key=lambda c: (c.given_on, c.scope.label)
        )
        return self.section(
            "consents",
            "Consents",
            [
                ("kind", "Consent to"),
                ("given_on", "Given"),
                ("withdrawn_on", "Withdrawn"),
                ("form_reference", "Form"),
                ("notes", "Notes"),
            ],
            [
                (c.scope.label, c.given_on, c.withdrawn_on, c.form_reference, c.notes)
                for c in consents
            ],
            table=True,
        )

    def applications(self) -> Section:
        files: dict[uuid.UUID, list[str]] = defaultdict(list)
        for f in self.attachments("application files"):
            if f.application_id is not None:
                files[f.application_id].append(f.filename)
        applications: list[Application] = sorted(
            self.load("applications"), key=lambda a: a.received_on
        )
        return self.section(
            "applications",
            "Applications",
            [
                ("cohort", "Cohort"),
                ("received_on", "Received"),
                ("motivation_statement", "Why they applied"),
                ("heard_about", "Heard of the course"),
                ("availability", "When they are free"),
                ("adjustments", "Adjustments"),
                ("decision", "Decision"),
                ("decision_reason", "Reason given"),
                ("decided_on", "Decided"),
                ("answered_on", "Answered"),
                ("files", "Files kept"),
            ],
            [
                (
                    self.cohort(a.cohort_id),
                    a.received_on,
                    a.motivation_statement,
                    a.heard_about,
                    a.availability,
                    a.adjustments,
                    a.decision.label,
                    a.decision_reason,
                    a.decided_on,
                    a.answered_on,
                    ", ".join(files[a.id]),
                )
                for a in applications
            ],
        )

    def application_scores(self) -> Section:
        applications = {a.id: a for a in self.load("applications")}
        scores: list[ApplicationScore] = self.load("application scores")
        criteria = {
            c.id: c
            for c in self.session.scalars(
                select(RubricCriterion).where(
                    RubricCriterion.id.in_({s.criterion_id for s in scores})
                )
            )
        }
        rows = []
        for s in scores:
            application = applications.get(s.application_id)
            criterion = criteria.get(s.criterion_id)
            rows.append(
                (
                    self.cohort(application.cohort_id) if application else "",
                    criterion.name if criterion else "",
                    s.score,
                    s.notes,
                    criterion.position if criterion else 0,
                )
            )
        rows.sort(key=lambda r: (str(r[0]), r[4], r[2]))
        return self.section(
            "application_scores",
            "Application scores",
            [
                ("cohort", "Cohort"),
                ("criterion", "Criterion"),
                ("score", "Score (1 to 5)"),
                ("notes", "Notes"),
            ],
            [r[:4] for r in rows],
            table=True,
            note="Each assessor's scores for each criterion, without the assessors' names.",
        )

    def after_course(self) -> Section:
        steps: list[Progression] = sorted(
            self.load("steps after the course"), key=lambda s: s.started_on
        )
        return self.section(
            "after_course",
            "After the course",
            [
                ("step", "Step"),
                ("cohort", "After"),
                ("started_on", "From"),
                ("ended_on", "Until"),
                ("notes", "Notes"),
            ],
            [
                (s.kind.label, self.cohort(s.cohort_id), s.started_on, s.ended_on, s.notes)
                for s in steps
            ],
            table=True,
        )

    def mentoring(self) -> Section:
        invitations: list[MentorInvitation] = sorted(
            self.load("mentor invitations"), key=lambda i: i.invited_on
        )
        return self.section(
            "mentoring",
            "Invitations to mentor",
            [
                ("cohort", "Cohort"),
                ("invited_on", "Invited"),
                ("answer", "Answer"),
                ("answered_on", "Answered"),
                ("notes", "Notes"),
            ],
            [
                (self.cohort(i.cohort_id), i.invited_on, i.answer.label, i.answered_on, i.notes)
                for i in invitations
            ],
            table=True,
        )

    def training(self) -> Section:
        mentor: list[MentorTraining] = self.load("mentor training")
        facilitator: list[FacilitatorTraining] = self.load("facilitator training")
        rows = [("Mentor", t.held_on, t.title, t.attended, t.notes) for t in mentor]
        rows += [("Facilitator", t.held_on, t.title, t.attended, t.notes) for t in facilitator]
        rows.sort(key=lambda r: (r[1], r[2]))
        return self.section(
            "training",
            "Training",
            [
                ("training_for", "Training for"),
                ("held_on", "Held"),
                ("title", "Title"),
                ("attended", "Attended"),
                ("notes", "Notes"),
            ],
            rows,
            table=True,
        )


class _Everything(CourseSections, ResearchSections):
    def every_section(self, today: date) -> list[Section]:
        parts: list[Callable[[], Section]] = [self.record]
        if self.with_prison:
            parts.append(self.prison_details)
        parts += [
            lambda: self.journey(today),
            self.status_changes,
            self.transfers,
            self.attendance,
            self.essays,
            self.stories,
            self.story_answers,
            self.questionnaires,
            self.interviews,
            self.consents,
            self.certificates,
            self.guests,
            self.applications,
            self.application_scores,
            self.after_course,
            self.mentoring,
            self.training,
            self.lectures,
        ]
        return [part() for part in parts]


def gather(session: Session, person: Person, *, prison_details: bool, today: date) -> PersonData:
    sections = _Everything(session, person, prison_details=prison_details).every_section(today)
    return PersonData(person.display_name, person.research_id, today, tuple(sections))
