"""Two prisons, their university and a classroom laptop, editing and exchanging in any
order, end up agreeing, with nothing lost and no conflict listed without a clash.

HMP Northfield's education PC (A) runs one cohort and has set up a classroom laptop
(L) for it; HMP Southgate (B) runs another; the University of Eastbridge (U) is paired
with both prisons. They are real encrypted stores on disk, exchanging real bundles. A
state machine makes random edits at random sites (register marks at a prison or on
the laptop, a person's name, a cohort's fields), carries bundles along the paired
edges in any order (late, twice, or an old one again), transfers a learner from
Northfield to Southgate, who takes them on, merges two records of one person, and
settles conflicts by choosing a version. After everything is exchanged until quiet:

- every record a site may send its partner is held by the partner exactly as sent, so
  two sites that share a record hold the same value;
- every edit made is part of what some site holds (the winning version was made on
  top of it), or is the losing version of a conflict listed somewhere;
- every conflict listed is a real clash: neither version was made on top of the other,
  each side holds a change made at a different site, and no clash is listed twice.
"""

from __future__ import annotations

import itertools
import json
import shutil
import tempfile
import time
import uuid
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, Phase, note, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    precondition,
    rule,
    run_state_machine_as_test,
)
from sqlalchemy import select

from lt_desktop.core.services.laptops import read_kit, set_up_laptop
from lt_desktop.core.services.register import Mark
from lt_desktop.core.sign_in import sign_in
from lt_desktop.core.workspace import Workspace
from lt_desktop.domain.errors import LtError, ValidationError
from lt_desktop.domain.vocabulary import (
    AttendanceStatus,
    ConsentScope,
    MembershipRole,
    PersonBase,
    SiteKind,
)
from lt_desktop.storage.ancestry import parse
from lt_desktop.storage.database import INCLUDE_DELETED
from lt_desktop.storage.models import (
    Consent,
    Membership,
    MembershipStatusChange,
    Person,
    SyncConflict,
)
from lt_desktop.sync.bundle import open_bundle
from lt_desktop.sync.pairing import _known_sender, identity
from lt_desktop.sync.records import Incoming, decode_lines, encode, encode_incoming, synced_models
from tests.helpers.sites import (
    UNIVERSITY_ADMIN,
    UNIVERSITY_PASSWORD,
    Site,
    copy_site,
    new_site,
    pair,
)

A, B, U, L = "A", "B", "U", "L"
SITES = (A, B, U, L)
NAMES = {
    A: "HMP Northfield",
    B: "HMP Southgate",
    U: "University of Eastbridge",
    L: "Northfield laptop",
}
#: Every paired edge, both ways, in the order a settling round walks them.
EDGES = ((A, U), (U, A), (B, U), (U, B), (A, L), (L, A))
PRISON_ADMIN, PRISON_PASSWORD = "education", "education password"
LAPTOP_USER, LAPTOP_PASSWORD = "amina", "laptop password 1"
MAX_ROUNDS = 8

Key = tuple[str, str]  # (table, record id or natural key)
Line = dict[str, Any]


# -- the four sites, made once ------------------------------------------------------------


@dataclass(frozen=True)
class Seed:
    #: Northfield's cohort: Amir, Ben (prison), Dana (university), and a second
    #: record of Amir entered by mistake.
    north_people: tuple[uuid.UUID, ...]
    north_sessions: tuple[uuid.UUID, ...]
    north_cohort: uuid.UUID
    #: Southgate's cohort: Cara (prison), Eli (university).
    south_people: tuple[uuid.UUID, ...]
    south_sessions: tuple[uuid.UUID, ...]
    south_cohort: uuid.UUID

    @property
    def amir(self) -> uuid.UUID:
        return self.north_people[0]

    @property
    def amir_again(self) -> uuid.UUID:
        return self.north_people[3]


class Template:
    """The four seeded sites, copied for each run of the machine."""

    def __init__(self, sites: dict[str, Site], seed: Seed) -> None:
        self.sites = sites
        self.seed = seed

    def __repr__(self) -> str:  # keeps a failing run's report short
        return "Template(A, B, U, L)"


