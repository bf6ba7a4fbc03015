"""A hub-sized store: years of made-up activity at a busy site, for performance work.

The default size is the largest site we plan for: one prison working with several
universities over six years, 100 cohorts, 5,000 people, 100,000 register marks,
2,000 essays and 20,000 research stories. Everything comes from one seed, so two
stores built with the same seed and size hold the same records (ids included);
only the timestamps and versions the store stamps on flush differ.

Records go in through the real ORM and the real ``SessionFactory``, so every row
is stamped (origin site, version, timestamps) exactly as the app stamps it.
Rows are added in bulk with explicit ids and flushed in batches, tables in
foreign-key order: without relationships between most models, the unit of work
does not order inserts by foreign key itself, and foreign keys are enforced.

Sizes and choices worth knowing when reading figures made from this store:

* Cohorts meet for 22 weekly sessions (January to June, or September to February),
  the last one the graduation, with 40 students (half from each base) in five
  small groups, each with a facilitator and a mentor: 50 people on every register.
  Staff are university-based and mentors half and half, so about 45% of the
  people are prison-based.
* The register is filled in date order until the wanted number of marks is
  reached; "today" is the date of the last register taken, so the newest cohorts
  are mid-course and their later sessions are planned but unmarked.
* Essays are a few hundred words (400 to 900, about 650 on average), not the few
  thousand a credit-bearing essay may run to. The store stays realistically large
  without them: at full size essay text is about 7 MB of a 145 MiB database, which
  is mostly register marks, story answers and their indexes (UUID keys and
  versions are stored as text and indexed on every table). Longer essays would
  add about 10 MB per 1,000 words; raise ``HubSize.essay_words`` where essay text
  is what is measured (search, exports).
* Essays go to graduates of accredited courses first; stories are a random choice
  among register marks of people who attended and had consented to stories on
  that day, each with answers to three questions.
* Prison-only details are written for prison-based people on a prison site only.
* No audit entries are written: a bulk fill is not an action the app records.
"""

from __future__ import annotations

import contextlib
import itertools
import random
import time
import uuid
from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, timedelta
from datetime import time as clock_time
from pathlib import Path
from types import TracebackType
from typing import Any

from sqlalchemy import Engine, create_engine, event, func, select
from sqlalchemy.pool import QueuePool

from lt_desktop.core import demo_text
from lt_desktop.core.services.base import Actor
from lt_desktop.core.stores import create_store
from lt_desktop.core.workspace import Workspace
from lt_desktop.domain.vocabulary import (
    AttendanceStatus,
    ClearanceStatus,
    ConsentScope,
    MarkPosition,
    MarkReason,
    MembershipRole,
    MembershipStatus,
    PersonBase,
    SessionKind,
    SiteKind,
)
from lt_desktop.storage import models as m
from lt_desktop.storage.clock import HybridLogicalClock
from lt_desktop.storage.database import PRAGMAS, SessionFactory, execute_outside_transaction
from lt_desktop.storage.kdf import CHEAP_TEST_PARAMS, KdfParams
from lt_desktop.storage.migrations import upgrade_to_head
from lt_desktop.storage.recovery_key import RecoveryKey
from lt_desktop.storage.store import LockedStore, Store

DEFAULT_SEED = 20_260_301
ADMIN_USERNAME = "hub"
ADMIN_PASSWORD = "hub-store-password"
RECORDER = "Education department"


@dataclass(frozen=True)
class HubSize:
    partnerships: int = 8
    courses_per_partnership: int = 3
    cohorts: int = 100
    people: int = 5_000
    students_per_cohort: int = 40
    groups_per_cohort: int = 5
    lecturers_per_cohort: int = 3
    weeks: int = 22
    attendance_marks: int = 100_000
    essays: int = 2_000
    essay_words: tuple[int, int] = (400, 900)
    stories: int = 20_000

    def scaled(self, fraction: float) -> HubSize:
        """The same shape with fewer cohorts, people and records (cohorts keep their size)."""
        return replace(
            self,
            partnerships=max(2, round(self.partnerships * fraction)),
            cohorts=max(2, round(self.cohorts * fraction)),
            people=round(self.people * fraction),
            attendance_marks=round(self.attendance_marks * fraction),
            essays=round(self.essays * fraction),
            stories=round(self.stories * fraction),
        )


FULL = HubSize()
QUICK = FULL.scaled(0.1)


@dataclass
class HubSummary:
    """What was written, and how long each part of the fill took."""

    seed: int
    size: HubSize
    today: date
    plan_seconds: float
    rows: Counter[str] = field(default_factory=Counter)
    phase_seconds: dict[str, float] = field(default_factory=dict)

    @property
    def total_rows(self) -> int:
        return sum(self.rows.values())

    @property
    def fill_seconds(self) -> float:
        """Writing only: making the plan is the same work whatever the database."""
        return sum(self.phase_seconds.values())


# -- filling a store -------------------------------------------------------------------


