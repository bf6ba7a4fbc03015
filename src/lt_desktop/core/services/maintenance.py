"""Looking after the store itself: integrity checks, backups and how many are kept."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from lt_desktop.core.services.base import Service
from lt_desktop.core.services.settings import (
    BACKUP_FOLDER,
    BACKUP_GENERATIONS,
    BACKUP_REMINDER_DAYS,
    read_setting,
    write_setting,
)
from lt_desktop.core.sign_in_record import notices as sign_in_record_notices
from lt_desktop.domain.changes import Change, report
from lt_desktop.domain.errors import LtError, ValidationError
from lt_desktop.domain.roles import Permission
from lt_desktop.storage.backup import BackupHeader, read_key_file
from lt_desktop.storage.backup_catalogue import (
    BackupFile,
    backups_in,
    known_backups,
    new_backup_path,
    note_backup_place,
    prune_generations,
)
from lt_desktop.storage.models import AuditEntry, Site
from lt_desktop.sync import witness

BACKED_UP = "store.backed_up"
#: The audit action an erasure leaves (``core.services.erasure``), under the research id.
ERASED = "person.erased"

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class CheckReport:
    problems: list[str] = field(default_factory=list)
    audit_entries: int = 0
    #: Not damage, but what whoever looks after the store should know.
    notices: list[str] = field(default_factory=list)

    @property
    def sound(self) -> bool:
        return not self.problems


@dataclass(frozen=True)
class BackupStatus:
    folder: Path | None
    last_at: datetime | None
    reminder_days: int
    generations: int

    def days_since(self, now: datetime | None = None) -> int | None:
        if self.last_at is None:
            return None
        return ((now or datetime.now(UTC)) - self.last_at).days

    def overdue(self, now: datetime | None = None) -> bool:
        days = self.days_since(now)
        return days is None or days >= self.reminder_days

    def describe(self, now: datetime | None = None) -> str:
        days = self.days_since(now)
        if days is None or self.last_at is None:
            return "No backup has been made yet."
        when = self.last_at.astimezone()
        ago = "today" if days == 0 else "yesterday" if days == 1 else f"{days} days ago"
        return f"The last backup was made {ago} ({when:%d %b %Y at %H:%M})."


@dataclass(frozen=True)
class BackupDone:
    path: Path
    size: int
    removed: list[Path]


@dataclass(frozen=True)
class ErasedSince:
    """People erased here after a backup was made: the backup still holds them. Only
    what the audit log keeps: when, and each person's research id, never a name."""

    dates: tuple[datetime, ...]
    references: tuple[str, ...]

    @property
    def count(self) -> int:
        return len(self.dates)

    def describe(self) -> str:
        if not self.dates:
            return ""
        days = []
        for at in self.dates:
            local = at.astimezone()
            day = f"{local.day} {local:%b %Y}"  # not %-d: unknown on Windows
            if day not in days:
                days.append(day)
        people = "1 person" if self.count == 1 else f"{self.count} people"
        return f"still holds {people} erased since (on {', '.join(days)})"


#: What to tell whoever restores a backup that still holds erased people.
RESTORE_BRINGS_BACK = (
    "Restoring such a backup brings those people back: erase them again after the restore."
)


