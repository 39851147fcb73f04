"""Site: the cross-article indexes, a pure function of the set of articles."""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence

from .model import LABELS, Article, Entity, EntityArticle, Mention, Passage, Site

_LABEL_ORDER = {label: i for i, label in enumerate(LABELS)}


def build_site(articles: Iterable[Article]) -> Site:
    """Order the articles newest first and gather every entity's mentions."""
    ordered = tuple(sorted(articles, key=article_order))
    by_entity: dict[str, list[tuple[Article, Mention]]] = defaultdict(list)
    for article in ordered:
        for mention in article.mentions:
            by_entity[mention.entity].append((article, mention))
    entities = [_entity(entity_id, found) for entity_id, found in by_entity.items()]
    entities.sort(key=lambda e: (_LABEL_ORDER[e.label], e.name.casefold(), e.id))
    return Site(ordered, tuple(entities))


def article_order(article: Article) -> tuple[bool, int, str, str]:
    """Newest first; undated articles last; then by title and slug."""
    date = article.document.date
    return (date is None, -date.toordinal() if date else 0, article.document.title, article.slug)


def _entity(entity_id: str, found: Sequence[tuple[Article, Mention]]) -> Entity:
    names = Counter(m.name for _, m in found)
    name = min(names, key=lambda n: (-names[n], n))
    articles: dict[str, list[Mention]] = {}
    owners = {}
    for article, mention in found:
        articles.setdefault(article.slug, []).append(mention)
        owners[article.slug] = article
    listed = tuple(
        EntityArticle(owners[slug], passages(owners[slug], mentions))
        for slug, mentions in articles.items()
    )
    return Entity(entity_id, name, found[0][1].label, listed)


def passages(article: Article, mentions: Sequence[Mention]) -> tuple[Passage, ...]:
    """The sentences around ``mentions``, one passage per sentence, mentions marked."""
    by_sentence: dict[tuple[int, tuple[int, int]], list[Mention]] = {}
    for mention in mentions:
        by_sentence.setdefault((mention.block, mention.sentence), []).append(mention)
    out = []
    for (block, (start, end)), marked in by_sentence.items():
        text = article.document.blocks[block].text
        parts: list[tuple[str, bool]] = []
        at = start
        for mention in sorted(marked, key=lambda m: m.start):
            parts += [(text[at : mention.start], False), (text[mention.start : mention.end], True)]
            at = mention.end
        parts.append((text[at:end], False))
        out.append(Passage(_tidy(parts), block))
    return tuple(out)


def _tidy(parts: list[tuple[str, bool]]) -> tuple[tuple[str, bool], ...]:
    """Runs of white space (line breaks too) as single spaces, none at the ends."""
    tidy = [(re.sub(r"\s+", " ", text), marked) for text, marked in parts]
    tidy[0] = (tidy[0][0].lstrip(), tidy[0][1])
    tidy[-1] = (tidy[-1][0].rstrip(), tidy[-1][1])
    return tuple((text, marked) for text, marked in tidy if text)
