"""Smaller gaps closed: private file modes, a sign-in record that cannot be removed
unnoticed, leftovers of killed commands, names that cannot steer a terminal, and
bundle refusals that say what really happened."""

from __future__ import annotations

import os
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest

from lt_desktop.core.errors import WrongCredentials
from lt_desktop.core.sign_in import sign_in
from tests.cli.conftest import init_store
from tests.cli.support import DEMO_USER, run_as
from tests.helpers.cli import run_cli
from tests.helpers.stores import ADMIN, ADMIN_PASSWORD, new_store

posix_only = pytest.mark.skipif(os.name == "nt", reason="POSIX file modes")


# -- 1. every file in a store's folder is its owner's alone -----------------------------


def shared_with_others(folder: Path) -> list[str]:
    """Each path under ``folder`` (and ``folder`` itself) that anyone but its owner may use."""
    found = []
    for path in [folder, *folder.rglob("*")]:
        mode = stat.S_IMODE(path.lstat().st_mode)
        if mode & 0o077:
            found.append(f"{path.relative_to(folder.parent)} {mode:o}")
    return found


@pytest.fixture
def ordinary_umask() -> Iterator[None]:
    """The usual umask, under which files a library makes are readable by everyone."""
    before = os.umask(0o022)
    try:
        yield
    finally:
        os.umask(before)


@posix_only
def test_a_store_made_in_code_is_private_whatever_the_umask(
    store_dir: Path, tmp_path: Path, ordinary_umask: None
) -> None:
    new_store(store_dir).close()
    media = tmp_path / "media"
    media.mkdir()
    with sign_in(store_dir, ADMIN, ADMIN_PASSWORD) as workspace:
        workspace.maintenance.backup(media / "store.ltbackup")
        assert (store_dir / "store.db-wal").exists()
        assert shared_with_others(store_dir) == []
    assert stat.S_IMODE((media / "store.ltbackup").stat().st_mode) == 0o600
    with pytest.raises(WrongCredentials):
        sign_in(store_dir, ADMIN, "not the password")
    assert (store_dir / "login-attempts.json").exists()
    assert shared_with_others(store_dir) == []


@posix_only
def test_stores_made_by_the_command_line_are_private(tmp_path: Path) -> None:
    initialised = tmp_path / "init" / "store"
    assert init_store(initialised).code == 0
    demo = tmp_path / "demo"
    made = run_cli("demo", "--data-dir", demo)
    assert made.code == 0, made.err
    failed = run_as(initialised, ADMIN, "stats", secrets=("not the password",))
    assert failed.code == 1
    media = tmp_path / "media"
    media.mkdir()
    backed_up = run_as(demo, DEMO_USER, "backup", "--out", media / "now.ltbackup")
    assert backed_up.code == 0, backed_up.err
    assert stat.S_IMODE((media / "now.ltbackup").stat().st_mode) == 0o600
    assert (initialised / "login-attempts.json").exists()
    assert (demo / "logs" / "lt-desktop.log").exists()
    assert shared_with_others(initialised) == []
    assert shared_with_others(demo) == []
