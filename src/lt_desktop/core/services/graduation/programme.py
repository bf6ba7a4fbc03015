"""The running order of a ceremony: speeches, music, presentations."""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from lt_desktop.core.services.base import get_or_not_found
from lt_desktop.core.services.graduation.common import GraduationPart, checked_text
from lt_desktop.domain.errors import ValidationError
from lt_desktop.domain.roles import Permission
from lt_desktop.storage.models import ProgrammeItem, utc_now

#: Kinds of programme item offered on screen; any short word may be kept.
PROGRAMME_KINDS = ("speech", "music", "presentation", "reading", "catering", "other")


_TIME = re.compile(r"^(\d{1,2})[:.](\d{2})$")


@dataclass(frozen=True)
class ProgrammeItemInfo:
    id: uuid.UUID
    position: int
    starts_at: str
    title: str
    kind: str
    who: str


class ProgrammePart(GraduationPart):
    """The running order."""

    def add_item(
        self,
        event_id: uuid.UUID,
        *,
        title: str,
        kind: str = "",
        who: str = "",
        starts_at: str = "",
    ) -> list[ProgrammeItemInfo]:
        """Add an item at the end of the programme; returns the whole programme."""
        self._require(Permission.MANAGE_GRADUATION)
        values = _item_values(title, kind, who, starts_at)
        with self._store.write() as session:
            self._event(session, event_id)
            items = _items(session, event_id)
            row = ProgrammeItem(event_id=event_id, position=len(items), **values)
            session.add(row)
            session.flush()
            self._audit(session, "graduation.programme_added", "programme_item", row.id)
            return programme_of(session, event_id)

    def update_item(
        self, item_id: uuid.UUID, *, title: str, kind: str, who: str, starts_at: str
    ) -> list[ProgrammeItemInfo]:
        self._require(Permission.MANAGE_GRADUATION)
        values = _item_values(title, kind, who, starts_at)
        with self._store.write() as session:
            row = get_or_not_found(session, ProgrammeItem, item_id, "programme item")
            self._event(session, row.event_id)
            for name, value in values.items():
                setattr(row, name, value)
            session.flush()
            self._audit(session, "graduation.programme_changed", "programme_item", row.id)
            return programme_of(session, row.event_id)

    def move_item(self, item_id: uuid.UUID, by: int) -> list[ProgrammeItemInfo]:
        """Move an item earlier (negative ``by``) or later in the programme."""
        self._require(Permission.MANAGE_GRADUATION)
        with self._store.write() as session:
            row = get_or_not_found(session, ProgrammeItem, item_id, "programme item")
            self._event(session, row.event_id)
            items = _items(session, row.event_id)
            old = items.index(row)
            new = max(0, min(len(items) - 1, old + by))
            if new != old:
                items.insert(new, items.pop(old))
                _renumber(items)
                session.flush()
                self._audit(
                    session, "graduation.programme_moved", "programme_item", row.id, to=new + 1
                )
            return programme_of(session, row.event_id)

    def remove_item(self, item_id: uuid.UUID) -> list[ProgrammeItemInfo]:
        self._require(Permission.MANAGE_GRADUATION)
        with self._store.write() as session:
            row = get_or_not_found(session, ProgrammeItem, item_id, "programme item")
            self._event(session, row.event_id)
            row.deleted_at = utc_now()
            session.flush()
            _renumber(_items(session, row.event_id))
            session.flush()
            self._audit(session, "graduation.programme_removed", "programme_item", row.id)
            return programme_of(session, row.event_id)


def _items(session: Session, event_id: uuid.UUID) -> list[ProgrammeItem]:
    return list(
        session.scalars(
            select(ProgrammeItem)
            .where(ProgrammeItem.event_id == event_id)
            .order_by(ProgrammeItem.position, ProgrammeItem.starts_at, ProgrammeItem.created_at)
        )
    )


def _renumber(items: list[ProgrammeItem]) -> None:
    for position, item in enumerate(items):
        if item.position != position:
            item.position = position


def programme_of(session: Session, event_id: uuid.UUID) -> list[ProgrammeItemInfo]:
    return [
        ProgrammeItemInfo(i.id, n, i.starts_at, i.title, i.kind, i.who)
        for n, i in enumerate(_items(session, event_id))
    ]


def _item_values(title: str, kind: str, who: str, starts_at: str) -> dict[str, str]:
    return {
        "title": checked_text(title, "item's title", 300, required=True),
        "kind": checked_text(kind, "kind of item", 50).lower(),
        "who": checked_text(who, "name of who gives it", 300),
        "starts_at": _time(starts_at),
    }


def _time(value: str) -> str:
    """A time of day as HH:MM ("9.30" and "9:30" both become "09:30"), or nothing."""
    text = value.strip()
    if not text:
        return ""
    match = _TIME.match(text)
    if match is None or int(match.group(1)) > 23 or int(match.group(2)) > 59:
        raise ValidationError(f"{text!r} is not a time of day: write it as 14:30.")
    return f"{int(match.group(1)):02d}:{match.group(2)}"
