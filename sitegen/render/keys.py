"""Render: what each page is keyed by, beyond the article keys themselves.

A page is rendered again only when its key changes, so a key names exactly what
the page shows: of an article, the parts an entity page or a ledger shows of it;
of an entity, its row in the index and the keys of its own pages. Each part is
made once per article key (``Memo``), so a preview's rebuild recomputes only the
edited article's.
"""

from __future__ import annotations

import functools
import sys
from collections import Counter
from collections.abc import Collection, Mapping

from ..cache import digest
from ..memos import Kept, Stored, Table
from ..model import Article, Entity, Mention, Site
from ..site.entity_page import aliases, entity_listings
from ..site.listings import ListPage
from .theme import Theme, overridden


def entity_part(article: Article, entity: str) -> tuple[bytes, bytes]:
    """What the page of ``entity`` shows of ``article``: (its section, its share of
    what the first page works out from every article).

    The section: its byline, the entity's mentions and the paragraphs they are in.
    The share: its byline, who else it names and how often ("often mentioned with",
    mentions by month) and the names the entity goes by in it. So an edit re-renders
    the pages of the entities it touches, not of every entity the article names, and
    an entity's first page only when the edit changes what it shows. (The article's
    facts and each paragraph are hashed once, not once per entity.)"""
    both = _ENTITY_PARTS.get(article.key, lambda: _entity_parts(article))[entity]
    return both[:16], both[16:]


def _shared(parts: dict[str, bytes]) -> dict[str, bytes]:
    return {sys.intern(entity): both for entity, both in parts.items()}


_ENTITY_PARTS: Stored[dict[str, bytes]] = Stored("entity-parts", dict[str, bytes], shared=_shared)
"""Both parts, as one value of two 16-byte digests (one object, not three)."""


def _entity_parts(article: Article) -> dict[str, bytes]:
    named = Counter((m.entity, m.name, m.label) for m in article.mentions)
    byline = _byline(article)
    first = list(dict.fromkeys(named))  # "often mentioned with" shows the first name
    facts = digest(byline, repr(sorted(named.items())), repr(first))
    found: dict[str, list[Mention]] = {}
    for mention in article.mentions:
        found.setdefault(mention.entity, []).append(mention)
    blocks = {
        b: digest(article.document.blocks[b].text) for b in {m.block for m in article.mentions}
    }
    return {
        entity: digest(
            byline,
            repr([(m.block, m.start, m.end, m.sentence, m.text) for m in mentions]),
            *[blocks[b] for b in dict.fromkeys(m.block for m in mentions)],
        )
        + digest(facts, repr([m.text for m in mentions]))
        for entity, mentions in found.items()
    }


def named_ids(article: Article) -> tuple[str, ...]:
    """The entities ``article`` names, each once, in order (made once per article key)."""
    return _NAMED_IDS.get(
        article.key, lambda: tuple(dict.fromkeys(m.entity for m in article.mentions))
    )


_NAMED_IDS: Stored[tuple[str, ...]] = Stored(
    "named-ids", tuple[str, ...], limit=16384, shared=lambda ids: tuple(map(sys.intern, ids))
)


def noted(article: Article) -> dict[int, str]:
    """A digest of each source note of ``article`` as ledgers show it (with the
    article's byline), by note number; made once per article key."""
    return _NOTED.get(article.key, lambda: _notes(article))


_NOTED: Stored[dict[int, str]] = Stored("noted", dict[int, str])


def _notes(article: Article) -> dict[int, str]:
    byline = _byline(article)
    return {a.id: digest(byline, repr(a)).hex() for a in article.attributions}


def _byline(article: Article) -> str:
    doc = article.document
    return repr((doc.slug, doc.title, doc.date, doc.author))


def cited(article: Article) -> str:
    """What the site's sources page is made from of ``article`` (given in site order):
    its link and title, and who it quotes or cites, how (not the words, which that page
    does not show); made once per article key."""
    return _CITED.get(article.key, lambda: _cited(article))


_CITED: Stored[str] = Stored("cited", str, limit=16384)


def _cited(article: Article) -> str:
    doc = article.document
    return repr((doc.slug, doc.title, [(a.entity, a.source, a.kind) for a in article.attributions]))


def entity_rows(site: Site) -> list[str]:
    """What the entity index shows of each entity."""
    return [
        f"{e.id}\t{e.name}\t{e.label}\t{len(e.found)}\t{e.mention_count}" for e in site.entities
    ]


def entity_page_keys(salt: str, entity: Entity, size: int) -> list[tuple[ListPage, str]]:
    """The pages of ``entity``'s page, each with its key (``_make_entity_keys``)."""
    make = functools.partial(_entity_keys, salt, entity, size)
    return _ENTITY_KEYS.get(f"{salt} {entity.id}", entity, make)


_ENTITY_KEYS: Kept[list[tuple[ListPage, str]]] = Kept()
"""Each entity's pages and their keys while its entity is the same object: a
preview's edit then works out only the keys of the entities it touches."""


