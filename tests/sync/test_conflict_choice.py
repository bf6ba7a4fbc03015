"""Conflicts people can act on: a record changed at two sites at once is told in its
own words, someone chooses which value stands, and the choice travels so that every
site ends with the same value and nothing left to review (three real stores
exchanging real bundles: see ``conflict_sites``)."""

from __future__ import annotations

import json
import time
import uuid
from pathlib import Path

import pytest

from lt_desktop.core.services.register import Mark
from lt_desktop.core.sign_in import sign_in
from lt_desktop.domain.errors import LtError, PermissionDenied, ValidationError
from lt_desktop.domain.roles import Role
from lt_desktop.domain.vocabulary import AttendanceStatus, MarkReason
from lt_desktop.storage.models import AttendanceMark, ClassSession, SyncConflict
from tests.helpers.sites import Site
from tests.sync.conflict_sites import (
    ACCOUNT,
    LAPTOP,
    PRISON,
    UNIVERSITY,
    WEEK_ONE,
    Sites,
    clash_over_week_one,
    held_mark,
    listed,
    mark,
    three_sites,
)


@pytest.fixture(scope="module")
def _template(tmp_path_factory: pytest.TempPathFactory) -> Sites:
    return three_sites(tmp_path_factory.mktemp("conflict-choice"))


@pytest.fixture
def sites(_template: Sites, tmp_path: Path) -> Sites:
    return _template.copy(tmp_path)


def test_a_clash_is_told_in_the_words_of_the_record(sites: Sites) -> None:
    clash_over_week_one(sites)
    (at_prison,) = listed(sites.prison)
    (at_laptop,) = listed(sites.laptop)
    for conflict, here, there in ((at_prison, PRISON, LAPTOP), (at_laptop, LAPTOP, PRISON)):
        assert conflict.title == WEEK_ONE
        assert conflict.waiting
        # Ours is the version this site made; each names its site, account and time.
        assert (conflict.ours.site, conflict.ours.here, conflict.ours.made_by) == (
            here,
            True,
            ACCOUNT[here],
        )
        assert (conflict.theirs.site, conflict.theirs.here, conflict.theirs.made_by) == (
            there,
            False,
            ACCOUNT[there],
        )
        assert conflict.ours.made_at is not None and conflict.theirs.made_at is not None
        assert f"by {ACCOUNT[here]}, " in conflict.ours.words()
    values = {f.label: (f.ours, f.theirs) for f in at_prison.fields}
    assert values == {"Mark": ("Absent", "Late"), "Reason": ("Illness", "(empty)")}
    assert {f.label: (f.ours, f.theirs) for f in at_laptop.fields} == {
        "Mark": ("Late", "Absent"),
        "Reason": ("(empty)", "Illness"),
    }
    # The laptop's change came later, so both sites kept it for now.
    assert at_prison.kept == "theirs" and at_laptop.kept == "ours"
    assert at_prison.state_words() == f"Kept {LAPTOP}'s version for now; waiting for a choice."
    assert {f.now for f in at_prison.fields} == {"Late", "(empty)"}


def test_keeping_the_other_value_travels_and_every_site_ends_the_same(sites: Sites) -> None:
    clash_over_week_one(sites)
    session_id, amir = sites.seed.sessions[0], sites.seed.people[0]
    with sites.laptop.open() as workspace:
        (conflict,) = workspace.sync.conflicts()
        assert conflict.kept == "ours"
        settled = workspace.sync.resolve_conflict(conflict.id, "theirs")
        assert not settled.waiting and settled.settled_by_site == LAPTOP
        assert workspace.sync.conflicts() == []
        (entry,) = [e for e in workspace.audit.entries(action="sync.conflict_resolved")]
        assert entry.subject_id == str(conflict.record_id)
    # At once here: the prison's value, as a new version.
    assert held_mark(sites.laptop, session_id, amir)[1:3] == (
        AttendanceStatus.ABSENT,
        MarkReason.ILLNESS,
    )
    at_prison = sites.carry(sites.laptop, sites.prison)
    assert at_prison.summary.conflicts == [] and at_prison.summary.replaced == []
    assert held_mark(sites.prison, session_id, amir) == held_mark(sites.laptop, session_id, amir)
    # The prison's entry is closed too, settled at the laptop; its own change stands.
    assert listed(sites.prison) == []
    (closed,) = listed(sites.prison, everything=True)
    assert closed.settled_by_site == LAPTOP and not closed.ours_replaced
    back = sites.carry(sites.prison, sites.laptop)
    assert back.summary.conflicts == [] and listed(sites.laptop) == []
    # And the university, which takes registers from the prison, gets the same mark.
    sites.carry(sites.prison, sites.university)
    held = held_mark(sites.university, session_id, amir)
    assert held == held_mark(sites.prison, session_id, amir)


