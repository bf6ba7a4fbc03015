from __future__ import annotations

import json
import shutil
import tempfile
from pathlib import Path

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import create_engine, inspect, select

from lt_desktop.core.sign_in import sign_in
from lt_desktop.core.stores import restore_store
from lt_desktop.storage.backup import read_header
from lt_desktop.storage.migrations import (
    SchemaState,
    _chain,
    alembic_config,
    current_revision,
    head_revision,
    migrations_folder,
    schema_state,
)
from lt_desktop.storage.models import Base, Certificate, Membership, MergedRecord, Person

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"


def test_there_is_one_head() -> None:
    assert len(ScriptDirectory.from_config(alembic_config()).get_heads()) == 1


def test_the_revisions_read_from_the_scripts_are_alembics() -> None:
    """A store at the newest revision is opened without Alembic, from the scripts'
    ``revision``/``down_revision`` lines: they must say what Alembic says."""
    scripts = ScriptDirectory.from_config(alembic_config())
    chain = _chain(migrations_folder())
    assert chain is not None
    head, revisions = chain
    assert head == scripts.get_current_head() == head_revision()
    assert revisions == {r.revision for r in scripts.walk_revisions()}
    assert schema_state(head) is SchemaState.CURRENT
    assert {schema_state(r) for r in revisions - {head}} == {SchemaState.OLDER}
    assert schema_state("9999") is SchemaState.NEWER
    assert schema_state(None) is SchemaState.EMPTY


def test_a_stores_revision_is_read_as_alembic_reads_it() -> None:
    with tempfile.TemporaryDirectory() as folder:
        engine = create_engine(f"sqlite:///{folder}/schema.db")
        with engine.begin() as connection:
            assert current_revision(connection) is None  # no alembic_version table
            command.upgrade(alembic_config(connection), "0002")
            assert current_revision(connection) == "0002"
            assert MigrationContext.configure(connection).get_current_revision() == "0002"
            connection.exec_driver_sql("DELETE FROM alembic_version")
            assert current_revision(connection) is None
        engine.dispose()


@pytest.mark.parametrize(
    "third",
    ['down_revision = "0001"', 'down_revision = ("0001", "0002")'],
    ids=["a-second-head", "a-merge"],
)
def test_scripts_that_are_not_one_plain_line_are_left_to_alembic(
    tmp_path: Path, third: str
) -> None:
    versions = tmp_path / "versions"
    versions.mkdir()
    (versions / "0001_a.py").write_text('revision = "0001"\ndown_revision = None\n')
    (versions / "0002_b.py").write_text('revision = "0002"\ndown_revision = "0001"\n')
    (versions / "0003_c.py").write_text(f'revision = "0003"\n{third}\n')
    assert _chain(tmp_path) is None
    (versions / "0003_c.py").unlink()
    assert _chain.__wrapped__(tmp_path) == ("0002", {"0001", "0002"})


def test_models_and_migrations_agree() -> None:
    with tempfile.TemporaryDirectory() as folder:
        engine = create_engine(f"sqlite:///{folder}/schema.db")
        with engine.begin() as connection:
            command.upgrade(alembic_config(connection), "head")
            differences = compare_metadata(
                MigrationContext.configure(connection, opts={"compare_type": True}),
                Base.metadata,
            )
        engine.dispose()
    assert differences == []


def test_every_revision_upgrades_and_downgrades_cleanly() -> None:
    scripts = ScriptDirectory.from_config(alembic_config())
    revisions = [r.revision for r in reversed(list(scripts.walk_revisions()))]
    with tempfile.TemporaryDirectory() as folder:
        engine = create_engine(f"sqlite:///{folder}/schema.db")
        with engine.begin() as connection:
            config = alembic_config(connection)
            for revision in revisions:
                command.upgrade(config, revision)
            assert set(inspect(connection).get_table_names()) >= set(Base.metadata.tables)
            command.downgrade(config, "base")
            assert inspect(connection).get_table_names() == ["alembic_version"]
        engine.dispose()


@pytest.fixture
def old_store(tmp_path: Path) -> Path:
    target = tmp_path / "old"
    shutil.copytree(FIXTURES / "store-0001", target)
    return target


