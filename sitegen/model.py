"""The data every pipeline stage passes on.

load -> Source -> parse -> Document -> enrich -> Article -> site -> Site -> render -> OutputFile

All types are frozen: a stage never changes what an earlier stage made, so a
per-article result is a pure function of its inputs and site-wide pages are a
pure function of the set of articles (what incremental rebuilds rely on).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any

from markdown_it.token import Token

#: How the entity labels sitegen knows are named in URLs and pages.
#: label -> (URL segment, singular name, plural name)
LABELS: Mapping[str, tuple[str, str, str]] = MappingProxyType(
    {
        "PERSON": ("person", "Person", "People"),
        "ORG": ("org", "Organisation", "Organisations"),
        "GPE": ("gpe", "Country, city or state", "Countries, cities and states"),
        "LOC": ("loc", "Place", "Places"),
        "NORP": ("norp", "Nationality or group", "Nationalities and groups"),
        "FAC": ("fac", "Building or facility", "Buildings and facilities"),
        "EVENT": ("event", "Event", "Events"),
        "PRODUCT": ("product", "Product", "Products"),
        "WORK_OF_ART": ("work", "Work", "Works"),
        "LAW": ("law", "Law", "Laws"),
        "LANGUAGE": ("language", "Language", "Languages"),
    }
)
#: English month names, independent of the machine's locale.
MONTHS = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)
#: How highlights of each label look, so readers can tell kinds apart without
#: colour: label -> (underline style class, what the legend calls that style).
HIGHLIGHT_STYLES: Mapping[str, tuple[str, str]] = MappingProxyType(
    {
        "PERSON": ("ent-person", "people"),
        "ORG": ("ent-org", "organisations"),
        "GPE": ("ent-gpe", "places"),
        "LOC": ("ent-gpe", "places"),
        "FAC": ("ent-gpe", "places"),
        "NORP": ("ent-norp", "nationalities and groups"),
        "EVENT": ("ent-event", "events and other names"),
        "PRODUCT": ("ent-event", "events and other names"),
        "WORK_OF_ART": ("ent-event", "events and other names"),
        "LAW": ("ent-event", "events and other names"),
        "LANGUAGE": ("ent-event", "events and other names"),
    }
)
DEFAULT_LABELS = ("PERSON", "ORG", "GPE", "LOC", "NORP", "FAC", "EVENT")


@dataclass(frozen=True)
class Source:
    """A content file as read from disk, front matter split off but not validated."""

    path: str
    """Where it came from, relative to the site folder, POSIX style: ``content/a.md``."""
    meta: Mapping[str, Any]
    """The YAML front matter as parsed (empty when the file has none)."""
    meta_lines: Mapping[str, int]
    """For each top-level front matter key, the 1-based line it is on (for errors)."""
    body: str
    """The Markdown after the front matter."""
    body_line: int
    """The 1-based line of the file on which ``body`` starts."""


@dataclass(frozen=True)
class Block:
    """One prose block: a paragraph (also inside a list item, quote or footnote)."""

    index: int
    """Position among the document's prose blocks, in document order."""
    token_index: int
    """Index of the block's ``inline`` token in ``Document.tokens``."""
    text: str
    """The block's visible text, exactly as a browser's ``textContent`` gives it."""
    line: int
    """The 1-based line of the source file the block starts on."""
    prose: tuple[tuple[int, int], ...]
    """Ranges of ``text`` that may be annotated: not code, not links, not raw HTML."""


@dataclass(frozen=True)
class Document:
    """A parsed article: validated metadata and the Markdown token stream."""

    source: str
    """The content file, relative to the site folder (``content/a.md``)."""
    slug: str
    """The article's URL segment: it is written to ``<slug>/index.html``."""
    title: str
    author: str | None
    date: dt.date | None
    tags: tuple[str, ...]
    summary: str | None
    """The summary given in front matter, if any."""
    draft: bool
    extra: Mapping[str, Any]
    """Front matter keys sitegen does not interpret, passed to templates as ``page.extra``."""
    tokens: tuple[Token, ...]
    """markdown-it tokens of the body; never mutated after parsing."""
    blocks: tuple[Block, ...]
    """The prose blocks the enrich stage annotates."""
    lines: Mapping[str, int] = field(default_factory=lambda: MappingProxyType({}))
    """The line of each front matter key, for messages about it."""


@dataclass(frozen=True)
class EntitySpan:
    """A named entity found by the NLP stage in one block's visible text."""

    start: int
    end: int
    label: str


@dataclass(frozen=True)
class BlockNLP:
    """What the NLP stage says about one block; a pure function of the block's text."""

    entities: tuple[EntitySpan, ...] = ()
    sentences: tuple[tuple[int, int], ...] = ()
    """Sentence boundaries (start, end) covering the block's text."""


@dataclass(frozen=True)
class Mention:
    """One place an article names an entity."""

    entity: str
    """The entity's id, ``<type>/<slug>`` (``person/john-kerry``)."""
    name: str
    """The entity's canonical name."""
    label: str
    """The spaCy label (``PERSON``)."""
    text: str
    """The words as they stand in the article."""
    block: int
    start: int
    end: int
    """Character offsets into the block's visible text."""
    line: int
    """The source line of the block (for messages)."""
    sentence: tuple[int, int]
    """The sentence around the mention, as offsets into the block's visible text."""


@dataclass(frozen=True)
class Article:
    """A document with its annotations placed on the token stream."""

    document: Document
    tokens: tuple[Token, ...]
    """The body tokens with ``entity_open``/``entity_close`` placed around mentions."""
    mentions: tuple[Mention, ...]
    summary: str
    """Plain-text summary: the front matter's, or the first prose block."""

    @property
    def slug(self) -> str:
        return self.document.slug


@dataclass(frozen=True)
class Passage:
    """A sentence quoted on an entity page, with the entity's mentions marked."""

    parts: tuple[tuple[str, bool], ...]
    """The sentence as (text, is_mention) pieces."""
    block: int
    """The prose block the sentence is in."""


@dataclass(frozen=True)
class EntityArticle:
    """One article as listed on an entity page."""

    article: Article
    passages: tuple[Passage, ...]


@dataclass(frozen=True)
class Related:
    """An entity named in the same articles as another."""

    id: str
    name: str
    label: str
    shared: int
    """How many articles mention both."""


@dataclass(frozen=True)
class Entity:
    """A person, organisation, place... with every article that mentions it."""

    id: str
    name: str
    label: str
    articles: tuple[EntityArticle, ...]
    """Mentioning articles, newest first."""
    aliases: tuple[str, ...] = ()
    """The forms the articles name it by, most frequent first."""
    description: str | None = None
    """From ``entities.toml``."""
    url: str | None = None
    """An external page about it, from ``entities.toml``."""
    related: tuple[Related, ...] = ()
    """The entities most often mentioned in the same articles."""
    months: tuple[tuple[str, int], ...] = ()
    """Mentions per month (``2015-09``), every month from the first to the last."""

    @property
    def type_slug(self) -> str:
        return self.id.split("/", 1)[0]

    @property
    def mention_count(self) -> int:
        return sum(marked for a in self.articles for p in a.passages for _, marked in p.parts)


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


@dataclass(frozen=True)
class OutputFile:
    """One file of the built site."""

    path: str
    """Relative to the output folder, POSIX style (``a/index.html``)."""
    content: bytes


@dataclass(frozen=True)
class BuildReport:
    """What a build did, for the command line to print."""

    out_dir: str
    articles: int
    pages: int
    entities: int
    files: int
    warnings: tuple[str, ...] = field(default_factory=tuple)
