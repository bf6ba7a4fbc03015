"""Shared fixtures: every test gets its own real encrypted store on disk.

Stores made here use cheap key-derivation settings (the explicit test setting);
the tests marked ``slow`` prove the real ones.
"""

from __future__ import annotations

import gc
import os
import shutil
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from sqlalchemy import Engine

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ["LT_DESKTOP_TEST_KDF"] = "cheap"
# Demo stores are made for one fixed day, so every run on any date sees the same store.
os.environ["LT_DESKTOP_DEMO_TODAY"] = "2026-11-23"
os.environ.pop("LT_DESKTOP_DATA", None)
os.environ.pop("LT_DESKTOP_USER", None)

from hypothesis import settings  # noqa: E402

from lt_desktop.core.demo import build_demo_store  # noqa: E402
from lt_desktop.core.logs import stop_logging  # noqa: E402
from lt_desktop.core.sign_in import sign_in  # noqa: E402
from lt_desktop.core.workspace import Workspace  # noqa: E402
from lt_desktop.domain.vocabulary import SiteKind  # noqa: E402
from lt_desktop.storage import creation as store_module  # noqa: E402
from lt_desktop.storage import database, rekey, store  # noqa: E402
from tests.helpers import schema_template, statement_cache  # noqa: E402
from tests.helpers.stores import ADMIN, ADMIN_PASSWORD, new_store  # noqa: E402


def pytest_collection_finish(session: pytest.Session) -> None:
    """What every test shares (the modules, the tests themselves) is put beyond the
    cycle collector: a window that shuts down collects every generation, and going
    through all of it each time took a fifth of a window test's time."""
    gc.collect()
    gc.freeze()


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """The longest tests start first, so no worker is left running one alone while the
    others have finished."""
    items.sort(key=lambda item: item.get_closest_marker("long") is None)


@pytest.fixture(autouse=True, scope="session")
def _one_statement_cache_for_every_store() -> Iterator[None]:
    """Every store opened in this process compiles its statements into one cache
    (``helpers/statement_cache.py``), not a cache of its own for each engine."""
    cache = statement_cache.StatementCacheAcrossStores(statement_cache.CAPACITY)
    made = database.create_store_engine

    def with_the_shared_cache(db_path: Path, data_key: bytes) -> Engine:
        return statement_cache.sharing(cache, made(db_path, data_key))

    with pytest.MonkeyPatch.context() as patch:
        for module in (store_module, rekey, store):
            patch.setattr(module, "create_store_engine", with_the_shared_cache)
        yield


@pytest.fixture(autouse=True, scope="session")
def _new_stores_take_the_migrated_schema() -> Iterator[None]:
    """A store made in a test is given the schema the migrations made once in this
    process, instead of running every migration again (``helpers/schema_template.py``)."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(store_module, "upgrade_to_head", schema_template.upgrade_to_head)
        yield


@pytest.fixture(autouse=True)
def _own_settings_folder(
    tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    """What the app keeps in the computer user's own settings (a remembered user name)
    goes to a folder of the test's own, never to the profile of whoever runs the tests."""
    monkeypatch.setenv("LT_DESKTOP_SETTINGS", str(tmp_path_factory.mktemp("own-settings")))


@pytest.fixture(autouse=True)
def _cycle_collector_given_back() -> Iterator[None]:
    """The app's window turns Python's automatic cycle collection off while it runs and
    gives it back when it shuts down (``ui/garbage.py``). A test that leaves a window
    without shutting it down would leave collection off for every later test in its
    process: garbage from hundreds of tests then piles up, and the one collection at
    the end takes minutes. Each test starts and ends with collection on."""
    yield
    if not gc.isenabled():
        gc.enable()
        gc.collect()


@dataclass
class FileChoosers:
    """What the app asked the computer's file chooser, answered as Cancel.

    The platform's own chooser may be a separate program reached over D-Bus, which
    no test can press Cancel on; a test that wants a file chosen says which, with
    ``monkeypatch``, and everything else is told the person cancelled."""

    asked: list[str] = field(default_factory=list)


@pytest.fixture(autouse=True)
def file_choosers(monkeypatch: pytest.MonkeyPatch) -> FileChoosers:
    choosers = FileChoosers()
    if "PySide6.QtWidgets" not in sys.modules:
        return choosers  # a test of the core, which never loads Qt
    from PySide6.QtWidgets import QFileDialog

    def cancelled(answer: object) -> Callable[..., object]:
        def ask(*args: object, **kwargs: object) -> object:
            caption = kwargs.get("caption", args[1] if len(args) > 1 else "")
            choosers.asked.append(str(caption))
            return answer

        return ask

    for name in ("getOpenFileName", "getSaveFileName"):
        monkeypatch.setattr(QFileDialog, name, cancelled(("", "")))
    monkeypatch.setattr(QFileDialog, "getExistingDirectory", cancelled(""))
    return choosers


# Speed is measured in benchmarks/, not here: an example that runs slowly while the
# other test process is busy is not a failure.
settings.register_profile("suite", deadline=None)
settings.load_profile("suite")


@pytest.fixture(autouse=True)
def _no_log_file_left_open() -> Iterator[None]:
    yield
    stop_logging()


@pytest.fixture
def store_dir(tmp_path: Path) -> Path:
    return tmp_path / "store"


@pytest.fixture
def workspace(store_dir: Path) -> Iterator[Workspace]:
    """An administrator signed in to a new, empty prison-site store."""
    new_store(store_dir).close()
    with sign_in(store_dir, ADMIN, ADMIN_PASSWORD) as signed_in:
        yield signed_in


@pytest.fixture(scope="session")
def _demo_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("demo-template") / "store"
    build_demo_store(folder, site_kind=SiteKind.PRISON)
    return folder


@pytest.fixture
def demo_dir(_demo_template: Path, tmp_path: Path) -> Path:
    """A private copy of the demo store (sign in as demo/demo)."""
    target = tmp_path / "demo"
    shutil.copytree(_demo_template, target, ignore=shutil.ignore_patterns("store.lock", "logs"))
    return target


@pytest.fixture
def demo(demo_dir: Path) -> Iterator[Workspace]:
    with sign_in(demo_dir, "demo", "demo") as signed_in:
        yield signed_in
