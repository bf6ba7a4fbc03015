"""Files written where a person chooses (a copy of a scan, a site card, a saved
document): never into the store folder, nor over anything but a regular file, nor
over an existing file without being asked, and whole or not at all.

The rules are storage's (``storage/output_paths.py``, ``storage/atomic.py``); the
desktop app and the command line reach them through here.
"""

from __future__ import annotations

from lt_desktop.storage.atomic import write_atomic
from lt_desktop.storage.output_paths import check_output_folder, check_output_path

__all__ = ["check_output_folder", "check_output_path", "write_atomic"]
