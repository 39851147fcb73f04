"""Write: the output tree, replaced whole and at once, rewriting only what changed.

The new tree is made in a temporary folder beside the output folder: a page
whose key (see ``render.pages``) is the one it was last written with, or whose
new bytes equal the old, is a hard link to the old file (so its mtime stays);
only the rest is rendered and written. The new tree then takes the old one's
place in one atomic exchange (``renameat2(RENAME_EXCHANGE)`` on Linux), so at
every instant the output folder is either the old site or the new one; where
the exchange is unavailable, two renames, and the next build puts back an
output folder a crash left missing. A failed build leaves the previous output
untouched. A lock file beside the output folder keeps two builds from writing
it at once; leftovers of killed builds are removed by the next one.
"""

from __future__ import annotations

import ctypes
import errno
import fcntl
import json
import os
import shutil
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any

from .. import __version__
from ..errors import SitegenError, UsageError
from ..model import Page

MARKER = ".sitegen-build"
"""A file in every output folder: sitegen only ever replaces a folder that has it.
It lists the files sitegen wrote there, with the key each was made from and its
size: no time or machine detail, so the same input gives the same bytes here too."""
_TMP, _OLD, _LOCK = "sitegen-tmp", "sitegen-old", "sitegen-lock"


@dataclass(frozen=True)
class Written:
    """What writing the output did."""

    files: int
    rendered: int
    """Pages whose key changed, so they were rendered."""
    changed: tuple[str, ...]
    """Files written anew or removed; every other file is the one that was there."""


def check_out_dir(out_dir: Path, site_dir: Path, inputs: Iterable[Path]) -> None:
    """Refuse an output folder whose replacement would lose the user's files."""
    out, site = out_dir.resolve(), site_dir.resolve()
    if out == site or out in site.parents:
        raise UsageError(f"output folder {out_dir} holds the site itself; choose another --out")
    for path in (p.resolve() for p in inputs):
        if out == path or path in out.parents:
            raise UsageError(f"output folder {out_dir} is inside {path}; choose another --out")
    if out.exists() and not out.is_dir():
        raise UsageError(f"output folder {out_dir} is a file")
    if out.is_dir() and any(out.iterdir()) and not (out / MARKER).exists():
        raise UsageError(
            f"output folder {out_dir} has files sitegen did not write; "
            "empty it or choose another --out"
        )


def safe_path(root: Path, relative: str) -> Path:
    """``root / relative``, refusing any path that would leave ``root``."""
    pure = PurePosixPath(relative)
    if pure.is_absolute() or not pure.parts or any(p in ("..", ".", "") for p in pure.parts):
        raise SitegenError(f"refusing to write {relative!r}: outside the output folder")
    return root.joinpath(*pure.parts)


def lock_path(out_dir: Path) -> Path:
    """The lock file beside the output folder (``.build.sitegen-lock``): it stays,
    empty of meaning, when no build runs."""
    return _beside(out_dir.resolve(), _LOCK)


@contextmanager
def locked(out_dir: Path) -> Iterator[None]:
    """Hold the output folder's lock; a second build into it fails at once, clearly."""
    out_dir.absolute().parent.mkdir(parents=True, exist_ok=True)
    out_dir = out_dir.resolve()
    with open(lock_path(out_dir), "a+") as lock:
        try:
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            lock.seek(0)
            holder = lock.read().strip() or "another process"
            raise SitegenError(
                f"another sitegen build ({holder}) is writing this output folder; "
                "wait for it to finish or choose another --out",
                str(out_dir),
            ) from None
        lock.truncate(0)
        lock.write(f"process {os.getpid()}")
        lock.flush()
        try:
            _recover(out_dir)
            yield
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


def write_site(pages: Sequence[Page], out_dir: Path) -> Written:
    """Make the output folder hold exactly ``pages``; call inside ``locked(out_dir)``."""
    out_dir = out_dir.resolve()
    _check_paths(pages)
    previous = read_manifest(out_dir)
    fresh = {p.path for p in pages if _unchanged(p, previous, out_dir)}
    if len(fresh) == len(pages) == len(previous):
        return Written(len(pages), 0, ())  # nothing to do: the output is this site already
    staging = _beside(out_dir, f"{_TMP}-{os.getpid()}")
    shutil.rmtree(staging, ignore_errors=True)
    staging.mkdir()
    try:
        rendered, changed, manifest = _fill(staging, pages, fresh, out_dir)
        changed += sorted(set(previous) - set(manifest))
        record = {"sitegen": __version__, "files": manifest}
        (staging / MARKER).write_text(json.dumps(record, sort_keys=True, indent=0) + "\n")
        _swap(staging, out_dir)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return Written(len(pages), rendered, tuple(sorted(changed)))


