"""`lt-desktop conflicts`: records changed at two sites at once, listed in their own
words and numbered; `conflicts resolve N --keep ours|theirs` chooses which version
stands at every site, and `conflicts seen N` takes news of a replaced change off the
list. Run in this process through ``main`` over real stores exchanging real bundles."""

from __future__ import annotations

import io
import logging
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from lt_desktop.cli.main import main
from lt_desktop.core.logs import stop_logging
from lt_desktop.domain.vocabulary import AttendanceStatus
from tests.helpers.cli import Result
from tests.helpers.sites import Site
from tests.sync.conflict_sites import (
    LAPTOP,
    PRISON,
    WEEK_ONE,
    Sites,
    clash_over_week_one,
    held_mark,
    three_sites,
)


@pytest.fixture(scope="module")
def _template(tmp_path_factory: pytest.TempPathFactory) -> Sites:
    return three_sites(tmp_path_factory.mktemp("conflict-commands"))


@pytest.fixture
def sites(_template: Sites, tmp_path: Path) -> Sites:
    copied = _template.copy(tmp_path)
    clash_over_week_one(copied)
    return copied


Cli = Callable[..., Result]


@pytest.fixture
def run(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> Cli:
    level = logging.getLogger().level

    def command(site: Site, *args: str | Path) -> Result:
        """``lt-desktop ARGS`` at ``site``, signed in with the password on standard input."""
        monkeypatch.setattr(sys, "stdin", io.StringIO(f"{site.password}\n"))
        argv = [*map(str, args), "--data-dir", str(site.folder), "--user", site.username]
        try:
            code = main([*argv, "--password-stdin"])
        except SystemExit as exit_:  # the command was misused: argparse has its say
            code = int(exit_.code or 0)
        finally:
            stop_logging()
            logging.getLogger().setLevel(level)
        out, err = capsys.readouterr()
        return Result(code, out, err)

    return command


def test_conflicts_are_listed_in_words_and_one_is_chosen_by_number(sites: Sites, run: Cli) -> None:
    listed = run(sites.laptop, "conflicts")
    assert listed.code == 0, listed.err
    lines = listed.lines
    assert lines[0] == f"1. {WEEK_ONE}"
    assert "   Mark: Late (ours) vs Absent (theirs)" in lines
    assert "   Reason: (empty) (ours) vs Illness (theirs)" in lines
    assert any(line.startswith(f"   ours:   {LAPTOP}, by Laptop, ") for line in lines)
    assert any(line.startswith(f"   theirs: {PRISON}, by Education, ") for line in lines)
    assert f"   Kept {LAPTOP}'s version for now; waiting for a choice." in lines
    assert "lt-desktop conflicts resolve N --keep" in listed.out

    for wrong in ("2", "0"):
        refused = run(sites.laptop, "conflicts", "resolve", wrong, "--keep", "theirs")
        assert refused.code == 2
        assert f"There is no conflict {wrong}: `lt-desktop conflicts` lists one." in refused.err
    misused = run(sites.laptop, "conflicts", "resolve", "1", "--keep", "mine")
    assert misused.code == 2 and "invalid choice: 'mine'" in misused.err
    assert run(sites.laptop, "conflicts").lines[0] == f"1. {WEEK_ONE}"  # still waiting

    chosen = run(sites.laptop, "conflicts", "resolve", "1", "--keep", "theirs")
    assert chosen.code == 0, chosen.err
    assert chosen.lines[0] == f"Conflict 1 settled: {WEEK_ONE}."
    assert chosen.lines[1].startswith(f"Kept {PRISON}'s version (theirs).")
    assert "  Mark: Absent" in chosen.lines and "  Reason: Illness" in chosen.lines
    assert run(sites.laptop, "conflicts").out == "No conflicts to review.\n"
    history = run(sites.laptop, "conflicts", "--all")
    assert history.lines[0] == f"-  {WEEK_ONE}" and f"   Settled at {LAPTOP}." in history.lines
    assert "resolve N" not in history.out

    # The choice travels: the prison ends with the same mark and nothing to review.
    sites.carry(sites.laptop, sites.prison)
    assert run(sites.prison, "conflicts").out == "No conflicts to review.\n"
    session_id, amir = sites.seed.sessions[0], sites.seed.people[0]
    assert held_mark(sites.prison, session_id, amir) == held_mark(sites.laptop, session_id, amir)
    assert held_mark(sites.prison, session_id, amir)[1] is AttendanceStatus.ABSENT


def test_the_site_whose_change_gave_way_reads_it_at_import_and_in_the_list(
    sites: Sites, run: Cli
) -> None:
    assert run(sites.laptop, "conflicts", "resolve", "1", "--keep", "ours").code == 0
    bundle = sites.write(sites.laptop, sites.prison)
    taken = run(sites.prison, "import", bundle)
    assert taken.code == 0, taken.err
    told = f"Your change to {WEEK_ONE} was replaced at {LAPTOP} on "
    assert told in taken.out
    assert "Mark is now Late (yours: Absent)" in taken.out

    listed = run(sites.prison, "conflicts")
    assert listed.lines[0] == f"1. {WEEK_ONE}"
    assert any(line.startswith(f"   {told}") for line in listed.lines)
    assert "resolve N" not in listed.out  # nothing waits for a choice
    refused = run(sites.prison, "conflicts", "resolve", "1", "--keep", "ours")
    assert refused.code == 1
    assert "Conflict 1 is settled already" in refused.err
    assert "`lt-desktop conflicts seen 1` takes it off the list." in refused.err
    seen = run(sites.prison, "conflicts", "seen", "1")
    assert seen.code == 0 and seen.out == f"Conflict 1 is off the list: {WEEK_ONE}.\n"
    assert run(sites.prison, "conflicts").out == "No conflicts to review.\n"


def test_seen_is_not_a_choice(sites: Sites, run: Cli) -> None:
    refused = run(sites.prison, "conflicts", "seen", "1")
    assert refused.code == 1
    assert "Conflict 1 waits for a choice: `lt-desktop conflicts resolve 1" in refused.err
    assert run(sites.prison, "conflicts").lines[0] == f"1. {WEEK_ONE}"
