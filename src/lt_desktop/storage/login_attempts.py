"""Failed sign-ins, remembered outside the encrypted database.

A failed sign-in cannot be written to the audit log (the log is inside the store
that the wrong password could not open), so failures wait here, keyed by the
salted user tag, until the next successful sign-in moves them into the log.
Consecutive failures for one account make the next attempt wait longer.

The file carries a random id and a serial that grows with every write, so that the
store, which records both at each successful sign-in, can tell when the file has been
deleted, replaced or put back as an older copy (see ``core.sign_in_record``).
"""

from __future__ import annotations

import contextlib
import json
import logging
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from lt_desktop.domain.errors import LtError
from lt_desktop.storage.atomic import write_atomic

log = logging.getLogger(__name__)

FREE_ATTEMPTS = 2
MAX_DELAY_SECONDS = 300.0
_MAX_PENDING = 500


def delay_after(consecutive_failures: int) -> float:
    """Seconds to wait before the next attempt: 0, 0, 1, 2, 4, ... up to five minutes."""
    if consecutive_failures <= FREE_ATTEMPTS:
        return 0.0
    return min(2.0 ** (consecutive_failures - FREE_ATTEMPTS - 1), MAX_DELAY_SECONDS)


@dataclass(frozen=True)
class RecordMark:
    """Which sign-in record a store last saw: the file's id, and how many times it
    had been written."""

    file_id: str
    serial: int


@dataclass(frozen=True)
class FailedAttempt:
    tag: str
    at: float


class LoginAttempts:
    def __init__(self, path: Path) -> None:
        self._path = path
        self._streaks: dict[str, tuple[int, float]] = {}
        self._pending: list[FailedAttempt] = []
        self._dropped = 0
        #: None where there was no file (or one without an id, or unreadable).
        self.file_id: str | None = None
        self.serial = 0
        self._load()

    def _load(self) -> None:
        # A damaged file only loses throttling history; it must never stop sign-in.
        with contextlib.suppress(OSError, ValueError, TypeError, KeyError, AttributeError):
            document: Any = json.loads(self._path.read_bytes())
            file_id, serial = document.get("file_id"), document.get("serial")
            if isinstance(file_id, str) and isinstance(serial, int):
                self.file_id, self.serial = file_id, serial
            self._streaks = {
                str(tag): (int(item["count"]), float(item["last"]))
                for tag, item in document["streaks"].items()
            }
            self._pending = [
                FailedAttempt(str(item["tag"]), float(item["at"])) for item in document["pending"]
            ]
            self._dropped = int(document.get("dropped", 0))

    def next_mark(self) -> RecordMark:
        """The id and serial the file will carry once it is next written."""
        if self.file_id is None:
            self.file_id = uuid.uuid4().hex
        return RecordMark(self.file_id, self.serial + 1)

    def _save(self) -> None:
        mark = self.next_mark()
        document = {
            "file_id": mark.file_id,
            "serial": mark.serial,
            "streaks": {t: {"count": c, "last": last} for t, (c, last) in self._streaks.items()},
            "pending": [{"tag": a.tag, "at": a.at} for a in self._pending],
            "dropped": self._dropped,
        }
        write_atomic(self._path, json.dumps(document).encode(), what="The sign-in record")
        self.serial = mark.serial

    def seconds_to_wait(self, tag: str, now: float) -> float:
        count, last = self._streaks.get(tag, (0, 0.0))
        return max(0.0, min(last, now) + delay_after(count) - now)

    def record_failure(self, tag: str, now: float) -> None:
        count, _ = self._streaks.get(tag, (0, 0.0))
        self._streaks[tag] = (count + 1, now)
        self._pending.append(FailedAttempt(tag, now))
        if len(self._pending) > _MAX_PENDING:
            self._dropped += len(self._pending) - _MAX_PENDING
            self._pending = self._pending[-_MAX_PENDING:]
        self._save()

    def pending_failures(self) -> tuple[list[FailedAttempt], int]:
        """Failures waiting for the audit log, and how many more could not be kept."""
        return list(self._pending), self._dropped

    def signed_in(self, tag: str | None) -> None:
        """After a successful sign-in (whose audit entry now holds the failures, and
        whose transaction recorded ``next_mark()``): written every time, so the file
        carries the mark the store now expects."""
        if tag is not None:
            self._streaks.pop(tag, None)
        self._pending, self._dropped = [], 0
        try:
            self._save()
        except (OSError, LtError) as error:
            # The person is signed in; the next sign-in reports the record as put back.
            log.warning("The sign-in record could not be written (%s)", type(error).__name__)
