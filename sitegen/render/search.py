"""Render, last step: the search index, made by Pagefind from the rendered pages.

Pagefind (``pagefind[bin]`` on PyPI, a dependency of sitegen) reads HTML and
writes a static index and a small search UI; the search page loads them in the
browser, so searching needs no server. Article and entity pages are searched,
each the part it marks ``data-pagefind-body``; entity names are filters
(``data-pagefind-filter``).

The index is made in shards: article pages and entity pages are each spread
over up to 16 Pagefind bundles by a hash of their path, so an edit indexes its
shard again, not the whole site (Pagefind cannot update an index). The first
shard, ``pagefind/``, also holds the UI; the others, under ``pagefind-shards/``,
only their index, and the search page merges them in the browser (Pagefind's
``mergeIndex``, made for searching several sites at once).

This is the one render step that runs a program: the pages are written to a
private temporary folder for it and the index read back as OutputFiles, so the
output folder is still written by the writer alone. Without the binary the
build fails with the fix in the message: a search page without its index would
be broken, and ``[site] search = false`` turns search off on purpose.
"""

from __future__ import annotations

import functools
import os
import subprocess
import tempfile
import zlib
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from types import MappingProxyType

from ..errors import SitegenError
from ..model import HIGHLIGHT_STYLES, OutputFile, Site
from ..output.derived import Derived, PageFiles
from ..output.write import link_file
from .search_stable import stable_bundle

#: The search filters (facets) entities are listed under, by label: names
#: without commas, which separate filters in ``data-pagefind-filter``.
FACETS: Mapping[str, str] = MappingProxyType(
    {label: words[0].upper() + words[1:] for label, (_, words) in HIGHLIGHT_STYLES.items()}
)
BUNDLE = "pagefind"
"""The output folder of the UI and the first shard of the index."""
SHARDS = "pagefind-shards"
"""The output folder of the other shards."""
#: Pages per shard, by family: indexing an article page costs about four times an
#: entity page (whose header alone is searched). A site that fits in one shard has
#: one; more pages, more shards (a power of two per family, so a growing site
#: splits shards in two), up to MAX_SHARDS per family: each shard is one more
#: request per word searched.
SHARD_PAGES: Mapping[str, int] = MappingProxyType({"a": 64, "e": 256})
MAX_SHARDS = 16
#: What a merged shard needs (it uses the first shard's UI and WebAssembly).
_INDEX_PARTS = ("pagefind-entry.json", "index/", "fragment/", "filter/")
MISSING = (
    "search needs the Pagefind binary: pip install 'pagefind[bin]' "
    "(or set [site] search = false in sitegen.toml)"
)


#: Seconds Pagefind may take over one shard.
PAGEFIND_TIMEOUT = 600
PAGEFIND = "(pagefind)"
"""The input of a shard that names the Pagefind that made it (no page path has
parentheses at its start)."""


def pagefind_version() -> str:
    """The version of the Pagefind binary (``pagefind 1.5.2``): what makes the index."""
    binary = pagefind_binary()
    stat = binary.stat()
    return _version(str(binary), stat.st_size, stat.st_mtime_ns)


@functools.cache
def _version(binary: str, size: int, mtime: int) -> str:
    """(Asked once per binary file as it is on disk.)"""
    try:
        done = subprocess.run([binary, "--version"], capture_output=True, text=True, timeout=60)
    except OSError as exc:
        raise SitegenError(f"{MISSING}; running it failed: {exc}") from None
    return done.stdout.strip() or f"unknown, exit status {done.returncode}"


def pagefind_binary() -> Path:
    """The Pagefind executable: ``PAGEFIND_BINARY_PATH``, else the ``pagefind_bin`` package's."""
    configured = os.environ.get("PAGEFIND_BINARY_PATH")
    if configured:
        path = Path(configured)
    else:
        try:
            from pagefind_bin import get_executable
        except ImportError:
            raise SitegenError(MISSING) from None
        try:
            path = Path(get_executable())
        except FileNotFoundError:
            raise SitegenError(MISSING) from None
    if not (path.is_file() and os.access(path, os.X_OK)):
        raise SitegenError(f"{MISSING}; {path} is not an executable file")
    return path


