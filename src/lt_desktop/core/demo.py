"""A demo store: one partnership, two cohorts, a term of realistic made-up activity.

Everything is generated from a fixed seed, so every demo store tells the same
story (useful for screenshots and for newcomers comparing notes).
"""

from __future__ import annotations

import hashlib
import os
import random
import secrets
import shutil
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path

from sqlalchemy import select

from lt_desktop.core import demo_text as text
from lt_desktop.core.services.applications import DECLINE_REASONS, ensure_default_rubric
from lt_desktop.core.services.consent import has_consent
from lt_desktop.core.services.documents.certificates import serial_number
from lt_desktop.core.services.essays import count_words, new_candidate_number
from lt_desktop.core.services.groups import allocate
from lt_desktop.core.services.interviews import TRANSCRIPT_MEDIA_TYPE
from lt_desktop.core.services.memberships import MemberInfo
from lt_desktop.core.services.people import new_research_id
from lt_desktop.core.stores import create_store
from lt_desktop.domain.errors import StoreAlreadyExists
from lt_desktop.domain.roles import Role
from lt_desktop.domain.vocabulary import (
    ApplicationDecision,
    AttachmentKind,
    AttendanceStatus,
    ClearanceStatus,
    ConsentScope,
    GuestCategory,
    InterviewStatus,
    InvitationAnswer,
    ItemKind,
    MarkPosition,
    MarkReason,
    MembershipRole,
    MembershipStatus,
    PersonBase,
    QuestionnairePhase,
    SessionKind,
    SiteKind,
)
from lt_desktop.storage import models as m
from lt_desktop.storage.folder import StoreFolder
from lt_desktop.storage.leftovers import clear_abandoned_staging
from lt_desktop.storage.recovery_key import RecoveryKey
from lt_desktop.storage.store import Store, move_new_store

DEMO_PASSWORD = "demo"
DEMO_USERS: list[tuple[str, Role]] = [
    ("staff", Role.EDUCATION_STAFF),
    ("facilitator", Role.FACILITATOR),
    ("marker", Role.MARKER),
    ("researcher", Role.RESEARCHER),
]
STUDENTS_PER_BASE = 12
GROUPS_PER_COHORT = 4
RECORDER = "Demo Administrator"


#: The day the demo's dates are written for: the running cohort's eleventh week,
#: whose register is still to be taken. Every date moves with the real today.
WRITTEN_FOR = date(2026, 11, 23)
#: An explicit setting that pins the demo's today (YYYY-MM-DD), so that tests and
#: pictures made on any day see the same store.
TODAY_SETTING = "LT_DESKTOP_DEMO_TODAY"


def demo_today() -> date:
    """The day the demo is made for: the pinned one if set, else the real today."""
    pinned = os.environ.get(TODAY_SETTING, "").strip()
    return date.fromisoformat(pinned) if pinned else date.today()


def build_demo_store(
    root: Path,
    *,
    site_kind: SiteKind = SiteKind.PRISON,
    admin: str = "demo",
    password: str = DEMO_PASSWORD,
    seed: int = 2015,
    today: date | None = None,
) -> RecoveryKey:
    """Create a store in ``root`` filled with demo data; returns its recovery key.

    The dates are relative to ``today`` (by default ``demo_today()``), so the demo
    never goes stale: one cohort finished months ago, another is running, and its
    session today (or on the next weekday) is the next register to take.

    The store is built beside ``root`` and moved in only once it is complete.
    """
    root = Path(root)
    if StoreFolder(root).has_store():
        raise StoreAlreadyExists(f"{root} already holds a store. Choose another folder.")
    shift = demo_shift(today or demo_today())
    clear_abandoned_staging(root, "demo")
    staging = root.parent / f".{root.name}.demo-{secrets.token_hex(4)}"
    try:
        recovery_key = _build(staging, site_kind, admin, password, seed, shift)
        move_new_store(staging, root)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return recovery_key


def demo_shift(today: date) -> timedelta:
    """How far the demo's written dates move so that its next session falls on
    ``today``, or on the next weekday when today is a Saturday or Sunday."""
    session_day = today + timedelta(days=max(0, 7 - today.weekday()) if today.weekday() >= 5 else 0)
    return session_day - WRITTEN_FOR


