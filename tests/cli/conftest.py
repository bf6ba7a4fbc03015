"""Fixtures for the CLI tests: stores made by the CLI itself, a backup, and small disks.

A full disk is tested on a real one: a small tmpfs mounted for the test. As root it is
mounted directly. Otherwise it is mounted in a private mount namespace of an
unprivileged user namespace, which a holder process keeps alive; commands join it with
nsenter, and this process reaches the same files through ``/proc/<holder>/root``.
Where neither is possible the tests fail and say why: a skipped full-disk test would
prove nothing.
"""

from __future__ import annotations

import errno
import os
import shutil
import subprocess
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from tests.cli.support import DEMO_PASSWORD, DEMO_USER, RECOVERY_KEY, lines
from tests.helpers.cli import Result, run_cli
from tests.helpers.stores import ADMIN, ADMIN_PASSWORD, SITE_NAME

PAGE = 4096


def init_store(folder: Path) -> Result:
    return run_cli(
        "init",
        "--data-dir",
        folder,
        "--site-name",
        SITE_NAME,
        "--site-kind",
        "prison",
        "--admin",
        ADMIN,
        "--admin-name",
        "Ada Administrator",
        "--password-stdin",
        stdin=lines(ADMIN_PASSWORD),
    )


@dataclass(frozen=True)
class InitialisedStore:
    folder: Path
    recovery_key: str


@pytest.fixture(scope="session")
def _initialised_template(tmp_path_factory: pytest.TempPathFactory) -> InitialisedStore:
    folder = tmp_path_factory.mktemp("init-template") / "store"
    result = init_store(folder)
    assert result.code == 0, result.err
    keys = RECOVERY_KEY.findall(result.out)
    assert len(keys) == 1, result.out
    return InitialisedStore(folder, keys[0])


@pytest.fixture
def initialised(_initialised_template: InitialisedStore, tmp_path: Path) -> InitialisedStore:
    """A private copy of a store made by ``lt-desktop init`` (admin / ADMIN_PASSWORD),
    with the recovery key it printed."""
    target = tmp_path / "initialised"
    shutil.copytree(
        _initialised_template.folder,
        target,
        ignore=shutil.ignore_patterns("store.lock", "logs", "login-attempts.json"),
    )
    return InitialisedStore(target, _initialised_template.recovery_key)


