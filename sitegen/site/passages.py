"""Site, entity pages: the window of text shown around a mention.

An entity page quotes the sentence each mention is in, but a sentence can be
any length (a list of 1,500 names, 180 KB without a full stop), and one page
per entity quoting it whole would make the site grow with the square of the
sentence. So a passage is at most ``PASSAGE_CHARS`` of its sentence, cut at
word boundaries around the mention: a pure function of the text and offsets.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections.abc import Sequence
from functools import lru_cache

from ..model import Mention

#: The longest passage an entity page shows around a mention (a long sentence is cut).
PASSAGE_CHARS = 400
_QUOTES = re.compile("[“”]")
_SPACE = re.compile(r"\s+")
Span = tuple[int, int]


def passage_window(text: str, sentence: Span, mention: Span, limit: int = PASSAGE_CHARS) -> Span:
    """The part of ``sentence`` (offsets in ``text``) to show around ``mention``.

    The whole sentence when it fits in ``limit`` characters; else at most
    ``limit`` characters with the mention in the middle (or as near as the
    sentence's ends allow), cut between words. A mention longer than ``limit``
    is shown alone.
    """
    (first, last), (start, end) = sentence, mention
    if last - first <= limit:
        return sentence
    room = limit - (end - start)
    if room <= 0:
        return mention
    before = min(room // 2, start - first)
    after = min(room - before, last - end)
    before = min(room - after, start - first)  # what the end could not use goes before
    a = start - before
    b = end + after
    if a > first and not text[a - 1].isspace():  # cut inside a word: drop its piece
        space = _SPACE.search(text, a, start)
        a = space.end() if space else start
    if b < last and not text[b].isspace():
        spaces = [m.start() for m in _SPACE.finditer(text, end, b)]
        b = spaces[-1] if spaces else end
    return a, b


def quote_depth(text: str, at: int) -> int:
    """How many double quotations are open at offset ``at`` of ``text``."""
    positions, depths = _depths(text)
    i = bisect_left(positions, at)
    return depths[i - 1] if i else 0


@lru_cache(maxsize=64)
def _depths(text: str) -> tuple[list[int], list[int]]:
    """Each quotation mark's offset and the depth after it: worked out once per
    block, not once per passage (a block may have thousands)."""
    positions, depths, depth = [], [], 0
    for match in _QUOTES.finditer(text):
        depth = depth + 1 if match.group() == "“" else max(0, depth - 1)
        positions.append(match.start())
        depths.append(depth)
    return positions, depths


def windows(
    text: str, sentence: Span, marked: Sequence[Mention]
) -> list[tuple[Span, list[Mention]]]:
    """The passages of one sentence: each window with the mentions it shows, in order.

    A mention inside the previous window is marked there; the next window starts
    where the previous one ended, so no text is quoted twice.
    """
    out: list[tuple[Span, list[Mention]]] = []
    floor = sentence[0]
    for mention in sorted(marked, key=lambda m: m.start):
        if out and mention.end <= out[-1][0][1]:
            out[-1][1].append(mention)
            continue
        span = (min(floor, mention.start), sentence[1])
        window = passage_window(text, span, (mention.start, mention.end))
        out.append((window, [mention]))
        floor = window[1]
    return out