def season_of(day: date) -> str:
    return ("Winter", "Spring", "Summer", "Autumn")[(day.month % 12) // 3]


def _build(
    root: Path, site_kind: SiteKind, admin: str, password: str, seed: int, shift: timedelta
) -> RecoveryKey:
    created = create_store(
        root,
        site_name="HMP Northfield" if site_kind is SiteKind.PRISON else "University of Eastbridge",
        site_kind=site_kind,
        admin_username=admin,
        admin_display_name=RECORDER,
        admin_password=password,
    )
    store = created.store
    try:
        _DemoBuilder(store, random.Random(seed), with_accounts=admin == "demo", shift=shift).build()
    finally:
        store.close()
    return created.recovery_key


@dataclass
class _Cohort:
    row: m.Cohort
    marked_weeks: int
    sessions: list[m.ClassSession] = field(default_factory=list)
    members: list[tuple[m.Membership, m.Person]] = field(default_factory=list)

    def marked(self, session_row: m.ClassSession) -> bool:
        return session_row.week <= self.marked_weeks


_LEFT_EARLY = frozenset(
    {MembershipStatus.WITHDRAWN, MembershipStatus.TRANSFERRED, MembershipStatus.RELEASED}
)


def _gone_by(membership: m.Membership, on: date) -> bool:
    """Whether someone had left the course (before finishing it) by ``on``."""
    return membership.status in _LEFT_EARLY and on >= membership.status_since


class _DemoBuilder:
    def __init__(
        self, store: Store, rng: random.Random, *, with_accounts: bool, shift: timedelta
    ) -> None:
        self.shift = shift
        self.store = store
        self.rng = rng
        self.with_accounts = with_accounts
        self.marker_id: uuid.UUID | None = None
        self.marker_name = ""
        self.prison_site = store.site.kind is SiteKind.PRISON
        self._names: set[tuple[str, str]] = set()
        self._prison_numbers: set[str] = set()

    def build(self) -> None:
        with self.store.write() as session:
            self.session = session
            partnership = m.Partnership(
                name="Northfield and Eastbridge Learning Together",
                prison_name="HMP Northfield",
                university_name="University of Eastbridge",
                region="South East",
                started_on=self.on(date(2025, 9, 1)),
            )
            course = m.Course(
                partnership=partnership,
                title="Crime, Justice and Society",
                subject="Criminology",
                accredited=True,
                credits=15,
                level="Level 4",
                description="An introduction to criminology, studied together.",
            )
            session.add_all([partnership, course])
            session.flush()
            lecturers = [self._person(PersonBase.UNIVERSITY) for _ in range(3)]
            coordinator = self._person(PersonBase.UNIVERSITY)
            spring = self._cohort(course, self.on(date(2026, 1, 12)), 10, 10)
            autumn = self._cohort(course, self.on(date(2026, 9, 14)), 12, 10)
            self._staff(spring, lecturers, coordinator, graduates=[])
            self._students(spring, finished=True)
            graduates = [
                p
                for mem, p in spring.members
                if mem.role is MembershipRole.STUDENT and mem.status is MembershipStatus.GRADUATED
            ]
            facilitator_person = self._staff(autumn, lecturers, coordinator, graduates=graduates)
            self._students(autumn, finished=False)
            if self.with_accounts:
                self._accounts(facilitator_person)
            questions = self._story_questions()
            template, items = self._questionnaire()
            everyone = {p.id: p for c in (spring, autumn) for _, p in c.members}
            self._consents(list(everyone.values()))
            session.flush()
            for cohort in (spring, autumn):
                self._groups(cohort)
                self._attendance(cohort)
                self._essays(cohort, finished=cohort is spring)
                self._stories(cohort, questions)
                self._questionnaires(cohort, template, items, finished=cohort is spring)
            self._graduation(spring)
            self._applications(autumn)
            self._mentoring_and_evaluation(spring, autumn, graduates)
            self._application_round(autumn)
            self.store.audit(
                session,
                actor_id=None,
                actor_name=RECORDER,
                action="store.demo_filled",
                details={"people": len(everyone)},
            )

    # -- people ---------------------------------------------------------------------

    def _person(self, base: PersonBase) -> m.Person:
        while True:
            given = self.rng.choice(text.GIVEN_NAMES)
            family = self.rng.choice(text.FAMILY_NAMES)
            if (given, family) not in self._names:
                self._names.add((given, family))
                break
        person = m.Person(
            id=uuid.uuid4(),
            given_name=given,
            family_name=family,
            base=base,
            email=(
                f"{given.lower()}.{family.lower().replace(chr(39), '')}@eastbridge.ac.uk"
                if base is PersonBase.UNIVERSITY
                else ""
            ),
            research_id=new_research_id(),
        )
        self.session.add(person)
        self.session.flush()  # rows that refer to the person by id follow
        if base is PersonBase.PRISON and self.prison_site:
            self.session.add(self._prison_details(person))
        return person

    def _prison_details(self, person: m.Person) -> m.PrisonDetails:
        while True:
            number = (
                f"{self.rng.choice('ABG')}{self.rng.randint(1000, 9999)}"
                f"{self.rng.choice('ABCDEFGHJK')}{self.rng.choice('ABCDEFGHJK')}"
            )
            if number not in self._prison_numbers:
                self._prison_numbers.add(number)
                break
        cleared = self.rng.random() < 0.9
        return m.PrisonDetails(
            person_id=person.id,
            prison_number=number,
            location=self.rng.choice(text.PRISON_LOCATIONS),
            release_date=(
                self.on(date(2026, 1, 1)) + timedelta(days=self.rng.randint(200, 2500))
                if self.rng.random() < 0.6
                else None
            ),
            security_notes=self.rng.choice(text.SECURITY_NOTES),
            clearance=ClearanceStatus.CLEARED if cleared else ClearanceStatus.SUBMITTED,
            clearance_on=self.on(date(2025, 12, 1)) if cleared else None,
        )

    def on(self, written: date) -> date:
        """A date as written for ``WRITTEN_FOR``, moved to the demo's today."""
        return written + self.shift

    def _cohort(self, course: m.Course, first: date, weeks: int, marked_weeks: int) -> _Cohort:
        # Named as coordinators name them: from the first month to the graduation's.
        last = first + timedelta(weeks=weeks)
        name = (
            f"{first:%B}–{last:%B %Y}" if first.year == last.year else f"{first:%B %Y}–{last:%B %Y}"
        )
        row = m.Cohort(
            id=uuid.uuid4(),
            course=course,
            name=name,
            starts_on=first,
            ends_on=first + timedelta(weeks=weeks - 1),
            capacity=24,
        )
        self.session.add(row)
        cohort = _Cohort(row, marked_weeks)
        lecture_plan = list(text.LECTURES)
        extra_weeks = [
            ("Revisiting the big questions", "", ""),
            ("Looking ahead: study after the course", "", ""),
        ]
        lecture_plan[-1:-1] = extra_weeks[: max(0, weeks - len(lecture_plan))]
        for week in range(1, weeks + 1):
            title, reading_1, reading_2 = lecture_plan[week - 1]
            kind = (
                SessionKind.GRADUATION
                if week == weeks
                else SessionKind.WRITING_WORKSHOP
                if title.startswith("Writing")
                else SessionKind.GROUP_PROJECT
                if title.startswith("Group project")
                else SessionKind.LECTURE_AND_DISCUSSION
            )
            held_on = first + timedelta(weeks=week - 1)
            session_row = m.ClassSession(
                id=uuid.uuid4(),
                cohort=row,
                week=week,
                held_on=held_on,
                kind=kind,
                title=title,
                starts_at=time(13, 30),
                ends_at=time(16, 0),
                reading_1=reading_1,
                reading_2=reading_2,
                location="Education block, room 2",
            )
            self.session.add(session_row)
            cohort.sessions.append(session_row)
        return cohort

    def _enrol(
        self,
        cohort: _Cohort,
        person: m.Person,
        role: MembershipRole,
        status: MembershipStatus = MembershipStatus.ACTIVE,
        since: date | None = None,
    ) -> m.Membership:
        membership = m.Membership(
            id=uuid.uuid4(),
            cohort=cohort.row,
            person=person,
            role=role,
            status=status,
            status_since=since or cohort.row.starts_on,
            joined_on=cohort.row.starts_on,
            left_on=since if status is not MembershipStatus.ACTIVE else None,
        )
        self.session.add(membership)
        self.session.flush()
        self.session.add(
            m.MembershipStatusChange(
                membership_id=membership.id,
                status=MembershipStatus.ACTIVE,
                effective_on=cohort.row.starts_on,
                reason="Enrolled",
                recorded_by_name=RECORDER,
            )
        )
        if status is not MembershipStatus.ACTIVE:
            self.session.add(
                m.MembershipStatusChange(
                    membership_id=membership.id,
                    status=status,
                    effective_on=membership.status_since,
                    reason="",
                    recorded_by_name=RECORDER,
                )
            )
        cohort.members.append((membership, person))
        return membership

    def _staff(
        self,
        cohort: _Cohort,
        lecturers: list[m.Person],
        coordinator: m.Person,
        graduates: list[m.Person],
    ) -> m.Person:
        facilitators = [self._person(PersonBase.UNIVERSITY) for _ in range(GROUPS_PER_COHORT)]
        for person in facilitators:
            self._enrol(cohort, person, MembershipRole.FACILITATOR)
        mentors = graduates[:GROUPS_PER_COHORT] or [
            self._person(base) for base in (PersonBase.PRISON, PersonBase.UNIVERSITY) * 2
        ]
        for person in mentors:
            self._enrol(cohort, person, MembershipRole.MENTOR)
        for person in lecturers:
            self._enrol(cohort, person, MembershipRole.LECTURER)
        self._enrol(cohort, coordinator, MembershipRole.COORDINATOR)
        for index, session_row in enumerate(cohort.sessions):
            if session_row.kind is not SessionKind.GRADUATION:
                session_row.lecturer_id = lecturers[index % len(lecturers)].id
        return facilitators[0]

    def _students(self, cohort: _Cohort, *, finished: bool) -> None:
        people = [
            self._person(base)
            for base in [PersonBase.PRISON, PersonBase.UNIVERSITY]
            for _ in range(STUDENTS_PER_BASE)
        ]
        self.rng.shuffle(people)
        leavers = (
            {
                0: (MembershipStatus.RELEASED, 5),
                1: (MembershipStatus.TRANSFERRED, 4),
                2: (MembershipStatus.WITHDRAWN, 6),
            }
            if finished
            else {0: (MembershipStatus.WITHDRAWN, 5)}
        )
        prison_people = [p for p in people if p.base is PersonBase.PRISON]
        for person in people:
            leaving = None
            if person.base is PersonBase.PRISON and prison_people.index(person) in leavers:
                leaving = leavers[prison_people.index(person)]
            if leaving:
                status, week = leaving
                since = cohort.row.starts_on + timedelta(weeks=week - 1, days=2)
                self._enrol(cohort, person, MembershipRole.STUDENT, status, since)
            else:
                status = MembershipStatus.GRADUATED if finished else MembershipStatus.ACTIVE
                since = cohort.row.ends_on if finished else cohort.row.starts_on
                self._enrol(cohort, person, MembershipRole.STUDENT, status, since)

    # -- groups and the register -------------------------------------------------------

    def _groups(self, cohort: _Cohort) -> None:
        groups = [
            m.SmallGroup(
                id=uuid.uuid4(), cohort_id=cohort.row.id, name=f"Group {n + 1}", position=n
            )
            for n in range(GROUPS_PER_COHORT)
        ]
        self.session.add_all(groups)
        self.session.flush()
        grouped = [
            (mem, p)
            for mem, p in cohort.members
            if mem.role
            in (MembershipRole.STUDENT, MembershipRole.MENTOR, MembershipRole.FACILITATOR)
        ]
        infos = [
            MemberInfo(
                mem.id,
                cohort.row.id,
                p.id,
                p.display_name,
                p.sort_name,
                p.base,
                mem.role,
                mem.status,
                mem.status_since,
                None,
                "",
            )
            for mem, p in grouped
        ]
        placement = allocate(infos, [g.id for g in groups])
        for mem, _ in grouped:
            self.session.add(m.GroupMember(group_id=placement[mem.id], membership_id=mem.id))

    def _attendance(self, cohort: _Cohort) -> None:
        recorded = datetime.combine(cohort.row.starts_on, time(16, 5), UTC)
        for session_row in cohort.sessions:
            if not cohort.marked(session_row):
                continue
            for membership, person in cohort.members:
                if membership.role not in (
                    MembershipRole.STUDENT,
                    MembershipRole.MENTOR,
                    MembershipRole.FACILITATOR,
                ):
                    continue
                if _gone_by(membership, session_row.held_on):
                    continue
                status, reason = self._attendance_status(person)
                self.session.add(
                    m.AttendanceMark(
                        session_id=session_row.id,
                        person_id=person.id,
                        status=status,
                        absence_reason=reason,
                        recorded_by_name=RECORDER,
                        recorded_at=recorded + timedelta(weeks=session_row.week - 1),
                    )
                )

    def _attendance_status(self, person: m.Person) -> tuple[AttendanceStatus, MarkReason | None]:
        roll = self.rng.random()
        if roll < 0.84:
            return AttendanceStatus.PRESENT, None
        if roll < 0.90:
            return AttendanceStatus.LATE, None
        if roll < 0.92:
            return AttendanceStatus.LEFT_EARLY, None
        if roll < 0.95:
            return AttendanceStatus.EXCUSED, None
        reasons: Sequence[MarkReason] = (
            [
                MarkReason.LOCKDOWN,
                MarkReason.LEGAL_VISIT,
                MarkReason.HEALTHCARE,
                MarkReason.WORK_OR_COURT,
            ]
            if person.base is PersonBase.PRISON
            else [MarkReason.ILLNESS, MarkReason.PERSONAL]
        )
        return AttendanceStatus.ABSENT, self.rng.choice(list(reasons))

    # -- essays and marks ----------------------------------------------------------------

    def _essays(self, cohort: _Cohort, *, finished: bool) -> None:
        deadline = cohort.row.ends_on - timedelta(days=7)
        students = [
            (mem, p)
            for mem, p in cohort.members
            if mem.role is MembershipRole.STUDENT and mem.status not in _LEFT_EARLY
        ]
        for index, (membership, _) in enumerate(students):
            if not finished and index % 2:
                continue  # half of the running cohort has handed in so far
            body = " ".join(self.rng.choice(text.ESSAY_SENTENCES) for _ in range(90))
            late = self.rng.random() < 0.08
            essay = m.Essay(
                id=uuid.uuid4(),
                membership_id=membership.id,
                candidate_number=new_candidate_number(),
                title=self.rng.choice(text.ESSAY_TITLES),
                text=body,
                word_count=count_words(body),
                submitted_on=deadline + timedelta(days=3 if late else -self.rng.randint(0, 5)),
                late=late,
                extension_note="Extension agreed for healthcare appointments." if late else "",
            )
            self.session.add(essay)
            self.session.flush()
            first = round(self.rng.gauss(64, 6))
            second = first + self.rng.choice([-6, -4, -2, 0, 2, 3, 5, 12])
            marks: list[tuple[MarkPosition, str, int | None]] = [
                (MarkPosition.FIRST, "Marker A", first),
                (MarkPosition.SECOND, "Marker B", second),
            ]
            if finished:
                marks.append((MarkPosition.AGREED, "Moderation", round((first + second) / 2)))
                essay.moderation_needed = abs(first - second) >= 10
                essay.identities_revealed = True
            elif index % 4 == 0:
                marks = marks[:1]
            else:
                # Waiting for the demo marker's account (first) and a paper marker.
                marks = [
                    (MarkPosition.FIRST, self.marker_name or "Marker A", None),
                    (MarkPosition.SECOND, "Marker B", None),
                ]
            for position, marker, score in marks:
                self.session.add(
                    m.EssayMark(
                        essay_id=essay.id,
                        position=position,
                        marker_id=self.marker_id if marker == self.marker_name else None,
                        marker_name=marker,
                        score=score,
                        feedback=self.rng.choice(text.FEEDBACK) if score else "",
                        submitted_at=(
                            datetime.combine(cohort.row.ends_on, time(12), UTC) if score else None
                        ),
                        locked=position is MarkPosition.AGREED,
                    )
                )

    # -- research --------------------------------------------------------------------

    def _consents(self, people: list[m.Person]) -> None:
        for index, person in enumerate(people):
            given = self.on(date(2026, 1, 5) if index < 60 else date(2026, 9, 7))
            for scope in ConsentScope:
                if scope is ConsentScope.INTERVIEW and self.rng.random() < 0.5:
                    continue
                if self.rng.random() < 0.12:
                    continue
                consent = m.Consent(
                    person_id=person.id,
                    scope=scope,
                    given_on=given,
                    form_reference=f"CF-{index + 1:03d}",
                    recorded_by_name=RECORDER,
                )
                if scope is ConsentScope.STORIES and index % 17 == 5:
                    consent.withdrawn_on = given + timedelta(days=40)
                    consent.withdrawal_recorded_by_name = RECORDER
                self.session.add(consent)
        self.session.flush()

    def _has_consent(self, person: m.Person, scope: ConsentScope, on: date) -> bool:
        return has_consent(self.session, person.id, scope, on)

    def _story_questions(self) -> list[m.StoryQuestion]:
        questions = [
            m.StoryQuestion(position=n, text=question)
            for n, question in enumerate(text.STORY_QUESTIONS)
        ]
        self.session.add_all(questions)
        self.session.flush()
        return questions

    def _stories(self, cohort: _Cohort, questions: list[m.StoryQuestion]) -> None:
        for session_row in cohort.sessions:
            if not cohort.marked(session_row) or session_row.kind is SessionKind.GRADUATION:
                continue
            for membership, person in cohort.members:
                if membership.role is MembershipRole.COORDINATOR:
                    continue
                if _gone_by(membership, session_row.held_on):
                    continue
                if self.rng.random() > 0.55:
                    continue
                if not self._has_consent(person, ConsentScope.STORIES, session_row.held_on):
                    continue
                story = m.Story(
                    session_id=session_row.id,
                    person_id=person.id,
                    text=" ".join(self.rng.sample(text.STORY_SENTENCES, 3)),
                    written_on=session_row.held_on,
                    transcribed_by_name=RECORDER,
                )
                self.session.add(story)
                self.session.flush()
                for question, answers in zip(questions, text.STORY_ANSWERS, strict=True):
                    self.session.add(
                        m.StoryAnswer(
                            story_id=story.id,
                            question_id=question.id,
                            answer=self.rng.choice(answers),
                        )
                    )

    def _questionnaire(self) -> tuple[m.QuestionnaireTemplate, list[m.QuestionnaireItem]]:
        template = m.QuestionnaireTemplate(
            name="Learning and self-efficacy (example)",
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
        cohort: _Cohort,
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
                if phase is QuestionnairePhase.POST and membership.status in _LEFT_EARLY:
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

    # -- around the course ---------------------------------------------------------------

    def _graduation(self, cohort: _Cohort) -> None:
        event = m.GraduationEvent(
            title=f"{season_of(cohort.row.ends_on)} {cohort.row.ends_on.year} graduation",
            held_on=cohort.row.ends_on,
            venue="HMP Northfield chapel",
            capacity=80,
            guest_deadline=cohort.row.ends_on - timedelta(days=21),
        )
        self.session.add(event)
        self.session.flush()
        self.session.add(m.GraduationCohort(event_id=event.id, cohort_id=cohort.row.id))
        for position, (at, title, kind) in enumerate(
            [
                ("14:00", "Welcome", "speech"),
                ("14:15", "Reflections from graduates", "speech"),
                ("14:45", "Presentation of certificates", "presentation"),
                ("15:15", "Music from the prison choir", "music"),
                ("15:30", "Refreshments", "catering"),
            ]
        ):
            self.session.add(
                m.ProgrammeItem(
                    event_id=event.id, position=position, starts_at=at, title=title, kind=kind
                )
            )
        serial = 1
        for membership, _ in cohort.members:
            if membership.status is not MembershipStatus.GRADUATED:
                continue
            self.session.add(
                m.Certificate(
                    membership_id=membership.id,
                    serial=serial_number(self.store.site.id, cohort.row.ends_on.year, serial),
                    issued_on=cohort.row.ends_on,
                    event_id=event.id,
                )
            )
            serial += 1
            if self.rng.random() < 0.6:
                given = self.rng.choice(text.GIVEN_NAMES)
                family = self.rng.choice(text.FAMILY_NAMES)
                self.session.add(
                    m.GraduationGuest(
                        event_id=event.id,
                        invited_by_id=membership.id,
                        name=f"{given} {family}",
                        relationship_to_student=self.rng.choice(
                            ["Mother", "Partner", "Brother", "Friend"]
                        ),
                        category=GuestCategory.FAMILY,
                        clearance=ClearanceStatus.CLEARED,
                        submitted_on=event.held_on - timedelta(days=35),
                        decided_on=event.held_on - timedelta(days=20),
                        attended=True,
                    )
                )
        self._guests_not_cleared(event, cohort)

    def _guests_not_cleared(self, event: m.GraduationEvent, cohort: _Cohort) -> None:
        """Guests whose clearance never came through: two sent on the deadline day that
        the prison had not answered by the ceremony, two added too late to send, and one
        refused. None of them was admitted. A generator of its own, so nothing made
        before shifts."""
        rng = random.Random(3_2026)
        graduated = [
            membership
            for membership, _ in cohort.members
            if membership.status is MembershipStatus.GRADUATED
        ]
        deadline = event.guest_deadline
        assert deadline is not None
        plan: list[tuple[ClearanceStatus, date | None, date | None]] = [
            (ClearanceStatus.SUBMITTED, deadline, None),
            (ClearanceStatus.SUBMITTED, deadline, None),
            (ClearanceStatus.NOT_SUBMITTED, None, None),
            (ClearanceStatus.NOT_SUBMITTED, None, None),
            (
                ClearanceStatus.REFUSED,
                event.held_on - timedelta(days=35),
                event.held_on - timedelta(days=17),
            ),
        ]
        for (clearance, submitted_on, decided_on), inviter in zip(
            plan, rng.sample(graduated, len(plan)), strict=True
        ):
            relationship = rng.choice(["Sister", "Father", "Cousin", "Friend"])
            self.session.add(
                m.GraduationGuest(
                    event_id=event.id,
                    invited_by_id=inviter.id,
                    name=f"{rng.choice(text.GIVEN_NAMES)} {rng.choice(text.FAMILY_NAMES)}",
                    relationship_to_student=relationship,
                    category=(
                        GuestCategory.FRIEND if relationship == "Friend" else GuestCategory.FAMILY
                    ),
                    clearance=clearance,
                    submitted_on=submitted_on,
                    decided_on=decided_on,
                )
            )

    def _applications(self, cohort: _Cohort) -> None:
        for membership, person in cohort.members:
            if membership.role is not MembershipRole.STUDENT:
                continue
            self.session.add(
                m.Application(
                    cohort_id=cohort.row.id,
                    person_id=person.id,
                    received_on=cohort.row.starts_on - timedelta(days=self.rng.randint(40, 70)),
                    motivation_statement=" ".join(self.rng.sample(text.STORY_SENTENCES, 2)),
                    heard_about=self.rng.choice(
                        ["Education department", "A friend", "Lecturer", "Poster"]
                    ),
                    decision=ApplicationDecision.ACCEPTED,
                    decided_on=cohort.row.starts_on - timedelta(days=30),
                    answered_on=cohort.row.starts_on - timedelta(days=20),
                )
            )

    def _mentoring_and_evaluation(
        self, spring: _Cohort, autumn: _Cohort, graduates: list[m.Person]
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

    def _interviews(self, spring: _Cohort, autumn: _Cohort, rng: random.Random) -> None:
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
            if membership.status in _LEFT_EARLY:
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

    def _sense_making(self, cohort: _Cohort, rng: random.Random) -> None:
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
            if membership.status in _LEFT_EARLY:
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

    def _application_round(self, autumn: _Cohort) -> None:
        """The second cohort's application round as it ended: every statement assessed
        by two people on the default rubric; besides the students who accepted, a waiting
        list, two kind declines, an offer turned down and an application withdrawn. A
        student has left since, so a place is free for the waiting list. Applicants who
        never enrolled are in no cohort, so they never leave this site. A generator of its
        own, so nothing made before shifts."""
        rng = random.Random(3_2027)
        session = self.session
        ensure_default_rubric(session)
        criteria = session.scalars(
            select(m.RubricCriterion)
            .where(m.RubricCriterion.active.is_(True))
            .order_by(m.RubricCriterion.position)
        ).all()
        admin = session.scalars(
            select(m.User).where(m.User.role == Role.ADMINISTRATOR).order_by(m.User.created_at)
        ).first()
        staff = session.scalars(select(m.User).where(m.User.username == "staff")).first()
        assessors: list[tuple[uuid.UUID | None, str]] = [
            (admin.id if admin else None, admin.display_name if admin else RECORDER),
            (staff.id, staff.display_name) if staff else (None, "Dr Sam Reid"),
        ]
        cohort = autumn.row
        decided_on = cohort.starts_on - timedelta(days=30)  # as the students' applications
        accepted = {
            a.person_id: a
            for a in session.scalars(
                select(m.Application).where(m.Application.cohort_id == cohort.id)
            )
        }
        for membership, person in autumn.members:
            if membership.role is MembershipRole.STUDENT and person.id in accepted:
                self._scores(rng, accepted[person.id], criteria, assessors, 3, 5)
        waiting, declined, turned_down, withdrawn = (
            ApplicationDecision.WAITING_LIST,
            ApplicationDecision.DECLINED,
            ApplicationDecision.OFFER_DECLINED,
            ApplicationDecision.WITHDRAWN,
        )
        # (where they are based, the decision, lowest and highest score)
        plan = [
            (PersonBase.PRISON, waiting, 3, 4),
            (PersonBase.PRISON, waiting, 3, 4),
            (PersonBase.UNIVERSITY, waiting, 3, 4),
            (PersonBase.UNIVERSITY, waiting, 3, 4),
            (PersonBase.PRISON, declined, 1, 3),
            (PersonBase.UNIVERSITY, declined, 1, 3),
            (PersonBase.UNIVERSITY, turned_down, 4, 5),
            (PersonBase.PRISON, withdrawn, 2, 4),
        ]
        reasons = iter(DECLINE_REASONS[:2])
        for base, decision, low, high in plan:
            person = self._applicant(rng, base)
            application = m.Application(
                id=uuid.uuid4(),
                cohort_id=cohort.id,
                person_id=person.id,
                received_on=cohort.starts_on - timedelta(days=rng.randint(40, 70)),
                motivation_statement=" ".join(rng.sample(text.MOTIVATION_SENTENCES, 3)),
                heard_about=rng.choice(text.HEARD_ABOUT),
                availability=rng.choice(text.AVAILABILITY),
                adjustments=rng.choice(text.ADJUSTMENTS),
                decision=decision,
                decision_reason=next(reasons) if decision is declined else "",
                decided_on=None if decision is withdrawn else decided_on,
                answered_on=(
                    decided_on + timedelta(days=rng.randint(3, 10))
                    if decision in (turned_down, withdrawn)
                    else None
                ),
            )
            session.add(application)
            session.flush()
            self._scores(rng, application, criteria, assessors, low, high)

    def _scores(
        self,
        rng: random.Random,
        application: m.Application,
        criteria: Sequence[m.RubricCriterion],
        assessors: list[tuple[uuid.UUID | None, str]],
        low: int,
        high: int,
    ) -> None:
        for assessor_id, assessor_name in assessors:
            for position, criterion in enumerate(criteria):
                score = rng.randint(low, high)
                self.session.add(
                    m.ApplicationScore(
                        application_id=application.id,
                        criterion_id=criterion.id,
                        assessor_id=assessor_id,
                        assessor_name=assessor_name,
                        score=score,
                        notes=text.ASSESSOR_NOTES[position].get(score, ""),
                    )
                )

    def _applicant(self, rng: random.Random, base: PersonBase) -> m.Person:
        while True:
            given, family = rng.choice(text.GIVEN_NAMES), rng.choice(text.FAMILY_NAMES)
            if (given, family) not in self._names:
                self._names.add((given, family))
                break
        person = m.Person(
            id=uuid.uuid4(),
            given_name=given,
            family_name=family,
            base=base,
            email=(
                f"{given.lower()}.{family.lower().replace(chr(39), '')}@eastbridge.ac.uk"
                if base is PersonBase.UNIVERSITY
                else ""
            ),
            research_id=new_research_id(),
        )
        self.session.add(person)
        self.session.flush()
        if base is PersonBase.PRISON and self.prison_site:
            while True:
                number = (
                    f"{rng.choice('ABG')}{rng.randint(1000, 9999)}"
                    f"{rng.choice('ABCDEFGHJK')}{rng.choice('ABCDEFGHJK')}"
                )
                if number not in self._prison_numbers:
                    self._prison_numbers.add(number)
                    break
            # What only the prison needs, such as the clearance to attend, stays here.
            self.session.add(
                m.PrisonDetails(
                    person_id=person.id,
                    prison_number=number,
                    location=rng.choice(text.PRISON_LOCATIONS),
                    security_notes=rng.choice(text.SECURITY_NOTES),
                    clearance=ClearanceStatus.NOT_SUBMITTED,
                )
            )
        return person

    def _accounts(self, facilitator: m.Person) -> None:
        for username, role in DEMO_USERS:
            user = m.User(
                username=username,
                display_name=f"Demo {role.label.lower()}",
                role=role,
                person_id=facilitator.id if role is Role.FACILITATOR else None,
            )
            self.session.add(user)
            self.session.flush()
            self.store.set_password(user.id, username, DEMO_PASSWORD)
            if role is Role.MARKER:
                self.marker_id, self.marker_name = user.id, user.display_name


__all__ = ["DEMO_PASSWORD", "DEMO_USERS", "build_demo_store"]
