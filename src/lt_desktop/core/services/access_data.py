"""What an access request gathers: everything held about one person, section by section.

The records come from the erasure's own list (``erasure.ERASED``, found from the person
down their links), so "everything held" means the same thing to an access request as
to an erasure. Each section is a list of rows with named columns: the PDF, the JSON
and the CSV files are all made from it.

Left out on purpose: who recorded, transcribed, entered, assessed or marked anything
(those are other people), a first or second mark and the markers' names (the double-
blind rules keep them, and only an agreed mark is the person's result), the names of
the guests they invited (other people), and prison-only details unless this is the
prison's site and the account may see them.
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from lt_desktop.core.name_scrubbing import NameScrubber, names_of
from lt_desktop.core.services.attendance import AttendanceFigures, figures_by_person
from lt_desktop.core.services.erasure import ERASED, load_records, records_about
from lt_desktop.domain.vocabulary import MarkPosition, week_number
from lt_desktop.storage.models import (
    Application,
    ApplicationScore,
    Attachment,
    AttendanceMark,
    Certificate,
    ClassSession,
    Cohort,
    Consent,
    Essay,
    EssayMark,
    FacilitatorTraining,
    GraduationEvent,
    GraduationGuest,
    Interview,
    Membership,
    MembershipStatusChange,
    MentorInvitation,
    MentorTraining,
    Person,
    PersonMerge,
    PrisonDetails,
    Progression,
    QuestionnaireAnswer,
    QuestionnaireItem,
    QuestionnaireResponse,
    RubricCriterion,
    SmallGroup,
    Story,
    StoryAnswer,
    StoryQuestion,
    Transfer,
    User,
)

#: Other people's names in free text become this.
ANOTHER_PARTICIPANT = "[another participant]"

Value = str | int | float | bool | date | datetime | None


@dataclass(frozen=True)
class Section:
    """One part of the export: its name in files (``key``), its heading, and its rows.

    ``table``: short rows, laid out as a grid in the PDF; otherwise each row is a block
    of labelled lines, for rows that hold long text."""

    key: str
    title: str
    columns: tuple[tuple[str, str], ...]  # (key, label)
    rows: tuple[tuple[Value, ...], ...]
    table: bool = False

    def records(self) -> list[dict[str, Value]]:
        return [dict(zip((k for k, _ in self.columns), row, strict=True)) for row in self.rows]


@dataclass(frozen=True)
class PersonData:
    """Everything held about one person, as their access request shows it."""

    name: str
    research_id: str
    made_on: date
    sections: tuple[Section, ...]

    def section(self, key: str) -> Section:
        return next(s for s in self.sections if s.key == key)


#: Where each kind the erasure removes appears in an access export (a test holds every
#: kind of ``ERASED`` to a place here).
SHOWN_IN = {
    "person record": "record",
    "prison-only details": "prison_details",
    "cohort places": "journey",
    "changes of status": "status_changes",
    "small-group places": "journey",
    "register marks": "attendance",
    "essays": "essays",
    "essay scans": "essays",
    "marks on their essays": "essays",
    "stories": "stories",
    "answers to story questions": "story_answers",
    "questionnaire responses": "questionnaires",
    "questionnaire answers": "questionnaires",
    "interviews": "interviews",
    "interview files": "interviews",
    "consents": "consents",
    "applications": "applications",
    "application scores": "application_scores",
    "application files": "applications",
    "guests they invited": "guests",
    "certificates (serials kept as issued and void)": "certificates",
    "steps after the course": "after_course",
    "mentor invitations": "mentoring",
    "mentor training": "training",
    "facilitator training": "training",
    "transfers": "transfers",
    "merges of duplicate records": "record",
}

#: Columns that hold the person's own names or a code, never another's name.
_OWN_COLUMNS = frozenset({"given_name", "family_name", "preferred_name", "email", "research_id"})


class _Gatherer:
    def __init__(self, session: Session, person: Person, *, prison_details: bool) -> None:
        self.session, self.person, self.with_prison = session, person, prison_details
        self.ids = dict(
            zip(
                (words for _, words, *_ in ERASED),
                (ids for _, ids in records_about(session, person.id, include_deleted=False)),
                strict=True,
            )
        )
        self._scrubber = _scrubber(session, person)
        self._cohorts: dict[uuid.UUID, Cohort] = {}

    def load(self, words: str) -> list[Any]:
        model = next(model for model, w, *_ in ERASED if w == words)
        return load_records(self.session, model, self.ids[words], include_deleted=False)

    def scrub(self, value: Value) -> Value:
        if isinstance(value, str):
            return self._scrubber.scrub(value, writer=self.person.research_id)
        return value

    def cohort(self, cohort_id: uuid.UUID | None) -> str:
        if cohort_id is None:
            return ""
        if cohort_id not in self._cohorts:
            found = self.session.get(Cohort, cohort_id)
            if found is None:
                return ""
            self._cohorts[cohort_id] = found
        cohort = self._cohorts[cohort_id]
        return f"{cohort.course.title}: {cohort.name}"

    def section(
        self,
        key: str,
        title: str,
        columns: Sequence[tuple[str, str]],
        rows: Iterable[Sequence[Value]],
        *,
        table: bool = False,
    ) -> Section:
        scrubbed = tuple(
            tuple(
                value if name in _OWN_COLUMNS else self.scrub(value)
                for (name, _), value in zip(columns, row, strict=True)
            )
            for row in rows
        )
        return Section(key, title, tuple(columns), scrubbed, table)

    # -- the sections ----------------------------------------------------------------

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

    def record(self) -> Section:
        p = self.person
        merged = sorted(m.merged_on for m in self.load("merges of duplicate records"))
        return self.section(
            "record",
            "The record",
            [
                ("given_name", "Given name"),
                ("family_name", "Family name"),
                ("preferred_name", "Preferred name"),
                ("based", "Where they study from"),
                ("email", "Email"),
                ("notes", "Notes"),
                ("research_id", "Research id"),
                ("added_on", "Record made"),
                ("duplicates_merged_on", "Duplicate records merged in"),
            ],
            [
                (
                    p.given_name,
                    p.family_name,
                    p.preferred_name,
                    p.base.label,
                    p.email,
                    p.notes,
                    p.research_id,
                    p.created_at.date(),
                    ", ".join(day.isoformat() for day in merged),
                )
            ],
        )

    def prison_details(self) -> Section:
        rows: list[PrisonDetails] = self.load("prison-only details")
        return self.section(
            "prison_details",
            "Prison-only details (kept at this prison only)",
            [
                ("prison_number", "Prison number"),
                ("location", "Location"),
                ("release_date", "Release date"),
                ("clearance", "Clearance to attend"),
                ("clearance_on", "Clearance decided"),
                ("security_notes", "Security notes"),
            ],
            [
                (
                    d.prison_number,
                    d.location,
                    d.release_date,
                    d.clearance.label,
                    d.clearance_on,
                    d.security_notes,
                )
                for d in rows
            ],
        )

    def journey(self, today: date) -> Section:
        places: list[Membership] = sorted(
            self.load("cohort places"), key=lambda m: (m.cohort.starts_on, m.cohort.name)
        )
        groups: dict[uuid.UUID, list[str]] = defaultdict(list)
        for member in self.load("small-group places"):
            group = self.session.get(SmallGroup, member.group_id)
            if group is not None and group.deleted_at is None:
                groups[member.membership_id].append(group.name)
        figures = figures_by_person(self.session, today=today, person_id=self.person.id)
        rows = []
        for m in places:
            f = figures.get((m.cohort_id, self.person.id), AttendanceFigures())
            rows.append(
                (
                    self.cohort(m.cohort_id),
                    m.cohort.starts_on,
                    m.cohort.ends_on,
                    m.role.label,
                    m.status.label,
                    m.status_since,
                    m.joined_on,
                    m.left_on,
                    ", ".join(sorted(groups[m.id])),
                    f.held,
                    f.attended,
                    f.excused,
                    _percent(f.attendance),
                    _percent(f.engagement),
                    m.notes,
                )
            )
        return self.section(
            "journey",
            "Journey through cohorts",
            [
                ("cohort", "Cohort"),
                ("cohort_starts_on", "Cohort starts"),
                ("cohort_ends_on", "Cohort ends"),
                ("role", "Role"),
                ("status", "Status"),
                ("status_since", "Status since"),
                ("joined_on", "Joined"),
                ("left_on", "Left"),
                ("small_group", "Small group"),
                ("sessions_held", "Sessions held"),
                ("sessions_attended", "Sessions attended"),
                (
                    "missed_for_reasons_outside_their_control",
                    "Missed for reasons outside their control",
                ),
                ("attendance_percent", "Attendance (%)"),
                ("engagement_percent", "Engagement (%)"),
                ("notes", "Notes"),
            ],
            rows,
        )

    def status_changes(self) -> Section:
        places = {m.id: m for m in self.load("cohort places")}
        changes: list[MembershipStatusChange] = sorted(
            self.load("changes of status"), key=lambda c: c.effective_on
        )
        return self.section(
            "status_changes",
            "Changes of status",
            [("cohort", "Cohort"), ("status", "Status"), ("on", "From"), ("reason", "Reason")],
            [
                (
                    self.cohort(places[c.membership_id].cohort_id)
                    if c.membership_id in places
                    else "",
                    c.status.label,
                    c.effective_on,
                    c.reason,
                )
                for c in changes
            ],
            table=True,
        )

    def transfers(self) -> Section:
        moves: list[Transfer] = sorted(self.load("transfers"), key=lambda t: t.transferred_on)
        return self.section(
            "transfers",
            "Transfers",
            [
                ("transferred_on", "Transferred"),
                ("to", "To"),
                ("reason", "Reason"),
                ("taken_on", "Taken on there"),
            ],
            [(t.transferred_on, t.to_name, t.reason, t.taken_on) for t in moves],
            table=True,
        )

    def attendance(self) -> Section:
        marks: list[AttendanceMark] = self.load("register marks")
        sessions = {
            s.id: s
            for s in self.session.scalars(
                select(ClassSession).where(ClassSession.id.in_({m.session_id for m in marks}))
            )
        }
        rows = []
        for mark in marks:
            s = sessions.get(mark.session_id)
            if s is None:
                continue
            rows.append(
                (
                    s.held_on,
                    self.cohort(s.cohort_id),
                    week_number(s.week),
                    s.title or s.kind.label,
                    mark.status.label,
                    mark.absence_reason.label if mark.absence_reason else "",
                    "Session cancelled" if s.cancelled else "",
                    mark.note,
                )
            )
        rows.sort(key=lambda r: (r[0], r[1]))
        return self.section(
            "attendance",
            "Attendance, session by session",
            [
                ("held_on", "Date"),
                ("cohort", "Cohort"),
                ("week", "Week"),
                ("session", "Session"),
                ("mark", "Mark"),
                ("reason", "Reason"),
                ("cancelled", "Cancelled"),
                ("note", "Note"),
            ],
            rows,
            table=True,
        )

    def essays(self) -> Section:
        places = {m.id: m for m in self.load("cohort places")}
        marks: dict[uuid.UUID, dict[MarkPosition, EssayMark]] = defaultdict(dict)
        for mark in self.load("marks on their essays"):
            marks[mark.essay_id][mark.position] = mark
        scans: dict[uuid.UUID, list[str]] = defaultdict(list)
        for scan in self._attachments("essay scans"):
            if scan.essay_id is not None:
                scans[scan.essay_id].append(scan.filename)
        rows = []
        essays: list[Essay] = self.load("essays")
        for essay in sorted(essays, key=lambda e: (e.submitted_on or date.min, e.title)):
            place = places.get(essay.membership_id)
            agreed = marks[essay.id].get(MarkPosition.AGREED)
            final = agreed is not None and agreed.score is not None
            feedback = [
                m.feedback
                for position, m in sorted(marks[essay.id].items())
                if final and position is not MarkPosition.AGREED and m.feedback
            ]
            rows.append(
                (
                    self.cohort(place.cohort_id) if place else "",
                    essay.title,
                    essay.candidate_number,
                    essay.submitted_on,
                    essay.word_count,
                    essay.late,
                    essay.extension_note,
                    agreed.score if final and agreed else None,
                    agreed.feedback if final and agreed else "",
                    "\n\n".join(feedback),
                    "Not agreed yet" if not final else "Agreed",
                    ", ".join(sorted(scans[essay.id])),
                    essay.text,
                )
            )
        return self.section(
            "essays",
            "Essays and agreed marks",
            [
                ("cohort", "Cohort"),
                ("title", "Title"),
                ("candidate_number", "Candidate number"),
                ("submitted_on", "Submitted"),
                ("word_count", "Words"),
                ("late", "Late"),
                ("extension_note", "Extension"),
                ("agreed_mark", "Agreed mark"),
                ("agreed_feedback", "Feedback with the agreed mark"),
                ("markers_feedback", "Markers' feedback"),
                ("marking", "Marking"),
                ("scans", "Scans kept"),
                ("text", "Essay"),
            ],
            rows,
        )

    def _sessions(self, ids: Iterable[uuid.UUID]) -> dict[uuid.UUID, ClassSession]:
        return {
            s.id: s
            for s in self.session.scalars(select(ClassSession).where(ClassSession.id.in_(set(ids))))
        }

    def stories(self) -> Section:
        stories: list[Story] = self.load("stories")
        sessions = self._sessions(s.session_id for s in stories)
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
        sessions = self._sessions(s.session_id for s in stories.values())
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

    def _attachments(self, words: str) -> list[Attachment]:
        return sorted(self.load(words), key=lambda a: a.filename)

    def interviews(self) -> Section:
        files: dict[uuid.UUID, list[str]] = defaultdict(list)
        for f in self._attachments("interview files"):
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

    def certificates(self) -> Section:
        places = {m.id: m for m in self.load("cohort places")}
        certificates: list[Certificate] = sorted(
            self.load("certificates (serials kept as issued and void)"), key=lambda c: c.issued_on
        )
        rows = []
        for c in certificates:
            event = self.session.get(GraduationEvent, c.event_id) if c.event_id else None
            place = places.get(c.membership_id)
            rows.append(
                (
                    c.serial,
                    self.cohort(place.cohort_id) if place else "",
                    c.issued_on,
                    event.title if event is not None and event.deleted_at is None else "",
                )
            )
        return self.section(
            "certificates",
            "Certificates",
            [
                ("serial", "Serial"),
                ("cohort", "Cohort"),
                ("issued_on", "Issued"),
                ("ceremony", "Ceremony"),
            ],
            rows,
            table=True,
        )

    def guests(self) -> Section:
        guests: list[GraduationGuest] = self.load("guests they invited")
        rows = []
        for g in guests:
            event = self.session.get(GraduationEvent, g.event_id)
            rows.append(
                (
                    event.title if event is not None else "",
                    g.relationship_to_student,
                    g.category.label,
                    {True: "Yes", False: "No", None: ""}[g.attended],
                )
            )
        return self.section(
            "guests",
            "Guests invited to graduation (their names are their own, so not shown)",
            [
                ("ceremony", "Ceremony"),
                ("relationship", "Relationship"),
                ("category", "Kind of guest"),
                ("attended", "Came"),
            ],
            rows,
            table=True,
        )

    def applications(self) -> Section:
        files: dict[uuid.UUID, list[str]] = defaultdict(list)
        for f in self._attachments("application files"):
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
            "How applications were assessed (each assessor's scores, without their names)",
            [
                ("cohort", "Cohort"),
                ("criterion", "Criterion"),
                ("score", "Score (1 to 5)"),
                ("notes", "Notes"),
            ],
            [r[:4] for r in rows],
            table=True,
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

    def lectures(self) -> Section:
        given = list(
            self.session.scalars(
                select(ClassSession).where(ClassSession.lecturer_id == self.person.id)
            )
        )
        given.sort(key=lambda s: s.held_on)
        return self.section(
            "lectures",
            "Sessions lectured",
            [("held_on", "Date"), ("cohort", "Cohort"), ("week", "Week"), ("title", "Session")],
            [(s.held_on, self.cohort(s.cohort_id), week_number(s.week), s.title) for s in given],
            table=True,
        )


def gather(session: Session, person: Person, *, prison_details: bool, today: date) -> PersonData:
    sections = _Gatherer(session, person, prison_details=prison_details).every_section(today)
    return PersonData(person.display_name, person.research_id, today, tuple(sections))


def _percent(rate: float | None) -> float | None:
    return None if rate is None else round(100 * rate, 1)


def _scrubber(session: Session, person: Person) -> NameScrubber:
    """Every name the store holds, the person's own kept as written: other people,
    accounts, guests, and the names kept beside records (markers, assessors, those who
    recorded or transcribed something), whole."""
    people: dict[str, list[str]] = {}
    for other in session.scalars(select(Person)):
        people[other.research_id] = names_of(
            other.given_name, other.family_name, other.preferred_name
        )
    others: set[str] = set()
    for column in (
        User.display_name,
        GraduationGuest.name,
        EssayMark.marker_name,
        ApplicationScore.assessor_name,
        Interview.interviewer_name,
        Consent.recorded_by_name,
        Consent.withdrawal_recorded_by_name,
        Story.transcribed_by_name,
        QuestionnaireResponse.entered_by_name,
        AttendanceMark.recorded_by_name,
        MembershipStatusChange.recorded_by_name,
        Progression.recorded_by_name,
        Transfer.recorded_by_name,
        PersonMerge.recorded_by_name,
    ):
        for name in session.scalars(select(column).distinct()):
            if name:
                others.add(name)
    # Whole names only: an account may be called "Education Office", and its words
    # alone are ordinary words.
    own = {n.casefold() for n in people.get(person.research_id, [])}
    for n, name in enumerate(sorted(others)):
        if name.casefold() not in own:
            people[f"-other-{n}"] = [name]
    return NameScrubber(people, replacement=ANOTHER_PARTICIPANT, keep_writer=True)


__all__ = ["ANOTHER_PARTICIPANT", "SHOWN_IN", "PersonData", "Section", "gather"]
