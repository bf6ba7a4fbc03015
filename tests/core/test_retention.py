"""The retention schedule: what each kind's period says is due on a given day, counted
exactly, and erasing that (only that) once asked to."""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

import pytest
from sqlalchemy import select

from lt_desktop.core.services.retention import Due
from lt_desktop.core.sign_in import sign_in
from lt_desktop.core.workspace import Workspace
from lt_desktop.domain.errors import PermissionDenied, ValidationError
from lt_desktop.domain.retention import DEFAULTS, PeriodUnit, RetentionKind, add_period
from lt_desktop.domain.roles import Role
from lt_desktop.domain.vocabulary import (
    ApplicationDecision,
    ErasureReason,
    ErasureScope,
    MembershipRole,
    MembershipStatus,
    PersonBase,
    QuestionnairePhase,
    SessionKind,
)
from lt_desktop.storage.database import INCLUDE_DELETED
from lt_desktop.storage.models import (
    Application,
    AuditEntry,
    ClassSession,
    Erasure,
    Interview,
    Membership,
    Person,
    QuestionnaireResponse,
    QuestionnaireTemplate,
    Story,
)
from tests.helpers.stores import ADMIN, ADMIN_PASSWORD, add_account, sign_in_as

RESEARCH, INTERVIEWS, APPLICATIONS, COURSE = (
    RetentionKind.RESEARCH_DATA,
    RetentionKind.INTERVIEWS,
    RetentionKind.APPLICATIONS,
    RetentionKind.COURSE_RECORDS,
)


@dataclass
class Scene:
    """Two cohorts, one long over (ended 30 Jun 2020), one recent (ended 30 Jun 2026),
    and their people: Ann in both, Ben in the old one only, Cara an applicant declined
    and nothing else, Dan in the recent one who withdrew an application to a later one."""

    old: uuid.UUID
    recent: uuid.UUID
    later: uuid.UUID
    ann: uuid.UUID
    ben: uuid.UUID
    cara: uuid.UUID
    dan: uuid.UUID
    ann_recent_story: uuid.UUID


def _scene(ws: Workspace) -> Scene:
    partnership = ws.programme.add_partnership(
        name="Testbridge Learning Together",
        prison_name="HMP Testbridge",
        university_name="University of Test",
    )
    course = ws.programme.add_course(partnership_id=partnership.id, title="Philosophy")

    def cohort(name: str, starts: date, ends: date) -> uuid.UUID:
        return ws.programme.add_cohort(
            course_id=course.id, name=name, starts_on=starts, ends_on=ends, capacity=10
        ).id

    old = cohort("Spring 2020", date(2020, 2, 1), date(2020, 6, 30))
    recent = cohort("Spring 2026", date(2026, 2, 1), date(2026, 6, 30))
    later = cohort("Spring 2027", date(2027, 2, 1), date(2027, 6, 30))

    def person(given: str) -> uuid.UUID:
        return ws.people.add_person(
            given_name=given, family_name="Tester", base=PersonBase.PRISON
        ).id

    ann, ben, cara, dan = (person(name) for name in ("Ann", "Ben", "Cara", "Dan"))
    with ws.store.write() as session:
        template = QuestionnaireTemplate(name="Self-efficacy")
        sessions = {
            cohort_id: ClassSession(
                cohort_id=cohort_id, week=1, held_on=starts, kind=SessionKind.LECTURE_AND_DISCUSSION
            )
            for cohort_id, starts in ((old, date(2020, 2, 1)), (recent, date(2026, 2, 1)))
        }
        session.add_all([template, *sessions.values()])
        session.flush()
        for person_id, cohort_id in ((ann, old), (ben, old), (ann, recent), (dan, recent)):
            session.add(
                Membership(
                    cohort_id=cohort_id,
                    person_id=person_id,
                    role=MembershipRole.STUDENT,
                    status=MembershipStatus.COMPLETED,
                    status_since=date(2020, 6, 30),
                )
            )
        session.add_all(
            [
                Story(session_id=sessions[old].id, person_id=ann, text="Ann's old story"),
                Story(session_id=sessions[old].id, person_id=ben, text="Ben's old story"),
                QuestionnaireResponse(
                    template_id=template.id,
                    cohort_id=old,
                    person_id=ann,
                    phase=QuestionnairePhase.PRE,
                ),
                Interview(person_id=ann, cohort_id=old, notes="Ann spoke of her group"),
                Application(
                    cohort_id=recent,
                    person_id=cara,
                    received_on=date(2025, 11, 1),
                    motivation_statement="Cara would like to learn",
                    decision=ApplicationDecision.DECLINED,
                    decision_reason="The course was full",
                    decided_on=date(2026, 1, 15),
                ),
                Application(
                    cohort_id=later,
                    person_id=dan,
                    received_on=date(2026, 9, 1),
                    motivation_statement="Dan would like to go on",
                    decision=ApplicationDecision.WITHDRAWN,
                    decided_on=date(2026, 9, 20),
                    answered_on=date(2026, 10, 1),
                ),
            ]
        )
        recent_story = Story(session_id=sessions[recent].id, person_id=ann, text="Ann's new story")
        session.add(recent_story)
        session.flush()
        recent_story_id = recent_story.id
    return Scene(old, recent, later, ann, ben, cara, dan, recent_story_id)


