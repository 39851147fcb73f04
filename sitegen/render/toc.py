"""Render: a table of contents for long articles, and the ids of its headings.

Pure functions of the headings' levels and plain text, so the anchors written
into the article body and the links of its table of contents always agree.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from slugify import slugify

#: Ids the article page uses itself, which a heading must not take.
PAGE_IDS = frozenset(
    {"main", "contents", "sources-heading", "notes-heading", "mentioned-heading", "related"}
)
_NOTE_ID = re.compile(r"(note|noteref)-\d+(-.*)?")
#: A table of contents is shown from this many headings (levels 2 and 3) on.
MIN_HEADINGS = 3


@dataclass(frozen=True)
class TocEntry:
    """One heading as listed in the table of contents."""

    level: int
    """1 for the article's top sections, 2 for their subsections."""
    text: str
    anchor: str
    """The heading's id in the article body."""


def heading_anchors(texts: Iterable[str]) -> tuple[str, ...]:
    """A unique id for each heading, from its text (``Who said what`` -> ``who-said-what``)."""
    taken: set[str] = set(PAGE_IDS)
    out = []
    for text in texts:
        base = slugify(text) or "section"
        if _NOTE_ID.fullmatch(base):
            base = "section-" + base
        anchor, n = base, 1
        while anchor in taken:
            n += 1
            anchor = f"{base}-{n}"
        taken.add(anchor)
        out.append(anchor)
    return tuple(out)


def table_of_contents(
    headings: Sequence[tuple[int, str]], min_headings: int = MIN_HEADINGS
) -> tuple[TocEntry, ...]:
    """The article's sections and subsections (Markdown ``##`` and ``###``, or the two
    highest levels it uses), or nothing for an article with fewer than ``min_headings``."""
    anchors = heading_anchors(text for _, text in headings)
    levels = sorted({level for level, _ in headings})[:2]
    entries = tuple(
        TocEntry(levels.index(level) + 1, " ".join(text.split()), anchor)
        for (level, text), anchor in zip(headings, anchors, strict=True)
        if level in levels
    )
    return entries if len(entries) >= min_headings else ()
