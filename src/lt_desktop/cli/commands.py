"""What each ``lt-desktop`` command does. Each returns the exit status."""

from __future__ import annotations

import argparse
import json
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from lt_desktop.cli.secrets_input import SecretReader, username_from
from lt_desktop.cli.usage import UsageError
from lt_desktop.core.front_door import (
    create_store,
    has_store,
    preview_backup,
    recover_account,
    restore_and_sign_in,
    sign_in,
)
from lt_desktop.core.names import checked_name, shown
from lt_desktop.core.output_files import check_output_folder, check_output_path
from lt_desktop.core.passwords import check_password, check_username
from lt_desktop.core.services.documents.csv_exports import CsvKind
from lt_desktop.core.services.documents.graduation_lists import EventInfo
from lt_desktop.core.services.people import PersonListing
from lt_desktop.core.services.programme import CohortInfo
from lt_desktop.core.services.sync import ConflictInfo
from lt_desktop.core.workspace import Workspace
from lt_desktop.documents import printing
from lt_desktop.documents.printing import Saved
from lt_desktop.domain.errors import LtError, StoreCorrupt, StoreTooNew
from lt_desktop.domain.roles import Role
from lt_desktop.domain.vocabulary import SiteKind

if TYPE_CHECKING:
    from lt_desktop.documents.template import PaperSize

Handler = Callable[[argparse.Namespace, Path], int]


def _signed_in(args: argparse.Namespace, data_dir: Path) -> tuple[Workspace, SecretReader, str]:
    username = username_from(args.user)
    reader = SecretReader(args.password_stdin)
    password = reader.read("Password")
    return sign_in(data_dir, username, password), reader, password


def init(args: argparse.Namespace, data_dir: Path) -> int:
    admin = check_username(args.admin)
    admin_name = checked_name(args.admin_name, "The administrator's full name")
    if has_store(data_dir):
        raise LtError(f"{data_dir} already holds a store. Open it, or choose another folder.")
    password = SecretReader(args.password_stdin).read_new("Administrator's password")
    check_password(password, admin)
    created = create_store(
        data_dir,
        site_name=args.site_name.strip(),
        site_kind=SiteKind(args.site_kind),
        admin_username=admin,
        admin_display_name=admin_name or admin,
        admin_password=password,
    )
    created.store.close()
    print(f"Created a store for {args.site_name.strip()} in {data_dir}.")
    print(f"Administrator: {admin}")
    print()
    print("Recovery key (shown only now: write it down or print it, and keep it locked away):")
    print()
    print(f"    {created.recovery_key}")
    print()
    print("With it, `lt-desktop recover` sets a new password when one is forgotten.")
    return 0


def demo(args: argparse.Namespace, data_dir: Path) -> int:
    from lt_desktop.core.demo import DEMO_PASSWORD, DEMO_USERS, build_demo_store

    if args.password_stdin and not args.admin:
        raise UsageError("--password-stdin goes with --admin.")
    if args.admin:
        admin = check_username(args.admin)
        password = SecretReader(args.password_stdin).read_new("Administrator's password")
        check_password(password, admin)
    else:
        admin, password = "demo", DEMO_PASSWORD
    recovery_key = build_demo_store(
        data_dir, site_kind=SiteKind(args.site_kind), admin=admin, password=password
    )
    print(f"Created a demo store (made-up people, {args.site_kind} site) in {data_dir}.")
    if args.admin:
        print(f"Sign in as {admin} with the password you chose.")
    else:
        print(f"Sign in as {admin} with the password {password}.")
        others = ", ".join(f"{name} ({role.label.lower()})" for name, role in DEMO_USERS)
        print(f"Other demo accounts, same password: {others}.")
    print(f"Recovery key: {recovery_key}")
    return 0


def stats(args: argparse.Namespace, data_dir: Path) -> int:
    workspace, _, _ = _signed_in(args, data_dir)
    with workspace:
        counts = workspace.stats.counts()
    if args.json:
        print(json.dumps(counts, indent=2))
    else:
        width = max(len(name) for name in counts)
        for name, count in counts.items():
            print(f"{name.replace('_', ' '):<{width}}  {count:>9,}")
    return 0


