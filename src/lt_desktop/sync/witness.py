"""Witnesses of each site's audit log, kept outside its store.

Anyone holding an account's password holds the data key, and with it can rewrite a
store's audit log and chain it afresh: nothing inside one store can tell. So each
site's log is also witnessed by its partners. Every bundle carries, signed with the
bundle:

- ``head``: the sender's newest audit entry (its number and digest);
- ``at``: the sender's digest *now* at the number the partner last told it it holds,
  so the partner can see whether the log still extends what it witnessed;
- ``yours``: the newest head of the partner's own log that the sender holds.

The receiver keeps the heads it witnesses. It reports, when taking a bundle in and
in every later check, a partner whose log has fewer entries than it witnessed or
whose digest at a witnessed number has changed, and its own log if it no longer
matches a head a partner witnessed. Backups carry the head too (``storage.backup``),
and the check compares the log with every backup in the backup folder.

What this notices: entries removed, changed or re-chained after a partner or a backup
saw them, however the data key was come by. What it does not: changes to entries no
partner or backup has seen yet, and a site that runs a changed program to send
witnesses that lie. Digests and numbers only travel: no entry's content.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from lt_desktop.storage.models import AuditEntry, Setting

#: The bundle meta field.
META = "audit"
#: How many of a partner's heads are kept: enough to check any ``at`` it may send.
_KEPT = 64
_THEIRS = "audit_witness.theirs."  # + partner site id: their heads this site witnessed
_OURS = "audit_witness.ours."  # + partner site id: this site's head the partner holds
_PROBLEMS = "audit_witness.problems"


@dataclass(frozen=True)
class Head:
    sequence: int
    digest: str

    def to_json(self) -> list[Any]:
        return [self.sequence, self.digest]

    @classmethod
    def from_json(cls, value: Any) -> Head | None:
        if (
            isinstance(value, list)
            and len(value) == 2
            and isinstance(value[0], int)
            and not isinstance(value[0], bool)
            and 0 < value[0] < 2**62
            and isinstance(value[1], str)
            and len(value[1]) == 64
            and all(c in "0123456789abcdef" for c in value[1])
        ):
            return cls(value[0], value[1])
        return None


def own_head(session: Session) -> Head | None:
    row = session.execute(
        select(AuditEntry.sequence, AuditEntry.digest).order_by(AuditEntry.sequence.desc()).limit(1)
    ).first()
    return None if row is None else Head(row.sequence, row.digest)


def own_digest_at(session: Session, sequence: int) -> str | None:
    return session.scalar(select(AuditEntry.digest).where(AuditEntry.sequence == sequence))


def for_partner(session: Session, partner_site_id: uuid.UUID) -> dict[str, Any]:
    """What a bundle to this partner carries about the two sites' audit logs."""
    head = own_head(session)
    held = _get(session, _OURS + partner_site_id.hex)
    ours = Head.from_json(held)
    at = None
    if ours is not None:
        digest = own_digest_at(session, ours.sequence)
        at = [ours.sequence, digest or ""]
    theirs = _theirs(session, partner_site_id)
    return {
        "head": None if head is None else head.to_json(),
        "at": at,
        "yours": theirs[-1]["head"] if theirs else None,
    }


def take_in(
    session: Session,
    *,
    partner_site_id: uuid.UUID,
    partner_name: str,
    meta: Mapping[str, Any],
) -> list[str]:
    """Check what a partner's bundle says about the two logs and keep its witness.
    The problems found, each also kept for the check, in words."""
    witness = meta.get(META)
    if not isinstance(witness, dict):
        return []  # from a version that sent none
    problems: list[str] = []
    today = datetime.now(UTC).date().isoformat()
    history = _theirs(session, partner_site_id)
    head = Head.from_json(witness.get("head"))
    at = witness.get("at")
    if head is not None and history:
        newest = Head.from_json(history[-1]["head"])
        if newest is not None and head.sequence < newest.sequence:
            problems.append(
                f"{partner_name}'s audit log now ends at entry {head.sequence}, but it "
                f"sent entry {newest.sequence} on {history[-1]['on']}: entries were removed."
            )
        if isinstance(at, list) and len(at) == 2:
            for seen in history:
                held = Head.from_json(seen["head"])
                if held is not None and held.sequence == at[0] and held.digest != at[1]:
                    problems.append(
                        f"{partner_name}'s audit log no longer extends what it sent on "
                        f"{seen['on']}: entries up to {held.sequence} were changed."
                    )
                    break
    if head is not None and (not history or history[-1]["head"] != head.to_json()):
        history.append({"head": head.to_json(), "on": today})
        _put(session, _THEIRS + partner_site_id.hex, history[-_KEPT:])
    yours = Head.from_json(witness.get("yours"))
    if yours is not None:
        mine = own_digest_at(session, yours.sequence)
        if mine != yours.digest:
            problems.append(
                f"This site's audit log no longer extends what {partner_name} witnessed: "
                f"entry {yours.sequence} was {'removed' if mine is None else 'changed'}."
            )
        _put(session, _OURS + partner_site_id.hex, yours.to_json())
    if problems:
        kept = _get(session, _PROBLEMS) or []
        _put(session, _PROBLEMS, [*kept, *({"on": today, "text": p} for p in problems)])
    return problems


def problems(session: Session, partner_names: Mapping[uuid.UUID, str]) -> list[str]:
    """What the check reports: problems found when bundles came in, and this site's log
    against every head of it a partner witnessed."""
    found = [f"{item['on']}: {item['text']}" for item in _get(session, _PROBLEMS) or []]
    for row in session.scalars(select(Setting).where(Setting.key.startswith(_OURS))):
        head = Head.from_json(json.loads(row.value))
        if head is None:
            continue
        site_id = uuid.UUID(hex=row.key.removeprefix(_OURS))
        mine = own_digest_at(session, head.sequence)
        if mine != head.digest:
            name = partner_names.get(site_id, "A partner")
            found.append(
                f"This site's audit log no longer extends what {name} witnessed: entry "
                f"{head.sequence} was {'removed' if mine is None else 'changed'}."
            )
    return found


def against_backup(session: Session, head: Head, backup_name: str) -> str | None:
    """A problem if this site's log no longer extends the head a backup of it holds."""
    mine = own_digest_at(session, head.sequence)
    if mine == head.digest:
        return None
    return (
        f"The audit log no longer extends the backup {backup_name}: entry "
        f"{head.sequence} was {'removed' if mine is None else 'changed'} since."
    )


def _theirs(session: Session, partner_site_id: uuid.UUID) -> list[dict[str, Any]]:
    value = _get(session, _THEIRS + partner_site_id.hex)
    return [item for item in value if isinstance(item, dict)] if isinstance(value, list) else []


def _get(session: Session, key: str) -> Any:
    row = session.get(Setting, key)
    return None if row is None else json.loads(row.value)


def _put(session: Session, key: str, value: Any) -> None:
    row = session.get(Setting, key)
    if row is None:
        session.add(Setting(key=key, value=json.dumps(value)))
    else:
        row.value = json.dumps(value)
