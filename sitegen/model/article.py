"""Per-article data: a content file's Source, its parsed Document and the blocks'
NLP (BlockNLP), and the Article enrichment makes of them (mentions, attributions);
the labels, months and highlight styles every stage names things by.
"""

from __future__ import annotations

import datetime as dt
import sys
from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any

_set, _intern = object.__setattr__, sys.intern
"""Setting a frozen field in ``__post_init__``; one string object for equal strings."""
#: How the entity labels sitegen knows are named in URLs and pages.
#: label -> (URL segment, singular name, plural name)
LABELS: Mapping[str, tuple[str, str, str]] = MappingProxyType(
    {
        "PERSON": ("person", "Person", "People"),
        "ORG": ("org", "Organisation", "Organisations"),
        "GPE": ("gpe", "Country, city or state", "Countries, cities and states"),
        "LOC": ("loc", "Region or natural feature", "Regions and natural features"),
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
#: How mentions are highlighted: the first of each entity shaded, all, or none.
HIGHLIGHT_MODES = ("first", "all", "none")
DEFAULT_LABELS = ("PERSON", "ORG", "GPE", "LOC", "NORP", "FAC", "EVENT")
#: The longest paragraph (in characters) that is annotated: about 16,000 words, far
#: beyond any real one. spaCy refuses a text over 1,000,000 and needs about 1 GB per
#: 100,000 words; a longer paragraph is shown as written, without highlights, and
#: the parse stage warns about it.
MAX_BLOCK_CHARS = 100_000


@dataclass(frozen=True, slots=True)
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
    digest: str = ""
    """A digest of the path and the bytes of the file: what everything made from it depends on."""


@dataclass(frozen=True, slots=True)
class Block:
    """One prose block: a paragraph (also inside a list item, quote or footnote)."""

    index: int
    """Position among the document's prose blocks, in document order."""
    token_index: int
    """Index of the block's ``inline`` token in the document's tokens (``parse.tokens``)."""
    text: str
    """The block's visible text, exactly as a browser's ``textContent`` gives it."""
    line: int
    """The 1-based line of the source file the block starts on."""
    prose: tuple[tuple[int, int], ...]
    """Ranges of ``text`` that may be annotated: not code, not links, not raw HTML."""
    footnote: bool = False
    """True for a paragraph of a Markdown footnote (shown as a note, not in the text)."""


@dataclass(frozen=True, slots=True)
class Document:
    """A parsed article: validated metadata, the Markdown body and its prose blocks.

    The markdown-it tokens are not kept (they are many objects per article): the
    render stage parses ``body`` again with the same parser (``parse.tokens``).
    """

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
    body: str
    """The Markdown body as parsed: lines before the body and title/byline lines are blank,
    so markdown-it's line numbers are the file's."""
    blocks: tuple[Block, ...]
    """The prose blocks the enrich stage annotates."""
    lines: Mapping[str, int] = field(default_factory=lambda: MappingProxyType({}))
    """The line of each front matter key, for messages about it."""
    sources: tuple[tuple[str, str], ...] = ()
    """(name, url) of the front matter's ``sources``: links for source notes."""
    digest: str = ""
    """The content file's digest (``Source.digest``)."""


@dataclass(frozen=True)
class EntitySpan:
    """A named entity found by the NLP stage in one block's visible text."""

    start: int
    end: int
    label: str


Span = tuple[int, int]
"""(start, end) character offsets into a block's visible text."""


@dataclass(frozen=True)
class Cue:
    """A reporting expression found by the parser: "Kerry said", "according to X"."""

    kind: str
    """``speech`` (a communication verb) or ``according_to``."""
    cue: Span
    """The reporting words as written ("said", "according to")."""
    frame: Span
    """The cue with its speaker and modifiers ("said US spokesman Peter Cook last week")."""
    speaker: Span | None
    """Who speaks: the verb's subject, or the object of "according to"."""
    clause: Span | None
    """What is reported: the verb's clausal complement, or the clause "according to" supports."""
    medium: Span | None = None
    """Where it was said ("told *the Times*")."""
    head: Span | None = None
    """The speaker's head word: "Cook" in "spokesman Peter Cook", "spokesman" in "a
    spokesman for Maersk"; the noun a relative "who said" refers to."""


@dataclass(frozen=True)
class BlockNLP:
    """What the NLP stage says about one block; a pure function of the block's text."""

    entities: tuple[EntitySpan, ...] = ()
    sentences: tuple[tuple[int, int], ...] = ()
    """Sentence boundaries (start, end) covering the block's text."""
    cues: tuple[Cue, ...] = ()
    """Reporting expressions outside quotations (only where the parser ran)."""


@dataclass(frozen=True, slots=True)
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

    def __post_init__(self) -> None:
        """One string object for the strings many mentions repeat (an entity's id and
        name, a label, the words): a site's articles take a third less memory."""
        _set(self, "entity", _intern(self.entity))
        _set(self, "name", _intern(self.name))
        _set(self, "label", _intern(self.label))
        _set(self, "text", _intern(self.text))


@dataclass(frozen=True, slots=True)
class Attribution:
    """Who said or reported what: one source note."""

    id: int
    """The note's number in the article, in reading order from 1."""
    source: str
    """The speaker or outlet, by canonical name when it is an entity."""
    entity: str | None
    """The source's entity id (``person/john-kerry``), if it is one."""
    description: str | None
    """How the text describes the source ("US Defense Department spokesman")."""
    cue: str
    """The reporting words as written ("said", "told", "according to")."""
    kind: str
    """``direct`` (quoted words), ``indirect`` (reported speech) or ``according_to``."""
    text: str
    """The attributed words or clause."""
    block: int
    start: int
    end: int
    """Offsets of ``text`` in the block's visible text."""
    medium: str | None
    """Where it was said ("the Times" in "told the Times"), by canonical name."""
    medium_entity: str | None
    line: int
    """The source line of the block (for messages)."""
    note_at: int
    """Where in the block the note's marker goes (after the passage)."""

    def __post_init__(self) -> None:  # (see Mention's)
        _set(self, "source", _intern(self.source))
        _set(self, "cue", _intern(self.cue))
        _set(self, "kind", _intern(self.kind))
        if self.entity is not None:
            _set(self, "entity", _intern(self.entity))
        if self.medium_entity is not None:
            _set(self, "medium_entity", _intern(self.medium_entity))


@dataclass(frozen=True, slots=True)
class Article:
    """A document with its annotations: plain data, placed on tokens only when rendered.

    A pure function of the document, its blocks' NLP results and the curated
    catalog; entity ids are the article's own until the site stage resolves
    names across articles (``Site.articles`` holds the resolved views).
    """

    document: Document
    mentions: tuple[Mention, ...]
    summary: str
    """Plain-text summary: the front matter's, or the first prose block."""
    attributions: tuple[Attribution, ...] = ()
    """Source notes; ``id`` is the note's number."""
    footnotes: Mapping[int, int] = field(default_factory=lambda: MappingProxyType({}))
    """The note number of each Markdown footnote (by the footnote plugin's id)."""
    unattributed: tuple[tuple[int, int, int], ...] = ()
    """Quotations no cue attributes: (block, start, end) of their words."""
    key: str = ""
    """Identifies what this article holds: a digest of its file and of what enriching
    it depends on (model, curated entities, labels, code), then of the site's renames
    of its entities once names are resolved across articles. Pages made from it are
    keyed by it, and so are the render stage's memos."""

    @property
    def slug(self) -> str:
        return self.document.slug
