"""Sync benchmarks: writing a bundle at one site and taking it in at another, and the
least that writing one could cost.

- a prison year: one partnership's year at a prison (3 cohorts of 40 people, 12 weekly
  sessions each with every register taken, 120 essays of 3,000 words each with a 300 KB
  scan, 1,400 stories with consent to share them), exported from the prison to its
  university and taken in there;
- a hub snapshot: the hub-sized store (hub_store.py), a university hub running eight
  partnerships, sent whole as a snapshot to a second installation of the hub (every
  record of every partnership travels between two installations of one side) and
  taken in there;
- the floor: the plaintext each export produced, read back from its bundle once, pushed
  through the bare primitives the container is made of (read, zlib, ChaCha20-Poly1305 in
  64 KiB pieces, Ed25519 over a SHA-512 of the output), to compare each export with.

Each export and import runs in a fresh process (``_sync_child.py``): three times for its
time, once with timers on its parts, and once under tracemalloc for the peak of Python
allocations. Every export starts from a copy of the sender as it was when paired, and the
timed exports take turns with the floor's runs. Resident memory is reported once signed
in and at its peak during the work.

    .venv/bin/python benchmarks/run.py sync            # full sizes: several minutes
    .venv/bin/python benchmarks/run.py sync --quick    # a tenth of the sizes

Prints a table and writes the figures to ``benchmarks/results/sync-latest.json``.
"""

from __future__ import annotations

import argparse
import contextlib
import hashlib
import json
import os
import platform
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
import zlib
from collections import Counter
from collections.abc import Iterator
from dataclasses import asdict, dataclass
from datetime import UTC, date, datetime, timedelta
from datetime import time as clock_time
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.ciphers.aead import ChaCha20Poly1305

from hub_store import FULL, QUICK, HubSize, build_hub_store
from lt_desktop import __version__
from lt_desktop.core import demo_text
from lt_desktop.core.sign_in import sign_in
from lt_desktop.core.stores import create_store
from lt_desktop.domain.vocabulary import (
    AttachmentKind,
    AttendanceStatus,
    ConsentScope,
    MembershipRole,
    MembershipStatus,
    PersonBase,
    SessionKind,
    SiteKind,
)
from lt_desktop.storage import models as m
from lt_desktop.storage.kdf import CHEAP_TEST_PARAMS
from lt_desktop.storage.store import Store
from lt_desktop.sync import exchange

HERE = Path(__file__).resolve().parent
RESULTS = HERE / "results"
CHILD = HERE / "_sync_child.py"
TARGET_RATIO = 2.0
PRISON, UNIVERSITY = "HMP Northfield", "University of Eastbridge"
SECOND_HUB = "University of Eastbridge, second office"
PASSWORD = "benchmark password"
RECORDER = "Education department"
DEFAULT_SEED = 20_151_001
PIECE = 64 * 1024


@dataclass(frozen=True)
class PrisonYear:
    cohorts: int = 3
    people_per_cohort: int = 40  # half from each base
    sessions: int = 12
    essays: int = 120
    essay_words: int = 3_000
    scan_bytes: int = 300 * 1024
    stories: int = 1_400


YEAR = PrisonYear()
QUICK_YEAR = PrisonYear(cohorts=1, essays=12, stories=140)


@dataclass(frozen=True)
class Login:
    folder: Path
    username: str
    password: str


def main(argv: list[str] | None = None) -> int:
    args = _arguments(argv)
    runs = args.runs or (1 if args.quick else 3)
    results: dict[str, Any] = {
        "format": 1,
        "mode": "quick" if args.quick else "full",
        "recorded_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "seed": args.seed,
        "machine": _machine(),
        "target_ratio": TARGET_RATIO,
    }
    with tempfile.TemporaryDirectory(prefix="lt-sync-bench-", dir=args.workdir) as scratch:
        work = Path(scratch)
        year = QUICK_YEAR if args.quick else YEAR
        _progress(f"building a prison year ({year.essays} essays with scans)")
        results["prison_year"] = _scenario(
            work / "year", lambda folder: _prison_year_store(folder, year, args.seed), runs, False
        )
        results["prison_year"]["size"] = asdict(year)
        hub_size = QUICK if args.quick else FULL
        _progress(f"building the hub store ({hub_size.people:,} people)")
        results["hub_snapshot"] = _scenario(
            work / "hub",
            lambda folder: _hub_store(folder, hub_size, args.seed),
            runs,
            True,
            second_hub=True,
        )
        results["hub_snapshot"]["size"] = asdict(hub_size)
    results["machine"]["load_average_after"] = _load_average()
    _print_table(results)
    output = args.output or RESULTS / "sync-latest.json"
    _write_json(output, results)
    print(f"\nwritten to {output}")
    return 0


