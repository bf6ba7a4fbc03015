"""Every service method, called by every role with records outside that role's reach.

A facilitator reaches only the cohorts they work in (and the people, sessions,
essays and the rest that belong to them); a marker only the essays allocated to
them; a researcher only the research export. Each public method of each service on
``Workspace`` is found by introspection, so a method added later is swept too, and
is called with ids its caller may not reach, built from each parameter's name.

A refusal is always ``PermissionDenied``, whether the role may not do the thing at
all or the record is not one of the caller's: the answer is the same whether or not
the record exists, so nothing about records out of reach leaks through the kind of
error either.

Administrators and education staff reach every record, so no id lies outside their
reach; ``test_administrators_and_staff_reach_every_record`` says so, and the sweep
has nothing to give them.
"""

from __future__ import annotations

import ast
import importlib
import inspect
import shutil
import typing
import uuid
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from enum import Enum
from functools import cached_property
from pathlib import Path
from types import UnionType
from typing import Any

import pytest
from sqlalchemy.orm import Session

from lt_desktop.core.services.register import MarkChange
from lt_desktop.core.sign_in import sign_in
from lt_desktop.core.workspace import Workspace
from lt_desktop.domain.errors import PermissionDenied
from lt_desktop.domain.roles import Role
from lt_desktop.domain.vocabulary import MembershipRole
from tests.cli.support import assert_failure, run_as

PNG = b"\x89PNG\r\n\x1a\n" + b"\0" * 200

USERNAMES = {
    Role.ADMINISTRATOR: "demo",
    Role.EDUCATION_STAFF: "staff",
    Role.FACILITATOR: "facilitator",
    Role.MARKER: "marker",
    Role.RESEARCHER: "researcher",
}

#: Roles that reach only some records. Administrators and education staff reach all.
PARTIAL_REACH = [Role.FACILITATOR, Role.MARKER, Role.RESEARCHER]

# -- the methods -----------------------------------------------------------------------


def _services() -> dict[str, type]:
    services = {}
    names = _named_for_type_checking(Workspace)
    for name, attribute in vars(Workspace).items():
        if isinstance(attribute, cached_property):
            services[name] = typing.get_type_hints(attribute.func, globalns=names)["return"]
    return services


def _named_for_type_checking(cls: type) -> dict[str, Any]:
    """The globals of ``cls``'s module with the names it imports only for type checking
    (the workspace imports each service when it is first used), imported now."""
    module = importlib.import_module(cls.__module__)
    names = dict(vars(module))
    for node in ast.parse(inspect.getsource(module)).body:
        if isinstance(node, ast.If) and ast.unparse(node.test) == "TYPE_CHECKING":
            for found in node.body:
                if isinstance(found, ast.ImportFrom) and found.module is not None:
                    imported = importlib.import_module(found.module)
                    names.update(
                        {a.asname or a.name: getattr(imported, a.name) for a in found.names}
                    )
    return names


SERVICES = _services()

METHODS = sorted(
    f"{service}.{name}"
    for service, cls in SERVICES.items()
    for name, member in inspect.getmembers(cls, inspect.isfunction)
    if not name.startswith("_")
)

#: Methods that name no record: lists and counts filtered to what the caller may see,
#: this site's own settings and upkeep, and files brought in (checked as they are read).
TAKES_NO_ID = {
    "accounts.list_accounts",
    "accounts.replace_recovery_key",
    "applications.add_criterion",
    "applications.blind_assessment",
    "applications.rubric",
    "audit.count",
    "audit.entries",
    "audit.verify",
    "diagnostics.report",
    "diagnostics.save",
    "documents.list_events",
    "documents.require_printing",
    "essays.markers",
    "graduation.list_events",
    "laptops.laptops",
    "laptops.remembered_folder",
    "laptops.save_registers",
    "laptops.take_in_registers",
    "laptops.take_in_updates",
    "laptops.this_laptop",
    "maintenance.back_up_now",
    "maintenance.backup",
    "maintenance.backup_status",
    "maintenance.check",
    "maintenance.list_backups",
    "maintenance.set_backup_folder",
    "marking.tasks",
    "overview.partnerships",
    "people.add_person",
    "people.list_people",
    "people.search",
    "people.transfers",
    "programme.add_partnership",
    "programme.list_cohorts",
    "programme.list_partnerships",
    "questionnaires.templates",
    "register.registers_not_taken",
    "retention.apply",
    "retention.due",
    "retention.periods",
    "retention.set_off",
    "retention.set_period",
    "retention.set_study_end",
    "retention.use_default",
    "settings.get",
    "settings.set_number",
    "settings.set_switch",
    "stats.counts",
    "sync.conflicts",
    "sync.import_bundle",
    "sync.inspect",
    "sync.partners",
    "sync.read_card",
    "sync.rotate_keys",
    "sync.site_card",
}

