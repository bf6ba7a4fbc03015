"""What makes an acceptable password and user name."""

from __future__ import annotations

import re

from lt_desktop.domain.errors import ValidationError

MIN_PASSWORD_LENGTH = 8
MAX_PASSWORD_LENGTH = 1024
_USERNAME = re.compile(r"^[a-z0-9][a-z0-9._-]{1,49}$")


def check_password(password: str, username: str) -> None:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise ValidationError(
            f"A password needs at least {MIN_PASSWORD_LENGTH} characters; "
            "a short sentence is easy to remember and hard to guess."
        )
    if len(password) > MAX_PASSWORD_LENGTH:
        raise ValidationError("That password is too long.")
    if password.strip().casefold() == username.strip().casefold():
        raise ValidationError("A password must not be the same as the user name.")


def check_username(username: str) -> str:
    """The user name as stored (lower case), or a clear reason it cannot be used."""
    name = username.strip().lower()
    if not _USERNAME.match(name):
        raise ValidationError(
            "A user name has 2 to 50 characters: lower-case letters, digits, dots, "
            "dashes or underscores, starting with a letter or digit."
        )
    return name