def _cohort(
    workspace: Workspace, partnership: str, starts: date, people: list[tuple[str, str, PersonBase]]
) -> tuple[uuid.UUID, tuple[uuid.UUID, ...], tuple[uuid.UUID, ...]]:
    programme = workspace.programme
    made = programme.add_partnership(
        name=partnership, prison_name=workspace.store.site.name, university_name=NAMES[U]
    )
    course = programme.add_course(partnership_id=made.id, title="Crime, Justice and Society")
    cohort = programme.add_cohort(
        course_id=course.id,
        name=f"{starts:%B %Y}",
        starts_on=starts,
        ends_on=starts + timedelta(weeks=12),
    )
    ids = []
    for given_name, family_name, base in people:
        person = workspace.people.add_person(
            given_name=given_name, family_name=family_name, base=base
        )
        workspace.memberships.enrol(cohort.id, person.id, role=MembershipRole.STUDENT, on=starts)
        ids.append(person.id)
    sessions = tuple(
        programme.add_session(
            cohort_id=cohort.id,
            week=week,
            held_on=starts + timedelta(weeks=week - 1),
            title=f"Week {week}",
        ).id
        for week in range(1, 4)
    )
    workspace.register.mark_everyone_present(sessions[0])
    return cohort.id, tuple(ids), sessions


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> Template:
    root = tmp_path_factory.mktemp("network")
    north = new_site(root / A, NAMES[A], SiteKind.PRISON, PRISON_ADMIN, PRISON_PASSWORD)
    south = new_site(root / B, NAMES[B], SiteKind.PRISON, PRISON_ADMIN, PRISON_PASSWORD)
    university = new_site(
        root / U, NAMES[U], SiteKind.UNIVERSITY, UNIVERSITY_ADMIN, UNIVERSITY_PASSWORD
    )
    with north.open() as workspace:
        north_cohort, north_people, north_sessions = _cohort(
            workspace,
            "Northfield and Eastbridge Learning Together",
            date(2026, 9, 7),
            [
                ("Amir", "Okafor", PersonBase.PRISON),
                ("Ben", "Price", PersonBase.PRISON),
                ("Dana", "Shaw", PersonBase.UNIVERSITY),
                ("Amir", "Okafor", PersonBase.PRISON),
            ],
        )
        stick = root / "stick"
        stick.mkdir()
        made = workspace.laptops.create(NAMES[L], [north_cohort], stick)
    set_up_laptop(
        root / L,
        read_kit(made.kit, made.passphrase),
        username=LAPTOP_USER,
        display_name="Amina Yusuf",
        password=LAPTOP_PASSWORD,
    )
    laptop = Site(NAMES[L], root / L, LAPTOP_USER, LAPTOP_PASSWORD)
    with south.open() as workspace:
        south_cohort, south_people, south_sessions = _cohort(
            workspace,
            "Southgate and Eastbridge Learning Together",
            date(2026, 9, 14),
            [("Cara", "Mills", PersonBase.PRISON), ("Eli", "Nash", PersonBase.UNIVERSITY)],
        )
        (own,) = workspace.programme.list_partnerships()
    pair(north, university)
    # Southgate takes learners on from Northfield, whose partnership it then holds too:
    # its pairing names its own.
    pair(south, university, partnership_id=own.id)
    sites = {A: north, B: south, U: university, L: laptop}
    seed = Seed(
        north_people, north_sessions, north_cohort, south_people, south_sessions, south_cohort
    )
    with Network(root / "bundles", sites, seed) as network:
        network.settle()
        assert not network.problems()
    return Template(sites, seed)


# -- the sites, signed in, and what has been done to them -----------------------------------


@dataclass(frozen=True)
class Edit:
    site: str
    table: str
    record_id: str
    key: Key
    version: str


def _key(table: str, line: Line) -> Key:
    # A register mark is one person at one session, whichever site made the row.
    if table == "attendance":
        return table, f"{line['f']['session_id']}/{line['f']['person_id']}"
    return table, str(line["id"])


def _site_of(version: str) -> str:
    return version.rsplit(".", 1)[-1]


