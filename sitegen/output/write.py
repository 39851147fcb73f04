"""Write: the output folder, changed only where the site changed, and never broken.

A page whose key (see ``render.pages``) is the one it was last written with is
not rendered; a rendered page whose bytes equal the old file's is not written
(its mtime stays). Pages are rendered into a temporary folder beside the output
folder first, so a failed build leaves the previous output untouched. A small
change is then moved in file by file (each move atomic, new files before the
pages linking to them, removals last); a large one, or the first build, makes a
whole new tree that takes the old one's place in one atomic exchange. The
folder's checks, lock, exchange and recovery are ``folder.py``'s.
"""

from __future__ import annotations

import functools
import os
import shutil
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from ..errors import SitegenError
from ..model import Page
from ..stopping import held
from .derived import Derived, MadeDerived, PageFiles, make_derived, reuse
from .folder import check_relative, safe_path, staging_folder, swap
from .record import MARKER, Known, Record, read_known, read_record, write_record
from .shares import render_shared

#: When more than this share of the files change, a whole new tree is made and
#: exchanged for the old one; below it, changed files are moved in one by one.
WHOLE_TREE_SHARE = 0.5


@dataclass(frozen=True)
class Written:
    """What writing the output did."""

    files: int
    rendered: int
    """Files made: pages whose key changed, and derived files made again."""
    changed: tuple[str, ...]
    """Files written anew or removed; every other file is the one that was there."""
    stamps: dict[str, int]
    """Each file's modification time (ns) as it is now written (``record.py``)."""


def write_site(
    pages: Sequence[Page],
    out_dir: Path,
    derived: Sequence[Derived] = (),
    jobs: int = 1,
    known: Known | None = None,
    stamps: dict[str, int] | None = None,
) -> Written:
    """Make the output folder hold exactly ``pages`` (and ``derived``'s files), with
    up to ``jobs`` processes; call inside ``locked(out_dir)``.

    Only pages whose key changed are rendered, into a temporary folder first, so
    a failure leaves the output as it was. Then, if most of the site changed (or
    there is no output yet), the new tree replaces the old in one exchange;
    otherwise the changed files are moved in one by one (each move atomic): new
    files first, then changed ones, then removals, so that at every instant every
    link of the site leads to a file. ``known``: the record ``write_first`` wrote,
    if it did; ``stamps``: the modification times the last build left its files with.
    """
    out_dir = out_dir.resolve()
    _check_paths(pages)
    record = read_known(out_dir, known, stamps)
    previous = record.files
    kept, derive, carried = reuse(record, derived, out_dir)
    pages = [*pages, *kept]
    todo = [page for page in pages if previous.get(page.path) != page.key]
    paths = {page.path for page in pages}
    removed = sorted(p for p in [*previous, *record.damaged] if p not in paths)
    if not todo and not removed and not derive:  # nothing to do: the output is this site
        _, stamps = _as_written(record.files, (), out_dir, out_dir, record)
        return Written(len(pages), 0, (), stamps)
    job = _Job(out_dir, record, derive, carried, jobs)
    with staging_folder(out_dir) as staging:
        if not previous or len(todo) > WHOLE_TREE_SHARE * len(pages):
            changed, made, now = _whole_tree(job, staging, pages)
        else:
            changed, made, now = _in_place(job, staging, pages, todo, removed)
    gone = sorted(set(removed) - set(made.keys))
    changes = tuple(sorted(changed + made.changed + gone))
    return Written(len(pages) + len(made.keys), len(todo) + made.made, changes, now)