#: Methods every account may call, on records that are its own whoever it is.
OPEN_TO_ALL = {
    "accounts.change_own_password",  # the signed-in account's own password
    "drafts.discard",  # each account sees and removes only its own drafts
    "drafts.keep",
    "drafts.waiting",
}

#: What a role reaches by design, so a call there is not refused.
REACHED_BY = {
    Role.RESEARCHER: {"research.export"},  # the export is the researcher's job, every cohort
}

# -- the records each parameter names ------------------------------------------------

#: Which record a parameter names, by its name.
RECORD_NAMED_BY = {
    "person_id": "person",
    "keep_id": "person",
    "merge_id": "another_person",
    "lecturer_id": "person",
    "ignoring": "person",
    "cohort_id": "cohort",
    "cohort_ids": "cohort",
    "course_id": "course",
    "partnership_id": "partnership",
    "session_id": "session",
    "reading_id": "reading",
    "membership_id": "membership",
    "invited_by_id": "membership",
    "essay_id": "essay",
    "candidate_number": "candidate",
    "group_id": "group",
    "group_ids": "group",
    "project_id": "project",
    "presentation_session_id": "session",
    "application_id": "application",
    "interview_id": "interview",
    "event_id": "event",
    "guest_id": "guest",
    "item_id": "item",
    "invitation_id": "invitation",
    "training_id": "training",
    "template_id": "template",
    "criterion_id": "criterion",
    "conflict_id": "conflict",
    "site_id": "site",
    "partner_site_id": "site",
    "name_or_fingerprint": "site",
    "marker_id": "marker",
    "marker_ids": "marker",
    "username": "account",
    # Maps and lists keyed by the records they change.
    "attendance": "person",
    "marks": "person",
    "students": "person",
    "guests": "guest",
    "scores": "criterion",
    "changes": "person",
    "progression_id": "progression",
}


#: Maps keyed by the questions, items or criteria a record answers: they name no
#: record of their own, and are checked against the one the call names.
ANSWERS_BY_QUESTION = {"answers", "notes"}


@dataclass
class Records:
    """One id of each kind: ``outside`` a role's reach, and ``inside`` it where it has
    one (no inside value: the role reaches no record of that kind)."""

    outside: dict[str, Any]
    inside: dict[str, Any]


@dataclass
class Demo:
    folder: Path
    spring: dict[str, Any]  # the cohort the demo facilitator does not work in, and its records
    autumn: dict[str, Any]  # the facilitator's cohort
    everywhere: dict[str, Any]  # records that belong to no one cohort
    marker_own: dict[str, Any]  # an essay allocated to the demo marker