def _arguments(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--quick", action="store_true", help="a tenth of the sizes")
    parser.add_argument("--runs", type=int, help="timed runs of each export and import (3)")
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED)
    parser.add_argument("--output", type=Path, help="where to write the JSON figures")
    parser.add_argument("--workdir", type=Path, help="where to build the stores (a disk to test)")
    args, _ = parser.parse_known_args(argv)
    return args


# -- one scenario: build, pair, export, import, floor -------------------------------------------


def _scenario(
    work: Path, build: Any, runs: int, snapshot: bool, *, second_hub: bool = False
) -> dict[str, Any]:
    work.mkdir()
    started = time.perf_counter()
    prison, rows = build(work / "prison")
    build_seconds = time.perf_counter() - started
    university = _university(work / "university", name=SECOND_HUB if second_hub else UNIVERSITY)
    _pair(prison, university)
    pristine = work / "university-pristine"
    shutil.copytree(university.folder, pristine, ignore=shutil.ignore_patterns("store.lock"))
    figures: dict[str, Any] = {"rows": rows, "build_seconds": build_seconds}

    bundles = work / "bundles"
    bundles.mkdir()
    extra = ["--snapshot"] if snapshot else []

    def export(name: str, *flags: str) -> dict[str, Any]:
        # Every export starts from a copy of the sender as it was when paired (the
        # sender itself never exports), so each run is the same first bundle rather
        # than the next in a sequence (a later one would also carry redactions, and
        # time different work).
        sender = work / "prison-run"
        shutil.rmtree(sender, ignore_errors=True)
        shutil.copytree(prison.folder, sender, ignore=shutil.ignore_patterns("store.lock"))
        recipient = SECOND_HUB if second_hub else UNIVERSITY
        try:
            return _child(
                "export",
                Login(sender, prison.username, prison.password),
                str(bundles / name),
                recipient,
                *extra,
                *flags,
            )
        finally:
            shutil.rmtree(sender, ignore_errors=True)

    # Exports and floor runs take turns, so that a slower or faster stretch of the
    # machine's time falls on both sides of the ratio rather than on one.
    _progress("  exporting, in turn with the floor: the same plaintext through the bare primitives")
    bundle = bundles / "timed-0.ltbundle"
    plaintext = work / "plaintext.jsonl"
    timed: list[dict[str, Any]] = []
    floor: list[dict[str, Any]] = []
    for n in range(runs):
        timed.append(export(f"timed-{n}.ltbundle"))
        if n == 0:
            _capture_plaintext(university, bundle, plaintext)
        floor.append(_floor(plaintext))
    phases = export("phases.ltbundle", "--phases")
    _progress("  exporting under tracemalloc")
    traced = export("traced.ltbundle", "--trace")
    figures["bundle"] = {
        "bytes": timed[0]["bundle_bytes"],
        "plaintext_bytes": timed[0]["plaintext_bytes"],
        "records": timed[0]["records"],
        "redactions": timed[0]["redactions"],
    }
    figures["export"] = _operation(timed, phases, traced, _export_parts)

    def take_in(*flags: str) -> dict[str, Any]:
        copy = work / f"university-{uuid.uuid4().hex[:8]}"
        shutil.copytree(pristine, copy)
        try:
            return _child(
                "import", Login(copy, university.username, university.password), str(bundle), *flags
            )
        finally:
            shutil.rmtree(copy, ignore_errors=True)

    _progress("  importing")
    timed = [take_in() for _ in range(runs)]
    phases = take_in("--phases")
    _progress("  importing under tracemalloc")
    traced = take_in("--trace")
    figures["import"] = _operation(timed, phases, traced, _import_parts)
    figures["import"]["added"] = timed[0]["added"]
    figures["import"]["missing_links"] = timed[0]["missing_links"]

    floor_median = statistics.median(f["seconds"] for f in floor)
    figures["floor"] = {
        "seconds": _spread([f["seconds"] for f in floor]),
        "parts": min(floor, key=lambda f: abs(f["seconds"] - floor_median))["parts"],
        "output_bytes": floor[0]["output_bytes"],
    }
    figures["export_over_floor"] = figures["export"]["seconds"]["median"] / floor_median
    return figures


