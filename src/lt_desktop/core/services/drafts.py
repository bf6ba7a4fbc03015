"""Unsaved typing kept across a lock.

When the window locks, what someone had typed and not saved would otherwise be lost
with the screens. It is kept here instead, inside the encrypted store, under the
account that typed it: only that account ever gets it back, and only until it is put
back where it was typed. Drafts never travel to another site and are never logged
or audited, since their words are whatever was being typed.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import delete, select

from lt_desktop.core.services.base import Service
from lt_desktop.domain.errors import ValidationError
from lt_desktop.storage import models as m

#: How long typing is kept for someone to come back to it.
KEPT_FOR = timedelta(days=30)
_LONGEST_PLACE = 100
_LONGEST_RECORD = 200


@dataclass(frozen=True)
class Draft:
    """Text typed and not saved: the screen, record and field it was typed in, and the text."""

    screen: str
    record: str
    field: str
    text: str


class DraftService(Service):
    """Every account may keep drafts; each sees and removes only its own."""

    def keep(self, drafts: Sequence[Draft]) -> int:
        """Keep these drafts, in one transaction, replacing any kept before for the same
        field of the same record. Returns how many were kept."""
        for draft in drafts:
            if (
                not draft.screen
                or not draft.field
                or len(draft.screen) > _LONGEST_PLACE
                or len(draft.field) > _LONGEST_PLACE
                or len(draft.record) > _LONGEST_RECORD
            ):
                raise ValidationError("A draft must say where it was typed.")
        if not drafts:
            return 0
        with self._store.write() as session:
            # Typing nobody came back for (an essay agreed meanwhile, an account
            # disabled) is not kept for ever, in the store or its backups.
            session.execute(delete(m.Draft).where(m.Draft.kept_at < m.utc_now() - KEPT_FOR))
            kept = {
                (d.screen, d.record, d.field): d
                for d in session.scalars(
                    select(m.Draft).where(m.Draft.user_id == self.actor.user_id)
                )
            }
            for draft in drafts:
                row = kept.get((draft.screen, draft.record, draft.field))
                if row is None:
                    row = m.Draft(
                        user_id=self.actor.user_id,
                        screen=draft.screen,
                        record=draft.record,
                        field=draft.field,
                    )
                    session.add(row)
                    kept[(draft.screen, draft.record, draft.field)] = row
                row.text = draft.text
                row.kept_at = m.utc_now()
        return len(drafts)

    def waiting(self, screen: str | None = None) -> list[Draft]:
        """This account's drafts (on one screen, if given), oldest first."""
        with self._store.read() as session:
            query = select(m.Draft).where(m.Draft.user_id == self.actor.user_id)
            if screen is not None:
                query = query.where(m.Draft.screen == screen)
            return [
                Draft(d.screen, d.record, d.field, d.text)
                for d in session.scalars(query.order_by(m.Draft.kept_at))
            ]

    def discard(self, screen: str, record: str, fields: Iterable[str]) -> None:
        """Remove this account's drafts of these fields, once they are back on screen."""
        names = list(fields)
        if not names:
            return
        with self._store.write() as session:
            session.execute(
                delete(m.Draft).where(
                    m.Draft.user_id == self.actor.user_id,
                    m.Draft.screen == screen,
                    m.Draft.record == record,
                    m.Draft.field.in_(names),
                )
            )
