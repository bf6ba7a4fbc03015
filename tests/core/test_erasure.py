"""Erasing a person at one site: the preview counts what is there, and afterwards not a
byte of their name, prison number or story text is left in any table of the store."""

from __future__ import annotations

import json
import uuid
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import sqlcipher3
from sqlalchemy import func, select

from lt_desktop.core.services.erasure import ERASED
from lt_desktop.core.sign_in import sign_in
from lt_desktop.core.workspace import Workspace
from lt_desktop.domain.errors import PermissionDenied, ValidationError
from lt_desktop.storage.backup import raw_key_pragma
from lt_desktop.storage.database import INCLUDE_DELETED
from lt_desktop.storage.keyslots import KeyFile, password_bytes
from lt_desktop.storage.models import (
    AttendanceMark,
    AuditEntry,
    Certificate,
    Consent,
    Essay,
    Membership,
    Person,
    PrisonDetails,
    Story,
    SyncConflict,
    SyncedRecord,
    User,
)
from lt_desktop.sync.erasures import ERASED_ACCOUNT

OWN_SENTENCE = "A heron stood on the wall by the chapel all through our group's talk"


@dataclass(frozen=True)
class Chosen:
    id: uuid.UUID
    given_name: str
    family_name: str
    prison_number: str
    story_sentence: str


def _pairs(rows: Iterable[Any]) -> dict[Any, Any]:
    return {key: value for key, value in rows}


def _most_recorded(demo: Workspace) -> Chosen:
    """The prison-based person with the most stories, marks, essays and consents (so
    there is a prison number to look for too)."""
    with demo.store.read() as session:
        counts: Counter[uuid.UUID] = Counter()
        for model in (Story, AttendanceMark, Consent):
            counts.update(
                _pairs(
                    session.execute(select(model.person_id, func.count()).group_by(model.person_id))
                )
            )
        essays = select(Membership.person_id, func.count(Essay.id)).join(
            Essay, Essay.membership_id == Membership.id
        )
        counts.update(_pairs(session.execute(essays.group_by(Membership.person_id))))
        numbered = _pairs(
            session.execute(select(PrisonDetails.person_id, PrisonDetails.prison_number))
        )
        person_id = max((p for p in counts if numbered.get(p)), key=lambda p: counts[p])
        person = session.get(Person, person_id)
        assert person is not None
        story = session.scalars(
            select(Story).where(Story.person_id == person_id, Story.text != "")
        ).first()
        assert story is not None, "the chosen person has written a story"
        session_id, text, written_on = story.session_id, story.text, story.written_on
    # The demo's stories share their sentences; one of theirs gets a sentence of its own.
    demo.stories.save(
        session_id, person_id, text=f"{text} {OWN_SENTENCE}", answers={}, written_on=written_on
    )
    return Chosen(
        person_id, person.given_name, person.family_name, numbered[person_id], OWN_SENTENCE
    )


def _live_counts(demo: Workspace) -> dict[str, int]:
    with demo.store.read() as session:
        return {
            model.__tablename__: session.scalar(select(func.count()).select_from(model)) or 0
            for model in {model for model, *_ in ERASED}
        }


def _open_raw(folder: Path) -> sqlcipher3.Connection:
    key_file = KeyFile.load(folder / "keys.json")
    slot = key_file.slot_for_user("demo")
    assert slot is not None
    key = slot.open(key_file.store_id, password_bytes("demo"))
    assert key is not None
    connection = sqlcipher3.connect(str(folder / "store.db"))
    connection.execute(raw_key_pragma(key))
    return connection


def _hits(folder: Path, needles: list[str]) -> list[str]:
    """Every table, every column, text and bytes alike, searched for each needle."""
    connection = _open_raw(folder)
    try:
        tables = [
            row[0]
            for row in connection.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
        ]
        found = []
        for table in tables:
            for row in connection.execute(f'SELECT * FROM "{table}"'):
                for value in row:
                    if isinstance(value, str):
                        text = value.lower()
                    elif isinstance(value, bytes):
                        text = value.decode("utf-8", "ignore").lower()
                    else:
                        continue
                    found += [f"{table}: {n}" for n in needles if n.lower() in text]
        return found
    finally:
        connection.close()