def _operation(
    timed: list[dict[str, Any]],
    phases: dict[str, Any],
    traced: dict[str, Any],
    parts: Any,
) -> dict[str, Any]:
    return {
        "seconds": _spread([run["seconds"] for run in timed]),
        "seconds_with_timers": phases["seconds"],
        "parts": parts(phases),
        "tracemalloc_peak_bytes": traced["tracemalloc_peak_bytes"],
        "seconds_under_tracemalloc": traced["seconds"],
        "rss_signed_in_bytes": max(run["rss_signed_in_bytes"] or 0 for run in timed),
        "peak_rss_bytes": max(run["peak_rss_bytes"] for run in timed),
        "peak_rss_is_of_the_work": all(run["peak_rss_is_of_the_work"] for run in timed),
    }


def _export_parts(run: dict[str, Any]) -> dict[str, float]:
    """Where an export's time goes, each part counted once."""
    spent = run["phases"]
    write = spent.get("write_bundle", 0.0)
    lines = spent.get("records_to_lines", 0.0)
    read_back = spent.get("read_back", 0.0)
    fsync = spent.get("fsync", 0.0)
    return {
        "records to lines (queries, ORM, JSON)": lines,
        "compress, seal and check, sign, write": max(0.0, write - lines - read_back - fsync),
        "fsync (bundle and key file)": fsync,
        "read back and verify": read_back,
        "transactions around it": max(0.0, run["seconds"] - write),
    }


def _import_parts(run: dict[str, Any]) -> dict[str, float]:
    spent = run["phases"]
    check = spent.get("open_and_check_signature", 0.0)
    decrypt = spent.get("decrypt_and_inflate", 0.0)
    decode = spent.get("lines_to_records", 0.0)
    merge = spent.get("merge", 0.0)
    return {
        "check the signature": check,
        "decrypt and inflate": decrypt,
        "lines to records (JSON)": max(0.0, decode - decrypt),
        "merge (ORM, queries, inserts)": max(0.0, merge - decode),
        "commit and the rest": max(0.0, run["seconds"] - check - merge),
    }


def _child(action: str, login: Login, *args: str) -> dict[str, Any]:
    command = [sys.executable, str(CHILD), action, str(login.folder), login.username]
    completed = subprocess.run(
        [*command, login.password, *args],
        capture_output=True,
        text=True,
        cwd=HERE,
        env=dict(os.environ),
    )
    if completed.returncode != 0:
        raise SystemExit(f"{action} failed:\n{completed.stderr}")
    result: dict[str, Any] = json.loads(completed.stdout.strip().splitlines()[-1])
    return result


# -- the stores -----------------------------------------------------------------------------------


def _university(folder: Path, *, name: str = UNIVERSITY) -> Login:
    create_store(
        folder,
        site_name=name,
        site_kind=SiteKind.UNIVERSITY,
        admin_username="coordinator",
        admin_display_name="Coordinator",
        admin_password=PASSWORD,
        kdf=CHEAP_TEST_PARAMS,
    ).store.close()
    return Login(folder, "coordinator", PASSWORD)


