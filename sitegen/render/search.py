"""Render, last step: the search index, made by Pagefind from the rendered pages.

Pagefind (``pagefind[bin]`` on PyPI, a dependency of sitegen) reads HTML and
writes a static index and a small search UI under ``pagefind/``; the search page
loads them in the browser, so searching needs no server. Pages opt in with
``data-pagefind-body`` (articles and entity pages); entity names are filters
(``data-pagefind-filter``).

This is the one render step that runs a program: the pages are written to a
private temporary folder for it and the index read back as OutputFiles, so the
output folder is still written by the writer alone. Without the binary the
build fails with the fix in the message: a search page without its index would
be broken, and ``[site] search = false`` turns search off on purpose.
"""

from __future__ import annotations

import os
import subprocess
import tempfile
from collections.abc import Mapping
from pathlib import Path
from types import MappingProxyType

from ..errors import SitegenError
from ..model import HIGHLIGHT_STYLES, OutputFile
from .search_stable import stable_bundle

#: The search filters (facets) entities are listed under, by label: names
#: without commas, which separate filters in ``data-pagefind-filter``.
FACETS: Mapping[str, str] = MappingProxyType(
    {label: words[0].upper() + words[1:] for label, (_, words) in HIGHLIGHT_STYLES.items()}
)
BUNDLE = "pagefind"
"""The output folder of the index and UI."""
MISSING = (
    "search needs the Pagefind binary: pip install 'pagefind[bin]' "
    "(or set [site] search = false in sitegen.toml)"
)


def pagefind_binary() -> Path:
    """The Pagefind executable: ``PAGEFIND_BINARY_PATH``, else the ``pagefind_bin`` package's."""
    configured = os.environ.get("PAGEFIND_BINARY_PATH")
    if configured:
        path = Path(configured)
    else:
        try:
            from pagefind_bin import get_executable
        except ImportError:
            raise SitegenError(MISSING) from None
        try:
            path = Path(get_executable())
        except FileNotFoundError:
            raise SitegenError(MISSING) from None
    if not (path.is_file() and os.access(path, os.X_OK)):
        raise SitegenError(f"{MISSING}; {path} is not an executable file")
    return path


def search_index(site: Path, language: str) -> list[OutputFile]:
    """The Pagefind bundle for the HTML pages of the folder ``site``, as files under
    ``pagefind/`` (made in a private temporary folder: ``site`` is only read)."""
    binary = pagefind_binary()
    with tempfile.TemporaryDirectory(prefix="sitegen-search-") as tmp:
        root = Path(tmp)
        command = [str(binary), "--site", str(site), "--output-path", str(root / BUNDLE)]
        command += ["--silent"]
        command += ["--force-language", language.split("-")[0].lower()]
        try:
            done = subprocess.run(command, capture_output=True, text=True, timeout=600)
        except OSError as exc:
            raise SitegenError(f"{MISSING}; running it failed: {exc}") from None
        if done.returncode != 0:
            detail = (done.stderr or done.stdout).strip().splitlines()
            raise SitegenError(f"Pagefind failed: {detail[-1] if detail else done.returncode}")
        bundle = root / BUNDLE
        files = [
            OutputFile(path.relative_to(root).as_posix(), path.read_bytes())
            for path in sorted(bundle.rglob("*"))
            if path.is_file()
        ]
    return stable_bundle(files, BUNDLE)
