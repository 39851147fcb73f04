"""Sources ledgers: who is quoted and which outlets are cited, per article and site-wide."""

from __future__ import annotations

import functools
from collections.abc import Iterable

from ..catalog import key
from ..memos import Memo
from ..model import Article, Cited, Quoted


def cite(articles: Iterable[Article]) -> tuple[Cited, ...]:
    """Every source of ``articles`` (given newest first): people first, then outlets,
    organisations and documents; most attributions first, then by name."""
    found: dict[str, list[Quoted]] = {}
    for article in articles:
        for name, quoted in _QUOTED.get(article.key, functools.partial(_quoted, article)):
            found.setdefault(name, []).append(quoted)
    cited = []
    for items in found.values():
        first = items[0].attribution
        person = (first.entity or "").startswith("person/")
        cited.append(
            Cited(first.source, first.entity, "people" if person else "outlets", tuple(items))
        )
    cited.sort(key=lambda c: (c.group != "people", -len(c.items), c.name.casefold()))
    return tuple(cited)


_QUOTED: Memo[tuple[tuple[str, Quoted], ...]] = Memo(limit=16384)
"""Each article's attributions by source, by the article's key."""


def _quoted(article: Article) -> tuple[tuple[str, Quoted], ...]:
    return tuple(
        (a.entity or "name:" + key(a.source), Quoted(article, a)) for a in article.attributions
    )
