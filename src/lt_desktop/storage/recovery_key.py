"""The recovery key: 160 random bits people can copy by hand and type back.

Written as eight groups of five characters (Crockford base32, so no I/L/O/U to
confuse). The last character of each group is a check on that group, so a typo
is caught and located before any slow key derivation runs.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass

from lt_desktop.domain.errors import InvalidRecoveryKey

ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
_VALUE = {symbol: index for index, symbol in enumerate(ALPHABET)}
_READ_AS = {"O": "0", "I": "1", "L": "1"}

GROUPS = 8
DATA_PER_GROUP = 4
SECRET_BYTES = GROUPS * DATA_PER_GROUP * 5 // 8  # 20 bytes = 160 bits


def _check_symbol(group_index: int, data: str) -> str:
    # Odd weights are invertible modulo 32, so changing any one symbol (or the
    # check itself) always changes the check; weights and the offset differ from
    # position to position and group to group, which catches most swaps too.
    total = 7 * group_index + 1
    for position, symbol in enumerate(data):
        weight = 2 * (position + 3 * group_index) + 1
        total += weight * _VALUE[symbol]
    return ALPHABET[total % 32]


@dataclass(frozen=True)
class RecoveryKey:
    secret: bytes

    @classmethod
    def generate(cls) -> RecoveryKey:
        return cls(secrets.token_bytes(SECRET_BYTES))

    def __str__(self) -> str:
        return "-".join(self.groups())

    def __repr__(self) -> str:  # never print the secret by accident
        return "RecoveryKey(<hidden>)"

    def groups(self) -> list[str]:
        number = int.from_bytes(self.secret, "big")
        symbols_count = GROUPS * DATA_PER_GROUP
        data = "".join(
            ALPHABET[(number >> (5 * (symbols_count - 1 - i))) & 31] for i in range(symbols_count)
        )
        groups = []
        for index in range(GROUPS):
            chunk = data[index * DATA_PER_GROUP : (index + 1) * DATA_PER_GROUP]
            groups.append(chunk + _check_symbol(index, chunk))
        return groups

    @classmethod
    def parse(cls, text: str) -> RecoveryKey:
        cleaned = "".join(
            _READ_AS.get(ch, ch) for ch in text.upper() if not ch.isspace() and ch != "-"
        )
        group_length = DATA_PER_GROUP + 1
        if len(cleaned) != GROUPS * group_length:
            raise InvalidRecoveryKey(
                f"A recovery key has {GROUPS} groups of {group_length} characters; "
                f"this one has {len(cleaned)} characters."
            )
        unknown = sorted({ch for ch in cleaned if ch not in _VALUE})
        if unknown:
            raise InvalidRecoveryKey(
                "A recovery key has only letters and digits; "
                f"it cannot contain {', '.join(repr(ch) for ch in unknown)}."
            )
        data = ""
        for index in range(GROUPS):
            group = cleaned[index * group_length : (index + 1) * group_length]
            if _check_symbol(index, group[:DATA_PER_GROUP]) != group[-1]:
                raise InvalidRecoveryKey(
                    f"Group {index + 1} of the recovery key ({group}) looks mistyped: "
                    "check it against the printed sheet."
                )
            data += group[:DATA_PER_GROUP]
        number = 0
        for symbol in data:
            number = (number << 5) | _VALUE[symbol]
        return cls(number.to_bytes(SECRET_BYTES, "big"))
