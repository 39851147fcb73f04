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
    # The scores are sums over pairs of articles: summed in C. (Imported here, 0.08 s: an
    # edit that changes no article's entities reads the last build's choice back.)
    import numpy as np

    articles = list(entities_by_article)
    named = [sorted(set(entities)) for entities in entities_by_article.values()]
    naming: dict[str, list[int]] = defaultdict(list)
    for i, entities in enumerate(named):
        for entity in entities:
            naming[entity].append(i)
    too_common = max(2, len(articles) // 2)
    shared = {e: np.array(by) for e, by in naming.items() if len(by) <= too_common}
    out: dict[str, tuple[str, ...]] = {}
    for i, entities in enumerate(named):
        found = [(shared[e], 1 / len(shared[e])) for e in entities if e in shared]
        if not found:
            out[articles[i]] = ()
            continue
        # added in the order of the entities, as a loop would: the same floats
        others = np.concatenate([by for by, _ in found])
        weights = np.concatenate([np.full(len(by), w) for by, w in found])
        scores = np.bincount(others, weights=weights, minlength=len(articles))
        scores[i] = 0.0
        candidates = np.flatnonzero(scores)
        best = candidates[np.lexsort((candidates, -scores[candidates]))[:limit]]
        out[articles[i]] = tuple(articles[o] for o in best.tolist())
    return out


def shared_entities(
    entities: Sequence[str], other: Collection[str], limit: int = 4
) -> tuple[str, ...]:
    """The first ``limit`` of ``entities`` (in their order, each once) that ``other`` names too."""
    return tuple(e for e in dict.fromkeys(entities) if e in other)[:limit]
