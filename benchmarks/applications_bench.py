"""Applications benchmarks: a cohort with 2,000 applications, each assessed twice on
the four-criterion default rubric (16,000 scores), in the desktop app, offscreen.

- opening the Applications screen: from choosing it in the navigation until the list
  holds every application and the first one is open beside it;
- filtering: each keystroke typed into the find field, and each choice of decision,
  until the list shows the matches;
- sorting: a click on a column header (each column, both ways) until the list is
  redrawn in the new order;
- 60 offers in a row, as staff make them: choose the next application, press Offer
  a place, until the offer is saved and shown with the cohort's places; and the same
  60 offers made through the service alone, for comparison.

    .venv/bin/python benchmarks/run.py applications [--quick]
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
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from lt_desktop.core import demo_text  # noqa: E402
from lt_desktop.core.services.applications import ensure_default_rubric  # noqa: E402
from lt_desktop.core.services.base import Actor  # noqa: E402
from lt_desktop.core.services.people import new_research_id  # noqa: E402
from lt_desktop.core.stores import create_store  # noqa: E402
from lt_desktop.core.workspace import Workspace  # noqa: E402
from lt_desktop.domain.roles import Role  # noqa: E402
from lt_desktop.domain.vocabulary import ApplicationDecision, PersonBase, SiteKind  # noqa: E402
from lt_desktop.storage import kdf  # noqa: E402
from lt_desktop.storage import models as m  # noqa: E402
from lt_desktop.storage.store import LockedStore  # noqa: E402

RESULTS = Path(__file__).resolve().parent / "results"
USERNAME, PASSWORD = "bench", "applications benchmark password"
SEARCHES = ["a", "al", "ali", "alic", "k", "kh", "kha", "khan", "a-", "a-1", "zz", "o'"]
SEED = 2_027


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Applications benchmarks")
    parser.add_argument("--quick", action="store_true", help="500 applications, 20 offers")
    parser.add_argument("--runs", type=int, default=5)
    args, _ = parser.parse_known_args(argv)
    os.environ[kdf.TEST_KDF_SETTING] = "cheap"  # key derivation is not measured here
    applications, offers = (500, 20) if args.quick else (2_000, 60)
    runs = min(args.runs, 3) if args.quick else args.runs
    results: dict[str, Any] = {
        "format": 1,
        "mode": "quick" if args.quick else "full",
        "recorded_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "cpus": os.cpu_count(),
        "applications": applications,
        "offers": offers,
    }
    with tempfile.TemporaryDirectory(prefix="lt-applications-bench-") as scratch:
        folder = Path(scratch) / "store"
        _progress(f"building a store with {applications:,} applications")
        started = time.perf_counter()
        cohort_id = _build(folder, applications)
        results["build_seconds"] = time.perf_counter() - started
        from lt_desktop.ui.qt import QApplication

        app = QApplication.instance() or QApplication(sys.argv[:1])
        _progress("opening the Applications screen")
        results["open_seconds"] = _spread([_open_once(app, folder) for _ in range(runs)])
        _progress("filtering, sorting and making offers in the window")
        results.update(_in_the_window(app, folder, offers))
        _progress("offers through the service alone")
        results["service_offer_seconds"] = _service_offers(folder, cohort_id, offers)
    _print(results)
    RESULTS.mkdir(exist_ok=True)
    output = RESULTS / "applications-latest.json"
    output.write_text(json.dumps(results, indent=2) + "\n")
    print(f"\nwritten to {output}")
    return 0


# -- the store ---------------------------------------------------------------------------


def _build(folder: Path, count: int) -> uuid.UUID:
    """A prison site with one cohort taking applications: half from each side, every
    one assessed by two people, none decided yet. Records go in through the ORM, so
    each is stamped as the app stamps it; no audit entries are written."""
    rng = random.Random(SEED)
    created = create_store(
        folder,
        site_name="HMP Benchmark",
        site_kind=SiteKind.PRISON,
        admin_username=USERNAME,
        admin_display_name="Bench Administrator",
        admin_password=PASSWORD,
    )
    store = created.store
    try:
        with store.write() as session:
            partnership = m.Partnership(
                name="Benchmark Learning Together",
                prison_name="HMP Benchmark",
                university_name="University of Benchmark",
            )
            course = m.Course(partnership=partnership, title="Philosophy and Theology")
            cohort = m.Cohort(
                course=course,
                name="Large intake",
                starts_on=date(2027, 2, 1),
                ends_on=date(2027, 5, 10),
                capacity=200,
            )
            session.add_all([partnership, course, cohort])
            session.flush()
            ensure_default_rubric(session)
            criteria = session.query(m.RubricCriterion).order_by(m.RubricCriterion.position).all()
            people = [
                m.Person(
                    id=uuid.uuid4(),
                    given_name=rng.choice(demo_text.GIVEN_NAMES),
                    family_name=rng.choice(demo_text.FAMILY_NAMES),
                    base=PersonBase.PRISON if n % 2 else PersonBase.UNIVERSITY,
                    research_id=new_research_id(),
                )
                for n in range(count)
            ]
            session.add_all(people)
            session.flush()
            applications = [
                m.Application(
                    id=uuid.uuid4(),
                    cohort_id=cohort.id,
                    person_id=person.id,
                    received_on=date(2026, 9, 1) + timedelta(days=rng.randint(0, 80)),
                    motivation_statement=" ".join(rng.sample(demo_text.MOTIVATION_SENTENCES, 4)),
                    heard_about=rng.choice(demo_text.HEARD_ABOUT),
                    availability=rng.choice(demo_text.AVAILABILITY),
                    decision=ApplicationDecision.PENDING,
                )
                for person in people
            ]
            session.add_all(applications)
            session.flush()
            for batch_start in range(0, count, 250):
                for application in applications[batch_start : batch_start + 250]:
                    for assessor_id, assessor in (
                        (created.administrator_id, "Bench Administrator"),
                        (None, "Dr Sam Reid"),
                    ):
                        for criterion in criteria:
                            session.add(
                                m.ApplicationScore(
                                    application_id=application.id,
                                    criterion_id=criterion.id,
                                    assessor_id=assessor_id,
                                    assessor_name=assessor,
                                    score=rng.randint(1, 5),
                                )
                            )
                session.flush()
            return cohort.id
    finally:
        store.close()


# -- in the window ------------------------------------------------------------------------


def _wait(app: Any, done: Callable[[], bool], timeout: float = 120.0) -> None:
    deadline = time.perf_counter() + timeout
    while not done():
        app.processEvents()
        if time.perf_counter() > deadline:
            raise TimeoutError("the app did not finish in time")
        time.sleep(0.0005)


def _window(app: Any, folder: Path) -> tuple[Any, Any]:
    from lt_desktop.ui.controller import AppController
    from lt_desktop.ui.main_window import MainWindow

    controller = AppController(folder)
    controller.open_store()
    window = MainWindow(controller)
    window.resize(1400, 860)
    window.show()
    screen = window.unlock_screen
    screen.username.setText(USERNAME)
    screen.password.setText(PASSWORD)
    screen.sign_in_button.click()
    _wait(app, lambda: window.workspace_view is not None and controller.runner.idle)
    return controller, window


def _filled(controller: Any, view: Any, count: int) -> Callable[[], bool]:
    return lambda: controller.runner.idle and view.model.total == count and view._detail is not None


def _open_once(app: Any, folder: Path) -> float:
    from lt_desktop.ui.screens.applications import ApplicationsScreen

    controller, window = _window(app, folder)
    try:
        started = time.perf_counter()
        screen = window.workspace_view.open(ApplicationsScreen)
        with controller.workspace.store.read() as session:
            count = session.query(m.Application).count()
        _wait(app, _filled(controller, screen.decisions, count))
        app.processEvents()  # the repaint
        return time.perf_counter() - started
    finally:
        controller.shutdown()
        window.close()
        window.deleteLater()
        app.processEvents()


def _in_the_window(app: Any, folder: Path, offers: int) -> dict[str, Any]:
    from lt_desktop.ui.qt import Qt
    from lt_desktop.ui.screens.applications import ApplicationsScreen

    controller, window = _window(app, folder)
    try:
        screen = window.workspace_view.open(ApplicationsScreen)
        view = screen.decisions
        _wait(app, lambda: controller.runner.idle and view.model.total > 0)
        total = view.model.total
        typed = []
        for text in SEARCHES * 3:
            view.search.clear()
            app.processEvents()
            started = time.perf_counter()
            view.search.setText(text)  # one keystroke's worth of filtering and repaint
            app.processEvents()
            typed.append(time.perf_counter() - started)
        view.search.clear()
        chosen = []
        for _ in range(3):
            for index in [*range(1, view.show_only.count()), 0]:
                started = time.perf_counter()
                view.show_only.setCurrentIndex(index)
                app.processEvents()
                chosen.append(time.perf_counter() - started)
        sorted_times = []
        for column in range(view.model.columnCount()):
            for order in (Qt.SortOrder.AscendingOrder, Qt.SortOrder.DescendingOrder):
                started = time.perf_counter()
                view.table.sortByColumn(column, order)
                app.processEvents()
                sorted_times.append(time.perf_counter() - started)
        _wait(app, lambda: controller.runner.idle)

        # 60 offers in a row: the next application to decide, then Offer a place.
        view.show_only.setCurrentIndex(view.show_only.findText("To decide"))
        view.table.sortByColumn(3, Qt.SortOrder.DescendingOrder)  # the best assessed first
        app.processEvents()
        made, started_all = [], time.perf_counter()
        for position in range(offers):
            view.table.selectRow(position)
            _wait(app, lambda: controller.runner.idle and view._detail is not None)
            row = view.model.rows[position]

            def shown(row_id: uuid.UUID = row.id) -> bool:
                return view._detail.row.id == row_id and controller.runner.idle

            _wait(app, shown)
            started = time.perf_counter()
            view.offer_button.click()

            def offered(p: int = position) -> bool:
                return (
                    controller.runner.idle
                    and view.model.rows[p].decision is ApplicationDecision.OFFERED
                    and view._detail.row.decision is ApplicationDecision.OFFERED
                )

            _wait(app, offered)
            app.processEvents()
            made.append(time.perf_counter() - started)
        all_offers = time.perf_counter() - started_all
        places = view._places
        assert places is not None and places.offered.total == offers, places
        return {
            "applications_listed": total,
            "filter_keystroke_seconds": _spread(typed),
            "filter_decision_seconds": _spread(chosen),
            "sort_seconds": _spread(sorted_times),
            "offer_seconds": _spread(made),
            "offers_in_a_row_seconds": all_offers,
        }
    finally:
        controller.shutdown()
        window.close()


def _service_offers(folder: Path, cohort_id: uuid.UUID, offers: int) -> dict[str, float]:
    store, user_id = LockedStore(folder).unlock(USERNAME, PASSWORD)
    try:
        with store.read() as session:
            user = session.get(m.User, user_id)
            assert user is not None and user.role is Role.ADMINISTRATOR
            actor = Actor.from_user(user)
        workspace = Workspace(store, actor)
        pending = [
            r.id
            for r in workspace.applications.list_applications(cohort_id)
            if r.decision is ApplicationDecision.PENDING
        ][:offers]
        times = []
        for application_id in pending:
            started = time.perf_counter()
            workspace.applications.decide(application_id, ApplicationDecision.OFFERED)
            times.append(time.perf_counter() - started)
        return _spread(times)
    finally:
        store.close()


# -- reporting ------------------------------------------------------------------------------


def _spread(values: list[float]) -> dict[str, float]:
    ordered = sorted(values)
    return {
        "median": statistics.median(ordered),
        "p95": ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))],
        "worst": ordered[-1],
        "runs": len(ordered),
    }


def _ms(value: float) -> str:
    return f"{value * 1000:8.1f} ms"


def _print(results: dict[str, Any]) -> None:
    count, offers = results["applications"], results["offers"]
    rows = [
        (f"open the Applications screen ({count:,})", results["open_seconds"]),
        ("filter: a keystroke in the find field", results["filter_keystroke_seconds"]),
        ("filter: a choice of decision", results["filter_decision_seconds"]),
        ("sort: a click on a column header", results["sort_seconds"]),
        ("offer a place (click to saved and shown)", results["offer_seconds"]),
        ("offer a place (the service alone)", results["service_offer_seconds"]),
    ]
    print(f"\n{'':48}{'median':>11}{'p95':>11}{'worst':>11}")
    for label, spread in rows:
        print(f"{label:48}{_ms(spread['median'])}{_ms(spread['p95'])}{_ms(spread['worst'])}")
    print(f"{offers} offers in a row, in the window: {results['offers_in_a_row_seconds']:.2f} s")
    print(f"building the store: {results['build_seconds']:.1f} s")


def _progress(message: str) -> None:
    print(f"... {message}", flush=True)


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
