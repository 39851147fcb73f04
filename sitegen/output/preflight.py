"""Output, checked first: can the output folder be written at all?

``check_writable`` runs before the NLP, so a read-only, full or missing place
fails in a moment, not after minutes of annotation. ``write_error`` turns an
OSError the file system raises while writing (disk full, permission denied,
read-only file system) into an error a user can act on: the output folder and
the cause, exit 1. The writer wraps its file operations with it.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from ..errors import SitegenError, UsageError, cause


def write_error(exc: OSError, out_dir: Path) -> SitegenError:
    """An OSError met while writing the site, as an error naming ``out_dir``."""
    return SitegenError(f"cannot write the output folder: {cause(exc)}", str(out_dir.absolute()))


def check_writable(out_dir: Path) -> None:
    """Fail now if the site could not be written to ``out_dir`` (nor beside it)."""
    folder = out_dir.parent  # (as given: a relative path is named as the user did)
    while not folder.exists() and folder != folder.parent:
        folder = folder.parent  # the writer creates the missing folders in here
    if not folder.is_dir():
        raise UsageError(f"output folder {out_dir}: {folder} is a file; choose another --out")
    try:
        handle, probe = tempfile.mkstemp(prefix=".sitegen-probe-", dir=folder)
        os.close(handle)
        os.unlink(probe)
    except OSError as exc:
        raise SitegenError(
            f"cannot write the output folder {out_dir} here: {cause(exc)}; choose another --out",
            str(folder.absolute()),
        ) from None
