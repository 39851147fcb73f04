"""Annotating on a Dask cluster: the blocks the cache lacks, sent to workers that keep the model.

One more Annotator behind CachedAnnotator. Blocks go to the cluster in batches
sized for ``nlp.pipe`` (``batch_size * 4`` texts), a few batches per worker
thread in flight at a time, so neither this machine nor the scheduler holds a
whole archive at once; results come back as the plain BlockNLP the local path
makes, batch by batch as they are done, and CachedAnnotator writes each batch
into the cache as it arrives. Each worker loads the model once and checks that
its model, spaCy and annotation logic are this machine's (``cluster_worker.py``).
Dask reschedules the batches of a worker that dies.

Dask is an optional extra (``pip install 'sitegen[dask]'``), imported only here
and only when a cluster is used: a plain build never imports it.
"""

from __future__ import annotations

import logging
import re
import uuid
from collections.abc import Generator, Iterator, Sequence
from contextlib import contextmanager
from itertools import islice
from typing import TYPE_CHECKING, Any

from ..cores import default_jobs
from ..errors import SitegenError
from ..model import BlockNLP
from .cached import Batched

if TYPE_CHECKING:
    from distributed import Client, Future

ADDRESS_FORMS = "'local', 'local:N' or a scheduler address such as 'tcp://host:8786'"
_LOCAL = re.compile(r"local(?::([0-9]+))?")
_REMOTE = re.compile(r"(?:tcp|tls|ws|wss|ucx)://[^\s/]+")
RETRIES = 2
"""Times a batch is tried again after an error in a task (a worker that dies is
handled by the scheduler: its batches go to other workers)."""
LOOPBACK_ANY_PORT = "127.0.0.1:0"
"""Where a LocalCluster's scheduler serves HTTP (metrics, health): this machine
only, on a free port, so two local clusters never fight over Dask's 8787."""
NO_PROFILER = {"distributed.worker.profile.enabled": False}
"""Workers sample their threads' stacks every 10 ms for the dashboard; spaCy
holds the GIL, so each sample stalls it (no dashboard on a LocalCluster anyway)."""
IN_FLIGHT = 2
"""Batches sent ahead per worker thread: enough that no worker waits for the next."""


def address_problem(address: str) -> str | None:
    """Why ``address`` is not a Dask address sitegen takes (None when it is one)."""
    local = _LOCAL.fullmatch(address)
    if (local and int(local.group(1) or 1) >= 1) or _REMOTE.fullmatch(address):
        return None
    return f"must be {ADDRESS_FORMS}, not {address!r}"


def local_workers(address: str) -> int | None:
    """N for ``local:N`` (all cores for ``local``); None for a scheduler address."""
    local = _LOCAL.fullmatch(address)
    if local is None:
        return None
    return int(local.group(1)) if local.group(1) else default_jobs()


class DaskAnnotator(Batched):
    """An Annotator that sends blocks to the Dask cluster at ``address``.

    A client (and, for ``local[:N]``, a LocalCluster) lives for one call of
    ``batches``; workers keep their loaded model between calls and between builds.
    """

    def __init__(self, address: str, model: str, fingerprint: str, batch_size: int = 64) -> None:
        super().__init__(model, fingerprint, batch_size)
        self.address = address

    def batches(self, texts: Sequence[str]) -> Generator[tuple[int, list[BlockNLP]], None, None]:
        if not texts:
            return
        with session(self.address) as client:
            name = _load_model(client, self.model, self._fingerprint)
            yield from _stream(client, texts, self.batch_size, name)


def reach(address: str) -> None:
    """Fail now, in one line, if Dask is not installed or ``address`` is a scheduler
    that cannot be reached."""
    _distributed()
    if local_workers(address) is None:
        connect(address).close()