def _gather(admin: Workspace) -> Demo:
    cohorts = admin.programme.list_cohorts()
    autumn_cohort = next(c for c in cohorts if "September" in c.name)
    spring_cohort = next(c for c in cohorts if c.id != autumn_cohort.id)

    def records(cohort_id: uuid.UUID, strangers: set[uuid.UUID]) -> dict[str, Any]:
        members = admin.memberships.list_members(cohort_id)
        student, another = [
            m for m in members if m.role is MembershipRole.STUDENT and m.person_id in strangers
        ][:2]
        essays = admin.essays.list_essays(cohort_id)
        essay = next((e for e in essays if e.membership_id == student.id), essays[0])
        applications = admin.applications.list_applications(cohort_id)
        application_id = next(
            (a.id for a in applications if a.person_id == student.person_id), None
        )
        if application_id is None:  # the demo's first cohort kept no applications
            application_id = admin.applications.record_application(
                cohort_id, person_id=student.person_id, motivation_statement="To learn."
            ).id
        interviews = [line.interview for line in admin.interviews.cohort(cohort_id)]
        interview = next(i for i in interviews if i is not None)
        first_session = next(s.id for s in admin.programme.list_sessions(cohort_id) if s.week == 1)
        return {
            "cohort": cohort_id,
            "person": student.person_id,
            "another_person": another.person_id,
            "membership": student.id,
            "session": first_session,
            "reading": admin.readings.readings(first_session)[0].id,
            "essay": essay.id,
            "candidate": essay.candidate_number,
            "essay_scan": admin.essays.attach_scan(essay.id, "page-1.png", PNG).id,
            "group": admin.groups.plan(cohort_id).groups[0].id,
            "application": application_id,
            "application_scan": admin.applications.attach_scan(application_id, "form.png", PNG).id,
            "interview": interview.id,
            "project": admin.projects.projects(cohort_id)[0].id,
        }

    spring_people = {m.person_id for m in admin.memberships.list_members(spring_cohort.id)}
    autumn_people = {m.person_id for m in admin.memberships.list_members(autumn_cohort.id)}
    spring = records(spring_cohort.id, spring_people - autumn_people)
    autumn = records(autumn_cohort.id, autumn_people - spring_people)

    event = admin.graduation.list_events()[0]
    details = admin.graduation.details(event.id)
    mentor = next(p for p in spring_people & autumn_people if admin.mentoring.invitations(p))
    course = admin.programme.list_courses()[0]
    followed = next(
        step.id
        for person in sorted(spring_people - autumn_people)
        for step in admin.progression.list_for(person)
    )
    spring.update(
        event=event.id,
        guest=details.guests[0].id,
        item=details.programme[0].id,
        invitation=admin.mentoring.invitations(mentor)[0].id,
        training=admin.mentoring.training(mentor)[0].id,
        facilitator_training=next(
            admin.facilitators.training(m.person_id)[0].id
            for m in admin.memberships.list_members(spring_cohort.id)
            if m.role is MembershipRole.FACILITATOR and m.person_id not in autumn_people
        ),
        progression=followed,
    )
    marker_account = next(a for a in admin.accounts.list_accounts() if a.username == "marker")
    everywhere = {
        "course": course.id,
        "partnership": course.partnership_id,
        "template": admin.questionnaires.templates()[0].id,
        "criterion": admin.applications.rubric()[0].id,
        "conflict": uuid.uuid4(),  # the demo store has none: an id of nothing
        "site": uuid.uuid4(),
        "marker": marker_account.id,
        "account": "staff",
    }
    return Demo(admin.store.folder.root, spring, autumn, everywhere, {})


@pytest.fixture(scope="module")
def demo_store(_demo_template: Path, tmp_path_factory: pytest.TempPathFactory) -> Demo:
    """One copy of the demo store for the whole sweep: every call in it is refused, so
    nothing is written after the records it needs are gathered."""
    folder = tmp_path_factory.mktemp("sweep") / "demo"
    shutil.copytree(_demo_template, folder, ignore=shutil.ignore_patterns("store.lock", "logs"))
    with sign_in(folder, "demo", "demo") as admin:
        demo = _gather(admin)
    with sign_in(folder, "marker", "demo") as marker:
        own = marker.marking.tasks()[0].candidate_number
    assert own != demo.spring["candidate"]
    with sign_in(folder, "demo", "demo") as admin:
        essay = next(
            e
            for c in admin.programme.list_cohorts()
            for e in admin.essays.list_essays(c.id)
            if e.candidate_number == own
        )
        demo.marker_own = {
            "candidate": own,
            "essay_scan": admin.essays.attach_scan(essay.id, "page-1.png", PNG).id,
        }
    return demo


def _reach(role: Role, demo: Demo) -> Records:
    everything = {**demo.everywhere, **demo.spring}
    if role is Role.FACILITATOR:
        # Their own cohort's records, its course and partnership (the demo has one of
        # each), and the definitions every cohort shares.
        shared = ("course", "partnership", "template", "criterion")
        inside = {**demo.autumn, **{k: demo.everywhere[k] for k in shared}}
        outside = {k: v for k, v in everything.items() if k not in shared}
        return Records(outside, inside)
    if role is Role.MARKER:
        return Records(everything, dict(demo.marker_own))
    return Records(everything, {})


