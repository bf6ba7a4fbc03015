"""Crash-safe file writes: write beside the target, flush, fsync, rename.

A reader sees either the old file or the new one, never a mix, whatever happens
mid-write (a crash, a full disk, removable media pulled out).
"""

from __future__ import annotations

import contextlib
import errno
import os
import secrets
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import BinaryIO

from lt_desktop.domain.errors import DiskFull, LtError
from lt_desktop.storage.folder import PRIVATE_FILE_MODE


def fsync_directory(folder: Path) -> None:
    """Make a rename inside ``folder`` durable (a no-op where the OS has no such call)."""
    if os.name == "nt":
        return
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def temp_path_beside(target: Path) -> Path:
    return target.with_name(f".{target.name}.{secrets.token_hex(6)}.partial")


def create_private(path: Path) -> BinaryIO:
    """A new file only its owner may read or write, whatever the process's umask:
    what is written through here is a store's, or personal data."""
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0)
    return open(os.open(path, flags, PRIVATE_FILE_MODE), "wb")


@contextlib.contextmanager
def atomic_output(
    target: Path,
    *,
    what: str = "The file",
    before_replace: Callable[[Path], None] | None = None,
) -> Iterator[BinaryIO]:
    """Yield a file to write; on success it replaces ``target`` atomically.

    ``before_replace`` is called with the hidden file, complete and on disk, just
    before it takes ``target``'s place. On any failure the partial file is removed
    and ``target`` is left untouched.
    """
    temp = temp_path_beside(target)
    try:
        with create_private(temp) as handle:
            yield handle
            handle.flush()
            os.fsync(handle.fileno())
        if before_replace is not None:
            before_replace(temp)
        os.replace(temp, target)
        fsync_directory(target.parent)
    except BaseException as error:
        with contextlib.suppress(OSError):
            temp.unlink()
        raise translate_os_error(error, what) from error


def write_atomic(target: Path, data: bytes, *, what: str = "The file") -> None:
    StagedFile(target, data, what=what).commit()


class StagedFile:
    """A file written in full beside its target, waiting to replace it.

    Writing is where a full disk or a pulled-out stick fails, so it is done first;
    replacing the target is then a rename, which needs no space. This lets a
    database transaction commit only once its companion file is safely on disk.
    """

    def __init__(self, target: Path, data: bytes, *, what: str = "The file") -> None:
        self.target, self._what = target, what
        self._temp: Path | None = temp_path_beside(target)
        try:
            with create_private(self._temp) as handle:
                handle.write(data)
                handle.flush()
                os.fsync(handle.fileno())
        except BaseException as error:
            self.discard()
            raise translate_os_error(error, what) from error

    def commit(self) -> None:
        if self._temp is None:
            raise RuntimeError("a staged file is committed or discarded once")
        temp, self._temp = self._temp, None
        try:
            os.replace(temp, self.target)
            fsync_directory(self.target.parent)
        except BaseException as error:
            with contextlib.suppress(OSError):
                temp.unlink()
            raise translate_os_error(error, self._what) from error

    def discard(self) -> None:
        if self._temp is not None:
            with contextlib.suppress(OSError):
                self._temp.unlink()
            self._temp = None


def translate_os_error(error: BaseException, what: str) -> BaseException:
    """Turn the OS errors a user can meet into messages they can act on."""
    if not isinstance(error, OSError) or isinstance(error, LtError):
        return error
    if error.errno in (errno.ENOSPC, errno.EDQUOT):
        return DiskFull(what)
    if error.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
        return LtError(
            f"{what} could not be written: permission denied or read-only media "
            f"({error.filename or 'unknown file'})."
        )
    if error.errno in (errno.EIO, errno.ENODEV, errno.ENOENT, errno.ENXIO):
        return LtError(
            f"{what} could not be written: the folder or device went away "
            "(was removable media taken out?). Nothing was changed; try again."
        )
    return error
