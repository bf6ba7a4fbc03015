"""A report for whoever supports LT Desktop: versions, settings, counts and recent problems.

It is plain text, readable without the store's key, so that staff can read it before
sending it on, and so it holds no personal data: no names, no prison numbers, nothing
anyone wrote, no account names. What comes from the store is numbers, switches, dates
and the site's own name; what comes from the log is its warnings and errors, which name
records by id and failures by kind. As a second guard, a log line that holds a word
which is a name in the store is left out (and counted); without the store open, so with
no names to check against, only LT Desktop's own lines are copied.
"""

from __future__ import annotations

import importlib.metadata
import locale
import os
import platform
import re
import shutil
import sys
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import sqlcipher3
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from lt_desktop import __version__
from lt_desktop.core.logs import LOG_NAME
from lt_desktop.core.services.base import Service
from lt_desktop.core.services.maintenance import BACKED_UP
from lt_desktop.core.services.retention import read_periods
from lt_desktop.core.services.settings import BACKUP_FOLDER, DEFAULTS, read_setting
from lt_desktop.core.services.stats import StatsService
from lt_desktop.domain.roles import Permission
from lt_desktop.storage.atomic import write_atomic
from lt_desktop.storage.backup_catalogue import known_backups, noted_backup_place
from lt_desktop.storage.folder import StoreFolder
from lt_desktop.storage.migrations import head_revision
from lt_desktop.storage.models import AuditEntry, Person, PrisonDetails, User
from lt_desktop.storage.output_paths import check_output_path

#: The newest warnings and errors from the log that go into the report.
RECENT_PROBLEMS = 50
_LONGEST_LINE = 400
_LOG_LINE = re.compile(
    r"^(?P<at>\d{4}-\d\d-\d\d \d\d:\d\d:\d\d),\d{3} (?P<level>WARNING|ERROR|CRITICAL) "
    r"(?P<rest>(?P<logger>[\w.]+): .*)$"
)
_WORD = re.compile(r"[^\W\d_][\w'’-]*")
#: Libraries whose versions matter to support, by the names they are installed under.
_LIBRARIES = {
    "SQLAlchemy": ("SQLAlchemy",),
    "alembic": ("alembic",),
    "cryptography": ("cryptography",),
    "sqlcipher3": ("sqlcipher3", "sqlcipher3-binary", "sqlcipher3-wheels"),
    "reportlab": ("reportlab",),
    "PySide6": ("PySide6", "PySide6-Essentials"),
}


@dataclass(frozen=True)
class Diagnostics:
    made_at: datetime
    versions: dict[str, str]
    computer: dict[str, str]
    store: dict[str, str]
    settings: dict[str, str] = field(default_factory=dict)
    counts: dict[str, int] = field(default_factory=dict)
    #: Why there are no settings or counts, when there are none.
    missing: str = ""
    problems: list[str] = field(default_factory=list)
    left_out: int = 0  # log lines not copied, in case they name someone

    def to_text(self) -> str:
        lines = [
            "LT Desktop: diagnostics for support",
            f"Made {self.made_at:%d %b %Y at %H:%M} UTC.",
            "",
            "This file holds no personal data: no names, no prison numbers, nothing anyone",
            "wrote. It is plain text; read it before you send it, if you wish.",
        ]
        lines += _section("Versions", self.versions)
        lines += _section("This computer", self.computer)
        lines += _section("The store", self.store)
        if self.settings:
            lines += _section("Settings", self.settings)
        if self.counts:
            lines += _section("What the store holds", {k: f"{v:,}" for k, v in self.counts.items()})
        if self.missing:
            lines += ["", self.missing]
        lines += [
            "",
            f"Recent warnings and errors in the log (up to {RECENT_PROBLEMS}, oldest first)",
        ]
        lines += [f"  {line}" for line in self.problems] or ["  None."]
        if self.left_out:
            lines.append(f"  ({self.left_out} more left out, in case they name someone.)")
        return "\n".join(lines) + "\n"


def save_diagnostics(
    target: Path, report: Diagnostics, *, store_root: Path | None, force: bool
) -> Path:
    """Write the report to ``target``, never inside ``store_root`` and over an existing
    file only with ``force`` (see ``check_output_path``); returns where it went."""
    target = check_output_path(target, store_root=store_root, force=force)
    write_atomic(target, report.to_text().encode("utf-8"), what="The diagnostics file")
    return target


