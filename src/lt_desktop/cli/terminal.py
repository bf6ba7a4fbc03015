"""What the command line prints reaches a terminal, which obeys escape sequences:
names and other text read from a store are shown there, never obeyed."""

from __future__ import annotations

import contextlib
import sys
from collections.abc import Iterator
from typing import TextIO

from lt_desktop.core.names import shown

#: Line breaks and tabs lay out what the commands print; nothing else of the kind.
_LAYOUT = "\n\t"


class ShownOnly:
    """A text stream that passes everything on with control characters replaced."""

    def __init__(self, stream: TextIO) -> None:
        self._stream = stream

    def write(self, text: str) -> int:
        self._stream.write(shown(text, keep=_LAYOUT))
        return len(text)

    def flush(self) -> None:
        self._stream.flush()

    def __getattr__(self, name: str) -> object:
        return getattr(self._stream, name)


@contextlib.contextmanager
def printing_safely() -> Iterator[None]:
    """Standard output and standard error, for as long as a command runs."""
    out, err = sys.stdout, sys.stderr
    sys.stdout, sys.stderr = ShownOnly(out), ShownOnly(err)
    try:
        yield
    finally:
        sys.stdout, sys.stderr = out, err
