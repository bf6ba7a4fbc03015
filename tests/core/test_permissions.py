"""Each role may do what its job needs and nothing more, checked in the services."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from lt_desktop.core.services.register import Mark
from lt_desktop.core.sign_in import sign_in
from lt_desktop.core.workspace import Workspace
from lt_desktop.domain.errors import PermissionDenied
from lt_desktop.domain.roles import Role
from lt_desktop.domain.vocabulary import (
    AttendanceStatus,
    ConsentScope,
    MembershipRole,
    PersonBase,
    SiteKind,
)
from tests.helpers.stores import ADMIN, ADMIN_PASSWORD, add_account, new_store, sign_in_as

Action = Callable[[Workspace, dict[str, Any]], Any]

ACTIONS: dict[str, Action] = {
    "list users": lambda ws, ids: ws.accounts.list_accounts(),
    "add user": lambda ws, ids: ws.accounts.add_account(
        "newbie", display_name="N", role=Role.MARKER, password="long enough pw"
    ),
    "change settings": lambda ws, ids: ws.settings.set_number("idle_lock_minutes", 10),
    "read audit log": lambda ws, ids: ws.audit.entries(),
    "list people": lambda ws, ids: ws.people.list_people(),
    "see a person": lambda ws, ids: ws.people.person_page(ids["person"]),
    "add person": lambda ws, ids: ws.people.add_person(
        given_name="A", family_name="B", base=PersonBase.UNIVERSITY
    ),
    "find likely duplicates": lambda ws, ids: ws.people.likely_duplicates("A", "B"),
    "match a prison number": lambda ws, ids: ws.people.likely_duplicates(
        "A", "B", prison_number="A1234BC"
    ),
    "add partnership": lambda ws, ids: ws.programme.add_partnership(
        name="P", prison_name="HMP P", university_name="U"
    ),
    "list cohort members": lambda ws, ids: ws.memberships.list_members(ids["cohort"]),
    "take register": lambda ws, ids: ws.register.mark(
        ids["session"], ids["person"], Mark(AttendanceStatus.EXCUSED)
    ),
    "record consent": lambda ws, ids: ws.consent.record(
        ids["person"], ConsentScope.INTERVIEW, given_on=date(2026, 9, 1)
    ),
    "count records": lambda ws, ids: ws.stats.counts(),
    "back up": lambda ws, ids: ws.maintenance.backup(ws.store.folder.root.parent / "b.ltbackup"),
    "allocate groups": lambda ws, ids: ws.groups.auto_allocate(ids["cohort"]),
}

ALLOWED: dict[Role, set[str]] = {
    Role.ADMINISTRATOR: set(ACTIONS),
    Role.EDUCATION_STAFF: set(ACTIONS)
    - {"list users", "add user", "change settings", "read audit log"},
    Role.FACILITATOR: {
        "list people",
        "see a person",
        "find likely duplicates",
        "list cohort members",
        "take register",
    },
    Role.MARKER: set(),
    Role.RESEARCHER: set(),
}

USERNAMES = {
    Role.ADMINISTRATOR: "demo",
    Role.EDUCATION_STAFF: "staff",
    Role.FACILITATOR: "facilitator",
    Role.MARKER: "marker",
    Role.RESEARCHER: "researcher",
}


def _ids(demo_dir: Path) -> dict[str, Any]:
    """A cohort, session and student the demo facilitator works with."""
    with sign_in(demo_dir, "facilitator", "demo") as facilitator:
        cohort = facilitator.programme.list_cohorts()[0]
        session = facilitator.programme.list_sessions(cohort.id)[0]
    with sign_in(demo_dir, "demo", "demo") as admin:
        student = next(
            m
            for m in admin.memberships.list_members(cohort.id)
            if m.role is MembershipRole.STUDENT
            and not next(
                s for s in admin.consent.states(m.person_id) if s.scope is ConsentScope.INTERVIEW
            ).active
        )
    return {"cohort": cohort.id, "session": session.id, "person": student.person_id}


@pytest.fixture(scope="module")
def demo_ids(_demo_template: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """``_ids`` of the demo store, found once: every ``demo_dir`` is a copy of the same
    store, so holds the same records."""
    folder = tmp_path_factory.mktemp("demo-ids") / "demo"
    shutil.copytree(_demo_template, folder, ignore=shutil.ignore_patterns("store.lock", "logs"))
    return _ids(folder)


@pytest.mark.parametrize("role", list(Role))
@pytest.mark.parametrize("action", list(ACTIONS))
def test_each_role_may_do_only_what_its_job_needs(
    demo_dir: Path, demo_ids: dict[str, Any], role: Role, action: str
) -> None:
    ids = demo_ids
    with sign_in(demo_dir, USERNAMES[role], "demo") as workspace:
        if action in ALLOWED[role]:
            ACTIONS[action](workspace, ids)
        else:
            with pytest.raises(
                PermissionDenied, match="does not allow|not one of yours|not in one"
            ):
                ACTIONS[action](workspace, ids)


def test_a_facilitator_sees_only_their_own_cohorts_and_people(
    demo: Workspace, demo_dir: Path
) -> None:
    all_cohorts = demo.programme.list_cohorts()
    everyone = {p.id for p in demo.people.list_people()}
    demo.close()
    with sign_in(demo_dir, "facilitator", "demo") as facilitator:
        cohorts = facilitator.programme.list_cohorts()
        assert len(cohorts) == 1 < len(all_cohorts)
        mine = cohorts[0]
        visible = {p.id for p in facilitator.people.list_people()}
        members = {m.person_id for m in facilitator.memberships.list_members(mine.id)}
        assert visible == members and visible < everyone
        other = next(c for c in all_cohorts if c.id != mine.id)
        with pytest.raises(PermissionDenied):
            facilitator.memberships.list_members(other.id)
        with pytest.raises(PermissionDenied):
            facilitator.programme.list_sessions(other.id)
        stranger = next(iter(everyone - visible))
        with pytest.raises(PermissionDenied):
            facilitator.people.person_page(stranger)
        session = facilitator.programme.list_sessions(mine.id)[0]
        line = facilitator.register.register(session.id).lines[0]
        facilitator.register.mark(session.id, line.person_id, Mark(AttendanceStatus.LATE))


def test_prison_only_details_stay_with_roles_that_need_them(demo_dir: Path) -> None:
    with sign_in(demo_dir, "staff", "demo") as staff:
        person = next(
            p
            for p in staff.people.list_people()
            if staff.people.get_person(p.id).base is PersonBase.PRISON
        )
        page = staff.people.person_page(person.id)
        assert page.may_see_prison_details and page.prison_details is not None
    with sign_in(demo_dir, "facilitator", "demo") as facilitator:
        mine = facilitator.programme.list_cohorts()[0]
        member = next(
            m for m in facilitator.memberships.list_members(mine.id) if m.base is PersonBase.PRISON
        )
        page = facilitator.people.person_page(member.person_id)
        assert not page.may_see_prison_details and page.prison_details is None
        with pytest.raises(PermissionDenied):
            facilitator.people.prison_details(member.person_id)


def test_a_university_site_keeps_no_prison_only_details(tmp_path: Path) -> None:
    new_store(tmp_path / "uni", site_kind=SiteKind.UNIVERSITY).close()
    with sign_in(tmp_path / "uni", ADMIN, ADMIN_PASSWORD) as admin:
        person = admin.people.add_person(given_name="A", family_name="B", base=PersonBase.PRISON)
        assert admin.people.person_page(person.id).prison_details is None
        with pytest.raises(PermissionDenied, match="prison's own site"):
            admin.people.set_prison_details(person.id, prison_number="A1234BC")


def test_the_role_check_is_in_the_service_not_the_screen(store_dir: Path) -> None:
    new_store(store_dir).close()
    with sign_in(store_dir, ADMIN, ADMIN_PASSWORD) as admin:
        add_account(admin, "mo", Role.MARKER)
        person = admin.people.add_person(given_name="A", family_name="B", base=PersonBase.PRISON)
    with sign_in_as(store_dir, "mo") as marker:
        for call in (
            lambda: marker.people.get_person(person.id),
            lambda: marker.people.person_page(person.id),
            lambda: marker.people.search("A"),
            lambda: marker.memberships.enrol(person.id, person.id, role=MembershipRole.STUDENT),
        ):
            with pytest.raises(PermissionDenied):
                call()