class Network:
    """The four sites, signed in, the bundles each has written, and every change made."""

    def __init__(self, folder: Path, sites: dict[str, Site], seed: Seed) -> None:
        folder.mkdir(parents=True, exist_ok=True)
        self.folder = folder
        self.sites = sites
        self.seed = seed
        self._stack = ExitStack()
        self.workspaces: dict[str, Workspace] = {}
        self.stick: dict[tuple[str, str], list[Path]] = {edge: [] for edge in EDGES}
        self.edits: list[Edit] = []
        #: version -> its ancestry, for every version any site was seen to hold.
        self.ancestry: dict[str, dict[str, str]] = {}
        #: Records removed by a merge of two people: their edits are the merge's to drop.
        self.merged_away: set[uuid.UUID] = set()
        self.transferred: set[uuid.UUID] = set()
        self.taken_on: set[uuid.UUID] = set()
        self._numbers = itertools.count(1)
        self.held: dict[str, dict[tuple[str, str], Line]] = {}
        #: Each conflict's version not kept, as it travelled.
        self.lost_lines: dict[uuid.UUID, Line] = {}

    def __enter__(self) -> Network:
        for name, site in self.sites.items():
            self.workspaces[name] = self._stack.enter_context(
                sign_in(site.folder, site.username, site.password)
            )
        self.partners = {(a, b): self.workspaces[a].sync.partner_id(NAMES[b]) for a, b in EDGES}
        return self

    def __exit__(self, *exc: object) -> None:
        self._stack.close()

    # -- exchanging ---------------------------------------------------------------------

    def export(self, sender: str, recipient: str) -> Path:
        target = self.folder / f"{sender}-to-{recipient}-{next(self._numbers)}.ltbundle"
        self.workspaces[sender].sync.export(self.partners[(sender, recipient)], target)
        self.stick[(sender, recipient)].append(target)
        return target

    def take_in(self, recipient: str, bundle: Path) -> bool:
        """Whether taking the bundle in changed anything."""
        summary = self.workspaces[recipient].sync.import_bundle(bundle).summary
        return bool(summary.changes or summary.conflicts)

    def exchange(self, sender: str, recipient: str) -> bool:
        return self.take_in(recipient, self.export(sender, recipient))

    def settle(self) -> int:
        """Exchange along every edge, both ways, until a whole round changes nothing."""
        for round_number in range(1, MAX_ROUNDS + 1):
            changed = False
            for sender, recipient in EDGES:
                changed = self.exchange(sender, recipient) or changed
            if not changed:
                return round_number
        raise AssertionError(f"the sites were still changing after {MAX_ROUNDS} full rounds")

    # -- changing, and remembering what changed --------------------------------------------

    def versions(self, site: str) -> dict[tuple[str, str], Line]:
        """Every synced record the site holds, tombstones too, by (table, id)."""
        held: dict[tuple[str, str], Line] = {}
        with self.workspaces[site].store.read() as session:
            for table, model in synced_models().items():
                query = select(model).execution_options(**{INCLUDE_DELETED: True})
                for record in session.scalars(query):
                    line = json.loads(encode(record))
                    self.ancestry.setdefault(line["v"], parse(line["a"], line["v"], line["pv"]))
                    held[(table, line["id"])] = line
        return held

    def change(self, site: str, action: Any) -> Any:
        """Run ``action`` at ``site`` and remember every record it made a version of there."""
        before = {k: line["v"] for k, line in self.versions(site).items()}
        try:
            result = action(self.workspaces[site])
        except LtError as refused:  # the product refused it, as it would a person
            note(f"  refused at {site}: {refused}")
            return None
        time.sleep(0.002)  # the next change anywhere is later by the clock
        for (table, record_id), line in self.versions(site).items():
            if before.get((table, record_id)) != line["v"]:
                self.edits.append(Edit(site, table, record_id, _key(table, line), line["v"]))
        return result

    # -- reading -------------------------------------------------------------------------

    def snapshot_lines(self, sender: str, recipient: str) -> dict[Key, Line]:
        """Everything ``sender`` may send ``recipient``, as a snapshot carries it."""
        target = self.folder / f"snapshot-{sender}-to-{recipient}-{next(self._numbers)}.ltbundle"
        self.workspaces[sender].sync.export(
            self.partners[(sender, recipient)], target, snapshot=True
        )
        workspace = self.workspaces[recipient]
        with workspace.store.read() as session:
            opened = open_bundle(
                target,
                me=identity(session, workspace.store),
                sender_keys=lambda site_id: _known_sender(session, site_id),
                max_plaintext_bytes=1 << 30,
            )
            lines = {}
            for line in decode_lines(opened.chunks()):
                if isinstance(line, Incoming):
                    decoded = json.loads(encode_incoming(line))
                    lines[_key(line.table, decoded)] = decoded
        target.unlink()
        return lines

    # -- what must hold once the sites have settled ------------------------------------------

    def problems(self) -> list[str]:
        held = self.held = {site: self.versions(site) for site in SITES}
        conflicts = {
            site: self.workspaces[site].sync.conflicts(include_reviewed=True) for site in SITES
        }
        self.lost_lines = {}
        for site in SITES:
            with self.workspaces[site].store.read() as session:
                for row in session.scalars(select(SyncConflict)):
                    line = json.loads(row.lost_values)
                    self.lost_lines[row.id] = line if isinstance(line, dict) else {}
        for site_conflicts in conflicts.values():
            for c in site_conflicts:
                lost = self.lost_lines[c.id]
                if isinstance(lost, dict) and {"v", "a"} <= lost.keys():
                    pv = lost.get("pv")
                    self.ancestry.setdefault(
                        str(lost["v"]), parse(str(lost["a"]), str(lost["v"]), pv and str(pv))
                    )
        found: list[str] = []
        found += self._differences(held)
        found += self._lost_edits(held, conflicts)
        found += self._false_conflicts(conflicts)
        return found

    def _differences(self, held: dict[str, dict[tuple[str, str], Line]]) -> list[str]:
        found = []
        by_key = {
            site: {_key(table, line): line for (table, _), line in records.items()}
            for site, records in held.items()
        }
        for sender, recipient in EDGES:
            for key, sent in sorted(self.snapshot_lines(sender, recipient).items()):
                there = by_key[recipient].get(key)
                if there != sent:
                    found.append(
                        f"{recipient} does not hold {_name(key)} as {sender} sends it: "
                        f"{sender} sends {_brief(sent)}, {recipient} has {_brief(there)}"
                    )
        return found

    def _origin(self, table: str, record_id: uuid.UUID) -> str | None:
        for site in SITES:
            line = self.held.get(site, {}).get((table, record_id.hex))
            if line is not None:
                return str(line["o"])
        return None

    def _covers(self, version: str, edit: str) -> bool:
        """Whether ``version`` was made on top of ``edit`` (or is it)."""
        history = self.ancestry.get(version, {_site_of(version): version})
        return history.get(_site_of(edit), "") >= edit

    def _lost_edits(
        self, held: dict[str, dict[tuple[str, str], Line]], conflicts: dict[str, list[Any]]
    ) -> list[str]:
        found = []
        standing: dict[Key, list[str]] = {}
        for records in held.values():
            for (table, record_id), line in records.items():
                standing.setdefault((table, record_id), []).append(line["v"])
                standing.setdefault(_key(table, line), []).append(line["v"])
        losing: dict[Key, list[str]] = {}
        for listed in conflicts.values():
            for c in listed:
                lost_line = self.lost_lines[c.id]
                keys = {(c.table, c.record_id.hex), (c.table, str(lost_line.get("id")))}
                if isinstance(lost_line.get("f"), dict):
                    keys.add(_key(c.table, lost_line))
                for key in keys:
                    losing.setdefault(key, []).append(c.lost_version)
        for edit in self.edits:
            if edit.table == "people" and uuid.UUID(edit.record_id) in self.merged_away:
                continue  # the merge keeps the other record's name and details
            candidates = standing.get((edit.table, edit.record_id), []) + standing.get(edit.key, [])
            candidates += losing.get((edit.table, edit.record_id), [])
            candidates += losing.get(edit.key, [])
            if any(self._covers(v, edit.version) for v in candidates):
                continue
            found.append(
                f"{edit.site}'s change to {_name(edit.key)} (version {edit.version}) is held "
                f"nowhere and listed as lost nowhere; the sites hold {sorted(set(candidates))}"
            )
        return found

    def _false_conflicts(self, conflicts: dict[str, list[Any]]) -> list[str]:
        found = []
        made_at = {edit.version: edit.site for edit in self.edits}
        for site, listed in conflicts.items():
            clashes = set()
            for c in listed:
                kept, lost = c.kept_version, c.lost_version
                what = f"{site} lists {c.table} {c.record_id.hex[:8]} ({c.title})"
                lost_line = self.lost_lines[c.id]
                if str(lost_line.get("id", c.record_id.hex)) != c.record_id.hex:
                    # Two records of one thing met: made at two sites, or brought together
                    # when two records of one person were merged.
                    if lost_line.get("o") == self._origin(c.table, c.record_id) and not (
                        self.merged_away
                    ):
                        found.append(f"{what}: both records were made at one site")
                elif self._covers(kept, lost) or self._covers(lost, kept):
                    found.append(f"{what}, but one version was made on top of the other")
                else:
                    kept_only = {v for v in made_at if self._covers(kept, v)}
                    lost_only = {v for v in made_at if self._covers(lost, v)}
                    kept_only, lost_only = kept_only - lost_only, lost_only - kept_only
                    sides = ({made_at[v] for v in kept_only}, {made_at[v] for v in lost_only})
                    if not sides[0] or not sides[1] or (len(sides[0] | sides[1]) == 1):
                        found.append(
                            f"{what}: no changes made at two different sites are behind it "
                            f"(kept: {sorted(sides[0])}, lost: {sorted(sides[1])})"
                        )
                clash = (c.table, c.record_id, frozenset((kept, lost)))
                if clash in clashes:
                    found.append(f"{what} twice")
                clashes.add(clash)
        return found


