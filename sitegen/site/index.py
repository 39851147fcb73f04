"""Site: the cross-article indexes, a pure function of the set of articles.

Short person names are merged across articles here (see ``names.py``); every
entity then gets its articles and passages, aliases, curated description, the
entities it is named with, and its mentions by month.
"""

from __future__ import annotations

import dataclasses
import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence

from ..catalog import EMPTY_CATALOG, Catalog
from ..enrich.names import entity_id, resolve_across
from ..model import (
    LABELS,
    Article,
    Conflict,
    Entity,
    EntityArticle,
    Mention,
    Passage,
    Related,
    Site,
)
from .ledger import cite

_LABEL_ORDER = {label: i for i, label in enumerate(LABELS)}
RELATED_COUNT = 8


def build_site(articles: Iterable[Article], catalog: Catalog = EMPTY_CATALOG) -> Site:
    """Order the articles newest first, resolve names across them, gather entities."""
    ordered = sorted(articles, key=article_order)
    merges, conflicts = resolve_across(
        ((m.label, m.name) for a in ordered for m in a.mentions), catalog
    )
    resolved = tuple(_remap(a, merges) for a in ordered)
    by_entity: dict[str, list[tuple[Article, Mention]]] = defaultdict(list)
    for article in resolved:
        for mention in article.mentions:
            by_entity[mention.entity].append((article, mention))
    together = _cooccurrence(resolved)
    cited = cite(resolved)
    quotes = {c.entity: c.items for c in cited if c.entity}
    entities = [
        dataclasses.replace(_entity(found, catalog, together), quotes=quotes.get(eid, ()))
        for eid, found in by_entity.items()
    ]
    entities.sort(key=lambda e: (_LABEL_ORDER[e.label], e.name.casefold(), e.id))
    return Site(resolved, tuple(entities), _with_sources(conflicts, resolved), cited)


def article_order(article: Article) -> tuple[bool, int, str, str]:
    """Newest first; undated articles last; then by title and slug."""
    date = article.document.date
    return (date is None, -date.toordinal() if date else 0, article.document.title, article.slug)


def _remap(article: Article, merges: dict[tuple[str, str], tuple[str, str]]) -> Article:
    if not any((m.label, m.name) in merges for m in article.mentions):
        return article
    mentions = []
    renamed: dict[str, tuple[str, str]] = {}
    for mention in article.mentions:
        label, name = merges.get((mention.label, mention.name), (mention.label, mention.name))
        renamed[mention.entity] = (entity_id(label, name), name)
        mentions.append(
            dataclasses.replace(mention, entity=renamed[mention.entity][0], name=name, label=label)
        )
    attributions = []
    for a in article.attributions:
        entity, source = renamed.get(a.entity or "", (a.entity, a.source))
        medium_entity, medium = renamed.get(a.medium_entity or "", (a.medium_entity, a.medium))
        attributions.append(
            dataclasses.replace(
                a, entity=entity, source=source, medium_entity=medium_entity, medium=medium
            )
        )
    return dataclasses.replace(article, mentions=tuple(mentions), attributions=tuple(attributions))


def _with_sources(
    conflicts: Sequence[Conflict], articles: Sequence[Article]
) -> tuple[Conflict, ...]:
    out = []
    for conflict in conflicts:
        sources = sorted(
            {
                a.document.source
                for a in articles
                for m in a.mentions
                if (m.label, m.name) == (conflict.label, conflict.name)
            }
        )
        out.append(dataclasses.replace(conflict, sources=tuple(sources)))
    return tuple(out)


def _cooccurrence(articles: Sequence[Article]) -> dict[str, Counter[tuple[str, str]]]:
    """For each entity, (other, "articles"|"mentions") -> count over the articles they share."""
    together: dict[str, Counter[tuple[str, str]]] = defaultdict(Counter)
    for article in articles:
        counts = Counter(m.entity for m in article.mentions)
        for one in counts:
            for other, mentions in counts.items():
                if other != one:
                    together[one][(other, "articles")] += 1
                    together[one][(other, "mentions")] += mentions
    return together


def _entity(
    found: Sequence[tuple[Article, Mention]],
    catalog: Catalog,
    together: dict[str, Counter[tuple[str, str]]],
) -> Entity:
    first = found[0][1]
    names = Counter(m.name for _, m in found)
    name = min(names, key=lambda n: (-names[n], n))
    curated = catalog.lookup(name)
    surfaces = Counter(" ".join(m.text.split()) for _, m in found)
    by_article: dict[str, list[Mention]] = {}
    owners: dict[str, Article] = {}
    for article, mention in found:
        by_article.setdefault(article.slug, []).append(mention)
        owners[article.slug] = article
    return Entity(
        id=first.entity,
        name=name,
        label=first.label,
        articles=tuple(
            EntityArticle(owners[slug], passages(owners[slug], mentions))
            for slug, mentions in by_article.items()
        ),
        aliases=tuple(sorted(surfaces, key=lambda s: (-surfaces[s], s))),
        description=curated.description if curated else None,
        url=curated.url if curated else None,
        related=_related(first.entity, together, found),
        months=_months(found),
    )


def _related(
    entity: str,
    together: dict[str, Counter[tuple[str, str]]],
    found: Sequence[tuple[Article, Mention]],
) -> tuple[Related, ...]:
    """Most shared articles first, then most mentioned in them, then by id."""
    names: dict[str, Mention] = {}
    for article, _ in found:
        for m in article.mentions:
            names.setdefault(m.entity, m)
    counts = together[entity]
    others = sorted(
        {other for other, _ in counts},
        key=lambda o: (-counts[(o, "articles")], -counts[(o, "mentions")], o),
    )[:RELATED_COUNT]
    return tuple(Related(o, names[o].name, names[o].label, counts[(o, "articles")]) for o in others)


def _months(found: Sequence[tuple[Article, Mention]]) -> tuple[tuple[str, int], ...]:
    counts = Counter(
        (a.document.date.year, a.document.date.month) for a, _ in found if a.document.date
    )
    if not counts:
        return ()
    (year, month), last = min(counts), max(counts)
    out = []
    while (year, month) <= last:
        out.append((f"{year:04d}-{month:02d}", counts[(year, month)]))
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return tuple(out)


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
        tidy = _tidy(parts)
        if _quote_depth(text, start):  # the sentence is inside a quotation: show it as one
            tidy = (("“", False), *tidy)
        if _quote_depth(text, end):
            tidy = (*tidy, ("”", False))
        out.append(Passage(tidy, block))
    return tuple(out)


def _quote_depth(text: str, end: int) -> int:
    """How many double quotations are open at ``end`` of ``text``."""
    depth = 0
    for ch in text[:end]:
        if ch == "“":
            depth += 1
        elif ch == "”" and depth:
            depth -= 1
    return depth


def _tidy(parts: list[tuple[str, bool]]) -> tuple[tuple[str, bool], ...]:
    """Runs of white space (line breaks too) as single spaces, none at the ends."""
    tidy = [(re.sub(r"\s+", " ", text), marked) for text, marked in parts]
    tidy[0] = (tidy[0][0].lstrip(), tidy[0][1])
    tidy[-1] = (tidy[-1][0].rstrip(), tidy[-1][1])
    return tuple((text, marked) for text, marked in tidy if text)
