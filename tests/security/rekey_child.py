"""A process that re-keys a store and kills itself outright at a chosen step.

    python rekey_child.py FOLDER USERNAME PASSWORD STEP

It prints ``plan {json}`` (the one-time passwords, by user name) and ``recovery KEY``
as soon as the re-key has made them, so the test can try the new credentials on
whatever the kill left behind. SIGKILL runs no handler and flushes nothing.
"""

from __future__ import annotations

import json
import os
import signal
import sys
from pathlib import Path
from typing import Any

from lt_desktop.core.sign_in import sign_in
from lt_desktop.storage import rekey
from lt_desktop.storage import replacing as store


def _die() -> None:
    os.kill(os.getpid(), signal.SIGKILL)


def _after(function: Any) -> Any:
    def wrapped(*args: Any, **kwargs: Any) -> Any:
        result = function(*args, **kwargs)
        _die()
        return result

    return wrapped


def _before(function: Any) -> Any:
    def wrapped(*args: Any, **kwargs: Any) -> Any:
        _die()
        return function(*args, **kwargs)

    return wrapped


def _on_call(number: int, function: Any) -> Any:
    calls = 0

    def wrapped(*args: Any, **kwargs: Any) -> Any:
        nonlocal calls
        calls += 1
        if calls == number:
            _die()
        return function(*args, **kwargs)

    return wrapped


def main(argv: list[str]) -> int:
    folder, username, password, step = argv
    root = Path(folder)
    workspace = sign_in(root, username, password)

    plan_of = rekey._plan

    def plan(*args: Any, **kwargs: Any) -> Any:
        made = plan_of(*args, **kwargs)
        print("plan " + json.dumps(made.one_time_passwords), flush=True)
        return made

    rekey._plan = plan

    key_file_of = rekey._new_key_file

    def new_key_file(*args: Any, **kwargs: Any) -> Any:
        print(f"recovery {args[4]}", flush=True)
        return key_file_of(*args, **kwargs)

    rekey._new_key_file = new_key_file

    if step == "exported":
        rekey._export_database = _after(rekey._export_database)
    elif step == "staged":
        rekey._swap_in = _before(rekey._swap_in)
    elif step == "old-moved-out":
        store.fsync_directory = _on_call(1, store.fsync_directory)
    elif step == "database-in":
        replace = os.replace

        def replacing(source: Any, target: Any) -> None:
            if Path(target) == root / "keys.json" and ".restore-rekey-" in str(source):
                _die()
            replace(source, target)

        os.replace = replacing  # type: ignore[assignment]
    elif step == "key-file-in":
        store.fsync_directory = _on_call(2, store.fsync_directory)
    elif step == "reopening":
        rekey._reopen = _before(rekey._reopen)
    else:
        raise SystemExit(f"unknown step {step!r}")
    with workspace:
        workspace.accounts.rekey_store(password)
    print("finished", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