def check(args: argparse.Namespace, data_dir: Path) -> int:
    username = username_from(args.user)
    password = SecretReader(args.password_stdin).read("Password")
    workspace = sign_in(data_dir, username, password, check_on_open=False)
    with workspace:
        report = workspace.maintenance.check()
    for notice in report.notices:
        print(f"Note: {notice}")
    if not report.sound:
        print(f"The store has {len(report.problems)} problem(s):")
        for problem in report.problems:
            print(f"  - {problem}")
        print("Restore the newest good backup (`lt-desktop restore FILE`) or ask for support.")
        return 1
    print(
        "The store is sound: encryption, structure and the audit log "
        f"({report.audit_entries} entries) all check out."
    )
    return 0


def diagnostics(args: argparse.Namespace, data_dir: Path) -> int:
    from lt_desktop.core.diagnostics import report_without_signing_in, save_diagnostics

    target = _output_file(args.out, "diagnostics", data_dir, force=args.force)
    if args.without_signing_in:
        save_diagnostics(
            target, report_without_signing_in(data_dir), store_root=data_dir, force=args.force
        )
        print(f"Wrote the diagnostics to {target}, without signing in: versions, the store's")
        print("files and recent errors, but no settings or counts. No personal data.")
        return 0
    try:
        workspace, _, _ = _signed_in(args, data_dir)
    except (StoreCorrupt, StoreTooNew) as error:
        # What support most needs to see: the report says why the store did not open.
        save_diagnostics(
            target,
            report_without_signing_in(data_dir, f"The store did not open: {error}"),
            store_root=data_dir,
            force=args.force,
        )
        print(f"The store did not open. Wrote the diagnostics to {target}, with why, but")
        print("without settings or counts. No personal data.")
        return 0
    with workspace:
        workspace.diagnostics.save(target, force=args.force)
    print(f"Wrote the diagnostics to {target}: versions, settings, counts and recent")
    print("errors. No personal data.")
    return 0


def user(args: argparse.Namespace, data_dir: Path) -> int:
    workspace, reader, _ = _signed_in(args, data_dir)
    with workspace:
        if args.user_command == "list":
            for account in workspace.accounts.list_accounts():
                state = "disabled" if account.disabled else "active"
                print(
                    f"{account.username:<20} {account.role.label:<16} {state:<9} "
                    f"{shown(account.display_name)}"
                )
        elif args.user_command == "add":
            password = reader.read_new(f"Password for {args.username}")
            account = workspace.accounts.add_account(
                args.username,
                display_name=args.display_name,
                role=Role(args.role),
                password=password,
            )
            print(f"Added {account.username} ({account.role.label.lower()}).")
        elif args.user_command == "disable":
            account = workspace.accounts.disable_account(args.username)
            print(f"Disabled {account.username}: the account can no longer sign in.")
            print(
                "A copy of the old key file still opens the store with that account's old "
                "password until you re-key it: `lt-desktop rekey`."
            )
    return 0


def passwd(args: argparse.Namespace, data_dir: Path) -> int:
    workspace, reader, current_password = _signed_in(args, data_dir)
    with workspace:
        new_password = reader.read_new("New password")
        workspace.accounts.change_own_password(current_password, new_password)
    print("Your password has been changed.")
    return 0


def rekey(args: argparse.Namespace, data_dir: Path) -> int:
    workspace, _, password = _signed_in(args, data_dir)
    with workspace:
        done = workspace.accounts.rekey_store(password)
    print("The store is re-encrypted under a new key. No earlier key file opens it now.")
    print("Your own password is unchanged.")
    if done.one_time_passwords:
        print()
        print("One-time passwords (shown only now: hand each over in person; each person")
        print("should change theirs with `lt-desktop passwd` when they next sign in):")
        print()
        width = max(len(name) for name in done.one_time_passwords)
        for username, one_time in done.one_time_passwords.items():
            print(f"    {username:<{width}}  {one_time}")
    print()
    print("New recovery key (shown only now: the old recovery sheet no longer works):")
    print()
    print(f"    {done.recovery_key}")
    print()
    return 0


