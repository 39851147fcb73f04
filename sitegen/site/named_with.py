"""Site, entity pages: the entities most often named in the same articles.

Ranked by how many articles they share, then by how often the shared articles
name them, then by id. Who an article names, and how often, is counted once
per article (``_named``), not once for each entity it names: an article
naming 10,000 entities would otherwise be read 10,000 times, and one long
article would take time with the square of its length.
"""

from __future__ import annotations

import heapq
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

from ..memos import Memo
from ..model import Article, Mention, Related


@dataclass(frozen=True)
class _Named:
    """Who one article names: how often, where first, and all of them by count."""

    first: dict[str, Mention]
    ranked: tuple[str, ...]
    """Entity ids, most often named first (then by id)."""
    every: tuple[str, ...]
    """The entity id of each mention, in order (counted by C code below)."""


_NAMED: Memo[_Named] = Memo(limit=16384)
"""Each article's counts by its key (a preview's edit then counts only its own)."""


def named_with(entity: str, articles: Sequence[Article], limit: int) -> tuple[Related, ...]:
    """The ``limit`` entities most often named with ``entity`` in ``articles``."""
    named = [_named(article) for article in articles]
    if len(named) == 1:  # one article: its own ranking, without the entity itself
        only = named[0]
        others = [o for o in only.ranked[: limit + 1] if o != entity][:limit]
        return tuple(_related(o, only.first[o], 1) for o in others)
    shared: Counter[str] = Counter()
    mentions: Counter[str] = Counter()
    for found in named:  # Counter.update of an iterable counts in C
        shared.update(found.ranked)
        mentions.update(found.every)
    shared.pop(entity, None)
    others = heapq.nsmallest(limit, shared, key=lambda o: (-shared[o], -mentions[o], o))
    return tuple(
        _related(o, next(f.first[o] for f in named if o in f.first), shared[o]) for o in others
    )


def _related(other: str, mention: Mention, shared: int) -> Related:
    return Related(other, mention.name, mention.label, shared)


def _named(article: Article) -> _Named:
    """Who ``article`` names: how often, where first, and all of them by count."""
    return _NAMED.get(article.key, lambda: _count(article))


def _count(article: Article) -> _Named:
    every = tuple(m.entity for m in article.mentions)
    counts = Counter(every)
    first: dict[str, Mention] = {}
    for mention in article.mentions:
        first.setdefault(mention.entity, mention)
    ranked = tuple(sorted(counts, key=lambda o: (-counts[o], o)))
    return _Named(first, ranked, every)
