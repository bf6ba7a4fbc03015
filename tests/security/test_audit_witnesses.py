"""An insider with a password rewrites the audit log and chains it afresh, which the
store alone cannot tell from the real one. The partners that witnessed the log, and
the backups made of it, notice: on import, and in every later check."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import select

from lt_desktop.domain.vocabulary import SiteKind
from lt_desktop.storage import audit_chain
from lt_desktop.storage.keyslots import AuditHead
from lt_desktop.storage.models import AuditEntry
from tests.helpers.sites import (
    UNIVERSITY_ADMIN,
    UNIVERSITY_PASSWORD,
    Site,
    new_site,
    pair,
)

PRISON_ADMIN, PRISON_PASSWORD = "education", "education password"


def _rewrite_the_log(site: Site, *, drop_from: int | None = None) -> None:
    """What a holder of the data key can do: change an early entry (or drop the newest
    ones), chain every later entry afresh and move the store's own anchor to match."""
    with site.open() as workspace, workspace.store.write() as session:
        entries = list(session.scalars(select(AuditEntry).order_by(AuditEntry.sequence)))
        if drop_from is not None:
            for entry in entries[drop_from - 1 :]:
                session.delete(entry)
            entries = entries[: drop_from - 1]
        else:
            entries[1].details = audit_chain.canonical_details({"quietly": "changed"})
        previous = audit_chain.genesis_digest(workspace.store.store_id)
        for entry in entries:
            entry.previous_digest = previous
            entry.digest = audit_chain._digest_of(entry)
            previous = entry.digest
        session.flush()
        session.info[audit_chain.PENDING_HEAD] = AuditHead(entries[-1].sequence, previous)


def _sound_by_itself(site: Site) -> bool:
    with site.open() as workspace:
        return workspace.store.verify_audit_log().sound


def _check(site: Site) -> list[str]:
    with site.open() as workspace:
        return workspace.maintenance.check().problems


@pytest.fixture
def sites(tmp_path: Path) -> tuple[Site, Site]:
    prison = new_site(
        tmp_path / "prison", "HMP Northfield", SiteKind.PRISON, PRISON_ADMIN, PRISON_PASSWORD
    )
    university = new_site(
        tmp_path / "university",
        "University of Eastbridge",
        SiteKind.UNIVERSITY,
        UNIVERSITY_ADMIN,
        UNIVERSITY_PASSWORD,
    )
    pair(prison, university)
    return prison, university


def _swap(prison: Site, university: Site, folder: Path, name: str) -> list[str]:
    """A bundle each way; what the university's import said about the prison's log."""
    taken = university.take_in(
        prison.export_to(university, folder / f"{name}-p.ltbundle").info.path
    )
    prison.take_in(university.export_to(prison, folder / f"{name}-u.ltbundle").info.path)
    return taken.audit_problems


def test_an_honest_network_witnesses_nothing_wrong(
    sites: tuple[Site, Site], tmp_path: Path
) -> None:
    prison, university = sites
    for round_ in range(3):
        assert _swap(prison, university, tmp_path, f"r{round_}") == []
    assert _check(prison) == [] and _check(university) == []


@pytest.mark.parametrize("rewrite", ["changed", "removed"])
def test_a_rewritten_log_is_noticed_by_the_partner_and_by_its_own_check(
    sites: tuple[Site, Site], tmp_path: Path, rewrite: str
) -> None:
    prison, university = sites
    _swap(prison, university, tmp_path, "first")
    _swap(prison, university, tmp_path, "second")
    _rewrite_the_log(prison, drop_from=3 if rewrite == "removed" else None)
    assert _sound_by_itself(prison), "the store alone cannot tell"

    bundle = prison.export_to(university, tmp_path / "after.ltbundle").info.path
    taken = university.take_in(bundle)
    assert taken.audit_problems, "the partner notices on import"
    assert all("HMP Northfield's audit log" in p for p in taken.audit_problems)
    assert "Warning: HMP Northfield's audit log" in taken.describe()
    assert any("HMP Northfield's audit log" in p for p in _check(university)), "and keeps saying so"
    assert any(
        "no longer extends what University of Eastbridge witnessed" in p for p in _check(prison)
    )


def test_a_rewritten_log_no_longer_extends_the_backups_made_of_it(
    sites: tuple[Site, Site], tmp_path: Path
) -> None:
    prison, _ = sites
    media = tmp_path / "media"
    media.mkdir()
    with prison.open() as workspace:
        workspace.maintenance.set_backup_folder(media)
        made = workspace.maintenance.back_up_now()
    assert _check(prison) == []
    _rewrite_the_log(prison)
    assert _sound_by_itself(prison)
    problems = _check(prison)
    assert any(f"no longer extends the backup {made.path.name}" in p for p in problems), problems