def _pair(a: Login, b: Login) -> None:
    with sign_in(a.folder, a.username, a.password) as workspace:
        card_a, printed_a = workspace.sync.site_card()
    with sign_in(b.folder, b.username, b.password) as workspace:
        card_b, printed_b = workspace.sync.site_card()
        workspace.sync.pair(card_a, printed_a)
    with sign_in(a.folder, a.username, a.password) as workspace:
        workspace.sync.pair(card_b, printed_b)


def _hub_store(folder: Path, size: HubSize, seed: int) -> tuple[Login, dict[str, int]]:
    built = build_hub_store(folder, size, seed=seed, site_kind=SiteKind.UNIVERSITY)
    return Login(built.folder, built.username, built.password), dict(built.summary.rows)


def _prison_year_store(folder: Path, size: PrisonYear, seed: int) -> tuple[Login, dict[str, int]]:
    created = create_store(
        folder,
        site_name=PRISON,
        site_kind=SiteKind.PRISON,
        admin_username="education",
        admin_display_name="Education Department",
        admin_password=PASSWORD,
        kdf=CHEAP_TEST_PARAMS,
    )
    try:
        rows = _fill_prison_year(created.store, size, random.Random(seed))
    finally:
        created.store.close()
    return Login(folder, "education", PASSWORD), dict(rows)


def _fill_prison_year(store: Store, size: PrisonYear, rng: random.Random) -> Counter[str]:
    """The year's records through the ORM and the store's own SessionFactory, table by
    table (parents first, since most models have no relationships to order inserts by),
    each table in one transaction."""
    rows: Counter[str] = Counter()
    year = _YearPlan(size, rng)
    for records, per_flush in (
        (year.programme(), 2_000),
        (year.people(), 2_000),
        (year.memberships(), 2_000),
        (year.registers(), 2_000),
        (year.consents(), 2_000),
        (year.essays(), 200),
        (year.scans(), 16),  # 300 KB each: a few MB at a time
        (year.stories(), 2_000),
    ):
        with store.write() as session:
            batch: list[m.SyncedRecord] = []
            for record in records:
                if batch and (len(batch) >= per_flush or type(record) is not type(batch[-1])):
                    session.add_all(batch)
                    session.flush()
                    session.expunge_all()
                    batch = []
                batch.append(record)
                rows[type(record).__tablename__] += 1
            session.add_all(batch)
    return rows


