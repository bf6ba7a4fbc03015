"""A process for the fault tests to kill.

    python child.py ACTION FOLDER USERNAME PASSWORD [ARGUMENT]

It signs in, prints ``started``, does one piece of work through the services, then
prints ``done SECONDS``. For ``migrate`` the work is signing in itself, since opening an
old store upgrades it. Only the app is imported, so it starts as the app does.
"""

from __future__ import annotations

import sys
import time
import uuid
from collections.abc import Callable
from pathlib import Path

from lt_desktop.core.sign_in import sign_in


def main(argv: list[str]) -> int:
    action, folder, username, password, *rest = argv
    root = Path(folder)
    if action == "migrate":
        _started()
        began = time.perf_counter()
        with sign_in(root, username, password):
            _done(began)
        return 0
    with sign_in(root, username, password) as workspace:
        work: Callable[[], object]
        if action == "save":
            session_id = uuid.UUID(rest[0])
            work = lambda: workspace.register.mark_everyone_present(session_id)  # noqa: E731
        elif action == "import":
            work = lambda: workspace.sync.import_bundle(Path(rest[0]))  # noqa: E731
        elif action == "backup":
            work = lambda: workspace.maintenance.back_up_now(Path(rest[0]))  # noqa: E731
        else:
            raise SystemExit(f"unknown action {action!r}")
        _started()
        began = time.perf_counter()
        work()
        _done(began)
    return 0


def _started() -> None:
    print("started", flush=True)


def _done(began: float) -> None:
    print(f"done {time.perf_counter() - began:.3f}", flush=True)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
