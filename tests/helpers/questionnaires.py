"""Questionnaire items as tests meet them: saved, so each has an id."""

from __future__ import annotations

import uuid

from lt_desktop.core.services.questionnaires import ItemInfo


def item_id(item: ItemInfo) -> uuid.UUID:
    """The id of a saved item (only an item still being written in the editor has none)."""
    assert item.id is not None, f"item {item.text!r} was never saved"
    return item.id
