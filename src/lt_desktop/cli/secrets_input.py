"""Reading passwords and recovery keys: from standard input for scripts
(``--password-stdin``, one per line), or at a hidden prompt for people."""

from __future__ import annotations

import getpass
import os
import sys

from lt_desktop.cli.usage import UsageError


class SecretReader:
    def __init__(self, from_stdin: bool) -> None:
        self._from_stdin = from_stdin
        self._lines: list[str] | None = None

    def read(self, prompt: str) -> str:
        if self._from_stdin:
            if self._lines is None:
                self._lines = sys.stdin.read().splitlines()
            if not self._lines:
                raise UsageError(f"Standard input ended before the {prompt.lower()} was given.")
            return self._lines.pop(0)
        if not sys.stdin.isatty():
            raise UsageError(
                "No terminal to ask for a password: pass --password-stdin and give it on "
                "standard input."
            )
        return getpass.getpass(f"{prompt}: ")

    def read_new(self, prompt: str) -> str:
        """A new password: asked twice at a prompt, once on standard input."""
        first = self.read(prompt)
        if not self._from_stdin and first != self.read(f"{prompt} (again)"):
            raise UsageError("The two passwords were not the same; nothing was changed.")
        return first


def username_from(value: str | None) -> str:
    username = value or os.environ.get("LT_DESKTOP_USER", "")
    if username:
        return username
    if sys.stdin.isatty():
        return input("User name: ").strip()
    raise UsageError("Say who you are with --user NAME.")
