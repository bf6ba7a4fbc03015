"""Argon2id parameters for key slots: stored with each slot, tuned on the machine.

New slots use parameters tuned to about half a second here, never below 64 MiB.
Tests may ask for cheap parameters through the explicit ``LT_DESKTOP_TEST_KDF``
setting; opening a slot always uses the parameters stored in it.
"""

from __future__ import annotations

import functools
import os
import time
from dataclasses import dataclass
from typing import Any

from cryptography.hazmat.primitives.kdf.argon2 import Argon2id

from lt_desktop.domain.errors import StoreCorrupt

MIN_MEMORY_KIB = 64 * 1024
DEFAULT_LANES = 2
TARGET_SECONDS = 0.5
TEST_KDF_SETTING = "LT_DESKTOP_TEST_KDF"

# Bounds on parameters read from a key file, so a damaged or hostile file cannot
# make us allocate gigabytes or spin for hours.
_MAX_MEMORY_KIB = 4 * 1024 * 1024
_MAX_ITERATIONS = 1000
_MAX_LANES = 16


@dataclass(frozen=True)
class KdfParams:
    memory_kib: int
    iterations: int
    lanes: int = DEFAULT_LANES

    def derive(self, secret: bytes, salt: bytes) -> bytes:
        return Argon2id(
            salt=salt,
            length=32,
            iterations=self.iterations,
            lanes=self.lanes,
            memory_cost=self.memory_kib,
        ).derive(secret)

    def to_json(self) -> dict[str, Any]:
        return {
            "algorithm": "argon2id",
            "memory_kib": self.memory_kib,
            "iterations": self.iterations,
            "lanes": self.lanes,
        }

    @classmethod
    def from_json(cls, data: Any) -> KdfParams:
        try:
            if data["algorithm"] != "argon2id":
                raise StoreCorrupt(
                    "The key file names a key derivation this version does not know."
                )
            params = cls(
                memory_kib=int(data["memory_kib"]),
                iterations=int(data["iterations"]),
                lanes=int(data["lanes"]),
            )
        except (KeyError, TypeError, ValueError) as error:
            raise StoreCorrupt("The key file is damaged (bad key derivation settings).") from error
        if not (
            8 * params.lanes <= params.memory_kib <= _MAX_MEMORY_KIB
            and 1 <= params.iterations <= _MAX_ITERATIONS
            and 1 <= params.lanes <= _MAX_LANES
        ):
            raise StoreCorrupt("The key file is damaged (key derivation settings out of range).")
        return params


#: Deliberately weak: only for the test suite, chosen through ``LT_DESKTOP_TEST_KDF``.
CHEAP_TEST_PARAMS = KdfParams(memory_kib=256, iterations=1, lanes=1)


#: Never fewer than this, even on a machine that is busy while it tunes.
MIN_ITERATIONS = 6
#: Never more than this, even if one probe was very fast by chance.
MAX_ITERATIONS = 64
_SHORT, _LONG = 1, 9
_PROBES = 3


def tune(target_seconds: float = TARGET_SECONDS, memory_kib: int = MIN_MEMORY_KIB) -> KdfParams:
    """Pick the iteration count that makes one derivation take about ``target_seconds``.

    A short and a long probe separate the fixed cost (allocating the memory) from
    the cost of each pass. The fastest of a few probes of each sets the pace, since
    other work can only slow a probe down. The result is clamped, so a busy machine
    cannot choose a weak slot and a lucky probe cannot choose one that takes seconds
    to open.
    """

    def fastest(iterations: int) -> float:
        return min(_time_derivation(KdfParams(memory_kib, iterations)) for _ in range(_PROBES))

    short, long = fastest(_SHORT), fastest(_LONG)
    per_iteration = max((long - short) / (_LONG - _SHORT), 1e-4)
    fixed = max(short - _SHORT * per_iteration, 0.0)
    iterations = round((target_seconds - fixed) / per_iteration)
    return KdfParams(memory_kib, max(MIN_ITERATIONS, min(iterations, MAX_ITERATIONS)))


def _time_derivation(params: KdfParams) -> float:
    start = time.perf_counter()
    params.derive(b"calibration", b"\0" * 16)
    return time.perf_counter() - start


@functools.cache
def _tuned_for_this_machine() -> KdfParams:
    return tune()


def params_for_new_slots() -> KdfParams:
    if os.environ.get(TEST_KDF_SETTING) == "cheap":
        return CHEAP_TEST_PARAMS
    return _tuned_for_this_machine()
