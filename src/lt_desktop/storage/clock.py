"""A hybrid logical clock: versions that order changes across sites.

A version reads ``<milliseconds>.<counter>.<site>`` in fixed-width hex, so plain
string comparison orders versions by time, then counter, then site: every site
picks the same winner without talking to the others.
"""

from __future__ import annotations

import threading
import time
import uuid
from collections.abc import Callable

#: How far past this computer's clock another site's version may move it.
MAX_AHEAD_MS = 24 * 60 * 60 * 1000


def format_version(milliseconds: int, counter: int, site_id: uuid.UUID) -> str:
    return f"{milliseconds:012x}.{counter:04x}.{site_id.hex}"


def parse_version(version: str) -> tuple[int, int, uuid.UUID]:
    milliseconds, counter, site = version.split(".")
    return int(milliseconds, 16), int(counter, 16), uuid.UUID(hex=site)


class HybridLogicalClock:
    def __init__(
        self,
        site_id: uuid.UUID,
        last_seen: str | tuple[str, ...] | None = None,
        wall_clock_ms: Callable[[], int] = lambda: time.time_ns() // 1_000_000,
    ) -> None:
        self._site_id = site_id
        self._wall_clock_ms = wall_clock_ms
        self._lock = threading.Lock()
        self._milliseconds, self._counter = 0, 0
        for version in (last_seen,) if isinstance(last_seen, str) else last_seen or ():
            self.observe(version)

    def tick(self) -> str:
        """A version later than every version this clock has made or seen."""
        with self._lock:
            now = self._wall_clock_ms()
            if now > self._milliseconds:
                self._milliseconds, self._counter = now, 0
            else:
                self._counter += 1
                if self._counter > 0xFFFF:  # a burst beyond 65,535 in one millisecond
                    self._milliseconds, self._counter = self._milliseconds + 1, 0
            return format_version(self._milliseconds, self._counter, self._site_id)

    def follow(self, version: str) -> None:
        """Move past a version this site is about to build on, whatever its time, so
        the new version sorts after the one it replaces."""
        milliseconds, counter, _ = parse_version(version)
        with self._lock:
            if (milliseconds, counter) > (self._milliseconds, self._counter):
                self._milliseconds, self._counter = milliseconds, counter

    def observe(self, version: str) -> None:
        """Move past a version made elsewhere, so later local changes sort after it.

        Never more than ``MAX_AHEAD_MS`` past this computer's clock for another site's
        version: a partner whose date is set years ahead must not drag every site's
        clock with it. Nothing needs a later local version to sort after a foreign one
        (an edit is known to come after the version it was made on by its ancestry),
        but this site's own versions must keep rising, so they are followed whatever
        their time.
        """
        milliseconds, counter, site = parse_version(version)
        with self._lock:
            if site != self._site_id:
                limit = self._wall_clock_ms() + MAX_AHEAD_MS
                if milliseconds > limit:
                    milliseconds, counter = limit, 0
            if (milliseconds, counter) > (self._milliseconds, self._counter):
                self._milliseconds, self._counter = milliseconds, counter