def recover(args: argparse.Namespace, data_dir: Path) -> int:
    reader = SecretReader(args.password_stdin)
    key = reader.read("Recovery key")
    new_password = reader.read_new(f"New password for {args.user}")
    with recover_account(data_dir, key, args.user, new_password):
        pass
    print(f"{args.user} has a new password and can sign in with it.")
    return 0


def backup(args: argparse.Namespace, data_dir: Path) -> int:
    target = args.out
    if target is not None and target.is_dir():
        raise UsageError(f"{target} is a folder; give the backup file's name, or use --to-folder.")
    if target is not None:
        check_output_path(target, store_root=data_dir, force=args.force)
    elif args.to_folder is not None:
        check_output_folder(args.to_folder, store_root=data_dir)
    workspace, _, _ = _signed_in(args, data_dir)
    with workspace:
        if target is not None:
            workspace.maintenance.backup(target, force=args.force)
            print(f"Backed up to {target} and verified ({target.stat().st_size:,} bytes).")
            return 0
        done = workspace.maintenance.back_up_now(args.to_folder)
    print(f"Backed up to {done.path} and verified ({done.size:,} bytes).")
    if done.removed:
        print(f"Removed {len(done.removed)} older backup(s) of this store from {done.path.parent}.")
    return 0


def restore(args: argparse.Namespace, data_dir: Path) -> int:
    username = username_from(args.user)
    password = SecretReader(args.password_stdin).read("Password (for an account in the backup)")
    if args.check:
        preview = preview_backup(args.file, username=username, password=password)
        made = preview.made_at.astimezone()
        print(f"{args.file.name} is sound: every byte checks out, and {username} may restore it.")
        print(f"  Site:      {preview.site_name or '(not named)'}")
        print(f"  Made:      {made:%d %b %Y at %H:%M} by LT Desktop {preview.app_version}")
        for label, count in preview.counts.items():
            print(f"  {label.capitalize() + ':':<18} {count:,}")
        print("Nothing was changed. Restore it with the same command without --check.")
        return 0
    restore_and_sign_in(data_dir, args.file, username, password).close()
    print(f"Restored the store in {data_dir} from {args.file}.")
    return 0


def site_card(args: argparse.Namespace, data_dir: Path) -> int:
    target: Path = args.out
    if target.is_dir():
        raise UsageError(f"{target} is a folder; give the card file's name (e.g. site.ltsite).")
    check_output_path(target, store_root=data_dir, force=args.force)
    sheet = _output_file(args.sheet, "PDF", data_dir, force=args.force) if args.sheet else None
    workspace, _, _ = _signed_in(args, data_dir)
    with workspace:
        card, printed = workspace.sync.save_site_card(target, force=args.force)
        site = workspace.store.site
    if sheet is not None:
        from lt_desktop.documents.site_card_sheet import write_site_card_sheet
        from lt_desktop.sync.identity import read_site_card

        write_site_card_sheet(sheet, read_site_card(card), printed)
        print(f"Printed the fingerprint sheet to {args.sheet}.")
    print(f"Wrote the site card of {site.name} to {target}.")
    print("Give it to the other site, and read them this fingerprint to confirm it:")
    print(printed)
    return 0


def pair(args: argparse.Namespace, data_dir: Path) -> int:
    raw = _read_small_file(args.card, "site card")
    workspace, _, _ = _signed_in(args, data_dir)
    with workspace:
        partnership_id = None
        if args.partnership:
            partnership_id = next(
                (
                    p.id
                    for p in workspace.programme.list_partnerships()
                    if p.name.casefold() == args.partnership.strip().casefold()
                ),
                None,
            )
            if partnership_id is None:
                raise LtError(f"There is no partnership called {args.partnership!r} here.")
        partner = workspace.sync.pair(raw, args.fingerprint, partnership_id=partnership_id)
    print(f"Paired with {partner.name} ({partner.kind.label.lower()} site).")
    return 0