def _name(key: Key) -> str:
    table, ident = key
    return f"{table} {ident[:8]}" if "/" not in ident else f"{table} {ident[:6]}/{ident[33:39]}"


def _brief(line: Line | None) -> str:
    if line is None:
        return "nothing"
    fields = {k: v for k, v in line["f"].items() if not k.endswith("_id") and v not in ("", None)}
    gone = ", deleted" if line["x"] else ""
    return f"v {line['v'][:17]}{gone} {json.dumps(fields, ensure_ascii=False)[:160]}"


# -- the machine ------------------------------------------------------------------------


_status = st.sampled_from(
    (AttendanceStatus.PRESENT, AttendanceStatus.LATE, AttendanceStatus.ABSENT, None)
)
_given_names = st.sampled_from(("Ana", "Bea", "Cal"))


class Sites(RuleBasedStateMachine):
    template: Template

    def __init__(self) -> None:
        super().__init__()
        self._scratch = tempfile.mkdtemp(prefix="lt-network-")
        root = Path(self._scratch)
        copies = {n: copy_site(s, root / n) for n, s in self.template.sites.items()}
        self.network = Network(root / "bundles", copies, self.template.seed).__enter__()
        self.seed = self.template.seed

    def teardown(self) -> None:
        try:
            rounds = self.network.settle()
            note(f"settled in {rounds} rounds")
            problems = self.network.problems()
            assert not problems, "\n".join(problems)
        finally:
            self.network.__exit__()
            shutil.rmtree(self._scratch, ignore_errors=True)

    # -- edits ---------------------------------------------------------------------------

    @rule(
        site=st.sampled_from((A, L)),
        session=st.integers(0, 2),
        person=st.integers(0, 3),
        status=_status,
    )
    def mark_at_northfield(self, site: str, session: int, person: int, status: Any) -> None:
        session_id, person_id = self.seed.north_sessions[session], self.seed.north_people[person]
        given = None if status is None else Mark(status)
        self.network.change(site, lambda w: w.register.mark(session_id, person_id, given))

    @rule(session=st.integers(0, 2), person=st.integers(0, 2), status=_status)
    def mark_at_southgate(self, session: int, person: int, status: Any) -> None:
        people = self.seed.south_people + (self.seed.amir,)
        session_id, person_id = self.seed.south_sessions[session], people[person]
        if person_id not in self.network.taken_on and person_id == self.seed.amir:
            return
        given = None if status is None else Mark(status)
        self.network.change(B, lambda w: w.register.mark(session_id, person_id, given))

    @rule(
        who=st.sampled_from(
            ((A, 0), (A, 1), (A, 3), (U, 2), (B, 0)),
        ),
        given_name=_given_names,
    )
    def rename(self, who: tuple[str, int], given_name: str) -> None:
        """A prison corrects its learners' names, the university its own students'.

        Southgate does not rename the learner it took on from Northfield: a change a
        prison makes to a learner taken on from another prison never reaches the prison
        they left (a university sends a prison none of the prison's own learners'
        records), so the two would hold the learner differently for good. Known gap,
        left open: see ``docs/sync.md``, People who move."""
        site, index = who
        person_id = (self.seed.south_people if site == B else self.seed.north_people)[index]

        def rename(workspace: Workspace) -> None:
            info = workspace.people.get_person(person_id)
            workspace.people.update_person(
                person_id,
                given_name=given_name,
                family_name=info.family_name,
                base=info.base,
                preferred_name=info.preferred_name,
                email=info.email,
                notes=info.notes,
            )

        self.network.change(site, rename)

    @rule(
        where=st.sampled_from(((A, "north"), (U, "north"), (B, "south"), (U, "south"))),
        name=st.sampled_from(("Autumn 2026", "Michaelmas 2026")),
        capacity=st.sampled_from((12, 16)),
    )
    def edit_cohort(self, where: tuple[str, str], name: str, capacity: int) -> None:
        site, which = where
        cohort_id = self.seed.north_cohort if which == "north" else self.seed.south_cohort

        def edit(workspace: Workspace) -> None:
            cohort = workspace.programme.get_cohort(cohort_id)
            workspace.programme.update_cohort(
                cohort_id,
                name=f"{name} ({which})",
                course_id=cohort.course_id,
                starts_on=cohort.starts_on,
                ends_on=cohort.ends_on,
                capacity=capacity,
            )

        self.network.change(site, edit)

    # -- people who move --------------------------------------------------------------------

    @precondition(lambda self: self.seed.amir not in self.network.transferred)
    @rule()
    def transfer_amir_to_southgate(self) -> None:
        amir = self.seed.amir

        def transfer(workspace: Workspace) -> None:
            workspace.people.transfer(amir, to=NAMES[B], on=date(2026, 10, 12))
            self.network.transferred.add(amir)

        self.network.change(A, transfer)

    @rule()
    def take_on_at_southgate(self) -> None:
        def take_on(workspace: Workspace) -> None:
            for arriving in workspace.people.transfers(arriving_only=True):
                workspace.people.take_on(
                    arriving.person_id, self.seed.south_cohort, on=date(2026, 10, 19)
                )
                self.network.taken_on.add(arriving.person_id)

        self.network.change(B, take_on)

    # Merging two people once lost, unlisted, a mark another site had made of the record
    # merged away and not yet sent: ``test_a_mark_merged_away_with_its_person_is_listed
    # _as_a_conflict`` keeps that case on its own.
    @rule(site=st.sampled_from((A, U)), keep_first=st.booleans())
    def merge_the_two_amirs(self, site: str, keep_first: bool) -> None:
        keep, drop = (self.seed.amir, self.seed.amir_again)
        if not keep_first:
            keep, drop = drop, keep

        def merge(workspace: Workspace) -> None:
            workspace.people.merge_people(keep, drop)
            # The record that stands is the one whose id sorts first, wherever merged.
            self.network.merged_away.add(max(keep, drop, key=lambda i: i.hex))

        self.network.change(site, merge)

    # -- conflicts ----------------------------------------------------------------------

    @rule(
        site=st.sampled_from(SITES),
        pick=st.integers(0, 3),
        keep=st.sampled_from(("ours", "theirs")),
    )
    def choose_a_version(self, site: str, pick: int, keep: str) -> None:
        waiting = [c for c in self.network.workspaces[site].sync.conflicts() if c.choosable]
        if not waiting:
            return
        chosen = waiting[pick % len(waiting)]
        note(f"  choosing {keep} for {chosen.title} at {site}")
        self.network.change(site, lambda w: w.sync.resolve_conflict(chosen.id, keep))

    # -- carrying bundles ------------------------------------------------------------------

    @rule(edge=st.sampled_from(EDGES))
    def exchange(self, edge: tuple[str, str]) -> None:
        self.network.exchange(*edge)

    @rule(edge=st.sampled_from(EDGES))
    def write_a_bundle(self, edge: tuple[str, str]) -> None:
        """Written and carried, not yet taken in."""
        self.network.export(*edge)

    @rule(edge=st.sampled_from(EDGES), pick=st.integers(0, 3))
    def deliver(self, edge: tuple[str, str], pick: int) -> None:
        """One of the bundles written along an edge is taken in: perhaps late, perhaps
        again."""
        written = self.network.stick[edge]
        if written:
            self.network.take_in(edge[1], written[pick % len(written)])

    @rule()
    def settle(self) -> None:
        """Everything carried until quiet, midway; what must then hold is checked once
        the run ends, when the sites settle again."""
        self.network.settle()


