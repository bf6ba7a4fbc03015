"""Running ``lt-desktop`` as people and scripts do.

``run_cli`` calls the command line's own ``main`` in this process, with the arguments,
standard input and environment given, and collects what it printed and the exit status
it would have ended with: the same as running ``lt-desktop`` in a terminal, without
starting a Python for each command. ``run_cli_process`` runs a real process, for the
tests where that is the point: a lock held by another process, the app's own window,
the log a process keeps.
"""

from __future__ import annotations

import contextlib
import io
import logging
import os
import subprocess
import sys
import traceback
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from lt_desktop.cli.main import main
from lt_desktop.core.logs import stop_logging


@dataclass
class Result:
    code: int
    out: str
    err: str

    @property
    def lines(self) -> list[str]:
        return self.out.splitlines()


def run_cli(
    *args: str | Path, stdin: str = "", env: dict[str, str] | None = None, timeout: float = 120
) -> Result:
    """``lt-desktop ARGS`` in this process (``timeout`` is for ``run_cli_process``'s
    signature; a test that hangs is stopped by the suite's own timeout)."""
    out, err = io.StringIO(), io.StringIO()
    with _as_a_process_of_its_own({"LT_DESKTOP_TEST_KDF": "cheap", **(env or {})}):
        with _standard_streams(io.StringIO(stdin), out, err):
            try:
                code = _exit_status(main([str(arg) for arg in args]))
            except SystemExit as stop:
                if stop.code is not None and not isinstance(stop.code, int):
                    print(stop.code, file=sys.stderr)
                code = _exit_status(stop.code)
            except BaseException:
                # What Python does when a program ends on an exception it did not catch.
                traceback.print_exc(file=sys.stderr)
                code = 1
    return Result(code, out.getvalue(), err.getvalue())


def run_cli_process(
    *args: str | Path, stdin: str = "", env: dict[str, str] | None = None, timeout: float = 120
) -> Result:
    """``lt-desktop ARGS`` as a real process."""
    environment = {**os.environ, "LT_DESKTOP_TEST_KDF": "cheap", **(env or {})}
    completed = subprocess.run(
        [sys.executable, "-m", "lt_desktop", *map(str, args)],
        input=stdin,
        capture_output=True,
        text=True,
        env=environment,
        timeout=timeout,
    )
    return Result(completed.returncode, completed.stdout, completed.stderr)


def _exit_status(code: object) -> int:
    if code is None:
        return 0
    return code if isinstance(code, int) else 1


@contextlib.contextmanager
def _standard_streams(stdin: io.StringIO, out: io.StringIO, err: io.StringIO) -> Iterator[None]:
    saved = sys.stdin, sys.stdout, sys.stderr
    sys.stdin, sys.stdout, sys.stderr = stdin, out, err
    try:
        yield
    finally:
        sys.stdin, sys.stdout, sys.stderr = saved


@contextlib.contextmanager
def _as_a_process_of_its_own(env: dict[str, str]) -> Iterator[None]:
    """What a command changes for its whole process (the environment it is given, the
    umask it sets, the log it opens, the logging it sets up) is put back after it."""
    saved_env = dict(os.environ)
    os.environ.update(env)
    umask = os.umask(0o077)
    os.umask(umask)
    root = logging.getLogger()
    handlers, level = list(root.handlers), root.level
    try:
        yield
    finally:
        stop_logging()
        for handler in list(root.handlers):
            if handler not in handlers:
                root.removeHandler(handler)
                handler.close()
        root.setLevel(level)
        os.umask(umask)
        os.environ.clear()
        os.environ.update(saved_env)


def assert_one_line_error(result: Result, code: int = 1) -> str:
    """The failure is reported on one line, with no traceback."""
    assert result.code == code, (result.code, result.out, result.err)
    assert "Traceback" not in result.err
    lines = [line for line in result.err.splitlines() if line.strip()]
    message_lines = [line for line in lines if line.startswith("lt-desktop:")]
    assert len(message_lines) == 1, result.err
    return message_lines[0]
