"""`lt-desktop laptop`: a classroom laptop set up from the education PC's kit, registers
carried both ways with one command a side, and a lost laptop revoked. Run in this
process through ``main`` over real stores exchanging real bundles on a "stick"."""

from __future__ import annotations

import io
import logging
import re
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from lt_desktop.cli.main import main
from lt_desktop.core.logs import stop_logging
from lt_desktop.core.services.register import Mark
from lt_desktop.core.sign_in import sign_in
from lt_desktop.domain.vocabulary import AttendanceStatus
from lt_desktop.storage import models as m
from lt_desktop.storage.folder import StoreFolder
from tests.cli.support import RECOVERY_KEY
from tests.helpers.cli import Result

PASSPHRASE = re.compile(r"^    ([0-9A-Z]{4}(?:-[0-9A-Z]{4}){4})$", re.MULTILINE)
LAPTOP = "Classroom laptop 1"
USER, PASSWORD = "amina", "laptop password 1"

Cli = Callable[..., Result]


@pytest.fixture
def run(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> Cli:
    level = logging.getLogger().level

    def command(*args: str | Path, stdin: tuple[str, ...] = ("demo",)) -> Result:
        monkeypatch.setattr(sys, "stdin", io.StringIO("".join(f"{s}\n" for s in stdin)))
        try:
            code = main([*map(str, args)])
        except SystemExit as exit_:
            code = int(exit_.code or 0)
        finally:
            stop_logging()
            logging.getLogger().setLevel(level)
        out, err = capsys.readouterr()
        return Result(code, out, err)

    return command


def at_pc(run: Cli, pc: Path, user: str, *args: str | Path) -> Result:
    return run(*args, "--data-dir", pc, "--user", user, "--password-stdin")


def on_laptop(run: Cli, laptop: Path, *args: str | Path) -> Result:
    return run(*args, "--data-dir", laptop, "--user", USER, "--password-stdin", stdin=(PASSWORD,))


def _running_cohort(pc: Path) -> str:
    with sign_in(pc, "demo", "demo") as workspace:
        cohorts = sorted(workspace.programme.list_cohorts(), key=lambda c: c.starts_on)
    return cohorts[-1].name


def _mark_week_11(laptop: Path) -> int:
    with sign_in(laptop, USER, PASSWORD) as workspace, workspace.store.read() as session:
        week = session.query(m.ClassSession).filter(m.ClassSession.week == 11).one()
        week_id = week.id
    with sign_in(laptop, USER, PASSWORD) as workspace:
        return len(workspace.register.mark_everyone_present(week_id))


def _present_at_pc(pc: Path) -> int:
    with sign_in(pc, "demo", "demo") as workspace, workspace.store.read() as session:
        week = session.query(m.ClassSession).filter(m.ClassSession.week == 11).all()
        ids = [w.id for w in week]
        return (
            session.query(m.AttendanceMark)
            .filter(
                m.AttendanceMark.session_id.in_(ids),
                m.AttendanceMark.status == AttendanceStatus.PRESENT,
            )
            .count()
        )


def test_a_laptop_is_set_up_carries_registers_and_is_revoked(
    run: Cli, demo_dir: Path, tmp_path: Path
) -> None:
    pc, laptop, stick = demo_dir, tmp_path / "laptop", tmp_path / "stick"
    stick.mkdir()
    cohort = _running_cohort(pc)
    made = at_pc(
        run,
        pc,
        "staff",
        "laptop",
        "create",
        "--name",
        LAPTOP,
        "--cohort",
        cohort,
        "--folder",
        stick,
    )
    assert made.code == 0, made.err
    assert f"{LAPTOP} is set up for {cohort}." in made.out
    [passphrase] = PASSPHRASE.findall(made.out)
    [kit] = stick.glob("*.ltkit")
    assert passphrase.encode() not in kit.read_bytes()

    # A wrong passphrase: one line says so, and nothing is made.
    wrong = run(
        "laptop", "set-up", "--kit", kit, "--user", USER, "--data-dir", laptop,
        "--password-stdin", stdin=("AAAA-BBBB-CCCC-DDDD-EEEE", PASSWORD),
    )  # fmt: skip
    assert wrong.code == 1 and "passphrase does not open this kit" in wrong.err
    assert not StoreFolder(laptop).has_store() and kit.exists()

    set_up = run(
        "laptop", "set-up", "--kit", kit, "--user", USER, "--name", "Amina Yusuf",
        "--data-dir", laptop, "--password-stdin", stdin=(passphrase.lower(), PASSWORD),
    )  # fmt: skip
    assert set_up.code == 0, set_up.err
    assert f"This computer is now {LAPTOP}, a classroom laptop of HMP Northfield." in set_up.out
    assert len(RECOVERY_KEY.findall(set_up.out)) == 1
    assert not kit.exists()  # it held the laptop's keys: off the stick

    # The weekly routine: one command on the laptop, one at the PC, one on the laptop.
    marked = _mark_week_11(laptop)
    assert marked > 10
    saved = on_laptop(run, laptop, "laptop", "exchange", "--folder", stick)
    assert saved.code == 0, saved.err
    assert "There are no updates for this laptop" in saved.out
    assert "take the stick to the education PC" in saved.out
    taken = at_pc(run, pc, "facilitator", "laptop", "exchange", "--folder", stick)
    assert taken.code == 0, taken.err
    assert f"from {LAPTOP}: imported: {marked} new" in taken.out
    assert f"Wrote the updated registers for {LAPTOP}" in taken.out
    assert _present_at_pc(pc) >= marked
    back = on_laptop(run, laptop, "laptop", "exchange")  # the stick it used last time
    assert back.code == 0, back.err
    assert "from HMP Northfield: imported" in back.out

    listed = at_pc(run, pc, "staff", "laptop", "list")
    assert listed.code == 0 and f"{LAPTOP}  (in use)" in listed.out
    assert f"cohorts: {cohort}" in listed.out

    # Lost: revoked at the PC, its registers are refused.
    with sign_in(laptop, USER, PASSWORD) as workspace, workspace.store.read() as session:
        week_id = session.query(m.ClassSession).filter(m.ClassSession.week == 11).one().id
        person_id = session.query(m.AttendanceMark).filter_by(session_id=week_id).first()
        assert person_id is not None
        person = person_id.person_id
    with sign_in(laptop, USER, PASSWORD) as workspace:
        workspace.register.mark(week_id, person, Mark(AttendanceStatus.LATE))
    denied = at_pc(run, pc, "facilitator", "laptop", "revoke", LAPTOP)
    assert denied.code == 1 and "does not allow you to set up or revoke" in denied.err
    revoked = at_pc(run, pc, "staff", "laptop", "revoke", LAPTOP)
    assert revoked.code == 0 and f"Revoked {LAPTOP}" in revoked.out
    assert on_laptop(run, laptop, "laptop", "exchange").code == 0
    present = _present_at_pc(pc)
    refused = at_pc(run, pc, "facilitator", "laptop", "exchange", "--folder", stick)
    assert refused.code == 1
    assert f"{LAPTOP} was revoked on" in refused.out
    assert _present_at_pc(pc) == present
    assert f"{LAPTOP}  (revoked" in at_pc(run, pc, "staff", "laptop", "list").out


def test_a_facilitator_at_the_pc_with_no_laptop_registers_is_told(
    run: Cli, demo_dir: Path, tmp_path: Path
) -> None:
    stick = tmp_path / "stick"
    stick.mkdir()
    result = at_pc(run, demo_dir, "facilitator", "laptop", "exchange", "--folder", stick)
    assert result.code == 1
    assert "There are no registers from a classroom laptop in" in result.err