def partners(args: argparse.Namespace, data_dir: Path) -> int:
    workspace, _, _ = _signed_in(args, data_dir)
    with workspace:
        listed = workspace.sync.partners()
    if not listed:
        print("No paired sites yet. Exchange site cards with `lt-desktop site-card` and `pair`.")
    for partner in listed:
        state = "revoked" if partner.revoked_at else "paired"
        last = f"{partner.last_exchange_at:%d %b %Y %H:%M}" if partner.last_exchange_at else "never"
        print(f"{partner.name}  ({partner.kind.value}, {state})")
        print(f"    fingerprint {partner.fingerprint}")
        print(
            f"    last exchange {last}; sent up to bundle {partner.last_sent_sequence}, "
            f"received up to {partner.last_received_sequence}; "
            f"{partner.pending_changes:,} record(s) changed since its last acknowledgement"
        )
    return 0


def revoke(args: argparse.Namespace, data_dir: Path) -> int:
    workspace, _, _ = _signed_in(args, data_dir)
    with workspace:
        partner = workspace.sync.revoke(workspace.sync.partner_id(args.site))
    print(f"Revoked {partner.name}: nothing from it will be imported until it is paired again.")
    return 0


def rotate_keys(args: argparse.Namespace, data_dir: Path) -> int:
    workspace, _, _ = _signed_in(args, data_dir)
    with workspace:
        printed = workspace.sync.rotate_keys()
    print("This site has new keys. Send its new card to every partner to pair again.")
    print(printed)
    return 0


def export(args: argparse.Namespace, data_dir: Path) -> int:
    target: Path = args.out
    if target.is_dir():
        raise UsageError(f"{target} is a folder; give the bundle's file name.")
    check_output_path(target, store_root=data_dir, force=args.force)
    workspace, _, _ = _signed_in(args, data_dir)
    with workspace:
        result = workspace.sync.export(
            workspace.sync.partner_id(args.to), target, snapshot=args.snapshot, force=args.force
        )
    kind = "snapshot" if result.snapshot else "changes"
    removals = f" and {result.redactions:,} removal(s)" if result.redactions else ""
    print(
        f"Wrote bundle {result.sequence} ({kind}) for {result.partner} to {target}: "
        f"{sum(result.records.values()):,} record(s){removals}, {result.info.size:,} bytes, "
        "read back and verified."
    )
    return 0


def import_(args: argparse.Namespace, data_dir: Path) -> int:
    workspace, _, _ = _signed_in(args, data_dir)
    with workspace:
        result = workspace.sync.import_bundle(args.file, dry_run=args.dry_run)
    print(result.describe())
    return 0


def inspect(args: argparse.Namespace, data_dir: Path) -> int:
    workspace, _, _ = _signed_in(args, data_dir)
    with workspace:
        info = workspace.sync.inspect(args.file)
        sender = next(
            (p.name for p in workspace.sync.partners() if p.site_id == info.header.sender), "?"
        )
    header = info.header
    print(
        f"{args.file.name}: a sound bundle from {sender}, number {header.sequence} "
        f"({header.kind}), made {header.created_at:%d %b %Y %H:%M} UTC; "
        f"{info.plaintext_bytes:,} bytes of records. Nothing was imported."
    )
    return 0


