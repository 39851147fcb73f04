"""Write: files made from the rendered site itself (the search index's shards).

Each ``Derived`` is a folder of files made by a program from pages already rendered
(before any of them is moved into the output folder), keyed by what those pages were
made from: a shard whose key is the one its files were last written with is kept as
it is. Those made again are made side by side, threads waiting on their programs,
and each is written as soon as it is made (a large site's index is not all in memory
at once). Each may find that the pages that changed since its files were made did
not change what it holds (an entity page whose passages changed, not its searched
header), and then its files are kept too. What each was made from is recorded with
the output, so that stays true when files are kept stale (the preview's edits) or a
build fails midway.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from ..cache import digest
from ..model import OutputFile, Page
from ..stopping import as_done
from .record import Record

#: The new site, as the file that holds each of its pages by path (staged or in the
#: output folder): derived files are made from it before any of it is moved in.
PageFiles = Callable[[str], Path]


@dataclass(frozen=True)
class Derived:
    """Files made from the written site itself (a search shard), all under ``prefix``."""

    prefix: str
    inputs: Mapping[str, str]
    """What they are made from: the pages (path -> key) and the maker's version."""
    make: Callable[[PageFiles, Path, Mapping[str, str] | None], Sequence[OutputFile] | None]
    """Makes them from the new site, given the output folder of the last build and the
    inputs its files were made from (None: unknown); None: the last build's files are
    still right."""
    refresh: bool = True
    """False keeps the files of the last build even when stale (the preview's edits)."""
    stop: Callable[[], None] | None = None
    """Stops at once any ``make`` under way (the build was stopped, or failed)."""

    @functools.cached_property
    def key(self) -> str:
        """A digest of the inputs: equal keys, the files are kept as they are."""
        return digest(*(part for item in sorted(self.inputs.items()) for part in item)).hex()


def reuse(
    previous: Record, derived: Sequence[Derived], out_dir: Path
) -> tuple[list[Page], list[Derived], dict[str, dict[str, str]]]:
    """The derived files of the last build to keep as they are (as pages that read
    them back), the Derived to make anew, and what the kept ones were made from."""
    kept: list[Page] = []
    todo: list[Derived] = []
    carried: dict[str, dict[str, str]] = {}
    read = functools.partial(_read_kept, out_dir)
    under = _by_prefix(previous.files, [one.prefix for one in derived])
    for one in derived:
        old = under[one.prefix]
        if old and (not one.refresh or set(old.values()) == {one.key}):
            kept += [Page(p, k, functools.partial(read, p)) for p, k in old.items()]
            if one.prefix in previous.made_from:  # stale files stay known as such
                carried[one.prefix] = previous.made_from[one.prefix]
        else:
            todo.append(one)
    return kept, todo, carried


def _read_kept(out_dir: Path, path: str) -> bytes:
    return (out_dir / path).read_bytes()


@dataclass(frozen=True)
class MadeDerived:
    """What ``make_derived`` made."""

    keys: dict[str, str]
    """Each derived file, with its key."""
    changed: list[str]
    """The files whose bytes changed, as ``write`` said."""
    made: int
    """How many were made (the rest were still right)."""
    made_from: dict[str, dict[str, str]]
    """What each Derived was made from, by prefix."""


def make_derived(
    derived: Sequence[Derived],
    site: PageFiles,
    out_dir: Path,
    previous: Record,
    jobs: int,
    write: Callable[[Sequence[Page]], list[str]],
) -> MadeDerived:
    """Make the files of ``derived`` from the new ``site`` (``jobs`` at a time) and give
    each one's files to ``write`` as soon as they are made, as pages keyed by their
    Derived's key (those still right read back from ``out_dir``): a large site's index
    is in memory a shard or two at a time, not all at once (at 10,000 articles it is
    120 MB). Which is written first depends on which is made first; what is written
    does not."""
    made_from = {one.prefix: dict(one.inputs) for one in derived}
    keys: dict[str, str] = {}
    changed: list[str] = []
    made = 0
    if not derived:
        return MadeDerived(keys, changed, made, made_from)
    under = _by_prefix(previous.files, [one.prefix for one in derived])

    def make(one: Derived) -> Sequence[OutputFile] | None:
        old = previous.made_from.get(one.prefix)
        return one.make(site, out_dir, old if under[one.prefix] else None)

    read = functools.partial(_read_kept, out_dir)
    with ThreadPoolExecutor(max_workers=max(1, min(len(derived), jobs))) as pool:
        started = {pool.submit(make, one): one for one in derived}
        try:
            for future in as_done(list(started)):  # each written as soon as it is made
                one, files = started.pop(future), future.result()
                if files is None:  # still right
                    pages = [
                        Page(p, one.key, functools.partial(read, p)) for p in under[one.prefix]
                    ]
                else:
                    pages = [
                        Page(f.path, one.key, functools.partial(bytes, f.content)) for f in files
                    ]
                    made += len(pages)
                changed += write(pages)
                keys.update((page.path, one.key) for page in pages)
        except BaseException:  # failed or stopped (SIGTERM): those not started never
            pool.shutdown(wait=False, cancel_futures=True)  # are, those under way stop
            for stop in {one.stop for one in started.values() if one.stop}:
                stop()
            raise
    return MadeDerived(keys, changed, made, made_from)


def _by_prefix(files: Mapping[str, str], prefixes: Sequence[str]) -> dict[str, dict[str, str]]:
    """The ``files`` under each of ``prefixes`` (folders: ``pagefind-shards/a01/``),
    in one pass over them, not one per prefix."""
    found: dict[str, dict[str, str]] = {prefix: {} for prefix in prefixes}
    depths = sorted({prefix.count("/") for prefix in prefixes})
    tops = {prefix.partition("/")[0] for prefix in prefixes}
    for path, key in files.items():
        if path.partition("/")[0] not in tops:
            continue
        parts = path.split("/")
        for depth in depths:
            folder = "/".join(parts[:depth]) + "/"
            if folder in found and len(parts) > depth:
                found[folder][path] = key
    return found
