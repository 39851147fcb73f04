"""The annotation cache: what spaCy found in each prose block, and each enriched
article, kept between runs in ``.sitegen-cache/cache.sqlite`` in the site folder.

SQLite in WAL mode: several builds may read and write it at once (writers wait
for each other), and a crash mid-write loses at most that write. The cache is
never trusted: a file that is not a cache, a truncated or corrupt one, or one
of another schema is reported in one line and rebuilt; an entry that does not
decode is a miss. Values are msgpack (msgspec), never pickle, so a cache file
from elsewhere (a CI cache restore) cannot run code.
"""

from __future__ import annotations

import contextlib
import hashlib
import itertools
import shutil
import sqlite3
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any, Generic, TypeVar

import msgspec

CACHE_DIR = ".sitegen-cache"
FILE = "cache.sqlite"
SCHEMA = "sitegen-cache/1"
TABLES = ("blocks", "articles", "builds", "memos")
"""``blocks``: BlockNLP by block text and NLP fingerprint; ``articles``: Article by file
content and everything enrichment depends on; ``builds``: the report of the last build
from given inputs into an output folder, so a build with nothing new does nothing;
``memos``: what the render stage works out from each article (``Stored``), so a new
process does not work it out again for every article."""
_CHUNK = 500  # keys per SELECT ... IN (...), under SQLite's variable limit


def digest(*parts: str | bytes) -> bytes:
    """A 16-byte key for ``parts`` (each part delimited, so ("ab", "c") != ("a", "bc"))."""
    h = hashlib.blake2b(digest_size=16)
    for part in parts:
        data = part.encode() if isinstance(part, str) else part
        h.update(len(data).to_bytes(8, "little"))
        h.update(data)
    return h.digest()


V = TypeVar("V")


class Memo(Generic[V]):
    """What this process worked out from a key that names all its inputs (an
    article's key, say), kept while it runs, so a preview's rebuild reuses it;
    emptied when it holds ``limit`` values, which bounds its memory."""

    def __init__(self, limit: int = 4096) -> None:
        self.limit = self.least = limit
        self._values: dict[str, V] = {}
        _BOUNDED.append(self)

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


def fit_memos(articles: int) -> None:
    """Let every Memo and Kept hold twice as many values as a site of ``articles`` has
    articles before it is emptied (most are per article key): one smaller than the
    site would be emptied again and again in one build, working the same values out
    once per entity instead of once. (Memos by entity or by page keep their floor.)"""
    for memo in _BOUNDED:
        memo.limit = max(memo.least, 2 * articles)


def empty_memos() -> None:
    """Let go of every value Memo and Kept hold (a build that is the process's last
    has no use for them once its pages are planned; store_made first)."""
    for memo in _BOUNDED:
        memo._values.clear()


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
BAD_VALUE = (msgspec.DecodeError, msgspec.ValidationError)
"""What decoding a cached value raises when it is not what it should be: a miss."""
_encode = msgspec.msgpack.Encoder().encode


def load_stored(cache: Cache | None, keys: Iterable[str]) -> None:
    """Fill each Stored memo with what the cache holds for ``keys`` (article keys)."""
    if cache is None:
        return
    wanted = [k for k in dict.fromkeys(keys) if k]
    for memo in _STORED:
        missing = [k for k in wanted if k not in memo._values]
        missing = missing[: max(0, memo.limit - len(memo._values))]
        if not missing:
            continue
        named = {digest(memo.name, k): k for k in missing}
        for stored, value in cache.items("memos", list(named)):
            with contextlib.suppress(*BAD_VALUE):  # else: made again
                memo._values[named[stored]] = memo._decode(value)


def store_made(cache: Cache | None) -> None:
    """Keep in the cache the values Stored memos made in this process."""
    for memo in _STORED:
        made, memo._made = memo._made, set()
        if cache is not None:
            values = memo._values
            cache.put(
                "memos", ((digest(memo.name, k), _encode(values[k])) for k in made if k in values)
            )


