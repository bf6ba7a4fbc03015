"""Running ``lt-desktop`` as a real process, as people and scripts do."""

from __future__ import annotations

import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path


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


def assert_one_line_error(result: Result, code: int = 1) -> str:
    """The failure is reported on one line, with no traceback."""
    assert result.code == code, (result.code, result.out, result.err)
    assert "Traceback" not in result.err
    lines = [line for line in result.err.splitlines() if line.strip()]
    message_lines = [line for line in lines if line.startswith("lt-desktop:")]
    assert len(message_lines) == 1, result.err
    return message_lines[0]