def test_the_site_whose_change_gave_way_is_told_after_its_next_exchange(sites: Sites) -> None:
    clash_over_week_one(sites)
    session_id, amir = sites.seed.sessions[0], sites.seed.people[0]
    with sites.laptop.open() as workspace:
        (conflict,) = workspace.sync.conflicts()
        workspace.sync.resolve_conflict(conflict.id, "ours")  # the laptop's mark stands
    at_prison = sites.carry(sites.laptop, sites.prison)
    (words,) = at_prison.replaced_words
    assert words.startswith(f"Your change to {WEEK_ONE} was replaced at {LAPTOP} on ")
    assert words.endswith(
        ": Mark is now Late (yours: Absent); Reason is now (empty) (yours: Illness)."
    )
    assert words in at_prison.describe()
    (notice,) = listed(sites.prison)
    assert not notice.waiting and notice.ours_replaced and notice.replaced_words == words
    assert notice.state_words() == words
    with sites.prison.open() as workspace:
        with pytest.raises(ValidationError, match="settled already"):
            workspace.sync.resolve_conflict(notice.id, "ours")
        workspace.sync.mark_reviewed(notice.id)
    assert listed(sites.prison) == []
    assert held_mark(sites.prison, session_id, amir) == held_mark(sites.laptop, session_id, amir)
    assert held_mark(sites.prison, session_id, amir)[1] is AttendanceStatus.LATE
    # Told once: the same bundle again tells nothing more.
    assert sites.carry(sites.laptop, sites.prison).summary.replaced == []


def test_one_mark_made_at_two_sites_is_merged_then_settled(sites: Sites) -> None:
    """Week 3's register was taken at both sites: two marks for Amir under two ids."""
    session_id, amir = sites.seed.sessions[2], sites.seed.people[0]
    mark(sites.laptop, session_id, amir, Mark(AttendanceStatus.PRESENT))
    mark(sites.prison, session_id, amir, Mark(AttendanceStatus.EXCUSED, MarkReason.HEALTHCARE))
    sites.carry(sites.prison, sites.laptop)
    sites.carry(sites.laptop, sites.prison)
    (at_laptop,) = listed(sites.laptop)
    assert at_laptop.title == (
        "Register mark — Amir Okafor, September 2026, week 3 (Mon 21 Sep 2026)"
    )
    assert at_laptop.kept == "theirs"  # the prison's mark was made later
    assert {f.label: (f.ours, f.theirs) for f in at_laptop.fields} == {
        "Mark": ("Present", "Excused"),
        "Reason": ("(empty)", "Healthcare"),
    }
    with sites.laptop.open() as workspace:
        workspace.sync.resolve_conflict(at_laptop.id, "ours")
    sites.carry(sites.laptop, sites.prison)
    for site in (sites.prison, sites.laptop):
        assert held_mark(site, session_id, amir)[1:3] == (AttendanceStatus.PRESENT, None)
        assert listed(site) == [], site.name
    assert held_mark(sites.prison, session_id, amir) == held_mark(sites.laptop, session_id, amir)


