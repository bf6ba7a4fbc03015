"""Pairing and exchanging bundles from the command line, as a script does."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from pathlib import Path

import pytest

from lt_desktop.core.stores import create_store
from lt_desktop.domain.vocabulary import SiteKind
from tests.cli.support import DEMO_PASSWORD, DEMO_USER, assert_failure, run_as
from tests.helpers.cli import Result, run_cli

UNIVERSITY = "University of Eastbridge"
COORDINATOR, COORDINATOR_PASSWORD = "coord", "coordinator password"
FINGERPRINT = re.compile(r"^\d{5}( \d{5}){11}$")


def _uni(folder: Path, *args: str | Path) -> Result:
    return run_as(folder, COORDINATOR, *args, secrets=(COORDINATOR_PASSWORD,))


def _prison(folder: Path, *args: str | Path) -> Result:
    return run_as(folder, DEMO_USER, *args, secrets=(DEMO_PASSWORD,))


@pytest.fixture
def two_sites(demo_dir: Path, tmp_path: Path) -> tuple[Path, Path]:
    university = tmp_path / "university"
    create_store(
        university,
        site_name=UNIVERSITY,
        site_kind=SiteKind.UNIVERSITY,
        admin_username=COORDINATOR,
        admin_display_name="Coordinator",
        admin_password=COORDINATOR_PASSWORD,
    ).store.close()
    return demo_dir, university


def _card(folder: Path, out: Path, *, prison: bool) -> str:
    result = (_prison if prison else _uni)(folder, "site-card", "--out", out)
    assert result.code == 0, result.err
    fingerprint = result.lines[-1]
    assert FINGERPRINT.match(fingerprint), result.out
    return fingerprint


def _paired(two_sites: tuple[Path, Path], tmp_path: Path) -> tuple[Path, Path]:
    prison, university = two_sites
    fingerprint = _card(prison, tmp_path / "prison.ltsite", prison=True)
    assert (
        _uni(university, "pair", tmp_path / "prison.ltsite", "--fingerprint", fingerprint).code == 0
    )
    fingerprint = _card(university, tmp_path / "university.ltsite", prison=False)
    result = _prison(prison, "pair", tmp_path / "university.ltsite", "--fingerprint", fingerprint)
    assert result.code == 0 and f"Paired with {UNIVERSITY}" in result.out
    return prison, university


def test_a_whole_exchange_from_the_command_line(
    two_sites: tuple[Path, Path], tmp_path: Path
) -> None:
    prison, university = _paired(two_sites, tmp_path)
    bundle = tmp_path / "to-university.ltbundle"
    exported = _prison(prison, "export", "--to", UNIVERSITY, "--out", bundle)
    assert exported.code == 0 and "read back and verified" in exported.out
    inspected = _uni(university, "inspect", bundle)
    assert inspected.code == 0 and "a sound bundle from HMP Northfield" in inspected.out
    preview = _uni(university, "import", bundle, "--dry-run")
    assert preview.code == 0 and "would bring" in preview.out
    stats = _uni(university, "stats", "--json")
    assert '"people": 0' in stats.out
    taken = _uni(university, "import", bundle)
    assert taken.code == 0 and re.search(r"imported: 3\d\d\d new", taken.out), taken.out
    again = _uni(university, "import", bundle)
    assert again.code == 0 and "nothing changed" in again.out
    listed = _uni(university, "partners")
    assert "HMP Northfield  (prison, paired)" in listed.out
    back = tmp_path / "to-prison.ltbundle"
    assert _uni(university, "export", "--to", "HMP Northfield", "--out", back).code == 0
    assert _prison(prison, "import", back).code == 0


def test_a_mistyped_fingerprint_refuses_to_pair(
    two_sites: tuple[Path, Path], tmp_path: Path
) -> None:
    prison, university = two_sites
    fingerprint = _card(prison, tmp_path / "prison.ltsite", prison=True)
    digits = list(fingerprint)
    digits[0] = "1" if digits[0] != "1" else "2"
    result = _uni(university, "pair", tmp_path / "prison.ltsite", "--fingerprint", "".join(digits))
    assert "does not match" in assert_failure(result)
    assert "No paired sites" in _uni(university, "partners").out


def test_a_damaged_or_foreign_bundle_is_refused_in_one_line(
    two_sites: tuple[Path, Path], tmp_path: Path
) -> None:
    prison, university = _paired(two_sites, tmp_path)
    bundle = tmp_path / "b.ltbundle"
    assert _prison(prison, "export", "--to", UNIVERSITY, "--out", bundle).code == 0
    data = bundle.read_bytes()
    cut = tmp_path / "cut.ltbundle"
    cut.write_bytes(data[: len(data) // 2])
    assert "cut short" in assert_failure(_uni(university, "import", cut))
    flipped = tmp_path / "flipped.ltbundle"
    changed = bytearray(data)
    changed[len(changed) // 3] ^= 1
    flipped.write_bytes(bytes(changed))
    assert_failure(_uni(university, "import", flipped))
    foreign = tmp_path / "photo.ltbundle"
    foreign.write_bytes(b"\x89PNG\r\n\x1a\n" + b"\0" * 100)
    assert "not an LT Desktop bundle" in assert_failure(_uni(university, "inspect", foreign))
    # The prison cannot read what it sent to the university.
    assert_failure(_prison(prison, "import", bundle))
    assert '"people": 0' in _uni(university, "stats", "--json").out


def test_unknown_partner_and_roles(two_sites: tuple[Path, Path], tmp_path: Path) -> None:
    prison, university = _paired(two_sites, tmp_path)
    result = _prison(prison, "export", "--to", "Nowhere College", "--out", tmp_path / "x.ltbundle")
    assert "No paired site is called" in assert_failure(result)
    assert not (tmp_path / "x.ltbundle").exists()
    staff = run_as(prison, "staff", "rotate-keys", secrets=(DEMO_PASSWORD,))
    assert "does not allow you to pair" in assert_failure(staff)
    marker = run_as(
        prison,
        "marker",
        "export",
        "--to",
        UNIVERSITY,
        "--out",
        tmp_path / "m.ltbundle",
        secrets=(DEMO_PASSWORD,),
    )
    assert "does not allow you to exchange data" in assert_failure(marker)


def test_revoking_a_partner_refuses_its_bundles(
    two_sites: tuple[Path, Path], tmp_path: Path
) -> None:
    prison, university = _paired(two_sites, tmp_path)
    bundle = tmp_path / "b.ltbundle"
    assert _prison(prison, "export", "--to", UNIVERSITY, "--out", bundle).code == 0
    assert _uni(university, "revoke", "HMP Northfield").code == 0
    assert "no longer trusts" in assert_failure(_uni(university, "import", bundle))


def test_a_name_two_partners_share_is_refused_with_their_fingerprints(
    two_sites: tuple[Path, Path], tmp_path: Path
) -> None:
    """A university paired with two prisons of one name sends to neither by that name:
    it is told both fingerprints, and sends by fingerprint to the one it means."""
    first, university = _paired(two_sites, tmp_path)
    second = tmp_path / "second-prison"
    create_store(
        second,
        site_name="HMP Northfield",
        site_kind=SiteKind.PRISON,
        admin_username="warden",
        admin_display_name="Second Prison",
        admin_password="second prison password",
    ).store.close()

    def at_second(*args: str | Path) -> Result:
        return run_as(second, "warden", *args, secrets=("second prison password",))

    # A new file: the card written for the first prison is not replaced without --force.
    again = tmp_path / "university again.ltsite"
    university_fingerprint = _card(university, again, prison=False)
    answer = at_second("pair", again, "--fingerprint", university_fingerprint)
    assert answer.code == 0, answer.err

    card = at_second("site-card", "--out", tmp_path / "second.ltsite")
    assert card.code == 0, card.err
    second_fingerprint = card.lines[-1]
    paired = _uni(
        university, "pair", tmp_path / "second.ltsite", "--fingerprint", second_fingerprint
    )
    assert paired.code == 0, paired.err
    first_fingerprint = _card(first, tmp_path / "first.ltsite", prison=True)
    assert first_fingerprint != second_fingerprint

    bundle = tmp_path / "to-northfield.ltbundle"
    refused = assert_failure(_uni(university, "export", "--to", "HMP Northfield", "--out", bundle))
    assert "2 paired sites are called 'HMP Northfield'" in refused
    assert first_fingerprint in refused and second_fingerprint in refused
    assert "fingerprint of the one you mean" in refused
    assert not bundle.exists()
    assert "2 paired sites" in assert_failure(_uni(university, "revoke", "hmp northfield"))

    sent = _uni(university, "export", "--to", second_fingerprint, "--out", bundle)
    assert sent.code == 0, sent.err
    assert at_second("import", bundle).code == 0  # it was for the second prison
    assert_failure(_prison(first, "import", bundle))  # and not for the first

    # Once the first pairing is revoked, the name means the one that stands.
    assert _uni(university, "revoke", first_fingerprint).code == 0
    again = tmp_path / "again.ltbundle"
    assert _uni(university, "export", "--to", "HMP Northfield", "--out", again).code == 0
    assert at_second("import", again).code == 0


#: What each site keeps for itself: its accounts and its audit log.
_LOCAL = ("users", "audit_entries")


def _stats(folder: Path, at: Callable[..., Result]) -> dict[str, int]:
    result = at(folder, "stats", "--json")
    assert result.code == 0, result.err
    counts: dict[str, int] = json.loads(result.out)
    return counts


def test_two_prisons_from_one_demo_seed_exchange_with_one_university(
    tmp_path: Path,
) -> None:
    """`lt-desktop demo` run twice makes two prisons alike in every name, date and
    title; both pair with one university and send it everything from the command line.
    The university then holds what both bundles carried, each record apart, and lists
    no conflict."""
    prisons = [tmp_path / "first", tmp_path / "second"]
    for folder in prisons:
        made = run_cli("demo", "--data-dir", folder, timeout=600)
        assert made.code == 0, made.err
    university = tmp_path / "university"
    create_store(
        university,
        site_name=UNIVERSITY,
        site_kind=SiteKind.UNIVERSITY,
        admin_username=COORDINATOR,
        admin_display_name="Coordinator",
        admin_password=COORDINATOR_PASSWORD,
    ).store.close()
    university_fingerprint = _card(university, tmp_path / "university.ltsite", prison=False)
    for n, prison in enumerate(prisons):
        card = tmp_path / f"prison-{n}.ltsite"
        fingerprint = _card(prison, card, prison=True)
        assert _uni(university, "pair", card, "--fingerprint", fingerprint).code == 0
        paired = _prison(
            prison, "pair", tmp_path / "university.ltsite", "--fingerprint", university_fingerprint
        )
        assert paired.code == 0 and f"Paired with {UNIVERSITY}" in paired.out, paired.err
    listed = _uni(university, "partners")
    assert listed.out.count("HMP Northfield") == 2, listed.out

    before = _stats(university, _uni)
    assert not any(before[table] for table in before if table not in _LOCAL)
    held = [_stats(prison, _prison) for prison in prisons]
    assert held[0] == held[1]  # one seed: the same counts of everything
    carried = 0
    for n, prison in enumerate(prisons):
        bundle = tmp_path / f"from-prison-{n}.ltbundle"
        exported = _prison(prison, "export", "--to", UNIVERSITY, "--out", bundle)
        assert exported.code == 0, exported.err
        sent = re.search(r": ([\d,]+) record\(s\)", exported.out)
        assert sent is not None, exported.out
        records = int(sent.group(1).replace(",", ""))
        taken = _uni(university, "import", bundle)
        assert taken.code == 0, taken.err
        # Every record is new there: nothing of one prison is taken for the other's.
        assert f"imported: {records} new, 0 updated, 0 already up to date." in taken.out, taken.out
        assert "both sites" not in taken.out and "waiting" not in taken.out, taken.out
        carried += records

    after = _stats(university, _uni)
    assert sum(after[table] for table in after if table not in _LOCAL) == carried
    # Everything in a prison's partnership goes to its university, so for these the
    # university holds exactly both prisons' records.
    whole = (
        "partnerships",
        "courses",
        "cohorts",
        "sessions",
        "memberships",
        "membership_status_changes",
        "attendance_marks",
        "essays",
        "essay_marks",
        "certificates",
    )
    for table in whole:
        assert after[table] == held[0][table] + held[1][table] > 0, table
    assert after["prison_details"] == after["applications"] == 0
    assert _uni(university, "conflicts").out.strip() == "No conflicts to review."
    checked = run_cli(
        "check",
        "--data-dir",
        university,
        "--user",
        COORDINATOR,
        "--password-stdin",
        stdin=f"{COORDINATOR_PASSWORD}\n",
    )
    assert checked.code == 0, checked.out + checked.err
