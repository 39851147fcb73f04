"""What runs on a Dask worker: the model loaded once per worker process, and
batches of blocks annotated with it (the worker side of ``cluster.py``).

Imported by workers, and by the client once it uses a cluster; never by a plain
build. A worker whose model, spaCy or annotation logic differ from the client's
(its fingerprint) loads nothing and refuses every batch, naming itself, so a
cluster never annotates differently from this machine.
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
import threading
from typing import Any

from distributed import WorkerPlugin, get_worker
from distributed.worker import Worker

from ..errors import ModelMissingError
from ..model import BlockNLP
from .annotator import SpacyAnnotator, load_model, model_fingerprint

logger = logging.getLogger(__name__)


class WorkerMismatch(Exception):
    """A worker that cannot annotate as the client would (named in the message)."""


class ModelPlugin(WorkerPlugin):
    """Loads the spaCy model once on every worker, present and future, after
    checking the worker's fingerprint against the client's."""

    idempotent = True
    """Registered once per model and fingerprint: later builds find it loaded."""

    def __init__(self, model: str, fingerprint: str) -> None:
        self.model = model
        self.fingerprint = fingerprint
        key = hashlib.blake2b(f"{model}\0{fingerprint}".encode(), digest_size=6).hexdigest()
        self.name = f"sitegen-nlp-{key}"
        self.nlp: Any = None
        self.problem: str | None = None
        """Why this worker cannot annotate (a mismatch, no model), once set up."""

    async def setup(self, worker: Worker) -> None:
        self.lock = threading.Lock()
        try:
            self.nlp = await asyncio.to_thread(self._load, _who(worker))
        except WorkerMismatch as exc:
            self.problem = str(exc)
            logger.error("%s", exc)

    def _load(self, who: str) -> Any:
        try:
            found = model_fingerprint(self.model)
            if found != self.fingerprint:
                raise WorkerMismatch(
                    f"Dask worker {who} annotates with {found}, this machine with "
                    f"{self.fingerprint}: install the same sitegen, spaCy and model everywhere"
                )
            return load_model(self.model)
        except ModelMissingError as exc:
            raise WorkerMismatch(f"Dask worker {who}: {exc}") from None


def problem_of(name: str, dask_worker: Worker) -> str | None:
    """Why this worker cannot annotate with plugin ``name`` (None if it can)."""
    plugin = dask_worker.plugins.get(name)
    if isinstance(plugin, ModelPlugin):
        return plugin.problem
    return f"Dask worker {_who(dask_worker)} has not loaded sitegen's model"


def annotate_batch(texts: list[str], name: str, batch_size: int) -> list[BlockNLP]:
    """The task: one batch of block texts through this worker's loaded model."""
    worker = get_worker()
    plugin = worker.plugins.get(name)
    if not isinstance(plugin, ModelPlugin) or plugin.nlp is None:
        problem = problem_of(name, worker) or f"Dask worker {_who(worker)} is not set up"
        raise WorkerMismatch(problem)
    with plugin.lock:  # a worker with several threads shares one pipeline
        return SpacyAnnotator(plugin.nlp, batch_size, plugin.fingerprint).annotate(texts)


def _who(worker: Worker) -> str:
    name = str(worker.name)
    return worker.address if name in ("", worker.address) else f"{name} ({worker.address})"