def test_an_old_store_is_backed_up_then_upgraded_with_its_data(old_store: Path) -> None:
    with sign_in(old_store, "staff", "fixture password") as staff:
        assert staff.store.schema_revision == head_revision()
        assert staff.actor.display_name == "Sol Staff"
    backups = list((old_store / "backups").glob("before-upgrade-from-0001-*.ltbackup"))
    assert len(backups) == 1
    assert read_header(backups[0]).schema_revision == "0001"
    with sign_in(old_store, "admin", "fixture password") as admin:
        assert admin.settings.get("idle_lock_minutes") == 9
        assert {a.username for a in admin.accounts.list_accounts()} == {"admin", "staff"}
        report = admin.maintenance.check()
        assert report.sound, report.problems
        assert report.audit_entries >= 5  # three from the old version, then two sign-ins
        actions = [line.action for line in admin.audit.entries(newest_first=False)]
        assert actions[:3] == ["store.created", "user.added", "sign_in"]
        # The upgraded store takes the new tables at once.
        partnership = admin.programme.add_partnership(
            name="Oldbury partnership", prison_name="HMP Oldbury", university_name="Uni"
        )
        assert partnership.name == "Oldbury partnership"
    assert len(list((old_store / "backups").glob("*.ltbackup"))) == 1  # no second upgrade


def test_the_pre_upgrade_backup_restores_the_old_store(old_store: Path, tmp_path: Path) -> None:
    sign_in(old_store, "admin", "fixture password").close()
    backup = next((old_store / "backups").glob("*.ltbackup"))
    store, _ = restore_store(
        tmp_path / "restored", backup, username="admin", password="fixture password"
    )
    try:
        assert store.schema_revision == head_revision()  # restored, then upgraded again
        with store.read() as session:
            from lt_desktop.storage.models import User

            assert session.query(User).count() == 2
    finally:
        store.close()


def test_a_demo_store_from_revision_0002_upgrades_with_every_record(tmp_path: Path) -> None:
    store = tmp_path / "demo-0002"
    shutil.copytree(FIXTURES / "store-0002-demo", store)
    expected = json.loads((store / "counts.json").read_text())
    with sign_in(store, "demo", "demo") as admin:
        assert admin.store.schema_revision == head_revision()
        counts = admin.stats.counts()
        assert {k: counts[k] for k in expected} == expected
        assert admin.maintenance.check().sound
        with admin.store.read() as session:
            people = session.scalars(select(Person)).all()
            # Everything that was there counts as written at the first change.
            assert {p.change_seq for p in people} == {1}
            assert {p.previous_version for p in people} == {None}
        person = people[0]
        admin.people.update_person(
            person.id, given_name="Renamed", family_name=person.family_name, base=person.base
        )
        with admin.store.read() as session:
            renamed = session.get(Person, person.id)
            assert renamed is not None
            assert renamed.previous_version == person.version
            assert renamed.version > person.version
            assert renamed.change_seq > 1
    assert len(list((store / "backups").glob("before-upgrade-from-0002-*.ltbackup"))) == 1


def test_certificates_merged_for_sharing_a_serial_come_back_as_printed(tmp_path: Path) -> None:
    """A university that took in two prisons' certificates LT-2026-0001 to 0003 kept one
    of each pair; upgraded, it holds all six, each with its own serial and student."""
    store = tmp_path / "university"
    shutil.copytree(FIXTURES / "store-0007-merged-certificates", store)
    sent = json.loads((store / "certificates.json").read_text())
    with sign_in(store, "admin", "fixture password") as admin:
        assert admin.store.schema_revision == head_revision()
        with admin.store.read() as session:
            held = session.execute(
                select(Certificate.serial, Person.given_name, Person.family_name)
                .join(Membership, Membership.id == Certificate.membership_id)
                .join(Person, Person.id == Membership.person_id)
            ).all()
            merged = session.scalars(select(MergedRecord.table_name)).all()
        assert sorted((serial, f"{given} {family}") for serial, given, family in held) == sorted(
            (c["serial"], c["student"]) for c in sent
        )
        assert "certificates" not in merged
        # Put back, they are no longer listed as lost.
        assert admin.sync.conflicts(include_reviewed=True) == []
        assert admin.maintenance.check().sound
        # The prison's own are there to go back to it with the rest.
        north = admin.sync.partner_id("HMP Northfield")
        bundle = admin.sync.export(north, tmp_path / "to-north.ltbundle")
        assert bundle.records["certificates"] == 3
    assert len(list((store / "backups").glob("before-upgrade-from-0007-*.ltbackup"))) == 1
