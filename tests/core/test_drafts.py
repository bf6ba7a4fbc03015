"""Unsaved typing kept across a lock: each account's own, inside the encrypted store."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import select

from lt_desktop.core.services.drafts import KEPT_FOR, Draft
from lt_desktop.core.sign_in import sign_in
from lt_desktop.domain.errors import ValidationError
from lt_desktop.storage import models as m
from tests.helpers.stores import plaintext_hits

TYPED = "Zephyrine argues the library visits changed how Quorvath reads"


def test_an_account_gets_back_only_its_own_drafts(demo_dir: Path) -> None:
    feedback = Draft("EssaysScreen", "CABC1234", "feedback", TYPED)
    with sign_in(demo_dir, "marker", "demo") as marker:
        assert marker.drafts.keep([feedback, Draft("EssaysScreen", "CABC1234", "mark", "6")]) == 2
        # Kept again for the same field: the newer text replaces the older.
        marker.drafts.keep([Draft("EssaysScreen", "CABC1234", "mark", "64")])
        assert [(d.field, d.text) for d in marker.drafts.waiting("EssaysScreen")] == [
            ("feedback", TYPED),
            ("mark", "64"),
        ]
        assert marker.drafts.waiting("StoriesScreen") == []
    with sign_in(demo_dir, "demo", "demo") as admin:
        assert admin.drafts.waiting() == []
        admin.drafts.discard("EssaysScreen", "CABC1234", ["feedback", "mark"])  # not theirs
        admin.drafts.keep([Draft("EssaysScreen", "CABC1234", "feedback", "The admin's own")])
    with sign_in(demo_dir, "marker", "demo") as marker:
        assert [d.text for d in marker.drafts.waiting()] == [TYPED, "64"]
        marker.drafts.discard("EssaysScreen", "CABC1234", ["feedback"])
        assert [d.field for d in marker.drafts.waiting()] == ["mark"]
    with sign_in(demo_dir, "demo", "demo") as admin:
        assert [d.text for d in admin.drafts.waiting()] == ["The admin's own"]


def test_a_draft_says_where_it_was_typed(demo_dir: Path) -> None:
    with sign_in(demo_dir, "marker", "demo") as marker:
        with pytest.raises(ValidationError, match="where it was typed"):
            marker.drafts.keep([Draft("", "CABC1234", "feedback", TYPED)])
        assert marker.drafts.waiting() == []


def test_drafts_are_never_readable_in_the_store_folder(demo_dir: Path) -> None:
    with sign_in(demo_dir, "marker", "demo") as marker:
        marker.drafts.keep([Draft("EssaysScreen", "CABC1234", "feedback", TYPED)])
        assert plaintext_hits(demo_dir, [TYPED]) == []  # the write-ahead log included
    assert plaintext_hits(demo_dir, [TYPED]) == []


def test_drafts_nobody_came_back_for_are_not_kept_for_ever(demo_dir: Path) -> None:
    with sign_in(demo_dir, "marker", "demo") as marker:
        marker.drafts.keep([Draft("EssaysScreen", "CABC1234", "feedback", TYPED)])
        with marker.store.write() as session:
            for row in session.scalars(select(m.Draft)):
                row.kept_at = m.utc_now() - KEPT_FOR - timedelta(hours=1)
    with sign_in(demo_dir, "demo", "demo") as admin:
        # Anyone's next lock clears what is older than a month, whoever typed it.
        admin.drafts.keep([Draft("StoriesScreen", "S1", "text", "The admin's own")])
    with sign_in(demo_dir, "marker", "demo") as marker:
        assert marker.drafts.waiting() == []
