"""Quotations in a block's visible text: where each opens and closes.

The parse stage makes every double quotation mark directional (“ or ”), so a
quotation's edges are plain to see; two single marks (‘‘ and ’’, from text typed
with `` and '' as some news archives are) count as one double mark. A quotation
may open in one paragraph and close in a later one; news style opens each
paragraph of it again with “.
Pure functions of text: used by the NLP stage (no cue inside a quotation) and
by the enrich stage (which quotation a cue introduces).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

OPEN, CLOSE = "“", "”"
#: Marks that open and close a quotation, and their widths.
_MARKS = {"“": (OPEN, 1), "”": (CLOSE, 1), "‘‘": (OPEN, 2), "’’": (CLOSE, 2)}
_MARK = re.compile("‘‘|’’|[“”]")


@dataclass(frozen=True)
class Quote:
    """One quotation, or the part of one inside a single block."""

    start: int
    """First character of the quoted words (after the opening mark)."""
    end: int
    """End of the quoted words (before the closing mark)."""
    opened: bool
    """False when the quotation opened in an earlier block (no opening mark here)."""
    closed: bool
    """False when it runs on past the end of the block (no closing mark here)."""
    open_width: int = 1
    close_width: int = 1
    """How many characters the marks take (2 for ‘‘ and ’’)."""

    @property
    def outer(self) -> tuple[int, int]:
        """The quotation with its marks."""
        return (
            self.start - self.opened * self.open_width,
            self.end + self.closed * self.close_width,
        )


def find_quotes(text: str) -> list[Quote]:
    """Every quotation in ``text``, tolerant of unbalanced marks (never fails)."""
    quotes = []
    opened: tuple[int, int] | None = None  # (where the words start, the mark's width)
    for i, kind, width in _marks(text):
        if kind == OPEN:
            if opened is not None:  # opened again before closing: the first runs to here
                end = _trim_end(text, opened[0], i)
                quotes.append(Quote(opened[0], end, True, False, opened[1]))
            opened = (i + width, width)
        elif opened is None:
            if not quotes:  # closes a quotation that opened in an earlier block
                quotes.append(Quote(0, i, False, True, close_width=width))
            # else a stray closing mark inside the text: ignore it
        else:
            quotes.append(Quote(opened[0], i, True, True, opened[1], width))
            opened = None
    if opened is not None:
        end = _trim_end(text, opened[0], len(text))
        quotes.append(Quote(opened[0], end, True, False, opened[1]))
    return [q for q in quotes if q.end > q.start]


def _marks(text: str) -> list[tuple[int, str, int]]:
    """(offset, OPEN or CLOSE, width) of each quotation mark, in order."""
    return [(m.start(), _MARKS[m.group()][0], _MARKS[m.group()][1]) for m in _MARK.finditer(text)]


def _trim_end(text: str, start: int, end: int) -> int:
    while end > start and text[end - 1].isspace():
        end -= 1
    return end


def inside_quote(quotes: list[Quote], start: int, end: int) -> bool:
    """True when the range lies within a quotation's words."""
    return any(q.start <= start and end <= q.end for q in quotes)
