"""A prison and its university exchanging bundles: pairing, what travels, merging."""

from __future__ import annotations

import uuid
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import func, select

from lt_desktop.core.services.people import PersonListing
from lt_desktop.core.sign_in import restore_and_sign_in
from lt_desktop.core.workspace import Workspace
from lt_desktop.domain.changes import Change, changes_for_tables, recording
from lt_desktop.domain.errors import (
    ConflictError,
    LtError,
    NotFound,
    PermissionDenied,
    ValidationError,
)
from lt_desktop.domain.vocabulary import (
    Cancellation,
    ConsentScope,
    MarkPosition,
    MembershipRole,
    PersonBase,
    SiteKind,
)
from lt_desktop.storage.database import INCLUDE_DELETED
from lt_desktop.storage.models import (
    AttendanceMark,
    Base,
    ClassSession,
    Consent,
    Membership,
    Partner,
    Person,
    PrisonDetails,
    Story,
    WaitingRecord,
)
from lt_desktop.sync.bundle import BundleInfo, BundleRejected, open_bundle, write_bundle
from lt_desktop.sync.pairing import SiteCardRefused, identity
from lt_desktop.sync.records import Incoming, Redaction, decode_lines, encode
from tests.helpers.sites import (
    UNIVERSITY_ADMIN,
    UNIVERSITY_PASSWORD,
    Site,
    copy_site,
    new_site,
    pair,
)
from tests.helpers.stores import copy_store


@pytest.fixture(scope="module")
def _paired(_demo_template: Path, tmp_path_factory: pytest.TempPathFactory) -> tuple[Site, Site]:
    root = tmp_path_factory.mktemp("paired")
    copy_store(_demo_template, root / "prison")
    prison = Site("HMP Northfield", root / "prison", "demo", "demo")
    university = new_site(
        root / "university",
        "University of Eastbridge",
        SiteKind.UNIVERSITY,
        UNIVERSITY_ADMIN,
        UNIVERSITY_PASSWORD,
    )
    pair(prison, university)
    return prison, university


@pytest.fixture
def sites(_paired: tuple[Site, Site], tmp_path: Path) -> tuple[Site, Site]:
    prison, university = _paired
    return copy_site(prison, tmp_path / "prison"), copy_site(university, tmp_path / "university")


@pytest.fixture(scope="module")
def _exchanged(
    _paired: tuple[Site, Site], tmp_path_factory: pytest.TempPathFactory
) -> tuple[Site, Site]:
    root = tmp_path_factory.mktemp("exchanged")
    prison = copy_site(_paired[0], root / "prison")
    university = copy_site(_paired[1], root / "university")
    university.take_in(prison.export_to(university, root / "p1.ltbundle").info.path)
    return prison, university


@pytest.fixture
def exchanged(_exchanged: tuple[Site, Site], tmp_path: Path) -> tuple[Site, Site]:
    """The paired sites once the university has taken in the prison's first bundle."""
    prison, university = _exchanged
    return copy_site(prison, tmp_path / "prison"), copy_site(university, tmp_path / "university")


def _plaintext(bundle: Path, reader: Site) -> bytes:
    """The decrypted, decompressed lines of a bundle, as its recipient reads them."""
    with reader.open() as workspace, workspace.store.read() as session:
        me = identity(session, workspace.store)
        from lt_desktop.sync.pairing import _known_sender

        opened = open_bundle(
            bundle,
            me=me,
            sender_keys=lambda s: _known_sender(session, s),
            max_plaintext_bytes=1 << 30,
        )
        return b"".join(opened.chunks())


def _a_student(workspace: Workspace, index: int = 0) -> PersonListing:
    """One of the people who travel: a student of the autumn cohort (applicants who are
    in no cohort stay at the prison)."""
    cohort = next(c for c in workspace.programme.list_cohorts() if "September" in c.name)
    students = {
        m.person_id
        for m in workspace.memberships.list_members(cohort.id)
        if m.role is MembershipRole.STUDENT
    }
    return [p for p in workspace.people.list_people() if p.id in students][index]


def test_pairing_needs_the_fingerprint_the_other_site_reads_out(tmp_path: Path) -> None:
    one = new_site(tmp_path / "one", "HMP One", SiteKind.PRISON, "admin", "admin password 1")
    two = new_site(tmp_path / "two", "Uni Two", SiteKind.UNIVERSITY, "admin", "admin password 2")
    with one.open() as workspace:
        card, printed = workspace.sync.site_card()
        assert len(printed.split()) == 12
        with pytest.raises(SiteCardRefused, match="own card"):
            workspace.sync.pair(card, printed)
    with two.open() as workspace:
        wrong = printed[:-1] + ("1" if printed[-1] != "1" else "2")
        with pytest.raises(SiteCardRefused, match="does not match"):
            workspace.sync.pair(card, wrong)
        assert workspace.sync.partners() == []
        workspace.sync.pair(card, printed.replace(" ", "-"))
        with pytest.raises(ConflictError, match="already paired"):
            workspace.sync.pair(card, printed)
        assert [p.name for p in workspace.sync.partners()] == ["HMP One"]
        actions = [line.action for line in workspace.audit.entries(action="sync")]
        assert actions == ["sync.paired"]


