"""A university hub taking in a term from each of its partner prisons.

Eight prisons, each its own site running one Learning Together partnership with the
university, each with a term's records (the demo's: a finished cohort and a running
one, each of 24 learners and their staff, 10 and 12 weekly sessions with registers,
essays with first, second and agreed marks, stories, questionnaires, certificates and
a graduation), each made from its own seed and paired with one university store. The
university is the demo university, holding its own partnership with a ninth prison
that is not in the exchange, so the imports land in a store that is not empty. Each
prison writes its first bundle for the university; the university coordinator then
signs in once and takes all eight in, one after another, each bundle one transaction.

Timed: each import and the eight together, in a fresh process (``_network_child.py``),
from a copy of the university as it was once paired, several times; then once more
under tracemalloc for the peak of Python allocations. Checked on every run: the
university's records, table by table (removed ones too), after the imports are exactly
those before plus what the eight bundles carried (read from the bundles themselves,
outside the timing), and each import added every record its bundle carried, with
nothing waiting and no conflict.

    .venv/bin/python benchmarks/run.py network               # 8 prisons, 3 runs
    .venv/bin/python benchmarks/run.py network --quick       # 3 prisons, 1 run
    .venv/bin/python benchmarks/run.py network --cache DIR   # build once, reuse later

Setting up (nine demo stores, pairing, eight exports) takes about half a minute here,
as long as the timed runs. ``--cache DIR`` keeps what was built (the paired
university, the bundles and what they carry) in DIR and uses it again while the seed,
the number of prisons, the demo's day and the version match. Stores are made with
cheap key slots (``LT_DESKTOP_TEST_KDF=cheap`` while they are built): unlocking is not
what is timed.

Prints a table and writes the figures to ``benchmarks/results/network-latest.json``.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from sqlalchemy import func, select, update

from lt_desktop import __version__
from lt_desktop.core.demo import DEMO_PASSWORD, build_demo_store, demo_today
from lt_desktop.core.sign_in import sign_in
from lt_desktop.domain.vocabulary import SiteKind
from lt_desktop.storage import models as m
from lt_desktop.storage.database import INCLUDE_DELETED
from lt_desktop.storage.kdf import TEST_KDF_SETTING
from lt_desktop.sync import exchange
from lt_desktop.sync.records import Incoming, decode_lines, synced_models
from sync_bench import (
    Login,
    _load_average,
    _machine,
    _mib,
    _pair,
    _print_rows,
    _progress,
    _seconds,
    _spread,
    _write_json,
)

HERE = Path(__file__).resolve().parent
RESULTS = HERE / "results"
CHILD = HERE / "_network_child.py"
UNIVERSITY = "University of Eastbridge"
PASSWORD = "benchmark password"
DEFAULT_SEED = 2015
PRISONS = (
    "HMP Northfield",
    "HMP Ashworth Vale",
    "HMP Brackenbury",
    "HMP Calder Moor",
    "HMP Dunmore",
    "HMP Elmstead",
    "HMP Fenwick",
    "HMP Greyfriars",
)
#: The university's own partnership before the exchange, with a prison not in it.
OWN_PARTNER = "HMP Wrexford"
QUICK_PRISONS = 3
SETUP_FILE = "setup.json"


def main(argv: list[str] | None = None) -> int:
    args = _arguments(argv)
    prisons = QUICK_PRISONS if args.quick else len(PRISONS)
    runs = args.runs or (1 if args.quick else 3)
    results: dict[str, Any] = {
        "format": 1,
        "mode": "quick" if args.quick else "full",
        "recorded_at": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
        "seed": args.seed,
        "machine": _machine(),
        "prisons": prisons,
    }
    with tempfile.TemporaryDirectory(prefix="lt-network-bench-", dir=args.workdir) as scratch:
        work = Path(scratch)
        folder = args.cache or work / "setup"
        setup = _cached_setup(folder, prisons, args.seed)
        if setup is None:
            setup = _build_setup(folder, prisons, args.seed)
        else:
            _progress(f"using the setup built in {folder} ({_seconds(setup['setup_seconds'])})")
        results["setup"] = setup
        university = Login(folder / "university", "coordinator", PASSWORD)
        bundles = [folder / "bundles" / b["file"] for b in setup["bundles"]]
        carried = Counter(setup["carried"])

        copy = work / "university-run"
        shutil.copytree(university.folder, copy, ignore=shutil.ignore_patterns("store.lock"))
        before = _held(Login(copy, university.username, university.password))
        shutil.rmtree(copy)

        def take_in(*flags: str) -> dict[str, Any]:
            shutil.copytree(university.folder, copy, ignore=shutil.ignore_patterns("store.lock"))
            try:
                run = _child(Login(copy, university.username, university.password), bundles, *flags)
                after = _held(Login(copy, university.username, university.password))
            finally:
                shutil.rmtree(copy, ignore_errors=True)
            _check(run, setup["bundles"], before, carried, after)
            run["after"] = dict(after)
            return run

        timed = []
        for n in range(runs):
            _progress(f"taking in {prisons} bundles at the university, run {n + 1} of {runs}")
            timed.append(take_in())
        _progress("taking them in under tracemalloc")
        traced = take_in("--trace")
    results["before"] = dict(before)
    results["after"] = timed[0]["after"]
    results["carried"] = dict(carried)
    results["adds_up"] = True  # _check has raised otherwise
    results["total_seconds"] = _spread([run["seconds"] for run in timed])
    results["per_bundle"] = [
        {
            **{k: v for k, v in made.items() if k != "carried"},
            "records_carried": sum(made["carried"].values()),
            "seconds": _spread([run["bundles"][i]["seconds"] for run in timed]),
        }
        for i, made in enumerate(setup["bundles"])
    ]
    results["rss_signed_in_bytes"] = max(run["rss_signed_in_bytes"] or 0 for run in timed)
    results["peak_rss_bytes"] = max(run["peak_rss_bytes"] for run in timed)
    results["peak_rss_is_of_the_work"] = all(run["peak_rss_is_of_the_work"] for run in timed)
    results["tracemalloc_peak_bytes"] = traced["tracemalloc_peak_bytes"]
    results["seconds_under_tracemalloc"] = traced["seconds"]
    results["machine"]["load_average_after"] = _load_average()
    _print_table(results)
    output = args.output or RESULTS / "network-latest.json"
    _write_json(output, results)
    print(f"\nwritten to {output}")
    return 0


def _arguments(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--quick", action="store_true", help=f"{QUICK_PRISONS} prisons, one run")
    parser.add_argument("--runs", type=int, help="timed runs of the imports (3)")
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED, help="the first prison's seed")
    parser.add_argument("--output", type=Path, help="where to write the JSON figures")
    parser.add_argument("--workdir", type=Path, help="where to copy the university for each run")
    parser.add_argument("--cache", type=Path, help="keep the built setup here and use it again")
    args, _ = parser.parse_known_args(argv)
    return args


# -- setting up: eight prisons, one university, eight bundles -------------------------------------


def _setup_key(prisons: int, seed: int) -> dict[str, Any]:
    return {
        "prisons": prisons,
        "seed": seed,
        "demo_today": demo_today().isoformat(),
        "lt_desktop": __version__,
    }


def _cached_setup(folder: Path, prisons: int, seed: int) -> dict[str, Any] | None:
    try:
        setup: dict[str, Any] = json.loads((folder / SETUP_FILE).read_text())
    except (OSError, ValueError):
        return None
    return setup if setup.get("key") == _setup_key(prisons, seed) else None


def _build_setup(folder: Path, prisons: int, seed: int) -> dict[str, Any]:
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    (folder / "bundles").mkdir()
    started = time.perf_counter()
    _progress(f"building {UNIVERSITY} (the demo, seed {seed - 1})")
    university = _university(folder / "university", seed - 1)
    made: list[dict[str, Any]] = []
    build_seconds = 0.0
    for n, name in enumerate(PRISONS[:prisons]):
        _progress(f"building {name} (the demo, seed {seed + n})")
        began = time.perf_counter()
        prison = _prison(folder / f"prison-{n + 1}", name, seed + n)
        build_seconds += time.perf_counter() - began
        _pair(prison, university)
        with sign_in(prison.folder, prison.username, prison.password) as workspace:
            target = folder / "bundles" / f"{n + 1:02d} {name}.ltbundle"
            exported = workspace.sync.export(workspace.sync.partner_id(UNIVERSITY), target)
        made.append(
            {
                "prison": name,
                "file": target.name,
                "bytes": exported.info.size,
                "plaintext_bytes": exported.info.plaintext_bytes,
                "records": exported.total,
            }
        )
    _progress("reading what each bundle carries, as the university reads it")
    reader = folder / "university-reader"
    shutil.copytree(university.folder, reader, ignore=shutil.ignore_patterns("store.lock"))
    carried: Counter[str] = Counter()
    for bundle in made:
        bundle["carried"] = dict(
            _carried(
                Login(reader, university.username, PASSWORD), folder / "bundles" / bundle["file"]
            )
        )
        carried.update(bundle["carried"])
    shutil.rmtree(reader)
    setup: dict[str, Any] = {
        "key": _setup_key(prisons, seed),
        "setup_seconds": time.perf_counter() - started,
        "prison_build_seconds": build_seconds,
        "bundles": made,
        "carried": dict(carried),
    }
    (folder / SETUP_FILE).write_text(json.dumps(setup, indent=2) + "\n")
    _progress(f"set up in {_seconds(setup['setup_seconds'])}")
    return setup


@contextlib.contextmanager
def _cheap_key_slots() -> Iterator[None]:
    """Cheap key slots while stores are made (the demo takes the setting, as tests do)."""
    before = os.environ.get(TEST_KDF_SETTING)
    os.environ[TEST_KDF_SETTING] = "cheap"
    try:
        yield
    finally:
        if before is None:
            os.environ.pop(TEST_KDF_SETTING, None)
        else:
            os.environ[TEST_KDF_SETTING] = before


def _prison(folder: Path, name: str, seed: int) -> Login:
    """The demo prison from ``seed``, renamed: its site and its partnership name it."""
    with _cheap_key_slots():
        build_demo_store(folder, seed=seed)
    login = Login(folder, "demo", DEMO_PASSWORD)
    place = name.removeprefix("HMP ")
    with sign_in(folder, login.username, login.password) as workspace:
        with workspace.store.write() as session:
            session.execute(update(m.Site).where(m.Site.is_local).values(name=name))
            for partnership in session.scalars(select(m.Partnership)):
                partnership.prison_name = name
                partnership.name = f"{place} and Eastbridge Learning Together"
    return login


def _university(folder: Path, seed: int) -> Login:
    """The demo university: its own records from a partnership with a prison outside
    this exchange (one not sending bundles), so the imports land in a store that is
    not empty."""
    with _cheap_key_slots():
        build_demo_store(
            folder, site_kind=SiteKind.UNIVERSITY, admin="coordinator", password=PASSWORD, seed=seed
        )
    login = Login(folder, "coordinator", PASSWORD)
    place = OWN_PARTNER.removeprefix("HMP ")
    with sign_in(folder, login.username, login.password) as workspace:
        with workspace.store.write() as session:
            for partnership in session.scalars(select(m.Partnership)):
                partnership.prison_name = OWN_PARTNER
                partnership.name = f"{place} and Eastbridge Learning Together"
    return login


def _carried(reader: Login, bundle: Path) -> Counter[str]:
    """The records a bundle holds, by table, as the university reads them."""
    with sign_in(reader.folder, reader.username, reader.password) as workspace:
        with workspace.store.read() as session:
            opened = exchange.open_incoming(session, workspace.store, bundle)
            return Counter(
                line.table for line in decode_lines(opened.chunks()) if isinstance(line, Incoming)
            )


def _held(site: Login) -> Counter[str]:
    """Every record the site holds, removed ones too, by table."""
    with sign_in(site.folder, site.username, site.password) as workspace:
        with workspace.store.read() as session:
            return Counter(
                {
                    table: session.scalar(
                        select(func.count())
                        .select_from(model)
                        .execution_options(**{INCLUDE_DELETED: True})
                    )
                    or 0
                    for table, model in synced_models().items()
                }
            )


def _check(
    run: dict[str, Any],
    made: list[dict[str, Any]],
    before: Counter[str],
    carried: Counter[str],
    after: Counter[str],
) -> None:
    """After = before + what the bundles carried, table by table; each import added all
    its bundle carried, with nothing waiting and no conflict."""
    tables = set(before) | set(after) | set(carried)
    wrong = {
        t: (before[t], carried[t], after[t]) for t in tables if after[t] != before[t] + carried[t]
    }
    if wrong:
        raise SystemExit(
            f"the university's records do not add up (before, carried, after): {wrong}"
        )
    for bundle, taken in zip(made, run["bundles"], strict=True):
        problems = {
            k: taken[k]
            for k in ("updated", "kept_ours", "missing_links", "still_waiting", "conflicts")
            if taken[k]
        }
        if Counter(taken["added"]) != Counter(bundle["carried"]) or problems:
            raise SystemExit(f"{bundle['prison']}: not all taken in as added: {taken}")


def _child(login: Login, bundles: list[Path], *flags: str) -> dict[str, Any]:
    command = [sys.executable, str(CHILD), str(login.folder), login.username, login.password]
    completed = subprocess.run(
        [*command, *map(str, bundles), *flags],
        capture_output=True,
        text=True,
        cwd=HERE,
        env=dict(os.environ),
    )
    if completed.returncode != 0:
        raise SystemExit(f"the imports failed:\n{completed.stderr}")
    result: dict[str, Any] = json.loads(completed.stdout.strip().splitlines()[-1])
    return result


# -- reporting ---------------------------------------------------------------------------------


def _print_table(results: dict[str, Any]) -> None:
    machine = results["machine"]
    setup = results["setup"]
    print()
    print(
        f"LT Desktop: a university taking in a term from {results['prisons']} prisons, "
        f"{results['mode']}: {machine['cpu_count']} CPUs, Python {machine['python']}, "
        f"load {machine['load_average_before']} before, {machine['load_average_after']} after"
    )
    print(
        f"setup {_seconds(setup['setup_seconds'])} (building the prisons "
        f"{_seconds(setup['prison_build_seconds'])})"
    )
    rows = [["bundle", "records", "on disk", "lines", "import median", "min", "max"]]
    for bundle in results["per_bundle"]:
        spread = bundle["seconds"]
        rows.append(
            [
                bundle["prison"],
                f"{bundle['records_carried']:,}",
                _mib(bundle["bytes"]),
                _mib(bundle["plaintext_bytes"]),
                _seconds(spread["median"]),
                _seconds(spread["min"]),
                _seconds(spread["max"]),
            ]
        )
    total = results["total_seconds"]
    rows.append(
        [
            "all, one after another",
            f"{sum(results['carried'].values()):,}",
            _mib(sum(b["bytes"] for b in results["per_bundle"])),
            _mib(sum(b["plaintext_bytes"] for b in results["per_bundle"])),
            _seconds(total["median"]),
            _seconds(total["min"]),
            _seconds(total["max"]),
        ]
    )
    _print_rows(rows)
    print(
        f"  resident: {_mib(results['rss_signed_in_bytes'])} signed in, "
        f"{_mib(results['peak_rss_bytes'])} at the peak; peak of Python allocations "
        f"{_mib(results['tracemalloc_peak_bytes'])}"
    )
    before, carried, after = results["before"], Counter(results["carried"]), results["after"]
    print("\nthe university's records (removed ones too), before and after:")
    rows = [["table", "before", "carried", "after"]]
    for table in sorted(set(before) | set(carried) | set(after)):
        if before.get(table) or carried[table] or after.get(table):
            rows.append(
                [
                    table,
                    f"{before.get(table, 0):,}",
                    f"{carried[table]:,}",
                    f"{after.get(table, 0):,}",
                ]
            )
    rows.append(
        [
            "total",
            f"{sum(before.values()):,}",
            f"{sum(carried.values()):,}",
            f"{sum(after.values()):,}",
        ]
    )
    _print_rows(rows)
    print("  after = before + carried, table by table: " + ("yes" if results["adds_up"] else "NO"))


if __name__ == "__main__":
    raise SystemExit(main())