@dataclass(frozen=True)
class Shard:
    """One Pagefind bundle of the search index."""

    bundle: str
    """Its folder in the output (``pagefind`` or ``pagefind-shards/a03``)."""
    paths: tuple[str, ...]
    """The pages it indexes."""


def search_shards(families: Mapping[str, Sequence[str]]) -> list[Shard]:
    """The shards of the index of the pages in ``families`` (``"a"``: article pages,
    ``"e"``: entity pages); the first is ``pagefind``, and none is empty."""
    groups: list[tuple[str, list[str]]] = []
    if sum(len(paths) / SHARD_PAGES[family] for family, paths in families.items()) <= 1:
        groups.append(("all", sorted(p for paths in families.values() for p in paths)))
    else:
        for family, paths in families.items():
            count = _shard_count(len(paths), SHARD_PAGES[family])
            split: list[list[str]] = [[] for _ in range(count)]
            for path in paths:
                split[zlib.crc32(path.encode()) % count].append(path)
            groups += [(f"{family}{n:02d}", sorted(g)) for n, g in enumerate(split)]
    groups = [(name, paths) for name, paths in groups if paths]  # none empty
    return [
        Shard(BUNDLE if n == 0 else f"{SHARDS}/{name}", tuple(paths))
        for n, (name, paths) in enumerate(groups)
    ]


def site_shards(site: Site) -> list[Shard]:
    """The shards of ``site``'s index: its article pages and entity pages."""
    articles = [f"{a.slug}/index.html" for a in site.articles]
    entities = [f"entities/{e.id}/index.html" for e in site.entities]
    # With nothing to search (every article a draft), the home page, so the search
    # page still has an index to load.
    return search_shards({"a": articles, "e": entities}) or [Shard(BUNDLE, ("index.html",))]


def _shard_count(pages: int, per_shard: int) -> int:
    count = 1
    while count < MAX_SHARDS and count * per_shard < pages:
        count *= 2
    return count


#: The bundle of a shard if one was made ahead from these inputs (``search_ahead``).
Ready = Callable[["Shard", Mapping[str, str]], "dict[str, bytes] | None"]


def search_bundles(
    site: Site,
    keys: Mapping[str, str],
    language: str,
    refresh: bool = True,
    ready: Ready | None = None,
) -> list[Derived]:
    """Pagefind's index of the site's article and entity pages, one Derived per shard
    (see above), made by the writer from the written HTML, and again only when one of
    its pages' ``keys`` changed (or Pagefind did); ``ready`` has the shards made ahead.
    A page's key here is the key of what Pagefind reads of it (``searched_keys``) if
    it has one, else the page's own."""
    version = pagefind_version()  # missing: say so now, whether or not the index is stale
    bundles = []
    for shard in site_shards(site):
        inputs = {PAGEFIND: version, **{p: keys[p] for p in shard.paths}}
        make = functools.partial(
            search_index, language=language, shard=shard, inputs=inputs, ready=ready
        )
        bundles.append(Derived(f"{shard.bundle}/", inputs, make, refresh, stop_runs))
    return bundles


def search_index(
    site: PageFiles,
    old: Path,
    made_from: Mapping[str, str] | None,
    *,
    language: str,
    shard: Shard,
    inputs: Mapping[str, str],
    ready: Ready | None = None,
) -> list[OutputFile] | None:
    """The Pagefind bundle of ``shard``'s pages in the new ``site`` (made from
    ``inputs``: the pages' keys and Pagefind's version), as files under its folder;
    None if its bundle in ``old`` (the last build's output), made from ``made_from``,
    is still right. ``site`` is only read; a bundle ``ready`` has from the same inputs
    is taken as it is (and tells whether the old one is still right)."""
    made = ready(shard, inputs) if ready is not None else None
    if made_from is not None and _still_right(
        site, old / shard.bundle, inputs, made_from, language, made
    ):
        return None
    if made is None:
        made = _pagefind(site, shard.paths, language)
    names = sorted(made)
    if shard.bundle != BUNDLE:
        names = [name for name in names if _index_part(name)]
    files = [OutputFile(f"{shard.bundle}/{name}", made[name]) for name in names]
    return stable_bundle(files, shard.bundle)