def test_only_an_administrator_pairs(sites: tuple[Site, Site]) -> None:
    prison, university = sites
    with prison.open() as admin:
        card, printed = admin.sync.site_card()
    from lt_desktop.core.sign_in import sign_in

    with sign_in(prison.folder, "staff", "demo") as staff:
        staff.sync.partners()  # staff exchange bundles...
        with pytest.raises(PermissionDenied):  # ...but do not decide whom to trust
            staff.sync.pair(card, printed)
    with sign_in(prison.folder, "facilitator", "demo") as facilitator:
        with pytest.raises(PermissionDenied):
            facilitator.sync.partners()
        with pytest.raises(PermissionDenied):
            facilitator.sync.partner_id(university.name)


def test_a_partner_is_found_by_name_or_fingerprint(sites: tuple[Site, Site]) -> None:
    prison, university = sites
    with prison.open() as workspace:
        found = workspace.sync.find_partner(university.name)
        assert workspace.sync.partner_id(university.name.upper()) == found.site_id
        assert workspace.sync.partner_id(found.fingerprint.replace(" ", "-")) == found.site_id
        with pytest.raises(NotFound, match="No paired site"):
            workspace.sync.partner_id("University of Elsewhere")


def test_what_goes_from_prison_to_university(sites: tuple[Site, Site], tmp_path: Path) -> None:
    prison, university = sites
    with prison.open() as workspace:
        prison_numbers = []
        for person in workspace.people.list_people():
            details = workspace.people.prison_details(person.id)
            if details is not None:
                prison_numbers.append(details.prison_number)
        with workspace.store.read() as session:
            guests = [
                g.name
                for g in session.scalars(
                    select(
                        __import__(
                            "lt_desktop.storage.models", fromlist=["GraduationGuest"]
                        ).GraduationGuest
                    )
                )
            ]
    assert prison_numbers and guests
    result = prison.export_to(university, tmp_path / "to-university.ltbundle")
    assert "prison_details" not in result.records
    assert "graduation_guests" not in result.records
    raw = _plaintext(tmp_path / "to-university.ltbundle", university)
    for number in prison_numbers:
        assert number.encode() not in raw
    for guest in guests:
        assert guest.encode() not in raw
    lines = list(decode_lines(iter([raw])))
    tables = {line.table for line in lines if isinstance(line, Incoming)}
    assert {"people", "memberships", "attendance", "essays", "stories"} <= tables
    assert not {"prison_details", "graduation_guests", "applications", "users"} & tables
    # Research data only for people whose consent covers it and sharing with the university.
    with prison.open() as workspace:
        story_people = {
            line.fields["person_id"]
            for line in lines
            if isinstance(line, Incoming) and line.table == "stories"
        }
        for person_id in story_people:
            states = {s.scope: s for s in workspace.consent.states(person_id)}
            assert states[ConsentScope.STORIES].active
            assert states[ConsentScope.SHARE_WITH_UNIVERSITY].active
        with workspace.store.read() as session:
            all_story_people = set(session.scalars(select(Story.person_id)))
        assert story_people < all_story_people  # some were held back


def test_the_university_takes_it_in_once(sites: tuple[Site, Site], tmp_path: Path) -> None:
    prison, university = sites
    bundle = tmp_path / "first.ltbundle"
    sent = prison.export_to(university, bundle)
    preview = university.take_in(bundle, dry_run=True)
    assert preview.dry_run and sum(preview.summary.added.values()) > 3000
    with university.open() as workspace:
        assert workspace.stats.counts()["people"] == 0  # a preview changes nothing
    taken = university.take_in(bundle)
    assert sum(taken.summary.added.values()) == sum(sent.records.values())
    again = university.take_in(bundle)
    assert again.already_imported and "nothing changed" in again.describe()
    with university.open() as workspace:
        counts = workspace.stats.counts()
        assert counts["people"] == 64 and counts["prison_details"] == 0
        assert counts["attendance_marks"] == sent.records["attendance"]
        assert workspace.maintenance.check().sound
        imports = workspace.audit.entries(action="sync.imported")
        assert len(imports) == 1 and imports[0].details["sequence"] == 1


def test_what_comes_back_from_the_university(exchanged: tuple[Site, Site], tmp_path: Path) -> None:
    prison, university = exchanged
    with university.open() as workspace:
        # The university marks an essay and adds one of its students.
        cohort = workspace.programme.list_cohorts()[0]
        student = workspace.people.add_person(
            given_name="Una", family_name="Versity", base=PersonBase.UNIVERSITY
        )
        workspace.memberships.enrol(cohort.id, student.id, role=MembershipRole.STUDENT)
    back = university.export_to(prison, tmp_path / "u1.ltbundle")
    lines = list(decode_lines(iter([_plaintext(back.info.path, prison)])))
    people = [line for line in lines if isinstance(line, Incoming) and line.table == "people"]
    assert people and all(line.fields["base"] is not PersonBase.PRISON for line in people)
    tables = {line.table for line in lines if isinstance(line, Incoming)}
    assert not {"attendance", "stories", "questionnaire_answers", "small_groups"} & tables
    taken = prison.take_in(back.info.path)
    assert taken.summary.added["people"] == 1 and taken.summary.added["memberships"] == 1
    with prison.open() as workspace:
        assert [p.display_name for p in workspace.people.search("Una Versity")] == ["Una Versity"]


def _prison_learners(workspace: Workspace) -> set[uuid.UUID]:
    """The memberships of people based at the prison."""
    with workspace.store.read() as session:
        return set(
            session.scalars(
                select(Membership.id)
                .join(Person, Person.id == Membership.person_id)
                .where(Person.base == PersonBase.PRISON)
            )
        )


