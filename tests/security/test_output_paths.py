"""No command and no Save dialog writes into the store folder, over something that is
not an ordinary file, or over an existing file nobody agreed to replace.

Before these rules, ``lt-desktop print … --out STORE/keys.json`` exited 0 and the store
was gone. The CLI is run as a script runs it, on a copy of the demo store; after every
refusal the store's files are byte for byte as they were and ``lt-desktop check``
passes.
"""

from __future__ import annotations

import hashlib
import os
import stat
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from lt_desktop.core.sign_in import sign_in
from lt_desktop.core.stores import create_store
from lt_desktop.domain.errors import OutputRefused
from lt_desktop.domain.vocabulary import SiteKind
from lt_desktop.storage.output_paths import check_output_path
from lt_desktop.ui.qt import QFileDialog, QPushButton, Qt
from lt_desktop.ui.screens.research_export import ResearchExportScreen
from tests.cli.support import DEMO_PASSWORD, DEMO_USER, assert_failure, run_as
from tests.helpers.cli import Result
from tests.ui.conftest import Driver
from tests.ui.conftest import _windows_and_controllers_deleted as _windows_and_controllers_deleted
from tests.ui.conftest import driver as driver
from tests.ui.test_documents_screen import _click_kind, _open, _pick, _press_save, _save_as

SPRING = "January-March 2026"
UNIVERSITY = "University of Eastbridge"
INSIDE = "is inside the store folder; choose a file elsewhere, such as the removable media."
FOLDER_INSIDE = "is inside the store folder; choose a folder elsewhere"
NOT_A_FILE = "is not a regular file (a device or folder); choose another name."
EXISTS = "already exists; add --force to replace it."


@dataclass(frozen=True)
class Writer:
    """A command that writes one file at a path given on the command line."""

    name: str
    args: Callable[[Path, Path], list[str | Path]]  # (the file, a spare folder)
    needs_partner: bool = False


WRITERS = [
    Writer("print", lambda out, _: ["print", "attendance", "--cohort", SPRING, "--out", out]),
    Writer("csv", lambda out, _: ["csv", "people", "--out", out]),
    Writer("diagnostics", lambda out, _: ["diagnostics", "--out", out]),
    Writer(
        "diagnostics without signing in",
        lambda out, _: ["diagnostics", "--without-signing-in", "--out", out],
    ),
    Writer("backup", lambda out, _: ["backup", "--out", out]),
    Writer("site card", lambda out, _: ["site-card", "--out", out]),
    Writer(
        "fingerprint sheet",
        lambda out, spare: ["site-card", "--out", spare / "card.ltsite", "--sheet", out],
    ),
    Writer(
        "bundle", lambda out, _: ["export", "--to", UNIVERSITY, "--out", out], needs_partner=True
    ),
]


def _demo(folder: Path, *args: str | Path) -> Result:
    return run_as(folder, DEMO_USER, *args, secrets=(DEMO_PASSWORD,))


def _pair_with_a_university(demo_dir: Path, tmp_path: Path) -> None:
    university = tmp_path / "university"
    create_store(
        university,
        site_name=UNIVERSITY,
        site_kind=SiteKind.UNIVERSITY,
        admin_username="coord",
        admin_display_name="Coordinator",
        admin_password="coordinator password",
    ).store.close()
    with sign_in(university, "coord", "coordinator password") as uni:
        card, fingerprint = uni.sync.site_card()
    with sign_in(demo_dir, DEMO_USER, DEMO_PASSWORD) as prison:
        prison.sync.pair(card, fingerprint)


def _store_files(folder: Path) -> dict[str, str]:
    return {
        name: hashlib.sha256((folder / name).read_bytes()).hexdigest()
        for name in ("keys.json", "store.db")
    }


def _assert_store_unharmed(folder: Path, before: dict[str, str] | None = None) -> None:
    """The store's files are as they were (when nobody signed in since ``before``), and
    the store opens and passes its full check."""
    if before is not None:
        assert _store_files(folder) == before
    checked = _demo(folder, "check")
    assert checked.code == 0 and "The store is sound" in checked.out, checked.err


def _symlink(link: Path, to: Path) -> bool:
    try:
        link.symlink_to(to, target_is_directory=to.is_dir())
    except (OSError, NotImplementedError):
        return False  # not permitted here (Windows without the right)
    return True


