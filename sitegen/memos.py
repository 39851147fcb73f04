"""Memos: what the render and site stages work out from an article (or an entity),
kept by a key that names all its inputs while the process runs (``Memo``, ``Kept``),
and in the cache for the next process (``Stored``, its ``memos`` table; ``Table``
for what the last build worked out per entity); and what they work out from the
whole site, the last value in the cache (``Latest``).
"""

from __future__ import annotations

import contextlib
import weakref
from collections.abc import Callable, Hashable, Iterable
from typing import Any, Generic, TypeVar

import msgspec

from .cache import BAD_VALUE, Cache, digest

V = TypeVar("V")


class Memo(Generic[V]):
    """What this process worked out from a key that names all its inputs (an
    article's key, say), kept while it runs, so a preview's rebuild reuses it;
    emptied when it holds ``limit`` values, which bounds its memory."""

    limit: int
    least: int

    def __init__(self, limit: int = 4096) -> None:
        self._values: dict[str, V] = {}
        _bound(self, limit)

    def get(self, key: str, make: Callable[[], V]) -> V:
        """The value kept for ``key``, made now if there is none; an empty key (an
        article made by hand, not by a build) names nothing and is never kept."""
        if not key:
            return make()
        found = self._values.get(key)
        if found is None:
            if len(self._values) >= self.limit:
                self._values.clear()
            found = self._values[key] = make()
        return found


_BOUNDED: list[Memo[Any] | Kept[Any]] = []
_fitted = 0
"""The number of articles of the site the memos are fitted to (``fit_memos``)."""


def fit_memos(articles: int) -> None:
    """Let every Memo and Kept hold twice as many values as a site of ``articles`` has
    articles before it is emptied (most are per article key): one smaller than the
    site would be emptied again and again in one build, working the same values out
    once per entity instead of once. (Memos by entity or by page keep their floor.)
    Memos made later (their stage's module imported when first needed) fit it too."""
    global _fitted
    _fitted = articles
    for memo in _BOUNDED:
        memo.limit = max(memo.least, 2 * articles)


def _bound(memo: Memo[Any] | Kept[Any], limit: int) -> None:
    memo.least = limit
    memo.limit = max(limit, 2 * _fitted)
    _BOUNDED.append(memo)


def empty_memos() -> None:
    """Let go of every value Memo and Kept hold (a build that is the process's last
    has no use for them once its pages are planned; store_made first)."""
    for memo in _BOUNDED:
        memo._values.clear()
    for latest in _one_row_each():
        latest._empty()


class Stored(Memo[V]):
    """A Memo whose values are also kept in the cache, for the next process: plain
    data of type ``kind`` (msgpack), by the memo's ``name`` and the key."""

    def __init__(
        self, name: str, kind: Any, limit: int = 4096, shared: Callable[[V], V] | None = None
    ) -> None:
        """``shared``: the value decoded, with the strings it repeats from others (entity
        ids) made one object with them (``sys.intern``), which a decoder cannot."""
        super().__init__(limit)
        self.name = name
        decode = msgspec.msgpack.Decoder(kind).decode
        self._decode: Callable[[bytes], V] = (
            decode if shared is None else lambda value: shared(decode(value))
        )
        self._made: set[str] = set()
        """The keys of the values made in this process and not stored yet."""
        _STORED.append(self)

    def get(self, key: str, make: Callable[[], V]) -> V:
        if key and key not in self._values:
            self._made.add(key)
        return super().get(key, make)


_STORED: list[Stored[Any]] = []
_encode = msgspec.msgpack.Encoder().encode


