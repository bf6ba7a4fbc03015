"""After the course, through the services: what a person goes on to do is recorded only
with their consent to being followed, by those who keep people's records, and counted in
the cohort report and the Overview as numbers of people, never names."""

from __future__ import annotations

import uuid
from datetime import date
from pathlib import Path

import pytest
from pypdf import PdfReader

from lt_desktop.core.services.progression import progression_counts
from lt_desktop.core.sign_in import sign_in
from lt_desktop.core.workspace import Workspace
from lt_desktop.documents.cohort_report import write_cohort_report
from lt_desktop.domain.errors import ConsentMissing, PermissionDenied, ValidationError
from lt_desktop.domain.vocabulary import (
    ConsentScope,
    MembershipRole,
    MembershipStatus,
    PersonBase,
    ProgressionKind,
)
from lt_desktop.storage.database import INCLUDE_DELETED
from lt_desktop.storage.models import Progression

#: What the demo's graduates of the first cohort went on to do (``core/demo/after_course``).
DEMO_COUNTS = [
    ("Further study", 1),
    ("Mentoring", 2),
    ("Facilitating", 1),
    ("Employment", 1),
    ("Released, keeping in touch", 1),
]


def _spring(demo: Workspace) -> uuid.UUID:
    return next(c.id for c in demo.programme.list_cohorts() if c.name.startswith("January"))


def _graduate(demo: Workspace, *, base: PersonBase, followed: bool) -> uuid.UUID:
    """A graduate of the first cohort, with or without consent to being followed."""
    for member in demo.memberships.list_members(_spring(demo)):
        if member.role is not MembershipRole.STUDENT or member.base is not base:
            continue
        if member.status is not MembershipStatus.GRADUATED:
            continue
        states = {s.scope: s for s in demo.consent.states(member.person_id)}
        if states[ConsentScope.PROGRESSION].active is followed:
            return member.person_id
    raise AssertionError("no such graduate in the demo")


def test_the_demo_follows_six_graduates_with_their_consent(demo: Workspace) -> None:
    spring = _spring(demo)
    with demo.store.read() as session:
        assert progression_counts(session, [spring]) == DEMO_COUNTS
    assert demo.documents.cohort_report(spring).progression == DEMO_COUNTS
    (summary,) = demo.overview.partnerships()
    assert summary.progression == DEMO_COUNTS
    autumn = next(c.id for c in demo.programme.list_cohorts() if c.id != spring)
    assert demo.documents.cohort_report(autumn).progression == []


def test_a_step_is_recorded_changed_and_removed_with_consent(demo: Workspace) -> None:
    person = _graduate(demo, base=PersonBase.UNIVERSITY, followed=False)
    spring = _spring(demo)
    demo.consent.record(person, ConsentScope.PROGRESSION, given_on=date(2026, 4, 1))
    step = demo.progression.record(
        person,
        kind=ProgressionKind.FURTHER_STUDY,
        started_on=date(2026, 9, 21),
        cohort_id=spring,
        notes="  A master's in criminology.  ",
    )
    assert (step.kind, step.cohort_id, step.notes) == (
        ProgressionKind.FURTHER_STUDY,
        spring,
        "A master's in criminology.",
    )
    assert step.cohort_title == "Crime, Justice and Society: January–March 2026"
    assert step.recorded_by_name == demo.actor.display_name and step.consented
    assert step.describe_dates() == "since 21 Sep 2026"

    changed = demo.progression.edit(
        step.id,
        kind=ProgressionKind.EMPLOYMENT,
        started_on=date(2026, 9, 21),
        ended_on=date(2026, 11, 20),
        cohort_id=None,
        notes="Took a job instead.",
    )
    assert changed.describe_dates() == "21 Sep 2026 to 20 Nov 2026"
    assert [s.kind for s in demo.progression.list_for(person)] == [ProgressionKind.EMPLOYMENT]
    # One that follows no cohort counts for each cohort its person was a student of.
    with demo.store.read() as session:
        counts = dict(progression_counts(session, [spring]))
    assert counts["Employment"] == 2

    demo.progression.remove(step.id)
    assert demo.progression.list_for(person) == []
    actions = [e.action for e in demo.audit.entries(action="progression.")]
    assert actions[:3] == ["progression.removed", "progression.changed", "progression.recorded"]
    # The audit log says what kind of step, never the notes.
    assert all("criminology" not in str(e.details) for e in demo.audit.entries())


def test_nothing_is_recorded_without_consent_to_being_followed(demo: Workspace) -> None:
    person = _graduate(demo, base=PersonBase.PRISON, followed=False)
    with pytest.raises(ConsentMissing) as refused:
        demo.progression.record(
            person, kind=ProgressionKind.MENTORING, started_on=date(2026, 9, 14)
        )
    name = demo.people.get_person(person).display_name
    assert str(refused.value) == (
        f"{name} has not consented to following what they go on to do. Record their "
        "consent to following what they go on to do on their page first. Nothing was saved."
    )
    assert demo.progression.list_for(person) == []


