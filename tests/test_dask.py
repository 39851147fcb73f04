"""Annotating on a Dask cluster: a LocalCluster of 2 worker processes stands in
for a real one. The output of a Dask build is byte-identical to a local build's,
a worker killed mid-run loses nothing, a worker with another model or annotation
logic is refused by name, and an unreachable scheduler is one line and exit 1."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from conftest import ROOT, build_elsewhere, build_site_folder
from distributed import Client, LocalCluster
from test_golden import tree

from sitegen import cli
from sitegen.cache import CACHE_DIR
from sitegen.nlp.cluster import LOOPBACK_ANY_PORT
from sitegen.pipeline import Pipeline

SETTINGS = "[nlp]\nbatch_size = 1\n"
"""Batches of 4 blocks, so the sample article is 9 batches spread over the workers."""


@pytest.fixture(autouse=True)
def _no_hang() -> Iterator[None]:
    """A cluster that stops answering fails the test instead of hanging CI."""

    def expired(*_: object) -> None:
        raise TimeoutError("Dask test still running after 300 s")

    previous = signal.signal(signal.SIGALRM, expired)
    signal.alarm(300)
    yield
    signal.alarm(0)
    signal.signal(signal.SIGALRM, previous)


def sample(site: Path) -> Path:
    """The sample site at ``site``, with small batches."""
    (site / "content").mkdir(parents=True)
    for md in (ROOT / "content").glob("*.md"):
        (site / "content" / md.name).write_bytes(md.read_bytes())
    (site / "entities.toml").write_bytes((ROOT / "entities.toml").read_bytes())
    (site / "sitegen.toml").write_text(SETTINGS)
    return site


@pytest.fixture
def site(tmp_path: Path) -> Path:
    return sample(tmp_path / "site")


@pytest.fixture(scope="module")
def local_build(tmp_path_factory: pytest.TempPathFactory, real_nlp: object) -> dict[str, bytes]:
    """The sample site built on this machine: what every Dask build must equal."""
    root = tmp_path_factory.mktemp("local")
    build_site_folder(sample(root / "site"), None, root / "out")
    return tree(root / "out")


def two_workers() -> tuple[LocalCluster, Client]:
    cluster = LocalCluster(
        n_workers=2, threads_per_worker=1, processes=True, dashboard_address=LOOPBACK_ANY_PORT
    )
    return cluster, Client(cluster, set_as_default=False)


@pytest.fixture(scope="module")
def cluster(real_nlp: object) -> Iterator[tuple[LocalCluster, Client]]:
    """Two worker processes, each with the real model once sitegen has used them."""
    cluster, client = two_workers()
    yield cluster, client
    client.close()
    cluster.close()


@pytest.mark.model
def test_a_dask_build_is_byte_identical_to_a_local_build(
    site: Path, local_build: dict[str, bytes]
) -> None:
    printed, errors = build_elsewhere(site, "--dask", "local:2", timeout=280)
    # spaCy never ran here: every block was annotated by the cluster's workers.
    assert printed == "0 False", errors
    assert tree(site / "build") == local_build


@pytest.mark.model
def test_a_worker_with_other_annotation_logic_is_refused_by_name(
    site: Path, capsys: pytest.CaptureFixture[str], real_nlp: object
) -> None:
    cluster, client = two_workers()
    try:
        odd = sorted(client.nthreads())[1]
        client.run(_other_logic, workers=[odd])
        code = cli.main(["build", "--site", str(site), "--dask", cluster.scheduler_address])
    finally:
        client.close()
        cluster.close()
    err = capsys.readouterr().err
    assert code == 1
    assert err.startswith("error: Dask worker ") and err.count("\n") == 1, err
    assert f"({odd}) annotates with " in err and "logic-other" in err
    assert not (site / "build").exists() and not (site / CACHE_DIR).exists()


def _other_logic() -> None:
    """Make this worker's sitegen annotate with other logic (as another release would)."""
    import sitegen.nlp.annotator

    sitegen.nlp.annotator.LOGIC_VERSION = "other"


@pytest.mark.model
def test_an_unreachable_scheduler_is_one_line_and_exit_1(site: Path) -> None:
    with socket.socket() as probe:  # a port nothing listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    # Checked before any work: before the content is even read.
    (site / "content" / "broken.md").write_text("---\ntitle: [unclosed\n---\n")
    env = os.environ | {"DASK_DISTRIBUTED__COMM__TIMEOUTS__CONNECT": "1s"}
    build = [sys.executable, "-m", "sitegen", "build", "--site", str(site)]
    result = subprocess.run(
        [*build, "--dask", f"tcp://127.0.0.1:{port}"],
        capture_output=True,
        text=True,
        timeout=120,
        env=env,
    )
    assert result.returncode == 1
    assert result.stderr.startswith(
        f"error: cannot reach the Dask scheduler at tcp://127.0.0.1:{port}: "
    )
    assert result.stderr.count("\n") == 1, result.stderr
    assert result.stdout == ""
    assert not (site / "build").exists() and not (site / CACHE_DIR).exists()


@pytest.mark.model
def test_a_worker_killed_mid_run_loses_nothing(
    site: Path, local_build: dict[str, bytes], cluster: tuple[LocalCluster, Client]
) -> None:
    local, client = cluster
    client.wait_for_workers(2)
    killed: list[str] = []
    totals: list[int] = []
    done: list[int] = []

    def progress(description: str, total: int) -> Callable[[int], None]:
        totals.append(total)

        def advance(n: int) -> None:
            done.append(n)
            if not killed:
                killed.append(kill_a_busy_worker(client))

        return advance

    pipeline = Pipeline(site, dask=local.scheduler_address, use_cache=False, progress=progress)
    report = pipeline.build(site / "build")
    assert killed and killed[0] not in client.nthreads(), "no worker was killed"
    assert len(done) > 2, "no batch was done after the kill"
    assert sum(done) == totals[0] and report.annotated > 0, "progress counts each block once"
    assert tree(site / "build") == local_build


def kill_a_busy_worker(client: Client) -> str:
    """SIGKILL a worker that is running one of sitegen's batches; its address."""
    deadline = time.monotonic() + 10  # the scheduler hands out the next batch in a moment
    while not (busy := [w for w, keys in client.processing().items() if keys]):
        assert time.monotonic() < deadline, "no worker is running a batch"
        time.sleep(0.01)
    pid = client.run(os.getpid, workers=busy[:1])[busy[0]]
    os.kill(pid, signal.SIGKILL)
    return busy[0]


@pytest.mark.model
def test_filled_on_the_cluster_a_local_build_annotates_nothing(
    site: Path, local_build: dict[str, bytes], cluster: tuple[LocalCluster, Client]
) -> None:
    local, client = cluster
    client.wait_for_workers(2)
    address = local.scheduler_address
    assert cli.main(["cache", "fill", "--site", str(site), "--dask", address, "-q"]) == 0
    assert not (site / "build").exists(), "fill builds nothing"
    report = build_site_folder(site, None, use_cache=True)
    assert report.annotated == 0
    assert tree(site / "build") == local_build