@pytest.mark.long
def test_four_sites_editing_and_exchanging_in_any_order_agree(template: Template) -> None:
    Sites.template = template
    run_state_machine_as_test(
        Sites,
        settings=settings(
            max_examples=8,
            stateful_step_count=15,
            deadline=None,
            # Each step works on four real stores; shrinking would replay hundreds more
            # runs, so a failing run is reported as found, step by step.
            phases=(Phase.explicit, Phase.reuse, Phase.generate),
            suppress_health_check=[HealthCheck.too_slow],
        ),
    )


# -- each problem the machine found, on its own -------------------------------------------


@contextmanager
def network_from(template: Template) -> Iterator[Network]:
    with tempfile.TemporaryDirectory(prefix="lt-network-") as scratch:
        root = Path(scratch)
        copies = {n: copy_site(s, root / n) for n, s in template.sites.items()}
        with Network(root / "bundles", copies, template.seed) as network:
            yield network


def _people(workspace: Workspace) -> set[uuid.UUID]:
    with workspace.store.read() as session:
        return set(session.scalars(select(Person.id)))


def _merge(network: Network, site: str, keep: uuid.UUID, drop: uuid.UUID) -> uuid.UUID:
    standing = network.change(site, lambda w: w.people.merge_people(keep, drop))
    network.merged_away.add(drop if standing == keep else keep)
    return uuid.UUID(str(standing))


