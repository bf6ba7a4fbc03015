"""Desktop app benchmarks, on the hub-sized store, offscreen.

- cold start: a fresh process, from launch to the sign-in window on screen;
- unlock to main window: from pressing Sign in to the first screen filled, with a real
  Argon2id slot (key derivation reported apart);
- people search: each keystroke typed into the search field of 5,000 people, until the
  list shows the matches;
- register mark: a key press on a register row, until the mark is drawn (the table's
  rows painted again, the status and reason cells read as they are shown); and until it
  is saved (a moment later, in the background). Each mark waits for the one before to be
  saved, as a facilitator calling names does.

    .venv/bin/python benchmarks/run.py app [--quick]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from unittest import mock

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from hub_store import FULL, QUICK, build_hub_store  # noqa: E402
from lt_desktop.storage import kdf  # noqa: E402
from lt_desktop.storage.store import LockedStore  # noqa: E402

HERE = Path(__file__).resolve().parent
RESULTS = HERE / "results"
SEARCHES = ["j", "ja", "jam", "jama", "r", "ro", "rob", "robe", "kh", "khan", "o'b", "zz"]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Desktop app benchmarks")
    parser.add_argument("--quick", action="store_true", help="a tenth of the hub store")
    parser.add_argument("--runs", type=int, default=5)
    args, _ = parser.parse_known_args(argv)
    os.environ.pop(kdf.TEST_KDF_SETTING, None)
    size = QUICK if args.quick else FULL
    results: dict[str, Any] = {
        "format": 1,
        "mode": "quick" if args.quick else "full",
        "recorded_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "cpus": os.cpu_count(),
    }
    with tempfile.TemporaryDirectory(prefix="lt-app-bench-") as scratch:
        folder = Path(scratch) / "hub"
        _progress(f"building the hub store ({size.people:,} people)")
        built = build_hub_store(folder, size)
        params = kdf.tune()
        _give_real_slot(folder, built.username, built.password, params)
        results["kdf"] = {"memory_kib": params.memory_kib, "iterations": params.iterations}
        _progress("cold starts")
        results["cold_start_seconds"] = _spread(_cold_starts(folder, args.runs))
        from lt_desktop.ui.qt import QApplication

        app = QApplication.instance() or QApplication(sys.argv[:1])
        _progress("unlock to the main window")
        results["unlock_to_main_window"] = _unlock_to_main_window(
            app, folder, built.username, built.password, args.runs
        )
        _progress("people search and register marks")
        results.update(_in_the_window(app, folder, built.username, built.password))
    _print(results)
    output = RESULTS / "app-latest.json"
    RESULTS.mkdir(exist_ok=True)
    output.write_text(json.dumps(results, indent=2) + "\n")
    print(f"\nwritten to {output}")
    return 0


def _give_real_slot(folder: Path, username: str, password: str, params: kdf.KdfParams) -> None:
    door = LockedStore(folder)
    store, user_id = door.unlock(username, password)
    try:
        with mock.patch("lt_desktop.storage.store.params_for_new_slots", return_value=params):
            store.set_password(user_id, username, password)
    finally:
        store.close()


def _cold_starts(folder: Path, runs: int) -> list[float]:
    times = []
    for _ in range(runs):
        started = time.time()
        child = subprocess.run(
            [sys.executable, str(HERE / "_cold_start_child.py"), str(folder)],
            capture_output=True,
            text=True,
            check=True,
            env={**os.environ, "QT_QPA_PLATFORM": "offscreen"},
        )
        shown = next(line for line in child.stdout.splitlines() if line.startswith("shown "))
        times.append(float(shown.split()[1]) - started)
    return times


def _wait(app: Any, done: Callable[[], bool], timeout: float = 120.0) -> None:
    deadline = time.perf_counter() + timeout
    while not done():
        app.processEvents()
        if time.perf_counter() > deadline:
            raise TimeoutError("the app did not finish in time")
        time.sleep(0.0005)


def _open_window(folder: Path) -> tuple[Any, Any]:
    from lt_desktop.ui.controller import AppController
    from lt_desktop.ui.main_window import MainWindow

    controller = AppController(folder)
    controller.open_store()
    window = MainWindow(controller)
    window.resize(1280, 800)
    window.show()
    return controller, window


def _sign_in(app: Any, controller: Any, window: Any, username: str, password: str) -> float:
    screen = window.unlock_screen
    screen.username.setText(username)
    screen.password.setText(password)
    started = time.perf_counter()
    screen.sign_in_button.click()
    _wait(app, lambda: window.workspace_view is not None and controller.runner.idle)
    app.processEvents()
    return time.perf_counter() - started


def _unlock_to_main_window(
    app: Any, folder: Path, username: str, password: str, runs: int
) -> dict[str, Any]:
    from lt_desktop.storage.keyslots import KeyFile, password_bytes

    totals, derivations = [], []
    for _ in range(runs):
        controller, window = _open_window(folder)
        try:
            totals.append(_sign_in(app, controller, window, username, password))
        finally:
            controller.shutdown()
            window.close()
            window.deleteLater()
            app.processEvents()
        key_file = KeyFile.load(folder / "keys.json")
        slot = key_file.slot_for_user(username)
        assert slot is not None
        started = time.perf_counter()
        slot.kdf.derive(password_bytes(password), slot.salt)
        derivations.append(time.perf_counter() - started)
    apart = [t - d for t, d in zip(totals, derivations, strict=True)]
    return {
        "total_seconds": _spread(totals),
        "key_derivation_seconds": _spread(derivations),
        "without_key_derivation_seconds": _spread(apart),
    }


def _in_the_window(app: Any, folder: Path, username: str, password: str) -> dict[str, Any]:
    from lt_desktop.ui.qt import QEvent, QKeyEvent, QObject, Qt

    class PaintCounter(QObject):
        """Counts the paints of the widget it watches."""

        def __init__(self) -> None:
            super().__init__()
            self.count = 0

        def eventFilter(self, _watched: Any, event: Any) -> bool:  # noqa: N802 - Qt API
            if event.type() == QEvent.Type.Paint:
                self.count += 1
            return False

    from lt_desktop.ui.screens.people import PeopleScreen
    from lt_desktop.ui.screens.sessions import SessionsScreen

    controller, window = _open_window(folder)
    try:
        _sign_in(app, controller, window, username, password)
        view = window.workspace_view
        people = view.open(PeopleScreen)
        _wait(app, lambda: controller.runner.idle and people.model.total > 0)
        searched = []
        for text in SEARCHES * 3:
            people.search.clear()
            app.processEvents()
            started = time.perf_counter()
            people.search.setText(text)  # one keystroke's worth of filtering and repaint
            app.processEvents()
            searched.append(time.perf_counter() - started)
        total_people = people.model.total

        sessions = view.open(SessionsScreen)
        _wait(app, lambda: controller.runner.idle and sessions.sessions.rowCount() > 0)
        register = sessions.register
        _wait(app, lambda: controller.runner.idle and register.model.rowCount() > 0)
        table = register.table
        paints = PaintCounter()
        table.viewport().installEventFilter(paints)
        shown, saved = [], []
        for row in range(min(register.model.rowCount(), 40)):
            table.setCurrentIndex(register.model.index(row, 3))
            key = Qt.Key.Key_P if row % 5 else Qt.Key.Key_L
            event = QKeyEvent(QEvent.Type.KeyPress, key, Qt.KeyboardModifier.NoModifier, "p")
            painted = paints.count
            started = time.perf_counter()
            app.sendEvent(table, event)
            app.processEvents()  # the platform's own repaint
            if paints.count == painted:
                table.viewport().repaint()
            shown.append(time.perf_counter() - started)
            assert paints.count > painted, "the register was not drawn"
            _wait(app, lambda: not register.has_unsaved_marks and controller.runner.idle)
            saved.append(time.perf_counter() - started)
        return {
            "people_in_search": total_people,
            "people_search_seconds": _spread(searched),
            "register_rows": register.model.rowCount(),
            "register_mark_shown_seconds": _spread(shown),
            "register_mark_saved_seconds": _spread(saved),
        }
    finally:
        controller.shutdown()
        window.close()


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
    rows = [
        ("cold start to the sign-in window", results["cold_start_seconds"]),
        ("unlock to the main window (total)", results["unlock_to_main_window"]["total_seconds"]),
        ("  of which key derivation", results["unlock_to_main_window"]["key_derivation_seconds"]),
        (
            "  without key derivation",
            results["unlock_to_main_window"]["without_key_derivation_seconds"],
        ),
        (
            f"people search ({results['people_in_search']:,} people), per keystroke",
            results["people_search_seconds"],
        ),
        (
            f"register mark shown ({results['register_rows']} rows)",
            results["register_mark_shown_seconds"],
        ),
        ("register mark saved", results["register_mark_saved_seconds"]),
    ]
    print(f"\n{'':52}{'median':>11}{'p95':>11}{'worst':>11}")
    for label, spread in rows:
        print(f"{label:52}{_ms(spread['median'])}{_ms(spread['p95'])}{_ms(spread['worst'])}")


def _progress(message: str) -> None:
    print(f"... {message}", flush=True)


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