def load_stored(cache: Cache | None, keys: Iterable[str]) -> None:
    """Fill each Stored memo with what the cache holds for ``keys`` (article keys),
    and each Latest with the value the last process stored."""
    if cache is None:
        return
    _serve_only(cache)
    for latest in _one_row_each():
        latest._load(cache)
    wanted = [k for k in dict.fromkeys(keys) if k]
    for memo in _STORED:
        missing = [k for k in wanted if k not in memo._values]
        missing = missing[: max(0, memo.limit - len(memo._values))]
        if not missing:
            continue
        named = {_row(memo, k): k for k in missing}
        for stored, value in cache.items("memos", list(named)):
            with contextlib.suppress(*BAD_VALUE):  # else: made again
                memo._values[named[stored]] = memo._decode(value)


_site_cache: str | None = None
"""The cache the Stored memos last read from, by path."""


def _serve_only(cache: Cache) -> None:
    """Let go of what the Stored memos hold for another cache (a process building two
    sites: tests): their values were stored there, so this one would never get them."""
    global _site_cache
    if _site_cache != str(cache.path):
        for memo in _STORED:
            memo._values.clear()
            memo._made.clear()
        _site_cache = str(cache.path)


def store_made(cache: Cache | None) -> None:
    """Keep in the cache the values Stored memos made in this process, and the value
    each Latest last used."""
    for latest in _LATEST:
        if cache is not None:
            latest._store(cache)
    for table in _TABLES:
        table._store(cache)
    for memo in _STORED:
        made, memo._made = memo._made, set()
        if cache is not None:
            values = memo._values
            cache.put("memos", ((_row(memo, k), _encode(values[k])) for k in made if k in values))


def stored_rows(keys: Iterable[str]) -> list[bytes]:
    """The keys of the ``memos`` rows that Stored memos keep for these article keys."""
    return [_row(memo, k) for k in keys if k for memo in _STORED]


def latest_rows() -> list[bytes]:
    """The keys of the ``memos`` rows of the Latest values and the Tables (one each)."""
    return [_row(latest, "") for latest in _one_row_each()]


def _row(memo: Stored[Any] | Latest[Any] | Table[Any], key: str) -> bytes:
    """The key of the ``memos`` row of ``memo``'s value for the article key ``key``."""
    return digest(memo.name, key)


class Kept(Generic[V]):
    """What this process worked out from one object, kept while later calls give
    that very object (the site index hands on the entities an edit leaves alone);
    emptied when it holds ``limit`` values, which bounds its memory."""

    limit: int
    least: int

    def __init__(self, limit: int = 65536) -> None:
        self._values: dict[str, tuple[object, V]] = {}
        _bound(self, limit)

    def get(self, key: str, owner: object, make: Callable[[], V]) -> V:
        """``owner``: the object, or a tuple of the objects and plain values (tuples,
        bytes), it is worked out from."""
        kept = self._values.get(key)
        if kept is not None and _same(kept[0], owner):
            return kept[1]
        if len(self._values) >= self.limit:
            self._values.clear()
        value = make()
        self._values[key] = (owner, value)
        return value


_PLAIN = (tuple, bytes)


def _same(kept: object, owner: object) -> bool:
    """The very object, or tuples of the very objects, in which plain values (tuples
    themselves, or bytes) need only be equal."""
    if kept is owner:
        return True
    if type(kept) is not tuple or type(owner) is not tuple or len(kept) != len(owner):
        return False
    return all(k is o or (type(k) in _PLAIN and k == o) for k, o in zip(kept, owner, strict=True))