@pytest.fixture(scope="module", params=PARTIAL_REACH, ids=lambda r: r.value)
def signed_in(request: pytest.FixtureRequest, demo_store: Demo) -> Iterator[Workspace]:
    with sign_in(demo_store.folder, USERNAMES[request.param], "demo") as workspace:
        yield workspace


# -- building the calls ---------------------------------------------------------------


def _record_of(method: str, parameter: str) -> str | None:
    record = RECORD_NAMED_BY.get(parameter)
    if parameter == "scan_id":
        record = "application_scan" if method.startswith("applications.") else "essay_scan"
    if parameter == "training_id" and method.startswith("facilitators."):
        record = "facilitator_training"
    return record


def _check_every_id_is_known(method: str, function: Callable[..., Any]) -> None:
    """An id under a name the sweep does not know would be left out of it unseen."""
    hints = typing.get_type_hints(function)
    for name in list(inspect.signature(function).parameters)[1:]:
        if name in ANSWERS_BY_QUESTION:
            continue
        if _record_of(method, name) is None and "UUID" in repr(hints.get(name)):
            raise AssertionError(f"{method}: which record does {name} name? Teach the sweep.")


def _plain(name: str, annotation: Any, folder: Path) -> Any:
    """A sensible value for a parameter that names no record."""
    by_name: dict[str, Any] = {
        "password": "a long enough password",
        "new_password": "a long enough password",
        "current_password": "demo",
        "key": "idle_lock_minutes",
        "filename": "page-1.png",
        "data": PNG,
        "week": 1,
        "weeks": 1,
        "capacity": 10,
        "folder": folder,
        "target": folder / "out.file",
        "path": folder / "missing.bundle",
        "card": b"",
        "progress": None,
        "new_person": None,
        "answers": {},
        "items": [],
        "texts": ["What did you notice this week?"],
        "drafts": [],
        "fields": ["notes"],
        "notes": "Noted.",
        "mark": None,
        "backups": [],
        "research_ids": ["SWEEP-0001"],
        "requests": [],
    }
    if name in by_name:
        return by_name[name]
    if typing.get_origin(annotation) in (typing.Union, UnionType):
        choices = [a for a in typing.get_args(annotation) if a is not type(None)]
        return _plain(name, choices[0], folder)
    simple: dict[Any, Any] = {
        str: "Sweep",
        int: 1,
        float: 50.0,
        bool: False,
        date: date(2026, 11, 23),
        datetime: datetime(2026, 11, 23, 10, 0, tzinfo=UTC),
        time: time(10, 0),
        bytes: PNG,
        Path: folder,
    }
    if annotation in simple:
        return simple[annotation]
    if isinstance(annotation, type) and issubclass(annotation, Enum):
        return next(iter(annotation))
    if typing.get_origin(annotation) is typing.Literal:
        return typing.get_args(annotation)[0]
    raise AssertionError(f"No value for parameter {name}: {annotation!r}; teach the sweep one.")


def _id_value(name: str, annotation: Any, value: Any) -> Any:
    origin = typing.get_origin(annotation)
    if origin in (typing.Union, UnionType):
        choices = [a for a in typing.get_args(annotation) if a is not type(None)]
        return _id_value(name, choices[0], value)
    if origin in (list, Sequence):
        if name == "changes":
            return [MarkChange(value, None, None)]
        return [value]
    if origin in (dict, Mapping):
        if name == "scores":
            return {value: 3}
        if name == "marks":
            return {value: None}
        return {value: True}
    return value


@dataclass(frozen=True)
class Call:
    outside: tuple[str, ...]  # the parameters given ids outside the caller's reach
    arguments: dict[str, Any]


