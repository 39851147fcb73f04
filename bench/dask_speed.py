"""Annotating on Dask vs on this machine's cores: a cold build, side by side.

A generated site (bench/sites.py: paragraphs never repeat, so nothing is
shared through the cache) is built from an empty cache, in one run:

- locally with every core (``Pipeline(site, jobs=N)``: N worker processes);
- with ``--dask local:2`` (a LocalCluster of 2 worker processes);
- with ``--dask local:1``, for the scaling from 1 to 2 Dask workers.

It prints words/s of the whole build (cluster start and model loads included)
and of the annotation alone, the ratio Dask / local (the target: within 15%, so
that more machines are a straight win), and the 1 -> 2 worker scaling. On a
machine shared with other work wall time drifts with their load, so it also
prints words per CPU-second of this process and all its children (workers
included): what Dask's machinery costs, whatever else runs. The outputs of
every configuration must be byte-identical.

    python bench/dask_speed.py [--articles 1000] [--rounds 1]
"""

from __future__ import annotations

import argparse
import resource
import shutil
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from sites import make_site

from sitegen.cache import CACHE_DIR
from sitegen.nlp.workers import default_jobs
from sitegen.pipeline import Pipeline


class Clock:
    """A Pipeline progress callback that times the annotation stage."""

    def __init__(self) -> None:
        self.start = self.end = 0.0

    def __call__(self, description: str, total: int) -> Callable[[int], None]:
        self.start = self.end = time.perf_counter()

        def advance(n: int) -> None:
            self.end = time.perf_counter()

        return advance


Run = tuple[float, float, float]
"""Seconds of a cold build, of its annotation stage, and CPU-seconds it used."""


def cold_build(site: Path, out: Path, jobs: int | None, dask: str | None) -> Run:
    shutil.rmtree(site / CACHE_DIR, ignore_errors=True)
    shutil.rmtree(out, ignore_errors=True)
    clock = Clock()
    cpu, began = cpu_seconds(), time.perf_counter()
    Pipeline(site, jobs=jobs, dask=dask, progress=clock).build(out)
    return time.perf_counter() - began, clock.end - clock.start, cpu_seconds() - cpu


def cpu_seconds() -> float:
    """CPU time of this process and of its children that have ended (workers included)."""
    own, children = (
        resource.getrusage(who) for who in (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN)
    )
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def tree(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in root.rglob("*") if p.is_file()}


def words(site: Path) -> int:
    return sum(len(p.read_text(encoding="utf-8").split()) for p in (site / "content").glob("*.md"))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=1000)
    parser.add_argument("--rounds", type=int, default=1, help="builds per configuration")
    args = parser.parse_args()
    cores = default_jobs()
    configs = {
        f"local, {cores} processes": (cores, None),
        "dask local:2": (None, "local:2"),
        "dask local:1": (None, "local:1"),
    }
    with tempfile.TemporaryDirectory() as tmp:
        site = make_site(Path(tmp) / "site", args.articles)
        total = words(site)
        print(f"{args.articles} articles, {total:,} words, empty cache, {cores} cores", flush=True)
        times: dict[str, list[Run]] = {name: [] for name in configs}
        outputs: dict[str, dict[str, bytes]] = {}
        for _ in range(args.rounds):  # configurations interleaved: the machine is shared
            for name, (jobs, dask) in configs.items():
                out = Path(tmp) / name.replace(" ", "-").replace(",", "")
                times[name].append(cold_build(site, out, jobs, dask))
                build, annotate, cpu = times[name][-1]
                line = f"  {name}: {build:.1f} s, annotation {annotate:.1f} s, {cpu:.0f} CPU-s"
                print(line, flush=True)
                outputs[name] = tree(out)
        report(times, total)
        same = all(o == outputs[next(iter(configs))] for o in outputs.values())
        print(f"outputs byte-identical: {'yes' if same else 'NO'}")


def report(times: dict[str, list[Run]], total: int) -> None:
    rate: dict[str, tuple[float, float, float]] = {}
    print(f"{'':22} {'build s':>8} {'words/s':>8} {'annotate s':>11} {'words/s':>8}", end="")
    print(f" {'CPU s':>7} {'words/CPU-s':>12}")
    for name, runs in times.items():
        build, annotate, cpu = (statistics.median(run[i] for run in runs) for i in range(3))
        rate[name] = (total / build, total / annotate, total / cpu)
        print(
            f"{name:22} {build:8.1f} {rate[name][0]:8.0f} {annotate:11.1f} {rate[name][1]:8.0f}",
            end="",
        )
        print(f" {cpu:7.0f} {rate[name][2]:12.0f}")
    local, two, one = rate.values()
    print(
        f"dask local:2 / local: {two[0] / local[0]:.2f} (build), "
        f"{two[1] / local[1]:.2f} (annotation), {two[2] / local[2]:.2f} (per CPU-second); "
        "target >= 0.85"
    )
    print(
        f"dask 1 -> 2 workers: {two[0] / one[0]:.2f}x (build), {two[1] / one[1]:.2f}x (annotation)"
    )


if __name__ == "__main__":
    main()
