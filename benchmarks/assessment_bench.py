"""Assessment and research benchmarks, on the hub-sized store.

- opening a 3,000-word essay with a 300 KB scan, as its marker (the essay and the scan);
- allocating first and second markers to 2,000 essays (every cohort of the hub);
- the research export over the hub-sized store (20,000 stories, questionnaires).

    .venv/bin/python benchmarks/run.py assessment [--quick]
"""

from __future__ import annotations

import argparse
import json
import os
import secrets
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import delete, select

from hub_store import FULL, QUICK, build_hub_store
from lt_desktop.core.services.base import Actor
from lt_desktop.core.workspace import Workspace
from lt_desktop.domain.roles import Role
from lt_desktop.domain.vocabulary import MarkPosition
from lt_desktop.storage import kdf
from lt_desktop.storage.models import EssayMark, Membership, User

RESULTS = Path(__file__).resolve().parent / "results"
PASSWORD = "benchmark marker password"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Assessment and research benchmarks")
    parser.add_argument("--quick", action="store_true", help="a tenth of the hub store")
    parser.add_argument("--runs", type=int, default=7)
    args, _ = parser.parse_known_args(argv)
    os.environ[kdf.TEST_KDF_SETTING] = "cheap"  # key derivation is not measured here
    size = QUICK if args.quick else FULL
    results: dict[str, Any] = {
        "format": 1,
        "mode": "quick" if args.quick else "full",
        "recorded_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "cpus": os.cpu_count(),
    }
    with tempfile.TemporaryDirectory(prefix="lt-assessment-bench-") as scratch:
        folder = Path(scratch) / "hub"
        _progress(f"building the hub store ({size.essays:,} essays, {size.stories:,} stories)")
        built = build_hub_store(folder, size)
        with built.signed_in() as workspace:
            store = workspace.store
            markers = [
                workspace.accounts.add_account(
                    f"marker{n}", display_name=f"Marker {n}", role=Role.MARKER, password=PASSWORD
                )
                for n in range(1, 7)
            ]
            _progress("opening a 3,000-word essay with a 300 KB scan")
            results["open_essay"] = _open_essay(workspace, store, markers[0].id, args.runs)
            _progress("allocating markers to every essay")
            results["allocate"] = _allocate(workspace, store, [m.id for m in markers])
            _progress("the research export")
            results["research_export"] = _research_export(workspace, Path(scratch), args.runs)
    _print(results)
    RESULTS.mkdir(exist_ok=True)
    output = RESULTS / "assessment-latest.json"
    output.write_text(json.dumps(results, indent=2) + "\n")
    print(f"\nwritten to {output}")
    return 0


def _as(store: Any, user_id: Any) -> Workspace:
    with store.read() as session:
        return Workspace(store, Actor.from_user(session.get(User, user_id)))


def _open_essay(workspace: Workspace, store: Any, marker_id: Any, runs: int) -> dict[str, Any]:
    cohort = workspace.programme.list_cohorts()[0]
    person = workspace.people.add_person(
        given_name="Long",
        family_name="Essay",
        base=workspace.people.get_person(workspace.people.list_people()[0].id).base,
    )
    member = workspace.memberships.enrol(cohort.id, person.id)
    words = " ".join(
        secrets.choice(
            [
                "learning",
                "together",
                "justice",
                "repair",
                "voice",
                "belonging",
                "classroom",
                "legitimacy",
                "desistance",
                "story",
            ]
        )
        for _ in range(3000)
    )
    essay = workspace.essays.record_essay(member.id, title="A long reflection", text=words)
    scan = b"\x89PNG\r\n\x1a\n" + secrets.token_bytes(300 * 1024)
    workspace.essays.attach_scan(essay.id, "page-1.png", scan)
    with store.write() as session:
        session.add(
            EssayMark(
                essay_id=essay.id,
                position=MarkPosition.FIRST,
                marker_id=marker_id,
                marker_name="Marker 1",
            )
        )
    marker = _as(store, marker_id)
    text_times, scan_times = [], []
    for _ in range(runs):
        started = time.perf_counter()
        opened = marker.marking.open_essay(essay.candidate_number)
        text_times.append(time.perf_counter() - started)
        started = time.perf_counter()
        data = marker.marking.scan_data(essay.candidate_number, opened.scans[0].id)
        scan_times.append(time.perf_counter() - started)
        assert opened.word_count == 3000 and len(data) == len(scan)
    return {
        "essay_seconds": _spread(text_times),
        "scan_seconds": _spread(scan_times),
        "scan_bytes": len(scan),
        "words": 3000,
    }


def _allocate(workspace: Workspace, store: Any, marker_ids: list[Any]) -> dict[str, Any]:
    with store.write() as session:
        # The hub's essays were marked on paper; start them again, awaiting markers.
        session.execute(delete(EssayMark))
        cohorts = list(session.scalars(select(Membership.cohort_id).distinct()))
    started = time.perf_counter()
    allocated = 0
    for cohort_id in cohorts:
        allocated += workspace.essays.allocate_markers(cohort_id, marker_ids).allocated
    seconds = time.perf_counter() - started
    return {
        "essays": allocated // 2,
        "marks_allocated": allocated,
        "seconds": seconds,
        "cohorts": len(cohorts),
    }


def _research_export(workspace: Workspace, scratch: Path, runs: int) -> dict[str, Any]:
    researcher = workspace.accounts.add_account(
        "researcher1", display_name="Researcher", role=Role.RESEARCHER, password=PASSWORD
    )
    reader = _as(workspace.store, researcher.id)
    times, result = [], None
    for n in range(max(1, runs // 3)):
        folder = scratch / f"export-{n}"
        folder.mkdir()
        started = time.perf_counter()
        result = reader.research.export(folder)
        times.append(time.perf_counter() - started)
    assert result is not None
    return {
        "seconds": _spread(times),
        "files": result.files,
        "people": result.people,
        "bytes": sum(f.stat().st_size for f in (scratch / "export-0").iterdir()),
    }


def _spread(values: list[float]) -> dict[str, float]:
    ordered = sorted(values)
    return {"median": statistics.median(ordered), "worst": ordered[-1], "runs": len(ordered)}


def _print(results: dict[str, Any]) -> None:
    essay = results["open_essay"]
    allocate = results["allocate"]
    export = results["research_export"]
    print()
    print(
        f"open a 3,000-word essay (marker)      {essay['essay_seconds']['median'] * 1000:8.1f} ms"
    )
    print(f"fetch its 300 KB scan                 {essay['scan_seconds']['median'] * 1000:8.1f} ms")
    print(
        f"allocate markers: {allocate['essays']:,} essays in {allocate['cohorts']} cohorts"
        f"   {allocate['seconds']:8.2f} s"
    )
    rows = sum(export["files"].values())
    print(
        f"research export: {rows:,} rows, {export['people']:,} people, "
        f"{export['bytes'] / 1_048_576:.1f} MB   {export['seconds']['median']:8.2f} s"
    )


def _progress(message: str) -> None:
    print(f"... {message}", flush=True)


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
