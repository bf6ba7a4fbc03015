"""The audit log's hash chain: append an entry, verify the whole log.

Each entry's digest covers its content and the digest before it; the first
entry chains from a value bound to the store. The newest (sequence, digest) is
also kept in the key file, so removing entries from the end is detected too.
"""

from __future__ import annotations

import hashlib
import json
import uuid
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from lt_desktop.storage.keyslots import AuditHead
from lt_desktop.storage.models import AuditEntry, utc_now

#: Session info key under which the newest appended entry waits for the commit.
PENDING_HEAD = "audit_head"


def genesis_digest(store_id: uuid.UUID) -> str:
    return hashlib.sha256(f"lt-desktop audit log\0{store_id}".encode()).hexdigest()


def canonical_details(details: dict[str, Any]) -> str:
    return json.dumps(details, sort_keys=True, separators=(",", ":"), default=str)


def entry_digest(
    *,
    sequence: int,
    at: datetime,
    actor_id: uuid.UUID | None,
    actor_name: str,
    action: str,
    subject_type: str | None,
    subject_id: str | None,
    details: str,
    previous_digest: str,
) -> str:
    material = json.dumps(
        [
            sequence,
            at.isoformat(timespec="microseconds"),
            None if actor_id is None else str(actor_id),
            actor_name,
            action,
            subject_type,
            subject_id,
            details,
            previous_digest,
        ],
        separators=(",", ":"),
    )
    return hashlib.sha256(material.encode()).hexdigest()


def _digest_of(entry: AuditEntry) -> str:
    return entry_digest(
        sequence=entry.sequence,
        at=entry.at,
        actor_id=entry.actor_id,
        actor_name=entry.actor_name,
        action=entry.action,
        subject_type=entry.subject_type,
        subject_id=entry.subject_id,
        details=entry.details,
        previous_digest=entry.previous_digest,
    )


def append(
    session: Session,
    *,
    store_id: uuid.UUID,
    anchor: AuditHead | None,
    actor_id: uuid.UUID | None,
    actor_name: str,
    action: str,
    subject_type: str | None = None,
    subject_id: str | None = None,
    details: dict[str, Any] | None = None,
    at: datetime | None = None,
) -> AuditEntry:
    """Append one entry inside the caller's transaction (so it commits with the change).

    The new head is offered for anchoring only while the log still agrees with the
    current anchor: once entries have been removed or replaced, the anchor stays
    where it was, so the damage keeps being reported.
    """
    last = session.scalars(select(AuditEntry).order_by(AuditEntry.sequence.desc()).limit(1)).first()
    entry = AuditEntry(
        sequence=1 if last is None else last.sequence + 1,
        at=at or utc_now(),
        actor_id=actor_id,
        actor_name=actor_name,
        action=action,
        subject_type=subject_type,
        subject_id=subject_id,
        details=canonical_details(details or {}),
        previous_digest=genesis_digest(store_id) if last is None else last.digest,
    )
    entry.digest = _digest_of(entry)
    session.add(entry)
    session.flush()
    if anchor is None or _agrees_with(session, anchor):
        session.info[PENDING_HEAD] = AuditHead(entry.sequence, entry.digest)
    return entry


def _agrees_with(session: Session, anchor: AuditHead) -> bool:
    digest = session.scalar(select(AuditEntry.digest).where(AuditEntry.sequence == anchor.sequence))
    return digest == anchor.digest


@dataclass
class AuditVerification:
    entries: int = 0
    problems: list[str] = field(default_factory=list)

    @property
    def sound(self) -> bool:
        return not self.problems


def verify(session: Session, store_id: uuid.UUID, anchor: AuditHead | None) -> AuditVerification:
    result = AuditVerification()
    expected_previous = genesis_digest(store_id)
    expected_sequence = 1
    for entry in session.scalars(
        select(AuditEntry).order_by(AuditEntry.sequence).execution_options(yield_per=2000)
    ):
        result.entries += 1
        if entry.sequence != expected_sequence:
            result.problems.append(
                f"Audit entries {expected_sequence} to {entry.sequence - 1} are missing."
            )
        elif entry.previous_digest != expected_previous:
            result.problems.append(
                f"Audit entry {entry.sequence} does not follow the entry before it."
            )
        if _digest_of(entry) != entry.digest:
            result.problems.append(f"Audit entry {entry.sequence} has been altered.")
        elif anchor is not None and entry.sequence == anchor.sequence:
            if entry.digest != anchor.digest:
                result.problems.append(f"Audit entry {entry.sequence} has been replaced.")
        expected_previous = entry.digest
        expected_sequence = entry.sequence + 1
    newest = expected_sequence - 1
    if anchor is not None and newest < anchor.sequence:
        result.problems.append(
            f"Audit entries {newest + 1} to {anchor.sequence} have been removed."
        )
    return result
