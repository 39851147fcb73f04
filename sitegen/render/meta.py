"""Render: what a page tells machines about itself, for ``templates/_head.html``.

Canonical URL, Open Graph and Twitter card metadata, and for articles a
schema.org ``NewsArticle`` in JSON-LD with ``mentions`` for its entities and
``citation`` for the sources its front matter links. URLs are absolute under
``base_url``; without one, the fields that need a URL are left out.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from ..model import Article, Entity
from .urls import absolute_url, page_url

#: schema.org types of the entity labels; the rest are plain ``Thing``s.
SCHEMA_TYPES: Mapping[str, str] = {
    "PERSON": "Person",
    "ORG": "Organization",
    "GPE": "Place",
    "LOC": "Place",
    "FAC": "Place",
    "EVENT": "Event",
}


@dataclass(frozen=True)
class Feed:
    """An Atom feed a page links to with ``<link rel="alternate">``."""

    title: str
    path: str
    """Site path of the feed (``feed.xml``, ``tags/syria/feed.xml``)."""


@dataclass(frozen=True)
class Head:
    """The ``<head>`` metadata of one page."""

    title: str
    """The page's own title (``og:title``), without the site's name."""
    description: str
    kind: str = "website"
    """``og:type``: ``article`` or ``website``."""
    canonical: str | None = None
    """The absolute URL of the page, when ``base_url`` is set."""
    feeds: tuple[Feed, ...] = ()
    json_ld: str | None = None
    """JSON-LD, safe inside ``<script>``."""
    published: str | None = None
    """``article:published_time`` (``2015-09-21``)."""
    author: str | None = None
    tags: tuple[str, ...] = ()


def page_head(
    path: str, title: str, description: str, base_url: str, feeds: Sequence[Feed] = ()
) -> Head:
    """The head of any page but an article's."""
    canonical = absolute_url(base_url, page_url(path)) if base_url else None
    return Head(title, description, canonical=canonical, feeds=tuple(feeds))


def article_head(
    article: Article,
    mentioned: Sequence[Entity],
    site_title: str,
    language: str,
    base_url: str,
    feeds: Sequence[Feed] = (),
) -> Head:
    """The head of an article page, with its JSON-LD ``NewsArticle``."""
    doc = article.document
    canonical = absolute_url(base_url, f"{article.slug}/") if base_url else None
    data: dict[str, Any] = {
        "@context": "https://schema.org",
        "@type": "NewsArticle",
        "headline": doc.title,
        "inLanguage": language,
        "publisher": {"@type": "Organization", "name": site_title},
    }
    if canonical:
        data["url"] = data["mainEntityOfPage"] = canonical
    if article.summary:
        data["description"] = article.summary
    if doc.date:
        data["datePublished"] = doc.date.isoformat()
    if doc.author:
        data["author"] = {"@type": "Person", "name": doc.author}
    if doc.tags:
        data["keywords"] = list(doc.tags)
    if mentioned:
        data["mentions"] = [_thing(e, base_url) for e in mentioned]
    if doc.sources:
        data["citation"] = [{"@type": "CreativeWork", "name": n, "url": u} for n, u in doc.sources]
    return Head(
        doc.title,
        article.summary,
        kind="article",
        canonical=canonical,
        feeds=tuple(feeds),
        json_ld=script_json(data),
        published=doc.date.isoformat() if doc.date else None,
        author=doc.author,
        tags=doc.tags,
    )


def _thing(entity: Entity, base_url: str) -> dict[str, Any]:
    thing: dict[str, Any] = {"@type": SCHEMA_TYPES.get(entity.label, "Thing"), "name": entity.name}
    if base_url:
        thing["url"] = absolute_url(base_url, f"entities/{entity.id}/")
    if entity.url:
        thing["sameAs"] = entity.url
    if entity.description:
        thing["description"] = entity.description
    return thing


def script_json(data: Any) -> str:
    """JSON that cannot end its ``<script>`` element early."""
    text = json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
