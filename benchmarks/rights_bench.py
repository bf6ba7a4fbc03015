"""People's rights over their data, on the hub-sized store.

- answering an access request for a person with a full course record: everything
  held about them gathered, and written as a PDF, JSON and a CSV per section;
- erasing a person with a full course record: the preview of what will go, and the
  erasure itself (every record about them blanked and marked deleted in one
  transaction, then the journal checkpointed so nothing erased is left in it). Each
  run erases another of the people with the most records;
- the retention schedule at its defaults: working out what is due, and erasing it all
  in one transaction.

    .venv/bin/python benchmarks/run.py rights [--quick]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
import time
import uuid
from collections import Counter
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import func, select

from hub_store import FULL, QUICK, build_hub_store
from lt_desktop.core.workspace import Workspace
from lt_desktop.documents.access_export import write_person_data
from lt_desktop.domain.retention import PeriodUnit, RetentionKind
from lt_desktop.storage import kdf
from lt_desktop.storage import models as m
from lt_desktop.storage.store import Store

RESULTS = Path(__file__).resolve().parent / "results"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Benchmarks of people's rights over their data")
    parser.add_argument("--quick", action="store_true", help="a tenth of the hub store")
    parser.add_argument("--runs", type=int, default=5)
    args, _ = parser.parse_known_args(argv)
    os.environ[kdf.TEST_KDF_SETTING] = "cheap"  # key derivation is not measured here
    size = QUICK if args.quick else FULL
    results: dict[str, Any] = {
        "format": 1,
        "mode": "quick" if args.quick else "full",
        "recorded_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "cpus": os.cpu_count(),
    }
    with tempfile.TemporaryDirectory(prefix="lt-rights-bench-") as scratch:
        folder = Path(scratch) / "hub"
        _progress(f"building the hub store ({size.people:,} people, {size.cohorts} cohorts)")
        built = build_hub_store(folder, size)
        with built.signed_in() as workspace:
            store = workspace.store
            _progress(f"access requests of {args.runs} people with full course records")
            results["access_request"] = _access_requests(
                workspace, store, Path(scratch) / "out", args.runs
            )
            _progress(f"erasing {args.runs} people with full course records")
            results["erasure"] = _erasure(workspace, store, args.runs)
            _progress("the retention schedule: what is due, then erasing it")
            results["retention"] = _retention(workspace)
    _print(results)
    RESULTS.mkdir(exist_ok=True)
    output = RESULTS / "rights-latest.json"
    output.write_text(json.dumps(results, indent=2) + "\n")
    print(f"\nresults written to {output}")
    return 0


def _most_recorded(store: Store, count: int) -> list[uuid.UUID]:
    """The people with the most records about them, those living at this site."""
    with store.read() as session:
        tally: Counter[uuid.UUID] = Counter()
        for model in (m.AttendanceMark, m.Story, m.Consent):
            tally.update(
                dict(
                    session.execute(
                        select(model.person_id, func.count()).group_by(model.person_id)
                    ).all()
                )
            )
        essays = (
            select(m.Membership.person_id, func.count(m.Essay.id))
            .join(m.Essay, m.Essay.membership_id == m.Membership.id)
            .group_by(m.Membership.person_id)
        )
        tally.update(dict(session.execute(essays).all()))
        home = {
            person_id
            for person_id, base in session.execute(select(m.Person.id, m.Person.base)).all()
            if base.value == store.site.kind.value
        }
    return [person_id for person_id, _ in tally.most_common() if person_id in home][:count]


def _erasure(workspace: Workspace, store: Store, runs: int) -> dict[str, Any]:
    previews: list[float] = []
    erasures: list[float] = []
    records: list[int] = []
    for person_id in _most_recorded(store, runs):
        started = time.perf_counter()
        preview = workspace.erasure.preview(person_id)
        previews.append(time.perf_counter() - started)
        started = time.perf_counter()
        workspace.erasure.erase(person_id)
        erasures.append(time.perf_counter() - started)
        records.append(preview.total)
    return {
        "records_per_person": records,
        "preview_ms": _stats(previews),
        "erase_ms": _stats(erasures),
    }


def _access_requests(workspace: Workspace, store: Store, out: Path, runs: int) -> dict[str, Any]:
    seconds: list[float] = []
    sizes: list[int] = []
    out.mkdir(parents=True, exist_ok=True)
    for number, person_id in enumerate(_most_recorded(store, runs)):
        folder = out / f"request-{number}"
        started = time.perf_counter()
        workspace.access_requests.export(person_id, folder, pdf=write_person_data)
        seconds.append(time.perf_counter() - started)
        sizes.append(sum(f.stat().st_size for f in folder.rglob("*") if f.is_file()))
    return {"export_ms": _stats(seconds), "folder_bytes": sizes}


def _retention(workspace: Workspace) -> dict[str, Any]:
    """At its defaults, then at the shortest periods (a month after each cohort ends,
    the study ended today), so that most of the store falls due and is erased."""
    retention = workspace.retention
    started = time.perf_counter()
    due = retention.due()
    at_defaults = time.perf_counter() - started
    for kind in (RetentionKind.RESEARCH_DATA, RetentionKind.APPLICATIONS):
        retention.set_period(kind, 1, PeriodUnit.MONTHS)
    retention.set_study_end(date.today())
    started = time.perf_counter()
    due = retention.due()
    worked_out = time.perf_counter() - started
    records = sum(sum(c.count for c in d.counts) for d in due)
    people = sum(d.people for d in due)
    started = time.perf_counter()
    retention.apply()
    erased = time.perf_counter() - started
    return {
        "due_at_defaults_ms": at_defaults * 1000,
        "due_ms": worked_out * 1000,
        "records_due": records,
        "people_due": people,
        "apply_ms": erased * 1000,
    }


def _stats(seconds: list[float]) -> dict[str, float]:
    ms = sorted(s * 1000 for s in seconds)
    return {"median": statistics.median(ms), "worst": ms[-1], "runs": len(ms)}


def _print(results: dict[str, Any]) -> None:
    erasure = results["erasure"]
    access = results["access_request"]
    print()
    figures = access["export_ms"]
    kilobytes = ", ".join(f"{size / 1024:,.0f} KB" for size in access["folder_bytes"])
    print(
        f"access request, gathered and written: median {figures['median']:,.0f} ms, "
        f"worst {figures['worst']:,.0f} ms; folders of {kilobytes}"
    )
    print()
    print("| | median | worst | records per person |")
    print("| --- | ---: | ---: | --- |")
    held = ", ".join(str(n) for n in erasure["records_per_person"])
    for label, key in (("preview of an erasure", "preview_ms"), ("erasing a person", "erase_ms")):
        figures = erasure[key]
        print(f"| {label} | {figures['median']:,.0f} ms | {figures['worst']:,.0f} ms | {held} |")
    retention = results["retention"]
    print(
        f"\nretention: what is due at the defaults worked out in "
        f"{retention['due_at_defaults_ms']:,.0f} ms; at the shortest periods "
        f"{retention['records_due']:,} records about {retention['people_due']:,} people "
        f"due, worked out in {retention['due_ms']:,.0f} ms and erased in "
        f"{retention['apply_ms']:,.0f} ms"
    )


def _progress(message: str) -> None:
    print(f"  {message}", file=sys.stderr, flush=True)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