def _still_right(
    site: PageFiles,
    bundle: Path,
    inputs: Mapping[str, str],
    made_from: Mapping[str, str],
    language: str,
    made: Mapping[str, bytes] | None,
) -> bool:
    """Whether ``bundle``, made from ``made_from``, holds what it would for ``inputs``:
    the same pages by the same Pagefind, and of the pages whose key changed,
    Pagefind makes the fragments it has (each named by its content, which is all a
    page adds to an index). ``made``: the new bundle, if made already."""
    if made_from.keys() != inputs.keys() or made_from[PAGEFIND] != inputs[PAGEFIND]:
        return False
    edited = [path for path in inputs if path != PAGEFIND and made_from[path] != inputs[path]]
    if len(edited) == len(inputs) - 1 and made is None:
        return False  # finding out would cost what indexing them all does
    try:
        kept = {path.name for path in (bundle / "fragment").iterdir()}
    except OSError:
        return False
    if made is None:
        made = _pagefind(site, edited, language) if edited else {}
    return all(name.removeprefix("fragment/") in kept for name in made if "fragment/" in name)


#: The Pagefind runs under way on the threads that make the search shards.
_running: set[PagefindRun] = set()


def _pagefind(site: PageFiles, paths: Sequence[str], language: str) -> dict[str, bytes]:
    """Pagefind run over the pages ``paths`` of ``site``: its files by name."""
    with tempfile.TemporaryDirectory(prefix="sitegen-search-") as tmp:
        pages = Path(tmp, "site")
        for path in paths:
            target = pages / path
            target.parent.mkdir(parents=True, exist_ok=True)
            link_file(site(path), target)
        run = start_pagefind(pages, Path(tmp, "out"), language)
        _running.add(run)
        try:
            return finish_pagefind(run)
        finally:
            _running.discard(run)


def stop_runs() -> None:
    """Kill the Pagefind runs under way (the build was stopped, or failed): the threads
    waiting for them end at once, not once Pagefind has indexed its shard."""
    for run in list(_running):
        run.process.kill()


@dataclass(frozen=True)
class PagefindRun:
    """Pagefind indexing a folder of pages, started and not yet waited for."""

    process: subprocess.Popen[str]
    out: Path
    """Where it writes the bundle."""

    def stop(self) -> None:
        """Kill it if it is still running, and wait for it to exit."""
        if self.process.returncode is None:
            self.process.kill()
            self.process.communicate()


def start_pagefind(pages: Path, out: Path, language: str) -> PagefindRun:
    """Start Pagefind on the folder ``pages``, writing its bundle into ``out``."""
    command = [str(pagefind_binary()), "--site", str(pages), "--output-path", str(out)]
    command += ["--silent", "--force-language", language.split("-")[0].lower()]
    try:
        process = subprocess.Popen(
            command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
        )
    except OSError as exc:
        raise SitegenError(f"{MISSING}; running it failed: {exc}") from None
    return PagefindRun(process, out)


def finish_pagefind(run: PagefindRun) -> dict[str, bytes]:
    """The files of the bundle ``run`` made, by name, once it has finished."""
    try:
        stdout, stderr = run.process.communicate(timeout=PAGEFIND_TIMEOUT)
    except subprocess.TimeoutExpired:
        run.stop()
        raise SitegenError(f"Pagefind failed: still running after {PAGEFIND_TIMEOUT} s") from None
    if run.process.returncode != 0:
        detail = (stderr or stdout).strip().splitlines()
        raise SitegenError(f"Pagefind failed: {detail[-1] if detail else run.process.returncode}")
    out = run.out
    return {p.relative_to(out).as_posix(): p.read_bytes() for p in out.rglob("*") if p.is_file()}


def _index_part(name: str) -> bool:
    return name.startswith(_INDEX_PARTS) or name.endswith(".pf_meta")
