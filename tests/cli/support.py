"""What the CLI tests share: secrets on standard input, strict failure checks, and a
way past the CLI into a store, to damage it on purpose or to see what it really holds."""

from __future__ import annotations

import contextlib
import re
from collections.abc import Iterator
from pathlib import Path

import sqlcipher3

from lt_desktop.storage.backup import raw_key_pragma
from lt_desktop.storage.keyslots import KeyFile, password_bytes
from tests.helpers.cli import Result, assert_one_line_error, run_cli, run_cli_process

DEMO_USER = "demo"
DEMO_PASSWORD = "demo"
DEMO_ACCOUNTS = {
    "demo": "Administrator",
    "staff": "Education staff",
    "facilitator": "Facilitator",
    "marker": "Marker",
    "researcher": "Researcher",
}

_SYMBOL = "[0-9A-HJKMNP-TV-Z]"  # Crockford base32: no I, L, O or U
RECOVERY_KEY = re.compile(rf"(?<![0-9A-Z-]){_SYMBOL}{{5}}(?:-{_SYMBOL}{{5}}){{7}}(?![0-9A-Z-])")


def lines(*secrets: str) -> str:
    """Standard input for --password-stdin: one secret a line."""
    return "".join(f"{secret}\n" for secret in secrets)


def run_as(
    folder: Path, user: str, *args: str | Path, secrets: tuple[str, ...] = (DEMO_PASSWORD,)
) -> Result:
    """``lt-desktop ARGS`` signed in as ``user``, the way a script runs it."""
    return run_cli(
        *args, "--data-dir", folder, "--user", user, "--password-stdin", stdin=lines(*secrets)
    )


def run_as_process(
    folder: Path, user: str, *args: str | Path, secrets: tuple[str, ...] = (DEMO_PASSWORD,)
) -> Result:
    """``run_as``, in a process of its own."""
    return run_cli_process(
        *args, "--data-dir", folder, "--user", user, "--password-stdin", stdin=lines(*secrets)
    )


def assert_failure(result: Result, code: int = 1) -> str:
    """The failure is one line on stderr and nothing else is there: no traceback, and
    none of the libraries' own chatter around it."""
    message = assert_one_line_error(result, code)
    others = [line for line in result.err.splitlines() if line.strip() and line != message]
    shown = "\n".join(others[:8])
    assert not others, f"stderr holds {len(others)} line(s) besides {message!r}:\n{shown}"
    return message


def assert_usage_error(result: Result) -> str:
    """Misuse: exit status 2, a short usage reminder and the reason, no traceback."""
    assert result.code == 2, (result.code, result.out, result.err)
    assert "Traceback" not in result.err
    assert result.out == ""
    reason = result.err.strip().splitlines()[-1]
    assert reason.startswith("lt-desktop"), result.err
    return reason


def data_key(folder: Path, username: str, password: str) -> bytes:
    key_file = KeyFile.load(folder / "keys.json")
    slot = key_file.slot_for_user(username)
    assert slot is not None, f"no key slot for {username}"
    key = slot.open(key_file.store_id, password_bytes(password))
    assert key is not None, f"the password does not open {username}'s key slot"
    return key


def slot_opens(folder: Path, username: str, password: str) -> bool:
    """Whether the key file on disk lets ``username`` with ``password`` unlock the store."""
    key_file = KeyFile.load(folder / "keys.json")
    return any(
        slot.kind == "user"
        and slot.tag == key_file.user_tag(username)
        and slot.open(key_file.store_id, password_bytes(password)) is not None
        for slot in key_file.slots
    )


@contextlib.contextmanager
def raw_database(
    folder: Path, username: str = DEMO_USER, password: str = DEMO_PASSWORD
) -> Iterator[sqlcipher3.Connection]:
    """The store's database opened directly with its data key, past every check the app
    makes: for tampering the way an attacker would, and for counting what is there."""
    connection = sqlcipher3.connect(str(folder / "store.db"))
    try:
        connection.execute(raw_key_pragma(data_key(folder, username, password)))
        yield connection
        connection.commit()
    finally:
        connection.close()


def store_bytes(folder: Path) -> dict[str, bytes]:
    """The store's own files (not its lock, log or sign-in record), to prove nothing changed."""
    return {
        path.name: path.read_bytes()
        for path in sorted(folder.iterdir())
        if path.name in ("keys.json", "store.db", "store.db-wal")
    }


def damage_table(folder: Path, table: str) -> None:
    """Overwrite a few bytes in the middle of the page a table starts on, with the store
    closed, as failing media would. Naming the table keeps the damage in the same place
    whatever order the store's pages happen to be in."""
    with raw_database(folder) as db:
        (page_size,) = db.execute("PRAGMA page_size").fetchone()
        (root,) = db.execute(
            "SELECT rootpage FROM sqlite_master WHERE type = 'table' AND name = ?", (table,)
        ).fetchone()
    database = folder / "store.db"
    data = bytearray(database.read_bytes())
    page_size = int(page_size)
    middle = (root - 1) * page_size + page_size // 2
    data[middle : middle + 16] = bytes(16)
    database.write_bytes(bytes(data))