@pytest.mark.parametrize("writer", WRITERS, ids=lambda w: w.name)
def test_each_command_refuses_the_store_folder_and_what_is_not_a_file(
    writer: Writer, demo_dir: Path, tmp_path: Path
) -> None:
    if writer.needs_partner:
        _pair_with_a_university(demo_dir, tmp_path)
    before = _store_files(demo_dir)
    inside = [demo_dir / "keys.json", demo_dir / "store.db", demo_dir / "a new name.out"]
    if _symlink(tmp_path / "pointer.json", demo_dir / "keys.json"):
        inside.append(tmp_path / "pointer.json")
    for target in inside:
        result = _demo(demo_dir, *writer.args(target, tmp_path))
        assert f"{target} {INSIDE}" in assert_failure(result)
    assert not (demo_dir / "a new name.out").exists()

    folder = tmp_path / "a folder"
    folder.mkdir()
    (folder / "inside.txt").write_text("still here")
    result = _demo(demo_dir, *writer.args(folder, tmp_path), "--force")
    assert result.code != 0 and "is a folder" in result.err, result.err
    assert (folder / "inside.txt").read_text() == "still here"
    if hasattr(os, "mkfifo"):
        pipe = tmp_path / "a pipe"
        os.mkfifo(pipe)
        result = _demo(demo_dir, *writer.args(pipe, tmp_path), "--force")
        assert f"{pipe} {NOT_A_FILE}" in assert_failure(result)
        assert stat.S_ISFIFO(os.lstat(pipe).st_mode)
    assert not (tmp_path / "card.ltsite").exists()  # nothing half-done either
    assert _store_files(demo_dir) == before  # refused before anyone signed in

    existing = tmp_path / "existing file"
    existing.write_bytes(b"keep me")
    refused = _demo(demo_dir, *writer.args(existing, tmp_path))
    assert f"{existing} {EXISTS}" in assert_failure(refused)
    assert existing.read_bytes() == b"keep me"
    replaced = _demo(demo_dir, *writer.args(existing, tmp_path), "--force")
    assert replaced.code == 0, replaced.err
    assert existing.stat().st_size > len(b"keep me")
    assert not list(tmp_path.glob(".existing file.*.partial"))
    _assert_store_unharmed(demo_dir)


def test_dots_links_and_folders_within_do_not_disguise_the_store_folder(
    demo_dir: Path, tmp_path: Path
) -> None:
    (demo_dir / "logs").mkdir(exist_ok=True)
    (tmp_path / "elsewhere").mkdir()
    disguised = [
        demo_dir / "logs" / "a new name.csv",
        tmp_path / "elsewhere" / ".." / demo_dir.name / "through dots.csv",
    ]
    if _symlink(tmp_path / "shortcut", demo_dir):
        disguised.append(tmp_path / "shortcut" / "through a link.csv")
    for target in disguised:
        result = _demo(demo_dir, "csv", "people", "--out", target, "--force")
        assert f"{target} {INSIDE}" in assert_failure(result)
        with pytest.raises(OutputRefused, match="inside the store folder"):
            check_output_path(target, store_root=None, force=True)
    assert not list(demo_dir.rglob("*.csv"))
    # Another store's folder is as safe as the one in use.
    with pytest.raises(OutputRefused, match="inside the store folder"):
        check_output_path(demo_dir / "keys.json", store_root=tmp_path / "elsewhere", force=True)
    # Named in another case, the store folder is the same folder wherever the file
    # system says so (Windows, macOS); elsewhere it is another folder.
    other_case = demo_dir.with_name(demo_dir.name.upper()) / "list.csv"
    if other_case.parent.is_dir():
        with pytest.raises(OutputRefused, match="inside the store folder"):
            check_output_path(other_case, store_root=demo_dir, force=True)


# -- commands that write files of their own naming into a chosen folder ----------------------


def _folders_into(store: Path, tmp_path: Path) -> list[Path]:
    (store / "backups").mkdir(exist_ok=True)
    folders = [store, store / "backups"]
    if _symlink(tmp_path / "shortcut", store):
        folders.append(tmp_path / "shortcut")
    return folders


@dataclass(frozen=True)
class FolderWriter:
    """A command that writes files of its own naming into a folder given to it."""

    name: str
    user: str
    args: Callable[[Path], list[str | Path]]
    #: Refused before anyone signs in (signing in itself writes to the store).
    before_signing_in: bool = False


FOLDER_WRITERS = [
    FolderWriter(
        "backup to a folder",
        DEMO_USER,
        lambda folder: ["backup", "--to-folder", folder],
        before_signing_in=True,
    ),
    FolderWriter(
        "laptop kit",
        "staff",
        lambda folder: [
            "laptop",
            "create",
            "--name",
            "Classroom laptop 9",
            "--cohort",
            SPRING,
            "--folder",
            folder,
        ],  # fmt: skip
    ),
    FolderWriter(
        "laptop exchange", "staff", lambda folder: ["laptop", "exchange", "--folder", folder]
    ),
]


@pytest.mark.parametrize("writer", FOLDER_WRITERS, ids=lambda w: w.name)
def test_no_command_writes_its_files_into_the_store_folder(
    writer: FolderWriter, demo_dir: Path, tmp_path: Path
) -> None:
    before = _store_files(demo_dir)
    for folder in _folders_into(demo_dir, tmp_path):
        result = run_as(demo_dir, writer.user, *writer.args(folder), secrets=(DEMO_PASSWORD,))
        assert FOLDER_INSIDE in assert_failure(result), folder
    written = [p for p in demo_dir.rglob("*") if p.suffix in (".ltbackup", ".ltkit", ".ltbundle")]
    assert written == []
    _assert_store_unharmed(demo_dir, before if writer.before_signing_in else None)


