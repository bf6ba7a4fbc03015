"""Real stores that exchange real bundles: a prison (the demo), its university, and
a facilitator's laptop at the prison."""

from __future__ import annotations

import shutil
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from lt_desktop.core.sign_in import sign_in
from lt_desktop.core.stores import create_store
from lt_desktop.core.workspace import Workspace
from lt_desktop.domain.vocabulary import SiteKind
from lt_desktop.sync.exchange_results import ExportResult, ImportResult

UNIVERSITY_ADMIN, UNIVERSITY_PASSWORD = "coord", "coordinator password"
LAPTOP_ADMIN, LAPTOP_PASSWORD = "laptop", "laptop password 1"


@dataclass
class Site:
    name: str
    folder: Path
    username: str
    password: str

    @contextmanager
    def open(self) -> Iterator[Workspace]:
        with sign_in(self.folder, self.username, self.password) as workspace:
            yield workspace

    def export_to(self, other: Site, target: Path, *, snapshot: bool = False) -> ExportResult:
        with self.open() as workspace:
            partner_id = workspace.sync.partner_id(other.name)
            return workspace.sync.export(partner_id, target, snapshot=snapshot)

    def take_in(self, bundle: Path, *, dry_run: bool = False) -> ImportResult:
        with self.open() as workspace:
            return workspace.sync.import_bundle(bundle, dry_run=dry_run)


def new_site(folder: Path, name: str, kind: SiteKind, username: str, password: str) -> Site:
    create_store(
        folder,
        site_name=name,
        site_kind=kind,
        admin_username=username,
        admin_display_name=username.title(),
        admin_password=password,
    ).store.close()
    return Site(name, folder, username, password)


def pair(a: Site, b: Site, *, partnership_id: uuid.UUID | None = None) -> None:
    """Each site imports the other's card, confirming the fingerprint it reads; ``a``
    names the partnership ``b`` belongs to, where it must."""
    with a.open() as workspace:
        card_a, fingerprint_a = workspace.sync.site_card()
    with b.open() as workspace:
        card_b, fingerprint_b = workspace.sync.site_card()
        workspace.sync.pair(card_a, fingerprint_a)
    with a.open() as workspace:
        workspace.sync.pair(card_b, fingerprint_b, partnership_id=partnership_id)


def pair_again(a: Site, b: Site, *, partnership_id: uuid.UUID) -> None:
    """``a`` pairs with ``b`` again, for the partnership ``b`` belongs to."""
    with b.open() as workspace:
        card_b, fingerprint_b = workspace.sync.site_card()
    with a.open() as workspace:
        workspace.sync.pair(card_b, fingerprint_b, partnership_id=partnership_id)


def copy_site(site: Site, folder: Path) -> Site:
    shutil.copytree(site.folder, folder, ignore=shutil.ignore_patterns("store.lock", "logs"))
    return Site(site.name, folder, site.username, site.password)
