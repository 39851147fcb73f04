"""Render: an edit's search shard, indexed while the rest of the site is planned.

After an edit of a few articles, Pagefind indexing the shard each is in (64
article pages: half a second at 1,000 articles) is the longest step left, and
it waited for every page of the site to be planned and rendered. What it reads
is known as soon as the site is: the shard's article pages and their keys. So
those pages are planned first, as ``plan_site`` plans them, rendered where their
key changed, and put in a private folder with the unchanged ones (linked from
the output, read under its lock); Pagefind indexes that folder in a process of
its own while this one plans and renders the rest of the site. The search step
takes the bundle for a shard whose inputs are still those (``search_index``),
and the writer the pages rendered here, so nothing is done twice.
"""

from __future__ import annotations

import functools
import shutil
import tempfile
from collections.abc import Collection, Mapping, Sequence
from pathlib import Path

from ..model import Page, Site
from ..output.folder import safe_path, write_locked
from ..output.record import read_record
from ..output.write import link_file
from .keys import searched_keys
from .pages import first_pages
from .search import (
    PAGEFIND,
    PagefindRun,
    Shard,
    finish_pagefind,
    pagefind_version,
    site_shards,
    start_pagefind,
)
from .theme import Settings, Theme


class IndexedAhead:
    """Shards of the search index being made ahead, and the pages rendered for them.
    Use as a context manager: leaving it stops what was not waited for and removes
    the private folder."""

    def __init__(self) -> None:
        self._runs: dict[str, tuple[Mapping[str, str], PagefindRun]] = {}
        self._rendered: dict[str, Page] = {}
        """The pages rendered here, each giving the bytes made, by path."""
        self._folder: Path | None = None

    def __enter__(self) -> IndexedAhead:
        return self

    def __exit__(self, *_: object) -> None:
        for _inputs, run in self._runs.values():
            run.stop()
        self._runs.clear()
        if self._folder is not None:
            shutil.rmtree(self._folder, ignore_errors=True)

    def start(
        self,
        plan: Sequence[Page],
        shards: Sequence[Shard],
        version: str,
        language: str,
        out_dir: Path,
        searched: Mapping[str, str],
    ) -> None:
        """Index ``shards`` (article pages all, each planned in ``plan``) from the
        pages as ``plan`` has them: those whose key is the one the output holds are
        linked from it, the others rendered. ``searched``: the keys of what Pagefind
        reads of pages (``searched_keys``), in place of their own."""
        self._folder = folder = Path(tempfile.mkdtemp(prefix="sitegen-search-"))
        planned = {page.path: page for page in plan}

        def stage(out: Path) -> None:  # under the output's lock: files as recorded
            held = read_record(out, check=False)  # (each page checked: not all the site)
            for n, shard in enumerate(shards):
                for path in shard.paths:
                    page, target = planned[path], safe_path(folder / f"{n}", path)
                    target.parent.mkdir(parents=True, exist_ok=True)
                    if held.files.get(path) == page.key and held.holds(out, path):
                        link_file(out / path, target)
                    else:
                        content = page.make()
                        target.write_bytes(content)
                        made = functools.partial(bytes, content)
                        self._rendered[path] = Page(path, page.key, made)

        write_locked(stage, out_dir)
        keys = {path: page.key for path, page in planned.items()} | dict(searched)
        for n, shard in enumerate(shards):
            inputs = {PAGEFIND: version, **{p: keys[p] for p in shard.paths}}
            run = start_pagefind(folder / f"{n}", folder / f"{n}-out", language)
            self._runs[shard.bundle] = (inputs, run)

    def ready(self, shard: Shard, inputs: Mapping[str, str]) -> dict[str, bytes] | None:
        """The bundle of ``shard`` if it is being made from ``inputs``, once made."""
        started = self._runs.get(shard.bundle)
        if started is None or started[0] != inputs:
            return None
        return finish_pagefind(started[1])

    def rendered(self, pages: Sequence[Page]) -> list[Page]:
        """``pages``, those rendered here with the same key giving the bytes made."""
        done = self._rendered
        return [r if (r := done.get(p.path)) and r.key == p.key else p for p in pages]


def edited_shards(site: Site, slugs: Collection[str]) -> list[Shard]:
    """The shards of ``site``'s index that hold the pages of the articles ``slugs``
    and article pages alone (a small site's one shard has entity pages too, whose
    keys only the whole plan knows)."""
    articles = {f"{a.slug}/index.html" for a in site.articles}
    edited = {f"{slug}/index.html" for slug in slugs}
    return [
        shard
        for shard in site_shards(site)
        if edited.intersection(shard.paths) and articles.issuperset(shard.paths)
    ]


def index_ahead(
    ahead: IndexedAhead,
    site: Site,
    settings: Settings,
    theme: Theme,
    salt: str,
    slugs: Collection[str],
    out_dir: Path,
) -> None:
    """Start indexing the shards of the articles ``slugs`` with ``ahead``, over a
    last build's output in ``out_dir`` (none: nothing to start from)."""
    shards = edited_shards(site, slugs)
    if not shards or not read_record(out_dir, check=False).files:
        return
    wanted = {path.removesuffix("/index.html") for shard in shards for path in shard.paths}
    plan = first_pages(site, settings, theme, salt, wanted)
    searched = searched_keys(site, theme, salt, None, wanted)
    ahead.start(plan, shards, pagefind_version(), settings.language, out_dir, searched)
