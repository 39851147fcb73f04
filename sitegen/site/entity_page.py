"""Site, entity pages: what an entity's own page shows, from its articles alone.

Passages (the sentences around its mentions), the names it is written as, the
entities named with it and its mentions by month. Worked out only when the
page is rendered.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence

from ..memos import Memo
from ..model import Article, Entity, EntityArticle, EntityPage, Mention, Passage
from .listings import ListPage, paginate
from .named_with import named_with
from .passages import quote_depth, windows

RELATED_COUNT = 8


def entity_page(entity: Entity, listing: ListPage | None = None) -> EntityPage:
    """What the entity's page shows: passages and quotes, the names it is written as,
    the entities named with it and its mentions by month (from its articles only).

    With ``listing`` (a page of ``entity_listings``), only that page's articles with
    their passages and quotes (so a page's length is bounded by its articles, however
    often the entity is quoted); what is worked out from all of them (names, related
    entities, months) is on the first page alone."""
    found, quotes = entity.found, entity.quotes
    if listing is not None:
        shown = {a.slug for a in listing.articles}
        found = tuple((a, ms) for a, ms in found if a.slug in shown)
        quotes = tuple(q for q in quotes if q.article.slug in shown)
    whole = listing is None or listing.number == 1
    return EntityPage(
        id=entity.id,
        name=entity.name,
        label=entity.label,
        articles=tuple(EntityArticle(a, _passages(a, entity.id, ms)) for a, ms in found),
        aliases=aliases(entity) if whole else (),
        description=entity.description,
        url=entity.url,
        related=named_with(entity.id, entity.articles, RELATED_COUNT) if whole else (),
        months=_months(entity) if whole else (),
        quotes=quotes,
        quote_count=len(entity.quotes),
        mention_count=entity.mention_count,
        article_count=len(entity.found),
    )


def entity_listings(entity: Entity, size: int) -> list[ListPage]:
    """The pages of ``entity``'s page, ``size`` articles each: ``entities/<id>/`` and
    ``entities/<id>/page/<n>/``."""
    return paginate(entity.articles, f"entities/{entity.id}/", size)


def aliases(entity: Entity) -> tuple[str, ...]:
    """The forms the articles name ``entity`` by, most frequent first."""
    surfaces = Counter(" ".join(m.text.split()) for _, ms in entity.found for m in ms)
    return tuple(sorted(surfaces, key=lambda s: (-surfaces[s], s)))


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


def _passages(article: Article, entity: str, mentions: Sequence[Mention]) -> tuple[Passage, ...]:
    """``passages`` of an entity in an article, made once per article key."""
    if not article.key:  # made by hand, not by a build: nothing names its inputs
        return passages(article, mentions)
    return _PASSAGES.get(f"{article.key} {entity}", lambda: passages(article, mentions))


_PASSAGES: Memo[tuple[Passage, ...]] = Memo(limit=16384)


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
