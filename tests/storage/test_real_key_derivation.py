"""The real Argon2id settings, not the cheap ones the rest of the suite uses."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from lt_desktop.core.sign_in import sign_in
from lt_desktop.storage import kdf
from lt_desktop.storage.keyslots import KeyFile
from tests.helpers.stores import ADMIN, ADMIN_PASSWORD, new_store


@pytest.fixture
def real_kdf(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(kdf.TEST_KDF_SETTING)


@pytest.mark.slow
def test_new_slots_use_tuned_argon2id_of_at_least_64_mib(real_kdf: None, store_dir: Path) -> None:
    new_store(store_dir).close()
    slots = KeyFile.load(store_dir / "keys.json").slots
    assert len(slots) == 2
    for slot in slots:
        assert slot.kdf.memory_kib >= 64 * 1024
        assert slot.kdf.iterations >= 3
        assert len(slot.salt) == 16
    start = time.perf_counter()
    sign_in(store_dir, ADMIN, ADMIN_PASSWORD).close()
    elapsed = time.perf_counter() - start
    # Tuned to about half a second here; generous bounds keep a loaded machine green.
    assert 0.1 < elapsed < 5.0, elapsed


@pytest.mark.slow
def test_tuning_aims_at_the_target_time(real_kdf: None) -> None:
    params = kdf.tune(target_seconds=0.3)
    # The quickest of three: another process busy on the machine slows a derivation down
    # but never speeds it up.
    times = []
    for _ in range(3):
        start = time.perf_counter()
        params.derive(b"password", b"\0" * 16)
        times.append(time.perf_counter() - start)
    assert params.memory_kib == kdf.MIN_MEMORY_KIB
    assert 0.1 < min(times) < 1.5, (params, times)