@pytest.fixture(scope="session")
def demo_backup(_demo_template: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A backup, made by ``lt-desktop backup``, of the store every ``demo_dir`` copies."""
    work = tmp_path_factory.mktemp("demo-backup")
    folder = work / "store"
    shutil.copytree(_demo_template, folder, ignore=shutil.ignore_patterns("store.lock", "logs"))
    target = work / "demo.ltbackup"
    result = run_cli(
        "backup",
        "--out",
        target,
        "--data-dir",
        folder,
        "--user",
        DEMO_USER,
        "--password-stdin",
        stdin=lines(DEMO_PASSWORD),
    )
    assert result.code == 0, result.err
    return target


# -- small disks ---------------------------------------------------------------------

_NO_TMPFS = (
    "The full-disk tests need a small tmpfs of their own and could not mount one: {why}. "
    "Run them as root, or where unprivileged user namespaces are allowed "
    "(`unshare --user --map-root-user --mount` must work). They fail rather than skip, "
    "because a skipped full-disk test would prove nothing."
)


@dataclass
class SmallDisk:
    """A tmpfs of a fixed size.

    ``path`` is where its files are for ``lt-desktop`` (pass it on the command line);
    ``here`` is the same folder as this test process reaches it.
    """

    path: Path
    here: Path
    prefix: tuple[str, ...] = ()
    _holder: subprocess.Popen[str] | None = field(default=None, repr=False)

    def cli(self, *args: str | Path, stdin: str = "") -> Result:
        """``lt-desktop ARGS`` run where this disk is mounted: in this process when the
        disk is mounted here (as root), else in a process that joins its namespace."""
        if not self.prefix:
            return run_cli(*args, stdin=stdin)
        environment = {**os.environ, "LT_DESKTOP_TEST_KDF": "cheap"}
        completed = subprocess.run(
            [*self.prefix, sys.executable, "-m", "lt_desktop", *map(str, args)],
            input=stdin,
            capture_output=True,
            text=True,
            env=environment,
            timeout=120,
        )
        return Result(completed.returncode, completed.stdout, completed.stderr)

    def free_bytes(self) -> int:
        stats = os.statvfs(self.here)
        return stats.f_bavail * stats.f_frsize

    def fill(self, *, leave: int = 0) -> Path:
        """Take all the free space but ``leave`` bytes, with a filler file."""
        filler = self.here / "filler"
        block = bytes(64 * 1024)
        fd = os.open(filler, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        try:
            remaining = self.free_bytes() - leave
            while remaining > 0:
                try:
                    remaining -= os.write(fd, block[: min(len(block), remaining)])
                except OSError as error:
                    if error.errno != errno.ENOSPC:
                        raise
                    break
        finally:
            os.close(fd)
        assert self.free_bytes() <= leave + PAGE, (self.free_bytes(), leave)
        return filler

    def free_up_to(self, filler: Path, free: int) -> None:
        """Shrink ``filler`` until at least ``free`` bytes are free, whatever else grew."""
        shortfall = free - self.free_bytes()
        if shortfall > 0:
            os.truncate(filler, max(0, filler.stat().st_size - shortfall))

    def unmount(self) -> None:
        if self._holder is not None:
            self._holder.kill()
            self._holder.communicate(timeout=30)  # reaps it and closes its pipes
            return
        result = subprocess.run(["umount", str(self.path)], capture_output=True, text=True)
        if result.returncode != 0:
            subprocess.run(["umount", "--lazy", str(self.path)], check=True)


def _mount_as_root(mountpoint: Path, size: str) -> SmallDisk:
    result = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(mountpoint)],
        capture_output=True,
        text=True,
    )
    if result.returncode != 0:
        pytest.fail(_NO_TMPFS.format(why=f"mount said {result.stderr.strip()!r}"))
    return SmallDisk(mountpoint, mountpoint)


def _mount_in_user_namespace(mountpoint: Path, size: str) -> SmallDisk:
    missing = [tool for tool in ("unshare", "nsenter") if shutil.which(tool) is None]
    if missing:
        pytest.fail(_NO_TMPFS.format(why=f"not running as root, and {missing} not found"))
    holder = subprocess.Popen(
        [
            "unshare",
            "--user",
            "--map-root-user",
            "--mount",
            "sh",
            "-c",
            'mount -t tmpfs -o size="$1" tmpfs "$2" && echo mounted && exec sleep 3600',
            "sh",
            size,
            str(mountpoint),
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert holder.stdout is not None
    if holder.stdout.readline().strip() != "mounted":
        holder.kill()
        _, error = holder.communicate(timeout=30)
        pytest.fail(_NO_TMPFS.format(why=f"not running as root, and unshare said {error!r}"))
    return SmallDisk(
        path=mountpoint,
        here=Path(f"/proc/{holder.pid}/root") / mountpoint.relative_to(mountpoint.anchor),
        prefix=(
            "nsenter",
            f"--target={holder.pid}",
            "--user",
            "--mount",
            "--preserve-credentials",
        ),
        _holder=holder,
    )


@pytest.fixture
def small_disk(tmp_path: Path) -> Iterator[Callable[[str], SmallDisk]]:
    """Mount a tmpfs of the given size (``"1m"``, ``"8m"``) under ``tmp_path``."""
    disks: list[SmallDisk] = []

    def mount(size: str) -> SmallDisk:
        mountpoint = tmp_path / f"disk-{len(disks)}"
        mountpoint.mkdir()
        if os.geteuid() == 0:
            disk = _mount_as_root(mountpoint, size)
        else:
            disk = _mount_in_user_namespace(mountpoint, size)
        disks.append(disk)
        return disk

    yield mount
    for disk in reversed(disks):
        disk.unmount()
