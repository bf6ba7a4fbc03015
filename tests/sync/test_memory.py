"""Writing or taking in a bundle never holds the whole bundle in memory.

A year at a prison carries over a hundred essay scans of a few hundred kilobytes each,
and a hub's snapshot hundreds of thousands of records; either must go through a machine
with little memory to spare. Twenty more scans in a bundle may cost a scan or two of
memory while it is written or taken in, not twenty; thousands more records, nothing
that grows with them.
"""

from __future__ import annotations

import random
import tracemalloc
from collections.abc import Callable
from datetime import date
from pathlib import Path

import pytest

from lt_desktop.core.sign_in import sign_in
from lt_desktop.domain.vocabulary import MembershipRole, PersonBase, SiteKind
from lt_desktop.storage.models import StoryQuestion
from lt_desktop.sync import bundle as bundle_module
from tests.helpers.sites import (
    UNIVERSITY_ADMIN,
    UNIVERSITY_PASSWORD,
    Site,
    copy_site,
    new_site,
    pair,
)

SCAN_BYTES = 512 * 1024
ESSAYS = 28


def _peak(work: Callable[[], object]) -> int:
    """The most memory Python allocations reached during ``work``, over what was there."""
    tracemalloc.start()
    try:
        work()
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def _prison_with_essays(folder: Path) -> Site:
    """A cohort whose every student has handed in an essay, and nothing more: the
    scans are what the bundle is made of."""
    prison = new_site(folder, "HMP Northfield", SiteKind.PRISON, "education", "education 1")
    with sign_in(prison.folder, prison.username, prison.password) as workspace:
        partnership = workspace.programme.add_partnership(
            name="Northfield and Eastbridge", prison_name="HMP Northfield", university_name="UoE"
        )
        course = workspace.programme.add_course(partnership_id=partnership.id, title="Crime")
        cohort = workspace.programme.add_cohort(
            course_id=course.id,
            name="September",
            starts_on=date(2026, 9, 7),
            ends_on=date(2026, 12, 14),
        )
        members = []
        for n in range(ESSAYS):
            person = workspace.people.add_person(
                given_name=f"Student {n + 1}",
                family_name="Example",
                base=PersonBase.PRISON if n % 2 else PersonBase.UNIVERSITY,
            )
            members.append(
                workspace.memberships.enrol(cohort.id, person.id, role=MembershipRole.STUDENT).id
            )
        for membership_id in members:
            workspace.essays.record_essay(
                membership_id, title="What I learned", text="A reflective essay. " * 400
            )
    return prison


def _add_scans(prison: Site, count: int, noise: random.Random) -> None:
    with sign_in(prison.folder, prison.username, prison.password) as workspace:
        (cohort,) = workspace.programme.list_cohorts()
        unscanned = [e for e in workspace.essays.list_essays(cohort.id) if not e.scans]
        for essay in unscanned[:count]:
            scan = b"%PDF-1.4\n" + noise.randbytes(SCAN_BYTES)  # a scan does not compress
            workspace.essays.attach_scan(essay.id, f"{essay.candidate_number}.pdf", scan)


def test_memory_does_not_grow_with_the_scans_a_bundle_carries(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # How full the writer's queue gets depends on how the reads and the compressor
    # keep pace, which varies from run to run; its bound is held in test_bundle.py.
    # Kept small here, so that what is measured is only what each scan might cost.
    monkeypatch.setattr(bundle_module, "_PIECES_IN_FLIGHT", 2)
    prison = _prison_with_essays(tmp_path / "prison")
    university = new_site(
        tmp_path / "university",
        "University of Eastbridge",
        SiteKind.UNIVERSITY,
        UNIVERSITY_ADMIN,
        UNIVERSITY_PASSWORD,
    )
    pair(prison, university)
    noise = random.Random(4)

    def measure(name: str) -> tuple[int, int]:
        bundle = tmp_path / f"{name}.ltbundle"
        at = copy_site(university, tmp_path / f"university-{name}")
        with sign_in(prison.folder, prison.username, prison.password) as workspace:
            partner = workspace.sync.partner_id(university.name)
            exporting = _peak(lambda: workspace.sync.export(partner, bundle, snapshot=True))
        with sign_in(at.folder, at.username, at.password) as workspace:
            importing = _peak(lambda: workspace.sync.import_bundle(bundle))
        return exporting, importing

    def least(name: str) -> tuple[int, int]:
        """The least of three peaks: how the reader, compressor and writer threads take
        turns adds up to a megabyte to one run's peak, whatever the bundle holds."""
        runs = [measure(f"{name}-{n}") for n in range(3)]
        return min(r[0] for r in runs), min(r[1] for r in runs)

    measure("warm-up")  # statement caches and the like, filled once
    # From about eight scans on, the writer has as many pieces in flight as it ever
    # holds; with fewer, less is in flight at once, which is not growth with the bundle.
    _add_scans(prison, 8, noise)
    few = least("eight-scans")
    _add_scans(prison, 20, noise)
    many = least("twenty-eight-scans")
    grown = {"export": many[0] - few[0], "import": many[1] - few[1]}
    mib = {what: f"{value / 2**20:.1f} MiB" for what, value in grown.items()}
    assert grown["export"] < 2 * SCAN_BYTES, f"20 more scans of 0.5 MiB cost: {mib}"
    assert grown["import"] < 2 * SCAN_BYTES, f"20 more scans of 0.5 MiB cost: {mib}"


def test_memory_does_not_grow_with_the_number_of_records_taken_in(tmp_path: Path) -> None:
    """Questions asked with every story (they travel to the university whatever the
    cohort): the smallest records there are, so only their number can cost memory."""
    prison = new_site(tmp_path / "prison", "HMP Northfield", SiteKind.PRISON, "education", "e 1")
    university = new_site(
        tmp_path / "university",
        "University of Eastbridge",
        SiteKind.UNIVERSITY,
        UNIVERSITY_ADMIN,
        UNIVERSITY_PASSWORD,
    )
    pair(prison, university)
    peaks = {}
    written = 0
    for count in (100, 1_500, 7_500):  # the first fills the statement caches, once
        with sign_in(prison.folder, prison.username, prison.password) as workspace:
            with workspace.store.write() as session:
                session.add_all(
                    StoryQuestion(position=n, text=f"Question {n + 1}")
                    for n in range(written, count)
                )
            written = count
            partner = workspace.sync.partner_id(university.name)
            bundle = tmp_path / f"{count}.ltbundle"
            workspace.sync.export(partner, bundle, snapshot=True)
        at = copy_site(university, tmp_path / f"university-{count}")
        with sign_in(at.folder, at.username, at.password) as workspace:
            peaks[count] = _peak(lambda: workspace.sync.import_bundle(bundle))  # noqa: B023
    grown = peaks[7_500] - peaks[1_500]
    # A merge that holds nothing per record still peaks a third of a MiB higher here
    # (more garbage waiting to be collected); one that remembers every record, far more.
    assert grown < 768 * 1024, f"6,000 more records cost {grown / 2**20:.2f} MiB to take in"
