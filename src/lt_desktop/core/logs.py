"""The app's log: a rotating file in the store folder, never holding personal data.

Log lines name records by id and count things; they never carry names, notes or
any text a person wrote. Database errors are created with their parameters
hidden for the same reason.
"""

from __future__ import annotations

import contextlib
import logging
import logging.handlers
import os
import sys
import traceback
from io import TextIOWrapper
from pathlib import Path
from types import TracebackType

from lt_desktop.domain.errors import BackupInvalid, DiskFull, StoreCorrupt, StoreTooNew
from lt_desktop.storage.folder import PRIVATE_FILE_MODE, make_private_folder

LOG_NAME = "lt-desktop.log"
#: The log is kept to this size, then moved aside; this many older files are kept.
MAX_BYTES = 1_000_000
KEPT_FILES = 5
#: ``debug`` makes the log as detailed as it gets (for support); the default is ``info``.
LOG_LEVEL_SETTING = "LT_DESKTOP_LOG_LEVEL"
_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"
#: Libraries whose own detail could quote what is stored (SQLAlchemy logs statements and
#: rows below WARNING), or is only noise: kept at WARNING however detailed the log is.
_QUIET_LIBRARIES = ("sqlalchemy", "fontTools", "PIL", "reportlab")
#: Failures the user is told about that support should see among the log's warnings.
_WORTH_A_WARNING = (DiskFull, StoreCorrupt, StoreTooNew, BackupInvalid)

_ExcInfo = tuple[type[BaseException], BaseException, TracebackType | None] | tuple[None, None, None]


class _PrivateLogFile(logging.handlers.RotatingFileHandler):
    """Each log file, the first and those after a rollover, readable by its owner only."""

    def _open(self) -> TextIOWrapper:
        flags = os.O_WRONLY | os.O_CREAT | os.O_APPEND | getattr(os, "O_BINARY", 0)
        descriptor = os.open(self.baseFilename, flags, PRIVATE_FILE_MODE)
        return open(descriptor, "a", encoding=self.encoding, errors=self.errors)

    def handleError(self, record: logging.LogRecord) -> None:  # noqa: N802 - logging's API
        """A line that cannot be written (the disk is full) is lost without a word: what
        failed says the disk is full, and logging's own traceback would only bury that."""
        if isinstance(sys.exc_info()[1], OSError):
            return
        super().handleError(record)


class _PrivateFormatter(logging.Formatter):
    """Writes an error's type and where it happened, never its message (which may quote
    personal data), whoever logged it."""

    def format(self, record: logging.LogRecord) -> str:
        # Another handler may have kept the whole traceback on the record, message and all.
        kept, record.exc_text = record.exc_text, None
        try:
            return super().format(record)
        finally:
            record.exc_text = kept

    def formatException(self, ei: _ExcInfo) -> str:  # noqa: N802 - logging's API
        kind, error, _ = ei
        if kind is None or error is None:
            return ""
        return f"{kind.__name__} at {_where(error)}"


def configure_logging(log_folder: Path, *, level: int | None = None) -> Path | None:
    """Send the app's log to ``log_folder``; returns the log file, or None if the
    folder cannot be written (the app still runs).

    The level is ``level``, else the one ``$LT_DESKTOP_LOG_LEVEL`` names, else INFO.
    """
    try:
        make_private_folder(log_folder)
        handler = _PrivateLogFile(
            log_folder / LOG_NAME, maxBytes=MAX_BYTES, backupCount=KEPT_FILES, encoding="utf-8"
        )
    except OSError:
        return None
    handler.setFormatter(_PrivateFormatter(_FORMAT))
    stop_logging()
    root = logging.getLogger()
    root.addHandler(handler)
    root.setLevel(level if level is not None else _level_from_setting())
    for library in _QUIET_LIBRARIES:
        logging.getLogger(library).setLevel(logging.WARNING)
    return log_folder / LOG_NAME


def _level_from_setting() -> int:
    named = os.environ.get(LOG_LEVEL_SETTING, "").strip().upper()
    level = logging.getLevelName(named) if named else logging.INFO
    return level if isinstance(level, int) else logging.INFO


def log_refused(logger: logging.Logger, what: str, error: BaseException) -> None:
    """Record that something the user asked for stopped with a message to them (a full
    disk, a damaged backup, a wrong password): the kind of message, not its words."""
    level = logging.WARNING if isinstance(error, _WORTH_A_WARNING) else logging.INFO
    logger.log(level, "%s stopped: %s", what, type(error).__name__)


def log_unexpected(logger: logging.Logger, what: str, error: BaseException) -> None:
    """Record an unexpected failure for support: where it happened and its type, but
    not its message, which may quote personal data."""
    logger.error("%s failed: %s at %s", what, type(error).__name__, _where(error))


def _where(error: BaseException) -> str:
    frames = traceback.extract_tb(error.__traceback__)
    where = " <- ".join(
        f"{Path(frame.filename).name}:{frame.lineno} in {frame.name}" for frame in reversed(frames)
    )
    return where or "unknown place"


def stop_logging() -> None:
    """Close the log file (when a store closes, or between tests)."""
    root = logging.getLogger()
    for handler in list(root.handlers):
        if isinstance(handler, logging.handlers.RotatingFileHandler):
            root.removeHandler(handler)
            # On a full disk the last lines cannot be written: they are lost, and the
            # file is closed all the same.
            with contextlib.suppress(OSError):
                handler.close()