class _YearPlan:
    def __init__(self, size: PrisonYear, rng: random.Random) -> None:
        self.size = size
        self.rng = rng
        self.partnership_id, self.course_id = self.new_id(), self.new_id()
        first = date(2025, 9, 15)
        self.cohorts = [
            (self.new_id(), first + timedelta(weeks=16 * n)) for n in range(size.cohorts)
        ]
        self.sessions = {
            cohort_id: [(self.new_id(), starts + timedelta(weeks=w)) for w in range(size.sessions)]
            for cohort_id, starts in self.cohorts
        }
        half = size.people_per_cohort // 2
        self.members = {
            cohort_id: [
                (
                    self.new_id(),
                    self.new_id(),
                    PersonBase.PRISON if n < half else PersonBase.UNIVERSITY,
                )
                for n in range(size.people_per_cohort)
            ]  # (person id, membership id, base)
            for cohort_id, _ in self.cohorts
        }
        self.essay_ids: list[uuid.UUID] = []

    def new_id(self) -> uuid.UUID:
        return uuid.UUID(int=self.rng.getrandbits(128), version=4)

    def programme(self) -> Iterator[m.SyncedRecord]:
        yield m.Partnership(
            id=self.partnership_id,
            name="Northfield and Eastbridge Learning Together",
            prison_name=PRISON,
            university_name=UNIVERSITY,
        )
        yield m.Course(
            id=self.course_id,
            partnership_id=self.partnership_id,
            title="Crime, Justice and Society",
            accredited=True,
            credits=15,
        )
        for cohort_id, starts in self.cohorts:
            yield m.Cohort(
                id=cohort_id,
                course_id=self.course_id,
                name=f"{starts:%B %Y}",
                starts_on=starts,
                ends_on=starts + timedelta(weeks=self.size.sessions - 1),
                capacity=self.size.people_per_cohort,
            )
        for cohort_id, _ in self.cohorts:
            for week, (session_id, held_on) in enumerate(self.sessions[cohort_id], start=1):
                yield m.ClassSession(
                    id=session_id,
                    cohort_id=cohort_id,
                    week=week,
                    held_on=held_on,
                    kind=SessionKind.LECTURE_AND_DISCUSSION,
                    title=self.rng.choice(demo_text.LECTURES)[0],
                    starts_at=clock_time(13, 30),
                    ends_at=clock_time(16, 0),
                    reading_1=f"Reading pack, week {week}",
                    location="Education block, room 2",
                )

    def people(self) -> Iterator[m.SyncedRecord]:
        for members in self.members.values():
            for person_id, _, base in members:
                yield m.Person(
                    id=person_id,
                    given_name=self.rng.choice(demo_text.GIVEN_NAMES),
                    family_name=self.rng.choice(demo_text.FAMILY_NAMES),
                    base=base,
                    research_id="R" + uuid.UUID(int=self.rng.getrandbits(128)).hex[:9].upper(),
                )

    def memberships(self) -> Iterator[m.SyncedRecord]:
        for cohort_id, starts in self.cohorts:
            for person_id, membership_id, _ in self.members[cohort_id]:
                yield m.Membership(
                    id=membership_id,
                    cohort_id=cohort_id,
                    person_id=person_id,
                    role=MembershipRole.STUDENT,
                    status=MembershipStatus.ACTIVE,
                    status_since=starts,
                    joined_on=starts,
                )
                yield m.MembershipStatusChange(
                    id=self.new_id(),
                    membership_id=membership_id,
                    status=MembershipStatus.ACTIVE,
                    effective_on=starts,
                    reason="Enrolled",
                    recorded_by_name=RECORDER,
                )

    def registers(self) -> Iterator[m.SyncedRecord]:
        for cohort_id, _ in self.cohorts:
            for session_id, held_on in self.sessions[cohort_id]:
                for person_id, _, _ in self.members[cohort_id]:
                    late = self.rng.random() < 0.1
                    yield m.AttendanceMark(
                        id=self.new_id(),
                        session_id=session_id,
                        person_id=person_id,
                        status=AttendanceStatus.LATE if late else AttendanceStatus.PRESENT,
                        recorded_by_name=RECORDER,
                        recorded_at=datetime.combine(held_on, clock_time(16, 5), UTC),
                    )

    def consents(self) -> Iterator[m.SyncedRecord]:
        for cohort_id, starts in self.cohorts:
            for n, (person_id, _, _) in enumerate(self.members[cohort_id]):
                for scope in (ConsentScope.STORIES, ConsentScope.SHARE_WITH_UNIVERSITY):
                    yield m.Consent(
                        id=self.new_id(),
                        person_id=person_id,
                        scope=scope,
                        given_on=starts - timedelta(days=14),
                        form_reference=f"CF-{n + 1:03d}",
                        recorded_by_name=RECORDER,
                    )

    def essays(self) -> Iterator[m.SyncedRecord]:
        writers = [
            (cohort_id, membership_id)
            for cohort_id, _ in self.cohorts
            for _, membership_id, _ in self.members[cohort_id]
        ]
        for n, (_, membership_id) in enumerate(writers[: self.size.essays]):
            essay_id = self.new_id()
            self.essay_ids.append(essay_id)
            body = _essay(self.rng, self.size.essay_words)
            yield m.Essay(
                id=essay_id,
                membership_id=membership_id,
                candidate_number=f"C{n + 1:06d}",
                title=self.rng.choice(demo_text.ESSAY_TITLES),
                text=body,
                word_count=len(body.split()),
                submitted_on=date(2026, 7, 1),
            )

    def scans(self) -> Iterator[m.SyncedRecord]:
        for n, essay_id in enumerate(self.essay_ids):
            data = self.rng.randbytes(self.size.scan_bytes)  # a scan does not compress
            yield m.Attachment(
                id=self.new_id(),
                kind=AttachmentKind.ESSAY_SCAN,
                filename=f"essay-{n + 1:03d}.pdf",
                media_type="application/pdf",
                size=len(data),
                sha256=hashlib.sha256(data).hexdigest(),
                data=data,
                essay_id=essay_id,
            )

    def stories(self) -> Iterator[m.SyncedRecord]:
        slots = [
            (session_id, held_on, person_id)
            for cohort_id, _ in self.cohorts
            for session_id, held_on in self.sessions[cohort_id]
            for person_id, _, _ in self.members[cohort_id]
        ]
        for session_id, held_on, person_id in self.rng.sample(slots, self.size.stories):
            yield m.Story(
                id=self.new_id(),
                session_id=session_id,
                person_id=person_id,
                text=" ".join(self.rng.sample(demo_text.STORY_SENTENCES, 4)),
                written_on=held_on,
                transcribed_by_name=RECORDER,
            )


