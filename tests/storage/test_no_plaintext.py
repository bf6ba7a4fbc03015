"""No file in the store folder ever holds personal data in the clear: not the
database, its write-ahead log, backups, the key file, sign-in records or logs."""

from __future__ import annotations

import logging
from datetime import date
from pathlib import Path

from lt_desktop.core.logs import configure_logging
from lt_desktop.core.services.register import Mark
from lt_desktop.core.sign_in import sign_in
from lt_desktop.domain.errors import WrongCredentials
from lt_desktop.domain.vocabulary import AttendanceStatus, ConsentScope, PersonBase
from tests.helpers.stores import ADMIN, ADMIN_PASSWORD, files_under, new_store, plaintext_hits

# Unusual strings that cannot occur by chance in random bytes.
GIVEN = "Quintessa"
FAMILY = "Marrowbyte-Ødegård"
NOTE = "Prefers to sit near the door; asked about the library"
PRISON_NUMBER = "A9876ZQ"
SECURITY_NOTE = "Escort required between Kestrel wing and education"
SECRETS = [GIVEN, FAMILY, NOTE, PRISON_NUMBER, SECURITY_NOTE, ADMIN_PASSWORD]


def _write_personal_data(folder: Path) -> None:
    with sign_in(folder, ADMIN, ADMIN_PASSWORD) as workspace:
        partnership = workspace.programme.add_partnership(
            name="Test partnership", prison_name="HMP Testbridge", university_name="Uni"
        )
        course = workspace.programme.add_course(partnership_id=partnership.id, title="Course")
        cohort = workspace.programme.add_cohort(
            course_id=course.id,
            name="Spring",
            starts_on=date(2026, 1, 5),
            ends_on=date(2026, 3, 9),
        )
        person = workspace.people.add_person(
            given_name=GIVEN, family_name=FAMILY, base=PersonBase.PRISON, notes=NOTE
        )
        workspace.people.set_prison_details(
            person.id, prison_number=PRISON_NUMBER, security_notes=SECURITY_NOTE
        )
        workspace.memberships.enrol(cohort.id, person.id)
        sessions = workspace.programme.plan_weekly_sessions(
            cohort.id, weeks=4, first_on=date(2026, 1, 5)
        )
        workspace.register.mark(sessions[0].id, person.id, Mark(AttendanceStatus.PRESENT))
        workspace.consent.record(person.id, ConsentScope.STORIES, given_on=date(2026, 1, 5))
        logging.getLogger("lt_desktop.test").info("Wrote a person's record")
        # While the store is open, the write-ahead log holds the newest pages.
        assert (folder / "store.db-wal").exists()
        assert plaintext_hits(folder, SECRETS) == []


def test_nothing_readable_while_open_and_after_close(store_dir: Path) -> None:
    new_store(store_dir).close()
    configure_logging(store_dir / "logs")
    _write_personal_data(store_dir)
    names = {path.name for path in files_under(store_dir)}
    assert {"store.db", "keys.json", "lt-desktop.log"} <= names
    assert plaintext_hits(store_dir, SECRETS) == []


def test_failed_sign_ins_leave_no_name_or_password_behind(store_dir: Path) -> None:
    new_store(store_dir).close()
    for attempt in ["Quintessa.Marrowbyte", ADMIN]:
        try:
            sign_in(store_dir, attempt, "Kestrel-wing-password")
        except WrongCredentials:
            pass
    assert (store_dir / "login-attempts.json").exists()
    assert plaintext_hits(store_dir, ["Quintessa", "Kestrel-wing-password", "admin"]) == []


def test_backups_hold_nothing_readable(store_dir: Path, tmp_path: Path) -> None:
    new_store(store_dir).close()
    _write_personal_data(store_dir)
    with sign_in(store_dir, ADMIN, ADMIN_PASSWORD) as workspace:
        workspace.maintenance.backup(tmp_path / "copy.ltbackup")
    assert plaintext_hits(tmp_path, SECRETS) == []