class Kept(Generic[V]):
    """What this process worked out from one object, kept while later calls give
    that very object (the site index hands on the entities an edit leaves alone);
    emptied when it holds ``limit`` values, which bounds its memory."""

    def __init__(self, limit: int = 65536) -> None:
        self.limit = self.least = limit
        self._values: dict[str, tuple[object, V]] = {}
        _BOUNDED.append(self)

    def get(self, key: str, owner: object, make: Callable[[], V]) -> V:
        """``owner``: the object, or a tuple of the objects and plain values (tuples),
        it is worked out from."""
        kept = self._values.get(key)
        if kept is not None and _same(kept[0], owner):
            return kept[1]
        if len(self._values) >= self.limit:
            self._values.clear()
        value = make()
        self._values[key] = (owner, value)
        return value


def _same(kept: object, owner: object) -> bool:
    """The very object, or tuples of the very objects, in which plain values (tuples
    themselves) need only be equal."""
    if kept is owner:
        return True
    if type(kept) is not tuple or type(owner) is not tuple or len(kept) != len(owner):
        return False
    return all(k is o or (type(k) is tuple and k == o) for k, o in zip(kept, owner, strict=True))


@dataclass(frozen=True)
class CacheStats:
    path: str
    size: int
    """Bytes on disk, the write-ahead log included."""
    entries: dict[str, int]