def conflicts(args: argparse.Namespace, data_dir: Path) -> int:
    workspace, _, _ = _signed_in(args, data_dir)
    with workspace:
        if args.conflicts_action == "resolve":
            chosen = _numbered(workspace, args.number)
            if not chosen.choosable:
                why = (
                    f"cannot be chosen here: {chosen.state_words()}"
                    if chosen.waiting
                    else f"is settled already ({chosen.state_words()}); nothing to choose."
                )
                raise LtError(
                    f"Conflict {args.number} {why} `lt-desktop conflicts seen "
                    f"{args.number}` takes it off the list."
                )
            settled = workspace.sync.resolve_conflict(chosen.id, args.keep)
            side = settled.ours if args.keep == "ours" else settled.theirs
            print(f"Conflict {args.number} settled: {settled.title}.")
            print(f"Kept {side.site}'s version ({args.keep}). Every site takes the same in its")
            print("next exchange with this one.")
            for f in settled.fields:
                print(f"  {f.label}: {_one_line(f.now)}")
            return 0
        if args.conflicts_action == "seen":
            chosen = _numbered(workspace, args.number)
            if chosen.choosable:
                raise LtError(
                    f"Conflict {args.number} waits for a choice: `lt-desktop conflicts "
                    f"resolve {args.number} --keep ours|theirs`."
                )
            workspace.sync.mark_reviewed(chosen.id)
            print(f"Conflict {args.number} is off the list: {chosen.title}.")
            return 0
        listed = workspace.sync.conflicts(include_reviewed=args.all)
    if not listed:
        print("No conflicts to review.")
        return 0
    number = 0
    for conflict in listed:
        if conflict.reviewed_at is None:
            number += 1
            print(f"{number}. {conflict.title}")
        else:
            print(f"-  {conflict.title}")
        for f in conflict.fields:
            print(f"   {f.label}: {_one_line(f.ours)} (ours) vs {_one_line(f.theirs)} (theirs)")
        if not conflict.fields:
            print("   The two versions say the same; they differ only in who made them and when.")
        print(f"   ours:   {conflict.ours.words()}")
        print(f"   theirs: {conflict.theirs.words()}")
        print(f"   {conflict.state_words()}")
    if any(c.choosable for c in listed):
        print()
        print("Choose which version stands, at every site: lt-desktop conflicts resolve N --keep")
        print("ours|theirs (ours: the version this site held when the partner's came).")
    if any(c.reviewed_at is None and not c.choosable for c in listed):
        print()
        print("Once you have read what happened, lt-desktop conflicts seen N takes it off")
        print("the list.")
    return 0


def _numbered(workspace: Workspace, number: int) -> ConflictInfo:
    """The conflict numbered ``number`` in the list `lt-desktop conflicts` prints."""
    listed = workspace.sync.conflicts()
    if not listed:
        raise UsageError("There are no conflicts on the list.")
    if not 1 <= number <= len(listed):
        raise UsageError(
            f"There is no conflict {number}: `lt-desktop conflicts` lists "
            f"{'one' if len(listed) == 1 else f'1 to {len(listed)}'}."
        )
    return listed[number - 1]


def _one_line(text: str, limit: int = 70) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def print_(args: argparse.Namespace, data_dir: Path) -> int:
    from lt_desktop.documents.template import PaperSize

    target = _output_file(args.out, "PDF", data_dir, force=args.force)
    printer = _PRINTERS[args.print_kind]
    workspace, _, _ = _signed_in(args, data_dir)
    with workspace:
        workspace.documents.require_printing()
        saved = printer(workspace, args, target, PaperSize(args.paper))
    print(saved.message)
    return 0


def _print_certificates(
    workspace: Workspace, args: argparse.Namespace, target: Path, paper: PaperSize
) -> Saved:
    cohort = _find_cohort(workspace, args.cohort)
    return printing.save_certificates(
        workspace, cohort.id, target, paper=paper, issued_on=args.issued_on
    )


def _print_register(
    workspace: Workspace, args: argparse.Namespace, target: Path, paper: PaperSize
) -> Saved:
    cohort = _find_cohort(workspace, args.cohort)
    sessions = workspace.programme.list_sessions(cohort.id)
    chosen = next((s for s in sessions if s.week == args.week), None)
    if chosen is None:
        weeks = ", ".join(str(s.week) for s in sessions) or "none planned yet"
        raise LtError(f"{cohort.title} has no session in week {args.week} (weeks: {weeks}).")
    return printing.save_register(workspace, chosen.id, target, paper=paper)


