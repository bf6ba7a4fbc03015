from lt_desktop.domain.errors import LtError


class UsageError(LtError):
    """The command was not given what it needs (exit status 2)."""