def _calls(method: str, function: Callable[..., Any], reach: Records, folder: Path) -> list[Call]:
    """Each way to call ``method`` with at least one id out of reach: all of them out
    at once, and each alone among ids within reach."""
    signature = inspect.signature(function)
    hints = typing.get_type_hints(function)
    plain: dict[str, Any] = {}
    named: dict[str, tuple[str, Any]] = {}
    for name, parameter in list(signature.parameters.items())[1:]:
        annotation = hints.get(name, Any)
        record = _record_of(method, name)
        if record is not None:
            named[name] = (record, annotation)
        elif annotation is Session:
            plain[name] = None  # filled with an open transaction when called
        elif parameter.default is inspect.Parameter.empty:
            plain[name] = _plain(name, annotation, folder)
    movable = [n for n, (record, _) in named.items() if record in reach.outside]

    def arguments(out: set[str]) -> dict[str, Any]:
        values = dict(plain)
        for name, (record, annotation) in named.items():
            side = reach.outside if name in out or record not in reach.inside else reach.inside
            values[name] = _id_value(name, annotation, side[record])
        return values

    calls = [Call(tuple(movable), arguments(set(movable)))] if movable else []
    if len(movable) > 1 or any(r in reach.inside for r, _ in named.values()):
        for name in movable:
            only = Call((name,), arguments({name}))
            if only not in calls:
                calls.append(only)
    return calls


def _invoke(workspace: Workspace, method: str, arguments: dict[str, Any]) -> Any:
    service, name = method.split(".")
    function = getattr(getattr(workspace, service), name)
    if "session" in arguments:
        with workspace.store.write() as session:
            return function(**{**arguments, "session": session})
    return function(**arguments)


# -- the sweep ------------------------------------------------------------------------


def test_the_allow_lists_name_only_methods_that_exist() -> None:
    assert (TAKES_NO_ID | OPEN_TO_ALL) <= set(METHODS)


@pytest.mark.parametrize("method", METHODS)
def test_every_method_refuses_records_out_of_reach(
    signed_in: Workspace, demo_store: Demo, method: str, tmp_path: Path
) -> None:
    role = signed_in.actor.role
    service, name = method.split(".")
    function = getattr(SERVICES[service], name)
    _check_every_id_is_known(method, function)
    takes_ids = any(_record_of(method, p) for p in inspect.signature(function).parameters)
    if method in TAKES_NO_ID:
        assert not takes_ids, f"{method} names a record: sweep it, not allow it"
        return
    if method in OPEN_TO_ALL or method in REACHED_BY.get(role, set()):
        return
    calls = _calls(method, function, _reach(role, demo_store), tmp_path)
    if not calls:
        # Nothing of the kinds it names lies outside this role's reach (a facilitator
        # and the questionnaire templates every cohort shares).
        return
    for call in calls:
        try:
            result = _invoke(signed_in, method, call.arguments)
        except PermissionDenied:
            continue
        except Exception as error:
            pytest.fail(
                f"{role.value}: {method} with {', '.join(call.outside)} out of reach "
                f"answered {type(error).__name__}: {error}"
            )
        pytest.fail(
            f"{role.value}: {method} with {', '.join(call.outside)} out of reach "
            f"was not refused: {result!r:.200}"
        )


def test_administrators_and_staff_reach_every_record(demo_dir: Path) -> None:
    for role in (Role.ADMINISTRATOR, Role.EDUCATION_STAFF):
        with sign_in(demo_dir, USERNAMES[role], "demo") as workspace:
            assert workspace.actor.role is role
            cohorts = workspace.programme.list_cohorts()
            assert len(cohorts) == 2
            for cohort in cohorts:
                someone = workspace.memberships.list_members(cohort.id)[0].person_id
                workspace.people.person_page(someone)
                workspace.consent.states(someone)
                workspace.stories.by_person(someone)


#: Lists that name no record but could show one: called by a facilitator, they must
#: hold nothing of a cohort the facilitator does not work in.
LISTS: dict[str, Callable[[Workspace, str], Any]] = {
    "people.list_people": lambda ws, name: ws.people.list_people(),
    "people.search": lambda ws, name: ws.people.search(name),
    "people.likely_duplicates": lambda ws, name: ws.people.likely_duplicates(*name.split(" ")),
    "people.transfers": lambda ws, name: ws.people.transfers(),
    "register.registers_not_taken": lambda ws, name: ws.register.registers_not_taken(),
    "programme.list_cohorts": lambda ws, name: ws.programme.list_cohorts(),
    "laptops.laptops": lambda ws, name: ws.laptops.laptops(),
    "questionnaires.templates": lambda ws, name: ws.questionnaires.templates(),
    "applications.rubric": lambda ws, name: ws.applications.rubric(),
}


