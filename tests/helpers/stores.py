"""Making stores and signing in for tests."""

from __future__ import annotations

import shutil
from pathlib import Path

from lt_desktop.core.sign_in import sign_in
from lt_desktop.core.stores import create_store
from lt_desktop.core.workspace import Workspace
from lt_desktop.domain.roles import Role
from lt_desktop.domain.vocabulary import SiteKind
from lt_desktop.storage.store import Store

ADMIN = "admin"
ADMIN_PASSWORD = "correct horse battery"
USER_PASSWORD = "another good password"
SITE_NAME = "HMP Testbridge"


def new_store(
    folder: Path, *, site_kind: SiteKind = SiteKind.PRISON, recovery: list[str] | None = None
) -> Store:
    created = create_store(
        folder,
        site_name=SITE_NAME,
        site_kind=site_kind,
        admin_username=ADMIN,
        admin_display_name="Ada Administrator",
        admin_password=ADMIN_PASSWORD,
    )
    if recovery is not None:
        recovery.append(str(created.recovery_key))
    return created.store


def add_account(admin: Workspace, username: str, role: Role, *, person_id: object = None) -> None:
    admin.accounts.add_account(
        username,
        display_name=username.title(),
        role=role,
        password=USER_PASSWORD,
        person_id=person_id,  # type: ignore[arg-type]
    )


def sign_in_as(folder: Path, username: str) -> Workspace:
    return sign_in(folder, username, USER_PASSWORD)


def copy_store(store: Path, folder: Path) -> Path:
    """A private copy of a closed store: its files, without its lock or logs."""
    shutil.copytree(store, folder, ignore=shutil.ignore_patterns("store.lock", "logs"))
    return folder


def files_under(folder: Path) -> list[Path]:
    return sorted(path for path in folder.rglob("*") if path.is_file())


def plaintext_hits(folder: Path, needles: list[str]) -> list[tuple[str, str]]:
    """Every (file, needle) where a needle appears in a file's bytes, in UTF-8 or UTF-16."""
    hits = []
    for path in files_under(folder):
        data = path.read_bytes()
        for needle in needles:
            forms = [needle.encode("utf-8"), needle.encode("utf-16-le"), needle.encode("utf-16-be")]
            if any(form in data for form in forms):
                hits.append((str(path.relative_to(folder)), needle))
    return hits