def test_a_merge_at_the_education_pc_is_made_on_the_laptop_too(template: Template) -> None:
    """The laptop once kept both records of a person merged at the PC, and listed
    them both on the register, since merges were never sent to it."""
    with network_from(template) as network:
        seed = network.seed
        standing = _merge(network, A, seed.amir, seed.amir_again)
        network.settle()
        assert not network.problems()
        held = _people(network.workspaces[L])
        assert standing in held and not {seed.amir, seed.amir_again} - {standing} & held
        register = network.workspaces[L].register.register(seed.north_sessions[0])
        people = [line.person_id for line in register.lines]
        assert len(people) == len(set(people)) == 3


def test_a_learner_merged_after_moving_reaches_the_new_prison_whole(template: Template) -> None:
    """Merged at the university after the transfer was sent, the learner's other
    record (its place, marks and status changes, now theirs) once never reached the
    prison they moved to: the merge changed none of it, so none of it was sent."""
    with network_from(template) as network:
        seed = network.seed
        network.change(A, lambda w: w.people.transfer(seed.amir, to=NAMES[B]))
        network.settle()
        (arriving,) = network.workspaces[B].people.transfers(arriving_only=True)
        network.change(B, lambda w: w.people.take_on(arriving.person_id, seed.south_cohort))
        network.settle()
        standing = _merge(network, U, seed.amir_again, seed.amir)
        network.settle()
        assert not network.problems()
        with network.workspaces[B].store.read() as session:
            places = session.scalars(
                select(MembershipStatusChange.membership_id)
                .join(Membership, Membership.id == MembershipStatusChange.membership_id)
                .where(Membership.person_id == standing)
            ).all()
        with network.workspaces[U].store.read() as session:
            at_university = session.scalars(
                select(MembershipStatusChange.membership_id)
                .join(Membership, Membership.id == MembershipStatusChange.membership_id)
                .where(Membership.person_id == standing)
            ).all()
        assert sorted(places) == sorted(at_university)


