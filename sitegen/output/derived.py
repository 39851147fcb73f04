"""Write: files made from the written site itself (the search index's shards).

Each ``Derived`` is a folder of files made by a program from pages already
rendered, keyed by what those pages were made from: a shard whose key is the
one its files were last written with is kept as it is. Those made again are made
side by side, one thread each waiting on its program; each may find that the
pages that changed did not change what it holds (an entity page whose passages
changed, not its searched header), and then its files are kept too.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Collection, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from ..cores import default_jobs
from ..model import OutputFile, Page


@dataclass(frozen=True)
class Derived:
    """Files made from the written site itself (a search shard), all under ``prefix``."""

    prefix: str
    key: str
    """A digest of what they are made from: equal keys, the files are kept as they are."""
    make: Callable[[Path, Path, frozenset[str]], Sequence[OutputFile] | None]
    """Makes them from a folder holding the new site, given the output folder of the
    last build and the pages whose bytes changed since; None: the last build's
    files are still right."""
    refresh: bool = True
    """False keeps the files of the last build even when stale (the preview's edits)."""


def reuse(
    previous: dict[str, str], derived: Sequence[Derived], out_dir: Path
) -> tuple[list[Page], list[Derived]]:
    """The derived files of the last build to keep as they are (as pages that read
    them back), and the Derived to make anew."""
    kept: list[Page] = []
    todo: list[Derived] = []
    read = functools.partial(_read_kept, out_dir)
    for one in derived:
        old = {p: k for p, k in previous.items() if p.startswith(one.prefix)}
        if old and (not one.refresh or set(old.values()) == {one.key}):
            kept += [Page(p, k, functools.partial(read, p)) for p, k in old.items()]
        else:
            todo.append(one)
    return kept, todo


def _read_kept(out_dir: Path, path: str) -> bytes:
    return (out_dir / path).read_bytes()


def make_derived(
    derived: Sequence[Derived],
    site: Path,
    out_dir: Path,
    previous: dict[str, str],
    changed: Collection[str],
) -> tuple[list[Page], int]:
    """The files of ``derived`` made from the site in the folder ``site``, as pages
    keyed by their Derived's key (those still right read back from ``out_dir``),
    and how many were made."""
    if not derived:
        return [], 0
    pages = frozenset(changed)
    with ThreadPoolExecutor(max_workers=min(len(derived), default_jobs())) as pool:
        made = list(pool.map(lambda one: one.make(site, out_dir, pages), derived))
    read = functools.partial(_read_kept, out_dir)
    kept = [
        Page(path, one.key, functools.partial(read, path))
        for one, files in zip(derived, made, strict=True)
        if files is None
        for path in previous
        if path.startswith(one.prefix)
    ]
    new = [
        Page(f.path, one.key, functools.partial(bytes, f.content))
        for one, files in zip(derived, made, strict=True)
        for f in files or ()
    ]
    return kept + new, len(new)
