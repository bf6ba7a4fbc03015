"""What ``lt-desktop`` imports before it does anything: each check in a fresh Python, as
a person's command starts.

``--version`` and everything up to a command's key derivation (parsing, the command's
own module, holding the store folder) import no Qt, no reportlab, no SQLAlchemy and no
models; a store at the newest revision is opened without Alembic.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import lt_desktop
from lt_desktop.cli.commands import HANDLERS
from tests.cli.support import DEMO_PASSWORD, DEMO_USER

#: Loaded only once a command has signed in (or the app has started), if at all.
HEAVY = (
    "PySide6",
    "reportlab",
    "pypdf",
    "sqlalchemy",
    "alembic",
    "lt_desktop.storage.models",
    "lt_desktop.core.workspace",
    "lt_desktop.ui",
)


def _loaded_after(code: str) -> list[str]:
    """The modules of ``HEAVY`` loaded once ``code`` has run in a fresh Python."""
    script = f"{code}\nimport json, sys\nprint(json.dumps(sorted(sys.modules)))\n"
    source = str(Path(lt_desktop.__file__).resolve().parent.parent)
    env = {**os.environ, "PYTHONPATH": source, "LT_DESKTOP_TEST_KDF": "cheap"}
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, env=env, timeout=120
    )
    assert done.returncode == 0, done.stderr
    loaded = json.loads(done.stdout.splitlines()[-1])
    return [m for m in loaded if any(m == h or m.startswith(h + ".") for h in HEAVY)]


def test_version_imports_nothing_heavy() -> None:
    code = (
        "from lt_desktop.cli.main import main\n"
        "try:\n"
        "    main(['--version'])\n"
        "except SystemExit as stop:\n"
        "    assert stop.code == 0\n"
    )
    assert _loaded_after(code) == []


def test_nothing_heavy_is_imported_before_a_commands_key_derivation(demo_dir: Path) -> None:
    """Parsing any command, importing what does it and holding the store folder: all
    that comes before the password's key derivation."""
    code = (
        "from lt_desktop.cli.main import build_parser\n"
        "from lt_desktop.cli import commands, laptop_commands\n"
        "from lt_desktop.core.sign_in import sign_in\n"
        "from lt_desktop.storage.door import LockedStore\n"
        "build_parser().parse_args(['user', 'list'])\n"
        f"for name in {sorted(HANDLERS)!r}:\n"
        "    commands.handler(name)\n"
        f"LockedStore({str(demo_dir)!r}).release()\n"
    )
    assert _loaded_after(code) == []


def test_a_store_at_the_newest_revision_opens_without_alembic(demo_dir: Path) -> None:
    code = (
        "import sys\n"
        "from lt_desktop.core.sign_in import sign_in\n"
        f"with sign_in({str(demo_dir)!r}, {DEMO_USER!r}, {DEMO_PASSWORD!r}) as workspace:\n"
        "    assert workspace.accounts.list_accounts()\n"
        "assert 'alembic' not in sys.modules, 'Alembic was imported'\n"
    )
    loaded = _loaded_after(code)
    assert "sqlalchemy" in loaded  # it did open the store
    assert [m for m in loaded if m.split(".")[0] in ("alembic", "PySide6", "reportlab")] == []


def test_every_command_has_its_handler() -> None:
    from lt_desktop.cli.commands import handler
    from lt_desktop.cli.main import build_parser

    parser = build_parser()
    choices = next(a for a in parser._actions if a.dest == "command").choices
    assert choices is not None
    assert set(choices) == set(HANDLERS) | {"laptop"}
    for name in HANDLERS:
        assert callable(handler(name)), name
