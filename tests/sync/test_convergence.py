"""Three sites that edit and exchange in any order end up holding the same records.

The education department's PC at a prison (P), a facilitator's laptop at the same
prison (L, paired with P only) and the university (U, paired with P only) are real
encrypted stores on disk, exchanging real bundles. Programmes of edits and
exchanges (bundles carried late, twice, or out of order) are generated; then every
edge exchanges until a full round changes nothing, and:

- both ends of an edge hold the same version and the same values of every record
  both may hold (P and L: everything they share; P and U: what P sends U);
- research data is where consent lets it be, and nowhere else in the clear, while
  the prison keeps its own records whole;
- no edit is lost without the site that made it listing it as a conflict, and no
  withdrawal of consent is lost at all (the earliest one stands everywhere);
- a conflict is listed only where two sites really changed a record independently.
"""

from __future__ import annotations

import itertools
import json
import tempfile
import uuid
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from hypothesis import Phase, example, given, note, settings
from hypothesis import strategies as st
from sqlalchemy import select
from sqlalchemy.orm import Session

from lt_desktop.core.services.consent import current_consent
from lt_desktop.core.services.register import Mark
from lt_desktop.core.sign_in import sign_in
from lt_desktop.core.workspace import Workspace
from lt_desktop.domain.vocabulary import (
    AttendanceStatus,
    ConsentScope,
    MembershipRole,
    PersonBase,
    SiteKind,
)
from lt_desktop.storage.database import INCLUDE_DELETED
from lt_desktop.storage.models import (
    AttendanceMark,
    ClassSession,
    Consent,
    Person,
    Story,
    SyncConflict,
    SyncedRecord,
)
from lt_desktop.sync.exchange_results import ImportResult
from lt_desktop.sync.incoming import REDACTED_FIELDS
from lt_desktop.sync.outgoing import RESEARCH_SCOPES, TRAVELS
from lt_desktop.sync.records import encode, synced_models
from tests.helpers.sites import (
    LAPTOP_ADMIN,
    LAPTOP_PASSWORD,
    UNIVERSITY_ADMIN,
    UNIVERSITY_PASSWORD,
    Site,
    copy_site,
    new_site,
    pair,
)

P, L, U = "P", "L", "U"
SITES = (P, L, U)
#: Every paired edge, both ways, in the order a settling round walks them.
EDGES = ((P, U), (U, P), (P, L), (L, P))
NAMES = {P: "HMP Northfield", L: "Northfield laptop", U: "University of Eastbridge"}
PRISON_ADMIN, PRISON_PASSWORD = "education", "education password"
MAX_ROUNDS = 6

RESEARCH_TABLES = frozenset(model.__tablename__ for model in RESEARCH_SCOPES)
SHARED_BY_PRISON_SITES = frozenset(
    m.__tablename__ for m in TRAVELS[(SiteKind.PRISON, SiteKind.PRISON)]
)
SENT_TO_UNIVERSITY = frozenset(
    m.__tablename__ for m in TRAVELS[(SiteKind.PRISON, SiteKind.UNIVERSITY)]
)
#: What each copy of research data needs beyond the prison, by site.
RESEARCH_NEEDS = {
    L: (ConsentScope.STORIES,),
    U: (ConsentScope.STORIES, ConsentScope.SHARE_WITH_UNIVERSITY),
}

KeyOf = tuple[str, str]  # (table, record id or natural key), as the checks compare them


# -- the three sites, seeded once --------------------------------------------------------


@dataclass(frozen=True)
class Seed:
    people: tuple[uuid.UUID, ...]  # three prison-based students, then three university-based
    sessions: tuple[uuid.UUID, ...]  # weeks 1 to 4; registers taken for weeks 1 and 2

    @property
    def university_people(self) -> tuple[uuid.UUID, ...]:
        return self.people[3:]


class Template:
    """The three seeded sites, copied for each programme."""

    def __init__(self, sites: dict[str, Site], seed: Seed) -> None:
        self.sites = sites
        self.seed = seed

    def __repr__(self) -> str:  # keeps a failing programme's report short
        return f"Template({', '.join(self.sites)})"


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> Template:
    root = tmp_path_factory.mktemp("convergence")
    sites = {
        P: new_site(root / P, NAMES[P], SiteKind.PRISON, PRISON_ADMIN, PRISON_PASSWORD),
        L: new_site(root / L, NAMES[L], SiteKind.PRISON, LAPTOP_ADMIN, LAPTOP_PASSWORD),
        U: new_site(root / U, NAMES[U], SiteKind.UNIVERSITY, UNIVERSITY_ADMIN, UNIVERSITY_PASSWORD),
    }
    pair(sites[P], sites[L])
    pair(sites[P], sites[U])
    with _open(sites) as workspaces:
        seed = _seed(workspaces[P])
        world = World(root / "bundles", workspaces, seed)
        world.settle()
        assert not world.problems()
    return Template(sites, seed)


