"""Looking after the store itself: integrity checks and backups."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from lt_desktop.core.errors import LtError
from lt_desktop.core.roles import Permission
from lt_desktop.core.services.base import Service
from lt_desktop.storage.backup import BackupHeader


@dataclass(frozen=True)
class CheckReport:
    problems: list[str] = field(default_factory=list)
    audit_entries: int = 0

    @property
    def sound(self) -> bool:
        return not self.problems


class MaintenanceService(Service):
    def check(self) -> CheckReport:
        """SQLCipher's page check, SQLite's structure check, links and the audit chain."""
        self._require(Permission.VIEW_AUDIT)
        problems = self._store.integrity_problems()
        try:
            audit = self._store.verify_audit_log()
        except LtError as error:
            return CheckReport([*problems, f"The audit log could not be read: {error}"], 0)
        return CheckReport(problems + audit.problems, audit.entries)

    def backup(self, target: Path) -> BackupHeader:
        """Write an encrypted backup and read it back to verify it."""
        self._require(Permission.BACKUP)
        header = self._store.backup(target)
        with self._store.write() as session:
            self._audit(session, "store.backed_up", size=target.stat().st_size)
        return header
