"""Records of one thing made at two sites, bundle numbers, and what a first bundle lists.

The education department (P) and a facilitator's laptop (L) at one prison, and its
university (U), as real stores exchanging real bundles.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import cast

import pytest
from sqlalchemy import Table, UniqueConstraint, select

from lt_desktop.domain.vocabulary import (
    ConsentScope,
    MembershipRole,
    MembershipStatus,
    PersonBase,
    SiteKind,
)
from lt_desktop.storage.database import INCLUDE_DELETED
from lt_desktop.storage.models import Certificate, MergedRecord, Partner, Story, StoryAnswer
from lt_desktop.storage.models.base import SAME_THING
from lt_desktop.sync.merges import natural_keys, site_codes
from lt_desktop.sync.records import synced_models
from tests.helpers.sites import (
    LAPTOP_ADMIN,
    LAPTOP_PASSWORD,
    UNIVERSITY_ADMIN,
    UNIVERSITY_PASSWORD,
    Site,
    copy_site,
    new_site,
    pair,
    pair_again,
)


@dataclass(frozen=True)
class Sites:
    prison: Site
    laptop: Site
    university: Site
    person: uuid.UUID  # consents to stories and to their sharing with the university
    session: uuid.UUID
    questions: tuple[uuid.UUID, ...]


@pytest.fixture(scope="module")
def _seeded(tmp_path_factory: pytest.TempPathFactory) -> Sites:
    root = tmp_path_factory.mktemp("merging")
    prison = new_site(root / "p", "HMP Northfield", SiteKind.PRISON, "education", "education 1")
    laptop = new_site(
        root / "l", "Northfield laptop", SiteKind.PRISON, LAPTOP_ADMIN, LAPTOP_PASSWORD
    )
    university = new_site(
        root / "u",
        "University of Eastbridge",
        SiteKind.UNIVERSITY,
        UNIVERSITY_ADMIN,
        UNIVERSITY_PASSWORD,
    )
    pair(prison, laptop)
    pair(prison, university)
    with prison.open() as workspace:
        programme = workspace.programme
        partnership = programme.add_partnership(
            name="Northfield and Eastbridge", prison_name=prison.name, university_name="UoE"
        )
        course = programme.add_course(partnership_id=partnership.id, title="Crime")
        cohort = programme.add_cohort(
            course_id=course.id,
            name="September",
            starts_on=date(2026, 9, 7),
            ends_on=date(2026, 12, 14),
        )
        person = workspace.people.add_person(
            given_name="Amir", family_name="Okafor", base=PersonBase.PRISON
        )
        workspace.memberships.enrol(cohort.id, person.id, role=MembershipRole.STUDENT)
        session = programme.add_session(
            cohort_id=cohort.id, week=1, held_on=date(2026, 9, 7), title="Week 1"
        )
        for scope in (ConsentScope.STORIES, ConsentScope.SHARE_WITH_UNIVERSITY):
            workspace.consent.record(person.id, scope, given_on=date(2026, 8, 20))
        questions = workspace.stories.set_questions(["What did you learn?", "From whom?"])
    for other in (laptop, university):
        other.take_in(
            prison.export_to(other, root / f"first-{other.folder.name}.ltbundle").info.path
        )
    return Sites(prison, laptop, university, person.id, session.id, tuple(q.id for q in questions))


@pytest.fixture
def sites(_seeded: Sites, tmp_path: Path) -> Sites:
    return Sites(
        copy_site(_seeded.prison, tmp_path / "p"),
        copy_site(_seeded.laptop, tmp_path / "l"),
        copy_site(_seeded.university, tmp_path / "u"),
        _seeded.person,
        _seeded.session,
        _seeded.questions,
    )


def _stories(site: Site, person: uuid.UUID) -> list[tuple[uuid.UUID, str, str]]:
    with site.open() as workspace, workspace.store.read() as session:
        return [
            (s.id, s.text, s.version)
            for s in session.scalars(
                select(Story)
                .where(Story.person_id == person)
                .execution_options(**{INCLUDE_DELETED: True})
            )
        ]


def _answers(site: Site, story_id: uuid.UUID) -> dict[uuid.UUID, tuple[uuid.UUID, str]]:
    with site.open() as workspace, workspace.store.read() as session:
        return {
            a.question_id: (a.id, a.answer)
            for a in session.scalars(
                select(StoryAnswer)
                .where(StoryAnswer.story_id == story_id)
                .execution_options(**{INCLUDE_DELETED: True})
            )
        }


def test_a_story_typed_in_at_both_prison_sites_becomes_one(sites: Sites, tmp_path: Path) -> None:
    first, second = sites.questions
    with sites.prison.open() as workspace:
        workspace.stories.save(
            sites.session, sites.person, text="Typed in from the paper copy.", answers={first: "P"}
        )
    with sites.laptop.open() as workspace:
        workspace.stories.save(
            sites.session,
            sites.person,
            text="Typed in during the class.",
            answers={first: "L", second: "A classmate"},
        )
    n = iter(range(100))
    for sender, recipient in [
        (sites.laptop, sites.prison),
        (sites.prison, sites.laptop),
        (sites.prison, sites.university),
        (sites.laptop, sites.prison),
    ]:
        taken = recipient.take_in(
            sender.export_to(recipient, tmp_path / f"{next(n)}.ltbundle").info.path
        )
        assert not taken.summary.missing_links, taken.describe()

    everywhere = (sites.prison, sites.laptop, sites.university)
    held = {site.name: _stories(site, sites.person) for site in everywhere}
    assert all(len(stories) == 1 for stories in held.values()), held
    assert len({stories[0] for stories in held.values()}) == 1, held
    ((story_id, text, _),) = held[sites.prison.name]
    # The later story stands; the answers to the question asked twice were merged the
    # same way, and the one asked only on the laptop moved to the story that stands.
    assert text == "Typed in during the class."
    answers = {site.name: _answers(site, story_id) for site in everywhere}
    assert len({tuple(sorted(a.items())) for a in answers.values()}) == 1, answers
    assert {q: a for q, (_, a) in answers[sites.prison.name].items()} == {
        first: "L",
        second: "A classmate",
    }
    # The education department lists what it typed in; the laptop never held it.
    with sites.prison.open() as workspace:
        lost = {c.table: c.lost_values for c in workspace.sync.conflicts()}
        assert lost["stories"]["text"] == "Typed in from the paper copy."
        assert lost["story_answers"]["answer"] == "P"
        with workspace.store.read() as session:
            assert len(session.scalars(select(MergedRecord)).all()) == 2
    with sites.laptop.open() as workspace:
        assert workspace.sync.conflicts() == []


def test_a_bundle_number_is_never_given_twice(sites: Sites, tmp_path: Path) -> None:
    """An export cut short after reserving its number: the number is free again only
    if the bundle never got into place."""
    prison, laptop = sites.prison, sites.laptop
    with prison.open() as workspace:
        partner_id = workspace.sync.partner_id(laptop.name)

    def cut_short(*, file_left: bool) -> int:
        with prison.open() as workspace, workspace.store.write() as session:
            partner = session.get(Partner, partner_id)
            assert partner is not None
            partial = tmp_path / f".{partner.last_sent_sequence}.ltbundle.partial"
            if file_left:
                partial.write_bytes(b"half a bundle")
            partner.reserved_sequence = partner.last_sent_sequence + 1
            partner.reserved_file = str(partial)
            return partner.reserved_sequence

    reserved = cut_short(file_left=True)  # killed before the rename
    again = prison.export_to(laptop, tmp_path / "again.ltbundle")
    assert again.sequence == reserved
    assert not any(tmp_path.glob(".*.partial"))  # the half-written file is tidied away

    reserved = cut_short(file_left=False)  # killed after the rename: it may be on its way
    after = prison.export_to(laptop, tmp_path / "after.ltbundle")
    assert after.sequence == reserved + 1
    with prison.open() as workspace:
        assert workspace.sync.find_partner(laptop.name).last_sent_sequence == reserved + 1


def test_a_first_bundle_lists_no_redactions(sites: Sites, tmp_path: Path) -> None:
    """Research data the partner never had is not even named to it."""
    prison, university = sites.prison, sites.university
    with prison.open() as workspace:
        workspace.stories.save(sites.session, sites.person, text="A story.", answers={})
    university.take_in(prison.export_to(university, tmp_path / "story.ltbundle").info.path)
    prison.take_in(university.export_to(prison, tmp_path / "ack.ltbundle").info.path)
    with prison.open() as workspace:
        workspace.consent.withdraw(sites.person, ConsentScope.STORIES, on=date(2026, 10, 1))
    other = new_site(
        tmp_path / "other",
        "Leeds Beckett University",
        SiteKind.UNIVERSITY,
        UNIVERSITY_ADMIN,
        UNIVERSITY_PASSWORD,
    )
    with prison.open() as workspace:
        (partnership,) = workspace.programme.list_partnerships()
    # A prison working with two universities names the partnership each is in.
    pair(sites.prison, other, partnership_id=partnership.id)
    pair_again(prison, university, partnership_id=partnership.id)
    first = prison.export_to(other, tmp_path / "first.ltbundle", snapshot=True)
    assert first.redactions == 0 and "stories" not in first.records
    # The university, which was sent the story, is told to blank it.
    assert prison.export_to(university, tmp_path / "u.ltbundle").redactions == 1


#: Every key that merges two records made at two sites, by table: each is built from
#: ids of records (the same thing at every site), with an enum or a typed name. Kept
#: in step with the table in docs/sync.md.
SAME_THING_KEYS = {
    "application_scores": {("application_id", "assessor_name", "criterion_id")},
    "applications": {("cohort_id", "person_id")},
    "attendance": {("person_id", "session_id")},
    "essay_marks": {("essay_id", "position")},
    "essays": {("membership_id",)},
    "graduation_cohorts": {("cohort_id", "event_id")},
    "group_members": {("group_id", "membership_id")},
    "memberships": {("cohort_id", "person_id")},
    "prison_details": {("person_id",)},
    "project_groups": {("group_id", "project_id")},
    "questionnaire_answers": {("item_id", "response_id")},
    "questionnaire_responses": {("cohort_id", "person_id", "phase", "template_id")},
    "stationery": {("partnership_id",)},
    "stories": {("person_id", "session_id")},
    "story_answers": {("question_id", "story_id")},
}
#: Codes each site makes on its own: another site may make the same one for something else.
SITE_CODES = {
    "certificates": ("serial",),
    "essays": ("candidate_number",),
    "people": ("research_id",),
}


def test_only_keys_that_name_one_thing_merge_records() -> None:
    """A unique key of a record that travels is declared for what it is: a key that
    names one thing (two sites' records of it merge), or a code one site made (never
    merged, and not unique in the store)."""
    declared = {}
    for table, model in synced_models().items():
        keys = {tuple(sorted(key)) for key in natural_keys(model)}
        if keys:
            declared[table] = keys
        constraints = cast(Table, model.__table__).constraints
        undeclared = [
            c.name
            for c in constraints
            if isinstance(c, UniqueConstraint) and not c.info.get(SAME_THING)
        ]
        assert not undeclared, (table, undeclared)
        assert not [c.key for c in model.__table__.columns if c.unique], table
    assert declared == SAME_THING_KEYS
    assert {t: site_codes(m) for t, m in synced_models().items() if site_codes(m)} == SITE_CODES


def test_a_certificate_issued_at_two_sites_stays_two_and_the_first_is_printed_again(
    sites: Sites, tmp_path: Path
) -> None:
    """The education department and the laptop each issue the student a certificate:
    both are kept, each with its own serial, and either site shows and prints the
    first again."""
    prison, laptop = sites.prison, sites.laptop
    with prison.open() as workspace:
        (cohort,) = workspace.programme.list_cohorts()
        (member,) = workspace.memberships.list_members(cohort.id)
        workspace.memberships.change_status(
            member.id, MembershipStatus.COMPLETED, on=date(2026, 12, 14)
        )
    laptop.take_in(prison.export_to(laptop, tmp_path / "completed.ltbundle").info.path)
    with prison.open() as workspace:
        issued = workspace.documents.issue_certificates(cohort.id, issued_on=date(2026, 12, 15))
        first = issued.certificates[0].serial
    with laptop.open() as workspace:
        issued = workspace.documents.issue_certificates(cohort.id, issued_on=date(2026, 12, 16))
        second = issued.certificates[0].serial
    assert first != second
    laptop.take_in(prison.export_to(laptop, tmp_path / "p.ltbundle").info.path)
    prison.take_in(laptop.export_to(prison, tmp_path / "l.ltbundle").info.path)
    for site in (prison, laptop):
        with site.open() as workspace:
            again = workspace.documents.issue_certificates(cohort.id)
            assert [c.serial for c in again.certificates] == [first], site.name
            assert not again.newly_issued
            with workspace.store.read() as session:
                held = sorted(session.scalars(select(Certificate.serial)))
            assert held == sorted([first, second])
            # The graduation shows the same one.
            event = workspace.graduation.create_event(
                title="Graduation", held_on=date(2026, 12, 20), cohort_ids=[cohort.id]
            )
            (graduate,) = workspace.graduation.details(event.id).graduates
            assert graduate.certificate_serial == first, site.name