def _print_attendance(
    workspace: Workspace, args: argparse.Namespace, target: Path, paper: PaperSize
) -> Saved:
    cohort = _find_cohort(workspace, args.cohort)
    return printing.save_attendance_summary(workspace, cohort.id, target, paper=paper)


def _print_person_attendance(
    workspace: Workspace, args: argparse.Namespace, target: Path, paper: PaperSize
) -> Saved:
    person = _find_person(workspace, args.person)
    cohort = _find_cohort(workspace, args.cohort) if args.cohort else None
    return printing.save_person_attendance(
        workspace, person.id, target, paper=paper, cohort_id=cohort.id if cohort else None
    )


def _print_guest_list(
    workspace: Workspace, args: argparse.Namespace, target: Path, paper: PaperSize
) -> Saved:
    event = _find_event(workspace, args.event)
    return printing.save_guest_list(workspace, event.id, target, paper=paper)


def _print_programme(
    workspace: Workspace, args: argparse.Namespace, target: Path, paper: PaperSize
) -> Saved:
    event = _find_event(workspace, args.event)
    return printing.save_programme(workspace, event.id, target, paper=paper)


def _print_cohort_report(
    workspace: Workspace, args: argparse.Namespace, target: Path, paper: PaperSize
) -> Saved:
    cohort = _find_cohort(workspace, args.cohort)
    return printing.save_cohort_report(workspace, cohort.id, target, paper=paper)


Printer = Callable[[Workspace, argparse.Namespace, Path, "PaperSize"], Saved]

_PRINTERS: dict[str, Printer] = {
    "certificates": _print_certificates,
    "register": _print_register,
    "attendance": _print_attendance,
    "person-attendance": _print_person_attendance,
    "guest-list": _print_guest_list,
    "programme": _print_programme,
    "cohort-report": _print_cohort_report,
}


def csv_list(args: argparse.Namespace, data_dir: Path) -> int:
    target = _output_file(args.out, "CSV", data_dir, force=args.force)
    kind = CsvKind(args.kind)
    workspace, _, _ = _signed_in(args, data_dir)
    with workspace:
        workspace.documents.require_printing()
        cohort = _find_cohort(workspace, args.cohort) if args.cohort else None
        saved = printing.save_list(
            workspace,
            kind,
            target,
            cohort_id=cohort.id if cohort else None,
            cohort_title=cohort.title if cohort else "",
            force=args.force,
        )
    print(saved.message)
    return 0


def _output_file(target: Path, what: str, data_dir: Path, *, force: bool) -> Path:
    """``target`` checked before anyone is asked for a password: a file's name in a
    folder that exists, outside the store folder, and new unless ``force``."""
    if target.is_dir():
        raise UsageError(f"{target} is a folder; give the {what} file's name.")
    if not target.parent.is_dir():
        raise LtError(f"The folder {target.parent} does not exist.")
    return check_output_path(target, store_root=data_dir, force=force)


def _plain(text: str) -> str:
    """Text as people type it: any dash is a hyphen, case and spacing do not matter."""
    for dash in "\u2010\u2011\u2012\u2013\u2014\u2212":
        text = text.replace(dash, "-")
    return " ".join(text.casefold().split())


def _pick(text: str, what: str, named: dict[str, list[str]], *, plural: str = "") -> str:
    """The one key whose names match ``text``: exactly if any does, else in part."""
    wanted = _plain(text)
    exact = [key for key, names in named.items() if wanted in map(_plain, names)]
    matches = exact or [
        key for key, names in named.items() if any(wanted in _plain(n) for n in names)
    ]
    if len(matches) == 1:
        return matches[0]
    if not matches:
        raise LtError(f"There is no {what} called {text!r} that you can see.")
    shown = "; ".join(named[key][-1] for key in matches[:5])
    more = f" and {len(matches) - 5} more" if len(matches) > 5 else ""
    raise LtError(
        f"{text!r} matches {len(matches)} {plural or what + 's'} ({shown}{more}); "
        "give more of the name."
    )


