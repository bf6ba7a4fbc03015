"""The demo's today, and how the dates its story is written for move to it."""

from __future__ import annotations

import os
from datetime import date, timedelta

#: The day the demo's dates are written for: the running cohort's eleventh week,
#: whose register is still to be taken. Every date moves with the real today.
WRITTEN_FOR = date(2026, 11, 23)
#: An explicit setting that pins the demo's today (YYYY-MM-DD), so that tests and
#: pictures made on any day see the same store.
TODAY_SETTING = "LT_DESKTOP_DEMO_TODAY"


def demo_today() -> date:
    """The day the demo is made for: the pinned one if set, else the real today."""
    pinned = os.environ.get(TODAY_SETTING, "").strip()
    return date.fromisoformat(pinned) if pinned else date.today()


def demo_shift(today: date) -> timedelta:
    """How far the demo's written dates move so that its next session falls on
    ``today``, or on the next weekday when today is a Saturday or Sunday."""
    session_day = today + timedelta(days=max(0, 7 - today.weekday()) if today.weekday() >= 5 else 0)
    return session_day - WRITTEN_FOR


def season_of(day: date) -> str:
    return ("Winter", "Spring", "Summer", "Autumn")[(day.month % 12) // 3]