class Latest(Generic[V]):
    """What this process worked out from the whole site (each article's related
    articles): the last ``keep`` values in memory, by their inputs (the preview's
    builds alternate between two sites, with and without the article being edited),
    and the last one used in the cache, by a digest of its inputs, so a new process
    finds it when a build changed nothing it depends on. Plain data of type ``kind``."""

    def __init__(self, name: str, kind: Any, keep: int = 2) -> None:
        self.name = name
        self.keep = keep
        self._values: dict[Hashable, tuple[bytes, V]] = {}
        """By inputs: the value and the digest of the inputs."""
        self._stored: dict[bytes, V] = {}
        """The value read from the cache, by the digest of its inputs."""
        self._decode = msgspec.msgpack.Decoder(tuple[bytes, kind]).decode
        self._cache: weakref.ref[Cache] | None = None
        """The cache last looked in, and ``_held``, the digest of the value it holds."""
        self._held: bytes | None = None
        _LATEST.append(self)

    def get(self, inputs: Hashable, named: Callable[[], bytes], make: Callable[[], V]) -> V:
        """The value for ``inputs``; ``named()`` is their digest (asked only when this
        process has no value for them)."""
        found = self._values.pop(inputs, None)
        if found is None:
            key = named()
            value = self._stored.get(key)
            found = (key, make() if value is None else value)
        self._values[inputs] = found  # the last used last
        while len(self._values) > self.keep:
            del self._values[next(iter(self._values))]
        return found[1]

    def _load(self, cache: Cache) -> None:
        """The value last stored in ``cache``, looked for once per cache."""
        if self._cache is not None and self._cache() is cache:
            return
        self._cache, self._held, self._stored = weakref.ref(cache), None, {}
        for _, value in cache.items("memos", [_row(self, "")]):
            with contextlib.suppress(*BAD_VALUE):  # else: made again
                key, found = self._decode(value)
                self._stored, self._held = {key: found}, key

    def _store(self, cache: Cache) -> None:
        """Keep the value last used in ``cache``, unless it holds it already."""
        if not self._values:
            return
        key, value = next(reversed(self._values.values()))
        if self._cache is not None and self._cache() is cache and self._held == key:
            return
        cache.put("memos", [(_row(self, ""), _encode((key, value)))])
        self._cache, self._held = weakref.ref(cache), key

    def _empty(self) -> None:
        self._values.clear()
        self._stored.clear()
        self._cache = self._held = None


_LATEST: list[Latest[Any]] = []


class Table(Generic[V]):
    """What a build worked out per entity (its pages' keys), by a digest of all its
    inputs: kept while the process runs, and those of the last build in the cache,
    in one row, so a new process reuses them for the entities an edit left alone.
    Plain data of type ``kind``."""

    def __init__(self, name: str, kind: Any) -> None:
        self.name = name
        self._used: dict[str, V] = {}
        """The values this build used, stored when it is done (``store_made``)."""
        self._last: dict[str, V] = {}
        """The values the last build used: this process's, else the cache's."""
        self._decode = msgspec.msgpack.Decoder(dict[str, kind]).decode
        self._cache: str | None = None
        """The cache ``_last`` is from, by path."""
        _TABLES.append(self)

    def get(self, key: str, make: Callable[[], V]) -> V:
        """The value for ``key`` (a digest of all its inputs), made if no build had it."""
        found = self._used.get(key)
        if found is None:
            found = self._last.get(key)
            self._used[key] = found = make() if found is None else found
        return found

    def _load(self, cache: Cache) -> None:
        """The last build's values, from ``cache`` unless this process's last build
        stored them there (another cache's are let go of: what they were made with,
        stored beside them, is not in this one)."""
        if self._cache == str(cache.path):
            return
        self._cache, self._last, self._used = str(cache.path), {}, {}
        for _, value in cache.items("memos", [_row(self, "")]):
            with contextlib.suppress(*BAD_VALUE):  # else: made again
                self._last = self._decode(value)

    def _store(self, cache: Cache | None) -> None:
        """Keep this build's values (only those: the table does not grow with every
        edit of a preview), in ``cache`` unless it holds them already."""
        if not self._used:
            return
        if cache is not None and (self._cache != str(cache.path) or self._used != self._last):
            cache.put("memos", [(_row(self, ""), _encode(self._used))])
            self._cache = str(cache.path)
        self._last, self._used = self._used, {}

    def _empty(self) -> None:
        self._used.clear()
        self._last = {}
        self._cache = None


_TABLES: list[Table[Any]] = []


def _one_row_each() -> list[Latest[Any] | Table[Any]]:
    """The memos kept in one row of the cache each."""
    return [*_LATEST, *_TABLES]