def fill_hub_store(
    target: Store | SessionFactory,
    size: HubSize = FULL,
    *,
    seed: int = DEFAULT_SEED,
    site_kind: SiteKind | None = None,
    rows_per_flush: int = 2_000,
    rows_per_transaction: int = 20_000,
) -> HubSummary:
    """Fill an empty store with a hub's worth of records, in large transactions.

    ``site_kind`` defaults to the store's own kind (a prison for a bare
    ``SessionFactory``); prison-only details are written on prison sites only.
    """
    if isinstance(target, Store):
        sessions = target.sessions
        site_kind = site_kind or target.site.kind
    else:
        sessions = target
        site_kind = site_kind or SiteKind.PRISON
    started = time.perf_counter()
    plan = _Plan(size, random.Random(seed), prison_site=site_kind is SiteKind.PRISON)
    summary = HubSummary(seed, size, plan.today, plan_seconds=time.perf_counter() - started)
    writer = _Writer(sessions, summary, rows_per_flush, rows_per_transaction)
    for name, records in plan.phases():
        with writer.phase(name):
            for record in records:
                writer.add(record)
    return summary


# -- a real encrypted store --------------------------------------------------------------


@dataclass
class BuiltStore:
    """A filled store on disk, closed, with what is needed to open it again."""

    folder: Path
    username: str
    password: str
    administrator_id: uuid.UUID
    recovery_key: RecoveryKey
    summary: HubSummary
    create_seconds: float
    close_seconds: float

    @property
    def build_seconds(self) -> float:
        return self.create_seconds + self.summary.fill_seconds + self.close_seconds

    @contextlib.contextmanager
    def signed_in(self) -> Iterator[Workspace]:
        """The store unlocked by its administrator, as the app would have it; locked
        again afterwards."""
        store, admin_id = LockedStore(self.folder).unlock(self.username, self.password)
        try:
            with store.read() as session:
                admin = Actor.from_user(session.get(m.User, admin_id))  # type: ignore[arg-type]
            yield Workspace(store, admin)
        finally:
            store.close()


def build_hub_store(
    folder: Path,
    size: HubSize = FULL,
    *,
    seed: int = DEFAULT_SEED,
    site_kind: SiteKind = SiteKind.PRISON,
    kdf: KdfParams = CHEAP_TEST_PARAMS,
) -> BuiltStore:
    """Create an encrypted store in ``folder`` with ``create_store``, fill it, close it.

    The key slots use ``kdf``: cheap by default, because key derivation is not what
    a build measures; give real parameters where unlocking the result is measured,
    or replace the slot afterwards with ``Store.set_password``.
    """
    started = time.perf_counter()
    created = create_store(
        folder,
        site_name=_site_name(site_kind),
        site_kind=site_kind,
        admin_username=ADMIN_USERNAME,
        admin_display_name="Hub Administrator",
        admin_password=ADMIN_PASSWORD,
        kdf=kdf,
    )
    create_seconds = time.perf_counter() - started
    try:
        summary = fill_hub_store(created.store, size, seed=seed)
    finally:
        started = time.perf_counter()
        created.store.close()  # folds the write-ahead log into the database file
        close_seconds = time.perf_counter() - started
    return BuiltStore(
        folder=Path(folder),
        username=ADMIN_USERNAME,
        password=ADMIN_PASSWORD,
        administrator_id=created.administrator_id,
        recovery_key=created.recovery_key,
        summary=summary,
        create_seconds=create_seconds,
        close_seconds=close_seconds,
    )


# -- the same workload without encryption ---------------------------------------------------


