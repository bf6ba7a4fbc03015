"""Settings an administrator chooses for the whole site."""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy.orm import Session

from lt_desktop.core.services.base import Service
from lt_desktop.domain.errors import ValidationError
from lt_desktop.domain.roles import Permission
from lt_desktop.storage.models import Setting

IDLE_LOCK_MINUTES = "idle_lock_minutes"
MODERATION_THRESHOLD = "moderation_threshold"
BACKUP_REMINDER_DAYS = "backup_reminder_days"
BACKUP_GENERATIONS = "backup_generations"
BACKUP_FOLDER = "backup_folder"
#: Assessors read application statements without the applicant's name, as in marking.
BLIND_ASSESSMENT = "blind_assessment"

DEFAULTS: dict[str, Any] = {
    IDLE_LOCK_MINUTES: 5,
    MODERATION_THRESHOLD: 10,
    BACKUP_REMINDER_DAYS: 7,
    BACKUP_GENERATIONS: 10,
    BACKUP_FOLDER: "",
    BLIND_ASSESSMENT: False,
}

_BOUNDS = {
    IDLE_LOCK_MINUTES: (1, 120),
    MODERATION_THRESHOLD: (1, 100),
    BACKUP_REMINDER_DAYS: (1, 90),
    BACKUP_GENERATIONS: (1, 100),
}


def read_setting(session: Session, key: str) -> Any:
    row = session.get(Setting, key)
    return DEFAULTS[key] if row is None else json.loads(row.value)


def write_setting(session: Session, key: str, value: Any) -> None:
    row = session.get(Setting, key)
    if row is None:
        session.add(Setting(key=key, value=json.dumps(value)))
    else:
        row.value = json.dumps(value)


class SettingsService(Service):
    def get(self, key: str) -> Any:
        if key not in DEFAULTS:
            raise KeyError(key)
        with self._store.read() as session:
            return read_setting(session, key)

    def set_number(self, key: str, value: int) -> None:
        self._require(Permission.MANAGE_SETTINGS)
        low, high = _BOUNDS[key]
        if not low <= value <= high:
            raise ValidationError(f"Choose a number from {low} to {high}.")
        with self._store.write() as session:
            before = read_setting(session, key)
            write_setting(session, key, value)
            self._audit(session, "setting.changed", "setting", key, before=before, after=value)

    def set_switch(self, key: str, on: bool) -> None:
        """Turn an on/off setting (such as blind assessment) on or off."""
        self._require(Permission.MANAGE_SETTINGS)
        if not isinstance(DEFAULTS[key], bool):
            raise KeyError(key)
        with self._store.write() as session:
            before = read_setting(session, key)
            write_setting(session, key, bool(on))
            self._audit(session, "setting.changed", "setting", key, before=before, after=on)
