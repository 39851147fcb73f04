"""Output data: the files of a built site (planned as Pages, rendered only when their
key changed) and the report of a build.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from ..errors import Reported


@dataclass(frozen=True)
class OutputFile:
    """A file made eagerly (feeds, sitemap, search index, deploy files), before it is
    planned as a Page keyed by its content."""

    path: str
    """Relative to the output folder, POSIX style (``feed.xml``)."""
    content: bytes


@dataclass(frozen=True)
class Page:
    """One file of the built site, described by what it is made from."""

    path: str
    """Relative to the output folder, POSIX style (``a/index.html``)."""
    key: str
    """A digest of everything the file is made from: the same key, the same bytes."""
    make: Callable[[], bytes]
    """Renders the file (called only when its key changed)."""


@dataclass(frozen=True)
class BuildReport:
    """What a build did, for the command line to print."""

    out_dir: str
    articles: int
    entities: int
    files: int
    """Files in the output folder."""
    warnings: tuple[Reported, ...] = field(default_factory=tuple)
    rendered: int = 0
    """Pages rendered (the rest were unchanged since the last build)."""
    changed: tuple[str, ...] = ()
    """Output files written, replaced or removed (unchanged ones keep their mtime)."""
    annotated: int = 0
    """Prose blocks spaCy read (the rest came from the annotation cache)."""
    skipped: tuple[Reported, ...] = ()
    """The articles left out (drafts, future ones), each with why."""
