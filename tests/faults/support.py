"""Killing a real process mid-work (SIGKILL: no handler runs, nothing is flushed), and
what must be true of a store afterwards."""

from __future__ import annotations

import json
import os
import random
import select
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

from tests.helpers.cli import run_cli
from tests.helpers.personal_data import PersonalData, hits_in_folder

CHILD = Path(__file__).resolve().parent / "child.py"
ROOT = CHILD.parents[2]
#: Where in the time a whole run takes each kill lands, before a random nudge.
FRACTIONS = (0.5, 0.2, 0.8, 0.35, 0.65)


@dataclass(frozen=True)
class Killed:
    """One child killed: whether it was still at work, and what it left behind."""

    pid: int
    delay: float
    at_work: bool  # it had not said it was done when the kill landed
    seconds: float | None  # how long the work took, when it got to say so
    temp_folder: Path
    stderr: str

    def describe(self) -> str:
        state = "at work" if self.at_work else f"done in {self.seconds:.2f} s"
        return f"killed after {self.delay:.3f} s ({state})"


def run_and_kill(
    action: str, folder: Path, username: str, password: str, *extra: str, delay: float
) -> Killed:
    """Start the child, wait for it to say it has started, let it work ``delay``
    seconds, then kill it outright."""
    temp_folder = folder.parent / f"{folder.name}-temp"
    temp_folder.mkdir()
    child = subprocess.Popen(
        [sys.executable, str(CHILD), action, str(folder), username, password, *extra],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        bufsize=0,
        cwd=ROOT,
        env={**os.environ, "LT_DESKTOP_TEST_KDF": "cheap", "TMPDIR": str(temp_folder)},
    )
    try:
        assert child.stdout is not None
        lines = _lines(child.stdout.fileno())
        first = next(lines(60.0), None)
        if first != "started":
            child.kill()
            _, err = child.communicate(timeout=60)
            raise AssertionError(f"the child did not start: {first!r} {err.decode()[-2000:]}")
        said = next(lines(delay), None)  # "done", if the work finished before the kill
        child.send_signal(signal.SIGKILL)
        _, err = child.communicate(timeout=60)
    finally:
        if child.poll() is None:
            child.kill()
            child.wait()
    assert child.returncode in (-signal.SIGKILL, 0), (child.returncode, err.decode()[-2000:])
    seconds = float(said.split()[1]) if said and said.startswith("done ") else None
    return Killed(child.pid, delay, seconds is None, seconds, temp_folder, err.decode())


def _lines(fd: int) -> Callable[[float], Iterator[str]]:
    """Lines from a pipe, each waited for at most ``timeout`` seconds from the call."""
    pending = bytearray()

    def read(timeout: float) -> Iterator[str]:
        deadline = time.monotonic() + timeout
        while True:
            if b"\n" in pending:
                line, _, rest = bytes(pending).partition(b"\n")
                pending[:] = rest
                yield line.decode().strip()
                return
            left = deadline - time.monotonic()
            if left <= 0 or not select.select([fd], [], [], left)[0]:
                return
            chunk = os.read(fd, 4096)
            if not chunk:
                return
            pending.extend(chunk)

    return read


def delays(whole_run: float, rng: random.Random) -> Iterator[float]:
    """When to kill: spread over a whole run's length, each nudged at random."""
    for fraction in FRACTIONS:
        yield whole_run * fraction * rng.uniform(0.8, 1.2)


def lock_holder(folder: Path) -> int | None:
    """The process the store's lock file names (it names its holder after byte 0)."""
    try:
        return int(json.loads((folder / "store.lock").read_bytes()[1:])["pid"])
    except (OSError, ValueError, KeyError, TypeError):
        return None


def copy_store(source: Path, target: Path) -> Path:
    shutil.copytree(
        source, target, ignore=shutil.ignore_patterns("store.lock", "logs", "login-attempts.json")
    )
    return target


def assert_nothing_readable_left(killed: Killed, data: PersonalData, *folders: Path) -> None:
    """The killed child left no temporary file, and nothing anywhere holds personal
    data in the clear."""
    left = sorted(p.name for p in killed.temp_folder.rglob("*"))
    assert left == [], f"{killed.describe()}: temporary files left behind: {left}"
    for folder in folders:
        hits = hits_in_folder(folder, data)
        assert hits == [], f"{killed.describe()}: readable personal data in {hits}"


def unfinished_files(folder: Path) -> list[str]:
    """Hidden files of writes that never finished, in a store folder and its backups."""
    places = [folder, folder / "backups"]
    return sorted(p.name for place in places if place.is_dir() for p in place.glob(".*.partial*"))


def assert_check_passes(folder: Path, username: str, password: str) -> None:
    """``lt-desktop check``, run as a person would, finds the store sound."""
    result = run_cli(
        "check", "--data-dir", folder, "--user", username, "--password-stdin", stdin=password + "\n"
    )
    assert result.code == 0, (result.out, result.err)
    assert "The store is sound" in result.out
