"""What each ``lt-desktop`` command does. Each returns the exit status.

One module per group of commands: ``store`` (init, demo, stats, check,
diagnostics), ``accounts`` (user, passwd, rekey, recover), ``backups`` (backup,
restore), ``sync`` (site cards, pairing, bundles), ``conflicts``, ``printouts``
(print, csv), ``people`` (person), ``sessions`` (session), ``story_questions``
(story-questions), ``research`` (research export) and ``retention``; ``common`` holds
what they share.
``HANDLERS`` names, for each command, the module and function that does it;
``handler`` imports only the one chosen, so a command loads what it needs and no more.
"""

from __future__ import annotations

import importlib

from lt_desktop.cli.commands.common import Handler

HANDLERS: dict[str, str] = {
    "init": "store:init",
    "demo": "store:demo",
    "stats": "store:stats",
    "check": "store:check",
    "diagnostics": "store:diagnostics",
    "user": "accounts:user",
    "passwd": "accounts:passwd",
    "rekey": "accounts:rekey",
    "recover": "accounts:recover",
    "backup": "backups:backup",
    "restore": "backups:restore",
    "site-card": "sync:site_card",
    "pair": "sync:pair",
    "partners": "sync:partners",
    "revoke": "sync:revoke",
    "rotate-keys": "sync:rotate_keys",
    "export": "sync:export",
    "import": "sync:import_",
    "inspect": "sync:inspect",
    "conflicts": "conflicts:conflicts",
    "print": "printouts:print_",
    "csv": "printouts:csv_list",
    "person": "people:person",
    "session": "sessions:session",
    "story-questions": "story_questions:questions",
    "research": "research:export_research",
    "retention": "retention:retention",
}


def handler(command: str) -> Handler:
    """What does ``command``, its module imported now."""
    module, function = HANDLERS[command].split(":")
    found: Handler = getattr(importlib.import_module(f"{__name__}.{module}"), function)
    return found


__all__ = ["HANDLERS", "Handler", "handler"]