@pytest.fixture
def scene(workspace: Workspace) -> Scene:
    return _scene(workspace)


def _due(ws: Workspace, kind: RetentionKind, today: date) -> Due:
    (due,) = ws.retention.due(today, [kind])
    return due


def _counts(due: Due) -> dict[str, int]:
    return {count.words: count.count for count in due.counts}


def _scopes(due: Due) -> set[tuple[uuid.UUID, ErasureScope, uuid.UUID | None]]:
    return {(r.person_id, r.scope, r.cohort_id) for r in due.requests}


def test_the_defaults_are_shown_until_changed(workspace: Workspace) -> None:
    periods = workspace.retention.periods()

    assert [p.kind for p in periods] == [RESEARCH, INTERVIEWS, APPLICATIONS, COURSE]
    assert periods == [DEFAULTS[kind] for kind in RetentionKind]
    assert [p.describe() for p in periods] == [
        "5 years after the cohort ends",
        "Until the study ends (no end date set yet)",
        "6 months after the decision",
        "6 years after their last cohort ends",
    ]


def test_a_period_runs_out_on_the_same_day_or_the_last_of_a_shorter_month() -> None:
    assert add_period(date(2020, 6, 30), 5, PeriodUnit.YEARS) == date(2025, 6, 30)
    assert add_period(date(2026, 8, 31), 6, PeriodUnit.MONTHS) == date(2027, 2, 28)
    assert add_period(date(2024, 2, 29), 1, PeriodUnit.YEARS) == date(2025, 2, 28)


def test_research_data_is_due_on_the_day_its_cohort_ended_five_years_before(
    workspace: Workspace, scene: Scene
) -> None:
    before = _due(workspace, RESEARCH, date(2025, 6, 29))
    on = _due(workspace, RESEARCH, date(2025, 6, 30))

    assert before.requests == () and before.describe() == "Nothing is due."
    assert _scopes(on) == {
        (scene.ann, ErasureScope.RESEARCH_DATA, scene.old),
        (scene.ben, ErasureScope.RESEARCH_DATA, scene.old),
    }
    assert _counts(on) == {"stories": 2, "questionnaire responses": 1, "interviews": 1}
    assert on.people == 2
    assert on.describe() == "Due: 4 records about 2 people"


def test_nothing_is_due_of_a_kind_turned_off(workspace: Workspace, scene: Scene) -> None:
    workspace.retention.set_off(RESEARCH, True)

    due = _due(workspace, RESEARCH, date(2040, 1, 1))

    assert due.requests == () and due.describe() == "Nothing is due."
    assert due.period.describe() == "Off: never due"
    workspace.retention.set_off(RESEARCH, False)
    assert _due(workspace, RESEARCH, date(2040, 1, 1)).people == 2


def test_interviews_are_due_only_once_a_study_end_date_is_set_and_reached(
    workspace: Workspace, scene: Scene
) -> None:
    unset = _due(workspace, INTERVIEWS, date(2040, 1, 1))
    assert unset.requests == ()
    assert unset.describe() == "Nothing is due until the study's end date is set."

    workspace.retention.set_study_end(date(2026, 9, 1))

    assert _due(workspace, INTERVIEWS, date(2026, 8, 31)).requests == ()
    on = _due(workspace, INTERVIEWS, date(2026, 9, 1))
    assert _scopes(on) == {(scene.ann, ErasureScope.INTERVIEWS, scene.old)}
    assert _counts(on) == {"interviews": 1}