def test_a_mark_made_at_the_university_reaches_the_prison(
    exchanged: tuple[Site, Site], tmp_path: Path
) -> None:
    prison, university = exchanged
    with university.open() as workspace:
        cohort = next(c for c in workspace.programme.list_cohorts() if "September" in c.name)
        prison_learners = _prison_learners(workspace)
        essay = next(
            e for e in workspace.essays.list_essays(cohort.id) if e.membership_id in prison_learners
        )
        workspace.essays.enter_mark(
            essay.candidate_number,
            MarkPosition.AGREED,
            68,
            "A clear argument, well evidenced.",
            reason="Agreed at the exam board",
        )
    taken = prison.take_in(university.export_to(prison, tmp_path / "u1.ltbundle").info.path)
    assert not taken.summary.missing_links, taken.describe()
    with prison.open() as workspace:
        row = next(e for e in workspace.essays.list_essays(cohort.id) if e.id == essay.id)
        agreed = row.marks[MarkPosition.AGREED]
        assert (agreed.score, agreed.feedback) == (68, "A clear argument, well evidenced.")


def test_an_essay_a_prison_learner_handed_in_at_the_university_reaches_the_prison(
    exchanged: tuple[Site, Site], tmp_path: Path
) -> None:
    prison, university = exchanged
    with university.open() as workspace:
        cohort = next(c for c in workspace.programme.list_cohorts() if "September" in c.name)
        prison_learners = _prison_learners(workspace)
        membership_id = next(
            m for m, _ in workspace.essays.students_without_essay(cohort.id) if m in prison_learners
        )
        essay = workspace.essays.record_essay(
            membership_id, title="What the course taught me", text="A short essay."
        )
        workspace.essays.enter_mark(essay.candidate_number, MarkPosition.FIRST, 61)
    taken = prison.take_in(university.export_to(prison, tmp_path / "u1.ltbundle").info.path)
    assert not taken.summary.missing_links and taken.summary.still_waiting == 0
    with prison.open() as workspace:
        row = next(e for e in workspace.essays.list_essays(cohort.id) if e.id == essay.id)
        assert row.title == "What the course taught me"
        assert row.marks[MarkPosition.FIRST].score == 61


def _lecturer_for_a_session_with_a_register(workspace: Workspace) -> tuple[uuid.UUID, uuid.UUID]:
    """A new university lecturer, in no cohort, made the lecturer of a session whose
    register was taken: (the session, the lecturer)."""
    lecturer = workspace.people.add_person(
        given_name="Lena", family_name="Tutor", base=PersonBase.UNIVERSITY
    )
    with workspace.store.read() as session:
        session_id = session.scalars(select(AttendanceMark.session_id).limit(1)).one()
    held = workspace.programme.get_session(session_id)
    workspace.programme.update_session(
        session_id,
        week=held.week,
        held_on=held.held_on,
        kind=held.kind,
        title="Punishment and society",
        starts_at=held.starts_at,
        ends_at=held.ends_at,
        lecturer_id=lecturer.id,
        reading_1=held.reading_1,
        reading_2=held.reading_2,
        location=held.location,
    )
    return session_id, lecturer.id


def _held_at(site: Site, session_id: uuid.UUID) -> tuple[str | None, uuid.UUID | None, int]:
    with site.open() as workspace, workspace.store.read() as session:
        row = session.get(ClassSession, session_id)
        marks = session.scalar(
            select(func.count())
            .select_from(AttendanceMark)
            .where(AttendanceMark.session_id == session_id)
        )
        return (row.title, row.lecturer_id, marks or 0) if row else (None, None, marks or 0)


def test_a_session_travels_with_its_lecturer_and_its_register(
    sites: tuple[Site, Site], tmp_path: Path
) -> None:
    prison, university = sites
    with prison.open() as workspace:
        session_id, lecturer_id = _lecturer_for_a_session_with_a_register(workspace)
    expected = _held_at(prison, session_id)
    taken = university.take_in(prison.export_to(university, tmp_path / "p1.ltbundle").info.path)
    assert not taken.summary.missing_links, taken.describe()
    assert (
        _held_at(university, session_id)
        == expected
        == (
            "Punishment and society",
            lecturer_id,
            expected[2],
        )
    )
    assert expected[2] > 0


def test_a_new_lecturer_for_a_session_the_university_holds_arrives_with_it(
    exchanged: tuple[Site, Site], tmp_path: Path
) -> None:
    prison, university = exchanged
    with prison.open() as workspace:
        session_id, lecturer_id = _lecturer_for_a_session_with_a_register(workspace)
    taken = university.take_in(prison.export_to(university, tmp_path / "p2.ltbundle").info.path)
    assert not taken.summary.missing_links, taken.describe()
    assert taken.summary.added["people"] == 1 and taken.summary.updated["class_sessions"] == 1
    assert _held_at(university, session_id)[:2] == ("Punishment and society", lecturer_id)


def _autumn_week_11(workspace: Workspace) -> tuple[uuid.UUID, str, int]:
    """The autumn cohort's week 11: its id, why it was cancelled ("" if it was not), and
    how many students' sessions held the cohort report counts."""
    cohort = next(
        c for c in workspace.programme.list_cohorts() if c.name == "September–December 2026"
    )
    week = next(s for s in workspace.programme.list_sessions(cohort.id) if s.week == 11)
    counted = workspace.documents.cohort_report(cohort.id).attendance.held
    return week.id, week.cancellation(), counted