def test_a_withdrawal_stops_a_step_counting_and_changing_but_it_may_be_removed(
    demo: Workspace,
) -> None:
    spring = _spring(demo)
    followed = _graduate(demo, base=PersonBase.PRISON, followed=True)
    (step,) = demo.progression.list_for(followed)
    demo.consent.withdraw(followed, ConsentScope.PROGRESSION, on=date(2026, 11, 20))
    (kept,) = demo.progression.list_for(followed)
    assert not kept.consented
    with demo.store.read() as session:
        counts = dict(progression_counts(session, [spring]))
    assert sum(counts.values()) == sum(n for _, n in DEMO_COUNTS) - 1
    with pytest.raises(ConsentMissing, match="withdrew consent"):
        demo.progression.edit(
            step.id, kind=step.kind, started_on=step.started_on, notes="Still in touch."
        )
    demo.progression.remove(step.id)
    assert demo.progression.list_for(followed) == []


def test_what_a_step_must_be(demo: Workspace) -> None:
    student = _graduate(demo, base=PersonBase.UNIVERSITY, followed=True)
    with pytest.raises(ValidationError, match="only for someone who studied with us in prison"):
        demo.progression.record(
            student, kind=ProgressionKind.KEEPING_IN_TOUCH, started_on=date(2026, 6, 1)
        )
    with pytest.raises(ValidationError, match="cannot end before it started"):
        demo.progression.record(
            student,
            kind=ProgressionKind.EMPLOYMENT,
            started_on=date(2026, 6, 1),
            ended_on=date(2026, 5, 1),
        )
    autumn = next(c.id for c in demo.programme.list_cohorts() if c.id != _spring(demo))
    if autumn not in {c.id for c in demo.progression.cohorts_for(student)}:
        with pytest.raises(ValidationError, match="had no place in that cohort"):
            demo.progression.record(
                student,
                kind=ProgressionKind.EMPLOYMENT,
                started_on=date(2026, 6, 1),
                cohort_id=autumn,
            )
    with pytest.raises(ValidationError, match="limited to 2000 characters"):
        demo.progression.record(
            student, kind=ProgressionKind.EMPLOYMENT, started_on=date(2026, 6, 1), notes="x" * 2001
        )
    # The cohort they studied in comes first: the one a step most often follows.
    assert demo.progression.cohorts_for(student)[0].title.endswith("January–March 2026")


@pytest.mark.parametrize("username", ["facilitator", "marker", "researcher"])
def test_only_those_who_keep_peoples_records_see_or_record_it(
    demo_dir: Path, username: str
) -> None:
    with sign_in(demo_dir, "demo", "demo") as demo:
        followed = _graduate(demo, base=PersonBase.UNIVERSITY, followed=True)
        (step,) = demo.progression.list_for(followed)
    with sign_in(demo_dir, username, "demo") as other:
        for call in (
            lambda: other.progression.list_for(followed),
            lambda: other.progression.cohorts_for(followed),
            lambda: other.progression.record(
                followed, kind=ProgressionKind.EMPLOYMENT, started_on=date(2026, 6, 1)
            ),
            lambda: other.progression.edit(
                step.id, kind=ProgressionKind.EMPLOYMENT, started_on=date(2026, 6, 1)
            ),
            lambda: other.progression.remove(step.id),
        ):
            with pytest.raises(PermissionDenied, match="change people's records"):
                call()
    with sign_in(demo_dir, "demo", "demo") as demo:
        assert demo.progression.list_for(followed) == [step]


def test_the_cohort_report_counts_people_and_names_no_one(demo: Workspace, tmp_path: Path) -> None:
    spring = _spring(demo)
    report = demo.documents.cohort_report(spring)
    target = tmp_path / "report.pdf"
    write_cohort_report(target, report)
    text = " ".join(" ".join(page.extract_text() for page in PdfReader(target).pages).split())
    section = text.split("After the course", 1)[1]
    # A column a kind: the number of people over what they went on to do.
    assert section.startswith(
        " 1 2 1 1 1 Further study Mentoring Facilitating Employment Released, keeping in touch"
    ), section
    followed = [
        m.display_name
        for m in demo.memberships.list_members(spring)
        if any(True for _ in demo.progression.list_for(m.person_id))
    ]
    assert len(followed) == 6 and not [name for name in followed if name in text]


def test_someone_forgotten_takes_what_they_went_on_to_do_with_them(demo: Workspace) -> None:
    followed = _graduate(demo, base=PersonBase.UNIVERSITY, followed=True)
    (step,) = demo.progression.list_for(followed)
    demo.people.remove_person(followed)
    with demo.store.read() as session:
        row = session.get(Progression, step.id, execution_options={INCLUDE_DELETED: True})
        assert row is not None and row.deleted_at is not None and row.notes == ""
        assert sum(n for _, n in progression_counts(session, [_spring(demo)])) == 5
