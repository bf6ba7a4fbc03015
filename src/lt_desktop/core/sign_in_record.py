"""Keeping the record of failed sign-ins honest.

Failed sign-ins wait in ``login-attempts.json`` outside the encrypted store until the
next successful sign-in moves them into the audit log. Whoever can delete that file,
or put back an older copy, could otherwise make failures vanish and reset the wait
after them unnoticed. So the store keeps, inside the encrypted database, the file's
id and serial as of each successful sign-in; the next sign-in compares them with the
file it finds, and an audit entry says when the file was deleted, replaced or rolled
back. The check (``lt-desktop check``) lists those entries.
"""

from __future__ import annotations

import json
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from lt_desktop.storage.login_attempts import LoginAttempts, RecordMark
from lt_desktop.storage.models import AuditEntry, Setting

#: The settings row that holds the mark seen at the last sign-in (local to this store).
MARK_SETTING = "sign_in_record"
RECORD_LOST = "sign_in.record_lost"
RECORD_LOST_WORDS = "the record of failed sign-ins was removed or put back"


def what_happened(session: Session, attempts: LoginAttempts) -> str | None:
    """How the file differs from the one the last sign-in left, or None if it does
    not (or this store has never recorded one)."""
    row = session.get(Setting, MARK_SETTING)
    if row is None:
        return None
    try:
        expected = RecordMark(**json.loads(row.value))
    except (ValueError, TypeError):
        return "the store's own note of it is unreadable"
    if attempts.file_id is None:
        return "it was missing or unreadable"
    if attempts.file_id != expected.file_id:
        return "another file had taken its place"
    if attempts.serial < expected.serial:
        return "an older copy had been put back"
    return None


def remember(session: Session, mark: RecordMark) -> None:
    """Note the file as it will be once this sign-in has written it."""
    value = json.dumps({"file_id": mark.file_id, "serial": mark.serial})
    row = session.get(Setting, MARK_SETTING)
    if row is None:
        session.add(Setting(key=MARK_SETTING, value=value))
    else:
        row.value = value


def notices(session: Session) -> list[str]:
    """One line for each time a sign-in found the record removed or put back."""
    found = session.scalars(
        select(AuditEntry.at).where(AuditEntry.action == RECORD_LOST).order_by(AuditEntry.sequence)
    ).all()
    return [_notice(at) for at in found]


def _notice(at: datetime) -> str:
    when = at.astimezone()
    return (
        f"At the sign-in of {when:%d %b %Y %H:%M}, {RECORD_LOST_WORDS}: failed sign-ins "
        "before then may be missing from the audit log, and the wait after them was reset."
    )
