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
import functools
import hashlib
import itertools
import shutil
import sqlite3
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any, TypeVar

import msgspec

from .errors import seen_from
from .names import BUILT
from .names import CACHE_DIR as CACHE_DIR  # (where the rest of sitegen finds it)
from .names import CACHE_FILE as FILE

SCHEMA = "sitegen-cache/1"
TABLES = ("blocks", "articles", "builds", "memos")
"""``blocks``: BlockNLP by block text and NLP fingerprint; ``articles``: Article by file
content and everything enrichment depends on; ``builds``: the report of the last build
from given inputs into an output folder, so a build with nothing new does nothing;
``memos``: what the render stage works out from each article (``Stored``), so a new
process does not work it out again for every article. ``in_use`` tracks each row of
``articles`` and ``memos`` from when it is stored until a build that does not use it
deletes it (``prune``), so they hold one version of each file, not one per edit."""
_CHUNK = 500  # keys per SELECT ... IN (...), under SQLite's variable limit
_PAGE_COUNTS = ("page_count", "freelist_count")
_LOG_LIMIT = 64 << 20
_TRACKED = ("articles", "memos")
"""The tables whose rows ``in_use`` tracks, for ``prune``."""


def digest(*parts: str | bytes) -> bytes:
    """A 16-byte key for ``parts`` (each part delimited, so ("ab", "c") != ("a", "bc"))."""
    h = hashlib.blake2b(digest_size=16)
    for part in parts:
        data = part.encode("utf-8", "surrogatepass") if isinstance(part, str) else part
        h.update(len(data).to_bytes(8, "little"))
        h.update(data)
    return h.digest()


BAD_VALUE = (msgspec.DecodeError, msgspec.ValidationError)
"""What decoding a cached value raises when it is not what it should be: a miss."""


def _rows(table: str, keys: Iterable[bytes]) -> Iterator[tuple[str, bytes]]:
    return ((table, key) for key in keys)


def _mib(size: int) -> str:
    return f"{size / 2**20:.1f} MiB"


def _insert(table: str, rows: Sequence[tuple[bytes, bytes]], db: sqlite3.Connection) -> None:
    db.executemany(f"INSERT OR REPLACE INTO {table} (key, value) VALUES (?, ?)", rows)
    if table in _TRACKED:
        keys = (key for key, _ in rows)
        db.executemany("INSERT OR IGNORE INTO in_use VALUES (?, ?)", _rows(table, keys))


def _delete(table: str, keys: Sequence[bytes], db: sqlite3.Connection) -> None:
    """Delete the rows of ``keys`` from ``table``, and from what ``in_use`` tracks."""
    db.executemany(f"DELETE FROM {table} WHERE key = ?", ((key,) for key in keys))
    db.executemany("DELETE FROM in_use WHERE tbl = ? AND key = ?", _rows(table, keys))


