"""What each ``lt-desktop`` command does. Each returns the exit status.

One module per group of commands: ``store`` (init, demo, stats, check,
diagnostics), ``accounts`` (user, passwd, rekey, recover), ``backups`` (backup,
restore), ``sync`` (site cards, pairing, bundles), ``conflicts``, ``printouts``
(print, csv), ``people`` (person), ``sessions`` (session), ``story_questions``
(story-questions), ``research`` (research export) and ``retention``; ``common`` holds
what they share.
``HANDLERS`` maps each command's name to what does it.
"""

from __future__ import annotations

from lt_desktop.cli.commands.accounts import passwd, recover, rekey, user
from lt_desktop.cli.commands.backups import backup, restore
from lt_desktop.cli.commands.common import Handler
from lt_desktop.cli.commands.conflicts import conflicts
from lt_desktop.cli.commands.people import person
from lt_desktop.cli.commands.printouts import csv_list, print_
from lt_desktop.cli.commands.research import export_research
from lt_desktop.cli.commands.retention import retention
from lt_desktop.cli.commands.sessions import session
from lt_desktop.cli.commands.store import check, demo, diagnostics, init, stats
from lt_desktop.cli.commands.story_questions import questions
from lt_desktop.cli.commands.sync import (
    export,
    import_,
    inspect,
    pair,
    partners,
    revoke,
    rotate_keys,
    site_card,
)

HANDLERS: dict[str, Handler] = {
    "init": init,
    "demo": demo,
    "stats": stats,
    "check": check,
    "diagnostics": diagnostics,
    "user": user,
    "passwd": passwd,
    "rekey": rekey,
    "recover": recover,
    "backup": backup,
    "restore": restore,
    "site-card": site_card,
    "pair": pair,
    "partners": partners,
    "revoke": revoke,
    "rotate-keys": rotate_keys,
    "export": export,
    "import": import_,
    "inspect": inspect,
    "conflicts": conflicts,
    "print": print_,
    "csv": csv_list,
    "person": person,
    "session": session,
    "story-questions": questions,
    "research": export_research,
    "retention": retention,
}

__all__ = ["HANDLERS", "Handler"]