def test_applications_not_offered_a_place_are_due_six_months_after_the_decision(
    workspace: Workspace, scene: Scene
) -> None:
    # Cara's was declined on 15 Jan 2026; Dan withdrew his on 1 Oct 2026.
    assert _due(workspace, APPLICATIONS, date(2026, 7, 14)).requests == ()
    cara_only = _due(workspace, APPLICATIONS, date(2026, 7, 15))
    both = _due(workspace, APPLICATIONS, date(2027, 4, 1))

    # Cara holds nothing else here, so she goes altogether; Dan keeps his place.
    assert _scopes(cara_only) == {(scene.cara, ErasureScope.EVERYTHING, None)}
    assert _counts(cara_only) == {"person record": 1, "applications": 1}
    assert _scopes(both) == {
        (scene.cara, ErasureScope.EVERYTHING, None),
        (scene.dan, ErasureScope.APPLICATION, scene.later),
    }
    assert _counts(both) == {"person record": 1, "applications": 2}


def test_a_waiting_list_application_lapses_when_its_cohort_ends(
    workspace: Workspace, scene: Scene
) -> None:
    with workspace.store.write() as session:
        session.add(
            Application(
                cohort_id=scene.recent,
                person_id=scene.ben,
                received_on=date(2025, 12, 1),
                decision=ApplicationDecision.WAITING_LIST,
                decided_on=date(2026, 1, 10),
            )
        )

    # The recent cohort ended on 30 Jun 2026: six months on is 30 Dec 2026.
    assert (scene.ben, ErasureScope.APPLICATION, scene.recent) not in _scopes(
        _due(workspace, APPLICATIONS, date(2026, 12, 29))
    )
    assert (scene.ben, ErasureScope.APPLICATION, scene.recent) in _scopes(
        _due(workspace, APPLICATIONS, date(2026, 12, 30))
    )


def test_course_records_are_due_six_years_after_the_last_cohort_ends(
    workspace: Workspace, scene: Scene
) -> None:
    # Ben's only cohort ended 30 Jun 2020; Ann's last on 30 Jun 2026.
    assert _due(workspace, COURSE, date(2026, 6, 29)).requests == ()
    on = _due(workspace, COURSE, date(2026, 6, 30))

    assert _scopes(on) == {(scene.ben, ErasureScope.EVERYTHING, None)}
    assert _counts(on) == {"person record": 1, "cohort places": 1, "stories": 1}
    # Dan applied to a cohort ending in 2027, which keeps his record until 2033.
    # Cara never had a place: her application is kept by its own period, not this one.
    assert {r.person_id for r in _due(workspace, COURSE, date(2032, 6, 30)).requests} == {
        scene.ann,
        scene.ben,
    }


def test_someone_with_an_account_here_is_never_due_as_a_course_record(
    workspace: Workspace, scene: Scene
) -> None:
    add_account(workspace, "ben", Role.FACILITATOR, person_id=scene.ben)

    assert _due(workspace, COURSE, date(2030, 1, 1)).requests == ()


def test_a_changed_period_is_kept_and_audited(store_dir: Path, workspace: Workspace) -> None:
    workspace.retention.set_period(APPLICATIONS, 3, PeriodUnit.MONTHS)
    workspace.retention.set_study_end(date(2027, 3, 31))
    with pytest.raises(ValidationError, match="from 1 to 50 years"):
        workspace.retention.set_period(RESEARCH, 0, PeriodUnit.YEARS)
    with pytest.raises(ValidationError, match="until the study ends"):
        workspace.retention.set_period(INTERVIEWS, 1, PeriodUnit.YEARS)
    workspace.close()

    with sign_in(store_dir, ADMIN, ADMIN_PASSWORD) as again:
        periods = {p.kind: p for p in again.retention.periods()}
        assert periods[APPLICATIONS].describe() == "3 months after the decision"
        assert periods[INTERVIEWS].describe() == "Until the study ends on 31 Mar 2027"
        assert periods[RESEARCH] == DEFAULTS[RESEARCH]
        with again.store.read() as session:
            changed = list(
                session.scalars(select(AuditEntry).where(AuditEntry.action == "retention.changed"))
            )
        assert json.loads(changed[0].details) == {
            "before": "6 months after the decision",
            "after": "3 months after the decision",
        }
        again.retention.use_default(APPLICATIONS)
        assert again.retention.periods()[2] == DEFAULTS[APPLICATIONS]


