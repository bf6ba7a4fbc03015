from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from lt_desktop.domain.errors import InvalidRecoveryKey
from lt_desktop.storage.recovery_key import ALPHABET, SECRET_BYTES, RecoveryKey


@given(st.binary(min_size=SECRET_BYTES, max_size=SECRET_BYTES))
def test_a_written_key_reads_back_to_the_same_secret(secret: bytes) -> None:
    key = RecoveryKey(secret)
    assert RecoveryKey.parse(str(key)) == key


def test_written_form_is_eight_groups_of_five_unambiguous_characters() -> None:
    text = str(RecoveryKey.generate())
    groups = text.split("-")
    assert [len(g) for g in groups] == [5] * 8
    assert not set(text.replace("-", "")) & set("ILOU")


def test_people_may_type_it_loosely() -> None:
    key = RecoveryKey.generate()
    typed = " ".join(key.groups()).lower().replace("0", "o").replace("1", "l")
    assert RecoveryKey.parse(typed) == key


def test_every_single_character_slip_is_caught_and_located() -> None:
    key = RecoveryKey.generate()
    text = "".join(key.groups())
    for position, original in enumerate(text):
        for replacement in ALPHABET:
            if replacement == original:
                continue
            slipped = text[:position] + replacement + text[position + 1 :]
            with pytest.raises(InvalidRecoveryKey, match=f"Group {position // 5 + 1} "):
                RecoveryKey.parse(slipped)


def test_swapping_two_groups_is_caught() -> None:
    groups = RecoveryKey.generate().groups()
    if groups[0] == groups[1]:
        pytest.fail("random groups collided")  # 1 in 2^20: effectively never
    groups[0], groups[1] = groups[1], groups[0]
    with pytest.raises(InvalidRecoveryKey):
        RecoveryKey.parse("-".join(groups))


@pytest.mark.parametrize(
    ("typed", "message"),
    [("ABCD", "8 groups of 5"), ("!" * 40, "only letters and digits")],
)
def test_malformed_keys_get_a_plain_reason(typed: str, message: str) -> None:
    with pytest.raises(InvalidRecoveryKey, match=message):
        RecoveryKey.parse(typed)


def test_repr_never_shows_the_secret() -> None:
    key = RecoveryKey.generate()
    assert str(key) not in repr(key)