def test_a_cancelled_week_travels_both_ways_and_takes_no_register_anywhere(
    exchanged: tuple[Site, Site], tmp_path: Path
) -> None:
    prison, university = exchanged
    with prison.open() as workspace:
        week_id, _, counted = _autumn_week_11(workspace)
        workspace.programme.cancel_session(week_id, Cancellation.LOCKDOWN, note="a search")
    taken = university.take_in(prison.export_to(university, tmp_path / "p2.ltbundle").info.path)
    assert taken.summary.updated["class_sessions"] == 1, taken.describe()
    with university.open() as workspace:
        assert _autumn_week_11(workspace) == (week_id, "lockdown: a search", counted)
        register = workspace.register.register(week_id)
        assert register.cancelled == "lockdown: a search"
        with pytest.raises(ValidationError, match="takes no register"):
            workspace.register.mark_everyone_present(week_id)
        # It went ahead after all: reinstated at the university, it runs at the prison too.
        workspace.programme.reinstate_session(week_id)
    back = prison.take_in(university.export_to(prison, tmp_path / "u1.ltbundle").info.path)
    assert back.summary.updated["class_sessions"] == 1, back.describe()
    with prison.open() as workspace:
        assert _autumn_week_11(workspace) == (week_id, "", counted)
        assert workspace.register.mark_everyone_present(week_id)


def _signed(
    sender: Site,
    recipient: Site,
    target: Path,
    payload: bytes,
    *,
    sequence: int,
    kind: str = "changes",
    meta: dict[str, object],
) -> BundleInfo:
    """A bundle ``sender`` signs for ``recipient``, holding ``payload`` as it is."""
    with sender.open() as workspace, workspace.store.read() as session:
        me = identity(session, workspace.store)
    with recipient.open() as workspace, workspace.store.read() as session:
        them = identity(session, workspace.store).public()
    return write_bundle(
        target,
        sender=me,
        recipient=them,
        sequence=sequence,
        kind=kind,
        meta=meta,
        chunks=iter([payload]),
    )


def _waiting(site: Site) -> int:
    with site.open() as workspace, workspace.store.read() as session:
        return session.scalar(select(func.count()).select_from(WaitingRecord)) or 0


def test_a_record_naming_one_not_here_yet_waits_for_it(
    exchanged: tuple[Site, Site], tmp_path: Path
) -> None:
    """The lecturer's record and the session that names them come in two bundles, the
    session's first: it waits, and is taken in with the bundle that brings the
    lecturer. Nothing needs sending again, so acknowledgements move on as usual."""
    prison, university = exchanged
    prison.take_in(university.export_to(prison, tmp_path / "u1.ltbundle").info.path)
    with prison.open() as workspace:
        session_id, lecturer_id = _lecturer_for_a_session_with_a_register(workspace)
    full = prison.export_to(university, tmp_path / "p2.ltbundle")
    lines = _plaintext(full.info.path, university).splitlines(keepends=True)
    (lecturer,) = [
        line for line in lines if b'"people"' in line and lecturer_id.hex.encode() in line
    ]
    meta = dict(full.info.header.meta)
    first = _signed(
        prison,
        university,
        tmp_path / "first.ltbundle",
        b"".join(line for line in lines if line != lecturer),
        sequence=full.sequence,
        meta=meta,
    )
    preview = university.take_in(first.path, dry_run=True)
    assert preview.summary.missing_links == {"class_sessions": 1}
    assert _waiting(university) == 0  # a preview keeps nothing

    taken = university.take_in(first.path)
    assert taken.summary.missing_links == {"class_sessions": 1}
    assert taken.summary.still_waiting == 1
    assert "1 kept waiting for records they name that are not here yet" in taken.describe()
    assert _held_at(university, session_id)[0] != "Punishment and society"
    assert _waiting(university) == 1
    with university.open() as workspace:
        assert workspace.sync.find_partner(prison.name).pending_changes >= 0
        with workspace.store.read() as session:
            partner = session.get(Partner, identity_of(prison))
            assert partner is not None and partner.received_change_seq == meta["upto"]

    second = _signed(
        prison,
        university,
        tmp_path / "second.ltbundle",
        lecturer,
        sequence=full.sequence + 1,
        meta=meta,
    )
    taken = university.take_in(second.path)
    assert taken.summary.added["people"] == 1 and taken.summary.released == 1
    assert "1 that were waiting for records now here" in taken.describe()
    assert _held_at(university, session_id)[:2] == ("Punishment and society", lecturer_id)
    assert _waiting(university) == 0


def identity_of(site: Site) -> uuid.UUID:
    with site.open() as workspace:
        return workspace.store.site.id


