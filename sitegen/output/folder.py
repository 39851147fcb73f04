"""The output folder itself: the checks before a build may write it, the lock that
keeps two builds from writing it at once, the temporary folders beside it, the
atomic exchange of a whole new tree for the old one (``renameat2(RENAME_EXCHANGE)``
on Linux; elsewhere two renames, and the next build puts back an output folder a
crash left missing), and the clean-up of what killed builds left there.
"""

from __future__ import annotations

import contextlib
import ctypes
import errno
import fcntl
import os
import shutil
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO, Any, TypeVar

from ..errors import SitegenError, UsageError, is_environment_error, seen_from
from .preflight import write_error
from .record import MARKER

W = TypeVar("W")
_TMP, _OLD, _LOCK = "sitegen-tmp", "sitegen-old", "sitegen-lock"


def check_out_dir(out_dir: Path, site_dir: Path, inputs: Iterable[Path]) -> None:
    """Refuse an output folder whose replacement would lose the user's files."""
    out, site = out_dir.resolve(), site_dir.resolve()
    if out == site or out in site.parents:
        raise UsageError(f"output folder {out_dir} holds the site itself; choose another --out")
    for path in (p.resolve() for p in inputs):
        if out == path or path in out.parents:
            named = f"the site's {path.relative_to(site)}/" if path.is_relative_to(site) else path
            raise UsageError(f"output folder {out_dir} is inside {named}; choose another --out")
    if out.exists() and not out.is_dir():
        raise UsageError(f"output folder {out_dir} is a file")
    for parent in out.parents:  # (the next build into that one would remove this one)
        if (parent / MARKER).is_file():
            shown = seen_from(str(parent), Path("."))
            raise UsageError(
                f"output folder {out_dir} is inside {shown}, the output of another build; "
                "choose another --out"
            )
    if out.is_dir() and any(out.iterdir()) and not (out / MARKER).exists():
        raise UsageError(
            f"output folder {out_dir} has files sitegen did not write; "
            "empty it or choose another --out"
        )


def safe_path(root: Path, relative: str) -> Path:
    """``root / relative``, refusing any path that would leave ``root``."""
    check_relative(relative)
    return root.joinpath(*relative.split("/"))


def check_relative(relative: str) -> None:
    parts = relative.split("/")
    if relative.startswith("/") or any(p in ("..", ".", "") for p in parts):
        raise SitegenError(f"refusing to write {relative!r}: outside the output folder")


def lock_path(out_dir: Path) -> Path:
    """The lock file beside the output folder (``.build.sitegen-lock``), there only
    while a build writes the folder."""
    return _beside(out_dir.resolve(), _LOCK)


@contextmanager
def locked(out_dir: Path) -> Iterator[None]:
    """Hold the output folder's lock; a second build into it fails at once, clearly.
    The lock file is removed when the lock is let go of, so nothing stays beside the
    output folder."""
    out_dir.absolute().parent.mkdir(parents=True, exist_ok=True)
    out_dir = out_dir.resolve()
    path = lock_path(out_dir)
    with _lock_file(path, out_dir) as lock:
        lock.truncate(0)
        lock.write(f"process {os.getpid()}")
        lock.flush()
        try:
            _recover(out_dir)
            yield
        finally:
            with contextlib.suppress(OSError):  # (else it stays, as a stale lock is)
                path.unlink()  # still locked: the next build makes its own
            fcntl.flock(lock, fcntl.LOCK_UN)


def _lock_file(path: Path, out_dir: Path) -> IO[str]:
    """The lock file ``path``, open and locked by this process. A build that held it may
    have removed it meanwhile (and another made it anew): a lock on a file no longer
    at ``path`` locks nothing, so that one is let go of and ``path`` opened again."""
    while True:
        lock = open(path, "a+")  # noqa: SIM115  (closed by the caller's with, or here)
        try:
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            lock.seek(0)
            holder = lock.read().strip() or "another process"
            lock.close()
            raise SitegenError(
                f"another sitegen build ({holder}) is writing this output folder; "
                "wait for it to finish or choose another --out",
                str(out_dir.absolute()),
            ) from None
        if _same_file(lock, path):
            return lock
        lock.close()


def _same_file(file: IO[str], path: Path) -> bool:
    """Whether the open ``file`` is the one at ``path`` now."""
    try:
        found, held = path.stat(), os.fstat(file.fileno())
    except FileNotFoundError:
        return False
    return (found.st_dev, found.st_ino) == (held.st_dev, held.st_ino)


def write_locked(write: Callable[[Path], W], out_dir: Path) -> W:
    """``write(out_dir)`` under the output folder's lock; what cannot be written is an
    environment error naming the folder."""
    try:
        with locked(out_dir):
            return write(out_dir)
    except OSError as exc:  # reading is checked where it happens: this is the writing
        if is_environment_error(exc):
            raise write_error(exc, out_dir) from exc
        raise


@contextmanager
def staging_folder(out_dir: Path) -> Iterator[Path]:
    """An empty folder beside ``out_dir`` to render into, removed afterwards."""
    staging = _beside(out_dir, f"{_TMP}-{os.getpid()}")
    shutil.rmtree(staging, ignore_errors=True)
    staging.mkdir()
    try:
        yield staging
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def _beside(out_dir: Path, what: str) -> Path:
    return out_dir.with_name(f".{out_dir.name}.{what}")


def swap(staging: Path, out_dir: Path) -> None:
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