@pytest.mark.parametrize("opposite_ways", [False, True])
def test_a_merge_at_the_university_leaves_the_prison_with_the_same_record(
    template: Template, opposite_ways: bool
) -> None:
    """The record that stands takes the name and details of the one kept: a new version
    of a prison's learner, made at the university, which once never reached the prison
    (a university sends a prison only its own people)."""
    with network_from(template) as network:
        seed = network.seed
        first, second = sorted((seed.amir, seed.amir_again), key=lambda i: i.hex)
        _merge(network, U, second, first)  # stands as ``first``, with ``second``'s details
        if opposite_ways:
            _merge(network, A, first, second)
        network.settle()
        assert not network.problems()
        held = {site: network.versions(site)[("people", first.hex)] for site in (A, U)}
        assert held[A] == held[U]


def test_a_transfer_taken_on_goes_back_to_the_prison_the_learner_left(
    template: Template,
) -> None:
    """The prison the learner left once never learned they were taken on: the
    university sends a prison its own people's records only when they are sent to it."""
    with network_from(template) as network:
        seed = network.seed
        network.change(A, lambda w: w.people.transfer(seed.amir, to=NAMES[B]))
        network.settle()
        network.change(B, lambda w: w.people.take_on(seed.amir, seed.south_cohort))
        network.settle()
        assert not network.problems()
        (left,) = network.workspaces[A].people.transfers()
        assert left.taken_on is not None