def test_lists_a_facilitator_reads_hold_nobody_from_other_cohorts(demo_dir: Path) -> None:
    with sign_in(demo_dir, "demo", "demo") as admin:
        cohorts = admin.programme.list_cohorts()
        autumn = next(c for c in cohorts if "September" in c.name)
        spring = next(c for c in cohorts if c.id != autumn.id)
        theirs = {m.person_id for m in admin.memberships.list_members(autumn.id)}
        stranger = next(
            m
            for m in admin.memberships.list_members(spring.id)
            if m.role is MembershipRole.STUDENT
            and m.person_id not in theirs
            and admin.people.prison_details(m.person_id) is not None
        )
        person = admin.people.get_person(stranger.person_id)
        # A place of their own to leave, in a cohort the facilitator does not work in.
        later = admin.programme.add_cohort(
            course_id=autumn.course_id,
            name="Spring 2027",
            starts_on=date(2027, 1, 11),
            ends_on=date(2027, 3, 29),
        )
        admin.memberships.enrol(later.id, person.id)
        admin.people.transfer(person.id, to="HMP Elsewhere", reason="Moved on")
        name = f"{person.given_name} {person.family_name}"
        assert any(t.person_id == person.id for t in admin.people.transfers())
    with sign_in(demo_dir, "facilitator", "demo") as facilitator:
        for method, call in LISTS.items():
            try:
                shown = repr(call(facilitator, name))
            except PermissionDenied:
                continue
            assert str(person.id) not in shown and person.family_name not in shown, method


def _strangers(demo_dir: Path) -> tuple[uuid.UUID, uuid.UUID, list[str]]:
    """Two students of the cohort the demo facilitator does not work in, and their names."""
    with sign_in(demo_dir, "demo", "demo") as admin:
        cohorts = admin.programme.list_cohorts()
        autumn = next(c for c in cohorts if "September" in c.name)
        theirs = {m.person_id for m in admin.memberships.list_members(autumn.id)}
        first, second = [
            m
            for c in cohorts
            if c.id != autumn.id
            for m in admin.memberships.list_members(c.id)
            if m.role is MembershipRole.STUDENT and m.person_id not in theirs
        ][:2]
    return first.person_id, second.person_id, [first.display_name, second.display_name]


def test_the_command_line_refuses_what_the_service_refuses(demo_dir: Path) -> None:
    """The commands reach the store only through the services, so they are refused
    alike: a facilitator previewing a merge of two people outside their cohort sees
    neither."""
    first, second, names = _strangers(demo_dir)
    result = run_as(
        demo_dir, "facilitator", "person", "merge", str(first), str(second), "--preview"
    )
    assert "not in one of your cohorts" in assert_failure(result)
    assert not any(name in result.out + result.err for name in names)


def test_the_command_line_opens_no_database_of_its_own() -> None:
    """Every command goes through ``Workspace`` services and their checks: none imports
    the tables or the database layer, or opens a transaction on the store itself."""
    folder = Path(__file__).parents[2] / "src" / "lt_desktop" / "cli"
    forbidden = (
        "sqlalchemy",
        "sqlcipher3",
        "lt_desktop.storage.models",
        "lt_desktop.storage.database",
    )
    for source in sorted(folder.glob("*.py")):
        tree = ast.parse(source.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom | ast.Import):
                names = [node.module or ""] if isinstance(node, ast.ImportFrom) else []
                names += [alias.name for alias in node.names]
                assert not any(n.startswith(forbidden) for n in names), (source.name, names)
            if (
                isinstance(node, ast.Attribute)
                and node.attr in ("read", "write", "sessions")
                and isinstance(node.value, ast.Attribute)
                and node.value.attr == "store"
            ):
                raise AssertionError(f"{source.name}:{node.lineno} opens the store itself")
