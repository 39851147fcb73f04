"""Which annotator runs the blocks the cache lacks, as ``CachedAnnotator`` asks for one.

The one given (tests), else a Dask cluster when one is configured, else worker
processes for many blocks, else this process, which loads the model at most
once and keeps it (the preview's edits).

A ``sitegen build`` that edits a few paragraphs has another choice: loading the
model costs more than all the rest of its work on a large site, and that work
(decoding and indexing the cached articles) does not need the new blocks. So
those blocks go, as soon as they are known, to one worker process that loads
the model there (``Ahead``), and this process goes on with the rest meanwhile.
"""

from __future__ import annotations

import subprocess
from collections.abc import Sequence

from ..config import SiteConfig
from .ahead import Ahead
from .annotator import Annotator, SpacyAnnotator, load_model
from .cluster import DaskAnnotator, reach
from .worker import stop_worker
from .workers import POOL_MIN_BLOCKS, PoolAnnotator


class Annotators:
    """The annotators of one pipeline; ``config`` and ``fingerprint`` are its current
    settings, set by the pipeline before any use (and again when they change)."""

    config: SiteConfig
    fingerprint: str

    def __init__(
        self,
        given: Annotator | None,
        jobs: int,
        dask: str | None,
        here: bool,
        worker: subprocess.Popen[bytes] | None = None,
    ) -> None:
        """``dask``: a cluster to annotate on, whatever the settings say; ``here``: annotate
        on this machine, whatever the settings say (``--jobs`` was given); ``worker``: a
        worker process started before (``worker.py``), for ``start_ahead``."""
        self.given = given
        self.jobs = jobs
        self.dask = dask
        self.here = here
        self._spacy: tuple[str, SpacyAnnotator] | None = None
        """The in-process annotator, with the model name it was loaded for."""
        self._reached: str | None = None
        """The Dask scheduler found reachable."""
        self.ahead: Ahead | None = None
        self._worker = worker

    @property
    def address(self) -> str | None:
        """The Dask cluster to annotate on, if any."""
        return self.dask if self.dask is not None or self.here else self.config.dask

    def reach(self) -> None:
        """A Dask scheduler that cannot be reached fails the run before any work."""
        address = self.address
        if self.given is None and address is not None and address != self._reached:
            reach(address)
            self._reached = address

    def inner(self, blocks: int) -> Annotator:
        """The annotator for ``blocks`` blocks the cache does not have."""
        if self.given is not None:
            return self.given
        c = self.config
        if self.address is not None:
            return DaskAnnotator(self.address, c.model, self.fingerprint, c.batch_size)
        if self.ahead is not None:
            return self.ahead
        if blocks >= POOL_MIN_BLOCKS and self.jobs > 1:
            return PoolAnnotator(c.model, self.fingerprint, self.jobs, c.batch_size)
        return self.in_process()

    def in_process(self) -> SpacyAnnotator:
        """This process's annotator, loading the model on first need."""
        model = self.config.model
        if self._spacy is None or self._spacy[0] != model:
            nlp = load_model(model)
            self._spacy = (model, SpacyAnnotator(nlp, self.config.batch_size, self.fingerprint))
        return self._spacy[1]

    def start_ahead(self, texts: Sequence[str]) -> None:
        """Start annotating ``texts`` (those the cache lacks) in a worker process, if the
        model would otherwise be loaded here for them alone and another core is free."""
        local = self.given is None and self.address is None and self._spacy is None
        worker, self._worker = self._worker, None  # one build's, whatever it does
        if local and self.jobs > 1 and 0 < len(texts) < POOL_MIN_BLOCKS:
            c = self.config
            self.ahead = Ahead(
                c.model, self.fingerprint, c.batch_size, texts, self.in_process, worker
            )
        elif worker is not None:  # none new, or too many for one process
            stop_worker(worker)

    def stop_ahead(self) -> None:
        """Stop the worker of ``start_ahead`` if it is still at work (the build failed),
        and the one given if no build took it."""
        if self.ahead is not None:
            self.ahead.close()
            self.ahead = None
        if self._worker is not None:
            stop_worker(self._worker)
            self._worker = None