def _seed(workspace: Workspace) -> Seed:
    """A small cohort, its registers, consent and a week's stories, through the services."""
    programme = workspace.programme
    partnership = programme.add_partnership(
        name="Northfield and Eastbridge Learning Together",
        prison_name=NAMES[P],
        university_name=NAMES[U],
    )
    course = programme.add_course(partnership_id=partnership.id, title="Crime, Justice and Society")
    cohort = programme.add_cohort(
        course_id=course.id,
        name="September 2026",
        starts_on=date(2026, 9, 7),
        ends_on=date(2026, 12, 14),
    )
    names = [("Amir", "Okafor"), ("Ben", "Price"), ("Callum", "Reid")]
    names += [("Dana", "Shaw"), ("Esme", "Tran"), ("Femi", "Usman")]
    people = []
    for n, (given_name, family_name) in enumerate(names):
        base = PersonBase.PRISON if n < 3 else PersonBase.UNIVERSITY
        person = workspace.people.add_person(
            given_name=given_name, family_name=family_name, base=base
        )
        workspace.memberships.enrol(
            cohort.id, person.id, role=MembershipRole.STUDENT, on=date(2026, 9, 7)
        )
        people.append(person.id)
    sessions = [
        programme.add_session(
            cohort_id=cohort.id,
            week=week,
            held_on=date(2026, 9, 7) + timedelta(weeks=week - 1),
            title=f"Week {week}",
        ).id
        for week in range(1, 5)
    ]
    for session_id in sessions[:2]:
        workspace.register.mark_everyone_present(session_id)
    # Everyone consents to stories; one person of each base has not yet agreed to
    # their sharing with the university.
    for n, person_id in enumerate(people):
        workspace.consent.record(person_id, ConsentScope.STORIES, given_on=date(2026, 8, 20))
        if n not in (2, 5):
            workspace.consent.record(
                person_id, ConsentScope.SHARE_WITH_UNIVERSITY, given_on=date(2026, 8, 20)
            )
        if n in (0, 3):
            workspace.consent.record(person_id, ConsentScope.INTERVIEW, given_on=date(2026, 8, 20))
    (question,) = workspace.stories.set_questions(["What did you learn from someone else?"])
    for person_id in people:
        workspace.stories.save(
            sessions[0],
            person_id,
            text=f"Week one, as told by {person_id.hex[:6]}.",
            answers={question.id: "Patience."},
        )
    return Seed(tuple(people), tuple(sessions))


@contextmanager
def _open(sites: dict[str, Site]) -> Iterator[dict[str, Workspace]]:
    with ExitStack() as stack:
        yield {
            name: stack.enter_context(sign_in(site.folder, site.username, site.password))
            for name, site in sites.items()
        }


@contextmanager
def world_from(template: Template) -> Iterator[World]:
    """Private copies of the three seeded sites, signed in, for one programme."""
    with tempfile.TemporaryDirectory(prefix="lt-convergence-") as scratch:
        root = Path(scratch)
        sites = {name: copy_site(site, root / name) for name, site in template.sites.items()}
        with _open(sites) as workspaces:
            yield World(root / "bundles", workspaces, template.seed)


# -- what the sites do, and what is remembered of it -----------------------------------------


@dataclass(frozen=True)
class Edit:
    site: str
    key: KeyOf
    version: str


@dataclass(frozen=True)
class Held:
    line: dict[str, Any]
    redacted: bool

    @property
    def version(self) -> str:
        return str(self.line["v"])


def _key(table: str, line: dict[str, Any]) -> KeyOf:
    # A register mark is one person at one session, whichever site made the row.
    if table == "attendance":
        return table, f"{line['f']['session_id']}/{line['f']['person_id']}"
    return table, str(line["id"])


