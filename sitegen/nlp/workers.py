"""Annotating on every core: worker processes that each load the model once.

Blocks go to the workers in batches sized for ``nlp.pipe``; each worker keeps
its loaded pipeline for the whole run, and results come back as plain
``BlockNLP`` data. Workers are spawned, not forked, so they never inherit a
parent's threads (the progress bar) or its half-loaded state.
"""

from __future__ import annotations

import multiprocessing
from collections.abc import Generator, Iterable, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from multiprocessing.process import BaseProcess

from ..errors import SitegenError
from ..model import BlockNLP
from ..stopping import as_done
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
        others = set(multiprocessing.active_children())
        with ProcessPoolExecutor(
            self.jobs, mp_context=context, initializer=_start, initargs=start
        ) as pool:
            pending: dict[Future[list[BlockNLP]], int] = {
                pool.submit(_annotate, list(texts[at : at + step])): at
                for at in range(0, len(texts), step)
            }
            workers = set(multiprocessing.active_children()) - others
            try:
                for future in as_done(list(pending)):
                    yield pending.pop(future), _result(future)
            except BaseException:  # stopped (Ctrl-C, SIGTERM), failed, or not read on
                _stop_now(pool, workers)
                raise


def _stop_now(pool: ProcessPoolExecutor, workers: Iterable[BaseProcess]) -> None:
    """Stop ``pool``'s ``workers`` at once: not once each has annotated the batches it
    was given (a build stopped on SIGTERM went on for ten seconds more). The pool's
    own thread, seeing them end, then ends, and its queues are closed."""
    for worker in workers:
        worker.terminate()
    pool.shutdown(cancel_futures=True)


def _result(future: Future[list[BlockNLP]]) -> list[BlockNLP]:
    try:
        return future.result()
    except BrokenProcessPool:
        raise SitegenError(
            "an annotation worker process died (out of memory?); try again with --jobs 1"
        ) from None