class Cache:
    """Key-value tables in one SQLite file, opened on first use."""

    busy_timeout = 10.0
    """Seconds to wait for another build's write before going on without the cache."""

    def __init__(self, folder: Path, notice: Callable[[str], None] = lambda _: None) -> None:
        self.folder = folder
        self.path = folder / FILE
        self._notice = notice
        self._db: sqlite3.Connection | None = None
        self._disabled = False
        self._rebuilt = False

    def get(self, table: str, keys: Sequence[bytes]) -> dict[bytes, bytes]:
        """The values found for ``keys`` (missing keys are simply absent)."""
        return dict(self.items(table, keys))

    def items(self, table: str, keys: Sequence[bytes]) -> Iterator[tuple[bytes, bytes]]:
        """(key, value) of those of ``keys`` found, read a few hundred at a time: what
        is decoded as it comes is never all in memory at once as bytes."""
        return self._select(table, "key, value", keys)

    def keys(self, table: str, keys: Sequence[bytes]) -> set[bytes]:
        """Those of ``keys`` that have a value (without reading the values)."""
        return {row[0] for row in self._select(table, "key", keys)}

    def _select(self, table: str, columns: str, keys: Sequence[bytes]) -> Iterator[Any]:
        if self._db is None and not self.path.exists():
            return  # nothing cached yet: do not make the file before anything is put
        for at in range(0, len(keys), _CHUNK):
            chunk = list(keys[at : at + _CHUNK])
            marks = ",".join("?" * len(chunk))
            yield from (
                self._run(f"SELECT {columns} FROM {table} WHERE key IN ({marks})", chunk) or ()
            )

    def put(self, table: str, items: Iterable[tuple[bytes, bytes]]) -> None:
        """Store ``items``, a transaction per _CHUNK of them: values made as they are
        stored (a generator) are never all in memory at once."""
        items = iter(items)
        while rows := list(itertools.islice(items, _CHUNK)):
            self._run(f"INSERT OR REPLACE INTO {table} (key, value) VALUES (?, ?)", rows, many=True)

    def forget(self, table: str, keys: Iterable[bytes]) -> None:
        self._run(f"DELETE FROM {table} WHERE key = ?", [(k,) for k in keys], many=True)

    def stats(self) -> CacheStats:
        entries = {}
        for table in TABLES:
            rows: list[Any] = self._run(f"SELECT count(*) FROM {table}", []) or [(0,)]
            entries[table] = int(rows[0][0])
        files = [self.path, self.path.with_name(FILE + "-wal")]
        size = sum(f.stat().st_size for f in files if f.exists())
        return CacheStats(str(self.path), size, entries)

    def clear(self) -> None:
        """Delete the cache folder and everything in it."""
        self.close()
        shutil.rmtree(self.folder, ignore_errors=True)

    def close(self) -> None:
        if self._db is not None:
            self._db.close()
            self._db = None

    def _run(
        self, sql: str, params: Sequence[Any], many: bool = False
    ) -> list[tuple[bytes, bytes]] | None:
        """Run one statement; on a broken cache, rebuild it once and retry."""
        for _ in range(2):
            db = self._open()
            if db is None:
                return None
            try:
                with db:
                    cursor = db.executemany(sql, params) if many else db.execute(sql, params)
                    return cursor.fetchall()
            except sqlite3.DatabaseError as exc:
                self._failed(exc)
        return None

    def _failed(self, exc: sqlite3.DatabaseError) -> None:
        """Another build holding the cache too long: go on without it. Anything
        else: the file is broken; rebuild it."""
        if isinstance(exc, sqlite3.OperationalError) and (
            "locked" in str(exc) or "busy" in str(exc)
        ):
            self._notice(f"{self._shown}: busy ({exc}); this run goes on without it")
            self._disable()
        else:
            self._rebuild(exc)

    @property
    def _shown(self) -> str:
        return f"{CACHE_DIR}/{FILE}"

    def _open(self) -> sqlite3.Connection | None:
        if self._disabled:
            return None
        if self._db is not None:
            return self._db
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            # One build at a time uses it, but the preview's builds run on a worker thread.
            db = sqlite3.connect(
                self.path, timeout=self.busy_timeout, isolation_level=None, check_same_thread=False
            )
            db.isolation_level = "DEFERRED"  # transactions by ``with db``
            db.execute("PRAGMA journal_mode=WAL")
            db.execute("PRAGMA synchronous=NORMAL")
            self._db = db
            self._check_schema(db)
        except sqlite3.DatabaseError as exc:
            self._failed(exc)
            return self._open() if not self._disabled else None
        except OSError as exc:
            self._notice(f"{self._shown}: cannot be opened ({exc.strerror}); running without it")
            self._disable()
            return None
        return self._db

    def _check_schema(self, db: sqlite3.Connection) -> None:
        with db:
            db.execute("CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT)")
            row = db.execute("SELECT value FROM meta WHERE key = 'schema'").fetchone()
            if row is not None and row[0] != SCHEMA:
                self._notice(f"{self._shown}: made by another version ({row[0]}); rebuilding it")
                for table in TABLES:
                    db.execute(f"DROP TABLE IF EXISTS {table}")
            db.execute("INSERT OR REPLACE INTO meta VALUES ('schema', ?)", (SCHEMA,))
            for table in TABLES:
                db.execute(
                    f"CREATE TABLE IF NOT EXISTS {table} (key BLOB PRIMARY KEY, value BLOB) "
                    "WITHOUT ROWID"
                )

    def _rebuild(self, exc: Exception) -> None:
        """Throw a broken cache away and start an empty one (once per run)."""
        self.close()
        if self._rebuilt:
            self._notice(f"{self._shown}: still unusable ({exc}); running without it")
            self._disable()
            return
        self._rebuilt = True
        self._notice(f"{self._shown}: unusable ({exc}); rebuilding it")
        for name in (FILE, FILE + "-wal", FILE + "-shm", FILE + "-journal"):
            with contextlib.suppress(OSError):
                (self.folder / name).unlink(missing_ok=True)

    def _disable(self) -> None:
        self.close()
        self._disabled = True


@cache
def code_digest() -> str:
    """A digest of sitegen's own code: results made by other code are not reused."""
    package = Path(__file__).parent
    parts: list[str | bytes] = []
    for path in sorted(package.rglob("*.py")):
        parts += [path.relative_to(package).as_posix(), path.read_bytes()]
    return digest(*parts).hex()
