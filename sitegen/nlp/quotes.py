"""Quotations in a block's visible text: where each opens and closes.

The parse stage makes every double quotation mark directional (“ or ”), so a
quotation's edges are plain to see. A quotation may open in one paragraph and
close in a later one; news style opens each paragraph of it again with “.
Pure functions of text: used by the NLP stage (no cue inside a quotation) and
by the enrich stage (which quotation a cue introduces).
"""

from __future__ import annotations

from dataclasses import dataclass

OPEN, CLOSE = "“", "”"


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

    @property
    def outer(self) -> tuple[int, int]:
        """The quotation with its marks."""
        return (self.start - self.opened, self.end + self.closed)


def find_quotes(text: str) -> list[Quote]:
    """Every quotation in ``text``, tolerant of unbalanced marks (never fails)."""
    quotes = []
    opened_at: int | None = None
    for i, ch in enumerate(text):
        if ch == OPEN:
            if opened_at is not None:  # opened again before closing: the first runs to here
                quotes.append(Quote(opened_at + 1, _trim_end(text, opened_at + 1, i), True, False))
            opened_at = i
        elif ch == CLOSE:
            if opened_at is None:
                if not quotes:  # closes a quotation that opened in an earlier block
                    quotes.append(Quote(0, i, False, True))
                continue  # a stray closing mark inside the text: ignore it
            quotes.append(Quote(opened_at + 1, i, True, True))
            opened_at = None
    if opened_at is not None:
        quotes.append(Quote(opened_at + 1, _trim_end(text, opened_at + 1, len(text)), True, False))
    return [q for q in quotes if q.end > q.start]


def _trim_end(text: str, start: int, end: int) -> int:
    while end > start and text[end - 1].isspace():
        end -= 1
    return end


def inside_quote(quotes: list[Quote], start: int, end: int) -> bool:
    """True when the range lies within a quotation's words."""
    return any(q.start <= start and end <= q.end for q in quotes)