def test_a_mark_merged_away_with_its_person_is_listed_as_a_conflict(template: Template) -> None:
    """The laptop marks the second record of Amir present at week 2 while the PC marks
    Amir late; the two records are merged at the university one way and at the PC the
    other. When the merge reaches the laptop, its own mark (not yet sent) meets the
    PC's under one person, and is removed without a conflict listed anywhere."""
    with network_from(template) as network:
        seed = network.seed
        week_two = seed.north_sessions[1]
        network.change(
            L, lambda w: w.register.mark(week_two, seed.amir_again, Mark(AttendanceStatus.PRESENT))
        )
        network.change(
            A, lambda w: w.register.mark(week_two, seed.amir, Mark(AttendanceStatus.LATE))
        )
        network.exchange(A, L)
        network.exchange(A, U)
        _merge(network, U, seed.amir, seed.amir_again)
        _merge(network, A, seed.amir_again, seed.amir)
        network.exchange(A, L)
        network.settle()
        problems = network.problems()
        assert not problems, "\n".join(problems)


@pytest.mark.parametrize("left_first", [True, False])
def test_a_clash_over_a_prison_learners_consent_is_left_to_a_prison(
    template: Template, left_first: bool
) -> None:
    """Both prisons withdraw a transferred learner's consent, on different dates. The
    university, which sees the clash, once let its administrator choose, and kept the
    earlier withdrawal by a version of its own: a version of the consent made at a
    university, which both prisons refuse, so every later bundle from the university
    was refused whole. Now the university neither chooses nor makes a version: it is
    told a prison chooses. Where the learner's new prison's version gave way, that
    prison lists the clash too, and its choice settles the university's entry; where
    the old prison's did, the university's entry is marked seen."""
    with network_from(template) as network:
        seed = network.seed
        scope = ConsentScope.GRADUATION_PHOTOS
        network.change(A, lambda w: w.consent.record(seed.amir, scope, given_on=date(2026, 9, 7)))
        network.change(A, lambda w: w.people.transfer(seed.amir, to=NAMES[B]))
        network.settle()
        network.change(B, lambda w: w.people.take_on(seed.amir, seed.south_cohort))
        network.settle()
        # The later withdrawal in time is the one every site keeps for now.
        dates = {A: date(2026, 10, 1), B: date(2026, 10, 20)}
        for site in (A, B) if left_first else (B, A):
            network.change(
                site, lambda w, on=dates[site]: w.consent.withdraw(seed.amir, scope, on=on)
            )
        network.exchange(A, U)
        network.exchange(B, U)
        university = network.workspaces[U].sync
        (clash,) = [c for c in university.conflicts() if c.table == "consents"]
        assert clash.waiting and not clash.choosable
        assert "Only a prison can choose" in clash.state_words()
        for keep in ("ours", "theirs"):
            with pytest.raises(ValidationError, match="Only a prison can choose"):
                university.resolve_conflict(clash.id, keep)
        network.settle()  # the university's bundles are taken in: nothing refused
        at_southgate = [c for c in network.workspaces[B].sync.conflicts() if c.table == "consents"]
        if left_first:  # Southgate's version stands everywhere it is held
            assert not at_southgate
            network.change(U, lambda w: w.sync.mark_reviewed(clash.id))
        else:
            (chosen,) = at_southgate
            assert chosen.choosable
            network.change(B, lambda w: w.sync.resolve_conflict(chosen.id, "ours"))
            network.settle()
            (settled,) = [
                c for c in university.conflicts(include_reviewed=True) if c.table == "consents"
            ]
            assert settled.settled_by_site == NAMES[B]
        # Nothing of a learner who has left is sent back to their first prison, so
        # Northfield keeps its own version of the consent: that alone differs.
        with network.workspaces[A].store.read() as session:
            (consent_id,) = session.scalars(
                select(Consent.id).where(Consent.person_id == seed.amir, Consent.scope == scope)
            )
        problems = network.problems()
        assert all(
            p.startswith(f"U does not hold consents {consent_id.hex[:8]} as A sends it")
            for p in problems
        ), "\n".join(problems)
        assert len(problems) == 1
        assert not [c for s in (B, U) for c in network.workspaces[s].sync.conflicts() if c.waiting]
        for site in SITES[:3]:
            (held,) = [
                s for s in network.workspaces[site].consent.states(seed.amir) if s.scope is scope
            ]
            assert held.withdrawn_on is not None, site
