"""Which files of the site folder sitegen may read: the one gate to the disk.

Nothing outside the site folder is read. Content, templates and static files
are found by ``walk``, which skips hidden files and folders at any depth and
every symbolic link (to a file or a folder) that resolves outside its root;
``confined`` checks one file the same way. What is skipped is logged to the
``sitegen`` logger (``sitegen build -v`` prints it), never read.
"""

from __future__ import annotations

import logging
import os
import tomllib
from pathlib import Path
from typing import Any

from ..errors import SitegenError, cause, toml_error

log = logging.getLogger("sitegen")
OUTSIDE = "a link to outside the site folder"


def inside(path: Path, root: Path) -> bool:
    """True when ``path``, links resolved, is ``root`` or below it (``root`` resolved)."""
    try:
        real = path.resolve()
    except (OSError, RuntimeError):  # a loop of links leads nowhere, certainly not inside
        return False
    return real == root or root in real.parents


def hidden(relative: Path) -> bool:
    return any(part.startswith(".") for part in relative.parts)


def walk(folder: Path, root: Path, shown: Path) -> list[Path]:
    """Every regular file below ``folder`` that may be read, sorted by relative path.

    ``root`` (resolved) is the folder nothing may be read from outside of;
    ``shown`` is what paths are reported relative to (the site folder).
    """
    found: list[Path] = []
    seen: set[Path] = set()
    if not folder.is_dir():
        return found
    if not inside(folder, root):
        log.info("skipped %s/: %s", _relative(folder, shown), OUTSIDE)
        return found

    def visit(directory: Path) -> None:
        real = directory.resolve()
        if real in seen:  # a link back up: every file was found the first time
            return
        seen.add(real)
        for entry in sorted(os.scandir(directory), key=lambda e: e.name):
            path = Path(entry.path)
            why = _skip(path, entry, root)
            if why:
                suffix = "/" if entry.is_dir() and why == "hidden" else ""
                log.info("skipped %s%s: %s", _relative(path, shown), suffix, why)
            elif entry.is_dir():
                visit(path)
            elif entry.is_file():
                found.append(path)

    visit(folder)
    return found


def _skip(path: Path, entry: os.DirEntry[str], root: Path) -> str | None:
    if entry.name.startswith("."):
        return "hidden"
    if not entry.is_symlink():
        return None
    try:
        path.resolve(strict=True)
    except (OSError, RuntimeError):  # missing target, or a loop of links
        return "a broken link"
    return None if inside(path, root) else OUTSIDE


def confined(path: Path, root: Path, shown: str, what: str = "file") -> None:
    """Refuse ``path`` (if it exists) when it is a link to outside ``root`` (resolved)."""
    if path.exists() and not inside(path, root):
        copy = "the files" if what == "folder" else "the file"
        raise SitegenError(
            f"a link to a {what} outside the site folder; sitegen reads only files "
            f"inside it (copy {copy} in instead)",
            shown,
        )


def _relative(path: Path, shown: Path) -> str:
    try:
        return path.relative_to(shown).as_posix()
    except ValueError:
        return path.as_posix()


def decode(raw: bytes, shown: str) -> str:
    """``raw`` as UTF-8; an error naming the line and column of the first bad byte."""
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        column = exc.start - (raw.rfind(b"\n", 0, exc.start) + 1) + 1
        raise SitegenError(
            f"not valid UTF-8 (byte 0x{raw[exc.start]:02x} at column {column}); "
            "save the file as UTF-8",
            shown,
            line,
        ) from None


def read_toml(path: Path, site_dir: Path, shown: str) -> tuple[dict[str, Any], str]:
    """A settings file of the site: its data and its text (to find lines in)."""
    confined(path, site_dir.resolve(), shown)
    text = decode(read_bytes(path, shown), shown)
    try:
        return tomllib.loads(text), text
    except tomllib.TOMLDecodeError as exc:
        raise toml_error(exc, shown, text) from None
    except RecursionError:
        raise SitegenError("invalid TOML: nested too deeply", shown) from None


def read_bytes(path: Path, shown: str) -> bytes:
    """The file's bytes; an error naming it if the machine will not give them."""
    try:
        return path.read_bytes()
    except OSError as exc:
        raise SitegenError(f"cannot read the file: {cause(exc)}", shown) from None