def write_first(
    pages: Sequence[Page], out_dir: Path, stamps: dict[str, int] | None = None
) -> tuple[list[str], Known | None]:
    """Render ``pages`` and move in those whose bytes changed, ahead of the rest of a
    build (the preview shows the page being edited first); call inside
    ``locked(out_dir)``. Only over a last build's output. The record of what each
    file is made from is updated with them, so it stays true to the folder if the
    rest of the build fails, and the rest does not render them again (it is given
    that record as ``Known``, and checks the files: not here, where the page being
    edited waits)."""
    out_dir = out_dir.resolve()
    record = read_record(out_dir, check=False, stamps=stamps)
    previous = record.files
    if not previous:
        return [], None
    _check_paths(pages)
    with staging_folder(out_dir) as staging:
        todo = [page for page in pages if previous.get(page.path) != page.key]
        changed = _render(staging, todo, previous, out_dir, link_unchanged=False)
        files = previous | {page.path: page.key for page in pages}
        sizes, stamps = _as_written(files, changed, staging, out_dir, record)
        written = Record(files, record.made_from, sizes, stamps=stamps)
        marker = write_record(staging / MARKER, written)
        with held():
            _move_in(staging, out_dir, changed, [])
            os.replace(staging / MARKER, out_dir / MARKER)
    return changed, Known(written, marker)


@dataclass(frozen=True)
class _Job:
    """A write's output folder, what the last build wrote there, and the derived
    files to make (and what those kept were made from)."""

    out_dir: Path
    previous: Record
    derive: Sequence[Derived]
    carried: dict[str, dict[str, str]]
    jobs: int


def _whole_tree(
    job: _Job, staging: Path, pages: Sequence[Page]
) -> tuple[list[str], MadeDerived, dict[str, int]]:
    """A new tree in ``staging`` (unchanged files linked), exchanged for the old."""
    out_dir, previous = job.out_dir, job.previous.files
    changed = _render(staging, pages, previous, out_dir, link_unchanged=True, jobs=job.jobs)
    made = _derive(job, staging.joinpath, staging, link_unchanged=True)
    stamps = _record(job, staging, pages, made, changed, whole=True)
    with held():
        swap(staging, out_dir)
    return changed, made, stamps


def _in_place(
    job: _Job, staging: Path, pages: Sequence[Page], todo: Sequence[Page], removed: Sequence[str]
) -> tuple[list[str], MadeDerived, dict[str, int]]:
    """The derived files made from the new site (the changed pages staged, the others
    in the output), then changed pages moved in, removed ones deleted, and the derived
    files moved in the same way: until then a failure (Pagefind's, or SIGTERM) leaves
    the output as it was."""
    out_dir, previous = job.out_dir, job.previous.files
    changed = _render(staging, todo, previous, out_dir, link_unchanged=False, jobs=job.jobs)
    new_site = functools.partial(_new_page, staging, out_dir)
    made = _derive(job, new_site, staging, link_unchanged=False)
    prefixes = tuple(one.prefix for one in job.derive)
    pages_gone = [p for p in removed if not p.startswith(prefixes)]
    stamps = _record(job, staging, pages, made, changed, whole=False)
    stale = set(removed) - set(pages_gone) - set(made.keys)
    with held():
        _move_in(staging, out_dir, changed, pages_gone)
        _move_in(staging, out_dir, made.changed, sorted(stale))
        os.replace(staging / MARKER, out_dir / MARKER)
    return changed, made, stamps


def _new_page(staging: Path, out_dir: Path, path: str) -> Path:
    """The file of the page ``path`` of the new site: staged if it changed."""
    staged = staging / path
    return staged if staged.is_file() else out_dir / path


def _derive(job: _Job, site: PageFiles, staging: Path, *, link_unchanged: bool) -> MadeDerived:
    """Make the derived files from the new ``site``, staged like pages."""

    def write(pages: Sequence[Page]) -> list[str]:
        _check_paths(pages)
        return _render(staging, pages, {}, job.out_dir, link_unchanged=link_unchanged)

    return make_derived(job.derive, site, job.out_dir, job.previous, job.jobs, write)


def _record(
    job: _Job,
    staging: Path,
    pages: Sequence[Page],
    made: MadeDerived,
    changed: Sequence[str],
    *,
    whole: bool,
) -> dict[str, int]:
    """The record of the new site, staged (``changed``: the pages staged; ``whole``:
    every file is in ``staging``, the unchanged ones linked); its files' stamps."""
    files = {page.path: page.key for page in pages} | made.keys
    staged = {*changed, *made.changed}
    rest = staging if whole else job.out_dir
    sizes, stamps = _as_written(files, staged, staging, rest, job.previous)
    write_record(staging / MARKER, Record(files, job.carried | made.made_from, sizes))
    return stamps


