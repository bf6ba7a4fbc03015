"""Each ``lt-desktop`` command doing its job, run as a script runs it, on a real store."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from pathlib import Path

import pytest

from lt_desktop.storage.recovery_key import RecoveryKey
from tests.cli.conftest import InitialisedStore, init_store
from tests.cli.support import (
    DEMO_ACCOUNTS,
    DEMO_PASSWORD,
    DEMO_USER,
    RECOVERY_KEY,
    assert_failure,
    damage_table,
    lines,
    raw_database,
    run_as,
    slot_opens,
    store_bytes,
)
from tests.helpers.cli import run_cli
from tests.helpers.stores import ADMIN, ADMIN_PASSWORD, SITE_NAME, USER_PASSWORD, files_under

NEW_PASSWORD = "a fresh password for spring"

#: Every kind of record ``stats --json`` reports, and the table that holds it.
COUNTED_TABLES = {
    "partnerships": "partnerships",
    "stationery": "stationery",
    "courses": "courses",
    "cohorts": "cohorts",
    "people": "people",
    "prison_details": "prison_details",
    "memberships": "memberships",
    "membership_status_changes": "membership_status_changes",
    "applications": "applications",
    "application_scores": "application_scores",
    "rubric_criteria": "rubric_criteria",
    "small_groups": "small_groups",
    "group_members": "group_members",
    "group_projects": "group_projects",
    "project_groups": "project_groups",
    "sessions": "class_sessions",
    "readings": "readings",
    "attendance_marks": "attendance",
    "essays": "essays",
    "essay_marks": "essay_marks",
    "attachments": "attachments",
    "consents": "consents",
    "story_questions": "story_questions",
    "stories": "stories",
    "story_answers": "story_answers",
    "questionnaire_templates": "questionnaire_templates",
    "questionnaire_items": "questionnaire_items",
    "questionnaire_responses": "questionnaire_responses",
    "questionnaire_answers": "questionnaire_answers",
    "interviews": "interviews",
    "mentor_invitations": "mentor_invitations",
    "mentor_training": "mentor_training",
    "facilitator_training": "facilitator_training",
    "graduation_events": "graduation_events",
    "graduation_cohorts": "graduation_cohorts",
    "programme_items": "programme_items",
    "graduation_guests": "graduation_guests",
    "certificates": "certificates",
    "progressions": "progressions",
    "users": "users",
    "audit_entries": "audit_log",
}

#: What a term of realistic activity leaves behind: none of these may be empty.
ACTIVITY = [
    "people",
    "small_groups",
    "group_members",
    "sessions",
    "attendance_marks",
    "essays",
    "essay_marks",
    "consents",
    "stories",
    "story_answers",
    "questionnaire_responses",
    "questionnaire_answers",
    "applications",
    "graduation_events",
    "certificates",
    "progressions",
]


def stats_json(folder: Path, user: str = DEMO_USER, password: str = DEMO_PASSWORD) -> dict:
    result = run_as(folder, user, "stats", "--json", secrets=(password,))
    assert result.code == 0, result.err
    counts = json.loads(result.out)
    assert isinstance(counts, dict)
    return counts


def assert_demo_story(counts: dict, folder: Path, user: str, password: str) -> None:
    """One partnership and course, two cohorts of 24 students each, half of them based
    in the prison, and a term of activity around them."""
    assert counts["partnerships"] == 1
    assert counts["courses"] == 1
    assert counts["cohorts"] == 2
    assert all(counts[kind] > 0 for kind in ACTIVITY), {kind: counts[kind] for kind in ACTIVITY}
    with raw_database(folder, user, password) as db:
        students = db.execute(
            "SELECT m.cohort_id, p.base, count(*) FROM memberships m "
            "JOIN people p ON p.id = m.person_id WHERE m.role = 'student' GROUP BY 1, 2"
        ).fetchall()
        prison_based = db.execute("SELECT count(*) FROM people WHERE base = 'prison'").fetchone()
    assert sorted(count for _, _, count in students) == [12, 12, 12, 12], students
    assert {base for _, base, _ in students} == {"prison", "university"}
    assert len({cohort for cohort, _, _ in students}) == 2
    assert counts["memberships"] > 48  # the students, and the people who teach them
    assert counts["people"] >= 48
    assert prison_based[0] >= 24


# -- init ------------------------------------------------------------------------------


def test_init_makes_a_store_and_prints_its_recovery_key_once(store_dir: Path) -> None:
    result = init_store(store_dir)
    assert result.code == 0, result.err
    assert SITE_NAME in result.out and ADMIN in result.out
    keys = RECOVERY_KEY.findall(result.out)
    assert len(keys) == 1, result.out
    assert result.out.count(keys[0]) == 1
    assert keys[0] not in result.err
    RecoveryKey.parse(keys[0])  # a key that will be accepted when typed back
    # Shown only once: the key is kept nowhere in the store folder, logs included.
    for path in files_under(store_dir):
        data = path.read_bytes()
        assert keys[0].encode() not in data and keys[0].replace("-", "").encode() not in data
    check = run_as(store_dir, ADMIN, "check", secrets=(ADMIN_PASSWORD,))
    assert check.code == 0, check.err
    assert "sound" in check.out


def test_a_second_init_on_the_same_folder_is_refused(initialised: InitialisedStore) -> None:
    before = store_bytes(initialised.folder)
    result = run_cli(
        "init",
        "--data-dir",
        initialised.folder,
        "--site-name",
        "HMP Elsewhere",
        "--site-kind",
        "university",
        "--admin",
        "intruder",
        "--password-stdin",
        stdin=lines("another long password"),
    )
    assert "already holds a store" in assert_failure(result)
    assert RECOVERY_KEY.search(result.out) is None
    assert store_bytes(initialised.folder) == before
    assert slot_opens(initialised.folder, ADMIN, ADMIN_PASSWORD)


@pytest.mark.parametrize(
    ("admin", "password", "reason"),
    [
        (ADMIN, "seven77", "at least 8 characters"),
        ("Ada Lovelace!", ADMIN_PASSWORD, "A user name has 2 to 50 characters"),
    ],
    ids=["short-password", "bad-user-name"],
)
def test_init_refuses_weak_credentials_and_makes_no_store(
    store_dir: Path, admin: str, password: str, reason: str
) -> None:
    result = run_cli(
        "init",
        "--data-dir",
        store_dir,
        "--site-name",
        SITE_NAME,
        "--site-kind",
        "prison",
        "--admin",
        admin,
        "--password-stdin",
        stdin=lines(password),
    )
    assert reason in assert_failure(result)
    assert not (store_dir / "keys.json").exists()
    assert not (store_dir / "store.db").exists()


# -- demo ------------------------------------------------------------------------------


def test_demo_makes_a_realistic_store_to_sign_in_as_demo(tmp_path: Path) -> None:
    folder = tmp_path / "demo-store"
    result = run_cli("demo", "--data-dir", folder)
    assert result.code == 0, result.err
    assert "Sign in as demo with the password demo." in result.out
    for account in DEMO_ACCOUNTS:
        assert account in result.out
    assert len(RECOVERY_KEY.findall(result.out)) == 1
    counts = stats_json(folder)
    assert_demo_story(counts, folder, DEMO_USER, DEMO_PASSWORD)
    assert counts["users"] == len(DEMO_ACCOUNTS)
    assert counts["prison_details"] > 0  # a prison site keeps its people's prison details
    for account in DEMO_ACCOUNTS:  # every demo account shares the password
        assert slot_opens(folder, account, DEMO_PASSWORD), account


def test_demo_with_its_own_administrator_on_a_university_site(tmp_path: Path) -> None:
    folder = tmp_path / "demo-store"
    result = run_cli(
        "demo",
        "--data-dir",
        folder,
        "--site-kind",
        "university",
        "--admin",
        "coordinator",
        "--password-stdin",
        stdin=lines(NEW_PASSWORD),
    )
    assert result.code == 0, result.err
    assert "Sign in as coordinator with the password you chose." in result.out
    assert NEW_PASSWORD not in result.out
    counts = stats_json(folder, "coordinator", NEW_PASSWORD)
    assert_demo_story(counts, folder, "coordinator", NEW_PASSWORD)
    assert counts["users"] == 1  # no demo accounts beside the chosen administrator
    assert counts["prison_details"] == 0  # prison-only details are never kept at a university
    assert not slot_opens(folder, DEMO_USER, DEMO_PASSWORD)


def test_demo_refuses_a_folder_that_already_holds_a_store(demo_dir: Path) -> None:
    before = store_bytes(demo_dir)
    result = run_cli("demo", "--data-dir", demo_dir)
    assert "already holds a store" in assert_failure(result)
    assert store_bytes(demo_dir) == before
    assert not [p for p in demo_dir.parent.iterdir() if p.name.startswith(".demo.demo-")]


def test_demo_password_stdin_goes_with_admin(tmp_path: Path) -> None:
    result = run_cli("demo", "--data-dir", tmp_path / "d", "--password-stdin", stdin="x\n")
    assert "--password-stdin goes with --admin" in assert_failure(result, code=2)
    assert not (tmp_path / "d" / "keys.json").exists()


# -- stats -----------------------------------------------------------------------------


def test_stats_json_counts_every_kind_of_record(demo_dir: Path) -> None:
    counts = stats_json(demo_dir)
    assert list(counts) == list(COUNTED_TABLES)
    assert all(type(count) is int for count in counts.values())
    with raw_database(demo_dir) as db:
        in_tables = {
            name: db.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
            for name, table in COUNTED_TABLES.items()
        }
        (prison_based,) = db.execute("SELECT count(*) FROM people WHERE base = 'prison'").fetchone()
    assert counts == in_tables
    # And they tell the story the demo promises.
    assert_demo_story(counts, demo_dir, DEMO_USER, DEMO_PASSWORD)
    assert counts["users"] == len(DEMO_ACCOUNTS)
    # On a prison site every prison-based person has their prison details, nobody else.
    assert counts["prison_details"] == prison_based


def test_stats_as_a_table_shows_the_same_counts(demo_dir: Path) -> None:
    table = run_as(demo_dir, DEMO_USER, "stats")
    assert table.code == 0, table.err
    shown = {}
    for line in table.lines:
        match = re.fullmatch(r"([a-z ]+?)\s+([\d,]+)", line.strip())
        assert match, line
        shown[match[1].replace(" ", "_")] = int(match[2].replace(",", ""))
    with raw_database(demo_dir) as db:
        in_tables = {
            name: db.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
            for name, table in COUNTED_TABLES.items()
        }
    assert shown == in_tables
    assert list(shown) == list(COUNTED_TABLES)


def test_the_store_folder_and_user_can_come_from_the_environment(demo_dir: Path) -> None:
    result = run_cli(
        "stats",
        "--json",
        "--password-stdin",
        stdin=lines(DEMO_PASSWORD),
        env={"LT_DESKTOP_DATA": str(demo_dir), "LT_DESKTOP_USER": "staff"},
    )
    assert result.code == 0, result.err
    assert json.loads(result.out)["cohorts"] == 2


# -- check -----------------------------------------------------------------------------


def test_check_passes_a_sound_store(demo_dir: Path) -> None:
    result = run_as(demo_dir, DEMO_USER, "check")
    assert result.code == 0, result.err
    assert result.err == ""
    with raw_database(demo_dir) as db:
        entries = db.execute("SELECT count(*) FROM audit_log").fetchone()[0]
    assert f"The store is sound: encryption, structure and the audit log ({entries} entries)" in (
        result.out
    )


@pytest.mark.parametrize(
    "table",
    ["settings", "story_answers"],
    ids=["a-table-nothing-links-to", "records-linked-to-others"],
)
def test_check_reports_a_damaged_database(demo_dir: Path, table: str) -> None:
    damage_table(demo_dir, table)
    result = run_as(demo_dir, DEMO_USER, "check")
    assert result.code == 1, (result.out, result.err)
    assert "Traceback" not in result.err
    assert re.search(r"The store has \d+ problem\(s\):", result.out), result.err[-500:]
    assert "Encrypted page check" in result.out
    assert "lt-desktop restore" in result.out


@pytest.mark.parametrize(
    ("tamper", "problem"),
    [
        (
            "UPDATE audit_log SET details = '{\"people\":1}' WHERE sequence = 2",
            "Audit entry 2 has been altered.",
        ),
        ("DELETE FROM audit_log WHERE sequence = 1", "Audit entries 1 to 1 are missing."),
        (
            "DELETE FROM audit_log WHERE sequence = (SELECT max(sequence) FROM audit_log)",
            "has been replaced",  # the next sign-in takes the removed entry's number
        ),
    ],
    ids=["edited-entry", "removed-first-entry", "removed-newest-entry"],
)
def test_check_reports_a_tampered_audit_log(demo_dir: Path, tamper: str, problem: str) -> None:
    with raw_database(demo_dir) as db:
        db.execute(tamper)
    result = run_as(demo_dir, DEMO_USER, "check")
    assert result.code == 1, (result.out, result.err)
    assert "Traceback" not in result.err
    assert "The store has 1 problem(s):" in result.out
    assert problem in result.out


# -- user ------------------------------------------------------------------------------


def account_row(line: str) -> list[str]:
    """A ``user list`` line as [user name, role, state, full name]."""
    return re.split(r"\s{2,}", line.strip())


def test_user_add_makes_an_account_that_can_sign_in(demo_dir: Path) -> None:
    result = run_as(
        demo_dir,
        DEMO_USER,
        "user",
        "add",
        "Sam.Taylor",
        "--role",
        "education_staff",
        "--display-name",
        "Sam Taylor",
        secrets=(DEMO_PASSWORD, USER_PASSWORD),
    )
    assert result.code == 0, result.err
    assert result.out.strip() == "Added sam.taylor (education staff)."
    with raw_database(demo_dir) as db:
        stored = db.execute(
            "SELECT role, display_name, disabled FROM users WHERE username LIKE 'sam%'"
        ).fetchall()
    assert stored == [("education_staff", "Sam Taylor", 0)]
    signed_in = run_as(demo_dir, "sam.taylor", "stats", secrets=(USER_PASSWORD,))
    assert signed_in.code == 0, signed_in.err


def test_user_list_shows_each_account_with_its_role_and_state(demo_dir: Path) -> None:
    result = run_as(demo_dir, DEMO_USER, "user", "list")
    assert result.code == 0, result.err
    rows = {row[0]: row[1:] for row in map(account_row, result.lines)}
    assert set(rows) == set(DEMO_ACCOUNTS)
    for username, role in DEMO_ACCOUNTS.items():
        assert rows[username][:2] == [role, "active"], rows[username]


def test_user_add_refuses_an_existing_user_name(demo_dir: Path) -> None:
    result = run_as(
        demo_dir,
        DEMO_USER,
        "user",
        "add",
        "STAFF",
        "--role",
        "marker",
        secrets=(DEMO_PASSWORD, USER_PASSWORD),
    )
    assert "There is already an account called staff." in assert_failure(result)
    assert not slot_opens(demo_dir, "staff", USER_PASSWORD)
    assert slot_opens(demo_dir, "staff", DEMO_PASSWORD)


def test_user_disable_stops_the_account_signing_in(demo_dir: Path) -> None:
    result = run_as(demo_dir, DEMO_USER, "user", "disable", "staff")
    assert result.code == 0, result.err
    first, *rest = result.out.strip().splitlines()
    assert first == "Disabled staff: the account can no longer sign in."
    assert "until you re-key it: `lt-desktop rekey`." in " ".join(rest)
    refused = run_as(demo_dir, "staff", "stats")
    assert "The user name or password is not right." in assert_failure(refused)
    listed = run_as(demo_dir, DEMO_USER, "user", "list")
    staff = [account_row(line) for line in listed.lines if line.startswith("staff")]
    assert staff == [["staff", "Education staff", "disabled", "Demo education staff"]]


# -- passwd ----------------------------------------------------------------------------


def test_passwd_changes_your_own_password_only(demo_dir: Path) -> None:
    result = run_as(demo_dir, "staff", "passwd", secrets=(DEMO_PASSWORD, NEW_PASSWORD))
    assert result.code == 0, result.err
    assert result.out.strip() == "Your password has been changed."
    assert not slot_opens(demo_dir, "staff", DEMO_PASSWORD)
    assert run_as(demo_dir, "staff", "stats", secrets=(NEW_PASSWORD,)).code == 0
    assert slot_opens(demo_dir, DEMO_USER, DEMO_PASSWORD)  # nobody else's changed


def test_passwd_refuses_a_weak_new_password(demo_dir: Path) -> None:
    result = run_as(demo_dir, "staff", "passwd", secrets=(DEMO_PASSWORD, "short"))
    assert "at least 8 characters" in assert_failure(result)
    assert slot_opens(demo_dir, "staff", DEMO_PASSWORD)
    assert not slot_opens(demo_dir, "staff", "short")


# -- recover ---------------------------------------------------------------------------


def test_recover_sets_a_new_password_with_the_printed_key(initialised: InitialisedStore) -> None:
    typed = initialised.recovery_key.lower().replace("-", " ")  # as people type it back
    result = run_cli(
        "recover",
        "--data-dir",
        initialised.folder,
        "--user",
        ADMIN,
        "--password-stdin",
        stdin=lines(typed, NEW_PASSWORD),
    )
    assert result.code == 0, result.err
    assert result.out.strip() == f"{ADMIN} has a new password and can sign in with it."
    check = run_as(initialised.folder, ADMIN, "check", secrets=(NEW_PASSWORD,))
    assert check.code == 0, check.err
    assert not slot_opens(initialised.folder, ADMIN, ADMIN_PASSWORD)


def _mistype(key: str) -> str:
    groups = key.split("-")
    group = groups[2]
    groups[2] = group[:1] + ("Z" if group[1] != "Z" else "Y") + group[2:]
    return "-".join(groups)


@pytest.mark.parametrize(
    ("key", "user", "password", "reason"),
    [
        (_mistype, ADMIN, NEW_PASSWORD, "Group 3 of the recovery key"),
        (lambda _: str(RecoveryKey.generate()), ADMIN, NEW_PASSWORD, "does not belong"),
        (lambda key: key, "nobody", NEW_PASSWORD, "There is no account called nobody."),
    ],
    ids=["mistyped-key", "another-stores-key", "unknown-account"],
)
def test_recover_refusals_change_nothing(
    initialised: InitialisedStore,
    key: Callable[[str], str],
    user: str,
    password: str,
    reason: str,
) -> None:
    before = store_bytes(initialised.folder)
    result = run_cli(
        "recover",
        "--data-dir",
        initialised.folder,
        "--user",
        user,
        "--password-stdin",
        stdin=lines(key(initialised.recovery_key), password),
    )
    assert reason in assert_failure(result)
    assert store_bytes(initialised.folder)["keys.json"] == before["keys.json"]
    assert slot_opens(initialised.folder, ADMIN, ADMIN_PASSWORD)


# -- backup and restore ----------------------------------------------------------------


def test_backup_writes_an_encrypted_verified_file(demo_dir: Path, tmp_path: Path) -> None:
    out = tmp_path / "media" / "spring.ltbackup"
    out.parent.mkdir()
    result = run_as(demo_dir, DEMO_USER, "backup", "--out", out)
    assert result.code == 0, result.err
    size = out.stat().st_size
    assert result.out.strip() == f"Backed up to {out} and verified ({size:,} bytes)."
    assert [p.name for p in out.parent.iterdir()] == [out.name]  # no temporary files left
    data = out.read_bytes()
    assert data.startswith(b"LT-DESKTOP-BACKUP\n")
    with raw_database(demo_dir) as db:
        given, family = db.execute("SELECT given_name, family_name FROM people LIMIT 1").fetchone()
        (prison_number,) = db.execute("SELECT prison_number FROM prison_details LIMIT 1").fetchone()
    # Whole names: a short one could turn up in 3 MB of ciphertext by chance.
    for secret in ["HMP Northfield", f"{given} {family}", prison_number, "Demo Administrator"]:
        for form in (secret.encode(), secret.encode("utf-16-le")):
            assert form not in data, f"{secret!r} is readable in the backup"


def test_restore_puts_the_store_back_as_it_was(demo_dir: Path, demo_backup: Path) -> None:
    backup = demo_backup  # made from this very store, before the change below
    added = run_as(
        demo_dir,
        DEMO_USER,
        "user",
        "add",
        "sam",
        "--role",
        "marker",
        secrets=(DEMO_PASSWORD, USER_PASSWORD),
    )
    assert added.code == 0, added.err
    result = run_as(demo_dir, DEMO_USER, "restore", backup)
    assert result.code == 0, result.err
    assert result.out.strip() == f"Restored the store in {demo_dir} from {backup}."
    assert not slot_opens(demo_dir, "sam", USER_PASSWORD)
    with raw_database(demo_dir) as db:
        users = {row[0] for row in db.execute("SELECT username FROM users")}
        actions = [row[0] for row in db.execute("SELECT action FROM audit_log ORDER BY sequence")]
    assert users == set(DEMO_ACCOUNTS)
    assert actions[-1] == "store.restored"
    assert "user.added" not in actions
    check = run_as(demo_dir, DEMO_USER, "check")
    assert check.code == 0, check.out
    leftovers = [p.name for p in demo_dir.iterdir() if p.name.startswith((".restore", ".replaced"))]
    assert leftovers == []


def test_restore_into_a_new_folder_as_any_account_in_the_backup(
    demo_backup: Path, tmp_path: Path
) -> None:
    folder = tmp_path / "new-pc"
    result = run_as(folder, "staff", "restore", demo_backup)
    assert result.code == 0, result.err
    assert slot_opens(folder, DEMO_USER, DEMO_PASSWORD)
    with raw_database(folder, "staff", DEMO_PASSWORD) as db:
        (cohorts,) = db.execute("SELECT count(*) FROM cohorts").fetchone()
        (restored_by,) = db.execute(
            "SELECT actor_name FROM audit_log WHERE action = 'store.restored'"
        ).fetchone()
    assert cohorts == 2
    assert restored_by == "Demo education staff"


def test_restore_needs_an_account_that_is_in_the_backup(demo_dir: Path, demo_backup: Path) -> None:
    added = run_as(
        demo_dir,
        DEMO_USER,
        "user",
        "add",
        "newcomer",
        "--role",
        "administrator",
        secrets=(DEMO_PASSWORD, USER_PASSWORD),
    )
    assert added.code == 0, added.err
    before = store_bytes(demo_dir)
    result = run_as(demo_dir, "newcomer", "restore", demo_backup, secrets=(USER_PASSWORD,))
    assert "not right for the store in this backup" in assert_failure(result)
    assert store_bytes(demo_dir) == before
