"""Write: the output tree, swapped in whole only when everything succeeded.

Files are written into a temporary folder beside the output folder, which then
replaces it; a failed build leaves the previous output untouched. Nothing is
written outside that temporary folder: every path is checked first.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterable
from pathlib import Path, PurePosixPath

from ..errors import SitegenError, UsageError
from ..model import OutputFile

MARKER = ".sitegen-build"
"""A file in every output folder: sitegen only ever replaces a folder that has it."""


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


def write_site(files: Iterable[OutputFile], out_dir: Path) -> int:
    """Write every file, then swap the new tree in place of ``out_dir``."""
    out_dir = out_dir.resolve()
    out_dir.parent.mkdir(parents=True, exist_ok=True)
    staging = out_dir.with_name(f".{out_dir.name}.sitegen-tmp-{os.getpid()}")
    shutil.rmtree(staging, ignore_errors=True)
    staging.mkdir()
    count = 0
    try:
        for file in files:
            path = safe_path(staging, file.path)
            if path.exists():
                raise SitegenError(f"two outputs would be written to {file.path}")
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(file.content)
            count += 1
        (staging / MARKER).write_text("written by sitegen; safe to delete with the folder\n")
        _swap(staging, out_dir)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return count


def _swap(staging: Path, out_dir: Path) -> None:
    old = out_dir.with_name(f".{out_dir.name}.sitegen-old-{os.getpid()}")
    if out_dir.exists():
        out_dir.rename(old)
    staging.rename(out_dir)
    shutil.rmtree(old, ignore_errors=True)
