"""The one cache of things compiled from an app version (runtimes, rule sets, flow, search and report
plans, aggregate queries), keyed by (database, version id, element).

App versions are immutable, so nothing cached here goes stale; version ids are only unique within one
database, so the database is part of every key (a test run or a server may talk to several). One exception:
SQLite gives a deleted row's id to the next row when it was the highest, so code that deletes versions (a
discarded sandbox organisation) calls ``forget_versions`` or the next version published would be served
what was compiled for the deleted one. (PostgreSQL's sequences never give an id twice.)
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Hashable
from threading import Lock
from typing import Generic, TypeVar
from weakref import WeakKeyDictionary

from sqlalchemy import Connection, Engine

V = TypeVar("V")
_KEYS: WeakKeyDictionary[Engine, str] = WeakKeyDictionary()  # an engine's URL never changes


def database_key(conn: Connection) -> str:
    """Which database a connection talks to: version ids are only unique within one."""
    engine = conn.engine
    key = _KEYS.get(engine)
    if key is None:  # rendering a URL costs more than this lookup, and requests ask several times
        key = _KEYS.setdefault(engine, engine.url.render_as_string(hide_password=True))
    return key


_ALL: list[VersionCache[object]] = []


def forget_versions(db: str, version_ids: Collection[int]) -> None:
    """Drop everything compiled from these versions of database ``db``, in every cache of this process."""
    ids = set(version_ids)
    for cache in _ALL:
        with cache._lock:
            for key in [k for k in cache._items if k[0] == db and k[1] in ids]:
                del cache._items[key]


class VersionCache(Generic[V]):
    """``cache.get(db, version_id, element, build)``: the value built once per key (``build`` may run
    twice under a race; the first value stored wins, so every caller sees the same object)."""

    def __init__(self, name: str) -> None:
        self.name = name
        self._items: dict[tuple[str, int, Hashable], V] = {}
        self._lock = Lock()
        _ALL.append(self)  # type: ignore[arg-type]  # forget_versions only deletes, whatever V is

    def peek(self, db: str, version_id: int, element: Hashable = None) -> V | None:
        return self._items.get((db, version_id, element))

    def get(self, db: str, version_id: int, element: Hashable, build: Callable[[], V]) -> V:
        key = (db, version_id, element)
        if key in self._items:
            return self._items[key]
        value = build()
        with self._lock:
            return self._items.setdefault(key, value)