def test_the_pending_count_is_what_the_next_export_carries(
    sites: tuple[Site, Site], tmp_path: Path
) -> None:
    prison, university = sites
    with prison.open() as workspace:
        pending = workspace.sync.find_partner(university.name).pending_changes
    sent = prison.export_to(university, tmp_path / "p1.ltbundle")
    assert pending == sum(sent.records.values())
    university.take_in(sent.info.path)
    prison.take_in(university.export_to(prison, tmp_path / "u1.ltbundle").info.path)
    with prison.open() as workspace:
        assert workspace.sync.find_partner(university.name).pending_changes == 0
        # A prison-only detail changes: it never travels, so nothing is pending.
        person = _a_student(workspace)
        details = workspace.people.prison_details(person.id)
        assert details is not None
        workspace.people.set_prison_details(
            person.id, prison_number=details.prison_number, location="B wing, cell 12"
        )
        assert workspace.sync.find_partner(university.name).pending_changes == 0
        info = workspace.people.get_person(person.id)
        workspace.people.update_person(
            person.id,
            given_name=info.given_name,
            family_name=info.family_name,
            base=info.base,
            notes="Prefers the front row",
        )
        assert workspace.sync.find_partner(university.name).pending_changes == 1
        # A consent withdrawn: the redactions it sends are pending too.
        with workspace.store.read() as session:
            storyteller = session.scalars(select(Story.person_id).limit(1)).one()
        workspace.consent.withdraw(storyteller, ConsentScope.STORIES, on=date(2026, 11, 20))
        pending = workspace.sync.find_partner(university.name).pending_changes
    sent = prison.export_to(university, tmp_path / "p2.ltbundle")
    assert sent.redactions > 0 and pending == sent.total


def test_only_changes_since_the_acknowledgement_travel(
    exchanged: tuple[Site, Site], tmp_path: Path
) -> None:
    prison, university = exchanged
    prison.take_in(university.export_to(prison, tmp_path / "u1.ltbundle").info.path)
    with prison.open() as workspace:
        person = _a_student(workspace)
        info = workspace.people.get_person(person.id)
        workspace.people.update_person(
            person.id,
            given_name=info.given_name,
            family_name=info.family_name,
            base=info.base,
            notes="Prefers the front row",
        )
    second = prison.export_to(university, tmp_path / "p2.ltbundle")
    assert second.records == {"people": 1}
    assert second.sequence == 2
    university.take_in(second.info.path)
    with university.open() as workspace:
        assert workspace.people.get_person(person.id).notes == "Prefers the front row"


def test_an_older_bundle_never_rolls_a_record_back(
    sites: tuple[Site, Site], tmp_path: Path
) -> None:
    prison, university = sites
    old = prison.export_to(university, tmp_path / "p1.ltbundle")
    with prison.open() as workspace:
        person = _a_student(workspace)
        info = workspace.people.get_person(person.id)
        workspace.people.update_person(
            person.id, given_name="Newer", family_name=info.family_name, base=info.base
        )
    new = prison.export_to(university, tmp_path / "p2.ltbundle", snapshot=True)
    university.take_in(new.info.path)
    late = university.take_in(old.info.path)  # the first bundle arrives last
    assert sum(late.summary.updated.values()) == 0
    with university.open() as workspace:
        assert workspace.people.get_person(person.id).given_name == "Newer"


def test_a_missing_bundle_in_between_is_pointed_out(
    sites: tuple[Site, Site], tmp_path: Path
) -> None:
    prison, university = sites
    prison.export_to(university, tmp_path / "p1.ltbundle")  # never carried across
    third = prison.export_to(university, tmp_path / "p2.ltbundle")
    taken = university.take_in(third.info.path)
    assert taken.missing_sequences == (1, 1)
    assert "Bundle 1 from HMP Northfield has not been imported yet" in taken.describe()


def test_edits_at_both_sites_resolve_the_same_way_everywhere(
    exchanged: tuple[Site, Site], tmp_path: Path
) -> None:
    prison, university = exchanged
    prison.take_in(university.export_to(prison, tmp_path / "u1.ltbundle").info.path)
    with prison.open() as workspace:
        cohort = next(c for c in workspace.programme.list_cohorts() if "September" in c.name)
        session_id = workspace.programme.list_sessions(cohort.id)[-1].id
    for site, title in ((prison, "Edited at the prison"), (university, "Edited at the university")):
        with site.open() as workspace:
            s = workspace.programme.get_session(session_id)
            workspace.programme.update_session(
                session_id,
                week=s.week,
                held_on=s.held_on,
                kind=s.kind,
                title=title,
                starts_at=s.starts_at,
                ends_at=s.ends_at,
                lecturer_id=s.lecturer_id,
                reading_1=s.reading_1,
                reading_2=s.reading_2,
                location=s.location,
            )
    to_uni = prison.export_to(university, tmp_path / "p2.ltbundle")
    to_prison = university.export_to(prison, tmp_path / "u2.ltbundle")
    at_university = university.take_in(to_uni.info.path)
    at_prison = prison.take_in(to_prison.info.path)
    assert len(at_university.summary.conflicts) == 1 and len(at_prison.summary.conflicts) == 1
    titles = set()
    for site in (prison, university):
        with site.open() as workspace:
            titles.add(workspace.programme.get_session(session_id).title)
            conflicts = workspace.sync.conflicts()
            assert len(conflicts) == 1 and conflicts[0].table == "class_sessions"
            assert conflicts[0].lost_values["title"] in {
                "Edited at the prison",
                "Edited at the university",
            } - {workspace.programme.get_session(session_id).title}
    assert len(titles) == 1  # the same winner at both sites


