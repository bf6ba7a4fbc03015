"""Printed documents, on the hub-sized store.

- a batch of 60 certificates: issuing them (serial numbers, one transaction), laying
  out the PDF, and its size; then a re-print, which reuses every serial;
- the cohort report of a finished 22-week cohort of 50 people (about a thousand register
  marks, essay marks, a before-and-after questionnaire): gathering the figures, and
  drawing the report with its charts;
- the attendance summary of the same cohort (a grid of 50 people by 22 weeks).

    .venv/bin/python benchmarks/run.py documents [--quick]
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import sys
import tempfile
import time
import uuid
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from pypdf import PdfReader
from sqlalchemy import func, select

from hub_store import FULL, QUICK, build_hub_store
from lt_desktop.core.workspace import Workspace
from lt_desktop.documents.certificates import write_certificates
from lt_desktop.documents.cohort_report import write_cohort_report
from lt_desktop.documents.registers import write_attendance_summary
from lt_desktop.domain.vocabulary import (
    ConsentScope,
    ItemKind,
    MembershipRole,
    MembershipStatus,
    QuestionnairePhase,
)
from lt_desktop.storage import kdf
from lt_desktop.storage import models as m
from lt_desktop.storage.store import Store

RESULTS = Path(__file__).resolve().parent / "results"
BATCH = 60


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Printed document benchmarks")
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
    with tempfile.TemporaryDirectory(prefix="lt-documents-bench-") as scratch:
        folder = Path(scratch) / "hub"
        _progress(f"building the hub store ({size.people:,} people, {size.cohorts} cohorts)")
        built = build_hub_store(folder, size)
        with built.signed_in() as workspace:
            store = workspace.store
            out = Path(scratch) / "out"
            out.mkdir()
            _progress(f"a batch of {BATCH} certificates")
            results["certificates"] = _certificates(workspace, store, out, args.runs)
            cohort_id = _busiest_finished_cohort(store)
            _add_questionnaires(store, cohort_id)
            _progress("the cohort report and the attendance summary")
            results["cohort_report"] = _cohort_report(workspace, cohort_id, out, args.runs)
            results["attendance_summary"] = _attendance_summary(
                workspace, cohort_id, out, args.runs
            )
    _print(results)
    RESULTS.mkdir(exist_ok=True)
    output = RESULTS / "documents-latest.json"
    output.write_text(json.dumps(results, indent=2) + "\n")
    print(f"\nwritten to {output}")
    return 0


def _finished_cohorts(store: Store) -> list[uuid.UUID]:
    """Cohorts with graduates, oldest first."""
    with store.read() as session:
        return list(
            session.scalars(
                select(m.Cohort.id)
                .where(
                    m.Cohort.id.in_(
                        select(m.Membership.cohort_id).where(
                            m.Membership.role == MembershipRole.STUDENT,
                            m.Membership.status == MembershipStatus.GRADUATED,
                        )
                    )
                )
                .order_by(m.Cohort.starts_on)
            )
        )


def _certificates(workspace: Workspace, store: Store, out: Path, runs: int) -> dict[str, Any]:
    cohorts = _finished_cohorts(store)
    started = time.perf_counter()
    certificates = []
    used = []
    for cohort_id in cohorts:
        certificates += workspace.documents.issue_certificates(cohort_id).certificates
        used.append(cohort_id)
        if len(certificates) >= BATCH:
            break
    issue_seconds = time.perf_counter() - started
    batch = certificates[:BATCH]
    assert len(batch) == BATCH, f"only {len(batch)} graduates in the store"
    layout = []
    target = out / "certificates.pdf"
    for _ in range(runs):
        started = time.perf_counter()
        write_certificates(target, batch)
        layout.append(time.perf_counter() - started)
    started = time.perf_counter()
    again = [
        c
        for cohort_id in used
        for c in workspace.documents.issue_certificates(cohort_id).certificates
    ]
    reprint_seconds = time.perf_counter() - started
    assert not any(c.newly_issued for c in again)
    return {
        "certificates": BATCH,
        "cohorts": len(used),
        "issued": len(certificates),
        "issue_seconds": issue_seconds,
        "reissue_seconds": reprint_seconds,
        "layout_seconds": _spread(layout),
        "bytes": target.stat().st_size,
        "pages": len(PdfReader(target).pages),
    }


def _busiest_finished_cohort(store: Store) -> uuid.UUID:
    """The finished cohort with the most essays, then the most register marks."""
    finished = _finished_cohorts(store)
    with store.read() as session:
        marks = dict(
            session.execute(
                select(m.ClassSession.cohort_id, func.count())
                .join(m.AttendanceMark, m.AttendanceMark.session_id == m.ClassSession.id)
                .where(m.ClassSession.cohort_id.in_(finished))
                .group_by(m.ClassSession.cohort_id)
            ).all()
        )
        essays = dict(
            session.execute(
                select(m.Membership.cohort_id, func.count())
                .join(m.Essay, m.Essay.membership_id == m.Membership.id)
                .where(m.Membership.cohort_id.in_(finished))
                .group_by(m.Membership.cohort_id)
            ).all()
        )
    return max(finished, key=lambda c: (essays.get(c, 0), marks.get(c, 0)))


def _add_questionnaires(store: Store, cohort_id: uuid.UUID) -> None:
    """The hub store has no questionnaires: give the cohort's students a ten-item one,
    before and after, as the demo does, so the report draws all of its charts."""
    rng = random.Random(7)
    with store.write() as session:
        template = m.QuestionnaireTemplate(name="Learning and self-efficacy")
        session.add(template)
        session.flush()
        items = [
            m.QuestionnaireItem(
                template_id=template.id,
                position=n,
                text=f"Statement {n + 1}",
                kind=ItemKind.LIKERT,
                scale_points=5,
                reverse_scored=n % 4 == 3,
                subscale="Self-efficacy" if n < 5 else "Learner identity",
            )
            for n in range(10)
        ]
        session.add_all(items)
        session.flush()
        students = session.scalars(
            select(m.Membership).where(
                m.Membership.cohort_id == cohort_id, m.Membership.role == MembershipRole.STUDENT
            )
        ).all()
        for membership in students:
            session.add(
                m.Consent(
                    person_id=membership.person_id,
                    scope=ConsentScope.QUESTIONNAIRES,
                    given_on=datetime(2020, 1, 1).date(),
                )
            )
            baseline = rng.uniform(2.3, 3.6)
            for phase, shift in ((QuestionnairePhase.PRE, 0.0), (QuestionnairePhase.POST, 0.5)):
                response = m.QuestionnaireResponse(
                    template_id=template.id,
                    cohort_id=cohort_id,
                    person_id=membership.person_id,
                    phase=phase,
                )
                session.add(response)
                session.flush()
                for item in items:
                    value = min(5, max(1, round(rng.gauss(baseline + shift, 0.7))))
                    session.add(
                        m.QuestionnaireAnswer(response_id=response.id, item_id=item.id, value=value)
                    )


def _cohort_report(
    workspace: Workspace, cohort_id: uuid.UUID, out: Path, runs: int
) -> dict[str, Any]:
    gather, layout = [], []
    target = out / "cohort-report.pdf"
    report = None
    for _ in range(runs):
        started = time.perf_counter()
        report = workspace.documents.cohort_report(cohort_id)
        gather.append(time.perf_counter() - started)
        started = time.perf_counter()
        write_cohort_report(target, report)
        layout.append(time.perf_counter() - started)
    assert report is not None
    return {
        "weeks": len(report.weeks),
        "held": report.attendance.held,
        "essays": report.essays.agreed,
        "questionnaire_pairs": report.questionnaires[0].overall.pairs,
        "gather_seconds": _spread(gather),
        "layout_seconds": _spread(layout),
        "bytes": target.stat().st_size,
        "pages": len(PdfReader(target).pages),
    }


def _attendance_summary(
    workspace: Workspace, cohort_id: uuid.UUID, out: Path, runs: int
) -> dict[str, Any]:
    gather, layout = [], []
    target = out / "attendance.pdf"
    summary = None
    for _ in range(runs):
        started = time.perf_counter()
        summary = workspace.documents.attendance_summary(cohort_id)
        gather.append(time.perf_counter() - started)
        started = time.perf_counter()
        write_attendance_summary(target, summary)
        layout.append(time.perf_counter() - started)
    assert summary is not None
    return {
        "people": len(summary.rows),
        "weeks": len(summary.weeks),
        "gather_seconds": _spread(gather),
        "layout_seconds": _spread(layout),
        "bytes": target.stat().st_size,
        "pages": len(PdfReader(target).pages),
    }


def _spread(values: list[float]) -> dict[str, float]:
    ordered = sorted(values)
    return {"median": statistics.median(ordered), "worst": ordered[-1], "runs": len(ordered)}


def _ms(seconds: float) -> str:
    return f"{seconds * 1000:9.1f} ms"


def _print(results: dict[str, Any]) -> None:
    certificates = results["certificates"]
    report = results["cohort_report"]
    summary = results["attendance_summary"]
    rows = [
        (
            f"issue certificates: {certificates['issued']} in {certificates['cohorts']} "
            "cohorts, new serials",
            certificates["issue_seconds"],
        ),
        ("re-print them: every serial kept", certificates["reissue_seconds"]),
        (
            f"lay out {certificates['certificates']} certificates ({certificates['pages']} "
            f"pages, {certificates['bytes'] / 1024:,.0f} KiB)",
            certificates["layout_seconds"]["median"],
        ),
        (
            f"cohort report, figures ({report['held']:,} sessions held, {report['essays']} essays, "
            f"{report['questionnaire_pairs']} pairs)",
            report["gather_seconds"]["median"],
        ),
        (
            f"cohort report, drawn ({report['pages']} pages, {report['bytes'] / 1024:,.0f} KiB)",
            report["layout_seconds"]["median"],
        ),
        (
            f"attendance summary, figures ({summary['people']} people x {summary['weeks']} weeks)",
            summary["gather_seconds"]["median"],
        ),
        (
            f"attendance summary, drawn ({summary['pages']} pages, "
            f"{summary['bytes'] / 1024:,.0f} KiB)",
            summary["layout_seconds"]["median"],
        ),
    ]
    print()
    width = max(len(label) for label, _ in rows) + 2
    for label, seconds in rows:
        print(f"{label:<{width}}{_ms(seconds)}")


def _progress(message: str) -> None:
    print(f"... {message}", flush=True)


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
