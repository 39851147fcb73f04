"""Annotating a build's few new paragraphs in a process of their own, started as soon
as they are known, or before (``worker.py``): the model loads there while the build
reads and indexes the cached articles.

The texts go to the worker's standard input, with the model to load, and the
results come back on its standard output, msgpack both ways.
"""

from __future__ import annotations

import subprocess
from collections.abc import Callable, Sequence
from typing import IO

import msgspec

from ..model import BlockNLP
from .annotator import SpacyAnnotator, load_model
from .worker import start_worker, stop_worker

_encode = msgspec.msgpack.Encoder().encode
_decode_request = msgspec.msgpack.Decoder(tuple[str, int, list[str]]).decode
_decode_results = msgspec.msgpack.Decoder(list[BlockNLP] | None).decode


class Ahead:
    """An Annotator whose texts were sent, when it was made, to a worker process of
    their own, which loads the model and annotates them while this process goes on.
    A text not sent, or a worker that failed (the model is not installed, say), is
    annotated by ``here()``, this process's annotator, which then says what is wrong
    if anything is. ``worker``: one started before (``worker.py``), else one starts now.
    ``close`` stops a worker still at work (the build failed)."""

    def __init__(
        self,
        model: str,
        fingerprint: str,
        batch_size: int,
        texts: Sequence[str],
        here: Callable[[], SpacyAnnotator],
        worker: subprocess.Popen[bytes] | None = None,
    ) -> None:
        self.fingerprint = fingerprint
        self._texts = list(texts)
        self._here = here
        self._found: dict[str, BlockNLP] | None = None
        self._worker = worker or start_worker()
        sent = _pipe(self._worker.stdin)
        try:
            sent.write(_encode((model, batch_size, self._texts)))  # read as soon as it can
            sent.close()
        except OSError:  # the worker is gone already: this process annotates them
            pass

    def annotate(
        self, texts: Sequence[str], progress: Callable[[int], None] | None = None
    ) -> list[BlockNLP]:
        if self._found is None:
            self._found = self._receive()
        found = self._found
        rest = [text for text in dict.fromkeys(texts) if text not in found]
        if rest:  # the worker failed: this process tries, and reports the cause
            found.update(zip(rest, self._here().annotate(rest), strict=True))
        if progress is not None:
            progress(len(texts))
        return [found[text] for text in texts]

    def _receive(self) -> dict[str, BlockNLP]:
        """The worker's results by text (none if it failed)."""
        try:
            results = _decode_results(_pipe(self._worker.stdout).read())
        except (OSError, msgspec.DecodeError, msgspec.ValidationError):
            results = None
        self._worker.wait()
        if results is None or len(results) != len(self._texts):
            return {}
        return dict(zip(self._texts, results, strict=True))

    def close(self) -> None:
        """Stop the worker if it is still at work, and wait for it to exit."""
        stop_worker(self._worker)


def _pipe(stream: IO[bytes] | None) -> IO[bytes]:
    assert stream is not None, "opened with PIPE"
    return stream


def answer(request: bytes) -> bytes:
    """A worker's answer to ``request`` (the model's name, the batch size and the
    texts): the texts' annotations, or None if that failed (the process that sent
    them then tries, and says why)."""
    try:
        model, batch_size, texts = _decode_request(request)
        found: list[BlockNLP] | None = SpacyAnnotator(load_model(model), batch_size).annotate(texts)
    except Exception:
        found = None
    return _encode(found)
