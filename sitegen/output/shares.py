"""Write: many pages rendered on every core.

A cold build renders thousands of pages, each in pure Python (Jinja), so one
process renders them one at a time while the other cores wait. Where processes
fork (Linux, macOS), the pages are dealt out to forked copies of this process,
each rendering its share into the staging folder and reporting which files it
wrote: the pages' closures and the site they read are inherited, never pickled.
Elsewhere, and for fewer pages than are worth a process, they are rendered here.
"""

from __future__ import annotations

import multiprocessing
from collections.abc import Callable, Sequence

from ..cores import default_jobs
from ..model import Page

MIN_SHARE = 200
"""Pages a process must have to render for another process to be worth forking."""

Render = Callable[[Sequence[Page]], list[str]]
_shares: tuple[Render, list[Sequence[Page]]] | None = None
"""What the forked processes render: set before they fork, so each inherits it."""


def render_shared(render: Render, pages: Sequence[Page]) -> list[str]:
    """``render(pages)``, the pages dealt out to as many processes as there are cores
    (and shares of MIN_SHARE pages); the paths each wrote, in a fixed order."""
    global _shares
    workers = min(default_jobs(), len(pages) // MIN_SHARE)
    if workers < 2 or "fork" not in multiprocessing.get_all_start_methods():
        return render(pages)
    shares = [pages[n::workers] for n in range(workers)]  # dealt: big pages spread out
    _shares = (render, shares)
    try:
        with multiprocessing.get_context("fork").Pool(workers - 1) as pool:
            theirs = pool.map_async(_render_share, range(1, workers))
            mine = render(shares[0])
            return mine + [path for share in theirs.get() for path in share]
    finally:
        _shares = None


def _render_share(n: int) -> list[str]:
    assert _shares is not None, "set before the fork"
    render, shares = _shares
    return render(shares[n])
