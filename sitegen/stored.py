"""What the cache keeps besides the NLP: enriched articles and the last build.

An article is stored with the warnings of reading and enriching its file, so
a build that reuses it reports them again. The last build into an output
folder is remembered with the digest of its inputs: a build of the same
inputs into a folder still as that build left it has nothing to do.
"""

from __future__ import annotations

import contextlib
import dataclasses
import gc
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from typing import Any

import msgspec

from .cache import BAD_VALUE, Cache, digest
from .errors import SitegenError
from .memos import latest_rows, stored_rows
from .model import Article, BuildReport, Site
from .output.record import manifest_digest, read_record

#: The warnings of reading and enriching a file, kept with its article.
Warnings = tuple[SitegenError, ...]
Enriched = tuple[Article, Warnings]
#: How the cache stores warnings: (message, path, line, the files the message cites).
_Stored = tuple[tuple[str, str | None, int | None, tuple[str, ...]], ...]
_encode = msgspec.msgpack.Encoder(enc_hook=dict).encode
_decode_article = msgspec.msgpack.Decoder(tuple[Article, _Stored]).decode
_decode_build = msgspec.msgpack.Decoder(tuple[str, BuildReport, str]).decode


class Articles:
    """Enriched articles by key: the last run's in memory, the others in the cache."""

    def __init__(self, cache: Cache | None) -> None:
        self.cache = cache
        self._memo: dict[bytes, Enriched] = {}
        self._used: tuple[set[bytes], set[str]] | None = None
        """The articles and site keys the last prune kept (None: none yet)."""

    def present(self, keys: Sequence[bytes]) -> set[bytes]:
        """Those of ``keys`` that earlier runs enriched (some may not decode)."""
        found = {k for k in keys if k in self._memo}
        missing = [k for k in keys if k not in found]
        if self.cache is None or not missing:
            return found
        return found | self.cache.keys("articles", missing)

    def known(self, keys: Sequence[bytes]) -> dict[bytes, Enriched]:
        """What earlier runs enriched: in this process, then in the cache."""
        found = {k: self._memo[k] for k in keys if k in self._memo}
        missing = [k for k in keys if k not in found]
        if self.cache is None or not missing:
            return found
        with without_gc():  # many small objects and no cycles: collecting only costs
            for key, value in self.cache.items("articles", missing):
                with contextlib.suppress(*BAD_VALUE):  # else: enriched again
                    found[key] = _decode_enriched(value)
        return found

    def keep(self, done: dict[bytes, Enriched], new: Iterable[bytes]) -> None:
        """Keep ``done`` in memory for the next run, and store its ``new`` keys."""
        self._memo = dict(done)
        if self.cache is not None:
            self.cache.put("articles", ((k, _encode_enriched(done[k])) for k in new))

    def prune(self, site: Site) -> None:
        """Let the cache keep, of enriched articles and of what the render stage stored
        from them, only those of the last run, ``site`` (see ``Cache.prune``). A process's
        later runs (the preview's) forget only what they used before and no longer do."""
        if self.cache is None:
            return
        used = (set(self._memo), {article.key for article in site.articles})
        if self._used is None:
            memos = stored_rows(used[1]) + latest_rows()
            self.cache.prune({"articles": used[0], "memos": memos})
        else:
            self.cache.forget("articles", self._used[0] - used[0])
            self.cache.forget("memos", stored_rows(self._used[1] - used[1]))
        self._used = used


def _encode_enriched(value: Enriched) -> bytes:
    article, warnings = value
    return _encode((article, tuple((w.message, w.path, w.line, w.cites) for w in warnings)))


def _decode_enriched(value: bytes) -> Enriched:
    article, stored = _decode_article(value)
    return article, tuple(SitegenError(*w) for w in stored)


def last_build(cache: Cache | None, inputs: bytes, out_dir: Path) -> BuildReport | None:
    """The report of the last build into ``out_dir`` if it was made from exactly
    these inputs and the output folder is as that build left it, every file it wrote
    there too (the shortcut every warm build with no change takes), with nothing
    rendered or changed."""
    if cache is None:
        return None
    key = digest("build", str(out_dir.resolve()))
    stored = cache.get("builds", [key]).get(key)
    if stored is None:
        return None
    try:
        made_from, report, marker = _decode_build(stored)
    except BAD_VALUE:
        return None
    if made_from != inputs.hex() or marker != manifest_digest(out_dir):
        return None
    if read_record(out_dir, stamps=load_stamps(cache, out_dir)).damaged:  # deleted or
        return None  # changed by hand: made again
    nothing: dict[str, Any] = {"rendered": 0, "changed": (), "annotated": 0}
    return dataclasses.replace(report, out_dir=str(out_dir), **nothing)


def remember_build(cache: Cache | None, inputs: bytes, out_dir: Path, report: BuildReport) -> None:
    """Keep the report of the last build into ``out_dir`` (one per output folder), but
    the folder's name (given again when it is read: a name need not be UTF-8)."""
    if cache is not None:
        key = digest("build", str(out_dir.resolve()))
        kept = dataclasses.replace(report, out_dir="")
        cache.put("builds", [(key, _encode((inputs.hex(), kept, manifest_digest(out_dir))))])


def load_stamps(cache: Cache | None, out_dir: Path) -> dict[str, int]:
    """The modification times the last build into ``out_dir`` left its files with (none
    known without a cache, or if what is kept does not decode)."""
    if cache is None:
        return {}
    key = digest("stamps", str(out_dir.resolve()))
    stored = cache.get("builds", [key]).get(key)
    try:
        return _decode_stamps(stored) if stored is not None else {}
    except BAD_VALUE:
        return {}


def store_stamps(cache: Cache | None, out_dir: Path, stamps: dict[str, int]) -> None:
    """Keep the modification times of the files just written into ``out_dir``."""
    if cache is not None:
        cache.put("builds", [(digest("stamps", str(out_dir.resolve())), _encode(stamps))])


_decode_stamps = msgspec.msgpack.Decoder(dict[str, int]).decode


@contextlib.contextmanager
def without_gc(lasting: bool = False) -> Iterator[None]:
    """Steps that make many small objects and no reference cycles run about twice
    as fast without the cycle collector looking at them again and again.

    ``lasting``: what the step makes is kept until the process ends (a one-shot
    build's articles and pages), so it goes straight to the collector's oldest
    generation; otherwise the next two young collections each look at all of it
    once (0.3 s of a 1,000-article edit). Cycles among it then wait for the next
    full collection, which a long-lived process (the preview) may not reach for a
    long time: there, what a build leaves goes the usual way."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if lasting:
            gc.freeze()  # every tracked object aside, unscanned...
            gc.unfreeze()  # ...and back, all in the oldest generation
        if enabled:
            gc.enable()
