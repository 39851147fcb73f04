"""Write: files made from the written site itself (the search index's shards).

Each ``Derived`` is a folder of files made by a program from pages already
rendered, keyed by what those pages were made from: a shard whose key is the
one its files were last written with is kept as it is. Those made again are made
side by side, one thread each waiting on its program.
"""

from __future__ import annotations

import functools
import os
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from ..model import OutputFile, Page


@dataclass(frozen=True)
class Derived:
    """Files made from the written site itself (a search shard), all under ``prefix``."""

    prefix: str
    key: str
    """A digest of what they are made from: equal keys, the files are kept as they are."""
    make: Callable[[Path], Sequence[OutputFile]]
    """Makes them from a folder holding the new site."""
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


def make_derived(derived: Sequence[Derived], site: Path) -> list[Page]:
    """The files of ``derived`` made from the site in the folder ``site``, as pages
    keyed by their Derived's key."""
    if not derived:
        return []
    with ThreadPoolExecutor(max_workers=min(len(derived), os.cpu_count() or 1)) as pool:
        made = list(pool.map(lambda one: one.make(site), derived))
    return [
        Page(f.path, one.key, functools.partial(bytes, f.content))
        for one, files in zip(derived, made, strict=True)
        for f in files
    ]