def connect(address: str) -> Client:
    """A client of the scheduler at ``address`` (Dask's connect timeout applies)."""
    distributed = _distributed()
    try:
        client: Client = distributed.Client(address, set_as_default=False)
    except (OSError, TimeoutError) as exc:
        reason = str(exc).replace(f" to {address}", "")  # it names the address too
        raise SitegenError(f"cannot reach the Dask scheduler at {address}: {reason}") from None
    return client


@contextmanager
def session(address: str) -> Iterator[Client]:
    """A client of ``address``, or of a LocalCluster started for ``local[:N]``."""
    workers = local_workers(address)
    if workers is None:
        client = connect(address)
        cluster = None
    else:
        distributed = _distributed()
        import dask.config

        with dask.config.set(NO_PROFILER):
            cluster = distributed.LocalCluster(
                n_workers=workers,
                threads_per_worker=1,
                processes=True,
                dashboard_address=LOOPBACK_ANY_PORT,
                silence_logs=logging.ERROR,  # sitegen reports what fails, in its words
            )
        client = distributed.Client(cluster, set_as_default=False)
    try:
        yield client
    finally:
        client.close()
        if cluster is not None:
            cluster.close()


def _distributed() -> Any:
    try:
        import distributed
    except ImportError:
        raise SitegenError(
            "annotating on a Dask cluster needs Dask: pip install 'sitegen[dask]'"
        ) from None
    return distributed


def _load_model(client: Client, model: str, fingerprint: str) -> str:
    """Have every worker (and every worker that joins later) load the model once;
    return the plugin's name. A worker that cannot annotate as this machine does
    stops the run here, named in the message."""
    from .cluster_worker import ModelPlugin, problem_of

    plugin = ModelPlugin(model, fingerprint)
    try:
        client.register_plugin(plugin)
    except Exception as exc:  # raised on a worker: anything, even a missing sitegen
        raise SitegenError(
            f"a Dask worker could not start sitegen's annotation ({type(exc).__name__}: {exc}); "
            "install sitegen and its spaCy model on every worker"
        ) from None
    problems = sorted(p for p in client.run(problem_of, plugin.name).values() if p)
    if problems:
        more = len(problems) - 1
        raise SitegenError(problems[0] + (f" (and {more} more workers)" if more else ""))
    return plugin.name


def _stream(
    client: Client, texts: Sequence[str], batch_size: int, name: str
) -> Iterator[tuple[int, list[BlockNLP]]]:
    """Submit batches a few at a time and yield each as it is done."""
    from distributed import as_completed

    from .cluster_worker import annotate_batch

    step = batch_size * 4
    starts = iter(range(0, len(texts), step))
    running: dict[Future[list[BlockNLP]], int] = {}
    done = as_completed(loop=client.loop)
    run = uuid.uuid4().hex

    def top_up() -> None:
        wanted = IN_FLIGHT * max(1, sum(client.nthreads().values())) - len(running)
        for at in islice(starts, max(wanted, 0)):
            future = client.submit(
                annotate_batch,
                list(texts[at : at + step]),
                name,
                batch_size,
                key=f"sitegen-annotate-{run}-{at}",
                retries=RETRIES,
            )
            running[future] = at
            done.add(future)

    top_up()
    try:
        for future in done:
            at = running.pop(future)
            batch = _result(future)
            top_up()
            yield at, batch
    finally:
        if running:  # stopped early: the cluster need not finish what nobody will read
            client.cancel(list(running))


def _result(future: Future[list[BlockNLP]]) -> list[BlockNLP]:
    from distributed import KilledWorker

    from .cluster_worker import WorkerMismatch

    try:
        batch: list[BlockNLP] = future.result()
    except WorkerMismatch as exc:
        raise SitegenError(str(exc)) from None
    except KilledWorker as exc:
        deaths = exc.allowed_failures + 1
        raise SitegenError(
            f"a batch of paragraphs was lost: the Dask worker running it died "
            f"{'once' if deaths == 1 else f'{deaths} times'} (out of memory?), "
            f"last {exc.last_worker.address}: see its log"
        ) from None
    return batch
