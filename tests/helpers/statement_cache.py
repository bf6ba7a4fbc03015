"""One SQLAlchemy statement cache for every store a test process opens.

SQLAlchemy compiles each statement once per engine and keeps it in that engine's cache,
keyed by the engine's dialect. The app opens one store and keeps its engine until it
locks, so that costs it once. The suite opens stores by the thousand, each with an engine
of its own, and compiling the same few hundred statements again for each one took about a
third of every exchange test's time. Every engine a test makes here shares this cache,
whose keys name the dialect by its class: all of them are the same SQLCipher dialect,
set up alike, so a statement compiled for one is the statement any other would compile.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Engine
from sqlalchemy.engine.interfaces import Dialect
from sqlalchemy.util import LRUCache

#: Far more than the distinct statements the app makes, so nothing is compiled twice.
CAPACITY = 20_000


class StatementCacheAcrossStores(LRUCache[Any, Any]):
    @staticmethod
    def _shared(key: Any) -> Any:
        if isinstance(key, tuple) and key and isinstance(key[0], Dialect):
            return (type(key[0]), *key[1:])
        return key

    def get(self, key: Any, default: Any = None) -> Any:
        return super().get(self._shared(key), default)

    def __getitem__(self, key: Any) -> Any:
        return super().__getitem__(self._shared(key))

    def __setitem__(self, key: Any, value: Any) -> None:
        super().__setitem__(self._shared(key), value)


def sharing(cache: StatementCacheAcrossStores, engine: Engine) -> Engine:
    engine.update_execution_options(compiled_cache=cache)
    return engine
