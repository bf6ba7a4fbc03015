from __future__ import annotations

from pathlib import Path

import pytest

from lt_desktop.core.sign_in import sign_in
from lt_desktop.domain.errors import LoginThrottled, WrongCredentials
from lt_desktop.storage.login_attempts import delay_after
from tests.helpers.stores import ADMIN, ADMIN_PASSWORD, new_store


class FakeClock:
    def __init__(self) -> None:
        self.now = 1_800_000_000.0

    def __call__(self) -> float:
        return self.now


def test_the_delay_grows_after_the_first_couple_of_slips() -> None:
    delays = [delay_after(n) for n in range(1, 9)]
    assert delays[:2] == [0, 0]
    assert delays[2:] == sorted(delays[2:]) and delays[2] < delays[-1]
    assert delay_after(1000) == 300


def test_repeated_failures_make_the_next_attempt_wait(store_dir: Path) -> None:
    new_store(store_dir).close()
    clock = FakeClock()
    for wait in [0, 0, 0, 1, 2]:
        if wait:
            # Even the right password is refused until the wait is over.
            with pytest.raises(LoginThrottled) as refused:
                sign_in(store_dir, ADMIN, ADMIN_PASSWORD, clock=clock)
            assert refused.value.seconds == wait
            clock.now += wait
        with pytest.raises(WrongCredentials):
            sign_in(store_dir, ADMIN, "guess", clock=clock)
    with pytest.raises(LoginThrottled, match="Wait 4 seconds") as refused:
        sign_in(store_dir, ADMIN, ADMIN_PASSWORD, clock=clock)
    assert refused.value.seconds == 4
    clock.now += 4
    with sign_in(store_dir, ADMIN, ADMIN_PASSWORD, clock=clock) as workspace:
        failures = workspace.audit.entries(action="sign_in.failed")
    assert len(failures) == 5
    # Success clears the streak: a fresh slip costs no wait.
    with pytest.raises(WrongCredentials):
        sign_in(store_dir, ADMIN, "guess", clock=clock)
    sign_in(store_dir, ADMIN, ADMIN_PASSWORD, clock=clock).close()


def test_one_account_being_guessed_does_not_lock_out_another(store_dir: Path) -> None:
    new_store(store_dir).close()
    clock = FakeClock()
    for _ in range(6):
        try:
            sign_in(store_dir, "someone-else", "guess", clock=clock)
        except (WrongCredentials, LoginThrottled):
            clock.now += 40
    sign_in(store_dir, ADMIN, ADMIN_PASSWORD, clock=clock).close()


def test_a_damaged_sign_in_record_never_blocks_sign_in(store_dir: Path) -> None:
    new_store(store_dir).close()
    (store_dir / "login-attempts.json").write_bytes(b"\x00garbage{")
    sign_in(store_dir, ADMIN, ADMIN_PASSWORD).close()
