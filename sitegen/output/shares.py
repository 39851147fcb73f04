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
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool

from ..errors import SitegenError
from ..model import Page

MIN_SHARE = 200
"""Pages a process must have to render for another process to be worth forking."""

Render = Callable[[Sequence[Page]], list[str]]
_shares: tuple[Render, list[Sequence[Page]]] | None = None
"""What the forked processes render: set before they fork, so each inherits it."""


def render_shared(render: Render, pages: Sequence[Page], jobs: int) -> list[str]:
    """``render(pages)``, the pages dealt out to up to ``jobs`` processes (shares of
    at least MIN_SHARE pages); the paths each wrote, in a fixed order."""
    global _shares
    workers = min(jobs, len(pages) // MIN_SHARE)
    if workers < 2 or not can_fork():
        return render(pages)
    shares = [pages[n::workers] for n in range(workers)]  # dealt: big pages spread out
    _shares = (render, shares)
    context = multiprocessing.get_context("fork")
    try:
        with ProcessPoolExecutor(workers - 1, mp_context=context) as pool:
            theirs = [pool.submit(_render_share, n) for n in range(1, workers)]
            mine = render(shares[0])
            return mine + [path for share in theirs for path in share.result()]
    except BrokenProcessPool:
        raise SitegenError("rendering: a process rendering pages died (out of memory?)") from None
    finally:
        _shares = None


def can_fork() -> bool:
    """Whether this process may fork copies of itself to render: on Linux, with no
    other thread running."""
    return sys.platform == "linux" and threading.active_count() == 1


def _render_share(n: int) -> list[str]:
    assert _shares is not None, "set before the fork"
    render, shares = _shares
    return render(shares[n])
