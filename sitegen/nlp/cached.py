"""The annotation cache in front of the annotator: spaCy runs once per block text, ever.

A block's result is looked up by its text and the NLP fingerprint (model,
model version, spaCy version, sitegen's annotation code); only the blocks no
earlier run annotated go to the inner annotator, which is made on first need,
so a build with nothing new to annotate never imports spaCy. Identical blocks
are annotated once. Results are written to the cache as they arrive, so an
interrupted run keeps what it did: batch by batch when the inner annotator
yields batches as they are done (worker processes, a cluster), else every
STORE_EVERY blocks. A document's results are handed on as soon as all of them
are known (``each``), so it is enriched while the workers go on.
"""

from __future__ import annotations

from collections.abc import Callable, Generator, Iterable, Sequence

import msgspec

from ..cache import Cache, digest
from ..model import BlockNLP
from .annotator import Annotator

#: Blocks annotated between two writes to the cache: large enough that worker
#: processes rarely wait for each other, small enough that an interrupted cold
#: build keeps most of its work.
STORE_EVERY = 8192
#: Groups whose results are read from the cache at a time (``each``).
LOOKUP_GROUPS = 256
_encoder = msgspec.msgpack.Encoder()
_decoder = msgspec.msgpack.Decoder(BlockNLP)
Progress = Callable[[int], None] | None
Done = list[tuple[bytes, BlockNLP]]


class Batched:
    """Base of the annotators that work elsewhere (worker processes, a Dask
    cluster) and deliver results batch by batch, as ``batches`` yields them."""

    def __init__(self, model: str, fingerprint: str, batch_size: int = 64) -> None:
        self.model = model
        self.batch_size = batch_size
        self._fingerprint = fingerprint

    @property
    def fingerprint(self) -> str:
        return self._fingerprint

    def batches(self, texts: Sequence[str]) -> Generator[tuple[int, list[BlockNLP]], None, None]:
        """(index of its first text, results) of each batch, in the order they are done."""
        raise NotImplementedError

    def annotate(
        self, texts: Sequence[str], progress: Callable[[int], None] | None = None
    ) -> list[BlockNLP]:
        results = [BlockNLP()] * len(texts)
        for at, batch in self.batches(texts):
            results[at : at + len(batch)] = batch
            if progress is not None:
                progress(len(batch))
        return results


