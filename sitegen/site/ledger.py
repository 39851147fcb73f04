"""Sources ledgers: who is quoted and which outlets are cited, per article and site-wide."""

from __future__ import annotations

from collections.abc import Iterable

from ..catalog import key
from ..model import Article, Cited, Quoted


def cite(articles: Iterable[Article]) -> tuple[Cited, ...]:
    """Every source of ``articles`` (given newest first): people first, then outlets,
    organisations and documents; most attributions first, then by name."""
    found: dict[str, list[Quoted]] = {}
    for article in articles:
        for attribution in article.attributions:
            name = attribution.entity or "name:" + key(attribution.source)
            found.setdefault(name, []).append(Quoted(article, attribution))
    cited = []
    for items in found.values():
        first = items[0].attribution
        person = (first.entity or "").startswith("person/")
        cited.append(
            Cited(first.source, first.entity, "people" if person else "outlets", tuple(items))
        )
    cited.sort(key=lambda c: (c.group != "people", -len(c.items), c.name.casefold()))
    return tuple(cited)
