"""The user name the sign-in screen offers next time, if the person chose to keep it.

It is kept in the settings of whoever is signed in to the computer (their own profile
folder), never beside the store: the store's folder is shared, backed up and copied
to other media, and must hold nothing readable without its key. The password is
never kept. Whether to remember is remembered too, so a shared PC that opted out
stays opted out.

``$LT_DESKTOP_SETTINGS`` names another folder for these settings; the tests use it so
they never touch the profile of whoever runs them.
"""

from __future__ import annotations

import json
import logging
import os
from pathlib import Path

import platformdirs

log = logging.getLogger(__name__)

SETTINGS_DIR_SETTING = "LT_DESKTOP_SETTINGS"
_FILE = "sign-in.json"


def settings_folder() -> Path:
    """``$LT_DESKTOP_SETTINGS``, else the computer user's own settings folder."""
    chosen = os.environ.get(SETTINGS_DIR_SETTING)
    if chosen:
        return Path(chosen)
    return Path(platformdirs.user_config_dir("LT Desktop", appauthor=False, roaming=False))


class RememberedName:
    """The user name remembered for one store on this computer.

    Kept by store folder, so a demo store and the real one each offer their own. A
    profile that cannot be read or written only means nothing is remembered: signing
    in never depends on it.
    """

    def __init__(self, store_folder: Path, settings: Path | None = None) -> None:
        self._key = str(Path(store_folder).resolve())
        self._file = (settings or settings_folder()) / _FILE

    @property
    def wanted(self) -> bool:
        """Whether this computer user wants the name remembered (yes, until they say no)."""
        return bool(self._read().get("remember", True))

    @property
    def name(self) -> str:
        if not self.wanted:
            return ""
        names = self._read().get("names", {})
        value = names.get(self._key, "") if isinstance(names, dict) else ""
        return value if isinstance(value, str) else ""

    def remember(self, name: str) -> None:
        settings = self._read()
        names = settings.get("names")
        settings["names"] = {**(names if isinstance(names, dict) else {}), self._key: name}
        settings["remember"] = True
        self._write(settings)

    def set_wanted(self, wanted: bool) -> None:
        """Start remembering from the next sign-in; or stop, forgetting every name kept."""
        settings = self._read()
        if not wanted:
            settings.pop("names", None)
        settings["remember"] = wanted
        self._write(settings)

    def _read(self) -> dict[str, object]:
        try:
            settings = json.loads(self._file.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return {}
        except (OSError, ValueError) as error:
            log.warning("The sign-in settings could not be read (%s)", type(error).__name__)
            return {}
        return settings if isinstance(settings, dict) else {}

    def _write(self, settings: dict[str, object]) -> None:
        try:
            self._file.parent.mkdir(parents=True, exist_ok=True)
            partial = self._file.with_suffix(".partial")
            partial.write_text(json.dumps(settings, indent=1), encoding="utf-8")
            partial.replace(self._file)
        except OSError as error:
            log.warning("The sign-in settings could not be saved (%s)", type(error).__name__)
