"""Render: reading time and the entities of an article grouped by kind.

Small pure functions of an article's text and mentions, for its page and
for the article lists that show them.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence

from ..model import Article

#: Words a minute for news prose read on screen (Brysbaert 2019: 238 for non-fiction).
WORDS_PER_MINUTE = 230


def reading_minutes(texts: Iterable[str], words_per_minute: int = WORDS_PER_MINUTE) -> int:
    """Whole minutes it takes to read ``texts`` (at least 1)."""
    words = sum(len(text.split()) for text in texts)
    return max(1, round(words / words_per_minute))


def article_minutes(article: Article) -> int:
    """Reading time of an article (the ``reading_minutes`` template filter)."""
    return reading_minutes(block.text for block in article.document.blocks)


def mentions_by_kind(
    mentions: Iterable[tuple[str, str]], kinds: Sequence[str]
) -> tuple[tuple[str, tuple[tuple[str, int], ...]], ...]:
    """``(kind, ((entity, mentions), ...))`` for each kind of ``kinds`` that is mentioned.

    ``mentions`` are (entity, kind) pairs in reading order. Within a kind the most
    mentioned entity comes first, then the one mentioned first.
    """
    counts: Counter[str] = Counter()
    first: dict[str, int] = {}
    kind_of: dict[str, str] = {}
    for entity, kind in mentions:
        counts[entity] += 1
        first.setdefault(entity, len(first))
        kind_of.setdefault(entity, kind)
    out = []
    for kind in kinds:
        members = [e for e in first if kind_of[e] == kind]
        members.sort(key=lambda e: (-counts[e], first[e]))
        if members:
            out.append((kind, tuple((e, counts[e]) for e in members)))
    return tuple(out)
