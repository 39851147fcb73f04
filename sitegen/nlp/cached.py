"""The annotation cache as one more Annotator: spaCy runs once per block text, ever.

A block's result is looked up by its text and the NLP fingerprint (model,
model version, spaCy version, sitegen's annotation code); only the blocks no
earlier run annotated go to the inner annotator, which is made on first need,
so a build with nothing new to annotate never imports spaCy. Identical blocks
are annotated once. Results are written to the cache as they arrive, so an
interrupted run keeps what it did.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import msgspec

from ..cache import Cache, digest
from ..model import BlockNLP
from .annotator import Annotator

#: Blocks annotated between two writes to the cache: large enough that worker
#: processes rarely wait for each other, small enough that an interrupted cold
#: build keeps most of its work.
STORE_EVERY = 8192
_encoder = msgspec.msgpack.Encoder()
_decoder = msgspec.msgpack.Decoder(BlockNLP)


class CachedAnnotator:
    """Wraps the annotator ``make()`` returns (called at most once) with ``cache``."""

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

    def annotate(
        self, texts: Sequence[str], progress: Callable[[int], None] | None = None
    ) -> list[BlockNLP]:
        keys = [digest(self._fingerprint, text) for text in texts]
        found = self._lookup(keys)
        missing = {key: text for key, text in zip(keys, texts, strict=True) if key not in found}
        if missing:
            todo = list(missing.items())
            inner = self._make(len(todo))
            if progress is None and self.start is not None:
                progress = self.start("Annotating", len(todo))
            for at in range(0, len(todo), STORE_EVERY):
                chunk = todo[at : at + STORE_EVERY]
                results = inner.annotate([text for _, text in chunk], progress)
                self.annotated += len(chunk)
                done = list(zip((key for key, _ in chunk), results, strict=True))
                found.update(done)
                if self.cache is not None:
                    self.cache.put("blocks", ((key, _encoder.encode(r)) for key, r in done))
        return [found[key] for key in keys]

    def _lookup(self, keys: list[bytes]) -> dict[bytes, BlockNLP]:
        if self.cache is None:
            return {}
        found = {}
        broken = []
        for key, value in self.cache.get("blocks", list(dict.fromkeys(keys))).items():
            try:
                found[key] = _decoder.decode(value)
            except (msgspec.DecodeError, msgspec.ValidationError):
                broken.append(key)
        if broken:
            self.cache.forget("blocks", broken)
        return found