def _essay(rng: random.Random, words: int) -> str:
    sentences = demo_text.ESSAY_SENTENCES + demo_text.STORY_SENTENCES
    paragraphs, paragraph, count = [], [], 0
    while count < words:
        sentence = rng.choice(sentences)
        paragraph.append(sentence)
        count += len(sentence.split())
        if len(paragraph) >= rng.randint(4, 8):
            paragraphs.append(" ".join(paragraph))
            paragraph = []
    paragraphs.append(" ".join(paragraph))
    return "\n\n".join(p for p in paragraphs if p)


# -- the floor ---------------------------------------------------------------------------------


def _capture_plaintext(university: Login, bundle: Path, target: Path) -> None:
    """The lines the export wrote, as the university reads them (once, outside any timing)."""
    copy = university.folder.parent / "university-reader"
    shutil.copytree(university.folder, copy, ignore=shutil.ignore_patterns("store.lock"))
    with sign_in(copy, university.username, university.password) as workspace:
        with workspace.store.read() as session, open(target, "wb") as out:
            opened = exchange.open_incoming(session, workspace.store, bundle)
            for piece in opened.chunks():
                out.write(piece)
    shutil.rmtree(copy, ignore_errors=True)


def _floor(plaintext: Path) -> dict[str, Any]:
    """Read, compress, seal in 64 KiB pieces, hash and sign: the container's work and
    nothing else (no database, no encoding of records, no writing, no reading back)."""
    aead = ChaCha20Poly1305(ChaCha20Poly1305.generate_key())
    signer = Ed25519PrivateKey.generate()
    compressor = zlib.compressobj(6, zlib.DEFLATED, zlib.MAX_WBITS)
    digest = hashlib.sha512(os.urandom(88))  # the preamble: magic, header, key, salt
    parts = {"read": 0.0, "compress": 0.0, "encrypt": 0.0, "hash and sign": 0.0}
    pending = bytearray()
    counter = output = 0

    def seal(piece: bytes, last: bool) -> None:
        nonlocal counter, output
        started = time.perf_counter()
        sealed = aead.encrypt(counter.to_bytes(11, "big") + bytes([last]), piece, None)
        middle = time.perf_counter()
        digest.update(sealed)
        parts["encrypt"] += middle - started
        parts["hash and sign"] += time.perf_counter() - middle
        counter += 1
        output += len(sealed)

    started = time.perf_counter()
    with open(plaintext, "rb") as source:
        while True:
            tick = time.perf_counter()
            block = source.read(256 * 1024)
            parts["read"] += time.perf_counter() - tick
            if not block:
                break
            tick = time.perf_counter()
            pending += compressor.compress(block)
            parts["compress"] += time.perf_counter() - tick
            while len(pending) > PIECE:
                seal(bytes(pending[:PIECE]), last=False)
                del pending[:PIECE]
    tick = time.perf_counter()
    pending += compressor.flush()
    parts["compress"] += time.perf_counter() - tick
    while len(pending) > PIECE:
        seal(bytes(pending[:PIECE]), last=False)
        del pending[:PIECE]
    seal(bytes(pending), last=True)
    tick = time.perf_counter()
    signer.sign(b"LT-DESKTOP-BUNDLE v1 signature\x00" + digest.digest())
    parts["hash and sign"] += time.perf_counter() - tick
    return {"seconds": time.perf_counter() - started, "parts": parts, "output_bytes": output}


