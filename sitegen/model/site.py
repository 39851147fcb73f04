"""Site-wide data: the Site of every article, its entities (and what an entity's page
shows), its sources (ledger lines) and its ambiguous names.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

from ..cache import digest
from .article import Article, Attribution, Mention


@dataclass(frozen=True, slots=True)
class Passage:
    """A sentence quoted on an entity page, with the entity's mentions marked."""

    parts: tuple[tuple[str, bool], ...]
    """The sentence as (text, is_mention) pieces."""
    block: int
    """The prose block the sentence is in."""


@dataclass(frozen=True, slots=True)
class EntityArticle:
    """One article as listed on an entity page."""

    article: Article
    passages: tuple[Passage, ...]


@dataclass(frozen=True, slots=True)
class Quoted:
    """One attribution, as listed away from its article (ledgers, entity pages)."""

    article: Article
    attribution: Attribution


@dataclass(frozen=True, slots=True)
class Cited:
    """A source with everything attributed to it: a line of a sources ledger."""

    name: str
    entity: str | None
    group: str
    """``people``, or ``outlets`` (outlets, organisations, documents)."""
    items: tuple[Quoted, ...]
    """Newest article first, then in reading order."""

    def count(self, kind: str) -> int:
        return sum(1 for q in self.items if q.attribution.kind == kind)

    @property
    def articles(self) -> tuple[Article, ...]:
        by_slug = {q.article.slug: q.article for q in self.items}
        return tuple(by_slug.values())


@dataclass(frozen=True, slots=True)
class Related:
    """An entity named in the same articles as another."""

    id: str
    name: str
    label: str
    shared: int
    """How many articles mention both."""


@dataclass(frozen=True)
class Entity:
    """A person, organisation, place... as the whole site knows it.

    What its own page shows beyond this (passages, related entities, months)
    is worked out only when that page is rendered: see ``EntityPage``.
    """

    id: str
    name: str
    label: str
    found: tuple[tuple[Article, tuple[Mention, ...]], ...]
    """Each mentioning article, newest first, with its mentions of the entity."""
    description: str | None = None
    """From ``entities.toml``."""
    url: str | None = None
    """An external page about it, from ``entities.toml``."""
    quotes: tuple[Quoted, ...] = ()
    """What it is quoted or reported saying across the site, newest first."""

    @property
    def type_slug(self) -> str:
        return self.id.split("/", 1)[0]

    @functools.cached_property
    def articles(self) -> tuple[Article, ...]:
        """The mentioning articles, newest first."""
        return tuple(article for article, _ in self.found)

    @functools.cached_property
    def mention_count(self) -> int:
        return sum(len(mentions) for _, mentions in self.found)

    @functools.cached_property
    def card(self) -> tuple[str, str, str, str | None, int]:
        """What an article's hover card shows of it: id, name, label, description and
        how many articles mention it."""
        return (self.id, self.name, self.label, self.description, len(self.found))

    @functools.cached_property
    def card_digest(self) -> bytes:
        """A 16-byte digest of ``card``: an article page's key joins those of the
        entities it names, each worked out once per entity, not once per article."""
        return digest(repr(self.card))


@dataclass(frozen=True)
class EntityPage:
    """Everything an entity's page shows."""

    id: str
    name: str
    label: str
    articles: tuple[EntityArticle, ...]
    """The mentioning articles this page lists (one page's worth), newest first, each
    with its passages."""
    aliases: tuple[str, ...]
    """The forms the articles name it by, most frequent first."""
    description: str | None
    url: str | None
    related: tuple[Related, ...]
    """The entities most often mentioned in the same articles."""
    months: tuple[tuple[str, int], ...]
    """Mentions per month (``2015-09``), every month from the first to the last."""
    quotes: tuple[Quoted, ...]
    """What it is quoted saying (or cited for) in the articles this page lists."""
    quote_count: int
    """Quotes in all its articles (all pages)."""
    mention_count: int
    article_count: int
    """How many articles mention it (all pages)."""

    @property
    def type_slug(self) -> str:
        return self.id.split("/", 1)[0]


@dataclass(frozen=True)
class Conflict:
    """A short name that could be several entities of the site, so is left apart."""

    label: str
    name: str
    candidates: tuple[str, ...]
    """The fuller names it could be."""
    sources: tuple[str, ...] = ()
    """The content files that use the short name alone."""


@dataclass(frozen=True)
class Site:
    """The whole site: every article and the cross-article indexes."""

    articles: tuple[Article, ...]
    """Newest first, with mentions resolved across the site."""
    entities: tuple[Entity, ...]
    """Sorted by type, then name."""
    conflicts: tuple[Conflict, ...] = ()
    """Ambiguous short names, for ``sitegen entities --conflicts``."""
    cited: tuple[Cited, ...] = ()
    """Every source of the site, people first, most cited first."""