def read_manifest(out_dir: Path) -> dict[str, list[Any]]:
    """path -> [key, size] of what the last build wrote ({} if unknown)."""
    try:
        data = json.loads((out_dir / MARKER).read_text(encoding="utf-8"))
        files = data["files"]
        return files if isinstance(files, dict) and data.get("sitegen") == __version__ else {}
    except (OSError, ValueError, KeyError, TypeError):
        return {}


def _check_paths(pages: Sequence[Page]) -> None:
    seen: set[str] = set()
    for page in pages:
        safe_path(Path("/"), page.path)
        if page.path in seen or page.path == MARKER:
            raise SitegenError(f"two outputs would be written to {page.path}")
        seen.add(page.path)


def _unchanged(page: Page, previous: dict[str, list[Any]], out_dir: Path) -> bool:
    entry = previous.get(page.path)
    if not entry or entry[0] != page.key:
        return False
    try:
        stat = (out_dir / page.path).stat()
    except OSError:
        return False
    return [stat.st_size] == entry[1:]


def _fill(
    staging: Path, pages: Sequence[Page], fresh: set[str], out_dir: Path
) -> tuple[int, list[str], dict[str, list[Any]]]:
    rendered = 0
    changed = []
    manifest: dict[str, list[Any]] = {}
    for page in pages:
        target = safe_path(staging, page.path)
        target.parent.mkdir(parents=True, exist_ok=True)
        old = out_dir / page.path
        if page.path in fresh:
            _link(old, target)
        else:
            content = page.make()
            rendered += 1
            if _same_bytes(old, content):
                _link(old, target)
            else:
                target.write_bytes(content)
                changed.append(page.path)
        manifest[page.path] = [page.key, target.stat().st_size]
    return rendered, changed, manifest


def _same_bytes(path: Path, content: bytes) -> bool:
    try:
        return (
            path.is_file() and path.stat().st_size == len(content) and path.read_bytes() == content
        )
    except OSError:
        return False


def _link(old: Path, new: Path) -> None:
    """``new`` as the same file as ``old`` (a hard link; a copy where links fail)."""
    try:
        os.link(old, new)
    except OSError:
        shutil.copy2(old, new)


def _beside(out_dir: Path, what: str) -> Path:
    return out_dir.with_name(f".{out_dir.name}.{what}")


def _swap(staging: Path, out_dir: Path) -> None:
    """Put ``staging`` in the place of ``out_dir``; afterwards ``staging`` holds the old tree."""
    if not out_dir.exists():
        os.rename(staging, out_dir)
        return
    if _exchange(staging, out_dir):
        return
    old = _beside(out_dir, f"{_OLD}-{os.getpid()}")
    os.rename(out_dir, old)  # a crash here leaves `old`, which `_recover` puts back
    os.rename(staging, out_dir)
    os.rename(old, staging)


def _exchange(a: Path, b: Path) -> bool:
    """Swap two folders atomically (Linux renameat2); False where not supported."""
    renameat2 = getattr(_libc(), "renameat2", None)
    if renameat2 is None:
        return False
    at_fdcwd, rename_exchange = -100, 2
    if renameat2(at_fdcwd, os.fsencode(a), at_fdcwd, os.fsencode(b), rename_exchange) == 0:
        return True
    code = ctypes.get_errno()
    if code in (errno.EINVAL, errno.ENOSYS, errno.EOPNOTSUPP):
        return False
    raise OSError(code, os.strerror(code), str(b))


def _libc() -> Any:
    try:
        return ctypes.CDLL(None, use_errno=True)
    except OSError:  # pragma: no cover - no C library to ask
        return None


def recover(out_dir: Path) -> None:
    """Before a build: if killed builds left anything beside the output folder,
    clean it up (under the lock), putting back an output folder left missing."""
    out_dir = out_dir.resolve()
    if _leftovers(out_dir):
        with locked(out_dir):  # which cleans up
            pass


def _leftovers(out_dir: Path) -> list[Path]:
    return sorted(
        path for what in (_TMP, _OLD) for path in out_dir.parent.glob(f".{out_dir.name}.{what}-*")
    )


def _recover(out_dir: Path) -> None:
    """Remove what killed builds left beside the output folder; if one died between
    its two renames, put the previous output back first."""
    if not out_dir.exists():
        for old in out_dir.parent.glob(f".{out_dir.name}.{_OLD}-*"):
            if (old / MARKER).exists():
                os.rename(old, out_dir)
                break
    for path in _leftovers(out_dir):
        shutil.rmtree(path, ignore_errors=True)