def test_an_erased_person_leaves_nothing_of_themselves_in_the_store(demo_dir: Path) -> None:
    with sign_in(demo_dir, "demo", "demo") as demo:
        chosen = _most_recorded(demo)
        needles = [
            f"{chosen.given_name} {chosen.family_name}",
            chosen.family_name,
            chosen.prison_number,
            chosen.story_sentence,
        ]
        with demo.store.write() as session:
            story = session.scalars(select(Story).where(Story.person_id == chosen.id)).first()
            assert story is not None
            # A clash kept for review holds a copy of the story's text.
            session.add(
                SyncConflict(
                    table_name="stories",
                    record_id=story.id,
                    kept_version=story.version,
                    lost_version=story.version,
                    lost_values=json.dumps({"text": OWN_SENTENCE}),
                    kept_from="this site",
                    partner_site_id=uuid.uuid4(),
                )
            )
        assert _hits(demo_dir, needles)  # the search finds them while they are there
        before = _live_counts(demo)
        with demo.store.read() as session:
            serials = list(
                session.scalars(
                    select(Certificate.serial)
                    .join(Membership, Certificate.membership_id == Membership.id)
                    .where(Membership.person_id == chosen.id)
                )
            )

        preview = demo.erasure.preview(chosen.id)

        assert preview.name.endswith(chosen.family_name)
        counted = dict((c.words, c.count) for c in preview.counts)
        with demo.store.read() as session:
            assert counted["stories"] == session.scalar(
                select(func.count()).select_from(Story).where(Story.person_id == chosen.id)
            )
            assert counted["register marks"] == session.scalar(
                select(func.count())
                .select_from(AttendanceMark)
                .where(AttendanceMark.person_id == chosen.id)
            )
            assert counted["consents"] == session.scalar(
                select(func.count()).select_from(Consent).where(Consent.person_id == chosen.id)
            )
            places = select(Membership.id).where(Membership.person_id == chosen.id)
            assert counted.get("essays", 0) == session.scalar(
                select(func.count()).select_from(Essay).where(Essay.membership_id.in_(places))
            )
        assert counted["person record"] == 1
        assert counted["stories"] > 0 and counted["register marks"] > 0

        erased = demo.erasure.erase(chosen.id)

        assert erased.counts == preview.counts
        after = _live_counts(demo)
        went = {model.__tablename__: 0 for model, *_ in ERASED}
        for model, words, *_ in ERASED:
            went[model.__tablename__] += counted.get(words, 0)
        # Everyone else's records are still there, every one.
        assert after == {table: before[table] - went[table] for table in before}
        with demo.store.read() as session:
            voided = session.scalars(
                select(Certificate)
                .where(Certificate.serial.in_(serials))
                .execution_options(**{INCLUDE_DELETED: True})
            ).all()
            assert sorted(c.serial for c in voided) == sorted(serials)
            assert all(c.deleted_at is not None for c in voided)
            tombstone = session.scalars(
                select(Person)
                .where(Person.id == chosen.id)
                .execution_options(**{INCLUDE_DELETED: True})
            ).one()
            assert (tombstone.given_name, tombstone.family_name) == ("", "")

    left = _hits(demo_dir, needles)
    assert sorted(set(left)) == [], len(left)
    # What was written is in the file itself: nothing waits in the journal.
    wal = demo_dir / "store.db-wal"
    assert not wal.exists() or wal.stat().st_size == 0


def test_the_audit_log_says_who_erased_whom_by_research_id_never_by_name(
    demo: Workspace,
) -> None:
    chosen = _most_recorded(demo)
    research_id = demo.erasure.preview(chosen.id).research_id

    demo.erasure.erase(chosen.id)

    with demo.store.read() as session:
        entry = session.scalars(
            select(AuditEntry).where(AuditEntry.action == "person.erased")
        ).one()
        assert entry.subject_id == research_id
        assert entry.actor_name == demo.actor.display_name
        assert chosen.family_name not in (entry.details or "")
    logs = "".join(
        p.read_text(errors="ignore")
        for p in (demo.store.folder.root / "logs").rglob("*")
        if p.is_file()
    )
    assert chosen.family_name not in logs


def test_erasure_is_refused_without_the_permission_and_nothing_changes(demo_dir: Path) -> None:
    with sign_in(demo_dir, "demo", "demo") as demo:
        chosen = _most_recorded(demo)
        before = _live_counts(demo)
    with sign_in(demo_dir, "facilitator", "demo") as facilitator:
        with pytest.raises(PermissionDenied, match="erase a person"):
            facilitator.erasure.preview(chosen.id)
        with pytest.raises(PermissionDenied, match="erase a person"):
            facilitator.erasure.erase(chosen.id)
        assert _live_counts(facilitator) == before


def test_the_store_zeroes_what_it_deletes(demo: Workspace) -> None:
    with demo.store.read() as session:
        assert session.connection().exec_driver_sql("PRAGMA secure_delete").scalar() == 1


def test_every_erased_kind_is_a_synced_record() -> None:
    assert all(issubclass(model, SyncedRecord) for model, *_ in ERASED)


def test_someone_who_still_signs_in_here_is_not_erased_until_their_account_is_closed(
    demo: Workspace,
) -> None:
    chosen = _most_recorded(demo)
    with demo.store.write() as session:
        account = session.scalars(select(User).where(User.username == "facilitator")).one()
        account.person_id = chosen.id
        account.display_name = f"{chosen.given_name} {chosen.family_name}"
    with pytest.raises(ValidationError, match="signs in here as facilitator"):
        demo.erasure.preview(chosen.id)
    with pytest.raises(ValidationError, match="Disable their account first"):
        demo.erasure.erase(chosen.id)

    demo.accounts.disable_account("facilitator")
    demo.erasure.erase(chosen.id)

    with demo.store.read() as session:
        account = session.scalars(select(User).where(User.username == "facilitator")).one()
        assert (account.person_id, account.display_name, account.disabled) == (
            None,
            ERASED_ACCOUNT,
            True,
        )