def _entity_keys(salt: str, entity: Entity, size: int) -> list[tuple[ListPage, str]]:
    """``_make_entity_keys``, or the last build's keys if it had these inputs: a new
    process works out those of the entities an edit touches, not of every entity."""
    listings = entity_listings(entity, size)
    make = functools.partial(_make_entity_keys, salt, entity, listings)
    inputs = _entity_inputs(salt, entity, size)
    keys = make() if inputs is None else _LAST_KEYS.get(inputs, make)
    if len(keys) != len(listings):  # (a cache value from elsewhere: not trusted)
        keys = make()
    return list(zip(listings, keys, strict=True))


_LAST_KEYS: Table[list[str]] = Table("entity-page-keys", list[str])


def _entity_inputs(salt: str, entity: Entity, size: int) -> str | None:
    """A digest of everything ``_make_entity_keys`` reads of ``entity``: its own fields
    and counts, and its articles and quotes by key (whose parts are made from the
    article alone); None for articles made by hand, which no key names."""
    articles = [article.key for article in entity.articles]
    quoted = [q.article.key for q in entity.quotes]
    if not all(articles) or not all(quoted):
        return None
    quotes = [f"{key} {q.attribution.id}" for key, q in zip(quoted, entity.quotes, strict=True)]
    counts = repr((entity.mention_count, len(entity.found), size))
    parts = (salt, entity.id, *_described(entity), counts, "\n".join(articles), "\n".join(quotes))
    return digest(*parts).hex()


def _described(entity: Entity) -> tuple[str, str, str, str]:
    """What every page of ``entity``'s page shows of the entity itself."""
    return (entity.name, entity.label, entity.description or "", entity.url or "")


def _make_entity_keys(salt: str, entity: Entity, listings: list[ListPage]) -> list[str]:
    """The pages of ``entity``'s page, each with its key: its own articles' sections
    and quotes and the counts, and on the first page also what it works out from every
    article (``entity_part``). So an edit renders again the page of the article edited,
    and the first page only when what it shows changed."""
    described = _described(entity)
    # The parts are digests of one length: joined, they are hashed as one.
    shares = b"".join(entity_part(article, entity.id)[1] for article in entity.articles)
    quotes: dict[str, list[str]] = {}
    for q in entity.quotes:
        quotes.setdefault(q.article.slug, []).append(noted(q.article)[q.attribution.id])
    total = (entity.mention_count, len(entity.found), len(entity.quotes))
    keys = []
    for listing in listings:
        counts = repr((*total, listing.number, listing.count))
        own = b"".join(entity_part(article, entity.id)[0] for article in listing.articles)
        quoted = [n for article in listing.articles for n in quotes.get(article.slug, ())]
        shown: list[str | bytes] = [own, *quoted]
        if listing.number == 1:
            shown.append(shares)
        keys.append(digest(salt, "entity", entity.id, *described, counts, *shown).hex())
    return keys


#: The templates of the pages Pagefind indexes: ``searched_keys`` holds for them as
#: the default theme has them.
SEARCHED_TEMPLATES = frozenset(
    ("base.html", "_head.html", "article.html", "entity.html", "_sources.html", "_listing.html")
)


def searched_keys(
    site: Site,
    theme: Theme,
    salt: str,
    keys: Mapping[str, str] | None,
    slugs: Collection[str] | None = None,
) -> dict[str, str]:
    """A key for each page of the search index that changes only where what Pagefind
    reads of it may, if the site uses the default theme's ``SEARCHED_TEMPLATES`` (else
    none: a page is then indexed again whenever it changed):

    - of an article page, the article (its key, names resolved across the site) and
      the name and kind of each entity it names (the filters of its "In this article");
    - of an entity's first page, its header: names, counts and description.

    Its related articles, notes, ledger and an entity's passages are left out of the
    index, so a search shard is not indexed again when only they changed (an edit
    that changes which articles are related changes hundreds of pages; Pagefind
    reading each costs 6 ms). ``keys``: the pages' keys, for the entity pages (None:
    article pages only); ``slugs``: the pages of these articles only (a shard's)."""
    if not SEARCHED_TEMPLATES.isdisjoint(overridden(theme)):
        return {}
    named = {e.id: digest(e.id, e.name, e.label) for e in site.entities}
    found = {
        f"{a.slug}/index.html": digest(
            salt, "searched", a.key, b"".join(named[i] for i in named_ids(a))
        ).hex()
        for a in site.articles
        if a.key  # (made by hand, not by a build: nothing names its inputs)
        and (slugs is None or a.slug in slugs)
    }
    if keys is None:
        return found
    for entity in site.entities:
        path = f"entities/{entity.id}/index.html"
        make = functools.partial(_entity_searched, salt, entity)
        found[path] = _SEARCHED.get(keys[path], make)
    return found


_SEARCHED: Table[str] = Table("entity-searched", str)
"""The key of what Pagefind reads of an entity's first page, by the page's key (which
names everything the page shows): a new process works out only those of the pages an
edit changed (their names, counted again from every mention)."""


def _entity_searched(salt: str, entity: Entity) -> str:
    counts = repr((entity.mention_count, len(entity.found), aliases(entity)))
    return digest(salt, "searched", entity.id, *_described(entity), counts).hex()