def test_the_services_refuse_the_store_folder_whoever_calls_them(demo_dir: Path) -> None:
    """The app's screens reach the same services: the research export, the backup
    folder and a list saved as CSV refuse the store folder there too."""
    with sign_in(demo_dir, DEMO_USER, DEMO_PASSWORD) as workspace:
        with pytest.raises(OutputRefused, match="inside the store folder"):
            workspace.research.export(demo_dir)
        with pytest.raises(OutputRefused, match="inside the store folder"):
            workspace.maintenance.set_backup_folder(demo_dir)
        with pytest.raises(OutputRefused, match="inside the store folder"):
            workspace.diagnostics.save(demo_dir / "keys.json", force=True)
        from lt_desktop.core.services.documents.csv_exports import CsvKind

        with pytest.raises(OutputRefused, match="inside the store folder"):
            workspace.documents.export_csv(CsvKind.PEOPLE, demo_dir / "store.db", force=True)
        assert workspace.maintenance.backup_status().folder != demo_dir.resolve()
    assert not list(demo_dir.glob("*.csv"))
    _assert_store_unharmed(demo_dir)


# -- the app's Save dialogs -----------------------------------------------------------------


def _answer_save_dialog(monkeypatch: pytest.MonkeyPatch, answer: Path) -> None:
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(answer), ""))


def _choose(qtbot: QtBot, screen: object) -> None:
    target = screen.target  # type: ignore[attr-defined]
    (choose,) = [b for b in target.findChildren(QPushButton) if b.text() == "Ch&oose…"]
    qtbot.mouseClick(choose, Qt.MouseButton.LeftButton)


def test_a_save_dialog_answer_in_the_store_folder_is_refused_on_screen(
    driver: Driver, qtbot: QtBot, monkeypatch: pytest.MonkeyPatch, demo_dir: Path
) -> None:
    screen = _open(driver)
    _click_kind(qtbot, screen, "Memberships")
    _pick(screen, "cohort", "January")
    for answer in (demo_dir / "keys.json", demo_dir / "memberships.csv"):
        _answer_save_dialog(monkeypatch, answer)
        _choose(qtbot, screen)
        _press_save(qtbot, driver, screen)
        assert screen.banner.text() == f"{answer} {INSIDE}"
        assert screen.save_button.isEnabled()
    _click_kind(qtbot, screen, "Cohort report")
    _answer_save_dialog(monkeypatch, demo_dir / "store.db")
    _choose(qtbot, screen)
    _press_save(qtbot, driver, screen)
    assert screen.banner.text() == f"{demo_dir / 'store.db'} {INSIDE}"
    assert not (demo_dir / "memberships.csv").exists()
    driver.controller.shutdown()
    _assert_store_unharmed(demo_dir)


def test_a_file_agreed_to_in_the_dialog_is_replaced_and_a_typed_one_is_asked_about(
    driver: Driver, qtbot: QtBot, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    screen = _open(driver)
    _click_kind(qtbot, screen, "Memberships")
    _pick(screen, "cohort", "January")
    existing = tmp_path / "memberships.csv"
    existing.write_bytes(b"keep me")

    asked: list[str] = []

    def decline(parent: object, question: str, action: str, title: str = "") -> bool:
        asked.append(question)
        return False

    monkeypatch.setattr("lt_desktop.ui.widgets.confirm", decline)
    _save_as(qtbot, screen, existing)  # typed, so nobody has agreed yet
    _press_save(qtbot, driver, screen)
    assert asked == [f"memberships.csv already exists in {tmp_path}. Replace it?"]
    assert "already exists; choose another name, or replace it" in screen.banner.text()
    assert existing.read_bytes() == b"keep me"

    _answer_save_dialog(monkeypatch, existing)  # the dialog itself asked before replacing
    _choose(qtbot, screen)
    _press_save(qtbot, driver, screen)
    assert screen.banner.text().startswith("Saved 36 rows of memberships"), screen.banner.text()
    assert existing.read_bytes().startswith(b"\xef\xbb\xbf")
    assert len(asked) == 1

    pipe = tmp_path / "a pipe.csv"
    if hasattr(os, "mkfifo"):
        os.mkfifo(pipe)
        _answer_save_dialog(monkeypatch, pipe)
        _choose(qtbot, screen)
        _press_save(qtbot, driver, screen)
        assert screen.banner.text() == f"{pipe} {NOT_A_FILE}"
        assert stat.S_ISFIFO(os.lstat(pipe).st_mode)


def test_the_research_export_screen_refuses_the_store_folder(
    driver: Driver, demo_dir: Path
) -> None:
    driver.sign_in("researcher", "demo")
    screen = driver.open(ResearchExportScreen)
    assert isinstance(screen, ResearchExportScreen)
    screen.export_to(demo_dir)
    driver.settle()
    assert screen.banner.text() == (
        f"{demo_dir} is inside the store folder; choose a folder elsewhere, such as the "
        "removable media."
    )
    assert not (demo_dir / "stories.csv").exists()
