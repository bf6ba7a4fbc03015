"""Versions from the hybrid logical clock: always rising at this site, and never
dragged far into the future by a partner whose date is wrong."""

from __future__ import annotations

import uuid
from pathlib import Path

from sqlalchemy import select, text

from lt_desktop.storage.clock import (
    MAX_AHEAD_MS,
    HybridLogicalClock,
    format_version,
    parse_version,
)
from lt_desktop.storage.models import Partnership
from lt_desktop.storage.store import LockedStore
from tests.helpers.stores import ADMIN, ADMIN_PASSWORD, new_store

HERE, THERE = uuid.UUID(int=1), uuid.UUID(int=2)
NOW = 1_780_000_000_000  # a moment in 2026, in milliseconds
YEARS = 5 * 365 * 24 * 60 * 60 * 1000


def _clock(now: list[int]) -> HybridLogicalClock:
    return HybridLogicalClock(HERE, wall_clock_ms=lambda: now[0])


def test_a_partner_years_ahead_moves_this_clock_a_day_at_most() -> None:
    now = [NOW]
    clock = _clock(now)
    clock.observe(format_version(NOW + YEARS, 3, THERE))
    milliseconds, _, site = parse_version(clock.tick())
    assert site == HERE and NOW < milliseconds <= NOW + MAX_AHEAD_MS + 1
    # A partner a little ahead is followed exactly, as a hybrid logical clock should.
    clock = _clock(now)
    clock.observe(format_version(NOW + 60_000, 9, THERE))
    assert parse_version(clock.tick())[:2] == (NOW + 60_000, 10)


def test_this_sites_own_versions_are_followed_whatever_their_time() -> None:
    """A site whose date was set ahead, then put right, must still make versions after
    the ones it made meanwhile: its records' histories depend on it."""
    now = [NOW]
    clock = _clock(now)
    made_ahead = format_version(NOW + YEARS, 0, HERE)
    clock.observe(made_ahead)
    assert clock.tick() > made_ahead


def test_a_reopened_store_keeps_making_later_versions_than_its_own(tmp_path: Path) -> None:
    """Opened again, the store's clock starts from the newest version held and the
    newest this site made, even when a partner's far-future version is the newest."""
    store = new_store(tmp_path / "store")
    own_ahead = format_version(NOW + YEARS, 0, store.site.id)
    foreign_further = format_version(NOW + 2 * YEARS, 0, THERE)
    with store.write() as session:
        for name in ("Made here", "Sent by a partner"):
            session.add(Partnership(name=name, prison_name="HMP A", university_name="U of B"))
    with store.write() as session:
        # As if made here while the date was wrong, and sent by a partner further ahead.
        for name, version in (("Made here", own_ahead), ("Sent by a partner", foreign_further)):
            session.execute(
                text("UPDATE partnerships SET version = :v WHERE name = :n"),
                {"v": version, "n": name},
            )
    store.close()
    store, _ = LockedStore(tmp_path / "store").unlock(ADMIN, ADMIN_PASSWORD)
    try:
        made = store.sessions.clock.tick()
        assert own_ahead < made < foreign_further
    finally:
        store.close()


def test_an_edit_of_a_record_from_a_clock_far_ahead_sorts_after_it(tmp_path: Path) -> None:
    """This site's clock does not follow a partner years ahead, but an edit made on top
    of that partner's version still gets a later version than it: a concurrent edit
    elsewhere must lose to it, as to its parent, whatever order they arrive in."""
    store = new_store(tmp_path / "store")
    far_ahead = format_version(NOW + 3 * YEARS, 5, THERE)
    try:
        with store.write() as session:
            session.add(Partnership(name="P", prison_name="HMP A", university_name="U of B"))
        with store.write() as session:
            session.execute(text("UPDATE partnerships SET version = :v"), {"v": far_ahead})
        with store.write() as session:
            partnership = session.scalars(select(Partnership)).one()
            partnership.notes = "Edited here"
        with store.read() as session:
            edited = session.scalars(select(Partnership)).one()
            assert edited.previous_version == far_ahead
            assert edited.version > far_ahead
            assert parse_version(edited.version)[2] == store.site.id
    finally:
        store.close()