# -- reporting ---------------------------------------------------------------------------------


def _print_table(results: dict[str, Any]) -> None:
    machine = results["machine"]
    print()
    print(
        f"LT Desktop sync benchmarks, {results['mode']} sizes: {machine['cpu_count']} CPUs, "
        f"Python {machine['python']}, load {machine['load_average_before']} before, "
        f"{machine['load_average_after']} after"
    )
    scenarios = (("prison_year", "prison year"), ("hub_snapshot", "hub snapshot"))
    for key, label in scenarios:
        s = results[key]
        bundle = s["bundle"]
        print(
            f"\n{label}: {sum(s['rows'].values()):,} rows built in {_seconds(s['build_seconds'])}; "
            f"bundle {_mib(bundle['bytes'])} ({_mib(bundle['plaintext_bytes'])} of lines, "
            f"{bundle['records']:,} records)"
        )
        rows = [["", "median", "min", "max", "tracemalloc peak", "RSS signed in", "peak RSS"]]
        for what in ("export", "import"):
            op = s[what]
            rows.append(
                [
                    what,
                    _seconds(op["seconds"]["median"]),
                    _seconds(op["seconds"]["min"]),
                    _seconds(op["seconds"]["max"]),
                    _mib(op["tracemalloc_peak_bytes"]),
                    _mib(op["rss_signed_in_bytes"]),
                    _mib(op["peak_rss_bytes"]),
                ]
            )
        floor = s["floor"]["seconds"]
        rows.append(
            ["floor", _seconds(floor["median"]), _seconds(floor["min"]), _seconds(floor["max"])]
            + ["", "", ""]
        )
        _print_rows(rows)
        verdict = "within" if s["export_over_floor"] <= TARGET_RATIO else "OVER"
        print(
            f"  export / floor: {s['export_over_floor']:.2f}x "
            f"(target at most {TARGET_RATIO:g}x: {verdict})"
        )
        for what in ("export", "import"):
            parts = s[what]["parts"]
            total = s[what]["seconds_with_timers"]
            shares = ", ".join(
                f"{name} {_seconds(spent)} ({spent / total:.0%})" for name, spent in parts.items()
            )
            print(f"  {what}, timed in parts ({_seconds(total)}): {shares}")
        parts = s["floor"]["parts"]
        print("  floor in parts: " + ", ".join(f"{k} {_seconds(v)}" for k, v in parts.items()))


def _print_rows(rows: list[list[str]]) -> None:
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    for row in rows:
        cells = [row[0].ljust(widths[0])]
        cells += [cell.rjust(width) for cell, width in zip(row[1:], widths[1:], strict=True)]
        print("  " + "  ".join(cells).rstrip())


def _seconds(value: float) -> str:
    return f"{value * 1000:.1f} ms" if value < 1 else f"{value:.2f} s"


def _mib(value: float) -> str:
    return f"{value / 2**20:.1f} MiB"


def _spread(values: list[float]) -> dict[str, Any]:
    return {
        "median": statistics.median(values),
        "min": min(values),
        "max": max(values),
        "runs": values,
    }


def _machine() -> dict[str, Any]:
    return {
        "cpu_count": os.cpu_count(),
        "platform": platform.platform(),
        "python": platform.python_version(),
        "lt_desktop": __version__,
        "load_average_before": _load_average(),
    }


def _load_average() -> list[float] | None:
    with contextlib.suppress(OSError, AttributeError):
        return [round(x, 2) for x in os.getloadavg()]
    return None


_STARTED = time.perf_counter()


def _progress(message: str) -> None:
    print(f"{time.perf_counter() - _STARTED:6.1f} s  {message}", file=sys.stderr, flush=True)


def _write_json(path: Path, results: dict[str, Any]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(path.name + ".tmp")
    temporary.write_text(json.dumps(results, indent=2, default=str) + "\n")
    os.replace(temporary, path)


if __name__ == "__main__":
    raise SystemExit(main())
