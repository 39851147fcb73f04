"""The render and output stages of a build: every file of the site planned with its
key (``render/pages.py``), and those whose key changed rendered and written with the
search index (``output/write.py``).

A ``SiteWriter`` is what one build writes with: the settings and theme every page is
made with, the salt of its keys and the output folder. The render stage is imported
where it is first needed: a warm build with nothing changed never gets this far
(see ``pipeline.py``).
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

from . import memos
from .cache import Cache
from .errors import Problems, Reported, SitegenError
from .model import BuildReport, Site
from .output.folder import write_locked
from .output.pages import deploy_files
from .output.record import Known
from .output.write import Written, write_first, write_site
from .render.theme import Settings, Theme
from .stored import load_stamps, store_stamps, without_gc

W = TypeVar("W")
#: At most this many articles read anew have their pages written first (``early``):
#: more is not an edit but a change of the whole site, written as one.
EARLY_ARTICLES = 8


@dataclass(frozen=True)
class SiteWriter:
    """What one build writes with, and where. ``once``: the process builds once, so
    what the render stage works out is let go of as soon as every page is planned."""

    out_dir: Path
    settings: Settings
    theme: Theme
    salt: str
    cache: Cache | None
    jobs: int
    once: bool

    def plan_ahead(self, site: Site) -> None:
        """What planning the pages keeps of ``site``, worked out while new blocks are
        annotated elsewhere (``site`` is the site without the articles they are in)."""
        from .render.pages import plan_ahead

        memos.load_stored(self.cache, (a.key for a in site.articles))
        plan_ahead(site, self.settings, self.theme, self.salt)

    def write(
        self,
        site: Site,
        fresh: Collection[str],
        search: bool,
        cname: str,
        early: Callable[[Sequence[str]], None] | None = None,
    ) -> tuple[Written, list[str]]:
        """Plan every file of the site and write those whose key changed, with the
        search index (made again only with ``search``; the shards of an edit of the
        few articles ``fresh`` (slugs) are started before the rest of the site is
        planned); and the files written first, if ``early`` (the preview's edits):
        the pages of those few articles, written before the rest, ``early`` told of
        those that changed."""
        from .render.keys import searched_keys
        from .render.pages import plan_site
        from .render.search import search_bundles
        from .render.search_ahead import IndexedAhead, index_ahead

        few = 0 < len(fresh) <= EARLY_ARTICLES
        first, known = self._write_early(site, fresh, early) if few else ([], None)
        settings, theme, salt = self.settings, self.theme, self.salt
        with IndexedAhead() as ahead:
            with without_gc(self.once):
                memos.load_stored(self.cache, (a.key for a in site.articles))
                if settings.search and search and few:
                    index_ahead(ahead, site, settings, theme, salt, fresh, self.out_dir)
                extra = deploy_files(cname)
                pages = ahead.rendered(plan_site(site, settings, theme, salt, extra))
                keys = {page.path: page.key for page in pages}
                if settings.search:  # (the pages of the index by what Pagefind reads of them)
                    keys |= searched_keys(site, theme, salt, keys)
            if self.once:  # a fifth of a large site's memory, which writing it then uses
                memos.store_made(self.cache)
                memos.empty_memos()
            index = (
                search_bundles(site, keys, settings.language, search, ahead.ready)
                if settings.search
                else []
            )
            with without_gc(self.once):
                write = functools.partial(
                    write_site, pages, derived=index, jobs=self.jobs, known=known
                )
                stamped = functools.partial(self._stamped, write, _written_stamps)
                return write_locked(stamped, self.out_dir), first

    def _write_early(
        self, site: Site, fresh: Collection[str], early: Callable[[Sequence[str]], None] | None
    ) -> tuple[list[str], Known | None]:
        """The pages of the few articles ``fresh`` that changed, written before the
        rest of the site is planned: the files that changed, and the record written."""
        if early is None:
            return [], None
        from .render.pages import first_pages

        pages = first_pages(site, self.settings, self.theme, self.salt, fresh)
        write = functools.partial(
            self._stamped, functools.partial(write_first, pages), _known_stamps
        )
        first, known = write_locked(write, self.out_dir)
        early(first)
        return first, known

    def _stamped(
        self, write: Callable[..., W], stamps_of: Callable[[W], dict[str, int] | None], out: Path
    ) -> W:
        """``write(out, stamps=…)``, given the modification times the last build left its
        files with; the times it leaves them with kept for the next build (``stamps_of``
        what it returns), all under the folder's lock (see ``output/record.py``)."""
        written = write(out, stamps=load_stamps(self.cache, out))
        if (stamps := stamps_of(written)) is not None:
            store_stamps(self.cache, out, stamps)
        return written


def _written_stamps(written: Written) -> dict[str, int]:
    return written.stamps


def _known_stamps(first: tuple[list[str], Known | None]) -> dict[str, int] | None:
    return first[1].record.stamps if first[1] is not None else None


def report(
    out_dir: Path,
    site: Site,
    written: Written,
    first: Sequence[str],
    problems: Problems,
    annotated: int,
) -> BuildReport:
    """What a build did, for the command line to print."""
    return BuildReport(
        out_dir=str(out_dir),
        articles=len(site.articles),
        entities=len(site.entities),
        files=written.files,
        warnings=tuple(
            Reported(w.message, w.path, w.line, w.cites)
            for w in sorted(problems.warnings, key=SitegenError.sort_key)
        ),
        rendered=written.rendered,
        changed=tuple(sorted({*written.changed, *first})),
        annotated=annotated,
        skipped=tuple(problems.skipped),
    )
