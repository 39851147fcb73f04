"""The ``sitegen`` command, as it starts: before the rest of sitegen is imported.

A ``sitegen build`` after an edit spends most of its time loading spaCy for the
edited paragraphs, in a worker process (``nlp/ahead.py``) started once the
build knows them: after importing sitegen, reading the content and looking up
the cache, a third of a second or more. Importing spaCy, most of that load,
needs none of it. So when a build looks like an edit (a cache to build on, and
a content file changed since the last build that succeeded), the worker
starts here, first, and the build hands it the new paragraphs once it knows
them, or stops it if there are none (a file saved unchanged) or too many for
one process (then a pool annotates them).
"""

from __future__ import annotations

import argparse
import contextlib
import functools
import os
import signal
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from types import FrameType
from typing import NoReturn

from .cores import default_jobs
from .errors import Terminated, stopped
from .names import BUILT, CACHE_DIR, CACHE_FILE, CONFIG_NAME
from .nlp.worker import start_worker, stop_worker
from .options import parse
from .stopping import stop


def main(argv: Sequence[str] | None = None, end: Callable[[int], NoReturn] | None = None) -> int:
    """Run the command ``argv`` names; ``end``: how a build may end the process once its
    work is done (``command``)."""
    args = parse(argv)
    worker = start_worker() if looks_like_an_edit(args) else None
    try:
        from .cli import run

        return run(args, worker, end)
    finally:
        if worker is not None:  # the build stopped it or handed it on; this is for a
            stop_worker(worker)  # build that ended before (nothing changed, a failure)


def command() -> NoReturn:
    """The ``sitegen`` console script and ``python -m sitegen``: ``main``, then the end."""
    for signum in (signal.SIGINT, signal.SIGTERM):
        signal.signal(signum, functools.partial(_stopped, os.getpid()))
    try:
        code = main(end=end)
    except KeyboardInterrupt as exc:  # (while the command runs, ``cli.run`` says so)
        code = stopped(exc)
    end(code)


def _stopped(pid: int, signum: int, frame: FrameType | None) -> None:
    """SIGTERM ends the command as Ctrl-C does (``Terminated``), so what it started is
    stopped and its scratch removed, and neither while it moves files into the output
    folder (``stopping.held``) nor inside Python's thread code (``stopping.stop``); a
    copy of it forked to render dies as by default."""
    if os.getpid() != pid:
        signal.signal(signum, signal.SIG_DFL)
        os.kill(os.getpid(), signum)
        return
    stop(Terminated() if signum == signal.SIGTERM else KeyboardInterrupt(), frame)


def end(code: int) -> NoReturn:
    """End the process at once, without freeing one by one the millions of objects a
    build made (0.2 s to 0.3 s of an edit's build at 1,000 articles), as mypy ends.
    By then every file written is closed, the cache too, and every process started
    has exited."""
    for stream in (sys.stdout, sys.stderr):
        if stream is None:  # closed when the command started
            continue
        try:
            stream.flush()
        except (BrokenPipeError, ValueError):  # read no further (``| head``), or closed
            pass
        except OSError as exc:  # a full disk, say (unless the command failed: said)
            if not code:
                with contextlib.suppress(OSError, ValueError):
                    print(f"error: writing the output failed: {exc.strerror}", file=sys.stderr)
                    sys.stderr.flush()
                code = 1
    os._exit(code)


def looks_like_an_edit(args: argparse.Namespace) -> bool:
    """Whether ``args`` build a site with a cache and a content file modified since its
    last build that succeeded, annotating on this machine with a core to spare for the
    worker (not on Dask, whether ``--dask`` or ``sitegen.toml`` says so)."""
    if args.command != "build" or args.no_cache or args.dask is not None:
        return False
    if (args.jobs or default_jobs()) < 2:
        return False
    site: Path = args.site
    try:
        if not (site / CACHE_DIR / CACHE_FILE).is_file():
            return False  # a first build: the pool annotates everything
        built = (site / CACHE_DIR / BUILT).stat().st_mtime_ns
    except OSError:
        return False
    if args.jobs is None and on_dask(site):
        return False  # (``--jobs`` annotates here whatever the file says)
    return newer_content(site, built)


def on_dask(site: Path) -> bool:
    """Whether ``site``'s ``sitegen.toml`` names a Dask cluster to annotate on
    (``[nlp] dask``). A file that cannot be read says no here: the build reports it."""
    import tomllib  # (2 ms: only once the cheap checks said yes)

    try:
        with open(site / CONFIG_NAME, "rb") as file:
            nlp = tomllib.load(file).get("nlp")
    except (OSError, ValueError):  # (no file; not TOML, not UTF-8)
        return False
    return isinstance(nlp, dict) and bool(nlp.get("dask"))


def newer_content(site: Path, since: int) -> bool:
    """Whether a content file of ``site`` (as the build finds them) was modified after
    ``since`` (nanoseconds)."""
    from .source.files import walk  # (0.03 s: only once the cheap checks said yes)

    try:
        root = site.resolve()
        found = walk(site / "content", root, site)
        return any(p.suffix == ".md" and p.stat().st_mtime_ns > since for p in found)
    except (OSError, RuntimeError):  # (a file gone meanwhile: the build will say)
        return False