def report_without_signing_in(data_dir: Path, why: str = "") -> Diagnostics:
    """What can be known without the store's key: for a store that will not open, or
    before anyone has signed in."""
    folder = StoreFolder(data_dir)
    store = _store_files(folder)
    newest = known_backups(folder, None) if folder.has_store() else []
    store["Newest backup found"] = _when(newest[0].made_at) if newest else "none"
    problems, left_out = recent_problems(folder.logs)
    return Diagnostics(
        made_at=datetime.now(UTC),
        versions=versions(),
        computer=computer(data_dir),
        store=store,
        missing=why.replace(str(Path.home()), "~")
        or "Settings and counts need someone signed in; nobody was.",
        problems=problems,
        left_out=left_out,
    )


class DiagnosticsService(Service):
    """The report for support, as the signed-in account may make it: anyone may, and
    the counts are in it when their role may see what the store holds."""

    def report(self) -> Diagnostics:
        folder = self._store.folder
        store = _store_files(folder)
        store["Site"] = f"{self._store.site.name} ({self._store.site.kind.value})"
        head = head_revision()
        revision = self._store.schema_revision
        store["Schema revision"] = revision + (" (current)" if revision == head else f" of {head}")
        with self._store.read() as session:
            last_backup = session.scalar(
                select(func.max(AuditEntry.at)).where(AuditEntry.action == BACKED_UP)
            )
            settings = {key: read_setting(session, key) for key in DEFAULTS}
            periods = read_periods(session)
            names = _names(session)
        store["Last backup"] = _when(last_backup) if last_backup else "never"
        backups = known_backups(folder, self._store.store_id)
        store["Backups found"] = f"{len(backups)}" + (
            f", the newest {_when(backups[0].made_at)}" if backups else ""
        )
        shown_settings = {key: _setting(key, value) for key, value in settings.items()}
        shown_settings |= {f"retention: {p.kind.option}": p.describe() for p in periods}
        counts: dict[str, int] = {}
        missing = ""
        if self.actor.may(Permission.VIEW_STATS):
            counts = StatsService(self._store, self.actor).counts()
        else:
            missing = "Counts are left out: your role does not see what the store holds."
        problems, left_out = recent_problems(folder.logs, names)
        return Diagnostics(
            made_at=datetime.now(UTC),
            versions=versions(),
            computer=computer(folder.root),
            store=store,
            settings=shown_settings,
            counts=counts,
            missing=missing,
            problems=problems,
            left_out=left_out,
        )

    def save(self, target: Path, *, force: bool = False) -> Diagnostics:
        """Write the report to ``target`` (whole, or not at all) and note it in the
        audit log."""
        target = self.output_path(target, force=force)
        report = self.report()
        save_diagnostics(target, report, store_root=self._store.folder.root, force=True)
        with self._store.write() as session:
            self._audit(session, "diagnostics.saved", size=target.stat().st_size)
        return report


# -- what goes in -----------------------------------------------------------------------


def versions() -> dict[str, str]:
    found = {
        "LT Desktop": __version__ + (" (installed app)" if getattr(sys, "frozen", False) else ""),
        "Python": f"{platform.python_version()} ({platform.python_implementation()})",
    }
    try:
        connection = sqlcipher3.connect(":memory:")
        try:
            (cipher,) = connection.execute("PRAGMA cipher_version").fetchone()
            (sqlite,) = connection.execute("SELECT sqlite_version()").fetchone()
        finally:
            connection.close()
        found["SQLCipher"] = f"{cipher} (SQLite {sqlite})"
    except sqlcipher3.Error:
        found["SQLCipher"] = "cannot be loaded"
    for label, names in _LIBRARIES.items():
        found[label] = _installed_version(names)
    qt_core = sys.modules.get("PySide6.QtCore")  # only when the app itself has loaded Qt
    if qt_core is not None:
        found["Qt"] = str(qt_core.qVersion())
    return found


def computer(data_dir: Path) -> dict[str, str]:
    found = {
        "Operating system": platform.platform(),
        "Processor": f"{platform.machine() or 'unknown'}, {os.cpu_count() or '?'} cores",
        "Text encoding": f"{locale.getpreferredencoding(False)} (files: "
        f"{sys.getfilesystemencoding()})",
    }
    try:
        usage = shutil.disk_usage(data_dir if data_dir.exists() else data_dir.parent)
        found["Free disk space"] = f"{usage.free:,} of {usage.total:,} bytes"
    except OSError:
        found["Free disk space"] = "unknown"
    return found