def _find_cohort(workspace: Workspace, text: str) -> CohortInfo:
    cohorts = {str(c.id): c for c in workspace.programme.list_cohorts()}
    key = _pick(text, "cohort", {k: [c.name, c.title] for k, c in cohorts.items()})
    return cohorts[key]


def _find_person(workspace: Workspace, text: str) -> PersonListing:
    people = {str(p.id): p for p in workspace.people.list_people()}
    key = _pick(
        text,
        "person",
        {k: [p.sort_name, p.display_name] for k, p in people.items()},
        plural="people",
    )
    return people[key]


def _find_event(workspace: Workspace, text: str | None) -> EventInfo:
    events = {str(e.id): e for e in workspace.documents.list_events()}
    if text is None:
        if len(events) == 1:
            return next(iter(events.values()))
        if not events:
            raise LtError("There is no graduation here yet that you can see.")
        titles = "; ".join(e.title for e in events.values())
        raise UsageError(f"There are several graduations ({titles}); choose one with --event.")
    return events[_pick(text, "graduation", {k: [e.title] for k, e in events.items()})]


def person(args: argparse.Namespace, data_dir: Path) -> int:
    workspace, _, _ = _signed_in(args, data_dir)
    with workspace:
        people = workspace.people
        action = args.person_command
        if action == "transfers":
            for t in people.transfers(arriving_only=args.arriving):
                taken = f", taken on {t.taken_on:%d %b %Y}" if t.taken_on else ""
                print(
                    f"{t.person_id}  {t.person_name}: to {t.to_name} on "
                    f"{t.transferred_on:%d %b %Y}{taken}"
                )
            return 0
        if action == "merge":
            keep, merge = _person_id(workspace, args.keep), _person_id(workspace, args.merge)
            preview = people.preview_merge(keep, merge)
            if args.preview:
                print("Keep:")
                print("\n".join(preview.keep.describe()))
                print("Merge into it:")
                print("\n".join(preview.merge.describe()))
                if preview.shared_cohorts:
                    print("Both in: " + ", ".join(preview.shared_cohorts) + " (one place each)")
                print("Nothing was changed; give --yes to merge them.")
                return 0
            survivor = people.merge_people(keep, merge)
            print(
                f"{preview.merge.name} merged into {preview.keep.name} (record {survivor}); "
                "every site makes the same one record when the merge reaches it."
            )
            return 0
        person_id = _person_id(workspace, args.person)
        if action == "transfer":
            t = people.transfer(person_id, to=args.to, on=args.on, reason=args.reason)
            print(
                f"{t.person_name} transferred to {t.to_name} on {t.transferred_on:%d %b %Y}; "
                "their course record stays here and goes on with the next exchange."
            )
        elif action == "take-on":
            cohort = _find_cohort(workspace, args.cohort)
            t = people.take_on(person_id, cohort.id, on=args.on)
            print(f"{t.person_name} taken on in {cohort.name}.")
        else:
            ended = people.release(person_id, on=args.on, reason=args.reason)
            print(f"Released: {_count(ended, 'place')} ended; the course record stays.")
        return 0


def _person_id(workspace: Workspace, text: str) -> uuid.UUID:
    try:
        return uuid.UUID(text.strip())
    except ValueError:
        return _find_person(workspace, text).id


def _count(n: int, one: str, many: str = "") -> str:
    return f"{n} {one if n == 1 else many or one + 's'}"


def _read_small_file(path: Path, what: str) -> bytes:
    try:
        with open(path, "rb") as handle:
            raw = handle.read(64 * 1024 + 1)
    except OSError as error:
        raise LtError(f"The {what} {path} cannot be read: {error.strerror}.") from error
    if len(raw) > 64 * 1024:
        raise LtError(f"{path.name} is far too large to be a {what}.")
    return raw


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
}