def test_three_sites_end_with_the_chosen_value(sites: Sites) -> None:
    """The laptop and the university retitle one session; the prison passes each on."""
    session_id = sites.seed.sessions[1]
    _retitle(sites.laptop, session_id, "Punishment (laptop)")
    _retitle(sites.university, session_id, "Punishment and society (university)")
    sites.carry(sites.laptop, sites.prison)
    sites.carry(sites.university, sites.prison)  # the clash, at the prison
    sites.carry(sites.prison, sites.laptop)  # and at the laptop
    sites.carry(sites.prison, sites.university)
    listing = {s.name: listed(s) for s in (sites.prison, sites.laptop, sites.university)}
    assert [len(listing[n]) for n in (PRISON, LAPTOP, UNIVERSITY)] == [1, 1, 0]
    (at_prison,) = listing[PRISON]
    # The prison made neither: it names the two sites that did.
    assert at_prison.title == "Session — September 2026, week 2 (Mon 14 Sep 2026)"
    assert (at_prison.ours.site, at_prison.theirs.site) == (LAPTOP, UNIVERSITY)
    assert not at_prison.ours.here and not at_prison.theirs.here
    assert [(f.label, f.ours, f.theirs) for f in at_prison.fields] == [
        ("Title", "Punishment (laptop)", "Punishment and society (university)")
    ]
    (at_laptop,) = listing[LAPTOP]
    with sites.laptop.open() as workspace:
        workspace.sync.resolve_conflict(at_laptop.id, "ours")
    at_prison_again = sites.carry(sites.laptop, sites.prison)
    assert at_prison_again.summary.replaced == []  # the prison made neither version
    sites.carry(sites.prison, sites.university)
    sites.carry(sites.university, sites.prison)
    sites.carry(sites.prison, sites.laptop)
    versions = set()
    for site in (sites.prison, sites.laptop, sites.university):
        with site.open() as workspace, workspace.store.read() as session:
            row = session.get(ClassSession, session_id)
            assert row is not None
            assert row.title == "Punishment (laptop)", site.name
            versions.add(row.version)
        assert listed(site) == [], site.name
    assert len(versions) == 1


def test_choosing_is_for_an_administrator_and_needs_a_real_choice(sites: Sites) -> None:
    clash_over_week_one(sites)
    with sites.prison.open() as workspace:
        workspace.accounts.add_account(
            "edstaff",
            display_name="Ed Staff",
            role=Role.EDUCATION_STAFF,
            password="staff password 1",
        )
    with sign_in(sites.prison.folder, "edstaff", "staff password 1") as staff:
        (conflict,) = staff.sync.conflicts()  # staff see it, in its words...
        assert conflict.title == WEEK_ONE
        with pytest.raises(PermissionDenied):  # ...an administrator chooses
            staff.sync.resolve_conflict(conflict.id, "ours")
    with sites.prison.open() as workspace:
        with pytest.raises(ValidationError, match="ours or theirs"):
            workspace.sync.resolve_conflict(conflict.id, "mine")  # type: ignore[arg-type]
        assert workspace.sync.conflicts()[0].waiting


def _retitle(site: Site, session_id: uuid.UUID, title: str) -> None:
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
    time.sleep(0.002)


def test_an_entry_an_earlier_version_listed_is_shown_and_can_be_marked_seen(
    sites: Sites,
) -> None:
    """Early entries kept only the fields of the version not kept, not its whole line."""
    session_id, amir = sites.seed.sessions[0], sites.seed.people[0]
    record_id = held_mark(sites.prison, session_id, amir)[0]
    with sites.prison.open() as workspace, workspace.store.write() as session:
        partner = workspace.sync.partner_id(LAPTOP)
        row = session.get(AttendanceMark, record_id)
        assert row is not None
        session.add(
            SyncConflict(
                table_name="attendance",
                record_id=record_id,
                kept_version=row.version,
                lost_version=row.version[:-32] + partner.hex,
                lost_values=json.dumps({"status": "late"}),
                kept_from="this site",
                partner_site_id=partner,
            )
        )
    (old,) = listed(sites.prison)
    assert old.title == WEEK_ONE and old.fields == ()
    assert old.waiting and not old.choosable
    assert old.ours.site == PRISON and old.theirs.site == LAPTOP
    assert "cannot be shown" in old.state_words()
    with sites.prison.open() as workspace:
        with pytest.raises(LtError, match="cannot be read"):
            workspace.sync.resolve_conflict(old.id, "theirs")
        workspace.sync.mark_reviewed(old.id)
    assert listed(sites.prison) == []