def recent_problems(log_folder: Path, names: frozenset[str] | None = None) -> tuple[list[str], int]:
    """The newest warning and error lines of the log (oldest first), and how many were
    left out: those with a word that is one of ``names`` or, with no names to check
    against, every line not of LT Desktop's own making."""
    kept: list[str] = []
    left_out = 0
    oldest_first = sorted(
        log_folder.glob(f"{LOG_NAME}*"), key=lambda path: _rotation(path), reverse=True
    )
    for path in oldest_first:
        try:
            text = path.read_text(encoding="utf-8", errors="replace")
        except OSError:
            continue
        for line in text.splitlines():
            match = _LOG_LINE.match(line)
            if match is None:
                continue  # a line of someone else's making, or a message's second line
            if names is None:
                doubtful = not match["logger"].startswith("lt_desktop.")
            else:
                doubtful = not names.isdisjoint(_WORD.findall(line))
            if doubtful:
                left_out += 1
                continue
            shown = f"{match['at']} {match['level']} {match['rest']}"
            kept.append(shown if len(shown) <= _LONGEST_LINE else shown[:_LONGEST_LINE] + "…")
    return kept[-RECENT_PROBLEMS:], left_out


def _rotation(path: Path) -> int:
    """0 for the log itself, n for its n-th older file."""
    suffix = path.name[len(LOG_NAME) :].lstrip(".")
    return int(suffix) if suffix.isdigit() else 0


def _store_files(folder: StoreFolder) -> dict[str, str]:
    found = {"Folder": _shown_path(folder.root)}
    if not folder.root.is_dir():
        found["State"] = "the folder does not exist"
        return found
    if not folder.has_store():
        found["State"] = "no store here (no key file)"
    for label, path in (
        ("Database", folder.database),
        ("Write-ahead log", folder.database.with_name(folder.database.name + "-wal")),
        ("Key file", folder.key_file),
    ):
        found[label] = _size(path)
    found["Backups kept in the store folder"] = _folder_size(folder.backups)
    found["Log files"] = _folder_size(folder.logs)
    place = noted_backup_place(folder)
    if place is not None:
        found["Backup folder"] = "reachable" if place.is_dir() else "not reachable now"
    return found


def _names(session: Session) -> frozenset[str]:
    """Every word of a name in the store, to keep out of the report."""
    words: set[str] = set()
    rows = session.execute(select(Person.given_name, Person.family_name, Person.preferred_name))
    for row in rows:
        for value in row:
            words.update(_WORD.findall(value or ""))
    for (number,) in session.execute(select(PrisonDetails.prison_number)):
        words.update(_WORD.findall(number or ""))
    for username, display_name in session.execute(select(User.username, User.display_name)):
        words.update(_WORD.findall(f"{username} {display_name}"))
    return frozenset(word for word in words if len(word) >= 3)


def _setting(key: str, value: object) -> str:
    if key == BACKUP_FOLDER:
        return "chosen" if value else "not chosen"  # a folder's path may hold a name
    return str(value)


def _installed_version(names: tuple[str, ...]) -> str:
    for name in names:
        try:
            return importlib.metadata.version(name)
        except importlib.metadata.PackageNotFoundError:
            continue
    return "not installed"


def _shown_path(path: Path) -> str:
    """A path with the home folder (which is named after the person) as ``~``."""
    try:
        return str(Path("~") / path.resolve().relative_to(Path.home().resolve()))
    except (ValueError, RuntimeError, OSError):
        return str(path)


def _size(path: Path) -> str:
    try:
        return f"{path.stat().st_size:,} bytes"
    except OSError:
        return "none"


def _folder_size(folder: Path) -> str:
    try:
        files = [path for path in folder.iterdir() if path.is_file()]
    except OSError:
        return "none"
    return f"{len(files)} file(s), {sum(path.stat().st_size for path in files):,} bytes"


def _when(moment: datetime) -> str:
    return f"{moment.astimezone(UTC):%d %b %Y at %H:%M} UTC"


def _section(title: str, values: dict[str, str]) -> list[str]:
    width = max((len(label) for label in values), default=0)
    return ["", title] + [f"  {label:<{width}}  {value}" for label, value in values.items()]
