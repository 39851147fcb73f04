"""The entities named with an entity: counted once per article (so one long
article is not read once per entity it names), ranked as before."""

from __future__ import annotations

from collections import Counter
from types import SimpleNamespace
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from sitegen.model import Mention, Related
from sitegen.site.named_with import named_with


def mention(entity: str) -> Mention:
    return Mention(entity, entity.upper(), "PERSON", entity, 0, 0, 1, 1, (0, 1))


def naive(entity: str, articles: list[Any], limit: int) -> tuple[Related, ...]:
    """The ranking as it was defined first: read every article for every entity."""
    shared: Counter[str] = Counter()
    mentions: Counter[str] = Counter()
    names: dict[str, Mention] = {}
    for article in articles:
        counts = Counter(m.entity for m in article.mentions)
        for m in article.mentions:
            names.setdefault(m.entity, m)
        for other, count in counts.items():
            if other != entity:
                shared[other] += 1
                mentions[other] += count
    others = sorted(shared, key=lambda o: (-shared[o], -mentions[o], o))[:limit]
    return tuple(Related(o, names[o].name, names[o].label, shared[o]) for o in others)


ARTICLES = st.lists(
    st.lists(st.sampled_from("abcdefghijklmnop"), min_size=1, max_size=30), min_size=1, max_size=6
)


@settings(max_examples=200, deadline=None)
@given(ARTICLES, st.integers(min_value=0, max_value=5), st.integers(min_value=1, max_value=9))
def test_related_ranks_as_reading_every_article_would(
    names: list[list[str]], pick: int, limit: int
) -> None:
    articles = [SimpleNamespace(mentions=tuple(map(mention, ns)), key="") for ns in names]
    mine = [a for a in articles if a.mentions][: pick + 1]
    entity = mine[-1].mentions[0].entity
    assert named_with(entity, mine, limit) == naive(entity, mine, limit)  # type: ignore[arg-type]


def test_an_article_is_counted_once_for_all_its_entities() -> None:
    article = SimpleNamespace(mentions=tuple(mention(f"e{i}") for i in range(3000)))
    reads = 0

    class Counting(SimpleNamespace):
        @property
        def mentions(self) -> tuple[Mention, ...]:
            nonlocal reads
            reads += 1
            return article.mentions

    counted = Counting(key="an article's key")  # as a build sets it
    for i in range(0, 3000, 7):
        assert len(named_with(f"e{i}", [counted], 8)) == 8  # type: ignore[list-item]
    assert reads <= 2
