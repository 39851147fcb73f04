"""Annotating a build's few new paragraphs in a process of their own, started as soon
as they are known: the model loads there while the build reads and indexes the
cached articles.

The worker is a new Python process running this module (``python -m
sitegen.nlp.ahead MODEL BATCH_SIZE``); the texts go to its standard input and
the results come back on its standard output, msgpack both ways. It is not a
multiprocessing child: such a child first runs the parent's main script again,
and for the ``sitegen`` command that imports the whole command line (0.2 s
before the worker even starts loading spaCy).
"""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Callable, Sequence
from typing import IO

import msgspec

from ..model import BlockNLP
from .annotator import SpacyAnnotator, load_model

_encode = msgspec.msgpack.Encoder().encode
_decode_texts = msgspec.msgpack.Decoder(list[str]).decode
_decode_results = msgspec.msgpack.Decoder(list[BlockNLP] | None).decode


class Ahead:
    """An Annotator whose texts were sent, when it was made, to a worker process of
    their own, which loads the model and annotates them while this process goes on.
    A text not sent, or a worker that failed (the model is not installed, say), is
    annotated by ``here()``, this process's annotator, which then says what is wrong
    if anything is. ``close`` stops a worker still at work (the build failed)."""

    def __init__(
        self,
        model: str,
        fingerprint: str,
        batch_size: int,
        texts: Sequence[str],
        here: Callable[[], SpacyAnnotator],
    ) -> None:
        self.fingerprint = fingerprint
        self._texts = list(texts)
        self._here = here
        self._found: dict[str, BlockNLP] | None = None
        command = [sys.executable, "-m", __name__, model, str(batch_size)]
        self._worker = subprocess.Popen(
            command, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL
        )
        sent = _pipe(self._worker.stdin)
        try:
            sent.write(_encode(self._texts))  # read at once: it loads the model after
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
        if self._worker.poll() is None:
            self._worker.terminate()
        self._worker.wait()
        for stream in (self._worker.stdin, self._worker.stdout):
            if stream is not None:
                stream.close()


def _pipe(stream: IO[bytes] | None) -> IO[bytes]:
    assert stream is not None, "opened with PIPE"
    return stream


def main(model: str, batch_size: str) -> None:
    """A worker's life: read the texts, load the model, annotate them and write the
    results (or None if that failed: the process that sent the texts then tries, and
    says why)."""
    results = sys.stdout.buffer
    sys.stdout = sys.stderr  # what a library prints must not mix with the results
    texts = _decode_texts(sys.stdin.buffer.read())
    try:
        found: list[BlockNLP] | None = SpacyAnnotator(load_model(model), int(batch_size)).annotate(
            texts
        )
    except Exception:
        found = None
    results.write(_encode(found))
    results.flush()


if __name__ == "__main__":
    main(*sys.argv[1:])
