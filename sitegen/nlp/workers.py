"""Annotating on every core: worker processes that each load the model once.

Blocks go to the workers in batches sized for ``nlp.pipe``; each worker keeps
its loaded pipeline for the whole run, and results come back as plain
``BlockNLP`` data. Workers are spawned, not forked, so they never inherit a
parent's threads (the progress bar) or its half-loaded state.
"""

from __future__ import annotations

import multiprocessing
from collections.abc import Callable, Generator, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from multiprocessing.connection import Connection

from ..errors import SitegenError
from ..model import BlockNLP
from .annotator import SpacyAnnotator, load_model
from .cached import Batched

#: Below this many blocks, starting workers (each loads the model) costs more than it saves.
POOL_MIN_BLOCKS = 1000

_annotator: SpacyAnnotator | None = None


def _start(model: str, batch_size: int) -> None:
    global _annotator
    _annotator = SpacyAnnotator(load_model(model), batch_size)


def _annotate(texts: Sequence[str]) -> list[BlockNLP]:
    assert _annotator is not None, "worker not started"
    return _annotator.annotate(texts)


class PoolAnnotator(Batched):
    """An Annotator that spreads blocks over ``jobs`` worker processes."""

    def __init__(self, model: str, fingerprint: str, jobs: int, batch_size: int = 64) -> None:
        super().__init__(model, fingerprint, batch_size)
        self.jobs = jobs

    def batches(self, texts: Sequence[str]) -> Generator[tuple[int, list[BlockNLP]], None, None]:
        """(index of its first text, results) of each batch as it is done; one pool of
        workers, each loading the model once, for all of ``texts``."""
        step = self.batch_size * 4
        context = multiprocessing.get_context("spawn")
        start = (self.model, self.batch_size)
        with ProcessPoolExecutor(
            self.jobs, mp_context=context, initializer=_start, initargs=start
        ) as pool:
            pending: dict[Future[list[BlockNLP]], int] = {
                pool.submit(_annotate, list(texts[at : at + step])): at
                for at in range(0, len(texts), step)
            }
            try:
                while pending:
                    done, _ = wait(pending, return_when=FIRST_COMPLETED)
                    for future in done:
                        yield pending.pop(future), _result(future)
            finally:
                for future in pending:  # the caller stopped early: drop the rest
                    future.cancel()


def _result(future: Future[list[BlockNLP]]) -> list[BlockNLP]:
    try:
        return future.result()
    except BrokenProcessPool:
        raise SitegenError(
            "an annotation worker process died (out of memory?); try again with --jobs 1"
        ) from None


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
        context = multiprocessing.get_context("spawn")  # (see the module's docstring)
        self._results, sent = context.Pipe(duplex=False)
        work = (model, batch_size, self._texts, sent)
        self._worker = context.Process(target=_annotate_ahead, args=work, daemon=True)
        self._worker.start()
        sent.close()  # the worker's end: when it exits, receiving ends

    def annotate(
        self, texts: Sequence[str], progress: Callable[[int], None] | None = None
    ) -> list[BlockNLP]:
        if self._found is None:
            try:
                results = self._results.recv()
            except (EOFError, OSError):  # the worker died
                results = None
            self._found = dict(zip(self._texts, results, strict=True)) if results else {}
        found = self._found
        rest = [text for text in dict.fromkeys(texts) if text not in found]
        if rest:  # the worker failed: this process tries, and reports the cause
            found.update(zip(rest, self._here().annotate(rest), strict=True))
        if progress is not None:
            progress(len(texts))
        return [found[text] for text in texts]

    def close(self) -> None:
        """Stop the worker if it is still at work, and wait for it to exit."""
        if self._worker.is_alive():
            self._worker.terminate()
        self._worker.join()
        self._results.close()


def _annotate_ahead(model: str, batch_size: int, texts: list[str], results: Connection) -> None:
    """An ``Ahead`` worker's life: load the model, annotate ``texts``, send the results
    (or None if that failed: the process that sent the texts then tries, and says why)."""
    try:
        found: list[BlockNLP] | None = SpacyAnnotator(load_model(model), batch_size).annotate(texts)
    except Exception:
        found = None
    results.send(found)
    results.close()