class CachedAnnotator:
    """The annotator ``make()`` returns (made when blocks are missing), behind ``cache``."""

    def __init__(
        self,
        make: Callable[[int], Annotator],
        fingerprint: str,
        cache: Cache | None,
    ) -> None:
        """``make(n)`` returns the annotator for ``n`` missing blocks (so a few blocks
        can be done in this process and many in worker processes)."""
        self._make = make
        self._fingerprint = fingerprint
        self.cache = cache
        self.start: Callable[[str, int], Callable[[int], None]] | None = None
        """``start(description, total)`` shows progress for the blocks the cache lacks."""
        self.annotated = 0
        """How many blocks the inner annotator ran on (the rest came from the cache)."""

    @property
    def fingerprint(self) -> str:
        return self._fingerprint

    def each(
        self, groups: Sequence[Sequence[str]]
    ) -> Generator[tuple[int, list[BlockNLP]], None, None]:
        """(index, results) of each group of texts (a document's blocks) as soon as all
        its texts are annotated: first the groups the cache has whole, then the others
        as the annotator finishes their texts, so whoever uses a group's results
        does so while the annotator works elsewhere on the next ones. A result is held
        only until every group that has its text is given."""
        keys = [[digest(self._fingerprint, text) for text in group] for group in groups]
        texts = {
            key: text
            for group, row in zip(groups, keys, strict=True)
            for key, text in zip(row, group, strict=True)
        }
        missing = self._absent(texts)
        users: dict[bytes, list[int]] = {key: [] for key in missing}
        waiting = [0] * len(groups)
        for index, row in enumerate(keys):
            for key in set(row).intersection(missing):
                users[key].append(index)
                waiting[index] += 1
        whole = [index for index, left in enumerate(waiting) if not left]
        for at in range(0, len(whole), LOOKUP_GROUPS):
            chunk = whole[at : at + LOOKUP_GROUPS]
            found = self._lookup(list({key for index in chunk for key in keys[index]}))
            for index in chunk:
                for key in set(keys[index]).difference(found):  # unreadable, or gone since:
                    missing[key] = texts[key]  # annotated with the rest
                    users.setdefault(key, []).append(index)
                    waiting[index] += 1
                if not waiting[index]:
                    yield index, [found[key] for key in keys[index]]
        yield from self._as_done(missing, keys, groups, users, waiting)

    def _as_done(
        self,
        missing: dict[bytes, str],
        keys: list[list[bytes]],
        groups: Sequence[Sequence[str]],
        users: dict[bytes, list[int]],
        waiting: list[int],
    ) -> Generator[tuple[int, list[BlockNLP]], None, None]:
        """``each``, second part: the groups that wait for ``missing`` texts (``users``
        by text, how many each ``waiting`` for), each as soon as its last one is done."""
        held: dict[bytes, BlockNLP] = {}
        for done in self._run(missing, None):
            ready = []
            for key, result in done:
                held[key] = result
                for index in users[key]:
                    waiting[index] -= 1
                    ready += [index] if not waiting[index] else []
            yield from self._give(ready, keys, groups, held)
            for index in ready:  # let go of what no group still waits for
                for key in keys[index]:
                    if key in held and all(not waiting[i] for i in users[key]):
                        del held[key]

    def _give(
        self,
        indices: list[int],
        keys: list[list[bytes]],
        groups: Sequence[Sequence[str]],
        held: dict[bytes, BlockNLP],
    ) -> Generator[tuple[int, list[BlockNLP]], None, None]:
        """(index, results) of the groups at ``indices``, from ``held`` and the cache (a
        result stored but gone since, or unreadable, is annotated again: the few such
        texts of groups that waited for new ones)."""
        wanted = {
            key: text
            for index in indices
            for key, text in zip(keys[index], groups[index], strict=True)
            if key not in held
        }
        found = self._lookup(list(wanted))
        lost = {key: text for key, text in wanted.items() if key not in found}
        for done in self._run(lost, None):
            found.update(done)
        for index in indices:
            yield index, [held[key] if key in held else found[key] for key in keys[index]]

    def missing(self, texts: Iterable[str]) -> dict[bytes, str]:
        """The texts the cache has no result for, by key (each text once)."""
        return self._absent({digest(self._fingerprint, text): text for text in texts})

    def _absent(self, wanted: dict[bytes, str]) -> dict[bytes, str]:
        """Those of ``wanted`` (texts by key) the cache has no result for."""
        if self.cache is None:
            return wanted
        known = self.cache.keys("blocks", list(wanted))
        return {key: text for key, text in wanted.items() if key not in known}

    def fill(self, missing: dict[bytes, str], progress: Progress = None) -> None:
        """Annotate ``missing`` (from ``missing()``) into the cache, keeping nothing."""
        for _ in self._run(missing, progress):
            pass

    def _run(self, missing: dict[bytes, str], progress: Progress) -> Generator[Done, None, None]:
        """Annotate ``missing``, storing and yielding results as they are done."""
        if not missing:
            return
        todo = list(missing.items())
        inner = self._make(len(todo))
        if progress is None and self.start is not None:
            progress = self.start("Annotating", len(todo))
        for done in _results(inner, todo, progress):
            self.annotated += len(done)
            if self.cache is not None:
                self.cache.put("blocks", ((key, _encoder.encode(r)) for key, r in done))
            yield done

    def _lookup(self, keys: list[bytes]) -> dict[bytes, BlockNLP]:
        if self.cache is None:
            return {}
        found = {}
        broken = []
        for key, value in self.cache.items("blocks", list(dict.fromkeys(keys))):
            try:
                found[key] = _decoder.decode(value)
            except (msgspec.DecodeError, msgspec.ValidationError):
                broken.append(key)
        if broken:
            self.cache.forget("blocks", broken)
        return found


def _results(
    inner: Annotator, todo: list[tuple[bytes, str]], progress: Progress
) -> Generator[Done, None, None]:
    """(key, result) pairs from ``inner``: each batch as it is done when it yields
    batches, else STORE_EVERY blocks at a time."""
    texts = [text for _, text in todo]
    if isinstance(inner, Batched):
        batches = inner.batches(texts)
        try:
            for at, results in batches:
                if progress is not None:
                    progress(len(results))
                chunk = todo[at : at + len(results)]
                yield [(key, r) for (key, _), r in zip(chunk, results, strict=True)]
        finally:
            batches.close()  # stops the cluster's work when the caller stops early
        return
    for at in range(0, len(todo), STORE_EVERY):
        results = inner.annotate(texts[at : at + STORE_EVERY], progress)
        yield list(zip((key for key, _ in todo[at : at + STORE_EVERY]), results, strict=True))
