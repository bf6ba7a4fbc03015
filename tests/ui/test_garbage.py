"""Garbage is collected on the GUI thread while the app's worker thread runs.

A Qt object collected on the worker thread crashes the process (seen once as a
segmentation fault while a store was being opened), so the test stands a cycle in for
such an object and records the thread that frees it.
"""

from __future__ import annotations

import gc
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from lt_desktop.ui.controller import AppController


class _Witness:
    """Part of a reference cycle: only the cycle collector can free it."""

    def __init__(self, freed_on: list[str]) -> None:
        self.freed_on = freed_on
        self.me = self

    def __del__(self) -> None:
        self.freed_on.append(threading.current_thread().name)


@pytest.fixture
def eager_collection() -> Iterator[None]:
    """Thresholds low enough that any thread allocating a little sets off a collection."""
    before = gc.get_threshold()
    gc.set_threshold(5, 2, 2)
    try:
        yield
    finally:
        gc.set_threshold(*before)


def _allocate_on_the_worker(controller: AppController, qtbot: QtBot, freed_on: list[str]) -> None:
    def work() -> int:
        _Witness(freed_on)  # garbage from the moment it is made
        kept = [[n] for n in range(20_000)]  # containers: each counts towards a collection
        return len(kept)

    with qtbot.waitSignal(controller.runner.busy_changed, timeout=10_000):
        controller.runner.submit(work)
    qtbot.waitUntil(lambda: controller.runner.idle, timeout=10_000)


def test_a_cycle_left_by_the_worker_is_freed_on_the_gui_thread(
    qtbot: QtBot, tmp_path: Path, eager_collection: None
) -> None:
    controller = AppController(tmp_path / "store")
    freed_on: list[str] = []
    try:
        _allocate_on_the_worker(controller, qtbot, freed_on)
        qtbot.waitUntil(lambda: bool(freed_on), timeout=5_000)
    finally:
        controller.shutdown()
    assert freed_on == [threading.main_thread().name]


def test_collection_is_given_back_when_the_app_shuts_down(qtbot: QtBot, tmp_path: Path) -> None:
    assert gc.isenabled()
    controller = AppController(tmp_path / "store")
    assert not gc.isenabled()
    freed_on: list[str] = []
    _Witness(freed_on)
    controller.shutdown()
    assert gc.isenabled()
    assert freed_on == [threading.main_thread().name]  # what was left, collected on the way out