def _as_written(
    paths: Iterable[str], staged: Collection[str], staging: Path, rest: Path, old: Record
) -> tuple[dict[str, int], dict[str, int]]:
    """Each file's size and modification time once moved in (a move keeps both): the
    staged file's (its bytes changed), else as the last build's record says (checked
    since), or as the file is in ``rest`` where that is not known (a record of an
    earlier version, or a file found not as written whose bytes were the same:
    ``touch``). One ``stat`` at most per file."""
    sizes, stamps = {}, {}
    for path in paths:
        if path not in staged and path in old.sizes and path in old.stamps:
            sizes[path], stamps[path] = old.sizes[path], old.stamps[path]
            continue
        try:
            found = (staging if path in staged else rest).joinpath(path).stat()
        except OSError:  # (gone meanwhile: made again by the next build)
            continue
        sizes[path], stamps[path] = found.st_size, found.st_mtime_ns
    return sizes, stamps


def _check_paths(pages: Sequence[Page]) -> None:
    seen: set[str] = set()
    for page in pages:
        check_relative(page.path)
        if page.path in seen or page.path == MARKER:
            raise SitegenError(f"two outputs would be written to {page.path}")
        seen.add(page.path)


def _render(
    staging: Path,
    pages: Sequence[Page],
    previous: dict[str, str],
    out_dir: Path,
    *,
    link_unchanged: bool,
    jobs: int = 1,
) -> list[str]:
    """Render ``pages`` into ``staging``; return the paths whose bytes changed.

    With ``link_unchanged`` (a whole new tree), a page with its old key, or with
    the old bytes, is a hard link to the old file; otherwise such pages are left
    out of ``staging``.
    """
    render = functools.partial(
        _render_here, staging, previous=previous, out_dir=out_dir, link_unchanged=link_unchanged
    )
    return render_shared(render, pages, jobs)


def _render_here(
    staging: Path,
    pages: Sequence[Page],
    *,
    previous: dict[str, str],
    out_dir: Path,
    link_unchanged: bool,
) -> list[str]:
    changed = []
    for page in pages:
        target = safe_path(staging, page.path)
        old = out_dir / page.path
        if link_unchanged and previous.get(page.path) == page.key and old.is_file():
            target.parent.mkdir(parents=True, exist_ok=True)
            link_file(old, target)
            continue
        content = page.make()
        if _same_bytes(old, content):
            if link_unchanged:
                target.parent.mkdir(parents=True, exist_ok=True)
                link_file(old, target)
            continue
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(content)
        changed.append(page.path)
    return changed


def _move_in(staging: Path, out_dir: Path, changed: list[str], removed: list[str]) -> None:
    """Move the staged files into place: new ones, changed ones, then removals."""
    for path in sorted(changed, key=lambda p: (out_dir / p).exists()):
        target = out_dir / path
        target.parent.mkdir(parents=True, exist_ok=True)
        _not_a_folder(target)
        os.replace(staging / path, target)
    for path in removed:
        target = out_dir / path
        _not_a_folder(target)
        target.unlink(missing_ok=True)
        for folder in target.parents:
            if folder == out_dir or any(folder.iterdir()):
                break
            folder.rmdir()


def _not_a_folder(path: Path) -> None:
    """Where the site has a file, a folder made by hand in the output goes."""
    if path.is_dir() and not path.is_symlink():
        shutil.rmtree(path)


def _same_bytes(path: Path, content: bytes) -> bool:
    try:
        same_size = path.is_file() and path.stat().st_size == len(content)
        return same_size and path.read_bytes() == content
    except OSError:
        return False


def link_file(old: Path, new: Path) -> None:
    """``new`` as the same file as ``old`` (a hard link; a copy where links fail)."""
    try:
        os.link(old, new)
    except OSError:
        shutil.copy2(old, new)
