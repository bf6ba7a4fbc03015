"""The demo's research data: stories, questionnaires, mentoring, interviews and sense-making."""

from __future__ import annotations

import hashlib
import random
import uuid
from datetime import UTC, date, datetime, time, timedelta

from lt_desktop.core import demo_text as text
from lt_desktop.core.demo.base import (
    LEFT_EARLY,
    RECORDER,
    DemoCohort,
    gone_by,
)
from lt_desktop.core.demo.people import PeopleAndConsent
from lt_desktop.core.services.interviews import TRANSCRIPT_MEDIA_TYPE
from lt_desktop.domain.vocabulary import (
    AttachmentKind,
    AttendanceStatus,
    ConsentScope,
    InterviewStatus,
    InvitationAnswer,
    ItemKind,
    MarkReason,
    MembershipRole,
    MembershipStatus,
    QuestionnairePhase,
    SessionKind,
)
from lt_desktop.storage import models as m


class ResearchData(PeopleAndConsent):
    """Gathers the research and evaluation data, where people consented to it."""

    def _story_questions(self) -> list[m.StoryQuestion]:
        questions = [
            m.StoryQuestion(position=n, text=question)
            for n, question in enumerate(text.STORY_QUESTIONS)
        ]
        self.session.add_all(questions)
        self.session.flush()
        return questions

    def _stories(self, cohort: DemoCohort, questions: list[m.StoryQuestion]) -> None:
        for session_row in cohort.sessions:
            if session_row.week > cohort.marked_weeks or session_row.kind is SessionKind.GRADUATION:
                continue
            for membership, person in cohort.members:
                if membership.role is MembershipRole.COORDINATOR:
                    continue
                if gone_by(membership, session_row.held_on):
                    continue
                if self.rng.random() > 0.55:
                    continue
                if not self._has_consent(person, ConsentScope.STORIES, session_row.held_on):
                    continue
                told = " ".join(self.rng.sample(text.STORY_SENTENCES, 3))
                answered = [
                    (question, self.rng.choice(answers))
                    for question, answers in zip(questions, text.STORY_ANSWERS, strict=True)
                ]
                # No story of a cancelled week; its numbers are drawn all the same, so
                # the other weeks' stories are those of the demo as it always was.
                if not cohort.marked(session_row):
                    continue
                story = m.Story(
                    session_id=session_row.id,
                    person_id=person.id,
                    text=told,
                    written_on=session_row.held_on,
                    transcribed_by_name=RECORDER,
                )
                self.session.add(story)
                self.session.flush()
                for question, answer in answered:
                    self.session.add(
                        m.StoryAnswer(story_id=story.id, question_id=question.id, answer=answer)
                    )

    def _questionnaire(self) -> tuple[m.QuestionnaireTemplate, list[m.QuestionnaireItem]]:
        template = m.QuestionnaireTemplate(
            name="Learning and self-efficacy",
            description=(
                "A neutral example: how people see themselves as learners, before and after "
                "the course. Items are scored 1 (strongly disagree) to 5 (strongly agree)."
            ),
        )
        self.session.add(template)
        self.session.flush()
        items = [
            m.QuestionnaireItem(
                template_id=template.id,
                position=n,
                text=wording,
                kind=ItemKind.LIKERT,
                scale_points=5,
                reverse_scored=reverse,
                subscale="Self-efficacy" if n < 4 else "Learner identity",
            )
            for n, (wording, reverse) in enumerate(text.QUESTIONNAIRE_ITEMS)
        ]
        items.append(
            m.QuestionnaireItem(
                template_id=template.id,
                position=len(items),
                text="Is there anything else you would like to tell us?",
                kind=ItemKind.FREE_TEXT,
                scale_points=None,
            )
        )
        self.session.add_all(items)
        self.session.flush()
        return template, items

    def _questionnaires(
        self,
        cohort: DemoCohort,
        template: m.QuestionnaireTemplate,
        items: list[m.QuestionnaireItem],
        *,
        finished: bool,
    ) -> None:
        phases = (
            [QuestionnairePhase.PRE, QuestionnairePhase.POST]
            if finished
            else [QuestionnairePhase.PRE]
        )
        for membership, person in cohort.members:
            if membership.role is not MembershipRole.STUDENT:
                continue
            if not self._has_consent(person, ConsentScope.QUESTIONNAIRES, cohort.row.starts_on):
                continue
            baseline = self.rng.uniform(2.3, 3.6)
            for phase in phases:
                if phase is QuestionnairePhase.POST and membership.status in LEFT_EARLY:
                    continue
                shift = self.rng.uniform(0.2, 0.9) if phase is QuestionnairePhase.POST else 0.0
                on = cohort.row.starts_on if phase is QuestionnairePhase.PRE else cohort.row.ends_on
                response = m.QuestionnaireResponse(
                    template_id=template.id,
                    cohort_id=cohort.row.id,
                    person_id=person.id,
                    phase=phase,
                    completed_on=on,
                    entered_by_name=RECORDER,
                )
                self.session.add(response)
                self.session.flush()
                for item in items:
                    if item.kind is ItemKind.FREE_TEXT:
                        answer = m.QuestionnaireAnswer(
                            response_id=response.id,
                            item_id=item.id,
                            text="" if self.rng.random() < 0.7 else "I am glad I applied.",
                        )
                    else:
                        score = min(5, max(1, round(self.rng.gauss(baseline + shift, 0.7))))
                        value = 6 - score if item.reverse_scored else score
                        answer = m.QuestionnaireAnswer(
                            response_id=response.id, item_id=item.id, value=value
                        )
                    self.session.add(answer)

    def _mentoring_and_evaluation(
        self, spring: DemoCohort, autumn: DemoCohort, graduates: list[m.Person]
    ) -> None:
        """Graduates of the first cohort invited back, trained and mentoring the second;
        reflective interviews; and the first cohort's sense-making meeting. A generator
        of its own, so nothing made before shifts."""
        rng = random.Random(8_2026)
        # The first four mentor the second cohort already (see _staff); the sixth has
        # accepted and waits for a group, the fifth declined, the seventh has not answered.
        invited = graduates[:7]
        accepted = invited[:4] + invited[5:6]
        for index, person in enumerate(invited):
            invited_on = self.on(date(2026, 6, 1) if index < 6 else date(2026, 9, 1))
            invitation = m.MentorInvitation(
                person_id=person.id, cohort_id=autumn.row.id, invited_on=invited_on
            )
            if person in accepted:
                invitation.answer = InvitationAnswer.ACCEPTED
                invitation.answered_on = invited_on + timedelta(days=rng.randint(4, 20))
            elif index == 4:
                invitation.answer = InvitationAnswer.DECLINED
                invitation.answered_on = invited_on + timedelta(days=12)
                invitation.notes = "Starting a new job in September; would like to be asked again."
            self.session.add(invitation)
        for held_on, title in [
            (self.on(date(2026, 7, 6)), "Mentor training 1: listening and holding a discussion"),
            (self.on(date(2026, 7, 13)), "Mentor training 2: supporting reflective writing"),
            (self.on(date(2026, 8, 3)), "Mentor training 3: boundaries and looking after yourself"),
        ]:
            for person in accepted:
                self.session.add(
                    m.MentorTraining(
                        person_id=person.id,
                        held_on=held_on,
                        title=title,
                        attended=rng.random() < 0.85,
                    )
                )
        self._interviews(spring, autumn, rng)
        self._sense_making(spring, rng)

    def _interviews(self, spring: DemoCohort, autumn: DemoCohort, rng: random.Random) -> None:
        notes = [
            "Spoke about finding a voice in the small group; the writing workshop was the "
            "turning point.",
            "Reflected on changing views of the university students, and of themselves as a "
            "learner.",
            "Most valued the readings and arguing about them kindly; would like to study further.",
            "Talked about nerves in the first weeks and feeling at home by the group project.",
            "Described the graduation as the first time family saw them recognised for learning.",
        ]
        transcript = (
            "Interviewer: What did the course mean to you, looking back?\n"
            "Participant: At first I thought I would just listen. By week three I was arguing "
            "my corner, and people listened back.\n"
            "Interviewer: Was there a moment that stood out?\n"
            "Participant: The writing workshop. Somebody read my paragraph and said it made "
            "them think again. I had not had that before.\n"
        )
        interviewers = ["Sam Okafor", "Priya Raman"]
        done = 0
        for membership, person in spring.members:
            if membership.role not in (MembershipRole.STUDENT, MembershipRole.MENTOR):
                continue
            if membership.status in LEFT_EARLY:
                continue
            held = spring.row.ends_on + timedelta(days=rng.randint(7, 35))
            if not self._has_consent(person, ConsentScope.INTERVIEW, held):
                continue
            interview = m.Interview(
                id=uuid.uuid4(),
                person_id=person.id,
                cohort_id=spring.row.id,
                scheduled_for=datetime.combine(held, time(rng.choice([10, 11, 14])), UTC),
                interviewer_name=rng.choice(interviewers),
                status=InterviewStatus.DONE,
                notes=rng.choice(notes),
            )
            if done == 3:
                interview.status = InterviewStatus.CANCELLED
                interview.notes = "Unwell on the day and did not wish to rearrange."
            self.session.add(interview)
            self.session.flush()  # the transcript refers to it
            if done in (0, 1):
                data = transcript.encode("utf-8")
                self.session.add(
                    m.Attachment(
                        kind=AttachmentKind.INTERVIEW_TRANSCRIPT,
                        filename=f"interview-transcript-{done + 1}.txt",
                        media_type=TRANSCRIPT_MEDIA_TYPE,
                        size=len(data),
                        sha256=hashlib.sha256(data).hexdigest(),
                        data=data,
                        interview_id=interview.id,
                    )
                )
            done += 1
        planned = 0
        for membership, person in autumn.members:
            if membership.role is not MembershipRole.STUDENT or planned >= 5:
                continue
            if membership.status is not MembershipStatus.ACTIVE:
                continue
            if not self._has_consent(person, ConsentScope.INTERVIEW, autumn.row.ends_on):
                continue
            day = autumn.row.ends_on + timedelta(days=7 + planned)
            self.session.add(
                m.Interview(
                    person_id=person.id,
                    cohort_id=autumn.row.id,
                    scheduled_for=datetime.combine(day, time(10 + planned % 3), UTC),
                    interviewer_name=interviewers[planned % 2],
                    status=InterviewStatus.PLANNED,
                )
            )
            planned += 1

    def _sense_making(self, cohort: DemoCohort, rng: random.Random) -> None:
        held_on = cohort.row.ends_on + timedelta(weeks=1)
        meeting = m.ClassSession(
            id=uuid.uuid4(),
            cohort=cohort.row,
            week=len(cohort.sessions) + 1,
            held_on=held_on,
            kind=SessionKind.SENSE_MAKING,
            title="Group sense-making",
            starts_at=time(13, 30),
            ends_at=time(15, 30),
            location="Education block, room 2",
            notes=(
                "We put the weekly stories' themes on the wall and sorted them together. "
                "Belonging came first: several people said the small groups felt like the "
                "first place they were listened to as thinkers. Second, confidence in writing, "
                "tied to the workshop week. The group asked that future cohorts keep the same "
                "small groups from start to finish."
            ),
        )
        self.session.add(meeting)
        self.session.flush()
        recorded = datetime.combine(held_on, time(15, 35), UTC)
        for membership, person in cohort.members:
            if membership.role not in (
                MembershipRole.STUDENT,
                MembershipRole.MENTOR,
                MembershipRole.FACILITATOR,
            ):
                continue
            if membership.status in LEFT_EARLY:
                continue
            roll = rng.random()
            status = (
                AttendanceStatus.PRESENT
                if roll < 0.78
                else AttendanceStatus.EXCUSED
                if roll < 0.9
                else AttendanceStatus.ABSENT
            )
            self.session.add(
                m.AttendanceMark(
                    session_id=meeting.id,
                    person_id=person.id,
                    status=status,
                    absence_reason=(
                        MarkReason.PERSONAL if status is AttendanceStatus.ABSENT else None
                    ),
                    recorded_by_name=RECORDER,
                    recorded_at=recorded,
                )
            )
