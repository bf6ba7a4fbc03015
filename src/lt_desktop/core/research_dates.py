"""Date shifting for the research export, as REDCap does it.

With shifting on, every date about a person is moved back by that person's own whole
number of days, from 0 to 364. The same person moves by the same number of days in
every file of an export and in every export from this store, so intervals between a
person's dates stay true (a questionnaire three weeks before an interview is still
three weeks before it) while no exact date can be matched against another record.

A person's number of days is an HMAC of their research id under a secret that is
made the first time dates are shifted and kept in this store's settings (never
exported, never travelling to another site). Nobody holding the exports can work the
number out, and two exports cannot be set side by side to find it, because it never
changes between them.

Dates of a whole cohort's meeting (the sense-making meeting), which belong to no one
person, move by the cohort's own number of days, worked out the same way from the
cohort.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import secrets
import uuid
from datetime import date, timedelta

from sqlalchemy.orm import Session

from lt_desktop.storage.models import Setting

#: The settings row holding the secret; local to this store, like every setting.
SHIFT_SECRET_SETTING = "research_date_shift_secret"
#: Dates move back by 0 to this many days.
LONGEST_SHIFT_DAYS = 364


def date_shift_secret(session: Session) -> bytes:
    """This store's secret for shifting dates, made and kept the first time it is needed."""
    row = session.get(Setting, SHIFT_SECRET_SETTING)
    if row is None:
        row = Setting(key=SHIFT_SECRET_SETTING, value=json.dumps(secrets.token_hex(32)))
        session.add(row)
        session.flush()
    return bytes.fromhex(json.loads(row.value))


class DateShift:
    """Moves dates back by a person's (or a cohort's) own number of days; with no
    secret, leaves every date as it is."""

    def __init__(self, secret: bytes | None) -> None:
        self._secret = secret

    @property
    def shifting(self) -> bool:
        return self._secret is not None

    def days(self, key: str) -> int:
        """How many days back dates under ``key`` move: 0 when not shifting."""
        if self._secret is None:
            return 0
        digest = hmac.new(self._secret, key.encode("utf-8"), hashlib.sha256).digest()
        return int.from_bytes(digest[:8], "big") % (LONGEST_SHIFT_DAYS + 1)

    def person_date(self, research_id: str, day: date | None) -> date | None:
        return None if day is None else day - timedelta(days=self.days(f"person:{research_id}"))

    def cohort_date(self, cohort_id: uuid.UUID, day: date | None) -> date | None:
        return None if day is None else day - timedelta(days=self.days(f"cohort:{cohort_id}"))