def plain_sqlite_engine(db_path: Path, *, module: Any = None) -> Engine:
    """An unencrypted engine set up as the store's: same pragmas, pool and BEGIN handling.

    ``module`` swaps the DB-API driver (e.g. ``sqlcipher3`` used with no key, which
    separates the cost of encryption from differences between SQLite builds).
    """
    extra: dict[str, Any] = {} if module is None else {"module": module}
    engine = create_engine(
        f"sqlite:///{db_path}",
        poolclass=QueuePool,
        pool_size=3,
        max_overflow=5,
        connect_args={"check_same_thread": False},
        hide_parameters=True,
        **extra,
    )

    @event.listens_for(engine, "connect")
    def _prepare(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("SELECT count(*) FROM sqlite_master")
        for pragma in PRAGMAS:
            cursor.execute(pragma)
        cursor.close()

    @event.listens_for(engine, "begin")
    def _begin(connection: Any) -> None:
        immediate = connection.get_execution_options().get("write", False)
        connection.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")

    return engine


@dataclass
class BuiltPlainStore:
    db_path: Path
    summary: HubSummary
    create_seconds: float
    close_seconds: float

    @property
    def build_seconds(self) -> float:
        return self.create_seconds + self.summary.fill_seconds + self.close_seconds


def build_plain_hub_store(
    db_path: Path,
    size: HubSize = FULL,
    *,
    seed: int = DEFAULT_SEED,
    site_kind: SiteKind = SiteKind.PRISON,
    module: Any = None,
) -> BuiltPlainStore:
    """The hub workload on an unencrypted database, stamped by a real ``SessionFactory``."""
    started = time.perf_counter()
    Path(db_path).parent.mkdir(parents=True, exist_ok=True)
    engine = plain_sqlite_engine(db_path, module=module)
    site_id = uuid.uuid4()
    try:
        upgrade_to_head(engine)
        sessions = SessionFactory(engine, site_id, HybridLogicalClock(site_id))
        with sessions.write() as session:
            session.add(
                m.Site(id=site_id, name=_site_name(site_kind), kind=site_kind, is_local=True)
            )
        create_seconds = time.perf_counter() - started
        summary = fill_hub_store(sessions, size, seed=seed, site_kind=site_kind)
        started = time.perf_counter()
        execute_outside_transaction(engine, "PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        engine.dispose()
    return BuiltPlainStore(db_path, summary, create_seconds, time.perf_counter() - started)


def count_rows(engine: Engine) -> dict[str, int]:
    """Rows per table that the hub generator writes, read back from the database."""
    with engine.connect() as connection:
        return {
            name: connection.execute(
                select(func.count()).select_from(m.Base.metadata.tables[name])
            ).scalar_one()
            for name in sorted(_WRITTEN_TABLES)
        }


# -- writing in batches -------------------------------------------------------------------


class _Writer:
    """Adds records in batches, each batch flushed table by table, parents first."""

    def __init__(
        self, sessions: SessionFactory, summary: HubSummary, per_flush: int, per_transaction: int
    ) -> None:
        self._sessions = sessions
        self._summary = summary
        self._per_flush = per_flush
        self._per_transaction = per_transaction
        self._pending: dict[int, list[m.SyncedRecord]] = {}
        self._pending_count = 0
        self._in_transaction = 0
        self._transaction: contextlib.ExitStack | None = None
        self._session: Any = None

    @contextlib.contextmanager
    def phase(self, name: str) -> Iterator[None]:
        started = time.perf_counter()
        try:
            yield
            self._flush()
        except BaseException as error:
            self._end_transaction(error)
            raise
        self._end_transaction(None)
        self._summary.phase_seconds[name] = time.perf_counter() - started

    def add(self, record: m.SyncedRecord) -> None:
        table = type(record).__tablename__
        self._pending.setdefault(_TABLE_ORDER[table], []).append(record)
        self._pending_count += 1
        self._summary.rows[table] += 1
        if self._pending_count >= self._per_flush:
            self._flush()

    def _flush(self) -> None:
        if not self._pending_count:
            return
        if self._transaction is None:
            self._transaction = contextlib.ExitStack()
            self._session = self._transaction.enter_context(self._sessions.write())
        for level in sorted(self._pending):
            self._session.add_all(self._pending[level])
            self._session.flush()
        self._in_transaction += self._pending_count
        self._pending.clear()
        self._pending_count = 0
        if self._in_transaction >= self._per_transaction:
            self._end_transaction(None)

    def _end_transaction(self, error: BaseException | None) -> None:
        transaction, self._transaction, self._session = self._transaction, None, None
        self._in_transaction = 0
        if transaction is None:
            return
        if error is None:
            transaction.close()  # commits
        else:
            traceback: TracebackType | None = error.__traceback__
            transaction.__exit__(type(error), error, traceback)  # rolls back


# -- the plan --------------------------------------------------------------------------


@dataclass(slots=True)
class _Person:
    id: uuid.UUID
    base: PersonBase
    given: str
    family: str
    first_start: date | None = None
    stories_from: date | None = None
    stories_until: date | None = None  # withdrawn on

    def may_share_story(self, on: date) -> bool:
        return (
            self.stories_from is not None
            and self.stories_from <= on
            and (self.stories_until is None or on < self.stories_until)
        )


@dataclass(slots=True)
class _Member:
    id: uuid.UUID
    person: _Person
    role: MembershipRole
    group: int | None
    leaves: tuple[MembershipStatus, date] | None = None

    def gone_by(self, on: date) -> bool:
        return self.leaves is not None and on >= self.leaves[1]


@dataclass(slots=True)
class _Session:
    id: uuid.UUID
    week: int
    held_on: date
    kind: SessionKind
    title: str
    lecturer: _Person | None


@dataclass(slots=True)
class _Cohort:
    id: uuid.UUID
    course: int
    accredited: bool
    name: str
    starts_on: date
    ends_on: date
    group_ids: list[uuid.UUID]
    sessions: list[_Session] = field(default_factory=list)
    members: list[_Member] = field(default_factory=list)


_Slot = tuple[_Cohort, _Session, _Member]
_Records = Iterator[m.SyncedRecord]
_TABLE_ORDER = {table.name: n for n, table in enumerate(m.Base.metadata.sorted_tables)}

_ATTENDING = (MembershipRole.STUDENT, MembershipRole.MENTOR, MembershipRole.FACILITATOR)
_LEAVING = (MembershipStatus.RELEASED, MembershipStatus.TRANSFERRED, MembershipStatus.WITHDRAWN)
_ATTENDED = (AttendanceStatus.PRESENT, AttendanceStatus.LATE, AttendanceStatus.LEFT_EARLY)
_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
_NEWEST_START = date(2026, 1, 12)


class _Plan:
    """Who, what and when, decided up front; records are made while writing."""

    def __init__(self, size: HubSize, rng: random.Random, *, prison_site: bool) -> None:
        self.size = size
        self.rng = rng
        self.prison_site = prison_site
        self._used: set[str] = set()
        self._check(size)
        self.people = self._people()
        self.courses = self._courses()
        self.cohorts = self._cohorts()
        self._members()
        self.marks = self._register()
        self.today = self.marks[-1][0][1].held_on if self.marks else _NEWEST_START
        self._consents_given()
        self.question_ids = [self.new_id() for _ in demo_text.STORY_QUESTIONS]

    @staticmethod
    def _check(size: HubSize) -> None:
        if size.students_per_cohort % 2 or size.weeks < 6:
            raise ValueError("cohorts need an even number of students and at least six weeks")
        if size.people <= size.cohorts * size.students_per_cohort:
            raise ValueError(f"{size.people} people cannot fill {size.cohorts} cohorts")

    def new_id(self) -> uuid.UUID:
        return uuid.UUID(int=self.rng.getrandbits(128), version=4)

    def _unique(self, prefix: str, length: int) -> str:
        while True:
            code = prefix + "".join(self.rng.choices(_ALPHABET, k=length))
            if code not in self._used:
                self._used.add(code)
                return code

    # -- people and their places --------------------------------------------------------

    def _people(self) -> dict[str, list[_Person]]:
        size = self.size
        students = size.cohorts * size.students_per_cohort
        staff = size.people - students
        mentors = min(size.cohorts * size.groups_per_cohort, (staff - size.partnerships) // 2)
        facilitators = (staff - size.partnerships - mentors) // 2
        lecturers = staff - size.partnerships - mentors - facilitators
        if (
            min(mentors, facilitators) < size.groups_per_cohort
            or lecturers < size.lecturers_per_cohort
        ):
            raise ValueError(f"{size.people} people are too few to staff {size.cohorts} cohorts")
        pools = {
            "prison_students": [PersonBase.PRISON] * (students // 2),
            "university_students": [PersonBase.UNIVERSITY] * (students // 2),
            "mentors": [PersonBase.PRISON, PersonBase.UNIVERSITY] * (mentors // 2)
            + [PersonBase.PRISON] * (mentors % 2),
            "facilitators": [PersonBase.UNIVERSITY] * facilitators,
            "lecturers": [PersonBase.UNIVERSITY] * lecturers,
            "coordinators": [PersonBase.UNIVERSITY] * size.partnerships,
        }
        people = {
            name: [
                _Person(
                    self.new_id(),
                    base,
                    self.rng.choice(demo_text.GIVEN_NAMES),
                    self.rng.choice(demo_text.FAMILY_NAMES),
                )
                for base in bases
            ]
            for name, bases in pools.items()
        }
        for pool in people.values():
            self.rng.shuffle(pool)
        return people

    def _courses(self) -> list[tuple[uuid.UUID, int, int]]:
        """(course id, partnership, catalogue entry) for every course."""
        return [
            (self.new_id(), partnership, (partnership + n) % len(_CATALOGUE))
            for partnership in range(self.size.partnerships)
            for n in range(self.size.courses_per_partnership)
        ]

    def _cohorts(self) -> list[_Cohort]:
        size = self.size
        per_partnership = [
            size.cohorts // size.partnerships + (p < size.cohorts % size.partnerships)
            for p in range(size.partnerships)
        ]
        lecturers = itertools.cycle(self.people["lecturers"])
        cohorts = []
        for partnership, count in enumerate(per_partnership):
            courses = [c for c in range(len(self.courses)) if self.courses[c][1] == partnership]
            for run in range(count):
                back = count - 1 - run  # runs counted back from the newest, in January 2026
                year = _NEWEST_START.year - (back + 1) // 2
                month = 1 if back % 2 == 0 else 9
                first = date(year, month, 12) + timedelta(days=partnership % 5)
                course = courses[run % len(courses)]
                catalogue = _CATALOGUE[self.courses[course][2]]
                ends_on = first + timedelta(weeks=size.weeks - 1)
                cohort = _Cohort(
                    id=self.new_id(),
                    course=course,
                    accredited=catalogue.accredited,
                    name=f"{first:%B}–{ends_on:%B %Y}",
                    starts_on=first,
                    ends_on=ends_on,
                    group_ids=[self.new_id() for _ in range(size.groups_per_cohort)],
                )
                teaching = [next(lecturers) for _ in range(size.lecturers_per_cohort)]
                for week in range(1, size.weeks + 1):
                    kind, title = self._week(catalogue.topics, week)
                    cohort.sessions.append(
                        _Session(
                            id=self.new_id(),
                            week=week,
                            held_on=first + timedelta(weeks=week - 1),
                            kind=kind,
                            title=title,
                            lecturer=(
                                None
                                if kind is SessionKind.GRADUATION
                                else teaching[week % len(teaching)]
                            ),
                        )
                    )
                cohorts.append(cohort)
        cohorts.sort(key=lambda c: (c.starts_on, c.course))
        return cohorts

    def _week(self, topics: Sequence[str], week: int) -> tuple[SessionKind, str]:
        weeks = self.size.weeks
        if week == weeks:
            return SessionKind.GRADUATION, "Graduation"
        if week == weeks // 2:
            return SessionKind.WRITING_WORKSHOP, "Writing workshop: finding your voice"
        if week == weeks - 2:
            return SessionKind.GROUP_PROJECT, "Group project"
        return SessionKind.LECTURE_AND_DISCUSSION, topics[(week - 1) % len(topics)]

    def _members(self) -> None:
        size = self.size
        prison = iter(self.people["prison_students"])
        university = iter(self.people["university_students"])
        pools = {
            role: itertools.cycle(self.people[name])
            for role, name in (
                (MembershipRole.MENTOR, "mentors"),
                (MembershipRole.FACILITATOR, "facilitators"),
                (MembershipRole.LECTURER, "lecturers"),
            )
        }
        coordinators = self.people["coordinators"]
        half = size.students_per_cohort // 2
        for cohort in self.cohorts:
            students = [next(prison) for _ in range(half)] + [next(university) for _ in range(half)]
            for n, person in enumerate(students):
                # Both bases spread evenly over the groups, starting from different groups.
                offset = size.groups_per_cohort // 2 if n >= half else 0
                group = (n % half + offset) % size.groups_per_cohort
                cohort.members.append(
                    _Member(
                        self.new_id(),
                        person,
                        MembershipRole.STUDENT,
                        group,
                        self._leaving(cohort, person),
                    )
                )
            for group in range(size.groups_per_cohort):
                for role in (MembershipRole.FACILITATOR, MembershipRole.MENTOR):
                    cohort.members.append(_Member(self.new_id(), next(pools[role]), role, group))
            lecturers = {s.lecturer.id: s.lecturer for s in cohort.sessions if s.lecturer}
            for person in lecturers.values():
                cohort.members.append(_Member(self.new_id(), person, MembershipRole.LECTURER, None))
            partnership = self.courses[cohort.course][1]
            cohort.members.append(
                _Member(self.new_id(), coordinators[partnership], MembershipRole.COORDINATOR, None)
            )
            for member in cohort.members:
                if member.person.first_start is None:
                    member.person.first_start = cohort.starts_on

    def _leaving(self, cohort: _Cohort, person: _Person) -> tuple[MembershipStatus, date] | None:
        roll = self.rng.random()
        if person.base is PersonBase.PRISON and roll < 0.15:
            status = _LEAVING[int(roll / 0.05)]
        elif roll < 0.05:
            status = MembershipStatus.WITHDRAWN
        else:
            return None
        week = self.rng.randint(3, self.size.weeks - 4)
        return status, cohort.starts_on + timedelta(weeks=week - 1, days=2)

    def _register(self) -> list[tuple[_Slot, AttendanceStatus, MarkReason | None]]:
        """Register marks in date order, up to the wanted number."""
        sessions = sorted(
            ((cohort, session) for cohort in self.cohorts for session in cohort.sessions),
            key=lambda pair: (pair[1].held_on, pair[0].starts_on, pair[0].course),
        )
        marks: list[tuple[_Slot, AttendanceStatus, MarkReason | None]] = []
        wanted = self.size.attendance_marks
        for cohort, session in sessions:
            for member in cohort.members:
                if len(marks) >= wanted:
                    return marks
                if member.role in _ATTENDING and not member.gone_by(session.held_on):
                    status, reason = self._attendance(member.person)
                    marks.append(((cohort, session, member), status, reason))
        return marks

    def _attendance(self, person: _Person) -> tuple[AttendanceStatus, MarkReason | None]:
        roll = self.rng.random()
        if roll < 0.84:
            return AttendanceStatus.PRESENT, None
        if roll < 0.90:
            return AttendanceStatus.LATE, None
        if roll < 0.92:
            return AttendanceStatus.LEFT_EARLY, None
        if roll < 0.95:
            return AttendanceStatus.EXCUSED, None
        reasons = (
            [
                MarkReason.LOCKDOWN,
                MarkReason.LEGAL_VISIT,
                MarkReason.HEALTHCARE,
                MarkReason.WORK_OR_COURT,
            ]
            if person.base is PersonBase.PRISON
            else [MarkReason.ILLNESS, MarkReason.PERSONAL]
        )
        return AttendanceStatus.ABSENT, self.rng.choice(reasons)

    def _consents_given(self) -> None:
        self.consents: list[tuple[_Person, ConsentScope, date, date | None]] = []
        for pool in self.people.values():
            for person in pool:
                if person.first_start is None:
                    continue
                given = person.first_start - timedelta(days=self.rng.randint(7, 30))
                for scope in ConsentScope:
                    skip = 0.5 if scope is ConsentScope.INTERVIEW else 0.12
                    if self.rng.random() < skip:
                        continue
                    withdrawn = None
                    if self.rng.random() < 0.04:
                        withdrawn = given + timedelta(days=self.rng.randint(30, 400))
                        if withdrawn > self.today:
                            withdrawn = None
                    if scope is ConsentScope.STORIES:
                        person.stories_from, person.stories_until = given, withdrawn
                    self.consents.append((person, scope, given, withdrawn))

    def status(self, cohort: _Cohort, member: _Member) -> tuple[MembershipStatus, date]:
        if member.leaves is not None and member.leaves[1] <= self.today:
            return member.leaves
        if cohort.ends_on <= self.today:
            if member.role is MembershipRole.STUDENT:
                return MembershipStatus.GRADUATED, cohort.ends_on
            return MembershipStatus.COMPLETED, cohort.ends_on
        if cohort.starts_on <= self.today:
            return MembershipStatus.ACTIVE, cohort.starts_on
        return MembershipStatus.OFFERED, cohort.starts_on - timedelta(days=30)

    # -- the records, phase by phase ------------------------------------------------------

    def phases(self) -> Iterator[tuple[str, _Records]]:
        yield "people", self._people_records()
        yield "programme", self._programme_records()
        yield "memberships", self._membership_records()
        yield "consents", self._consent_records()
        yield "attendance", self._attendance_records()
        yield "essays", self._essay_records()
        yield "stories", self._story_records()

    def _people_records(self) -> _Records:
        numbers: set[str] = set()
        for pool in self.people.values():
            for person in pool:
                yield m.Person(
                    id=person.id,
                    given_name=person.given,
                    family_name=person.family,
                    base=person.base,
                    email=(
                        f"{person.given}.{person.family}@example.ac.uk".lower().replace("'", "")
                        if person.base is PersonBase.UNIVERSITY
                        else ""
                    ),
                    research_id=self._unique("R", 9),
                )
                if person.base is PersonBase.PRISON and self.prison_site:
                    yield self._prison_details(person, numbers)

    def _prison_details(self, person: _Person, numbers: set[str]) -> m.PrisonDetails:
        rng = self.rng
        while True:
            number = f"{rng.choice('ABG')}{rng.randint(1000, 9999)}{rng.choice('ABCDEFGHJK')}"
            number += rng.choice("ABCDEFGHJK")
            if number not in numbers:
                numbers.add(number)
                break
        cleared = rng.random() < 0.9
        return m.PrisonDetails(
            id=self.new_id(),
            person_id=person.id,
            prison_number=number,
            location=rng.choice(demo_text.PRISON_LOCATIONS),
            release_date=(
                self.today + timedelta(days=rng.randint(30, 2500)) if rng.random() < 0.6 else None
            ),
            security_notes=rng.choice(demo_text.SECURITY_NOTES),
            clearance=ClearanceStatus.CLEARED if cleared else ClearanceStatus.SUBMITTED,
            clearance_on=(person.first_start or self.today) - timedelta(days=14)
            if cleared
            else None,
        )

    def _programme_records(self) -> _Records:
        # A prison site works with several universities; a university with several prisons.
        partnership_ids = [self.new_id() for _ in range(self.size.partnerships)]
        for n, partnership_id in enumerate(partnership_ids):
            prison = _PRISONS[0 if self.prison_site else n % len(_PRISONS)]
            university = _UNIVERSITIES[n % len(_UNIVERSITIES) if self.prison_site else 0]
            yield m.Partnership(
                id=partnership_id,
                name=f"{prison.removeprefix('HMP ')} and {university} Learning Together",
                prison_name=prison,
                university_name=university,
                region=_REGIONS[n % len(_REGIONS)],
                started_on=date(2019, 9, 1) + timedelta(days=90 * n),
            )
        for course_id, partnership, entry in self.courses:
            catalogue = _CATALOGUE[entry]
            yield m.Course(
                id=course_id,
                partnership_id=partnership_ids[partnership],
                title=catalogue.title,
                subject=catalogue.subject,
                accredited=catalogue.accredited,
                credits=15 if catalogue.accredited else None,
                level="Level 4" if catalogue.accredited else None,
                description=f"{catalogue.subject}, studied together.",
            )
        for cohort in self.cohorts:
            yield m.Cohort(
                id=cohort.id,
                course_id=self.courses[cohort.course][0],
                name=cohort.name,
                starts_on=cohort.starts_on,
                ends_on=cohort.ends_on,
                capacity=self.size.students_per_cohort,
            )
            for position, group_id in enumerate(cohort.group_ids):
                yield m.SmallGroup(
                    id=group_id,
                    cohort_id=cohort.id,
                    name=f"Group {position + 1}",
                    position=position,
                )
            for session in cohort.sessions:
                yield m.ClassSession(
                    id=session.id,
                    cohort_id=cohort.id,
                    week=session.week,
                    held_on=session.held_on,
                    starts_at=clock_time(13, 30),
                    ends_at=clock_time(16, 0),
                    kind=session.kind,
                    title=session.title,
                    lecturer_id=session.lecturer.id if session.lecturer else None,
                    reading_1=f"Reading pack, week {session.week}: first reading",
                    reading_2=f"Reading pack, week {session.week}: second reading",
                    location="Education block, room 2",
                )
        for position, (question_id, wording) in enumerate(
            zip(self.question_ids, demo_text.STORY_QUESTIONS, strict=True)
        ):
            yield m.StoryQuestion(id=question_id, position=position, text=wording)

    def _membership_records(self) -> _Records:
        for cohort in self.cohorts:
            for member in cohort.members:
                status, since = self.status(cohort, member)
                ended = status in _LEAVING or status in (
                    MembershipStatus.GRADUATED,
                    MembershipStatus.COMPLETED,
                )
                yield m.Membership(
                    id=member.id,
                    cohort_id=cohort.id,
                    person_id=member.person.id,
                    role=member.role,
                    status=status,
                    status_since=since,
                    joined_on=cohort.starts_on,
                    left_on=since if ended else None,
                )
                yield m.MembershipStatusChange(
                    id=self.new_id(),
                    membership_id=member.id,
                    status=MembershipStatus.ACTIVE,
                    effective_on=cohort.starts_on,
                    reason="Enrolled",
                    recorded_by_name=RECORDER,
                )
                if ended:
                    yield m.MembershipStatusChange(
                        id=self.new_id(),
                        membership_id=member.id,
                        status=status,
                        effective_on=since,
                        recorded_by_name=RECORDER,
                    )
                if member.group is not None:
                    yield m.GroupMember(
                        id=self.new_id(),
                        group_id=cohort.group_ids[member.group],
                        membership_id=member.id,
                    )

    def _consent_records(self) -> _Records:
        for n, (person, scope, given, withdrawn) in enumerate(self.consents):
            yield m.Consent(
                id=self.new_id(),
                person_id=person.id,
                scope=scope,
                given_on=given,
                form_reference=f"CF-{n // len(ConsentScope) + 1:05d}",
                recorded_by_name=RECORDER,
                withdrawn_on=withdrawn,
                withdrawal_recorded_by_name=RECORDER if withdrawn else "",
            )

    def _attendance_records(self) -> _Records:
        for (_, session, member), status, reason in self.marks:
            yield m.AttendanceMark(
                id=self.new_id(),
                session_id=session.id,
                person_id=member.person.id,
                status=status,
                absence_reason=reason,
                recorded_by_name=RECORDER,
                recorded_at=datetime.combine(session.held_on, clock_time(16, 5), UTC),
            )

    def _essay_records(self) -> _Records:
        graduates = [
            (cohort, member)
            for cohort in self.cohorts
            for member in cohort.members
            if member.role is MembershipRole.STUDENT
            and self.status(cohort, member)[0] is MembershipStatus.GRADUATED
        ]
        # Essays are marked on accredited courses; others only where those run short.
        graduates.sort(key=lambda pair: not pair[0].accredited)
        wanted = min(self.size.essays, len(graduates))
        accredited = sum(1 for cohort, _ in graduates if cohort.accredited)
        pool = graduates[: max(wanted, accredited)]
        chosen = sorted(
            self.rng.sample(range(len(pool)), wanted),
            key=lambda n: (pool[n][0].starts_on, n),
        )
        low, high = self.size.essay_words
        for n in chosen:
            cohort, member = pool[n]
            body = _essay(self.rng, self.rng.randint(low, high), _topics_of(self, cohort))
            late = self.rng.random() < 0.08
            essay_id = self.new_id()
            deadline = cohort.ends_on - timedelta(days=7)
            first = round(self.rng.gauss(64, 6))
            second = first + self.rng.choice([-6, -4, -2, 0, 2, 3, 5, 12])
            yield m.Essay(
                id=essay_id,
                membership_id=member.id,
                candidate_number=self._unique("C", 7),
                title=self.rng.choice(demo_text.ESSAY_TITLES),
                text=body,
                word_count=len(body.split()),
                submitted_on=deadline + timedelta(days=3 if late else -self.rng.randint(0, 5)),
                late=late,
                extension_note="Extension agreed." if late else "",
                moderation_needed=abs(first - second) >= 10,
                identities_revealed=True,
            )
            marked_at = datetime.combine(cohort.ends_on, clock_time(12), UTC)
            for position, marker, score in (
                (MarkPosition.FIRST, "Marker A", first),
                (MarkPosition.SECOND, "Marker B", second),
                (MarkPosition.AGREED, "Moderation", round((first + second) / 2)),
            ):
                yield m.EssayMark(
                    id=self.new_id(),
                    essay_id=essay_id,
                    position=position,
                    marker_name=marker,
                    score=score,
                    feedback=self.rng.choice(demo_text.FEEDBACK),
                    submitted_at=marked_at,
                    locked=position is MarkPosition.AGREED,
                )

    def _story_records(self) -> _Records:
        eligible = [
            n
            for n, ((_, session, member), status, _) in enumerate(self.marks)
            if status in _ATTENDED
            and session.kind is not SessionKind.GRADUATION
            and member.person.may_share_story(session.held_on)
        ]
        chosen = sorted(self.rng.sample(eligible, min(self.size.stories, len(eligible))))
        for n in chosen:
            (cohort, session, member), _, _ = self.marks[n]
            story_id = self.new_id()
            yield m.Story(
                id=story_id,
                session_id=session.id,
                person_id=member.person.id,
                text=_story(self.rng, session.title, _topics_of(self, cohort)),
                written_on=session.held_on,
                transcribed_by_name=RECORDER,
            )
            for question_id, answers in zip(
                self.question_ids, demo_text.STORY_ANSWERS, strict=True
            ):
                yield m.StoryAnswer(
                    id=self.new_id(),
                    story_id=story_id,
                    question_id=question_id,
                    answer=self.rng.choice(answers),
                )


# -- words -------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Course:
    title: str
    subject: str
    accredited: bool
    topics: tuple[str, ...]


_CATALOGUE = (
    _Course(
        "Crime, Justice and Society",
        "Criminology",
        True,
        tuple(
            title
            for title, _, _ in demo_text.LECTURES
            if not title.startswith(("Writing", "Group", "Graduation"))
        ),
    ),
    _Course(
        "Reading Between the Lines",
        "Literary criticism",
        False,
        (
            "Why we read stories",
            "Voices from the margins",
            "Poetry and confinement",
            "The unreliable narrator",
            "Tragedy and responsibility",
            "Letters and memoirs",
            "Writing home",
        ),
    ),
    _Course(
        "Big Questions",
        "Philosophy and theology",
        True,
        (
            "What is a good life?",
            "Freedom and constraint",
            "Forgiveness",
            "Hope",
            "Faith, doubt and reason",
            "Responsibility and luck",
            "Justice as fairness",
        ),
    ),
    _Course(
        "Citizenship and Community",
        "Politics",
        False,
        (
            "Who counts as a citizen?",
            "Rights and duties",
            "Voting and voice",
            "Community and belonging",
            "Power and legitimacy",
            "Making change",
        ),
    ),
)

_PRISONS = (
    "HMP Northfield", "HMP Ashcombe", "HMP Riverside", "HMP Kingsmoor",
    "HMP Westerby", "HMP Saltmarsh", "HMP Fenwick", "HMP Greyfriars",
)  # fmt: skip
_UNIVERSITIES = (
    "University of Eastbridge", "Ashcombe University", "Riverside University",
    "University of Kingsmoor", "Westerby College", "Saltmarsh University",
    "University of Fenwick", "Greyfriars University",
)  # fmt: skip
_REGIONS = (
    "South East", "South West", "Midlands", "North East", "North West", "East of England",
    "Yorkshire", "London",
)  # fmt: skip
_THINKERS = (
    "Christie", "Hulsman", "Garland", "Duff", "Maruna", "McNeill", "Zehr", "Sykes",
    "Crewe", "Tyler", "Liebling", "Freire", "hooks", "Braithwaite", "Orwell", "Baldwin",
    "Arendt", "Murdoch", "Weil", "Morrison", "Rawls", "Sen", "Nussbaum", "Angelou",
)  # fmt: skip
_CONCEPTS = (
    "legitimacy", "desistance", "belonging", "responsibility", "forgiveness", "hope",
    "punishment", "repair", "trust", "freedom", "identity", "fairness", "voice", "shame",
    "dignity", "community", "power", "redemption", "citizenship", "listening",
)  # fmt: skip
_TEMPLATES = (
    "Reading {thinker} on {concept}, I began to see {topic} differently.",
    "In week {week} our group argued about {concept} for most of the hour.",
    "{thinker} helped me put into words what I had felt about {concept}.",
    "I used to think {concept} was simple; now I am less sure, and that feels like progress.",
    "When we discussed {topic}, someone across the table said exactly what I was thinking.",
    "The question of {concept} kept coming back in our small group.",
    "I disagreed with {thinker} at first, but the discussion about {concept} changed my mind.",
    "What stays with me from {topic} is how {concept} looks different from each side.",
)


def _site_name(site_kind: SiteKind) -> str:
    return _PRISONS[0] if site_kind is SiteKind.PRISON else _UNIVERSITIES[0]


def _topics_of(plan: _Plan, cohort: _Cohort) -> tuple[str, ...]:
    return _CATALOGUE[plan.courses[cohort.course][2]].topics


def _sentence(rng: random.Random, topics: Sequence[str]) -> str:
    return rng.choice(_TEMPLATES).format(
        thinker=rng.choice(_THINKERS),
        concept=rng.choice(_CONCEPTS),
        topic=rng.choice(topics).lower().rstrip("?"),
        week=rng.randint(2, 18),
    )


def _essay(rng: random.Random, words: int, topics: Sequence[str]) -> str:
    paragraphs: list[str] = []
    paragraph: list[str] = []
    count = 0
    while count < words:
        sentence = (
            rng.choice(demo_text.ESSAY_SENTENCES) if rng.random() < 0.4 else _sentence(rng, topics)
        )
        paragraph.append(sentence)
        count += len(sentence.split())
        if len(paragraph) >= rng.randint(4, 8):
            paragraphs.append(" ".join(paragraph))
            paragraph = []
    if paragraph:
        paragraphs.append(" ".join(paragraph))
    return "\n\n".join(paragraphs)


def _story(rng: random.Random, title: str, topics: Sequence[str]) -> str:
    sentences = rng.sample(demo_text.STORY_SENTENCES, rng.randint(1, 3))
    sentences.insert(rng.randint(0, len(sentences)), _sentence(rng, [title, *topics]))
    return " ".join(sentences)


_WRITTEN_TABLES = frozenset(
    {
        "people",
        "prison_details",
        "partnerships",
        "courses",
        "cohorts",
        "small_groups",
        "class_sessions",
        "story_questions",
        "memberships",
        "membership_status_changes",
        "group_members",
        "consents",
        "attendance",
        "essays",
        "essay_marks",
        "stories",
        "story_answers",
    }
)

__all__ = [
    "ADMIN_PASSWORD",
    "ADMIN_USERNAME",
    "DEFAULT_SEED",
    "FULL",
    "QUICK",
    "BuiltPlainStore",
    "BuiltStore",
    "HubSize",
    "HubSummary",
    "build_hub_store",
    "build_plain_hub_store",
    "count_rows",
    "fill_hub_store",
    "plain_sqlite_engine",
]