def test_a_withdrawal_is_never_lost_to_a_clash(
    exchanged: tuple[Site, Site], tmp_path: Path
) -> None:
    prison, university = exchanged
    with prison.open() as workspace, workspace.store.read() as session:
        consent = session.scalars(
            select(Consent).where(
                Consent.scope == ConsentScope.INTERVIEW, Consent.withdrawn_on.is_(None)
            )
        ).first()
        assert consent is not None
        person_id = consent.person_id
    # The prison withdraws; a moment later the university corrects the form reference.
    with prison.open() as workspace:
        workspace.consent.withdraw(person_id, ConsentScope.INTERVIEW, on=date(2026, 10, 1))
    with university.open() as workspace, workspace.store.write() as session:
        row = session.get(Consent, consent.id)
        assert row is not None
        row.form_reference = "CF-corrected"
    prison.take_in(university.export_to(prison, tmp_path / "u1.ltbundle").info.path)
    university.take_in(prison.export_to(university, tmp_path / "p2.ltbundle").info.path)
    prison.take_in(university.export_to(prison, tmp_path / "u2.ltbundle").info.path)
    for site in (prison, university):
        with site.open() as workspace:
            state = {s.scope: s for s in workspace.consent.states(person_id)}
            assert state[ConsentScope.INTERVIEW].withdrawn_on == date(2026, 10, 1), site.name


def test_withdrawn_consent_removes_research_data_at_the_university(
    exchanged: tuple[Site, Site], tmp_path: Path
) -> None:
    prison, university = exchanged
    with university.open() as workspace, workspace.store.read() as session:
        story = session.scalars(select(Story)).first()
        assert story is not None and story.text
        person_id = story.person_id
    with prison.open() as workspace:
        workspace.consent.withdraw(person_id, ConsentScope.STORIES, on=date(2026, 11, 20))
    bundle = prison.export_to(university, tmp_path / "p2.ltbundle")
    assert bundle.redactions > 0
    lines = list(decode_lines(iter([_plaintext(bundle.info.path, university)])))
    assert any(isinstance(line, Redaction) for line in lines)
    # None of the person's stories travel again (demo stories share sentences, so look
    # for the person, not the words).
    assert not any(
        isinstance(line, Incoming)
        and line.table == "stories"
        and line.fields["person_id"] == person_id
        for line in lines
    )
    taken = university.take_in(bundle.info.path)
    assert sum(taken.summary.redacted.values()) >= 1
    with university.open() as workspace, workspace.store.read() as session:
        held = session.scalars(
            select(Story)
            .where(Story.person_id == person_id)
            .execution_options(**{INCLUDE_DELETED: True})
        ).all()
        assert held and all(s.deleted_at is not None and s.text == "" for s in held)
    # The redaction does not travel back: the prison keeps its own record of the story.
    prison.take_in(university.export_to(prison, tmp_path / "u1.ltbundle").info.path)
    with prison.open() as workspace, workspace.store.read() as session:
        kept = session.scalars(select(Story).where(Story.person_id == person_id)).all()
        assert kept and all(s.text for s in kept)


def test_a_removal_travels_as_a_tombstone(exchanged: tuple[Site, Site], tmp_path: Path) -> None:
    prison, university = exchanged
    with prison.open() as workspace:
        victim = _a_student(workspace, 3)
        workspace.people.remove_person(victim.id)
    university.take_in(prison.export_to(university, tmp_path / "p2.ltbundle").info.path)
    with university.open() as workspace:
        assert victim.id not in {p.id for p in workspace.people.list_people()}
        with workspace.store.read() as session:
            tombstone = session.get(Person, victim.id, execution_options={INCLUDE_DELETED: True})
            assert tombstone is not None and tombstone.given_name == ""


def test_a_revoked_or_unknown_sender_is_refused_and_nothing_is_written(
    sites: tuple[Site, Site], tmp_path: Path
) -> None:
    prison, university = sites
    bundle = prison.export_to(university, tmp_path / "p1.ltbundle").info.path
    with university.open() as workspace:
        partner = workspace.sync.find_partner("HMP Northfield")
        workspace.sync.revoke(partner.site_id)
    with pytest.raises(BundleRejected, match="does not know or no longer trusts"):
        university.take_in(bundle)
    with university.open() as workspace:
        assert workspace.stats.counts()["people"] == 0


