"""The app's log: a rotating file in the store folder, never holding personal data.

Log lines name records by id and count things; they never carry names, notes or
any text a person wrote. Database errors are created with their parameters
hidden for the same reason.
"""

from __future__ import annotations

import logging
import logging.handlers
import traceback
from pathlib import Path

LOG_NAME = "lt-desktop.log"
_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"


def configure_logging(log_folder: Path, *, level: int = logging.INFO) -> Path | None:
    """Send the app's log to ``log_folder``; returns the log file, or None if the
    folder cannot be written (the app still runs)."""
    try:
        log_folder.mkdir(parents=True, exist_ok=True)
        handler = logging.handlers.RotatingFileHandler(
            log_folder / LOG_NAME, maxBytes=1_000_000, backupCount=5, encoding="utf-8"
        )
    except OSError:
        return None
    handler.setFormatter(logging.Formatter(_FORMAT))
    stop_logging()
    root = logging.getLogger()
    root.addHandler(handler)
    root.setLevel(level)
    return log_folder / LOG_NAME


def log_unexpected(logger: logging.Logger, what: str, error: BaseException) -> None:
    """Record an unexpected failure for support: where it happened and its type, but
    not its message, which may quote personal data."""
    frames = traceback.extract_tb(error.__traceback__)
    where = " <- ".join(
        f"{Path(frame.filename).name}:{frame.lineno} in {frame.name}" for frame in reversed(frames)
    )
    logger.error("%s failed: %s at %s", what, type(error).__name__, where or "unknown place")


def stop_logging() -> None:
    """Close the log file (when a store closes, or between tests)."""
    root = logging.getLogger()
    for handler in list(root.handlers):
        if isinstance(handler, logging.handlers.RotatingFileHandler):
            root.removeHandler(handler)
            handler.close()