def test_applying_erases_exactly_what_was_due(workspace: Workspace, scene: Scene) -> None:
    today = date(2025, 6, 30)
    due = _due(workspace, RESEARCH, today)

    erased = workspace.retention.apply([RESEARCH], today)

    assert erased.people == 2
    assert {c.words: c.count for c in erased.counts} == _counts(due)
    with workspace.store.read() as session:
        every = {
            story.text: story
            for story in session.scalars(select(Story).execution_options(**{INCLUDE_DELETED: True}))
        }
        interview = session.scalars(
            select(Interview).execution_options(**{INCLUDE_DELETED: True})
        ).one()
        people = list(session.scalars(select(Person)))
        entry = session.scalars(
            select(AuditEntry).where(AuditEntry.action == "retention.applied")
        ).one()
        kept = {
            (e.person_id, e.scope, e.cohort_id, e.reason) for e in session.scalars(select(Erasure))
        }
    # Kept as erasures, so they travel as every erasure does.
    assert kept == {
        (scene.ann, ErasureScope.RESEARCH_DATA, scene.old, ErasureReason.RETENTION),
        (scene.ben, ErasureScope.RESEARCH_DATA, scene.old, ErasureReason.RETENTION),
    }
    # The old cohort's stories are tombstones with their text gone; the recent one stands.
    assert set(every) == {"", "Ann's new story"}
    assert every["Ann's new story"].deleted_at is None
    assert every["Ann's new story"].id == scene.ann_recent_story
    blanked = [story for text, story in every.items() if text == ""]
    assert all(story.deleted_at is not None for story in blanked)
    assert interview.deleted_at is not None and interview.notes == ""
    # Nobody is erased for their research data; the audit names no one.
    assert len(people) == 4
    details = json.loads(entry.details)
    assert details["people"] == 2 and details["stories"] == 2
    assert "Ann" not in entry.details and "Tester" not in entry.details
    assert _due(workspace, RESEARCH, today).requests == ()


def test_nothing_is_erased_ahead_of_its_day(workspace: Workspace, scene: Scene) -> None:
    with pytest.raises(ValidationError, match="not a later day"):
        workspace.retention.apply([RESEARCH], date.today() + timedelta(days=1))
    assert _due(workspace, RESEARCH, date(2025, 6, 30)).people == 2


def test_applying_every_kind_erases_each_person_once(workspace: Workspace, scene: Scene) -> None:
    workspace.retention.set_study_end(date(2026, 7, 1))

    erased = workspace.retention.apply(None, date(2026, 7, 15))

    # Ann's interview is due twice over (research data, interviews) and Ben's stories too
    # (research data, course record): each goes once. Cara goes with her application.
    assert erased.people == 3
    assert {c.words: c.count for c in erased.counts}["interviews"] == 1
    with workspace.store.read() as session:
        living = set(session.scalars(select(Person.given_name)))
    assert living == {"Ann", "Dan"}
    assert all(due.requests == () for due in workspace.retention.due(date(2026, 7, 15)))


def test_staff_see_what_is_due_but_only_administrators_change_or_erase(
    store_dir: Path, workspace: Workspace, scene: Scene
) -> None:
    add_account(workspace, "staff", Role.EDUCATION_STAFF)
    add_account(workspace, "facilitator", Role.FACILITATOR)
    workspace.close()

    with sign_in_as(store_dir, "staff") as staff:
        assert _due(staff, RESEARCH, date(2025, 6, 30)).people == 2
        assert len(staff.retention.periods()) == 4
        with pytest.raises(PermissionDenied, match="education staff"):
            staff.retention.set_period(RESEARCH, 1, PeriodUnit.YEARS)
        with pytest.raises(PermissionDenied):
            staff.retention.set_off(RESEARCH, True)
        with pytest.raises(PermissionDenied):
            staff.retention.apply([RESEARCH], date(2025, 6, 30))
    with sign_in_as(store_dir, "facilitator") as facilitator:
        with pytest.raises(PermissionDenied):
            facilitator.retention.due(date(2025, 6, 30))
        with pytest.raises(PermissionDenied):
            facilitator.retention.periods()
