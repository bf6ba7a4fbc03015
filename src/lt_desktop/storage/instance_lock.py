"""One app instance per store.

The lock is an OS file lock held for as long as the store is open, so a crash
releases it with the process: a stale lock file is simply taken over. The file
also names the holder so a second opener can be told who has the store.
"""

from __future__ import annotations

import json
import os
import socket
import sys
import time
from pathlib import Path
from typing import IO, Any

from lt_desktop.domain.errors import StoreInUse
from lt_desktop.storage.folder import PRIVATE_FILE_MODE

if sys.platform == "win32":
    import msvcrt

    def _try_lock(handle: IO[bytes]) -> bool:
        try:
            handle.seek(0)
            msvcrt.locking(handle.fileno(), msvcrt.LK_NBLCK, 1)
        except OSError:
            return False
        return True

    def _unlock(handle: IO[bytes]) -> None:
        handle.seek(0)
        msvcrt.locking(handle.fileno(), msvcrt.LK_UNLCK, 1)

else:
    import fcntl

    def _try_lock(handle: IO[bytes]) -> bool:
        try:
            fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            return False
        return True

    def _unlock(handle: IO[bytes]) -> None:
        fcntl.flock(handle.fileno(), fcntl.LOCK_UN)


# The holder's details live after the first byte: Windows locks byte 0, and
# reading a locked range there fails.
_DETAILS_OFFSET = 1


class InstanceLock:
    def __init__(self, path: Path) -> None:
        self._path = path
        self._handle: IO[bytes] | None = None

    @property
    def held(self) -> bool:
        return self._handle is not None

    def acquire(self) -> None:
        if self._handle is not None:
            return
        flags = os.O_RDWR | os.O_CREAT | os.O_APPEND | getattr(os, "O_BINARY", 0)
        # Held open while locked; it names this computer, so it is private too.
        handle = open(os.open(self._path, flags, PRIVATE_FILE_MODE), "a+b")  # noqa: SIM115
        if not _try_lock(handle):
            holder = _describe_holder(self._path)
            handle.close()
            raise StoreInUse(
                f"This store is already open{holder}. Close LT Desktop there first, then try again."
            )
        details = {"pid": os.getpid(), "host": socket.gethostname(), "since": time.time()}
        handle.seek(_DETAILS_OFFSET)
        handle.truncate()
        handle.write(json.dumps(details).encode())
        handle.flush()
        self._handle = handle

    def release(self) -> None:
        if self._handle is None:
            return
        handle, self._handle = self._handle, None
        try:
            _unlock(handle)
        finally:
            handle.close()

    def __enter__(self) -> InstanceLock:
        self.acquire()
        return self

    def __exit__(self, *exc: object) -> None:
        self.release()


def _describe_holder(path: Path) -> str:
    try:
        with open(path, "rb") as handle:
            handle.seek(_DETAILS_OFFSET)
            details: Any = json.loads(handle.read(4096))
        when = time.strftime("%d %b %Y %H:%M", time.localtime(float(details["since"])))
        return (
            f" in another window (process {int(details['pid'])} on {details['host']}, since {when})"
        )
    except (OSError, ValueError, KeyError, TypeError):
        return " in another window"