class MaintenanceService(Service):
    def check(self) -> CheckReport:
        """SQLCipher's page check, SQLite's structure check, links and the audit chain."""
        self._require(Permission.VIEW_AUDIT)
        problems = self._store.integrity_problems()
        try:
            audit = self._store.verify_audit_log()
        except LtError as error:
            report = CheckReport([*problems, f"The audit log could not be read: {error}"], 0)
        else:
            report = CheckReport(problems + audit.problems, audit.entries)
        try:
            with self._store.read() as session:
                report.notices.extend(sign_in_record_notices(session))
                report.problems.extend(self._witnessed_audit_problems(session))
        except LtError:
            pass  # the problems above already say what cannot be read
        if report.sound:
            log.info("Checked the store: sound (%d audit entries)", report.audit_entries)
        else:
            log.warning("Checked the store: %d problems found", len(report.problems))
        return report

    def _witnessed_audit_problems(self, session: Session) -> list[str]:
        """The audit log against what partners and backups saw of it (``sync.witness``)."""
        names = {site.id: site.name for site in session.scalars(select(Site))}
        found = witness.problems(session, names)
        for backup in known_backups(self._store.folder, self._store.store_id):
            try:
                head = read_key_file(backup.path, backup.header).audit_head
            except LtError:
                continue  # a backup cut short is listed as such on the backup screen
            if head is not None:
                problem = witness.against_backup(
                    session, witness.Head(head.sequence, head.digest), backup.path.name
                )
                if problem is not None:
                    found.append(problem)
        return found

    def backup(self, target: Path, *, force: bool = False) -> BackupHeader:
        """Write an encrypted backup to ``target`` and read it back to verify it. An
        existing file is replaced only with ``force``; see ``check_output_path``."""
        self._require(Permission.BACKUP)
        target = self.output_path(target, force=force)
        header = self._store.backup(target)
        report(Change.BACKUPS)
        size = target.stat().st_size
        with self._store.write() as session:
            self._audit(session, BACKED_UP, size=size)
        log.info("Backed up the store to a chosen file: %d bytes, verified", size)
        return header

    def back_up_now(self, folder: Path | None = None) -> BackupDone:
        """A dated, verified backup in the backup folder (or ``folder``); then the
        oldest of this store's backups there beyond the kept number are deleted."""
        self._require(Permission.BACKUP)
        status = self.backup_status()
        folder = folder or status.folder
        if folder is None:
            raise ValidationError("Choose the folder backups go to (the removable media) first.")
        if not folder.is_dir():
            raise ValidationError(
                f"{folder} cannot be found. Plug in the backup media, or choose another folder."
            )
        folder = self.output_folder(folder)
        target = new_backup_path(folder, self._store.site.name, datetime.now(UTC))
        self.output_path(target, force=False)
        self._store.backup(target)
        report(Change.BACKUPS)
        size = target.stat().st_size
        removed = prune_generations(
            folder, self._store.key_file.store_id, keep=status.generations, protect=target
        )
        note_backup_place(self._store.folder, folder)
        with self._store.write() as session:
            self._audit(session, BACKED_UP, size=size, removed_old=len(removed))
        log.info(
            "Backed up the store to the backup folder: %d bytes, verified; %d older removed",
            size,
            len(removed),
        )
        return BackupDone(target, size, removed)

    def backup_status(self) -> BackupStatus:
        self._require(Permission.BACKUP)
        with self._store.read() as session:
            folder = str(read_setting(session, BACKUP_FOLDER))
            last = session.scalar(
                select(AuditEntry.at)
                .where(AuditEntry.action == BACKED_UP)
                .order_by(AuditEntry.sequence.desc())
                .limit(1)
            )
            return BackupStatus(
                folder=Path(folder) if folder else None,
                last_at=last,
                reminder_days=int(read_setting(session, BACKUP_REMINDER_DAYS)),
                generations=int(read_setting(session, BACKUP_GENERATIONS)),
            )

    def set_backup_folder(self, folder: Path) -> BackupStatus:
        self._require(Permission.BACKUP)
        if not folder.is_dir():
            raise ValidationError(f"{folder} is not a folder that exists.")
        folder = self.output_folder(folder)
        with self._store.write() as session:
            before = read_setting(session, BACKUP_FOLDER)
            write_setting(session, BACKUP_FOLDER, str(folder.resolve()))
            self._audit(session, "setting.changed", "setting", BACKUP_FOLDER, before=before)
        note_backup_place(self._store.folder, folder)
        report(Change.BACKUPS)  # the backups listed are the new folder's
        return self.backup_status()

    def list_backups(self, folder: Path | None = None) -> list[BackupFile]:
        """This store's backups in ``folder`` (or the backup folder), newest first."""
        self._require(Permission.BACKUP)
        folder = folder or self.backup_status().folder
        if folder is None:
            return []
        return backups_in(folder, self._store.key_file.store_id)

    def erased_since(self, backups: list[BackupFile]) -> dict[Path, ErasedSince]:
        """For each backup made before one or more erasures here, who it still holds:
        the erasures' dates and research ids, from the audit log alone."""
        self._require(Permission.BACKUP)
        erasures = self._erasures()
        held = {}
        for backup in backups:
            later = _after(erasures, backup.made_at)
            if later.count:
                held[backup.path] = later
        return held

    def erased_after(self, made_at: datetime) -> ErasedSince:
        """The people erased here after ``made_at``: what a backup made then still holds."""
        self._require(Permission.BACKUP)
        return _after(self._erasures(), made_at)

    def _erasures(self) -> list[tuple[datetime, str]]:
        with self._store.read() as session:
            return [
                (_aware(at), reference or "")
                for at, reference in session.execute(
                    select(AuditEntry.at, AuditEntry.subject_id)
                    .where(AuditEntry.action == ERASED)
                    .order_by(AuditEntry.sequence)
                )
            ]


def _after(erasures: list[tuple[datetime, str]], made_at: datetime) -> ErasedSince:
    made = _aware(made_at)
    later = [(at, ref) for at, ref in erasures if at > made]
    return ErasedSince(tuple(at for at, _ in later), tuple(ref for _, ref in later))


def _aware(at: datetime) -> datetime:
    return at if at.tzinfo is not None else at.replace(tzinfo=UTC)
