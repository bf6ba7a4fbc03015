"""A demo store: one partnership, two cohorts, a term of realistic made-up activity.

Everything is generated from a fixed seed, so every demo store tells the same
story (useful for screenshots and for newcomers comparing notes).

The builder is split by the part of the programme each module seeds: ``cohorts``
(the partnership's cohorts, their sessions, staff, students and groups), ``people``
(people, consents and the demo accounts), ``registers``, ``essays``, ``research``
(stories, questionnaires, mentoring, interviews and sense-making), ``graduation``,
``applications`` and ``course_life`` (inductions, facilitators' training, group
projects); ``builder`` puts them together, ``base`` holds what they share and
``dates`` moves the story's dates to the demo's today.
"""

from __future__ import annotations

import secrets
import shutil
from datetime import date
from pathlib import Path

from lt_desktop.core.demo.base import (
    DEMO_PASSWORD,
    DEMO_USERS,
    GROUPS_PER_COHORT,
    RECORDER,
    STUDENTS_PER_BASE,
)
from lt_desktop.core.demo.builder import build_store
from lt_desktop.core.demo.dates import (
    TODAY_SETTING,
    WRITTEN_FOR,
    demo_shift,
    demo_today,
    season_of,
)
from lt_desktop.domain.errors import StoreAlreadyExists
from lt_desktop.domain.vocabulary import SiteKind
from lt_desktop.storage.creation import move_new_store
from lt_desktop.storage.folder import StoreFolder
from lt_desktop.storage.leftovers import clear_abandoned_staging
from lt_desktop.storage.recovery_key import RecoveryKey


def build_demo_store(
    root: Path,
    *,
    site_kind: SiteKind = SiteKind.PRISON,
    admin: str = "demo",
    password: str = DEMO_PASSWORD,
    seed: int = 2015,
    today: date | None = None,
) -> RecoveryKey:
    """Create a store in ``root`` filled with demo data; returns its recovery key.

    The dates are relative to ``today`` (by default ``demo_today()``), so the demo
    never goes stale: one cohort finished months ago, another is running, and its
    session today (or on the next weekday) is the next register to take.

    The store is built beside ``root`` and moved in only once it is complete.
    """
    root = Path(root)
    if StoreFolder(root).has_store():
        raise StoreAlreadyExists(f"{root} already holds a store. Choose another folder.")
    shift = demo_shift(today or demo_today())
    clear_abandoned_staging(root, "demo")
    staging = root.parent / f".{root.name}.demo-{secrets.token_hex(4)}"
    try:
        recovery_key = build_store(staging, site_kind, admin, password, seed, shift)
        move_new_store(staging, root)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return recovery_key


__all__ = [
    "DEMO_PASSWORD",
    "DEMO_USERS",
    "GROUPS_PER_COHORT",
    "RECORDER",
    "STUDENTS_PER_BASE",
    "TODAY_SETTING",
    "WRITTEN_FOR",
    "build_demo_store",
    "demo_shift",
    "demo_today",
    "season_of",
]
