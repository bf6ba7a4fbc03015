"""How a number is put in words wherever the app reports one: on screen, on paper and
at the command line, so that "1 reading", "3 readings" and "88%" read alike everywhere."""

from __future__ import annotations


def counted(n: int, one: str, many: str = "") -> str:
    """``n`` things in words: "1 reading", "3 readings", "2 people" (``many`` given)."""
    return f"{n} {one if n == 1 else many or one + 's'}"


def percent(value: float | None) -> str:
    """A share as a whole percentage ("88%"), or a dash when there is nothing to share."""
    return "–" if value is None else f"{round(value * 100)}%"
