"""Site: the cross-article indexes, a pure function of the set of articles.

Names are resolved across articles here, once (short person names merged into
the one fuller name the site knows, see ``enrich/names.py``); every entity gets
its mentioning articles, curated description and quotes. What an entity's own
page adds (passages, the names it is written as, the entities named with it,
mentions by month) comes from its articles alone, worked out by ``entity_page``.
"""

from __future__ import annotations

import dataclasses
import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence

from ..cache import Memo, digest
from ..catalog import EMPTY_CATALOG, Catalog
from ..enrich.names import entity_id, resolve_across
from ..model import (
    LABELS,
    Article,
    Conflict,
    Entity,
    EntityArticle,
    EntityPage,
    Mention,
    Passage,
    Site,
)
from .ledger import cite
from .named_with import named_with
from .passages import quote_depth, windows

_LABEL_ORDER = {label: i for i, label in enumerate(LABELS)}
RELATED_COUNT = 8


def build_site(articles: Iterable[Article], catalog: Catalog = EMPTY_CATALOG) -> Site:
    """Order the articles newest first, resolve names across them once, gather entities.

    Entities get only what the whole site needs (names, counts, quotes); what
    their own pages show is worked out by ``entity_page`` when one is rendered.
    """
    ordered = sorted(articles, key=article_order)
    merges, conflicts = resolve_across(
        ((m.label, m.name) for a in ordered for m in a.mentions), catalog, _speaking(ordered)
    )
    renames = {entity_id(*old): (entity_id(*new), *new) for old, new in merges.items()}
    resolved = tuple(_remap(a, renames) for a in ordered)
    by_entity: dict[str, dict[int, list[Mention]]] = defaultdict(dict)
    for number, article in enumerate(resolved):
        for mention in article.mentions:
            by_entity[mention.entity].setdefault(number, []).append(mention)
    cited = cite(resolved)
    quotes = {c.entity: c.items for c in cited if c.entity}
    entities = []
    for eid, found in by_entity.items():
        first = next(iter(found.values()))[0]
        names = Counter(m.name for ms in found.values() for m in ms)
        name = min(names, key=lambda n: (-names[n], n))
        curated = catalog.lookup(name)
        entities.append(
            Entity(
                id=eid,
                name=name,
                label=first.label,
                found=tuple((resolved[n], tuple(ms)) for n, ms in found.items()),
                description=curated.description if curated else None,
                url=curated.url if curated else None,
                quotes=quotes.get(eid, ()),
            )
        )
    entities.sort(key=lambda e: (_LABEL_ORDER[e.label], e.name.casefold(), e.id))
    return Site(resolved, tuple(entities), _with_sources(conflicts, resolved), cited)


def _speaking(articles: Sequence[Article]) -> set[tuple[str, str]]:
    """(label, name) of every mention of an entity that is a source in its article."""
    out: set[tuple[str, str]] = set()
    for article in articles:
        sources = {a.entity for a in article.attributions if a.entity}
        out.update((m.label, m.name) for m in article.mentions if m.entity in sources)
    return out


def article_order(article: Article) -> tuple[bool, int, str, str]:
    """Newest first; undated articles last; then by title and slug."""
    date = article.document.date
    return (date is None, -date.toordinal() if date else 0, article.document.title, article.slug)


def _remap(article: Article, renames: dict[str, tuple[str, str, str]]) -> Article:
    """The article with the site's names: a copy only where a name changes (made
    once per article and set of renames while among the last few thousand)."""
    applied = sorted(
        {(m.entity, *renames[m.entity]) for m in article.mentions if m.entity in renames}
    )
    if not applied:
        return article
    key = digest(article.key, repr(applied)).hex()
    return _REMAPPED.get(key, lambda: _renamed(article, renames, key))


_REMAPPED: Memo[Article] = Memo()
"""``_remap``'s results by their key (the article's key and the renames applied)."""