V = TypeVar("V")


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
        stored (a generator) are never all in memory at once. Rows of ``articles`` and
        ``memos`` are tracked in ``in_use`` from then on, until a prune deletes them."""
        items = iter(items)
        while rows := list(itertools.islice(items, _CHUNK)):
            self._transaction(functools.partial(_insert, table, rows))

    def forget(self, table: str, keys: Iterable[bytes]) -> None:
        """Delete the rows of ``keys``, a few hundred at a time (a short log)."""
        keys = list(keys)
        for at in range(0, len(keys), _CHUNK):
            self._transaction(functools.partial(_delete, table, keys[at : at + _CHUNK]))

    def prune(self, named: Mapping[str, Iterable[bytes]]) -> None:
        """Delete the rows of each table of ``named`` that are tracked in ``in_use`` (every
        row, the first time) and that ``named`` does not name, then give the disk back
        if most of the file is free. Which rows go is settled in one transaction
        (builds at once prune in turn); they stay tracked until deleted, so a prune
        cut short is finished by the next."""
        wanted = {table: set(keys) for table, keys in named.items()}

        def settle(db: sqlite3.Connection) -> dict[str, list[bytes]]:
            db.execute("BEGIN IMMEDIATE")
            first = db.execute("SELECT 1 FROM meta WHERE key = 'pruned'").fetchone() is None
            gone = {}
            for table, keys in wanted.items():
                rows = db.execute("SELECT key FROM in_use WHERE tbl = ?", (table,))
                held = {key for (key,) in rows}
                if first:  # rows stored before anything was tracked
                    untracked = {key for (key,) in db.execute(f"SELECT key FROM {table}")} - held
                    db.executemany("INSERT INTO in_use VALUES (?, ?)", _rows(table, untracked))
                    held |= untracked
                gone[table] = sorted(held - keys)
            db.execute("INSERT OR REPLACE INTO meta VALUES ('pruned', '1')")
            return gone

        for table, gone in (self._transaction(settle) or {}).items():
            self.forget(table, gone)
        self._compact()

    def _compact(self) -> None:
        """Rewrite the file if more than half of it is free pages (after the first prune
        of a cache that grew without one), unless another build is using it."""
        db = self._open()
        if db is None:
            return
        try:
            pages, free = (db.execute(f"PRAGMA {n}").fetchone()[0] for n in _PAGE_COUNTS)
        except sqlite3.DatabaseError:
            return  # broken: the next run rebuilds it
        if free * 2 <= pages:
            return
        before = self.path.stat().st_size
        db.execute("PRAGMA busy_timeout = 0")  # another build using it: the next prune tries
        try:
            db.execute("VACUUM")
            busy = db.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()[0]
        except sqlite3.DatabaseError:
            return
        finally:
            db.execute(f"PRAGMA busy_timeout = {int(self.busy_timeout * 1000)}")
        after = self.path.stat().st_size  # (shrinks only once no other build reads it)
        if not busy and after < before:
            self._notice(f"{self._shown}: compacted from {_mib(before)} to {_mib(after)}")

    def stats(self) -> CacheStats:
        entries = {}
        for table in TABLES:
            rows: list[Any] = self._run(f"SELECT count(*) FROM {table}", []) or [(0,)]
            entries[table] = int(rows[0][0])
        files = [self.path, self.path.with_name(FILE + "-wal")]
        size = sum(f.stat().st_size for f in files if f.exists())
        return CacheStats(str(self.path), size, entries)

    def mark_built(self) -> None:
        """Note that a build succeeded now (see ``names.BUILT``)."""
        with contextlib.suppress(OSError):
            self.folder.mkdir(parents=True, exist_ok=True)
            (self.folder / BUILT).touch()

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
        """Run one statement (see ``_transaction``)."""

        def run(db: sqlite3.Connection) -> list[tuple[bytes, bytes]]:
            cursor = db.executemany(sql, params) if many else db.execute(sql, params)
            return cursor.fetchall()

        return self._transaction(run)

    def _transaction(self, work: Callable[[sqlite3.Connection], V]) -> V | None:
        """Run ``work`` in one transaction; on a broken cache, rebuild it once and retry."""
        for _ in range(2):
            db = self._open()
            if db is None:
                return None
            try:
                with db:
                    return work(db)
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
        """The cache file as seen from where the command runs (its folder is in the
        site folder as the command line names it)."""
        return str(seen_from(f"{CACHE_DIR}/{FILE}", self.folder.parent))

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
            db.execute(f"PRAGMA journal_size_limit={_LOG_LIMIT}")  # the log shrinks back
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
                for table in (*TABLES, "in_use"):
                    db.execute(f"DROP TABLE IF EXISTS {table}")
            db.execute("INSERT OR REPLACE INTO meta VALUES ('schema', ?)", (SCHEMA,))
            for table in TABLES:
                db.execute(
                    f"CREATE TABLE IF NOT EXISTS {table} (key BLOB PRIMARY KEY, value BLOB) "
                    "WITHOUT ROWID"
                )
            db.execute(
                "CREATE TABLE IF NOT EXISTS in_use (tbl TEXT, key BLOB, PRIMARY KEY (tbl, key)) "
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
    """A digest of sitegen's own code, and of the data it reads (the place names): results
    made by other code are not reused."""
    package = Path(__file__).parent
    parts: list[str | bytes] = []
    for path in sorted([*package.rglob("*.py"), *package.rglob("*.txt")]):
        parts += [path.relative_to(package).as_posix(), path.read_bytes()]
    return digest(*parts).hex()
