"""Write: many pages rendered on every core.

A cold build renders thousands of pages, each in pure Python (Jinja), so one
process renders them one at a time while the other cores wait. On Linux, the
pages are dealt out to forked copies of this process, each rendering its share
into the staging folder and reporting which files it wrote: the pages' closures
and the site they read are inherited, never pickled. A copy forked while other
threads run could inherit a lock one of them holds, so a process with threads
(the preview's server), a system that does not fork safely, or too few pages
for another process to be worth it: the pages are rendered here.
"""

from __future__ import annotations

import multiprocessing
import sys
import threading
from collections.abc import Callable, Sequence
from multiprocessing.connection import Connection, wait
from multiprocessing.process import BaseProcess

from ..errors import SitegenError
from ..model import Page

MIN_SHARE = 200
"""Pages a process must have to render for another process to be worth forking."""
RUN = 50
"""The forking process renders its share this many pages at a time, looking between
runs whether a copy failed (a fraction of a second of rendering)."""

Render = Callable[[Sequence[Page]], list[str]]
_shares: tuple[Render, list[Sequence[Page]]] | None = None
"""What the forked processes render: set before they fork, so each inherits it."""


def render_shared(render: Render, pages: Sequence[Page], jobs: int) -> list[str]:
    """``render(pages)``, the pages dealt out to up to ``jobs`` processes (shares of
    at least MIN_SHARE pages); the paths each wrote, in a fixed order. A failure or a
    stop (SIGTERM) here ends the copies at once, and a failure in a copy ends this
    process's share at once, not once they have rendered their share (half a minute
    of a cold build at 10,000 articles)."""
    global _shares
    workers = min(jobs, len(pages) // MIN_SHARE)
    if workers < 2 or not can_fork():
        return render(pages)
    shares = [pages[n::workers] for n in range(workers)]  # dealt: big pages spread out
    _shares = (render, shares)
    context = multiprocessing.get_context("fork")
    copies: list[tuple[BaseProcess, Connection]] = []
    try:
        for n in range(1, workers):
            receive, send = context.Pipe(duplex=False)
            copy: BaseProcess = context.Process(target=_copy, args=(n, send), daemon=True)
            copy.start()
            send.close()
            copies.append((copy, receive))
        mine, said = _render_watching(render, shares[0], [receive for _, receive in copies])
        theirs = [path for _, r in copies for path in (said[r] if r in said else _received(r))]
    except BaseException:
        for copy, _ in copies:
            copy.terminate()
        raise
    finally:
        _shares = None
        for copy, receive in copies:
            copy.join()
            copy.close()
            receive.close()
    return mine + theirs


def _render_watching(
    render: Render, pages: Sequence[Page], receives: list[Connection]
) -> tuple[list[str], dict[Connection, list[str]]]:
    """``render(pages)`` in runs of RUN pages, looking between runs whether a copy has
    said anything: a copy that failed (or died) stops this share at once, its error
    raised here, not once this share is rendered (of two failures, the first seen is
    reported); what the copies that finished said."""
    done: list[str] = []
    said: dict[Connection, list[str]] = {}
    for start in range(0, len(pages), RUN):
        done += render(pages[start : start + RUN])
        pending = [r for r in receives if r not in said]
        ready = wait(pending, timeout=0)
        said |= {r: _received(r) for r in pending if r in ready}
    return done, said


def _received(receive: Connection) -> list[str]:
    """What a copy wrote, or the error it raised (raised here)."""
    try:
        failed, result = receive.recv()
    except (EOFError, OSError):  # it died before it said, or while it did
        raise SitegenError("rendering: a process rendering pages died (out of memory?)") from None
    if failed:
        raise result
    paths: list[str] = result
    return paths


def can_fork() -> bool:
    """Whether this process may fork copies of itself to render: on Linux, with no
    other thread running."""
    return sys.platform == "linux" and threading.active_count() == 1


def _render_share(n: int) -> list[str]:
    assert _shares is not None, "set before the fork"
    render, shares = _shares
    return render(shares[n])


def _copy(n: int, send: Connection) -> None:
    """A forked copy's life: render share ``n`` and say what it wrote, or how it failed."""
    try:
        said: tuple[bool, object] = (False, _render_share(n))
    except Exception as exc:
        said = (True, exc)
    try:
        send.send(said)
    except Exception as exc:  # what cannot be sent as it is (not picklable): in words
        error = said[1] if said[0] else exc
        send.send((True, SitegenError(f"rendering: {type(error).__name__}: {error}")))
    send.close()
