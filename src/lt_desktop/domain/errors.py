"""Errors a user can meet, each with a message written for them.

Every expected failure is an ``LtError``: the CLI prints its message on one line
and the GUI shows it in a dialog. Anything else is a bug and is logged as one.
"""

from __future__ import annotations


class LtError(Exception):
    """An expected failure whose message is fit to show a user as it is."""


class StoreNotFound(LtError):
    pass


class StoreAlreadyExists(LtError):
    pass


class StoreInUse(LtError):
    pass


class StoreCorrupt(LtError):
    pass


class StoreLocked(LtError):
    """The store was locked (idle or on request) while work was still asked of it."""


class StoreTooNew(LtError):
    pass


class NotAStore(LtError):
    pass


class WrongCredentials(LtError):
    """Wrong user name or password; deliberately does not say which."""


class LoginThrottled(LtError):
    def __init__(self, seconds: float) -> None:
        self.seconds = max(1, int(round(seconds)))
        super().__init__(f"Too many failed attempts. Wait {self.seconds} seconds, then try again.")


class AccountDisabled(LtError):
    pass


class InvalidRecoveryKey(LtError):
    pass


class PermissionDenied(LtError):
    pass


class ConsentMissing(LtError):
    """Research data for someone whose consent does not cover it."""


class NotFound(LtError):
    pass


class ValidationError(LtError):
    pass


class ConflictError(LtError):
    """The change clashes with the current state (a duplicate, a stale edit)."""


class DiskFull(LtError):
    def __init__(self, what: str = "The change") -> None:
        super().__init__(
            f"The disk is full. {what} was not saved and nothing was lost: "
            "free some space, then try again."
        )


class BackupInvalid(LtError):
    pass


class OutputRefused(LtError):
    """A file or folder chosen to write to would put the store, or something that is
    not an ordinary file, at risk."""


class OutputExists(OutputRefused):
    """The file chosen to write to is there already, and replacing it was not asked for."""