def _renamed(article: Article, renames: dict[str, tuple[str, str, str]], key: str) -> Article:
    mentions = tuple(
        dataclasses.replace(m, entity=renamed[0], label=renamed[1], name=renamed[2])
        if (renamed := renames.get(m.entity))
        else m
        for m in article.mentions
    )
    attributions = []
    for a in article.attributions:
        source = renames.get(a.entity or "")
        medium = renames.get(a.medium_entity or "")
        attributions.append(
            dataclasses.replace(
                a,
                entity=source[0] if source else a.entity,
                source=source[2] if source else a.source,
                medium_entity=medium[0] if medium else a.medium_entity,
                medium=medium[2] if medium else a.medium,
            )
        )
    return dataclasses.replace(
        article, mentions=mentions, attributions=tuple(attributions), key=key
    )


def entity_page(entity: Entity) -> EntityPage:
    """What the entity's page shows: passages, the names it is written as, the
    entities named with it and its mentions by month (from its articles only)."""
    return EntityPage(
        id=entity.id,
        name=entity.name,
        label=entity.label,
        articles=tuple(EntityArticle(a, passages(a, ms)) for a, ms in entity.found),
        aliases=aliases(entity),
        description=entity.description,
        url=entity.url,
        related=named_with(entity.id, entity.articles, RELATED_COUNT),
        months=_months(entity),
        quotes=entity.quotes,
        mention_count=entity.mention_count,
    )


def aliases(entity: Entity) -> tuple[str, ...]:
    """The forms the articles name ``entity`` by, most frequent first."""
    surfaces = Counter(" ".join(m.text.split()) for _, ms in entity.found for m in ms)
    return tuple(sorted(surfaces, key=lambda s: (-surfaces[s], s)))


def _with_sources(
    conflicts: Sequence[Conflict], articles: Sequence[Article]
) -> tuple[Conflict, ...]:
    """Each conflict with the files that use its name (one pass over the mentions)."""
    wanted = {(c.label, c.name) for c in conflicts}
    sources: dict[tuple[str, str], set[str]] = {name: set() for name in wanted}
    if wanted:
        for article in articles:
            for m in article.mentions:
                if (m.label, m.name) in wanted:
                    sources[m.label, m.name].add(article.document.source)
    return tuple(
        dataclasses.replace(c, sources=tuple(sorted(sources[c.label, c.name]))) for c in conflicts
    )


def _months(entity: Entity) -> tuple[tuple[str, int], ...]:
    counts: Counter[tuple[int, int]] = Counter()
    for article, mentions in entity.found:
        if article.document.date:
            counts[(article.document.date.year, article.document.date.month)] += len(mentions)
    if not counts:
        return ()
    (year, month), last = min(counts), max(counts)
    out = []
    while (year, month) <= last:
        out.append((f"{year:04d}-{month:02d}", counts[(year, month)]))
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return tuple(out)


def passages(article: Article, mentions: Sequence[Mention]) -> tuple[Passage, ...]:
    """The sentences around ``mentions``, mentions marked; a long sentence is cut to a
    window around its mentions (see ``passages.passage_window``), marked "…"."""
    by_sentence: dict[tuple[int, tuple[int, int]], list[Mention]] = {}
    for mention in mentions:
        by_sentence.setdefault((mention.block, mention.sentence), []).append(mention)
    out = []
    for (block, sentence), found in by_sentence.items():
        text = article.document.blocks[block].text
        for (start, end), marked in windows(text, sentence, found):
            parts: list[tuple[str, bool]] = [("…", False)] if start > sentence[0] else []
            at = start
            for mention in marked:
                parts += [
                    (text[at : mention.start], False),
                    (text[mention.start : mention.end], True),
                ]
                at = mention.end
            parts.append((text[at:end], False))
            parts += [("…", False)] if end < sentence[1] else []
            tidy = _tidy(parts)
            if quote_depth(text, start):  # the passage is inside a quotation: show it as one
                tidy = (("“", False), *tidy)
            if quote_depth(text, end):
                tidy = (*tidy, ("”", False))
            out.append(Passage(tidy, block))
    return tuple(out)


def _tidy(parts: list[tuple[str, bool]]) -> tuple[tuple[str, bool], ...]:
    """Runs of white space (line breaks too) as single spaces, none at the ends."""
    tidy = [(re.sub(r"\s+", " ", text), marked) for text, marked in parts]
    tidy[0] = (tidy[0][0].lstrip(), tidy[0][1])
    tidy[-1] = (tidy[-1][0].rstrip(), tidy[-1][1])
    return tuple((text, marked) for text, marked in tidy if text)