class World:
    """The three sites, signed in, with the bundles each has written and every edit made."""

    def __init__(self, folder: Path, workspaces: dict[str, Workspace], seed: Seed) -> None:
        folder.mkdir(parents=True, exist_ok=True)
        self.folder = folder
        self.workspaces = workspaces
        self.seed = seed
        self.partners = {(a, b): workspaces[a].sync.partner_id(NAMES[b]) for a, b in EDGES}
        self.stick: dict[tuple[str, str], list[Path]] = {edge: [] for edge in EDGES}
        self.edits: list[Edit] = []
        self.withdrawals: dict[uuid.UUID, list[date]] = {}
        self.parents: dict[str, str | None] = {}
        self._numbers = itertools.count(1)
        self._day = date(2026, 10, 1)
        self.prison_research = {
            key: held for key, held in self.holdings(P).items() if key[0] in RESEARCH_TABLES
        }
        for site in SITES:
            self.holdings(site)

    # -- exchanging ------------------------------------------------------------------------

    def export(self, sender: str, recipient: str) -> Path:
        target = self.folder / f"{sender}-to-{recipient}-{next(self._numbers)}.ltbundle"
        self.workspaces[sender].sync.export(self.partners[(sender, recipient)], target)
        self.stick[(sender, recipient)].append(target)
        return target

    def take_in(self, recipient: str, bundle: Path) -> ImportResult:
        result = self.workspaces[recipient].sync.import_bundle(bundle)
        self._learn_parents(recipient)
        return result

    def exchange(self, sender: str, recipient: str) -> ImportResult:
        return self.take_in(recipient, self.export(sender, recipient))

    def settle(self) -> int:
        """Exchange along every edge, both ways, until a whole round changes nothing."""
        for round_number in range(1, MAX_ROUNDS + 1):
            changed = False
            for sender, recipient in EDGES:
                summary = self.exchange(sender, recipient).summary
                changed = changed or bool(summary.changes or summary.conflicts)
            if not changed:
                return round_number
        raise AssertionError(f"the sites were still changing after {MAX_ROUNDS} full rounds")

    # -- editing -----------------------------------------------------------------------------

    def edit_person(self, site: str, index: int, *, notes: str | None, name: str | None) -> None:
        person_id = self.seed.university_people[index]
        people = self.workspaces[site].people

        def change() -> None:
            info = people.get_person(person_id)
            people.update_person(
                person_id,
                given_name=name if name is not None else info.given_name,
                family_name=info.family_name,
                base=info.base,
                preferred_name=info.preferred_name,
                email=info.email,
                notes=notes if notes is not None else info.notes,
            )

        self._edited(site, Person, Person.id == person_id, change)

    def retitle_session(self, site: str, index: int, title: str) -> None:
        session_id = self.seed.sessions[index]
        programme = self.workspaces[site].programme

        def change() -> None:
            s = programme.get_session(session_id)
            programme.update_session(
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

        self._edited(site, ClassSession, ClassSession.id == session_id, change)

    def mark(self, site: str, session: int, person: int, status: AttendanceStatus | None) -> None:
        session_id, person_id = self.seed.sessions[session], self.seed.people[person]
        register = self.workspaces[site].register
        self._edited(
            site,
            AttendanceMark,
            (AttendanceMark.session_id == session_id) & (AttendanceMark.person_id == person_id),
            lambda: register.mark(session_id, person_id, None if status is None else Mark(status)),
        )

    def toggle_consent(self, person: int, scope: ConsentScope, days: int) -> None:
        """At the prison: give consent, or withdraw it ``days`` after it was given."""
        person_id = self.seed.people[person]
        consent = self.workspaces[P].consent
        state = {s.scope: s for s in consent.states(person_id)}[scope]
        if state.active:
            self.withdraw(P, person, scope, days)
            return
        self._day += timedelta(days=1)
        consent.record(person_id, scope, given_on=self._day, form_reference=f"CF-{self._day:%j}")
        with self.workspaces[P].store.read() as session:
            record = current_consent(session, person_id, scope)
            assert record is not None
            self._remember(P, "consents", record)

    def withdraw(self, site: str, person: int, scope: ConsentScope, days: int) -> None:
        person_id = self.seed.people[person]
        workspace = self.workspaces[site]
        state = {s.scope: s for s in workspace.consent.states(person_id)}[scope]
        if not state.active:
            return
        assert state.given_on is not None
        on = state.given_on + timedelta(days=days)
        with workspace.store.read() as session:
            record = current_consent(session, person_id, scope)
            assert record is not None
            consent_id = record.id
        workspace.consent.withdraw(person_id, scope, on=on)
        self.withdrawals.setdefault(consent_id, []).append(on)
        with workspace.store.read() as session:
            changed = session.get(Consent, consent_id)
            assert changed is not None
            self._remember(site, "consents", changed)

    def correct_form(self, index: int, scope: ConsentScope, reference: str) -> None:
        """At the university: the coordinator corrects a form reference on its own
        participant's consent (there is no screen for it; the record is changed as one
        would be)."""
        person_id = self.seed.university_people[index]
        store = self.workspaces[U].store
        with store.write() as session:
            record = current_consent(session, person_id, scope)
            if record is None or record.form_reference == reference:
                return
            record.form_reference = reference
        with store.read() as session:
            changed = session.get(Consent, record.id)
            assert changed is not None
            self._remember(U, "consents", changed)

    def _edited(
        self, site: str, model: type[SyncedRecord], where: Any, change: Callable[[], object]
    ) -> None:
        store = self.workspaces[site].store
        query = select(model).where(where).execution_options(**{INCLUDE_DELETED: True})
        with store.read() as session:
            before = session.scalars(query).first()
            before_version = None if before is None else before.version
        change()
        with store.read() as session:
            after = session.scalars(query).first()
            if after is not None and after.version != before_version:
                self._remember(site, model.__tablename__, after)

    def _remember(self, site: str, table: str, record: SyncedRecord) -> None:
        line = json.loads(encode(record))
        self.parents[record.version] = record.previous_version
        self.edits.append(Edit(site, _key(table, line), record.version))

    # -- reading -------------------------------------------------------------------------------

    def holdings(self, site: str) -> dict[KeyOf, Held]:
        """Every synced record the site holds, tombstones included, as it travels."""
        held: dict[KeyOf, Held] = {}
        with self.workspaces[site].store.read() as session:
            for table, model in synced_models().items():
                query = select(model).execution_options(**{INCLUDE_DELETED: True})
                for record in session.scalars(query):
                    line = json.loads(encode(record))
                    self.parents.setdefault(record.version, record.previous_version)
                    redacted = model in REDACTED_FIELDS and _is_redacted(record)
                    held[_key(table, line)] = Held(line, redacted)
            self._learn_from_conflicts(session)
        return held

    def _learn_parents(self, site: str) -> None:
        """What each consent version the site holds was made on. An import makes a
        version of its own only for a consent (a withdrawal kept on a clash's winner),
        and a later version may replace it everywhere before the sites are compared."""
        query = select(Consent.version, Consent.previous_version).execution_options(
            **{INCLUDE_DELETED: True}
        )
        with self.workspaces[site].store.read() as session:
            for version, previous in session.execute(query):
                self.parents.setdefault(version, previous)

    def _learn_from_conflicts(self, session: Session) -> None:
        # A losing version kept whole (it was this site's) says what it was made on.
        for conflict in session.scalars(select(SyncConflict)):
            try:
                lost = json.loads(conflict.lost_values)
            except ValueError:
                continue
            if isinstance(lost, dict) and "v" in lost and "pv" in lost:
                self.parents.setdefault(lost["v"], lost["pv"])

    def lineage(self, version: str) -> set[str]:
        """The version and every version it was made on top of, as far as known."""
        seen: set[str] = set()
        current: str | None = version
        while current is not None and current not in seen:
            seen.add(current)
            current = self.parents.get(current)
        return seen

    # -- what must hold once the sites have settled ---------------------------------------------

    def problems(self) -> list[str]:
        held = {site: self.holdings(site) for site in SITES}
        found: list[str] = []
        found += _differences(held, P, L, SHARED_BY_PRISON_SITES - RESEARCH_TABLES)
        found += _differences(held, P, U, SENT_TO_UNIVERSITY - RESEARCH_TABLES)
        found += self._research_problems(held)
        found += self._lost_edits(held)
        found += self._lost_withdrawals(held)
        found += self._false_conflicts()
        return found

    def _research_problems(self, held: dict[str, dict[KeyOf, Held]]) -> list[str]:
        found = []
        prison = {key: h for key, h in held[P].items() if key[0] in RESEARCH_TABLES}
        for key, before in self.prison_research.items():
            now = prison.get(key)
            # Its values and its place in the store, whatever version a fix may give it.
            if now is None or (now.line["f"], now.line["x"]) != (before.line["f"], None):
                found.append(
                    f"P no longer holds its own {_name(key)} as it was: "
                    f"{_brief(before)} became {_brief(prison.get(key))}"
                )
        stories = {
            h.line["id"]: h.line["f"]["person_id"] for k, h in prison.items() if k[0] == "stories"
        }
        standing = self._consent_standing()
        for site, needs in RESEARCH_NEEDS.items():
            copies = {key: h for key, h in held[site].items() if key[0] in RESEARCH_TABLES}
            for key in copies.keys() - prison.keys():
                found.append(f"{site} holds {_name(key)}, which P never made")
            for key, original in prison.items():
                person = (
                    original.line["f"].get("person_id") or stories[original.line["f"]["story_id"]]
                )
                allowed = all(standing[person][scope] for scope in needs)
                copy = copies.get(key)
                if allowed and (copy is None or copy.line != original.line):
                    found.append(
                        f"{site} should hold {_name(key)} as P sends it (consent covers it): "
                        f"P has {_brief(original)}, {site} has {_brief(copy)}"
                    )
                if not allowed and copy is not None and not copy.redacted:
                    found.append(
                        f"{site} holds {_name(key)} in the clear although consent no longer "
                        f"covers it: {_brief(copy)}"
                    )
        return found

    def _consent_standing(self) -> dict[str, dict[ConsentScope, bool]]:
        consent = self.workspaces[P].consent
        return {
            person_id.hex: {s.scope: s.active for s in consent.states(person_id)}
            for person_id in self.seed.people
        }

    def _lost_edits(self, held: dict[str, dict[KeyOf, Held]]) -> list[str]:
        found = []
        listed: dict[str, set[str]] = {
            site: set().union(
                *(
                    self.lineage(c.lost_version)
                    for c in self.workspaces[site].sync.conflicts(include_reviewed=True)
                )
            )
            for site in SITES
        }
        for edit in self.edits:
            now = held[edit.site].get(edit.key)
            kept = self.lineage(now.version) if now is not None else set()
            if edit.version not in kept | listed[edit.site]:
                found.append(
                    f"{edit.site}'s change to {_name(edit.key)} (version {edit.version}) was "
                    f"lost without a conflict listed there; it now holds {_brief(now)}"
                )
        return found

    def _lost_withdrawals(self, held: dict[str, dict[KeyOf, Held]]) -> list[str]:
        found = []
        for consent_id, dates in self.withdrawals.items():
            earliest = min(dates).isoformat()
            for site in SITES:
                copy = held[site].get(("consents", consent_id.hex))
                withdrawn = None if copy is None else copy.line["f"]["withdrawn_on"]
                if withdrawn != earliest:
                    found.append(
                        f"{site} holds consent {consent_id.hex[:8]} as withdrawn on {withdrawn}; "
                        f"it was withdrawn on {', '.join(sorted(map(str, dates)))}"
                    )
        return found

    def _false_conflicts(self) -> list[str]:
        found = []
        for site in SITES:
            for c in self.workspaces[site].sync.conflicts(include_reviewed=True):
                if c.lost_version in self.lineage(c.kept_version) or c.kept_version in (
                    self.lineage(c.lost_version)
                ):
                    found.append(
                        f"{site} lists {c.table} {c.record_id.hex[:8]} as changed at both "
                        f"sites, but one version was made on top of the other "
                        f"(kept {c.kept_version}, lost {c.lost_version})"
                    )
        return found


def _is_redacted(record: SyncedRecord) -> bool:
    blanks = REDACTED_FIELDS[type(record)]
    return record.deleted_at is not None and all(
        getattr(record, name) == value for name, value in blanks.items()
    )


def _differences(
    held: dict[str, dict[KeyOf, Held]], a: str, b: str, tables: frozenset[str]
) -> list[str]:
    found = []
    ours = {key: h for key, h in held[a].items() if key[0] in tables}
    theirs = {key: h for key, h in held[b].items() if key[0] in tables}
    for key in sorted(ours.keys() | theirs.keys()):
        mine, other = ours.get(key), theirs.get(key)
        if mine is None or other is None or mine.line != other.line:
            found.append(f"{a} and {b} differ on {_name(key)}: {_brief(mine)} / {_brief(other)}")
    return found


def _name(key: KeyOf) -> str:
    table, ident = key
    return f"{table} {ident[:8]}" if "/" not in ident else f"{table} {ident[:6]}/{ident[33:39]}"


def _brief(held: Held | None) -> str:
    if held is None:
        return "nothing"
    line = held.line
    fields = {k: v for k, v in line["f"].items() if not k.endswith("_id") and v not in ("", None)}
    gone = ", deleted" if line["x"] else ""
    return f"v {line['v'][:17]}{gone} {json.dumps(fields, ensure_ascii=False)[:160]}"


# -- programmes of steps ------------------------------------------------------------------------


@dataclass(frozen=True)
class Step:
    def apply(self, world: World) -> None:
        raise NotImplementedError


@dataclass(frozen=True)
class EditPerson(Step):
    site: str
    person: int
    notes: bool
    value: str

    def apply(self, world: World) -> None:
        if self.notes:
            world.edit_person(self.site, self.person, notes=self.value, name=None)
        else:
            world.edit_person(self.site, self.person, notes=None, name=self.value)


@dataclass(frozen=True)
class RetitleSession(Step):
    site: str
    session: int
    title: str

    def apply(self, world: World) -> None:
        world.retitle_session(self.site, self.session, self.title)


@dataclass(frozen=True)
class TakeMark(Step):
    site: str
    session: int
    person: int
    status: AttendanceStatus | None

    def apply(self, world: World) -> None:
        world.mark(self.site, self.session, self.person, self.status)


@dataclass(frozen=True)
class ToggleConsent(Step):
    person: int
    scope: ConsentScope
    days: int

    def apply(self, world: World) -> None:
        world.toggle_consent(self.person, self.scope, self.days)


@dataclass(frozen=True)
class Withdraw(Step):
    site: str
    person: int
    scope: ConsentScope
    days: int

    def apply(self, world: World) -> None:
        world.withdraw(self.site, self.person, self.scope, self.days)


@dataclass(frozen=True)
class CorrectForm(Step):
    person: int
    scope: ConsentScope
    reference: str

    def apply(self, world: World) -> None:
        world.correct_form(self.person, self.scope, self.reference)


@dataclass(frozen=True)
class Export(Step):
    """A bundle is written and carried, but not yet taken in."""

    edge: tuple[str, str]

    def apply(self, world: World) -> None:
        world.export(*self.edge)


@dataclass(frozen=True)
class Deliver(Step):
    """One of the bundles written along an edge is taken in: perhaps late, perhaps again."""

    edge: tuple[str, str]
    pick: int

    def apply(self, world: World) -> None:
        written = world.stick[self.edge]
        if written:
            world.take_in(self.edge[1], written[self.pick % len(written)])


@dataclass(frozen=True)
class Exchange(Step):
    edge: tuple[str, str]

    def apply(self, world: World) -> None:
        world.exchange(*self.edge)


_any_site = st.sampled_from(SITES)
_prison_site = st.sampled_from((P, L))
_edge = st.sampled_from(EDGES)
_research_scope = st.sampled_from((ConsentScope.STORIES, ConsentScope.SHARE_WITH_UNIVERSITY))
_status = st.sampled_from(
    (
        AttendanceStatus.PRESENT,
        AttendanceStatus.LATE,
        AttendanceStatus.ABSENT,
        AttendanceStatus.EXCUSED,
        None,
    )
)

_exchanges = st.one_of(
    st.builds(Export, _edge),
    st.builds(Deliver, _edge, st.integers(0, 3)),
    st.builds(Exchange, _edge),
)

steps = st.one_of(
    st.builds(
        EditPerson,
        _any_site,
        st.integers(0, 2),
        st.booleans(),
        st.sampled_from(("Ana", "Bea", "Cal")),
    ),
    st.builds(
        RetitleSession, _any_site, st.integers(0, 3), st.sampled_from(("Power", "Harm", "Hope"))
    ),
    st.builds(TakeMark, _prison_site, st.integers(0, 3), st.integers(0, 5), _status),
    st.builds(ToggleConsent, st.integers(0, 5), _research_scope, st.integers(0, 20)),
    st.builds(Withdraw, st.just(L), st.integers(0, 5), _research_scope, st.integers(0, 20)),
    st.builds(CorrectForm, st.integers(0, 2), _research_scope, st.sampled_from(("CF-1", "CF-2"))),
    _exchanges,
)


# Each example replays a programme on three real stores; shrinking would replay
# hundreds more, so a failing programme is reported as found, step by step.
@pytest.mark.long
@settings(max_examples=12, deadline=None, phases=(Phase.explicit, Phase.reuse, Phase.generate))
@given(programme=st.lists(steps, min_size=1, max_size=7))
def test_any_programme_of_edits_and_exchanges_converges(
    template: Template, programme: list[Step]
) -> None:
    with world_from(template) as world:
        for step in programme:
            note(repr(step))
            step.apply(world)
        rounds = world.settle()
        note(f"settled in {rounds} rounds")
        problems = world.problems()
        assert not problems, "\n".join(problems)


#: Changes racing each other on two interview consents (one person of each base).
racing_consents = st.one_of(
    st.builds(
        Withdraw,
        st.sampled_from((P, L)),
        st.sampled_from((0, 3)),
        st.just(ConsentScope.INTERVIEW),
        st.integers(0, 20),
    ),
    st.builds(
        CorrectForm, st.just(0), st.just(ConsentScope.INTERVIEW), st.sampled_from(("A", "B"))
    ),
    _exchanges,
)


@pytest.mark.long
@settings(max_examples=8, deadline=None, phases=(Phase.explicit, Phase.reuse, Phase.generate))
@given(programme=st.lists(racing_consents, min_size=2, max_size=8))
@example(  # a clash's kept withdrawal once replaced the university's own correction
    programme=[
        Deliver((P, L), 3),
        Export((P, U)),
        Withdraw(L, 3, ConsentScope.INTERVIEW, 3),
        Deliver((L, P), 0),
        Withdraw(P, 3, ConsentScope.INTERVIEW, 16),
        Exchange((P, L)),
        CorrectForm(0, ConsentScope.INTERVIEW, "B"),
        Withdraw(L, 3, ConsentScope.INTERVIEW, 10),
    ]
)
def test_a_withdrawal_is_never_lost_whatever_races_it(
    template: Template, programme: list[Step]
) -> None:
    with world_from(template) as world:
        for step in programme:
            note(repr(step))
            step.apply(world)
        world.settle()
        problems = world.problems()
        assert not problems, "\n".join(problems)


# -- many rounds ------------------------------------------------------------------------------


def test_thirty_rounds_of_small_edits_neither_grow_nor_drift(template: Template) -> None:
    """Each record is changed at one site only, and every change reaches every site
    before the next change to it: nothing should clash, and what each bundle carries
    should not grow with the number of exchanges."""
    with world_from(template) as world:
        at_start = {site: world.holdings(site) for site in SITES}
        carried: list[tuple[int, int]] = []  # records and bytes per bundle
        for n in range(30):
            match n % 3:
                case 0:
                    world.edit_person(U, (n // 3) % 3, notes=f"round {n}", name=None)
                case 1:
                    status = (AttendanceStatus.LATE, AttendanceStatus.EXCUSED)[(n // 6) % 2]
                    world.mark(L, (n // 3) % 2, (n // 6) % 6, status)
                case _:
                    world.retitle_session(P, (n // 3) % 4, f"Session title of round {n}")
            sender, recipient = EDGES[n % 4]
            bundle = world.export(sender, recipient)
            taken = world.take_in(recipient, bundle)
            assert not taken.summary.conflicts, taken.describe()
            assert not taken.summary.missing_links, taken.describe()
            carried.append((taken.summary.records, bundle.stat().st_size))
        assert world.settle() <= 3
        problems = world.problems()
        assert not problems, "\n".join(problems)

        first, last = carried[:15], carried[15:]
        assert max(r for r, _ in last) <= max(r for r, _ in first), carried
        assert max(size for _, size in last) <= max(size for _, size in first) * 1.1, carried
        assert max(r for r, _ in carried) <= 6, carried
        edited = {edit.key for edit in world.edits}
        for site in SITES:
            now = world.holdings(site)
            assert now.keys() == at_start[site].keys(), site
            drifted = [
                _name(key)
                for key, held in at_start[site].items()
                if key not in edited and now[key] != held
            ]
            assert not drifted, f"{site}: records nobody changed have changed: {drifted}"
            assert world.workspaces[site].sync.conflicts(include_reviewed=True) == []


# -- each problem the programmes above find, on its own ------------------------------------------


def test_both_prison_sites_taking_the_same_register_converge(template: Template) -> None:
    """The facilitator takes the week-3 register on the laptop while the education
    department enters the paper copy: both make the first mark for the same person."""
    with world_from(template) as world:
        session, person = 2, 0
        world.mark(P, session, person, AttendanceStatus.PRESENT)
        world.mark(L, session, person, AttendanceStatus.LATE)
        world.settle()
        problems = world.problems()
        assert not problems, "\n".join(problems)
        marks = {
            site: [
                line.mark
                for line in world.workspaces[site].register.register(world.seed.sessions[2]).lines
                if line.person_id == world.seed.people[person]
            ]
            for site in (P, L)
        }
        assert marks[P] == marks[L] and len(marks[P]) == 1, marks


def test_a_withdrawal_leaves_the_prisons_own_stories_whole(template: Template) -> None:
    """Withdrawal stops research data leaving the prison; it does not destroy the
    prison's own records, whichever partner the news comes back from."""
    with world_from(template) as world:
        world.withdraw(P, 0, ConsentScope.STORIES, 10)
        world.settle()
        problems = world.problems()
        assert not problems, "\n".join(problems)
        person_id = world.seed.people[0]
        with world.workspaces[P].store.read() as session:
            stories = session.scalars(
                select(Story)
                .where(Story.person_id == person_id)
                .execution_options(**{INCLUDE_DELETED: True})
            ).all()
            assert stories and all(s.text and s.deleted_at is None for s in stories)


def test_stories_reach_the_university_once_sharing_is_agreed(template: Template) -> None:
    """Someone agrees to share with the university after their stories were written:
    from then on the university should hold them, as a full export would give them."""
    with world_from(template) as world:
        person = 2  # consented to stories, not yet to sharing them with the university
        world.toggle_consent(person, ConsentScope.SHARE_WITH_UNIVERSITY, 0)
        world.settle()
        problems = world.problems()
        assert not problems, "\n".join(problems)
        with world.workspaces[U].store.read() as session:
            held = session.scalars(
                select(Story).where(Story.person_id == world.seed.people[person])
            ).all()
        assert held, "the university holds none of the stories it may now hold"


def test_stories_return_when_consent_is_given_again(template: Template) -> None:
    """Consent withdrawn and later given again: the laptop and the university end up
    as a full export would leave them, not with a blanked copy under the same version."""
    with world_from(template) as world:
        world.withdraw(P, 3, ConsentScope.STORIES, 5)
        world.settle()
        world.toggle_consent(3, ConsentScope.STORIES, 0)
        world.settle()
        problems = world.problems()
        assert not problems, "\n".join(problems)


def test_an_edit_made_twice_at_one_site_is_not_a_conflict(template: Template) -> None:
    """Nobody else touched the record: there is nothing for an administrator to review,
    whether the partner receives both edits at once or the edits arrive by way of P."""
    with world_from(template) as world:
        world.edit_person(U, 0, notes="Prefers the front row", name=None)
        world.edit_person(U, 0, notes="Prefers the front row; large print", name=None)
        world.exchange(U, P)
        world.retitle_session(P, 1, "Punishment")
        world.exchange(P, U)
        world.retitle_session(U, 1, "Punishment and society")
        world.settle()
        problems = world.problems()
        assert not problems, "\n".join(problems)
        for site in SITES:
            assert world.workspaces[site].sync.conflicts(include_reviewed=True) == [], site


def test_a_consent_entered_at_both_prison_sites_is_withdrawn_everywhere(
    template: Template,
) -> None:
    """The same paper form is typed in at the education PC and on the laptop; when the
    participant withdraws, nothing of theirs may leave the prison any more."""
    with world_from(template) as world:
        person = 4
        person_id = world.seed.people[person]
        world.withdraw(P, person, ConsentScope.STORIES, 1)
        world.settle()
        again = date(2026, 10, 20)
        for site in (P, L):
            world.workspaces[site].consent.record(person_id, ConsentScope.STORIES, given_on=again)
        world.workspaces[P].stories.save(
            world.seed.sessions[2], person_id, text="Week three, consented again.", answers={}
        )
        world.settle()
        world.withdraw(P, person, ConsentScope.STORIES, 3)
        state = {s.scope: s for s in world.workspaces[P].consent.states(person_id)}
        assert not state[ConsentScope.STORIES].active  # the screen says: withdrawn
        world.settle()
        for site in (L, U):
            with world.workspaces[site].store.read() as session:
                in_clear = session.scalars(
                    select(Story).where(Story.person_id == person_id, Story.text != "")
                ).all()
            assert not in_clear, f"{site} still holds stories of a person who withdrew"
