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


def format_version(milliseconds: int, counter: int, site_id: uuid.UUID) -> str:
    return f"{milliseconds:012x}.{counter:04x}.{site_id.hex}"


def parse_version(version: str) -> tuple[int, int, uuid.UUID]:
    milliseconds, counter, site = version.split(".")
    return int(milliseconds, 16), int(counter, 16), uuid.UUID(hex=site)


class HybridLogicalClock:
    def __init__(
        self,
        site_id: uuid.UUID,
        last_seen: str | None = None,
        wall_clock_ms: Callable[[], int] = lambda: time.time_ns() // 1_000_000,
    ) -> None:
        self._site_id = site_id
        self._wall_clock_ms = wall_clock_ms
        self._lock = threading.Lock()
        self._milliseconds, self._counter = 0, 0
        if last_seen:
            self.observe(last_seen)

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

    def observe(self, version: str) -> None:
        """Move past a version made elsewhere, so later local changes sort after it."""
        milliseconds, counter, _ = parse_version(version)
        with self._lock:
            if (milliseconds, counter) > (self._milliseconds, self._counter):
                self._milliseconds, self._counter = milliseconds, counter