def test_a_damaged_bundle_is_refused_with_nothing_written(
    sites: tuple[Site, Site], tmp_path: Path
) -> None:
    prison, university = sites
    bundle = prison.export_to(university, tmp_path / "p1.ltbundle").info.path
    data = bytearray(bundle.read_bytes())
    data[len(data) // 2] ^= 0x40
    bundle.write_bytes(bytes(data))
    with pytest.raises(LtError):
        university.take_in(bundle)
    with university.open() as workspace:
        assert workspace.stats.counts()["people"] == 0
        assert workspace.audit.entries(action="sync.imported") == []


def test_after_a_key_rotation_the_partner_must_pair_again(
    sites: tuple[Site, Site], tmp_path: Path
) -> None:
    prison, university = sites
    with prison.open() as workspace:
        new_fingerprint = workspace.sync.rotate_keys()
        card, printed = workspace.sync.site_card()
    assert printed == new_fingerprint
    bundle = prison.export_to(university, tmp_path / "p1.ltbundle").info.path
    with pytest.raises(BundleRejected):
        university.take_in(bundle)  # signed with keys the university does not trust yet
    with university.open() as workspace:
        workspace.sync.pair(card, printed)
    assert sum(university.take_in(bundle).summary.added.values()) > 0
    # Bundles made for the prison's old keys can still be read there.
    old_keys_bundle = university.export_to(prison, tmp_path / "u1.ltbundle")
    assert prison.take_in(old_keys_bundle.info.path).header.sequence == 1


def test_a_prison_with_two_universities_sends_each_only_its_partnership(
    sites: tuple[Site, Site], tmp_path: Path
) -> None:
    prison, eastbridge = sites
    westbridge = new_site(
        tmp_path / "westbridge", "Westbridge University", SiteKind.UNIVERSITY, "coord", "pw 12345"
    )
    with prison.open() as workspace:
        first = workspace.programme.list_partnerships()[0]
        second = workspace.programme.add_partnership(
            name="Northfield and Westbridge",
            prison_name="HMP Northfield",
            university_name="Westbridge University",
        )
        course = workspace.programme.add_course(partnership_id=second.id, title="Philosophy")
        workspace.programme.add_cohort(
            course_id=course.id,
            name="Westbridge spring",
            starts_on=date(2027, 1, 11),
            ends_on=date(2027, 3, 29),
        )
        card, fingerprint = workspace.sync.site_card()
    with westbridge.open() as workspace:
        workspace.sync.pair(card, fingerprint)
        west_card, west_fingerprint = workspace.sync.site_card()
    with prison.open() as workspace:
        with pytest.raises(
            ValidationError, match="choose the partnership Westbridge University belongs to"
        ):
            workspace.sync.pair(west_card, west_fingerprint)
        workspace.sync.pair(west_card, west_fingerprint, partnership_id=second.id)
        # Eastbridge was paired when the prison ran one partnership: until its pairing
        # says which, nothing goes to it (and nothing of Westbridge's, ever).
        east = workspace.sync.find_partner(eastbridge.name)
        with pytest.raises(ValidationError, match="pair with University of Eastbridge again"):
            workspace.sync.export(east.site_id, tmp_path / "east.ltbundle")
        assert not (tmp_path / "east.ltbundle").exists()
    sent = prison.export_to(westbridge, tmp_path / "west.ltbundle")
    lines = [
        line
        for line in decode_lines(iter([_plaintext(sent.info.path, westbridge)]))
        if isinstance(line, Incoming)
    ]
    assert {line.id for line in lines if line.table == "partnerships"} == {second.id}
    assert not [line for line in lines if line.table in {"people", "memberships", "essays"}]
    with eastbridge.open() as workspace:
        east_card, east_fingerprint = workspace.sync.site_card()
    with prison.open() as workspace:
        workspace.sync.pair(east_card, east_fingerprint, partnership_id=first.id)
    sent = prison.export_to(eastbridge, tmp_path / "east.ltbundle")
    partnerships = {
        line.id
        for line in decode_lines(iter([_plaintext(sent.info.path, eastbridge)]))
        if isinstance(line, Incoming) and line.table == "partnerships"
    }
    assert partnerships == {first.id}


def test_a_second_university_is_paired_for_its_own_partnership(
    sites: tuple[Site, Site], tmp_path: Path
) -> None:
    """A prison running one partnership, paired with its university, pairs with a
    second one before that one's partnership is set up: it must say which partnership
    the second is in, or the first university's people would go to it."""
    prison, eastbridge = sites
    westbridge = new_site(
        tmp_path / "westbridge", "Westbridge University", SiteKind.UNIVERSITY, "coord", "pw 12345"
    )
    with westbridge.open() as workspace:
        card, fingerprint = workspace.sync.site_card()
    with prison.open() as workspace:
        assert len(workspace.programme.list_partnerships()) == 1
        with pytest.raises(ValidationError, match="more than one university"):
            workspace.sync.pair(card, fingerprint)
        assert [p.name for p in workspace.sync.partners()] == [eastbridge.name]


def test_a_bundle_of_a_kind_not_taken_in_is_refused_with_nothing_written(
    sites: tuple[Site, Site], tmp_path: Path
) -> None:
    prison, university = sites
    records = _plaintext(
        prison.export_to(university, tmp_path / "p1.ltbundle").info.path, university
    )
    odd = _signed(
        prison, university, tmp_path / "odd.ltbundle", records, sequence=2, kind="backup", meta={}
    )
    with pytest.raises(LtError, match="holds 'backup', not records") as refused:
        university.take_in(odd.path)
    assert "\n" not in str(refused.value)
    with university.open() as workspace:
        assert workspace.stats.counts()["people"] == 0
        assert workspace.audit.entries(action="sync.imported") == []
        assert workspace.sync.find_partner(prison.name).last_received_sequence == 0


def _new_student(site: Site, given: str, family: str) -> None:
    with site.open() as workspace:
        cohort = next(c for c in workspace.programme.list_cohorts() if "September" in c.name)
        person = workspace.people.add_person(
            given_name=given, family_name=family, base=PersonBase.UNIVERSITY
        )
        workspace.memberships.enrol(cohort.id, person.id, role=MembershipRole.STUDENT)


def _holds(site: Site, name: str) -> bool:
    with site.open() as workspace:
        return [p.display_name for p in workspace.people.search(name)] == [name]


def _note(site: Site, person_id: uuid.UUID, notes: str) -> None:
    with site.open() as workspace:
        info = workspace.people.get_person(person_id)
        workspace.people.update_person(
            person_id,
            given_name=info.given_name,
            family_name=info.family_name,
            base=info.base,
            notes=notes,
        )


def _back_up(site: Site, target: Path) -> Path:
    with site.open() as workspace:
        workspace.maintenance.backup(target)
    return target


def _restore(site: Site, backup: Path) -> None:
    restore_and_sign_in(site.folder, backup, site.username, site.password).close()


def test_a_partner_that_restored_a_backup_gets_back_what_it_lost(
    exchanged: tuple[Site, Site], tmp_path: Path
) -> None:
    """The university restores last week's backup: what it had from the prison since
    comes again, what it had sent the prison stays there and comes back, and what it
    changes from then on still travels, though it has lost count of what it sent."""
    prison, university = exchanged
    prison.take_in(university.export_to(prison, tmp_path / "u1.ltbundle").info.path)
    backup = _back_up(university, tmp_path / "university.ltbackup")
    with prison.open() as workspace:
        learner = _a_student(workspace).id
    _note(prison, learner, "Prefers the front row")
    university.take_in(prison.export_to(university, tmp_path / "p2.ltbundle").info.path)
    for given in ("Una", "Ursula", "Ulric"):
        _new_student(university, given, "Versity")
    prison.take_in(university.export_to(prison, tmp_path / "u2.ltbundle").info.path)

    _restore(university, backup)
    assert not _holds(university, "Una Versity")
    _new_student(university, "Rhea", "Stored")
    taken = prison.take_in(university.export_to(prison, tmp_path / "u3.ltbundle").info.path)
    assert taken.summary.added["people"] == 1
    university.take_in(prison.export_to(university, tmp_path / "p3.ltbundle").info.path)
    with university.open() as workspace:
        assert workspace.people.get_person(learner).notes == "Prefers the front row"
    assert _holds(university, "Una Versity") and _holds(university, "Ulric Versity")

    _new_student(university, "Later", "Change")
    prison.take_in(university.export_to(prison, tmp_path / "u4.ltbundle").info.path)
    assert _holds(prison, "Later Change") and _holds(prison, "Rhea Stored")


def test_a_restored_site_that_first_takes_in_a_bundle_from_before_still_sends_its_changes(
    exchanged: tuple[Site, Site], tmp_path: Path
) -> None:
    """After the restore the university first takes in a bundle the prison made before
    it: that bundle acknowledges changes the university has lost count of, and the
    changes it makes now must still travel."""
    prison, university = exchanged
    backup = _back_up(university, tmp_path / "university.ltbackup")
    for given in ("Una", "Ursula", "Ulric", "Uma"):
        _new_student(university, given, "Versity")
    prison.take_in(university.export_to(prison, tmp_path / "u1.ltbundle").info.path)
    waiting_on_the_stick = prison.export_to(university, tmp_path / "p2.ltbundle")
    assert waiting_on_the_stick.info.header.meta["ack"] > 0

    _restore(university, backup)
    university.take_in(waiting_on_the_stick.info.path)
    _new_student(university, "Lost", "Change")
    for round_trip in range(2):
        prison.take_in(
            university.export_to(prison, tmp_path / f"u{round_trip + 2}.ltbundle").info.path
        )
        university.take_in(
            prison.export_to(university, tmp_path / f"p{round_trip + 3}.ltbundle").info.path
        )
    assert _holds(prison, "Lost Change")
    assert _holds(university, "Uma Versity")


def test_records_a_site_of_the_senders_kind_never_sends_are_refused(
    sites: tuple[Site, Site], tmp_path: Path
) -> None:
    """Prison-only details in a bundle (a faulty or altered sender) are not taken in:
    the university refuses the whole bundle rather than hold them."""
    prison, university = sites
    with prison.open() as workspace, workspace.store.read() as session:
        details = session.scalars(select(PrisonDetails).limit(2)).all()
        payload = b"".join(encode(record) for record in details)
    assert len(details) == 2
    odd = _signed(prison, university, tmp_path / "odd.ltbundle", payload, sequence=1, meta={})
    with pytest.raises(LtError, match="holds prison details, which a site of its kind never"):
        university.take_in(odd.path)
    with university.open() as workspace:
        assert workspace.stats.counts()["prison_details"] == 0
        assert workspace.audit.entries(action="sync.imported") == []


def _row_counts(site: Site) -> dict[str, int]:
    with site.open() as workspace, workspace.store.read() as session:
        return {
            name: session.scalar(select(func.count()).select_from(table)) or 0
            for name, table in Base.metadata.tables.items()
        }


def test_an_import_reports_every_area_it_touched(sites: tuple[Site, Site], tmp_path: Path) -> None:
    prison, university = sites
    bundle = tmp_path / "first.ltbundle"
    prison.export_to(university, bundle)
    before = _row_counts(university)
    with university.open() as workspace:
        with recording() as previewed:
            workspace.sync.import_bundle(bundle, dry_run=True)
        with recording() as changed:
            taken = workspace.sync.import_bundle(bundle)
    assert previewed == set(), "a preview changes nothing"
    after = _row_counts(university)
    touched = {name for name in after if after[name] != before[name]}
    assert sum(taken.summary.added.values()) > 3000 and touched
    assert changes_for_tables(touched) <= changed
    # What the demo prison sends its university, area by area.
    assert {
        Change.PEOPLE,
        Change.CONSENT,
        Change.COHORTS,
        Change.MEMBERS,
        Change.SESSIONS,
        Change.REGISTER,
        Change.SYNC,
        Change.AUDIT,
    } <= changed
