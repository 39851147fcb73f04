"""Site: related articles, chosen by the entities two articles both name.

A pure function of which entities each article names, so it can be computed
once per site (and again only when an article's entities change).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Mapping, Sequence


def related_articles(
    entities_by_article: Mapping[str, Collection[str]], limit: int = 3
) -> dict[str, tuple[str, ...]]:
    """For each article (by slug), up to ``limit`` others that name the same entities.

    A shared entity counts more the fewer articles name it (one named by every
    article says little), and one named by more than half of the articles (and
    by more than two) is not counted at all. Best first; ties keep the mapping's
    order (give the articles newest first). An article sharing nothing is not related.
    """
    naming: dict[str, list[str]] = defaultdict(list)
    for article, entities in entities_by_article.items():
        for entity in sorted(set(entities)):
            naming[entity].append(article)
    too_common = max(2, len(entities_by_article) // 2)
    order = {article: i for i, article in enumerate(entities_by_article)}
    out: dict[str, tuple[str, ...]] = {}
    for article, entities in entities_by_article.items():
        scores: dict[str, float] = defaultdict(float)
        for entity in sorted(set(entities)):
            named_by = naming[entity]
            if len(named_by) > too_common:
                continue
            for other in named_by:
                if other != article:
                    scores[other] += 1 / len(named_by)
        ranked = sorted(scores, key=lambda other: (-scores[other], order[other]))
        out[article] = tuple(ranked[:limit])
    return out


def shared_entities(
    entities: Sequence[str], other: Collection[str], limit: int = 4
) -> tuple[str, ...]:
    """The first ``limit`` of ``entities`` (in their order, each once) that ``other`` names too."""
    return tuple(e for e in dict.fromkeys(entities) if e in other)[:limit]
