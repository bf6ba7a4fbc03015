"""Names people type, for accounts and for people: shown in lists, printed on
paper and in a terminal, so they hold what was typed and nothing that steers how
text is drawn.

A terminal obeys escape sequences, and bidirectional controls (U+202E and the
isolates U+2066–U+2069) reorder what follows them on screen, so a name could
pass for another or rewrite the lines after it. Such characters are refused when
a name is entered; names already stored (from older versions, or a partner that
allowed them) are shown with them replaced.
"""

from __future__ import annotations

import unicodedata

from lt_desktop.domain.errors import ValidationError

#: The most characters a person's or an account's name may have.
NAME_LIMIT = 100
#: Control, format (bidirectional controls among them), surrogate, line and
#: paragraph separator characters: none belongs in a name.
_HIDDEN_CATEGORIES = frozenset({"Cc", "Cf", "Cs", "Zl", "Zp"})
REPLACEMENT = "\N{REPLACEMENT CHARACTER}"


def is_hidden(character: str) -> bool:
    return unicodedata.category(character) in _HIDDEN_CATEGORIES


def checked_name(name: str, what: str, *, limit: int = NAME_LIMIT) -> str:
    """``name`` without surrounding spaces, or a clear reason it cannot be used;
    ``what`` names the field as the person sees it ("The display name")."""
    name = name.strip()
    hidden = next((character for character in name if is_hidden(character)), None)
    if hidden is not None:
        raise ValidationError(
            f"{what} holds an invisible control character (U+{ord(hidden):04X}); "
            "type it again without it."
        )
    if len(name) > limit:
        raise ValidationError(f"{what} is limited to {limit} characters.")
    return name


def shown(text: str, *, keep: str = "") -> str:
    """``text`` fit to print: each control or formatting character replaced, but for
    those in ``keep`` (the line breaks of a whole message, say)."""
    if not any(is_hidden(character) and character not in keep for character in text):
        return text
    return "".join(
        REPLACEMENT if is_hidden(character) and character not in keep else character
        for character in text
    )
