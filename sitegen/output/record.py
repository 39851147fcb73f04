"""Write: the record of what the last build wrote into an output folder.

It is a file in the folder (``.sitegen-build``), one line of JSON: each file with
the key it was made from and its size, and what each derived folder (a search
shard) was made from. A build compares its pages' keys with it to render only what
changed; a file the record lists that is missing, not of the size written or not of
the time it was written (it was deleted or changed by hand), is made again as if its
key had changed. Those times (``stamps``) differ from machine to machine, so they are
kept in the site's cache (``stored.py``), not in this file, whose bytes the same input
always makes the same.
"""

from __future__ import annotations

import contextlib
import os
import stat
from dataclasses import dataclass, field
from pathlib import Path

import msgspec

from .. import __version__
from ..cache import digest

MARKER = ".sitegen-build"
"""A file in every output folder: sitegen only ever replaces a folder that has it.
It lists the files sitegen wrote there, with the key each was made from, and what
each search shard was made from: no time or machine detail, so the same input
gives the same bytes here too."""


@dataclass(frozen=True)
class Record:
    """What the last build wrote into an output folder."""

    files: dict[str, str]
    """Each file, with the key it was made from."""
    made_from: dict[str, dict[str, str]]
    """The inputs each derived folder (by prefix) was made from."""
    sizes: dict[str, int] = field(default_factory=dict)
    """Each file's size as written (unknown for a record of an earlier version)."""
    damaged: tuple[str, ...] = ()
    """The files written that are gone or not as written now, and the rest of their
    derived folder: ``read_record`` leaves them out of ``files``, so they are made again
    (or removed, if the new site has them no more)."""
    stamps: dict[str, int] = field(default_factory=dict)
    """Each file's modification time (ns) as written, where known (not in the file)."""

    def holds(self, out_dir: Path, path: str) -> bool:
        """Whether the file ``path`` is in ``out_dir`` as this record's build wrote it:
        there, of its size and its time, where those are known."""
        if path not in self.files:
            return False
        try:
            found = os.stat(f"{out_dir}/{path}")
        except OSError:
            return False
        size, stamp = self.sizes.get(path), self.stamps.get(path)
        return (
            stat.S_ISREG(found.st_mode)
            and size in (None, found.st_size)
            and stamp in (None, found.st_mtime_ns)
        )


@dataclass(frozen=True)
class Known:
    """A record as a build wrote it, and the marker's bytes: while the output's marker
    holds them, the rest of the build need not decode the record again (a preview's
    edit, written in two steps; comparing the bytes takes a millisecond)."""

    record: Record
    marker: bytes


def read_known(out_dir: Path, known: Known | None, stamps: dict[str, int] | None = None) -> Record:
    """``known``'s record if ``out_dir``'s marker is the one it was written as, else as
    ``read_record`` reads it (with ``stamps``); either without what is no longer as it
    was written."""
    if known is not None:
        with contextlib.suppress(OSError):
            if (out_dir / MARKER).read_bytes() == known.marker:
                return _checked(out_dir, known.record)
    return read_record(out_dir, stamps=stamps)


def write_record(path: Path, record: Record) -> bytes:
    """Write ``record`` to the file ``path`` (a marker being made, moved in after);
    the bytes written."""
    data = {
        "sitegen": __version__,
        "files": record.files,
        "made_from": record.made_from,
        "sizes": record.sizes,
    }
    # One line, by msgspec: a quarter of the time of json's C encoder (a preview's edit
    # writes this record of every file twice, the page being edited waiting for one).
    marker = msgspec.json.encode(data, order="sorted") + b"\n"
    path.write_bytes(marker)
    return marker


def manifest_digest(out_dir: Path) -> str:
    """A digest of the output folder's marker: it changes whenever a build writes."""
    try:
        return digest((out_dir / MARKER).read_bytes()).hex()
    except OSError:
        return ""


def read_record(out_dir: Path, check: bool = True, stamps: dict[str, int] | None = None) -> Record:
    """What the last build wrote in ``out_dir`` (nothing if unknown or another version),
    without what is no longer as it wrote it (``check``: 25 ms at 1,000 articles), by
    size and by the modification times ``stamps`` (kept in the cache) where known."""
    try:
        data = msgspec.json.decode((out_dir / MARKER).read_bytes())
        files, made_from, sizes = data["files"], data.get("made_from", {}), data.get("sizes", {})
        if (
            data.get("sitegen") == __version__
            and _str_map(files)
            and isinstance(made_from, dict)
            and _map_of(sizes, int)
        ):
            made_from = {k: v for k, v in made_from.items() if _str_map(v)}
            record = Record(files, made_from, sizes, stamps=stamps or {})
            return _checked(out_dir, record) if check else record
    except (OSError, ValueError, KeyError, TypeError):  # (msgspec's errors are ValueErrors)
        pass
    return Record({}, {})


def _checked(out_dir: Path, record: Record) -> Record:
    """``record`` without the files that are gone or not as written, nor the other
    files of a derived folder one of them is in (a search shard is made whole)."""
    damaged = [path for path in record.files if not record.holds(out_dir, path)]
    if not damaged:
        return record
    stale = tuple(p for p in record.made_from if any(d.startswith(p) for d in damaged))
    gone = set(damaged)
    files = {p: k for p, k in record.files.items() if p not in gone and not p.startswith(stale)}
    made_from = {p: v for p, v in record.made_from.items() if p not in stale}
    kept = {p: n for p, n in record.sizes.items() if p in files}
    dropped = tuple(sorted(p for p in record.files if p not in files))
    stamps = {p: t for p, t in record.stamps.items() if p in files}
    return Record(files, made_from, kept, dropped, stamps)


def _str_map(value: object) -> bool:
    return _map_of(value, str)


def _map_of(value: object, kind: type) -> bool:
    return isinstance(value, dict) and all(isinstance(v, kind) for v in value.values())
